//! The server side of PROTOCOL.md §1: checks the CONNECT fields a device sent the
//! way the platform does, for test brokers and device test benches.

use crate::limits::ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN;
use crate::register::AuthType;
use crate::sign::{sign_into, Parts, SignMethod, MAX_DIGEST_LEN};
use crate::status::aliyun_mqtt_status as S;
use crate::validate;

/// What a CONNECT packet claims, parsed from its client identifier and user
/// name. Slices borrow from the inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity<'a> {
    /// The device's client id: the text before the first `|` (may be empty).
    pub client_id: &'a [u8],
    /// ProductKey, from the user name.
    pub product_key: &'a [u8],
    /// DeviceName, from the user name.
    pub device_name: &'a [u8],
    /// `signmethod`, hmacmd5 when absent (the server's default).
    pub sign_method: SignMethod,
    /// `securemode`: 2, 3 or -2.
    pub secure_mode: i32,
    /// `timestamp` as submitted (1 to 20 digits) and its value.
    pub timestamp: Option<(&'a [u8], u64)>,
    /// `authType`, when sent (dynamic registration, PROTOCOL.md §4).
    pub auth_type: Option<AuthType>,
    /// `random` of a registration (empty otherwise).
    pub random: &'a [u8],
}

/// Parses `id|k=v[,k=v...]|` and `deviceName&productKey` without checking a
/// signature, so a caller can look up the device's secret.
///
/// Errors: `ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID`, `..._EMPTY_PARAM`,
/// `..._DUPLICATE_PARAM`, `..._INVALID_CLIENT_ID` (over 64 characters or a
/// forbidden byte), `..._INVALID_SECURE_MODE` (absent or not 2, 3, -2),
/// `..._INVALID_SIGN_METHOD`, `..._INVALID_TIMESTAMP`, `..._INVALID_USERNAME`.
#[allow(clippy::arithmetic_side_effects)] // offsets within a bounded input
pub fn identify<'a>(mqtt_client_id: &'a [u8], username: &'a [u8]) -> Result<Identity<'a>, S> {
    let malformed = S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID;
    if mqtt_client_id.len() > ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN {
        return Err(malformed);
    }
    let bar = mqtt_client_id
        .iter()
        .position(|b| *b == b'|')
        .ok_or(malformed)?;
    let (client_id, rest) = mqtt_client_id.split_at(bar);
    let params = rest
        .get(1..)
        .and_then(|r| r.strip_suffix(b"|"))
        .ok_or(malformed)?;
    if params.contains(&b'|') {
        return Err(malformed);
    }
    if !client_id.is_empty() {
        validate::client_id(client_id)?;
    }

    let (mut secure_mode, mut sign_method, mut timestamp) = (None, None, None);
    let (mut auth_type, mut random) = (None, None);
    let mut offset = 0;
    if !params.is_empty() {
        for pair in params.split(|b| *b == b',') {
            let eq = pair.iter().position(|b| *b == b'=');
            let (key, value) = match eq {
                Some(eq) => (
                    pair.get(..eq).unwrap_or_default(),
                    pair.get(eq + 1..).unwrap_or_default(),
                ),
                None if pair.is_empty() => return Err(S::ALIYUN_MQTT_ERR_EMPTY_PARAM),
                None => return Err(malformed),
            };
            if key.is_empty() || value.is_empty() {
                return Err(S::ALIYUN_MQTT_ERR_EMPTY_PARAM);
            }
            if value.contains(&b'=') {
                return Err(malformed);
            }
            let earlier = params.get(..offset).unwrap_or_default();
            if earlier
                .split(|b| *b == b',')
                .any(|p| p.split(|b| *b == b'=').next() == Some(key))
            {
                return Err(S::ALIYUN_MQTT_ERR_DUPLICATE_PARAM);
            }
            match key {
                b"securemode" => secure_mode = Some(value),
                b"signmethod" => sign_method = Some(value),
                b"timestamp" => timestamp = Some(value),
                b"authType" => auth_type = Some(value),
                b"random" => random = Some(value),
                _ => {}
            }
            offset += pair.len() + 1;
        }
    }
    let secure_mode = match secure_mode {
        Some(b"2") => 2,
        Some(b"3") => 3,
        Some(b"-2") => -2,
        _ => return Err(S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE),
    };
    let sign_method = match sign_method {
        None => SignMethod::HmacMd5,
        Some(name) => SignMethod::from_name(name).ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)?,
    };
    let timestamp = match timestamp {
        None => None,
        Some(digits) => Some((
            digits,
            parse_u64(digits).ok_or(S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP)?,
        )),
    };

    let auth_type = match auth_type {
        None => None,
        Some(name) => Some(AuthType::from_name(name).ok_or(S::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE)?),
    };
    let random = match auth_type {
        Some(AuthType::Register | AuthType::RegNwl) => {
            let random = random.unwrap_or_default();
            validate::random(random)?;
            random
        }
        _ => b"",
    };

    let bad_user = S::ALIYUN_MQTT_ERR_INVALID_USERNAME;
    let amp = username.iter().position(|b| *b == b'&').ok_or(bad_user)?;
    let (device_name, rest) = username.split_at(amp);
    let product_key = rest.get(1..).unwrap_or_default();
    if validate::device_name(device_name).is_err() || validate::product_key(product_key).is_err() {
        return Err(bad_user);
    }
    Ok(Identity {
        client_id,
        product_key,
        device_name,
        sign_method,
        secure_mode,
        timestamp,
        auth_type,
        random,
    })
}

/// 1 to 20 decimal digits that fit a u64.
fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, d| {
        let digit = d.checked_sub(b'0').filter(|v| *v <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Checks `password` against what the platform expects for `id`:
///
/// - without `authType`: the signature under the DeviceSecret `secret`;
///   the content is rebuilt from what was submitted (clientId only when
///   non-empty, timestamp only when present);
/// - `authType=register` or `regnwl`: the signature under the ProductSecret
///   `secret` of `deviceName..productKey..random..` (PROTOCOL.md §4);
/// - `authType=connwl`: `password` equals the deviceToken `secret`.
///
/// Hex digits are compared case-insensitively; every comparison takes the
/// same time for a given length.
///
/// Errors: `ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET`,
/// `..._INVALID_PRODUCT_SECRET`, `..._INVALID_DEVICE_TOKEN` (the `secret`
/// for the case), `..._INVALID_SIGN_METHOD` (method compiled out, or
/// `sha256` for a registration), `..._SIGNATURE_MISMATCH`.
#[allow(clippy::arithmetic_side_effects)] // i < 32
pub fn check_signature(id: &Identity<'_>, password: &[u8], secret: &[u8]) -> Result<(), S> {
    let mut digest = [0u8; MAX_DIGEST_LEN];
    let len = match id.auth_type {
        Some(AuthType::ConnWl) => {
            validate::device_token(secret)?;
            return same_bytes(password, secret);
        }
        Some(AuthType::Register | AuthType::RegNwl) => {
            validate::product_secret(secret)?;
            if id.sign_method == SignMethod::Sha256 {
                return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
            }
            let content: [&[u8]; 6] = [
                b"deviceName",
                id.device_name,
                b"productKey",
                id.product_key,
                b"random",
                id.random,
            ];
            sign_into(id.sign_method, secret, &mut Parts(&content), &mut digest)?
        }
        None => {
            validate::device_secret(secret)?;
            let has_cid = !id.client_id.is_empty();
            let (ts_name, ts): (&[u8], &[u8]) = match id.timestamp {
                Some((digits, _)) => (b"timestamp", digits),
                None => (b"", b""),
            };
            let content: [&[u8]; 8] = [
                if has_cid { b"clientId" } else { b"" },
                id.client_id,
                b"deviceName",
                id.device_name,
                b"productKey",
                id.product_key,
                ts_name,
                ts,
            ];
            sign_into(id.sign_method, secret, &mut Parts(&content), &mut digest)?
        }
    };
    if password.len() != 2 * len {
        crate::sign::wipe(&mut digest);
        return Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
    }
    let mut diff = 0u8;
    for (i, want) in digest.iter().take(len).enumerate() {
        let hi = hex_value(password.get(2 * i).copied().unwrap_or(0));
        let lo = hex_value(password.get(2 * i + 1).copied().unwrap_or(0));
        // An invalid digit reads as 0x100, which survives the truncation
        // only through `bad`.
        let bad = ((hi | lo) >> 8) as u8;
        diff |= (((hi << 4) | lo) as u8 ^ want) | bad;
    }
    crate::sign::wipe(&mut digest);
    if core::hint::black_box(diff) == 0 {
        Ok(())
    } else {
        Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
    }
}

/// `a == b` in time that depends on the lengths only.
fn same_bytes(a: &[u8], b: &[u8]) -> Result<(), S> {
    let diff = a
        .iter()
        .zip(b)
        .fold(u8::from(a.len() != b.len()), |d, (x, y)| d | (x ^ y));
    if core::hint::black_box(diff) == 0 {
        Ok(())
    } else {
        Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
    }
}

/// The value of a hex digit of either case, or 0x100 for anything else.
#[allow(clippy::arithmetic_side_effects)] // each arm subtracts its range start
fn hex_value(c: u8) -> u16 {
    match c {
        b'0'..=b'9' => u16::from(c - b'0'),
        b'a'..=b'f' => u16::from(c - b'a' + 10),
        b'A'..=b'F' => u16::from(c - b'A' + 10),
        _ => 0x100,
    }
}

/// [`identify`] then [`check_signature`]: `Ok` only when the platform would
/// accept these three CONNECT fields for this secret.
pub fn verify<'a>(
    mqtt_client_id: &'a [u8],
    username: &'a [u8],
    password: &[u8],
    secret: &[u8],
) -> Result<Identity<'a>, S> {
    let id = identify(mqtt_client_id, username)?;
    check_signature(&id, password, secret)?;
    Ok(id)
}
