//! HTTPS authentication (PROTOCOL.md §3) and HTTPS dynamic registration (PROTOCOL.md §4):
//! the request path and the `application/x-www-form-urlencoded` body. The
//! Host is [`crate::endpoints::auth_host`]; replies are parsed by
//! [`crate::reply`].

use crate::credentials::{password_from_digest, password_valid, Device};
use crate::limits::ALIYUN_MQTT_PASSWORD_SIZE;
use crate::register::{self, Registration};
use crate::sign::SignMethod;
use crate::status::{aliyun_mqtt_status as S, Error};
use crate::writer::{build, emit, u64_decimal};

/// Path of the HTTPS authentication request (`POST`).
pub const AUTH_PATH: &[u8] = b"/auth/devicename";
/// Path of the HTTPS dynamic registration request (`POST`).
pub const REGISTER_PATH: &[u8] = b"/auth/register/device";

/// Writes [`AUTH_PATH`] and a NUL into `out`.
pub fn auth_path(out: &mut [u8]) -> Result<usize, Error> {
    emit(out, &[AUTH_PATH])
}

/// Writes [`REGISTER_PATH`] and a NUL into `out`.
pub fn register_path(out: &mut [u8]) -> Result<usize, Error> {
    emit(out, &[REGISTER_PATH])
}

/// Writes the HTTPS authentication body and a NUL into `out`:
/// `productKey=..&deviceName=..&clientId=..[&timestamp=..]&signmethod=..
/// &sign=..&version=default&resources=mqtt`, every value percent-encoded,
/// `sign` computed over the same content as the MQTT password (PROTOCOL.md §1).
///
/// The device is validated as for the MQTT fields; besides, `sha256` is
/// refused (`ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD`: the HTTPS endpoint takes
/// the HMAC methods only), and so are extra parameters
/// (`ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS`: the body has no place for them).
pub fn auth_body(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate()?;
    check_auth(dev)?;
    let mut sign = [0u8; ALIYUN_MQTT_PASSWORD_SIZE];
    let sign_len = password_valid(dev, &mut sign)?;
    auth_body_with(dev, sign.get(..sign_len).unwrap_or_default(), out)
}

/// Two-phase signing of [`auth_body`]: the body with `sign` the hex of the
/// caller's `digest` of [`crate::credentials::signed_content`]. The
/// DeviceSecret is not used; the digest must be the method's length
/// (`ALIYUN_MQTT_ERR_INVALID_DIGEST`).
pub fn auth_body_from_digest(
    dev: &Device<'_>,
    digest: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    dev.validate_unsigned()?;
    check_auth(dev)?;
    let mut sign = [0u8; ALIYUN_MQTT_PASSWORD_SIZE];
    let sign_len = password_from_digest(dev.sign_method, digest, dev.uppercase_hex, &mut sign)?;
    auth_body_with(dev, sign.get(..sign_len).unwrap_or_default(), out)
}

/// What the HTTPS endpoint refuses besides the MQTT rules.
fn check_auth(dev: &Device<'_>) -> Result<(), S> {
    if dev.sign_method == SignMethod::Sha256 {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
    }
    if dev.extra_params.is_some_and(|e| !e.is_empty()) {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS);
    }
    Ok(())
}

/// The authentication body with its `sign`.
fn auth_body_with(dev: &Device<'_>, sign: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let mut digits = [0u8; 20];
    let ts = dev.timestamp_ms.map(|t| u64_decimal(t, &mut digits));
    build(out, |w| {
        w.put(b"productKey=");
        w.put_form(dev.product_key);
        w.put(b"&deviceName=");
        w.put_form(dev.device_name);
        w.put(b"&clientId=");
        for part in dev.client_id_parts() {
            w.put_form(part);
        }
        if let Some(ts) = ts {
            w.put(b"&timestamp=");
            w.put(ts);
        }
        w.put(b"&signmethod=");
        w.put(dev.sign_method.name());
        w.put(b"&sign=");
        w.put(sign);
        w.put(b"&version=default&resources=mqtt");
    })
}

/// Writes the HTTPS dynamic registration body and a NUL into `out`:
/// `productKey=..&deviceName=..&random=..&sign=..&signMethod=..`, `sign`
/// as the MQTT registration password. `auth_type`, `secure_mode`,
/// `client_id` and `instance_id` do not go into it (they are still
/// validated).
pub fn register_body(reg: &Registration<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let mut sign = [0u8; ALIYUN_MQTT_PASSWORD_SIZE];
    let sign_len = register::password(reg, &mut sign)?;
    register_body_with(reg, sign.get(..sign_len).unwrap_or_default(), out)
}

/// Two-phase signing of [`register_body`]: `sign` is the hex of the
/// caller's `digest` of [`register::signed_content`]. The ProductSecret is
/// not used; the digest must be the method's length
/// (`ALIYUN_MQTT_ERR_INVALID_DIGEST`).
pub fn register_body_from_digest(
    reg: &Registration<'_>,
    digest: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    reg.validate_unsigned()?;
    let mut sign = [0u8; ALIYUN_MQTT_PASSWORD_SIZE];
    let sign_len = password_from_digest(reg.sign_method, digest, reg.uppercase_hex, &mut sign)?;
    register_body_with(reg, sign.get(..sign_len).unwrap_or_default(), out)
}

/// The registration body with its `sign`.
fn register_body_with(reg: &Registration<'_>, sign: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    build(out, |w| {
        w.put(b"productKey=");
        w.put_form(reg.product_key);
        w.put(b"&deviceName=");
        w.put_form(reg.device_name);
        w.put(b"&random=");
        w.put_form(reg.random);
        w.put(b"&sign=");
        w.put(sign);
        w.put(b"&signMethod=");
        w.put(reg.sign_method.name());
    })
}
