//! Endpoints (PROTOCOL.md §2): host names, the WebSocket URL and the TLS root.
//! Ports are constants in [`crate::limits`]: `ALIYUN_MQTT_PORT` (1883),
//! `ALIYUN_MQTT_WEBSOCKET_PORT` and `ALIYUN_MQTT_HTTPS_PORT` (443),
//! `ALIYUN_MQTT_INSTANCE_TLS_PORT` (8883).

use crate::credentials::SecureMode;
use crate::status::Error;
use crate::validate;
use crate::writer::emit;

/// Writes the public instance's MQTT host
/// `{productKey}.iot-as-mqtt.{regionId}.aliyuncs.com` and a NUL into `out`.
pub fn host(product_key: &[u8], region_id: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    validate::product_key(product_key)?;
    validate::region(region_id)?;
    emit(
        out,
        &[product_key, b".iot-as-mqtt.", region_id, b".aliyuncs.com"],
    )
}

/// Writes the WebSocket URL of the public instance,
/// `wss://{host}:443` for TLS (securemode 2) or `ws://{host}:443` for TCP
/// (securemode 3), and a NUL into `out`.
pub fn websocket_url(
    product_key: &[u8],
    region_id: &[u8],
    mode: SecureMode,
    out: &mut [u8],
) -> Result<usize, Error> {
    validate::product_key(product_key)?;
    validate::region(region_id)?;
    let scheme: &[u8] = match mode {
        SecureMode::Tls => b"wss://",
        SecureMode::Tcp => b"ws://",
    };
    emit(
        out,
        &[
            scheme,
            product_key,
            b".iot-as-mqtt.",
            region_id,
            b".aliyuncs.com:443",
        ],
    )
}

/// The IPv6 MQTT endpoint (cn-shanghai only), port 1883.
pub const IPV6_HOST: &[u8] = b"ipv6.itls.cn-shanghai.aliyuncs.com";

/// Writes [`IPV6_HOST`] and a NUL into `out`.
pub fn ipv6_host(out: &mut [u8]) -> Result<usize, Error> {
    emit(out, &[IPV6_HOST])
}

/// Writes the instance endpoint `{instanceId}.mqtt.iothub.aliyuncs.com`
/// (new public and Enterprise instances: TLS on 8883 under the Aliyun IoT
/// Root CA, [`crate::roots::RootId::AliyunIot`], PROTOCOL.md §8; 1883 where
/// TCP is enabled) and a NUL.
pub fn instance_host(instance_id: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    validate::instance_id(instance_id)?;
    emit(out, &[instance_id, b".mqtt.iothub.aliyuncs.com"])
}

/// Writes the HTTPS authentication and registration host
/// `iot-auth.{regionId}.aliyuncs.com` (port 443) and a NUL into `out`.
pub fn auth_host(region_id: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    validate::region(region_id)?;
    emit(out, &[b"iot-auth.", region_id, b".aliyuncs.com"])
}

/// Checks a caller's own host name (a DNS name or an IPv6 literal, see
/// [`validate::host`]) and writes it and a NUL into `out`.
pub fn custom_host(host: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    validate::host(host)?;
    emit(out, &[host])
}

/// The platform's TLS root (PROTOCOL.md §2.3), GlobalSign Root CA (R1), valid until
/// 2028-01-28 12:00:00 UTC, as PEM text (Debian's GlobalSign_Root_CA.pem).
pub const ROOT_CA_PEM: &str = include_str!("certs/globalsign_root_ca.pem");

/// The same certificate in DER.
pub const ROOT_CA_DER: &[u8] = include_bytes!("certs/globalsign_root_ca.der");
