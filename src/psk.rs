//! The variants of the vendor's 4.x C SDK (PROTOCOL.md §9): TLS-PSK
//! credentials instead of certificates, and the CONNECT fields of MQTT 5
//! with a client identifier the server assigns. Each format is a list of
//! pieces, written by [`emit`] or signed by the device's method.

use crate::credentials::{hex_signature, Device};
use crate::sign::{Parts, SignMethod};
use crate::status::{aliyun_mqtt_status as S, Error};
use crate::writer::{emit, u64_decimal};

/// Buffer size for any `aliyun_mqtt_psk_identity` output.
pub const ALIYUN_MQTT_PSK_IDENTITY_SIZE: usize = 97;
/// Buffer size for any `aliyun_mqtt_psk_key` output (64 hex digits).
pub const ALIYUN_MQTT_PSK_KEY_SIZE: usize = 65;
const _: () = assert!(
    ALIYUN_MQTT_PSK_IDENTITY_SIZE
        == b"devicename|hmacsha256|".len()
            + crate::limits::ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
            + b"&".len()
            + crate::limits::ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
            + b"|".len()
            + 20
            + 1
);

/// The device's timestamp for PSK, which has no form without one.
fn psk_timestamp(dev: &Device<'_>) -> Result<u64, S> {
    dev.validate()?;
    if dev.sign_method != SignMethod::HmacSha256 {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
    }
    dev.timestamp_ms.ok_or(S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP)
}

/// Writes the PSK identity `devicename|hmacsha256|{pk}&{dn}|{ts}` and a NUL.
///
/// The device is validated whole; its method must be hmacsha256
/// (`ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD`) and it must have a timestamp
/// (`ALIYUN_MQTT_ERR_INVALID_TIMESTAMP`). Its client id, secure mode and
/// extra parameters are not used.
pub fn identity(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let ts = psk_timestamp(dev)?;
    let mut digits = [0u8; 20];
    emit(
        out,
        &[
            b"devicename|hmacsha256|",
            dev.product_key,
            b"&",
            dev.device_name,
            b"|",
            u64_decimal(ts, &mut digits),
        ],
    )
}

/// Writes the pre-shared key: the 64 upper-case hex digits of
/// HMAC-SHA256(DeviceSecret, `id{pk}&{dn}timestamp{ts}`), and a NUL. The
/// key's bytes are these digits, so their case is fixed (the 4.x SDK's),
/// whatever `uppercase_hex` says. Statuses as for [`identity`].
pub fn key(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let ts = psk_timestamp(dev)?;
    let mut digits = [0u8; 20];
    let content: [&[u8]; 6] = [
        b"id",
        dev.product_key,
        b"&",
        dev.device_name,
        b"timestamp",
        u64_decimal(ts, &mut digits),
    ];
    hex_signature(
        SignMethod::HmacSha256,
        dev.device_secret,
        &mut Parts(&content),
        true,
        out,
    )
}

/// A device for a server-assigned client id: validated, without a client
/// id of its own (`ALIYUN_MQTT_ERR_INVALID_CLIENT_ID` if it has one).
fn assigned(dev: &Device<'_>) -> Result<(), S> {
    dev.validate()?;
    if dev.client_id.is_some_and(|c| !c.is_empty()) {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID);
    }
    Ok(())
}

/// Writes the MQTT 5 client identifier of a device whose client id the
/// server assigns: `|securemode=M,signmethod=S[,timestamp=T][,extra]|`,
/// nothing before the first bar, and a NUL.
pub fn assigned_client_id(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    assigned(dev)?;
    let mut digits = [0u8; 20];
    let (ts_key, ts): (&[u8], &[u8]) = match dev.timestamp_ms {
        Some(t) => (b",timestamp=", u64_decimal(t, &mut digits)),
        None => (b"", b""),
    };
    let extra = dev.extra_params.unwrap_or_default();
    let comma: &[u8] = if extra.is_empty() { b"" } else { b"," };
    emit(
        out,
        &[
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

/// Writes the password for [`assigned_client_id`]: the hex signature of
/// `clientIddeviceName{dn}productKey{pk}[timestamp{ts}]` (the name
/// `clientId` signed with an empty value) and a NUL.
pub fn assigned_password(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    assigned(dev)?;
    let mut digits = [0u8; 20];
    let (ts_key, ts): (&[u8], &[u8]) = match dev.timestamp_ms {
        Some(t) => (b"timestamp", u64_decimal(t, &mut digits)),
        None => (b"", b""),
    };
    let content: [&[u8]; 7] = [
        b"clientId",
        b"deviceName",
        dev.device_name,
        b"productKey",
        dev.product_key,
        ts_key,
        ts,
    ];
    hex_signature(
        dev.sign_method,
        dev.device_secret,
        &mut Parts(&content),
        dev.uppercase_hex,
        out,
    )
}
