//! The CONNECT fields of a device that holds its DeviceSecret (SPEC 1).

use crate::sign::{sign_into, Content, SignMethod, MAX_DIGEST_LEN};
use crate::status::{aliyun_mqtt_status as S, Error};
use crate::validate;
use crate::writer::{emit, hex_encode, u64_decimal};

/// The `securemode` parameter. The numbers are the C values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecureMode {
    /// `securemode=2`: direct TLS.
    Tls = 2,
    /// `securemode=3`: direct TCP (refused for accounts created since Aug 2022).
    Tcp = 3,
}

impl SecureMode {
    /// The mode with this C value.
    pub fn from_i32(value: i32) -> Option<Self> {
        match value {
            2 => Some(SecureMode::Tls),
            3 => Some(SecureMode::Tcp),
            _ => None,
        }
    }

    /// The value of the `securemode` parameter.
    pub fn name(self) -> &'static [u8] {
        match self {
            SecureMode::Tls => b"2",
            SecureMode::Tcp => b"3",
        }
    }
}

/// A device and the options for its credentials. Strings are bytes without
/// a NUL; every builder validates the whole device first.
#[derive(Clone, Copy, Debug)]
pub struct Device<'a> {
    /// ProductKey.
    pub product_key: &'a [u8],
    /// DeviceName.
    pub device_name: &'a [u8],
    /// DeviceSecret (the HMAC key).
    pub device_secret: &'a [u8],
    /// Client id; `None` or empty means `productKey.deviceName`.
    pub client_id: Option<&'a [u8]>,
    /// Milliseconds since the epoch; `None` leaves the timestamp out.
    pub timestamp_ms: Option<u64>,
    /// How the password is signed.
    pub sign_method: SignMethod,
    /// TLS or plain TCP.
    pub secure_mode: SecureMode,
    /// Extra `k=v[,k=v...]` parameters put inside the bars, or `None`.
    pub extra_params: Option<&'a [u8]>,
    /// Upper-case hex digits in the password (lower case otherwise).
    pub uppercase_hex: bool,
}

impl<'a> Device<'a> {
    /// A device with the defaults: hmacsha256, TLS, no client id, no
    /// timestamp, no extra parameters, lower-case hex.
    pub fn new(product_key: &'a [u8], device_name: &'a [u8], device_secret: &'a [u8]) -> Self {
        Device {
            product_key,
            device_name,
            device_secret,
            client_id: None,
            timestamp_ms: None,
            sign_method: SignMethod::HmacSha256,
            secure_mode: SecureMode::Tls,
            extra_params: None,
            uppercase_hex: false,
        }
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), S> {
        validate::product_key(self.product_key)?;
        validate::device_name(self.device_name)?;
        validate::device_secret(self.device_secret)?;
        if let Some(cid) = self.explicit_client_id() {
            validate::client_id(cid)?;
        }
        if !self.sign_method.enabled() {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
        }
        if let Some(extra) = self.extra_params.filter(|e| !e.is_empty()) {
            validate::extra_params(extra)?;
        }
        Ok(())
    }

    fn explicit_client_id(&self) -> Option<&'a [u8]> {
        self.client_id.filter(|c| !c.is_empty())
    }

    /// The client id as pieces to concatenate: the caller's, or
    /// `productKey.deviceName`.
    pub(crate) fn client_id_parts(&self) -> [&'a [u8]; 3] {
        match self.explicit_client_id() {
            Some(cid) => [cid, b"", b""],
            None => [self.product_key, b".", self.device_name],
        }
    }
}

/// Writes the MQTT client identifier
/// `cid|securemode=M,signmethod=S[,timestamp=T][,extra]|` and a NUL into
/// `out`; returns its length without the NUL.
pub fn client_id(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate()?;
    client_id_valid(dev, out)
}

/// [`client_id`] of a device already validated. Not inlined: its piece list
/// would otherwise sit in the caller's frame while the password is signed.
#[inline(never)]
pub(crate) fn client_id_valid(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let [c0, c1, c2] = dev.client_id_parts();
    let mut digits = [0u8; 20];
    let (ts_key, ts): (&[u8], &[u8]) = match dev.timestamp_ms {
        Some(ts) => (b",timestamp=", u64_decimal(ts, &mut digits)),
        None => (b"", b""),
    };
    let (comma, extra): (&[u8], &[u8]) = match dev.extra_params.filter(|e| !e.is_empty()) {
        Some(extra) => (b",", extra),
        None => (b"", b""),
    };
    emit(
        out,
        &[
            c0,
            c1,
            c2,
            b"|securemode=",
            dev.secure_mode.name(),
            b",signmethod=",
            dev.sign_method.name(),
            ts_key,
            ts,
            comma,
            extra,
            b"|",
        ],
    )
}

/// Writes the MQTT user name `deviceName&productKey` and a NUL into `out`.
pub fn username(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate()?;
    username_valid(dev, out)
}

/// [`username`] of a device already validated.
#[inline(never)]
pub(crate) fn username_valid(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    emit(out, &[dev.device_name, b"&", dev.product_key])
}

/// The signed content of SPEC 1: `clientId{cid}deviceName{dn}productKey{pk}`
/// and `timestamp{ts}` when there is one (names in alphabetical order).
struct PasswordContent<'a>(&'a Device<'a>);

impl Content for PasswordContent<'_> {
    fn feed(&self, sink: &mut dyn FnMut(&[u8])) {
        let dev = self.0;
        sink(b"clientId");
        for part in dev.client_id_parts() {
            sink(part);
        }
        sink(b"deviceName");
        sink(dev.device_name);
        sink(b"productKey");
        sink(dev.product_key);
        if let Some(ts) = dev.timestamp_ms {
            let mut digits = [0u8; 20];
            sink(b"timestamp");
            sink(u64_decimal(ts, &mut digits));
        }
    }
}

/// Writes the MQTT password, the hex digest of the sorted content
/// `clientId..deviceName..productKey..[timestamp..]`, and a NUL into `out`.
pub fn password(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate()?;
    password_valid(dev, out)
}

/// [`password`] of a device already validated.
pub(crate) fn password_valid(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    hex_signature(
        dev.sign_method,
        dev.device_secret,
        &PasswordContent(dev),
        dev.uppercase_hex,
        out,
    )
}

/// Writes the hex digest of `content` signed with `key` by `method`, and a
/// NUL, into `out`; returns the number of hex digits.
pub(crate) fn hex_signature(
    method: SignMethod,
    key: &[u8],
    content: &dyn Content,
    uppercase: bool,
    out: &mut [u8],
) -> Result<usize, Error> {
    let hex_len = method.hex_len();
    if out.len() <= hex_len {
        return Err(Error::TooSmall(hex_len));
    }
    let mut digest = [0u8; MAX_DIGEST_LEN];
    let len = sign_into(method, key, content, &mut digest)?;
    hex_encode(digest.get(..len).unwrap_or_default(), uppercase, out);
    if let Some(nul) = out.get_mut(hex_len) {
        *nul = 0;
    }
    Ok(hex_len)
}
