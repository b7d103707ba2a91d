//! The C ABI of PROTOCOL.md §2.3, §8 and §9: every embedded TLS root with its
//! expiry, the roots and port of each endpoint kind, TLS-PSK credentials
//! and the MQTT 5 assigned-client-id form. The conventions of the parent
//! module hold.

use core::ffi::c_char;

use super::{aliyun_mqtt_credentials, aliyun_mqtt_device, as_bytes_mut, credentials_status};
use super::{device, fill_object, output, S};
use crate::psk;
use crate::roots::{self, Root};
use crate::status::aliyun_mqtt_status;

/// The embedded roots, the values of `aliyun_mqtt_root`'s `root`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_root_id {
    /// GlobalSign Root CA (R1), valid until 2028-01-28 12:00:00 UTC: the
    /// public instance, IPv6, HTTPS and WebSocket hosts.
    ALIYUN_MQTT_ROOT_GLOBALSIGN_R1 = 1,
    /// Aliyun IoT Root CA, the vendor's private root, valid until
    /// 2053-07-04: the instance endpoints on port 8883.
    ALIYUN_MQTT_ROOT_ALIYUN_IOT = 2,
    /// GlobalSign Root CA - R6, valid until 2034-12-10.
    ALIYUN_MQTT_ROOT_GLOBALSIGN_R6 = 3,
    /// GlobalSign Root R46, valid until 2046-03-20.
    ALIYUN_MQTT_ROOT_GLOBALSIGN_R46 = 4,
    /// GlobalSign Root E46, valid until 2046-03-20.
    ALIYUN_MQTT_ROOT_GLOBALSIGN_E46 = 5,
}

/// How many roots the library embeds (values 1 to this).
pub const ALIYUN_MQTT_ROOT_COUNT: u32 = 5;

/// Endpoint kinds, the values of `aliyun_mqtt_endpoint_tls`'s `endpoint`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_endpoint_kind {
    /// The public instance's host `{pk}.iot-as-mqtt.{region}.aliyuncs.com`.
    ALIYUN_MQTT_ENDPOINT_PUBLIC = 1,
    /// An instance endpoint `{instanceId}.mqtt.iothub.aliyuncs.com`.
    ALIYUN_MQTT_ENDPOINT_INSTANCE = 2,
    /// The IPv6 host `ipv6.itls.cn-shanghai.aliyuncs.com`.
    ALIYUN_MQTT_ENDPOINT_IPV6 = 3,
    /// The HTTPS authentication host `iot-auth.{region}.aliyuncs.com`.
    ALIYUN_MQTT_ENDPOINT_HTTPS_AUTH = 4,
    /// The public host's WebSocket endpoint (`wss://`).
    ALIYUN_MQTT_ENDPOINT_WEBSOCKET = 5,
}

/// An embedded root certificate. Every pointer is static.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_root_info {
    /// Its name as trust stores list it, NUL-terminated.
    pub name: *const c_char,
    /// PEM text, NUL-terminated.
    pub pem: *const c_char,
    /// DER bytes (`der_len` of them).
    pub der: *const u8,
    /// Length of `der`.
    pub der_len: usize,
    /// notAfter: seconds since 1970-01-01 UTC.
    pub not_after: u64,
    /// notAfter as `YYYY-MM-DDTHH:MM:SSZ`, NUL-terminated.
    pub not_after_utc: *const c_char,
}

/// What a TLS connection to an endpoint kind needs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_endpoint_tls_info {
    /// The roots its server certificate chains to today: bit
    /// `1 << aliyun_mqtt_root_id` for each.
    pub roots: u32,
    /// GlobalSign's successor roots (R6, R46, E46), which the vendor's SDK
    /// bundles with R1: carry them too to keep connecting once R1 expires;
    /// which of them the hosts will chain to is not published. Same bits.
    pub successors: u32,
    /// The TLS port.
    pub port: u16,
}

fn root_info(root: Option<&Root>) -> aliyun_mqtt_root_info {
    let null = core::ptr::null();
    aliyun_mqtt_root_info {
        name: root.map_or(null, |r| r.name.as_ptr().cast()),
        pem: root.map_or(null, |r| r.pem.as_ptr().cast()),
        der: root.map_or(core::ptr::null(), |r| r.der.as_ptr()),
        der_len: root.map_or(0, |r| r.der.len()),
        not_after: root.map_or(0, |r| r.not_after),
        not_after_utc: root.map_or(null, |r| r.not_after_utc.as_ptr().cast()),
    }
}

/// Fills `out` with the embedded root `root` (an `aliyun_mqtt_root_id`):
/// its name, PEM, DER and expiry, all static.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT` or `..._INVALID_ROOT`
/// (then every pointer in `*out` is NULL and every number 0).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_root(
    root: u32,
    out: *mut aliyun_mqtt_root_info,
) -> aliyun_mqtt_status {
    // SAFETY: `out` is NULL or writable by the caller's contract.
    unsafe {
        fill_object(
            out,
            |_| roots::root(root).ok_or(S::ALIYUN_MQTT_ERR_INVALID_ROOT),
            |out, found| {
                *out = root_info(found.ok());
                found.map_or_else(|status| status, |_| S::ALIYUN_MQTT_OK)
            },
        )
    }
}

/// Fills `out` with the roots and the TLS port of an endpoint kind (an
/// `aliyun_mqtt_endpoint_kind`), as PROTOCOL.md §8 tabulates them.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT` or `..._INVALID_ROOT`
/// (an unknown kind; then `*out` is zeroed).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_endpoint_tls(
    endpoint: u32,
    out: *mut aliyun_mqtt_endpoint_tls_info,
) -> aliyun_mqtt_status {
    // SAFETY: `out` is NULL or writable by the caller's contract.
    unsafe {
        fill_object(
            out,
            |_| roots::endpoint_tls(endpoint).ok_or(S::ALIYUN_MQTT_ERR_INVALID_ROOT),
            |out, found| {
                let tls = found.unwrap_or(roots::EndpointTls {
                    roots: 0,
                    successors: 0,
                    port: 0,
                });
                *out = aliyun_mqtt_endpoint_tls_info {
                    roots: tls.roots,
                    successors: tls.successors,
                    port: tls.port,
                };
                found.map_or_else(|status| status, |_| S::ALIYUN_MQTT_OK)
            },
        )
    }
}

/// Writes the TLS-PSK identity of the vendor's 4.x C SDK (PROTOCOL.md §9.1):
/// `devicename|hmacsha256|{pk}&{dn}|{timestamp_ms}`.
/// `ALIYUN_MQTT_PSK_IDENTITY_SIZE` always fits.
///
/// Returns the statuses of `aliyun_mqtt_client_id`; besides,
/// `..._INVALID_SIGN_METHOD` unless `dev->sign_method` is
/// `ALIYUN_MQTT_HMAC_SHA256` and `..._INVALID_TIMESTAMP` when
/// `dev->timestamp_ms` is 0.
///
/// # Safety
/// As for `aliyun_mqtt_client_id`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_psk_identity(
    dev: *const aliyun_mqtt_device,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract (see `# Safety`).
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| device(dev, w),
            |d, out| psk::identity(&d, out),
        )
    }
}

/// Writes the TLS-PSK key for `aliyun_mqtt_psk_identity`: the 64
/// upper-case hex digits of HMAC-SHA256(DeviceSecret,
/// `id{pk}&{dn}timestamp{ts}`); the key's bytes are these 64 characters
/// (their case is fixed, whatever `uppercase_hex` says).
/// `ALIYUN_MQTT_PSK_KEY_SIZE` always fits. Statuses as for
/// `aliyun_mqtt_psk_identity`.
///
/// # Safety
/// As for `aliyun_mqtt_client_id`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_psk_key(
    dev: *const aliyun_mqtt_device,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract (see `# Safety`).
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| device(dev, w),
            |d, out| psk::key(&d, out),
        )
    }
}

/// Fills `out` with the CONNECT fields of MQTT 5 with a client identifier
/// the server assigns (PROTOCOL.md §9.2): client identifier
/// `|securemode=M,signmethod=S[,timestamp=T][,extra]|` (nothing before the
/// first bar), user name `deviceName&productKey`, password the hex
/// signature of `clientIddeviceName{dn}productKey{pk}[timestamp{ts}]`.
/// On error every field is "".
///
/// Returns the statuses of `aliyun_mqtt_sign`; besides,
/// `..._INVALID_CLIENT_ID` when `dev->client_id` is set (the server
/// assigns it).
///
/// # Safety
/// As for `aliyun_mqtt_sign`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_sign_assigned(
    dev: *const aliyun_mqtt_device,
    out: *mut aliyun_mqtt_credentials,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; `device` checks every input against `out`.
    unsafe {
        fill_object(
            out,
            |w| device(dev, w),
            |out, read| {
                let result = read.map_err(Into::into).and_then(|d| {
                    psk::assigned_client_id(&d, as_bytes_mut(&mut out.client_id))?;
                    crate::credentials::username(&d, as_bytes_mut(&mut out.username))?;
                    psk::assigned_password(&d, as_bytes_mut(&mut out.password))
                });
                credentials_status(out, result)
            },
        )
    }
}
