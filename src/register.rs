//! Dynamic registration, one secret per product (PROTOCOL.md §4): the MQTT
//! credentials of `authType=register` and `authType=regnwl`, and those of
//! the `authType=connwl` connection that follows `regnwl`.

use crate::credentials::hex_signature;
pub use crate::model::AuthType;
use crate::reply::RegNwlReply;
use crate::sign::{Content, SignMethod};
use crate::status::{aliyun_mqtt_status as S, Error};
use crate::validate;
use crate::writer::emit;

/// A device that holds its product's ProductSecret and registers itself.
#[derive(Clone, Copy, Debug)]
pub struct Registration<'a> {
    /// ProductKey.
    pub product_key: &'a [u8],
    /// DeviceName.
    pub device_name: &'a [u8],
    /// ProductSecret (the HMAC key).
    pub product_secret: &'a [u8],
    /// The device's random string: 1 to 32 letters and digits.
    pub random: &'a [u8],
    /// Client id; `None` or empty means `productKey.deviceName`.
    pub client_id: Option<&'a [u8]>,
    /// Instance id, sent as `instanceId` (new public and Enterprise
    /// instances); `None` or empty leaves it out.
    pub instance_id: Option<&'a [u8]>,
    /// hmacmd5, hmacsha1 or hmacsha256.
    pub sign_method: SignMethod,
    /// `securemode`: 2 (TLS) or -2 (TLS on new public and Enterprise
    /// instances).
    pub secure_mode: i32,
    /// register or regnwl (connwl is refused).
    pub auth_type: AuthType,
    /// Upper-case hex digits in the password.
    pub uppercase_hex: bool,
}

impl<'a> Registration<'a> {
    /// A registration with the defaults: hmacsha256, securemode 2,
    /// `authType=register`, no client id, no instance id, lower-case hex.
    pub fn new(
        product_key: &'a [u8],
        device_name: &'a [u8],
        product_secret: &'a [u8],
        random: &'a [u8],
    ) -> Self {
        Registration {
            product_key,
            device_name,
            product_secret,
            random,
            client_id: None,
            instance_id: None,
            sign_method: SignMethod::HmacSha256,
            secure_mode: 2,
            auth_type: AuthType::Register,
            uppercase_hex: false,
        }
    }

    /// Checks every field; the error names the first bad one. `sha256` is
    /// refused: registration is signed with an HMAC.
    pub fn validate(&self) -> Result<(), S> {
        self.check(true)
    }

    /// Checks the fields the unsigned outputs use (the client id, the user
    /// name and the signed content): all but the ProductSecret, with an
    /// HMAC method compiled into this build or not.
    pub fn validate_unsigned(&self) -> Result<(), S> {
        self.check(false)
    }

    fn check(&self, signed: bool) -> Result<(), S> {
        validate::product_key(self.product_key)?;
        validate::device_name(self.device_name)?;
        if signed {
            validate::product_secret(self.product_secret)?;
        }
        validate::random(self.random)?;
        if let Some(cid) = self.client_id.filter(|c| !c.is_empty()) {
            validate::client_id(cid)?;
        }
        if let Some(id) = self.instance_id.filter(|i| !i.is_empty()) {
            validate::instance_id(id)?;
        }
        if self.sign_method == SignMethod::Sha256 || (signed && !self.sign_method.enabled()) {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
        }
        if self.auth_type == AuthType::ConnWl {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE);
        }
        if !matches!(self.secure_mode, 2 | -2) {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE);
        }
        Ok(())
    }
}

/// Writes `cid|securemode=M,authType=T,random=R,signmethod=S[,instanceId=I]|`
/// and a NUL into `out`.
pub fn client_id(reg: &Registration<'_>, out: &mut [u8]) -> Result<usize, Error> {
    reg.validate_unsigned()?;
    let cid = reg.client_id.filter(|c| !c.is_empty());
    let (c0, c1, c2): (&[u8], &[u8], &[u8]) = match cid {
        Some(cid) => (cid, b"", b""),
        None => (reg.product_key, b".", reg.device_name),
    };
    let (inst_key, inst): (&[u8], &[u8]) = match reg.instance_id.filter(|i| !i.is_empty()) {
        Some(id) => (b",instanceId=", id),
        None => (b"", b""),
    };
    let mode: &[u8] = if reg.secure_mode == 2 { b"2" } else { b"-2" };
    emit(
        out,
        &[
            c0,
            c1,
            c2,
            b"|securemode=",
            mode,
            b",authType=",
            reg.auth_type.name(),
            b",random=",
            reg.random,
            b",signmethod=",
            reg.sign_method.name(),
            inst_key,
            inst,
            b"|",
        ],
    )
}

/// Writes the user name `deviceName&productKey` and a NUL into `out`.
pub fn username(reg: &Registration<'_>, out: &mut [u8]) -> Result<usize, Error> {
    reg.validate_unsigned()?;
    emit(out, &[reg.device_name, b"&", reg.product_key])
}

/// The content registration signs:
/// `deviceName{dn}productKey{pk}random{R}`.
pub(crate) struct RegisterContent<'a>(pub &'a Registration<'a>);

impl<'a> RegisterContent<'a> {
    /// The content's pieces, in order.
    fn pieces(&self) -> [&'a [u8]; 6] {
        let reg = self.0;
        [
            b"deviceName",
            reg.device_name,
            b"productKey",
            reg.product_key,
            b"random",
            reg.random,
        ]
    }
}

impl Content for RegisterContent<'_> {
    fn feed(&mut self, sink: &mut dyn FnMut(&[u8])) {
        for part in self.pieces() {
            sink(part);
        }
    }
}

/// Two-phase signing, first phase: writes the bytes the registration's
/// MAC covers, `deviceName{dn}productKey{pk}random{R}`, and a NUL into
/// `out`. The ProductSecret is not used. The second phase is
/// [`crate::credentials::password_from_digest`] with the registration's
/// method and hex case.
pub fn signed_content(reg: &Registration<'_>, out: &mut [u8]) -> Result<usize, Error> {
    reg.validate_unsigned()?;
    emit(out, &RegisterContent(reg).pieces())
}

/// Writes the password `hex(sign(productSecret, deviceName..productKey..
/// random..))` and a NUL into `out` (also the HTTPS `sign`).
pub fn password(reg: &Registration<'_>, out: &mut [u8]) -> Result<usize, Error> {
    reg.validate()?;
    hex_signature(
        reg.sign_method,
        reg.product_secret,
        &mut RegisterContent(reg),
        reg.uppercase_hex,
        out,
    )
}

/// Checks the fields of an `/ext/regnwl` reply that [`connwl_client_id`]
/// and the `connwl` user name and password use.
fn check_regnwl(reply: &RegNwlReply) -> Result<(), S> {
    validate::client_id(reply.client_id.as_bytes())?;
    validate::product_key(reply.product_key.as_bytes())?;
    validate::device_name(reply.device_name.as_bytes())?;
    validate::device_token(reply.device_token.as_bytes())
}

/// Writes the `connwl` client identifier `clientId|securemode=-2,
/// authType=connwl|` for the clientId of an `/ext/regnwl` reply.
pub fn connwl_client_id(reply: &RegNwlReply, out: &mut [u8]) -> Result<usize, Error> {
    check_regnwl(reply)?;
    emit(
        out,
        &[
            reply.client_id.as_bytes(),
            b"|securemode=-2,authType=connwl|",
        ],
    )
}

/// Writes the `connwl` user name `deviceName&productKey`.
pub fn connwl_username(reply: &RegNwlReply, out: &mut [u8]) -> Result<usize, Error> {
    check_regnwl(reply)?;
    emit(
        out,
        &[
            reply.device_name.as_bytes(),
            b"&",
            reply.product_key.as_bytes(),
        ],
    )
}

/// Writes the `connwl` password: the deviceToken.
pub fn connwl_password(reply: &RegNwlReply, out: &mut [u8]) -> Result<usize, Error> {
    check_regnwl(reply)?;
    emit(out, &[reply.device_token.as_bytes()])
}
