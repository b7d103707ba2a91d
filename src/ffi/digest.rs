//! Two-phase signing, for keys the library never sees (a secure element,
//! an HMAC peripheral, a TrustZone service, an HSM): a first call writes the
//! exact bytes the MAC covers, the caller computes the MAC, and a second
//! call turns it into the password (or the HTTPS `sign`).

use core::ffi::c_char;

use super::platform::{aliyun_mqtt_registration, registration_unsigned};
use super::{
    aliyun_mqtt_credentials, aliyun_mqtt_device, as_bytes_mut, credentials_status, device_unsigned,
    fill_object, output, Writes,
};
use crate::credentials::{self, Device};
use crate::https;
use crate::register::{self, Registration};
use crate::sign::SignMethod;
use crate::status::{aliyun_mqtt_status, aliyun_mqtt_status as S, Error};

/// Reads the caller's digest: `len` bytes at `digest`, which must be the
/// length of `method`'s digest. Nothing is read when it is not.
///
/// # Safety
/// `digest` is NULL or readable for `len` bytes.
unsafe fn digest_bytes<'a>(
    method: SignMethod,
    digest: *const u8,
    len: usize,
    w: &Writes,
) -> Result<&'a [u8], S> {
    if digest.is_null() {
        return Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    }
    if len != method.digest_len() {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_DIGEST);
    }
    w.check_bytes(digest, len)?;
    // SAFETY: `digest` is not NULL and readable for `len` bytes by the
    // caller's contract; no output overlaps it (checked above).
    Ok(unsafe { core::slice::from_raw_parts(digest, len) })
}

/// The device (read as by `device_unsigned`) and the digest of its method.
///
/// # Safety
/// As for `device_unsigned` and [`digest_bytes`].
unsafe fn device_and_digest<'a>(
    dev: *const aliyun_mqtt_device,
    digest: *const u8,
    len: usize,
    w: &Writes,
) -> Result<(Device<'a>, &'a [u8]), S> {
    // SAFETY: forwarded contract.
    let dev = unsafe { device_unsigned(dev, w) }?;
    // SAFETY: forwarded contract.
    Ok((dev, unsafe {
        digest_bytes(dev.sign_method, digest, len, w)
    }?))
}

/// The registration (read as by `registration_unsigned`) and the digest of
/// its method.
///
/// # Safety
/// As for `registration_unsigned` and [`digest_bytes`].
unsafe fn registration_and_digest<'a>(
    reg: *const aliyun_mqtt_registration,
    digest: *const u8,
    len: usize,
    w: &Writes,
) -> Result<(Registration<'a>, &'a [u8]), S> {
    // SAFETY: forwarded contract.
    let reg = unsafe { registration_unsigned(reg, w) }?;
    // SAFETY: forwarded contract.
    Ok((reg, unsafe {
        digest_bytes(reg.sign_method, digest, len, w)
    }?))
}

/// Two-phase signing, first phase: writes the exact bytes the MQTT
/// password's MAC covers (PROTOCOL.md §1.3),
/// `clientId{cid}deviceName{dn}productKey{pk}[timestamp{ts}]`, for the
/// caller to MAC with the DeviceSecret wherever it is kept. The HTTPS
/// authentication `sign` covers the same bytes.
///
/// `dev` is validated as for `aliyun_mqtt_client_id`: `device_secret` is not
/// read (it may be NULL) and `sign_method` need not be compiled into this
/// build. The buffer rule is that of every output; the content is at most
/// `ALIYUN_MQTT_SIGNED_CONTENT_SIZE` - 1 bytes.
///
/// Returns the statuses of `aliyun_mqtt_client_id`.
///
/// # Safety
/// As for `aliyun_mqtt_client_id`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_signed_content(
    dev: *const aliyun_mqtt_device,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; `device_unsigned` checks every input
    // against the outputs.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| device_unsigned(dev, w),
            |dev, out| credentials::signed_content(&dev, out),
        )
    }
}

/// Two-phase signing, second phase: writes the password, the hex digits of
/// the caller's `digest` (upper case when `uppercase_hex`).
///
/// - `sign_method`: an `aliyun_mqtt_sign_method`; it need not be compiled
///   into this build. It fixes the digest's length: 16 bytes for
///   hmacmd5, 20 for hmacsha1, 32 for hmacsha256 and sha256.
/// - `digest`, `digest_len`: the MAC of the signed content (not NULL).
/// - `buf`, `cap`, `out_len`: as for every output;
///   `ALIYUN_MQTT_PASSWORD_SIZE` always fits.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL`,
/// `..._INVALID_SIGN_METHOD` (not a method), `..._INVALID_DIGEST`
/// (`digest_len` is not the method's; nothing is read) or
/// `..._OVERLAPPING_BUFFERS`.
///
/// # Safety
/// `digest` is NULL or readable for `digest_len` bytes; `buf` is NULL or
/// writable for `cap` bytes; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_password_from_digest(
    sign_method: u32,
    digest: *const u8,
    digest_len: usize,
    uppercase_hex: bool,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the digest is checked against the
    // outputs.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| {
                let method = SignMethod::from_u32(sign_method)
                    .ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)?;
                Ok((method, digest_bytes(method, digest, digest_len, w)?))
            },
            |(method, digest), out| {
                credentials::password_from_digest(method, digest, uppercase_hex, out)
            },
        )
    }
}

/// `aliyun_mqtt_sign` in two phases: the three CONNECT fields, the password
/// from the caller's `digest` of `aliyun_mqtt_signed_content`'s bytes
/// (`dev->sign_method`'s length, `dev->uppercase_hex` for its case).
/// `device_secret` is not read. On an error every field of `out` is "".
///
/// Returns the statuses of `aliyun_mqtt_client_id`, or
/// `ALIYUN_MQTT_ERR_INVALID_DIGEST`.
///
/// # Safety
/// `dev` as for `aliyun_mqtt_client_id`; `digest` is NULL or readable for
/// `digest_len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_sign_from_digest(
    dev: *const aliyun_mqtt_device,
    digest: *const u8,
    digest_len: usize,
    out: *mut aliyun_mqtt_credentials,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every input is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| device_and_digest(dev, digest, digest_len, w),
            |out, read| {
                let result = read.map_err(Error::Invalid).and_then(|(dev, digest)| {
                    credentials::client_id(&dev, as_bytes_mut(&mut out.client_id))?;
                    credentials::username(&dev, as_bytes_mut(&mut out.username))?;
                    credentials::password_from_digest(
                        dev.sign_method,
                        digest,
                        dev.uppercase_hex,
                        as_bytes_mut(&mut out.password),
                    )
                });
                credentials_status(out, result)
            },
        )
    }
}

/// `aliyun_mqtt_auth_body` in two phases: the HTTPS authentication body
/// with `sign` from the caller's `digest` of `aliyun_mqtt_signed_content`'s
/// bytes. `device_secret` is not read.
///
/// Returns the statuses of `aliyun_mqtt_auth_body`, or
/// `ALIYUN_MQTT_ERR_INVALID_DIGEST`.
///
/// # Safety
/// `dev` as for `aliyun_mqtt_client_id`; `digest` is NULL or readable for
/// `digest_len` bytes; `buf` is NULL or writable for `cap` bytes; `out_len`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_auth_body_from_digest(
    dev: *const aliyun_mqtt_device,
    digest: *const u8,
    digest_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every input is checked against the
    // outputs.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| device_and_digest(dev, digest, digest_len, w),
            |(dev, digest), out| https::auth_body_from_digest(&dev, digest, out),
        )
    }
}

/// Two-phase signing of a dynamic registration (PROTOCOL.md §4), first
/// phase: writes the bytes its MAC covers,
/// `deviceName{dn}productKey{pk}random{R}`, for the caller to MAC with the
/// ProductSecret. `product_secret` is not read (it may be NULL); the sign
/// method need not be compiled in (`sha256` is refused).
///
/// Returns the statuses of `aliyun_mqtt_register_sign`.
///
/// # Safety
/// `reg` as for `aliyun_mqtt_register_sign`; `buf` is NULL or writable for
/// `cap` bytes; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_register_signed_content(
    reg: *const aliyun_mqtt_registration,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every input is checked against the
    // outputs.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| registration_unsigned(reg, w),
            |reg, out| register::signed_content(&reg, out),
        )
    }
}

/// `aliyun_mqtt_register_sign` in two phases: the three CONNECT fields,
/// the password from the caller's `digest` of
/// `aliyun_mqtt_register_signed_content`'s bytes. `product_secret` is not
/// read. On an error every field of `out` is "".
///
/// # Safety
/// `reg` as for `aliyun_mqtt_register_sign`; `digest` is NULL or readable
/// for `digest_len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_register_sign_from_digest(
    reg: *const aliyun_mqtt_registration,
    digest: *const u8,
    digest_len: usize,
    out: *mut aliyun_mqtt_credentials,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every input is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| registration_and_digest(reg, digest, digest_len, w),
            |out, read| {
                let result = read.map_err(Error::Invalid).and_then(|(reg, digest)| {
                    register::client_id(&reg, as_bytes_mut(&mut out.client_id))?;
                    register::username(&reg, as_bytes_mut(&mut out.username))?;
                    credentials::password_from_digest(
                        reg.sign_method,
                        digest,
                        reg.uppercase_hex,
                        as_bytes_mut(&mut out.password),
                    )
                });
                credentials_status(out, result)
            },
        )
    }
}

/// `aliyun_mqtt_register_body` in two phases: the HTTPS registration body
/// with `sign` from the caller's `digest`. `product_secret` is not read.
///
/// # Safety
/// As for `aliyun_mqtt_register_sign_from_digest`, with `buf`, `cap` and
/// `out_len` as for every output.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_register_body_from_digest(
    reg: *const aliyun_mqtt_registration,
    digest: *const u8,
    digest_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every input is checked against the
    // outputs.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| registration_and_digest(reg, digest, digest_len, w),
            |(reg, digest), out| https::register_body_from_digest(&reg, digest, out),
        )
    }
}
