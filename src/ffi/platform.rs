//! The C ABI of PROTOCOL.md §2 to §4: endpoints and the TLS root, HTTPS
//! authentication, dynamic registration, the reply parsers and `connwl`.
//! The conventions of the parent module hold for every function here.

use core::ffi::c_char;

use super::{aliyun_mqtt_credentials, aliyun_mqtt_device, credentials_status};
use super::{as_bytes_mut, c_str, device, fill_object, output, product_key_and_region, put_str};
use super::{c_field, required_str, Writes, S};
use super::{CLIENT_ID_OR_EMPTY, DEVICE_NAME, PRODUCT_KEY, PRODUCT_SECRET, RANDOM};
use crate::credentials::SecureMode;
use crate::limits::*;
use crate::register::{self, AuthType, Registration};
use crate::reply::{self, RegNwlReply, Text};
use crate::sign::SignMethod;
use crate::status::{aliyun_mqtt_status, Error};
use crate::{endpoints, https, validate};

/// `authType` values (PROTOCOL.md §4): of `aliyun_mqtt_registration.auth_type` and
/// `aliyun_mqtt_verify_info.auth_type`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_auth_type {
    /// `authType=register`: pre-registered device; the DeviceSecret comes
    /// back on `/ext/register`.
    ALIYUN_MQTT_AUTH_REGISTER = 1,
    /// `authType=regnwl`: no pre-registration; a clientId and deviceToken
    /// come back on `/ext/regnwl`.
    ALIYUN_MQTT_AUTH_REGNWL = 2,
    /// `authType=connwl`: the connection made with them (reported by the
    /// verifier; not a registration).
    ALIYUN_MQTT_AUTH_CONNWL = 3,
}

/// `securemode=-2`: TLS on new public and Enterprise instances; a value of
/// `aliyun_mqtt_registration.secure_mode` besides `ALIYUN_MQTT_SECURE_TLS`.
pub const ALIYUN_MQTT_SECURE_TLS_INSTANCE: i32 = -2;

/// A device registering itself with its product's ProductSecret.
///
/// Start from `aliyun_mqtt_registration_default()` and set the strings.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_registration {
    /// ProductKey. Required.
    pub product_key: *const c_char,
    /// DeviceName. Required.
    pub device_name: *const c_char,
    /// ProductSecret, 1 to 64 printable ASCII characters. Required.
    pub product_secret: *const c_char,
    /// The device's random string, 1 to 32 ASCII letters and digits (the
    /// vendor SDKs use 15). Required.
    pub random: *const c_char,
    /// Client id; NULL or "" means `productKey.deviceName`.
    pub client_id: *const c_char,
    /// Instance id (`instanceId=`, new public and Enterprise instances);
    /// NULL or "" leaves it out.
    pub instance_id: *const c_char,
    /// `ALIYUN_MQTT_HMAC_MD5`, `..._HMAC_SHA1` or `..._HMAC_SHA256`.
    pub sign_method: u32,
    /// `ALIYUN_MQTT_SECURE_TLS` (2) or `ALIYUN_MQTT_SECURE_TLS_INSTANCE` (-2).
    pub secure_mode: i32,
    /// `ALIYUN_MQTT_AUTH_REGISTER` or `ALIYUN_MQTT_AUTH_REGNWL`.
    pub auth_type: u32,
    /// Upper-case hex digits in the password and `sign`.
    pub uppercase_hex: bool,
}

/// A parsed HTTPS authentication reply. Strings are NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_auth_reply {
    /// The reply's `code`: 200 on success.
    pub code: i32,
    /// The reply's `message`, cut at a character boundary if longer.
    pub message: [c_char; ALIYUN_MQTT_MESSAGE_SIZE],
    /// `data.iotId`: the MQTT user name.
    pub iot_id: [c_char; ALIYUN_MQTT_IOT_ID_SIZE],
    /// `data.iotToken`: the MQTT password (valid 7 days).
    pub iot_token: [c_char; ALIYUN_MQTT_IOT_TOKEN_SIZE],
    /// `data.resources.mqtt.host`.
    pub host: [c_char; ALIYUN_MQTT_HOST_NAME_SIZE],
    /// `data.resources.mqtt.port`.
    pub port: u16,
}

/// A DeviceSecret from dynamic registration (HTTPS reply or the MQTT
/// `/ext/register` payload). Strings are NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_register_reply {
    /// The HTTPS reply's `code` (0 from `/ext/register`).
    pub code: i32,
    /// The HTTPS reply's `message` ("" from `/ext/register`).
    pub message: [c_char; ALIYUN_MQTT_MESSAGE_SIZE],
    /// `productKey`.
    pub product_key: [c_char; ALIYUN_MQTT_PRODUCT_KEY_SIZE],
    /// `deviceName`.
    pub device_name: [c_char; ALIYUN_MQTT_DEVICE_NAME_SIZE],
    /// `deviceSecret`: store it and connect with it (PROTOCOL.md §1).
    pub device_secret: [c_char; ALIYUN_MQTT_DEVICE_SECRET_SIZE],
}

/// The `/ext/regnwl` payload. Strings are NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_regnwl_reply {
    /// `clientId`.
    pub client_id: [c_char; ALIYUN_MQTT_DEVICE_CLIENT_ID_SIZE],
    /// `productKey`.
    pub product_key: [c_char; ALIYUN_MQTT_PRODUCT_KEY_SIZE],
    /// `deviceName`.
    pub device_name: [c_char; ALIYUN_MQTT_DEVICE_NAME_SIZE],
    /// `deviceToken`.
    pub device_token: [c_char; ALIYUN_MQTT_DEVICE_TOKEN_SIZE],
}

/// The CONNECT fields of the `connwl` connection after `regnwl`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_connwl_credentials {
    /// `clientId|securemode=-2,authType=connwl|`.
    pub client_id: [c_char; ALIYUN_MQTT_CLIENT_ID_SIZE],
    /// `deviceName&productKey`.
    pub username: [c_char; ALIYUN_MQTT_USERNAME_SIZE],
    /// The deviceToken.
    pub password: [c_char; ALIYUN_MQTT_DEVICE_TOKEN_SIZE],
}

/// Writes the WebSocket URL `wss://{pk}.iot-as-mqtt.{region}.aliyuncs.com:443`
/// (`secure_mode` `ALIYUN_MQTT_SECURE_TLS`) or `ws://...:443`
/// (`ALIYUN_MQTT_SECURE_TCP`). Connect with the same CONNECT fields, the
/// device's `secure_mode` matching the scheme. `ALIYUN_MQTT_HOST_NAME_SIZE`
/// always fits.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL`,
/// `..._INVALID_PRODUCT_KEY`, `..._INVALID_REGION` or
/// `..._INVALID_SECURE_MODE`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `buf` is NULL or writable for
/// `cap` bytes and overlaps no input; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_websocket_url(
    product_key: *const c_char,
    region_id: *const c_char,
    secure_mode: i32,
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
            |w| {
                let (pk, region) = product_key_and_region(product_key, region_id, w)?;
                let mode = SecureMode::from_i32(secure_mode)
                    .ok_or(S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE)?;
                Ok((pk, region, mode))
            },
            |(pk, region, mode), out| endpoints::websocket_url(pk, region, mode, out),
        )
    }
}

/// Writes the IPv6 endpoint `ipv6.itls.cn-shanghai.aliyuncs.com` (port
/// `ALIYUN_MQTT_PORT`; cn-shanghai only).
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT` or `..._BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_ipv6_host(
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
            |_| Ok(()),
            |(), out| endpoints::ipv6_host(out),
        )
    }
}

/// Writes the instance endpoint `{instance_id}.mqtt.iothub.aliyuncs.com`:
/// TLS on `ALIYUN_MQTT_INSTANCE_TLS_PORT` (8883), whose certificate chains
/// to the Aliyun IoT Root CA (`aliyun_mqtt_root(ALIYUN_MQTT_ROOT_ALIYUN_IOT,
/// ..)`, PROTOCOL.md §8); `ALIYUN_MQTT_PORT` where TCP is enabled.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL` or
/// `..._INVALID_INSTANCE_ID`.
///
/// # Safety
/// As for `aliyun_mqtt_websocket_url`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_instance_host(
    instance_id: *const c_char,
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
            |w| {
                required_str(
                    instance_id,
                    ALIYUN_MQTT_INSTANCE_ID_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID,
                    w,
                )
            },
            endpoints::instance_host,
        )
    }
}

/// Writes the HTTPS authentication and registration host
/// `iot-auth.{region_id}.aliyuncs.com` (port `ALIYUN_MQTT_HTTPS_PORT`).
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL` or
/// `..._INVALID_REGION`.
///
/// # Safety
/// As for `aliyun_mqtt_websocket_url`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_auth_host(
    region_id: *const c_char,
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
            |w| {
                required_str(
                    region_id,
                    ALIYUN_MQTT_REGION_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_REGION,
                    w,
                )
            },
            endpoints::auth_host,
        )
    }
}

/// Checks a caller-supplied host (a DNS name of 1 to 253 bytes, or an IPv6
/// literal, optionally in brackets) and copies it, so that a custom broker
/// goes through the same checks and buffer rule as the platform's hosts.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL` or
/// `..._INVALID_HOST`.
///
/// # Safety
/// As for `aliyun_mqtt_websocket_url`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_custom_host(
    host: *const c_char,
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
            |w| {
                required_str(
                    host,
                    ALIYUN_MQTT_HOST_NAME_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_HOST,
                    w,
                )
            },
            endpoints::custom_host,
        )
    }
}

/// The platform's TLS root, GlobalSign Root CA (R1, valid until
/// 2028-01-28), as PEM text: static, NUL-terminated, never NULL.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_root_ca_pem() -> *const c_char {
    static PEM: &str = concat!(include_str!("../certs/globalsign_root_ca.pem"), "\0");
    PEM.as_ptr().cast()
}

/// The same certificate in DER: static, never NULL; `*len` (if `len` is
/// not NULL) receives its length.
///
/// # Safety
/// `len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_root_ca_der(len: *mut usize) -> *const u8 {
    // SAFETY: `len` is NULL or writable by the caller's contract.
    if let Some(len) = unsafe { len.as_mut() } {
        *len = endpoints::ROOT_CA_DER.len();
    }
    endpoints::ROOT_CA_DER.as_ptr()
}

/// Writes the path of the HTTPS authentication request, `/auth/devicename`
/// (method `POST`, `Content-Type: application/x-www-form-urlencoded`).
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT` or `..._BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_auth_path(
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
            |_| Ok(()),
            |(), out| https::auth_path(out),
        )
    }
}

/// Writes the path of the HTTPS dynamic registration request,
/// `/auth/register/device` (`POST`, form body).
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT` or `..._BUFFER_TOO_SMALL`.
///
/// # Safety
/// As for `aliyun_mqtt_auth_path`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_register_path(
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
            |_| Ok(()),
            |(), out| https::register_path(out),
        )
    }
}

/// Writes the HTTPS authentication body (PROTOCOL.md §3):
/// `productKey=..&deviceName=..&clientId=..[&timestamp=..]&signmethod=..
/// &sign=..&version=default&resources=mqtt`, values percent-encoded, `sign`
/// the hex HMAC of the same content as the MQTT password.
/// `ALIYUN_MQTT_AUTH_BODY_SIZE` always fits.
///
/// Returns the statuses of `aliyun_mqtt_client_id`; besides,
/// `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD` for `ALIYUN_MQTT_SHA256` (HTTPS
/// takes the HMAC methods) and `ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS` when
/// `extra_params` is set (the body has no place for them).
///
/// # Safety
/// As for `aliyun_mqtt_client_id`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_auth_body(
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
            |dev, out| https::auth_body(&dev, out),
        )
    }
}

/// Returns a registration with the defaults: strings NULL,
/// `ALIYUN_MQTT_HMAC_SHA256`, `ALIYUN_MQTT_SECURE_TLS`,
/// `ALIYUN_MQTT_AUTH_REGISTER`, lower-case hex.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_registration_default() -> aliyun_mqtt_registration {
    aliyun_mqtt_registration {
        product_key: core::ptr::null(),
        device_name: core::ptr::null(),
        product_secret: core::ptr::null(),
        random: core::ptr::null(),
        client_id: core::ptr::null(),
        instance_id: core::ptr::null(),
        sign_method: super::aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
        secure_mode: super::aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TLS as i32,
        auth_type: aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGISTER as u32,
        uppercase_hex: false,
    }
}

/// Converts and checks a C registration.
///
/// The registration or a string that the call's outputs `w` overlap gives
/// `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS`.
///
/// # Safety
/// `reg` is NULL or points to a readable `aliyun_mqtt_registration` whose
/// strings are NULL or NUL-terminated.
unsafe fn registration<'a>(
    reg: *const aliyun_mqtt_registration,
    w: &Writes,
) -> Result<Registration<'a>, S> {
    // SAFETY: forwarded contract.
    unsafe { registration_read(reg, true, w) }
}

/// [`registration`] for the outputs that do not use the ProductSecret
/// (the signed content and the `..._from_digest` functions):
/// `product_secret` is not read (it may be NULL) and the sign method need
/// not be compiled in.
///
/// # Safety
/// As for [`registration`].
pub(crate) unsafe fn registration_unsigned<'a>(
    reg: *const aliyun_mqtt_registration,
    w: &Writes,
) -> Result<Registration<'a>, S> {
    // SAFETY: forwarded contract.
    unsafe { registration_read(reg, false, w) }
}

/// [`registration`], reading the ProductSecret when `signed`. Each string
/// is read under its rule, as a device's are ([`c_field`]), so the first
/// bad field gives the status: the strings in declaration order, then the
/// sign method, `auth_type` and `secure_mode`.
///
/// # Safety
/// As for [`registration`].
unsafe fn registration_read<'a>(
    reg: *const aliyun_mqtt_registration,
    signed: bool,
    w: &Writes,
) -> Result<Registration<'a>, S> {
    w.check_object(reg)?;
    // SAFETY: `reg` is NULL or valid for reads by the caller's contract.
    let reg = unsafe { reg.as_ref() }.ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)?;
    // SAFETY (each block below): the string fields are NULL or NUL-terminated
    // by the caller's contract; at most max + 1 bytes are read.
    let product_key = unsafe { c_field(reg.product_key, &PRODUCT_KEY, w) }?;
    let device_name = unsafe { c_field(reg.device_name, &DEVICE_NAME, w) }?;
    let product_secret = match signed {
        true => unsafe { c_field(reg.product_secret, &PRODUCT_SECRET, w) }?,
        false => &[],
    };
    let random = unsafe { c_field(reg.random, &RANDOM, w) }?;
    // "" (or NULL) is the default client id, and no instance id.
    let client_id = Some(unsafe { c_field(reg.client_id, &CLIENT_ID_OR_EMPTY, w) }?);
    let instance_id = unsafe {
        c_str(
            reg.instance_id,
            ALIYUN_MQTT_INSTANCE_ID_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID,
            w,
        )
    }?;
    if let Some(id) = instance_id.filter(|i| !i.is_empty()) {
        validate::instance_id(id)?;
    }
    // The rest (sign method, authType, secure mode) in the order
    // `Registration::validate` checks them.
    let reg = Registration {
        product_key,
        device_name,
        product_secret,
        random,
        client_id,
        instance_id,
        sign_method: SignMethod::from_u32(reg.sign_method)
            .ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)?,
        secure_mode: reg.secure_mode,
        // An unknown value is refused where `connwl` is, after the sign
        // method (the builders take neither).
        auth_type: AuthType::from_u32(reg.auth_type).unwrap_or(AuthType::ConnWl),
        uppercase_hex: reg.uppercase_hex,
    };
    match signed {
        true => reg.validate(),
        false => reg.validate_unsigned(),
    }?;
    Ok(reg)
}

/// Writes the three CONNECT fields of an MQTT dynamic registration (PROTOCOL.md §4)
/// into `out`: client identifier
/// `cid|securemode=2,authType=register,random=R,signmethod=M[,instanceId=I]|`,
/// user name `deviceName&productKey`, password
/// `hex(HMAC(productSecret, "deviceName"dn"productKey"pk"random"R))`.
/// Connect over TLS; the reply arrives on `/ext/register` (parse it with
/// `aliyun_mqtt_parse_ext_register`) or `/ext/regnwl`
/// (`aliyun_mqtt_parse_ext_regnwl`). On error every field of `out` is "".
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, or the status naming the
/// first bad field: `..._INVALID_PRODUCT_KEY`, `..._INVALID_DEVICE_NAME`,
/// `..._INVALID_PRODUCT_SECRET`, `..._INVALID_RANDOM`,
/// `..._INVALID_CLIENT_ID`, `..._INVALID_INSTANCE_ID`,
/// `..._INVALID_SIGN_METHOD` (also `ALIYUN_MQTT_SHA256`),
/// `..._INVALID_AUTH_TYPE`, `..._INVALID_SECURE_MODE` (not 2 or -2).
///
/// # Safety
/// `reg` is NULL or a valid registration whose strings are NULL or
/// NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_register_sign(
    reg: *const aliyun_mqtt_registration,
    out: *mut aliyun_mqtt_credentials,
) -> aliyun_mqtt_status {
    // SAFETY: `reg` is NULL or valid, `out` NULL or writable, by the
    // caller's contract; `registration` checks every input against `out`.
    unsafe {
        fill_object(
            out,
            |w| registration(reg, w),
            |out, reg| {
                let result = reg.map_err(Error::Invalid).and_then(|reg| {
                    register::client_id(&reg, as_bytes_mut(&mut out.client_id))?;
                    register::username(&reg, as_bytes_mut(&mut out.username))?;
                    register::password(&reg, as_bytes_mut(&mut out.password))
                });
                credentials_status(out, result)
            },
        )
    }
}

/// Writes the HTTPS dynamic registration body (PROTOCOL.md §4) for
/// `POST /auth/register/device`:
/// `productKey=..&deviceName=..&random=..&sign=..&signMethod=..`, `sign` as
/// the MQTT registration password. `ALIYUN_MQTT_REGISTER_BODY_SIZE` always
/// fits. `auth_type`, `secure_mode`, `client_id` and `instance_id` are
/// validated but not sent.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL` or
/// a status of `aliyun_mqtt_register_sign`.
///
/// # Safety
/// `reg` as for `aliyun_mqtt_register_sign`; `buf` is NULL or writable for
/// `cap` bytes and overlaps no input; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_register_body(
    reg: *const aliyun_mqtt_registration,
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
            |w| registration(reg, w),
            |reg, out| https::register_body(&reg, out),
        )
    }
}

/// Checks a registration exactly as `aliyun_mqtt_register_sign` and
/// `aliyun_mqtt_register_body` do, and writes nothing: the status is the
/// one they return for this registration (with outputs that overlap
/// nothing and a buffer that fits), by the same code. Every field is
/// checked, `product_secret` included, and the first bad one gives the
/// status: the strings in declaration order, then `sign_method`,
/// `auth_type` and `secure_mode`. A `sign_method` compiled out of this
/// build is `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD`, as it is for them.
///
/// Returns `ALIYUN_MQTT_OK` when both would sign the registration,
/// `ALIYUN_MQTT_ERR_NULL_ARGUMENT` or a status of
/// `aliyun_mqtt_register_sign` naming the first bad field.
///
/// # Safety
/// `reg` is NULL or a valid registration whose strings are NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_registration_check(
    reg: *const aliyun_mqtt_registration,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the call has no output, so nothing can
    // overlap one.
    status_of(unsafe { registration(reg, &Writes::NONE) }.map(drop))
}

/// Reads `len` bytes at `data` as a reply, which the call's outputs `w`
/// must not overlap.
///
/// # Safety
/// `data` is NULL or readable for `len` bytes.
pub(crate) unsafe fn reply_bytes<'a>(
    data: *const c_char,
    len: usize,
    w: &Writes,
) -> Result<&'a [u8], S> {
    // SAFETY: forwarded contract.
    unsafe { reply_bytes_within(data, len, ALIYUN_MQTT_REPLY_MAX_LEN, w) }
}

/// [`reply_bytes`] for a reply of up to `max_len` bytes.
///
/// # Safety
/// As for [`reply_bytes`].
pub(crate) unsafe fn reply_bytes_within<'a>(
    data: *const c_char,
    len: usize,
    max_len: usize,
    w: &Writes,
) -> Result<&'a [u8], S> {
    if data.is_null() {
        return Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    }
    if len > max_len {
        return Err(S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE);
    }
    w.check_bytes(data, len)?;
    // SAFETY: `data` is readable for `len` bytes by the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(data.cast::<u8>(), len) })
}

pub(crate) fn copy_text<const N: usize>(dst: &mut [c_char; N], src: &Text<N>) {
    put_str(dst, src.as_bytes());
}

/// Parses the reply to the HTTPS authentication request (PROTOCOL.md §3):
/// `{"code":200,"data":{"iotId":..,"iotToken":..,"resources":{"mqtt":
/// {"host":..,"port":..}}},"message":..}` in any field order, with any
/// whitespace, escapes, extra fields and nesting up to
/// `ALIYUN_MQTT_REPLY_MAX_DEPTH`. `reply` need not be NUL-terminated.
///
/// Returns `ALIYUN_MQTT_OK`; `..._SERVER_REFUSED` when `code` is not 200
/// (`out->code` and `out->message` hold the server's); or, with `*out`
/// zeroed: `..._NULL_ARGUMENT`, `..._REPLY_TRUNCATED`,
/// `..._REPLY_MALFORMED` (not JSON, or a field of the wrong type, a port
/// outside 1..65535, an iotId or iotToken that is not printable ASCII),
/// `..._REPLY_TOO_LARGE` (over `ALIYUN_MQTT_REPLY_MAX_LEN` bytes, too deep,
/// or a field longer than its buffer), `..._REPLY_MISSING_FIELD`,
/// `..._INVALID_HOST`.
///
/// # Safety
/// `reply` is NULL or readable for `len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_parse_auth_reply(
    reply: *const c_char,
    len: usize,
    out: *mut aliyun_mqtt_auth_reply,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the reply is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| reply_bytes(reply, len, w),
            |out, json| {
                let mut parsed = reply::AuthReply::default();
                let result = json.and_then(|json| reply::parse_auth_reply(json, &mut parsed));
                out.code = parsed.code;
                copy_text(&mut out.message, &parsed.message);
                copy_text(&mut out.iot_id, &parsed.iot_id);
                copy_text(&mut out.iot_token, &parsed.iot_token);
                copy_text(&mut out.host, &parsed.host);
                out.port = parsed.port;
                status_of(result)
            },
        )
    }
}

pub(crate) fn status_of(result: Result<(), S>) -> aliyun_mqtt_status {
    match result {
        Ok(()) => S::ALIYUN_MQTT_OK,
        Err(status) => status,
    }
}

fn copy_register(out: &mut aliyun_mqtt_register_reply, parsed: &reply::RegisterReply) {
    out.code = parsed.code;
    copy_text(&mut out.message, &parsed.message);
    copy_text(&mut out.product_key, &parsed.product_key);
    copy_text(&mut out.device_name, &parsed.device_name);
    copy_text(&mut out.device_secret, &parsed.device_secret);
}

/// Parses the reply to the HTTPS dynamic registration request (PROTOCOL.md §4):
/// `{"code":200,"data":{"productKey":..,"deviceName":..,"deviceSecret":..},
/// "message":..}`. Robust and strict as `aliyun_mqtt_parse_auth_reply`; the
/// three values are checked as a ProductKey, DeviceName and DeviceSecret
/// (`..._INVALID_PRODUCT_KEY`, `..._INVALID_DEVICE_NAME`,
/// `..._INVALID_DEVICE_SECRET`). Compare them with the device's own.
///
/// # Safety
/// As for `aliyun_mqtt_parse_auth_reply`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_parse_register_reply(
    reply: *const c_char,
    len: usize,
    out: *mut aliyun_mqtt_register_reply,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the reply is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| reply_bytes(reply, len, w),
            |out, json| {
                let mut parsed = reply::RegisterReply::default();
                let result = json.and_then(|json| reply::parse_register_reply(json, &mut parsed));
                copy_register(out, &parsed);
                status_of(result)
            },
        )
    }
}

/// Parses the `/ext/register` MQTT payload (PROTOCOL.md §4):
/// `{"productKey":..,"deviceName":..,"deviceSecret":..}`. Statuses as for
/// `aliyun_mqtt_parse_register_reply` except `..._SERVER_REFUSED`;
/// `out->code` is 0 and `out->message` "".
///
/// # Safety
/// `payload` is NULL or readable for `len` bytes; `out` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_parse_ext_register(
    payload: *const c_char,
    len: usize,
    out: *mut aliyun_mqtt_register_reply,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the reply is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| reply_bytes(payload, len, w),
            |out, json| {
                let mut parsed = reply::RegisterReply::default();
                let result = json.and_then(|json| reply::parse_ext_register(json, &mut parsed));
                copy_register(out, &parsed);
                status_of(result)
            },
        )
    }
}

/// Parses the `/ext/regnwl` MQTT payload (PROTOCOL.md §4): `{"clientId":..,
/// "productKey":..,"deviceName":..,"deviceToken":..}`. Robust and strict as
/// `aliyun_mqtt_parse_auth_reply`; the values are checked as a client id,
/// ProductKey, DeviceName and deviceToken (`..._INVALID_CLIENT_ID`,
/// `..._INVALID_PRODUCT_KEY`, `..._INVALID_DEVICE_NAME`,
/// `..._INVALID_DEVICE_TOKEN`). Then build the `connwl` fields with
/// `aliyun_mqtt_connwl`.
///
/// # Safety
/// As for `aliyun_mqtt_parse_ext_register`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_parse_ext_regnwl(
    payload: *const c_char,
    len: usize,
    out: *mut aliyun_mqtt_regnwl_reply,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the payload is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| reply_bytes(payload, len, w),
            |out, json| {
                let mut parsed = RegNwlReply::default();
                let result = json.and_then(|json| reply::parse_ext_regnwl(json, &mut parsed));
                copy_text(&mut out.client_id, &parsed.client_id);
                copy_text(&mut out.product_key, &parsed.product_key);
                copy_text(&mut out.device_name, &parsed.device_name);
                copy_text(&mut out.device_token, &parsed.device_token);
                status_of(result)
            },
        )
    }
}

/// The bytes of a C text field (NUL-terminated within its array, or the
/// whole array, which the validators then refuse as too long).
#[allow(clippy::unnecessary_cast)] // c_char is i8 on x86, u8 on Arm
fn from_c<const N: usize>(src: &[c_char; N]) -> Text<N> {
    let mut bytes = [0u8; N];
    for (d, s) in bytes.iter_mut().zip(src) {
        *d = *s as u8;
    }
    Text::from_array(bytes)
}

/// Writes the CONNECT fields of the `connwl` connection that follows
/// `regnwl` (PROTOCOL.md §4): client identifier
/// `clientId|securemode=-2,authType=connwl|`, user name
/// `deviceName&productKey`, password the deviceToken. The reply is checked
/// again (it may have been stored and reloaded). On error every field of
/// `out` is "".
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._INVALID_CLIENT_ID`,
/// `..._INVALID_PRODUCT_KEY`, `..._INVALID_DEVICE_NAME` or
/// `..._INVALID_DEVICE_TOKEN`.
///
/// # Safety
/// `reply` is NULL or readable; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_connwl(
    reply: *const aliyun_mqtt_regnwl_reply,
    out: *mut aliyun_mqtt_connwl_credentials,
) -> aliyun_mqtt_status {
    // SAFETY: `reply` is NULL or readable, `out` NULL or writable, by the
    // caller's contract; `reply` is checked against `out` before it is read.
    unsafe {
        fill_object(
            out,
            |w| {
                w.check_object(reply)?;
                let reply = reply.as_ref().ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)?;
                Ok(RegNwlReply {
                    client_id: from_c(&reply.client_id),
                    product_key: from_c(&reply.product_key),
                    device_name: from_c(&reply.device_name),
                    device_token: from_c(&reply.device_token),
                })
            },
            |out, reply| {
                let result = reply.map_err(Error::Invalid).and_then(|reply| {
                    register::connwl_client_id(&reply, as_bytes_mut(&mut out.client_id))?;
                    register::connwl_username(&reply, as_bytes_mut(&mut out.username))?;
                    register::connwl_password(&reply, as_bytes_mut(&mut out.password))
                });
                match result {
                    Ok(_) => S::ALIYUN_MQTT_OK,
                    Err(err) => {
                        out.client_id[0] = 0;
                        out.username[0] = 0;
                        out.password[0] = 0;
                        err.status()
                    }
                }
            },
        )
    }
}
