//! Input checks. Each returns the status that names the field.

use crate::limits::*;
use crate::status::aliyun_mqtt_status as S;

/// Parameter keys the library writes itself; `extra_params` may not repeat them.
pub const RESERVED_KEYS: [&[u8]; 3] = [b"securemode", b"signmethod", b"timestamp"];

/// Printable ASCII without space.
fn visible(b: u8) -> bool {
    b.is_ascii_graphic()
}

fn all(s: &[u8], min: usize, max: usize, ok: impl Fn(u8) -> bool, err: S) -> Result<(), S> {
    if s.len() < min || s.len() > max || !s.iter().all(|b| ok(*b)) {
        return Err(err);
    }
    Ok(())
}

/// ProductKey: 1..=20 ASCII letters and digits (it also goes into host names).
pub fn product_key(s: &[u8]) -> Result<(), S> {
    all(
        s,
        1,
        ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
        |b| b.is_ascii_alphanumeric(),
        S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
    )
}

/// DeviceName: 4..=32 of letters, digits, `-`, `_`, `@`, `.`, `:` (SPEC 1).
pub fn device_name(s: &[u8]) -> Result<(), S> {
    all(
        s,
        ALIYUN_MQTT_DEVICE_NAME_MIN_LEN,
        ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
        |b| b.is_ascii_alphanumeric() || b"-_@.:".contains(&b),
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
    )
}

/// DeviceSecret (or ProductSecret): 1..=64 printable ASCII, no space.
pub fn device_secret(s: &[u8]) -> Result<(), S> {
    all(
        s,
        1,
        ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
        visible,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
    )
}

/// Client id: 1..=64 printable ASCII except the separators `|`, `,`, `=`.
pub fn client_id(s: &[u8]) -> Result<(), S> {
    all(
        s,
        1,
        ALIYUN_MQTT_CLIENT_ID_MAX_LEN,
        |b| visible(b) && !b"|,=".contains(&b),
        S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
    )
}

/// Region id: 1..=32 of `[a-z0-9-]`, not starting or ending with `-`.
pub fn region(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_REGION;
    all(
        s,
        1,
        ALIYUN_MQTT_REGION_MAX_LEN,
        |b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-',
        err,
    )?;
    if s.first() == Some(&b'-') || s.last() == Some(&b'-') {
        return Err(err);
    }
    Ok(())
}

/// Extra parameters: `k=v[,k=v...]`, keys and values non-empty printable
/// ASCII without `|`, `,`, `=`, keys unique and not reserved, at most 128
/// bytes in all.
pub fn extra_params(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS;
    all(
        s,
        1,
        ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN,
        |b| visible(b) && b != b'|',
        err,
    )?;
    for (i, pair) in s.split(|b| *b == b',').enumerate() {
        let key = param_key(pair).ok_or(err)?;
        if RESERVED_KEYS.contains(&key) {
            return Err(err);
        }
        // Quadratic, but over at most 64 pairs of a 128-byte string.
        let repeated = s
            .split(|b| *b == b',')
            .take(i)
            .any(|earlier| param_key(earlier) == Some(key));
        if repeated {
            return Err(err);
        }
    }
    Ok(())
}

/// The key of `k=v` when both sides are non-empty and there is one `=`.
fn param_key(pair: &[u8]) -> Option<&[u8]> {
    let mut sides = pair.split(|b| *b == b'=');
    let key = sides.next()?;
    let value = sides.next()?;
    if key.is_empty() || value.is_empty() || sides.next().is_some() {
        return None;
    }
    Some(key)
}
