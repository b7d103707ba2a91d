//! The C ABI. The only module with `extern "C"` and `unsafe`.
//!
//! Conventions (stated once, true of every function):
//! - Inputs are NUL-terminated strings. The library reads at most the
//!   field's maximum length + 1 bytes of each (the maximum, then the NUL
//!   that must follow it), never more: a string stored in a shorter buffer
//!   without a NUL is the caller's error (a read past that buffer), and a
//!   longer or unterminated one is refused with its field's status. The
//!   bounds are the `ALIYUN_MQTT_*_MAX_LEN` constants of each field; the
//!   verifier reads the MQTT client identifier up to
//!   `ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN` + 1 (513) bytes, the user name
//!   up to `ALIYUN_MQTT_USERNAME_SIZE` (54), the password up to
//!   `ALIYUN_MQTT_PASSWORD_SIZE` (65) (up to
//!   `ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN` + 1 (129) for `authType=connwl`,
//!   whose password is the deviceToken), and the secret (`device_secret`, or
//!   the `secret` of `aliyun_mqtt_verify_key_init`) up to
//!   `ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN` + 1 (129) bytes, the longest secret
//!   of any role (a deviceToken).
//! - Outputs are `char *buf, size_t cap, size_t *out_len`. On success `buf`
//!   holds the NUL-terminated output and `*out_len` its length without the
//!   NUL. On `ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL`, `*out_len` is the length
//!   needed; on any other error it is 0. On every error `buf` holds "" when
//!   `cap > 0`; nothing is ever written at or past `buf[cap]`. `out_len` may
//!   be NULL. `buf` may be NULL only when `cap` is 0 (a size query).
//! - Overlap is detected and refused: an output (`buf[0..cap]`, `*out_len`,
//!   or an output structure) that shares a byte with another output of the
//!   call, or with an input the call has read (a string and its NUL, an
//!   input structure, a reply's bytes), gives
//!   `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS` and the call writes nothing at
//!   all (not the "" or the 0 of the error rule, which would change the
//!   input). Inputs are read in order and a call stops at the first one it
//!   refuses: an input refused for its content, and those after it, are not
//!   compared, and the error rule applies as for any other error.
//! - No function allocates, keeps state between calls or panics; all are
//!   safe to call from any number of threads at once.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use core::ffi::c_char;

use crate::credentials::{self, Device, SecureMode};
use crate::endpoints;
use crate::limits::*;
use crate::register::AuthType;
use crate::sign::SignMethod;
use crate::status::{aliyun_mqtt_status, Error};
use crate::validate;
use crate::verify::{self, aliyun_mqtt_verify_key, Identity};

type S = aliyun_mqtt_status;

mod digest;
mod explain;
mod ntp;
mod platform;
mod roots;
mod subdev;
pub use digest::*;
pub use explain::*;
pub use ntp::*;
pub use platform::*;
pub use roots::*;
pub use subdev::*;

/// Sign methods, the values of `aliyun_mqtt_device.sign_method` (PROTOCOL.md §1.4).
/// Zero is not a method, so a zero-filled device is rejected.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_sign_method {
    /// `hmacmd5` (the server's default when `signmethod` is absent).
    ALIYUN_MQTT_HMAC_MD5 = 1,
    /// `hmacsha1`.
    ALIYUN_MQTT_HMAC_SHA1 = 2,
    /// `hmacsha256` (the library's default).
    ALIYUN_MQTT_HMAC_SHA256 = 3,
    /// `sha256`: SHA-256 over content + secret. Inferred from a platform built
    /// on the same protocol; the vendor documents the name, not the formula.
    ALIYUN_MQTT_SHA256 = 4,
}

/// Secure modes, the values of `aliyun_mqtt_device.secure_mode` (PROTOCOL.md §1.6).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_secure_mode {
    /// `securemode=2`: TLS (`mqtts://` or `wss://`).
    ALIYUN_MQTT_SECURE_TLS = 2,
    /// `securemode=3`: plain TCP (`mqtt://` or `ws://`).
    ALIYUN_MQTT_SECURE_TCP = 3,
}

/// A device and the options for its credentials.
///
/// Start from `aliyun_mqtt_device_default()` and set the strings. The
/// library only reads the strings during a call and keeps no pointer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_device {
    /// ProductKey, 1 to 20 ASCII letters and digits. Required.
    pub product_key: *const c_char,
    /// DeviceName, 4 to 32 of letters, digits, `-_@.:`. Required.
    pub device_name: *const c_char,
    /// DeviceSecret, 1 to 64 printable ASCII characters. Required.
    pub device_secret: *const c_char,
    /// Client id, at most 64 printable ASCII characters without `|,=`.
    /// NULL or "" means `productKey.deviceName`.
    pub client_id: *const c_char,
    /// Milliseconds since the epoch; 0 leaves the timestamp out.
    pub timestamp_ms: u64,
    /// One of `aliyun_mqtt_sign_method`; anything else is rejected.
    pub sign_method: u32,
    /// One of `aliyun_mqtt_secure_mode`; anything else is rejected.
    pub secure_mode: i32,
    /// NULL, "" or `k=v[,k=v...]` put inside the bars after the library's
    /// own parameters (for example `lan=C,_v=1.0`). At most 128 bytes.
    pub extra_params: *const c_char,
    /// Upper-case hex digits in the password (the server accepts both).
    pub uppercase_hex: bool,
}

/// The three CONNECT fields, each NUL-terminated, sized so that any valid
/// device fits.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_credentials {
    /// MQTT client identifier `cid|securemode=...,signmethod=...|`.
    pub client_id: [c_char; ALIYUN_MQTT_CLIENT_ID_SIZE],
    /// MQTT user name `deviceName&productKey`.
    pub username: [c_char; ALIYUN_MQTT_USERNAME_SIZE],
    /// MQTT password, hex digest.
    pub password: [c_char; ALIYUN_MQTT_PASSWORD_SIZE],
}

/// The memory a C function writes, as address ranges `[start, end)`: its
/// output buffer and `*out_len`, or its output structure. The addresses are
/// only compared, never dereferenced. An absent output is `(0, 0)`, which
/// meets nothing.
#[derive(Clone, Copy)]
pub(crate) struct Writes([(usize, usize); 2]);

/// `len` bytes at `p`, or `(0, 0)` for NULL or none.
fn span<T>(p: *const T, len: usize) -> (usize, usize) {
    if p.is_null() || len == 0 {
        return (0, 0);
    }
    (p.addr(), p.addr().saturating_add(len))
}

/// Whether two ranges share a byte.
fn meet((a, b): (usize, usize), (c, d): (usize, usize)) -> bool {
    a < d && c < b
}

impl Writes {
    /// No output: a call that only reads (the `..._check` functions).
    pub(crate) const NONE: Writes = Writes([(0, 0); 2]);

    /// `buf[0..cap]` and `*out_len`.
    pub(crate) fn buffer(buf: *mut c_char, cap: usize, out_len: *mut usize) -> Writes {
        Writes([span(buf, cap), span(out_len, size_of::<usize>())])
    }

    /// The structure at `out` (nothing when NULL).
    pub(crate) fn object<T>(out: *mut T) -> Writes {
        Writes([span(out, size_of::<T>()), (0, 0)])
    }

    /// `Err(ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS)` when two outputs meet.
    fn apart(&self) -> Result<(), S> {
        let [a, b] = self.0;
        refuse_if(meet(a, b))
    }

    /// `Err(ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS)` when an output meets the
    /// input bytes `[p, p + len)`.
    pub(crate) fn check_bytes<T>(&self, p: *const T, len: usize) -> Result<(), S> {
        let input = span(p, len);
        let [a, b] = self.0;
        refuse_if(meet(a, input) || meet(b, input))
    }

    /// [`Writes::check_bytes`] for a string that was read and its NUL.
    pub(crate) fn check_str(&self, s: &[u8]) -> Result<(), S> {
        self.check_bytes(s.as_ptr(), s.len().saturating_add(1))
    }

    /// [`Writes::check_bytes`] for an input structure.
    pub(crate) fn check_object<T>(&self, p: *const T) -> Result<(), S> {
        self.check_bytes(p, size_of::<T>())
    }
}

fn refuse_if(overlap: bool) -> Result<(), S> {
    if overlap {
        Err(S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS)
    } else {
        Ok(())
    }
}

/// Reads the non-NULL string `p` up to its NUL, one byte at a time: a byte
/// that `allows` refuses, or a NUL not found within `max + 1` bytes, is
/// `err`. `allows` refuses NUL. The one scanning loop of the C ABI
/// ([`c_str`], [`c_field`]).
///
/// # Safety
/// `p` points to a readable NUL-terminated string.
#[inline(always)]
unsafe fn scan<'a>(
    p: *const c_char,
    max: usize,
    allows: impl Fn(u8) -> bool,
    err: S,
) -> Result<&'a [u8], S> {
    let p = p.cast::<u8>();
    let mut len = 0usize;
    // Hosts first take the string eight bytes a time, while eight more
    // stay within `max`: the same byte-by-byte reads, with one loop test
    // per eight (the C API reads every field on every call). A refused
    // byte (NUL included) ends this loop; the loop below reads it again.
    #[cfg(not(small_path))]
    'fast: while len < max.saturating_sub(7) {
        for _ in 0..8 {
            // SAFETY: bytes p[0..len] were allowed, hence non-NUL, bytes of
            // the string, so p[len] is still inside it (at worst its NUL).
            if !allows(unsafe { *p.add(len) }) {
                string_end();
                break 'fast;
            }
            len = len.wrapping_add(1); // len < max
        }
    }
    loop {
        // SAFETY: as above; len never exceeds max.
        let b = unsafe { *p.add(len) };
        if b == 0 {
            break;
        }
        if len == max || !allows(b) {
            return Err(err);
        }
        len = len.wrapping_add(1); // len < max
    }
    // SAFETY: the `len` bytes from p were just read and are part of the string.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// Marks the end of a string as the unlikely branch of the scan, so that
/// the byte-by-byte path falls through (one taken branch per string, not
/// per byte).
#[cfg(not(small_path))]
#[cold]
#[inline(never)]
fn string_end() {}

/// Reads a NUL-terminated string of at most `max` bytes that none of the
/// call's outputs `w` overlaps.
///
/// Returns `Ok(None)` for NULL, `Err(err)` when no NUL is found within
/// `max + 1` bytes, `Err(ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS)` when an
/// output meets the string or its NUL.
///
/// # Safety
/// `p` is NULL or points to a readable NUL-terminated string.
#[inline(never)] // one copy for all fields: smaller firmware
pub(crate) unsafe fn c_str<'a>(
    p: *const c_char,
    max: usize,
    err: S,
    w: &Writes,
) -> Result<Option<&'a [u8]>, S> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: p is not NULL; forwarded contract.
    let s = unsafe { scan(p, max, |b| b != 0, err) }?;
    w.check_str(s)?;
    Ok(Some(s))
}

/// Like [`c_str`] for a required string: NULL gives `ERR_NULL_ARGUMENT`.
///
/// # Safety
/// As for [`c_str`].
pub(crate) unsafe fn required_str<'a>(
    p: *const c_char,
    max: usize,
    err: S,
    w: &Writes,
) -> Result<&'a [u8], S> {
    // SAFETY: forwarded contract.
    unsafe { c_str(p, max, err, w) }?.ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
}

/// Reads a NUL-terminated string that must obey `rule`, in one pass: it
/// stops at the first byte outside the rule's class or at `rule.max + 1`
/// bytes, so an unterminated string is read no further than a valid one
/// could be. Too long, too short or a bad byte is `rule.err`. NULL is ""
/// for an optional field (`rule.min == 0`) and `ERR_NULL_ARGUMENT` for a
/// required one. A string that one of the call's outputs `w` overlaps is
/// `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS`.
///
/// # Safety
/// `p` is NULL or points to a readable NUL-terminated string.
// One copy for all fields on microcontrollers (smaller firmware); inlined
// into `device` on hosts, where each field's rule then folds.
#[cfg_attr(small_path, inline(never))]
#[cfg_attr(not(small_path), inline(always))]
unsafe fn c_field<'a>(p: *const c_char, rule: &validate::Rule, w: &Writes) -> Result<&'a [u8], S> {
    if p.is_null() {
        return if rule.min == 0 {
            Ok(&[])
        } else {
            Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
        };
    }
    // SAFETY: p is not NULL; forwarded contract.
    let s = unsafe { scan(p, usize::from(rule.max), |b| rule.allows(b), rule.err) }?;
    if s.len() < usize::from(rule.min) {
        return Err(rule.err);
    }
    w.check_str(s)?;
    Ok(s)
}

// The rules of the device's and registration's strings, as statics: `&CONST` would put them in
// a constant pool that LLVM shares with unrelated constants, which keeps
// all of them in a firmware image.
static PRODUCT_KEY: validate::Rule = validate::PRODUCT_KEY;
static DEVICE_NAME: validate::Rule = validate::DEVICE_NAME;
static DEVICE_SECRET: validate::Rule = validate::DEVICE_SECRET;
static PRODUCT_SECRET: validate::Rule = validate::PRODUCT_SECRET;
static RANDOM: validate::Rule = validate::RANDOM;
/// A client id may also be "" (the default `productKey.deviceName`).
static CLIENT_ID_OR_EMPTY: validate::Rule = validate::Rule {
    min: 0,
    ..validate::CLIENT_ID
};
/// Extra parameters may also be "" (none).
static EXTRA_PARAMS_OR_EMPTY: validate::Rule = validate::Rule {
    min: 0,
    ..validate::EXTRA_PARAMS
};

/// Converts and checks a C device, field by field in declaration order:
/// the first bad field gives the error, and the device or a string that
/// the call's outputs `w` overlap gives `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS`.
///
/// # Safety
/// `dev` is NULL or points to a readable `aliyun_mqtt_device` whose string
/// fields are NULL or NUL-terminated.
pub(crate) unsafe fn device<'a>(
    dev: *const aliyun_mqtt_device,
    w: &Writes,
) -> Result<Device<'a>, S> {
    // SAFETY: forwarded contract.
    unsafe { device_inline::<true>(dev, w) }
}

/// [`device`] for the outputs that do not use the DeviceSecret (the
/// client id, the user name, the signed content, the `..._from_digest`
/// functions): `device_secret` is not read (it may be NULL) and the sign
/// method need not be compiled in.
///
/// # Safety
/// As for [`device`].
pub(crate) unsafe fn device_unsigned<'a>(
    dev: *const aliyun_mqtt_device,
    w: &Writes,
) -> Result<Device<'a>, S> {
    // SAFETY: forwarded contract.
    unsafe { device_inline::<false>(dev, w) }
}

/// [`device`], inlined: `aliyun_mqtt_sign` calls it so on hosts, where the
/// `Device` then stays in registers rather than being returned through
/// memory; the other C functions share [`device`].
///
/// # Safety
/// As for [`device`].
#[inline(always)]
unsafe fn device_inline<'a, const SIGNED: bool>(
    dev: *const aliyun_mqtt_device,
    w: &Writes,
) -> Result<Device<'a>, S> {
    w.check_object(dev)?;
    // SAFETY: `dev` is NULL or valid for reads by the caller's contract.
    let dev = unsafe { dev.as_ref() }.ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)?;
    // SAFETY (all five blocks): the fields are NULL or NUL-terminated strings
    // by the caller's contract.
    let product_key = unsafe { c_field(dev.product_key, &PRODUCT_KEY, w) }?;
    let device_name = unsafe { c_field(dev.device_name, &DEVICE_NAME, w) }?;
    let device_secret = match SIGNED {
        true => unsafe { c_field(dev.device_secret, &DEVICE_SECRET, w) }?,
        false => &[],
    };
    // "" (or NULL) is the default client id.
    let client_id = Some(unsafe { c_field(dev.client_id, &CLIENT_ID_OR_EMPTY, w) }?);
    let sign_method = SignMethod::from_u32(dev.sign_method)
        .filter(|m| !SIGNED || m.enabled())
        .ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)?;
    let secure_mode =
        SecureMode::from_i32(dev.secure_mode).ok_or(S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE)?;
    // "" (or NULL) is no extra parameters.
    let extra_params = unsafe { c_field(dev.extra_params, &EXTRA_PARAMS_OR_EMPTY, w) }?;
    if !extra_params.is_empty() {
        validate::pairs(extra_params)?;
    }
    Ok(Device {
        product_key,
        device_name,
        device_secret,
        client_id,
        timestamp_ms: (dev.timestamp_ms != 0).then_some(dev.timestamp_ms),
        sign_method,
        secure_mode,
        extra_params: Some(extra_params),
        uppercase_hex: dev.uppercase_hex,
    })
}

/// Runs a C function that writes `buf`, `cap`, `out_len` and applies the
/// buffer rule: `read` reads and checks the inputs against what the call
/// writes (it gets [`Writes`]), then `build` writes the output from them.
/// An overlap returns `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS` with nothing
/// written; any other error writes "" (when `cap > 0`) and the length.
///
/// # Safety
/// `buf` is NULL or valid for writes of `cap` bytes; `out_len` is NULL or
/// valid for a write; `read` checks every input it reads against the
/// [`Writes`] it gets, and `build` reads only what `read` returned.
pub(crate) unsafe fn output<I>(
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    read: impl FnOnce(&Writes) -> Result<I, S>,
    build: impl FnOnce(I, &mut [u8]) -> Result<usize, Error>,
) -> S {
    let writes = Writes::buffer(buf, cap, out_len);
    let inputs = if buf.is_null() && cap > 0 {
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    } else {
        writes.apart().and_then(|()| read(&writes))
    };
    if inputs.as_ref().err() == Some(&S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS) {
        return S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS;
    }
    let result = if buf.is_null() {
        inputs
            .map_err(Error::Invalid)
            .and_then(|i| build(i, &mut []))
    } else {
        // SAFETY: the caller guarantees `buf` is writable for `cap` bytes;
        // no input overlaps it (checked by `read`), so this is the only live
        // reference to it.
        let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), cap) };
        let result = inputs
            .map_err(Error::Invalid)
            .and_then(|i| build(i, &mut *out));
        if result.is_err() {
            if let Some(first) = out.first_mut() {
                *first = 0;
            }
        }
        result
    };
    let (status, len) = match result {
        Ok(len) => (S::ALIYUN_MQTT_OK, len),
        Err(Error::TooSmall(needed)) => (S::ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL, needed),
        Err(Error::Invalid(status)) => (status, 0),
    };
    // SAFETY: `out_len` is NULL or valid for a write by the caller's contract.
    if let Some(out_len) = unsafe { out_len.as_mut() } {
        *out_len = len;
    }
    status
}

/// An output structure (or integer) for which all-zero bytes are a valid
/// value.
///
/// # Safety
/// Implement it only for integers and for `#[repr(C)]` structures whose
/// fields are integers, `bool`s, raw pointers and arrays of these.
pub(crate) unsafe trait Zeroable {}

// SAFETY: an integer; every bit pattern, zero included, is a valid `u32`.
unsafe impl Zeroable for u32 {}

// SAFETY: each is a `#[repr(C)]` structure of integers, bools, raw
// pointers and arrays of them (see their definitions).
unsafe impl Zeroable for aliyun_mqtt_credentials {}
unsafe impl Zeroable for aliyun_mqtt_verify_info {}
unsafe impl Zeroable for crate::verify::aliyun_mqtt_verify_key {}
unsafe impl Zeroable for ntp::aliyun_mqtt_ntp_response {}
unsafe impl Zeroable for platform::aliyun_mqtt_auth_reply {}
unsafe impl Zeroable for platform::aliyun_mqtt_register_reply {}
unsafe impl Zeroable for platform::aliyun_mqtt_regnwl_reply {}
unsafe impl Zeroable for platform::aliyun_mqtt_connwl_credentials {}
unsafe impl Zeroable for roots::aliyun_mqtt_root_info {}
unsafe impl Zeroable for roots::aliyun_mqtt_endpoint_tls_info {}
unsafe impl Zeroable for subdev::aliyun_mqtt_subdev_reply {}
unsafe impl Zeroable for subdev::aliyun_mqtt_product_register_reply {}

/// Runs a C function that fills the structure `out`: `read` reads and
/// checks the inputs against it (it gets [`Writes`]), then the structure
/// is zeroed, padding included, and `fill` gets it and what was read, or
/// the read's error, and returns the status. NULL `out` is `ALIYUN_MQTT_ERR_NULL_ARGUMENT` and an overlap
/// `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS`, with nothing read or written.
///
/// # Safety
/// `out` is NULL or valid for writes; `read` checks every input it reads
/// against the [`Writes`] it gets.
#[inline(always)] // one call per C function: its body, in place
pub(crate) unsafe fn fill_object<T: Zeroable, I>(
    out: *mut T,
    read: impl FnOnce(&Writes) -> Result<I, S>,
    fill: impl FnOnce(&mut T, Result<I, S>) -> S,
) -> S {
    if out.is_null() {
        return S::ALIYUN_MQTT_ERR_NULL_ARGUMENT;
    }
    let inputs = read(&Writes::object(out));
    if inputs.as_ref().err() == Some(&S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS) {
        return S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS;
    }
    // SAFETY: `out` is not NULL and writable by the caller's contract, and
    // all-zero bytes are a valid `T` (`Zeroable`).
    unsafe { core::ptr::write_bytes(out, 0, 1) };
    // SAFETY: as above; no input overlaps `out` (checked by `read`), so
    // this is the only live reference to it.
    match unsafe { out.as_mut() } {
        Some(out) => fill(out, inputs),
        None => S::ALIYUN_MQTT_ERR_NULL_ARGUMENT,
    }
}

/// Returns a device with the defaults: all strings NULL, no timestamp,
/// `ALIYUN_MQTT_HMAC_SHA256`, `ALIYUN_MQTT_SECURE_TLS`, lower-case hex.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_device_default() -> aliyun_mqtt_device {
    aliyun_mqtt_device {
        product_key: core::ptr::null(),
        device_name: core::ptr::null(),
        device_secret: core::ptr::null(),
        client_id: core::ptr::null(),
        timestamp_ms: 0,
        sign_method: aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
        secure_mode: aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TLS as i32,
        extra_params: core::ptr::null(),
        uppercase_hex: false,
    }
}

/// Writes the MQTT client identifier
/// `clientId|securemode=M,signmethod=S[,timestamp=T][,extra_params]|`.
///
/// - `dev`: the device (not NULL); every field is validated but
///   `device_secret`, which is not read (it may be NULL: the key can stay
///   in a secure element, see `aliyun_mqtt_signed_content`), and
///   `sign_method` need not be compiled into this build.
/// - `buf`, `cap`: output buffer; `ALIYUN_MQTT_CLIENT_ID_SIZE` always fits.
/// - `out_len`: receives the length (NULL allowed).
///
/// Returns `ALIYUN_MQTT_OK`, `ALIYUN_MQTT_ERR_NULL_ARGUMENT`,
/// `ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL` or an `ALIYUN_MQTT_ERR_INVALID_*`
/// status naming the first bad device field.
///
/// # Safety
/// `dev` is NULL or a valid device whose strings are NULL or NUL-terminated;
/// `buf` is NULL or writable for `cap` bytes and overlaps no input;
/// `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_client_id(
    dev: *const aliyun_mqtt_device,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract (see `# Safety`). `device` validates.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| device_unsigned(dev, w),
            |dev, out| credentials::client_id_valid(&dev, out),
        )
    }
}

/// Writes the MQTT user name `deviceName&productKey`.
///
/// Parameters, statuses and safety as for `aliyun_mqtt_client_id`;
/// `ALIYUN_MQTT_USERNAME_SIZE` always fits. The device is validated as for
/// `aliyun_mqtt_client_id`, including the fields the user name does not
/// use.
///
/// # Safety
/// As for `aliyun_mqtt_client_id`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_username(
    dev: *const aliyun_mqtt_device,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract (see `# Safety`). `device` validates.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| device_unsigned(dev, w),
            |dev, out| credentials::username_valid(&dev, out),
        )
    }
}

/// Writes the MQTT password: the hex digest (32, 40 or 64 digits) of
/// `clientId{cid}deviceName{dn}productKey{pk}[timestamp{ts}]` signed with
/// the device secret by `dev->sign_method`.
///
/// Parameters, statuses and safety as for `aliyun_mqtt_client_id`;
/// `ALIYUN_MQTT_PASSWORD_SIZE` always fits.
///
/// # Safety
/// As for `aliyun_mqtt_client_id`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_password(
    dev: *const aliyun_mqtt_device,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract (see `# Safety`). `device` validates.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| device(dev, w),
            |dev, out| credentials::password_valid(&dev, out),
        )
    }
}

/// Writes the public instance's MQTT host
/// `{product_key}.iot-as-mqtt.{region_id}.aliyuncs.com` (port
/// `ALIYUN_MQTT_PORT`).
///
/// - `product_key`: not NULL. `region_id`: not NULL, such as "cn-shanghai".
/// - `buf`, `cap`, `out_len`: as for `aliyun_mqtt_client_id`;
///   `ALIYUN_MQTT_HOST_SIZE` always fits.
///
/// Returns `ALIYUN_MQTT_OK`, `ALIYUN_MQTT_ERR_NULL_ARGUMENT`,
/// `ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL`, `ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY`
/// or `ALIYUN_MQTT_ERR_INVALID_REGION`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `buf` is NULL or writable for
/// `cap` bytes and overlaps no input; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_host(
    product_key: *const c_char,
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
            |w| product_key_and_region(product_key, region_id, w),
            |(pk, region), out| endpoints::host(pk, region, out),
        )
    }
}

/// Reads the required product key and region of the endpoint functions.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
pub(crate) unsafe fn product_key_and_region<'a>(
    product_key: *const c_char,
    region_id: *const c_char,
    w: &Writes,
) -> Result<(&'a [u8], &'a [u8]), S> {
    // SAFETY (both blocks): forwarded contract.
    let pk = unsafe {
        required_str(
            product_key,
            ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
            w,
        )
    }?;
    let region = unsafe {
        required_str(
            region_id,
            ALIYUN_MQTT_REGION_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_REGION,
            w,
        )
    }?;
    Ok((pk, region))
}

/// Fills `out` with the client identifier, user name and password of `dev`.
///
/// On success all three are set; on any error all three are "" (never a
/// mix of old and new values).
///
/// Returns `ALIYUN_MQTT_OK`, `ALIYUN_MQTT_ERR_NULL_ARGUMENT` (`dev`, `out` or
/// a required string is NULL) or an `ALIYUN_MQTT_ERR_INVALID_*` status naming
/// the first bad device field.
///
/// # Safety
/// `dev` as for `aliyun_mqtt_client_id`; `out` is NULL or writable and does
/// not overlap an input.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_sign(
    dev: *const aliyun_mqtt_device,
    out: *mut aliyun_mqtt_credentials,
) -> aliyun_mqtt_status {
    // `device` validates it once; the builders then skip their own check.
    // SAFETY: `dev` is NULL or valid, `out` NULL or writable, by the
    // caller's contract; `device` checks every input against `out`.
    unsafe {
        fill_object(
            out,
            |w| {
                #[cfg(not(small_path))]
                return device_inline::<true>(dev, w);
                #[cfg(small_path)]
                device(dev, w)
            },
            |out, read| {
                // (Borrowed where it lies, not moved out of the `Result`: no copy.)
                let result = match &read {
                    Ok(dev) => credentials::Pieces::new(dev).all(
                        as_bytes_mut(&mut out.client_id),
                        as_bytes_mut(&mut out.username),
                        as_bytes_mut(&mut out.password),
                    ),
                    Err(status) => Err(Error::Invalid(*status)),
                };
                credentials_status(out, result)
            },
        )
    }
}

/// Checks a device exactly as `aliyun_mqtt_sign` does, and writes nothing:
/// the status is the one `aliyun_mqtt_sign` returns for this device (with
/// an `out` that overlaps nothing), by the same code. Every field is
/// checked, `device_secret` included, in declaration order, and the first
/// bad one gives the status; a `sign_method` compiled out of this build is
/// `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD`, as it is for `aliyun_mqtt_sign`.
///
/// Returns `ALIYUN_MQTT_OK` when `aliyun_mqtt_sign` would sign the device,
/// `ALIYUN_MQTT_ERR_NULL_ARGUMENT` (`dev` or a required string is NULL) or
/// an `ALIYUN_MQTT_ERR_INVALID_*` status naming the first bad field.
///
/// # Safety
/// `dev` is NULL or a valid device whose strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_device_check(
    dev: *const aliyun_mqtt_device,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the call has no output, so nothing can
    // overlap one.
    platform::status_of(unsafe { device(dev, &Writes::NONE) }.map(drop))
}

/// The status of a call that fills `aliyun_mqtt_credentials`: on an error
/// every field is "" (never a mix of old and new values).
pub(crate) fn credentials_status(
    out: &mut aliyun_mqtt_credentials,
    result: Result<usize, Error>,
) -> S {
    match result {
        Ok(_) => S::ALIYUN_MQTT_OK,
        Err(err) => {
            out.client_id[0] = 0;
            out.username[0] = 0;
            out.password[0] = 0;
            err.status()
        }
    }
}

pub(crate) fn as_bytes_mut(chars: &mut [c_char]) -> &mut [u8] {
    // SAFETY: `c_char` is `i8` or `u8`: same size and alignment as `u8`, and
    // every bit pattern is valid for both; the borrow is carried over.
    unsafe { core::slice::from_raw_parts_mut(chars.as_mut_ptr().cast::<u8>(), chars.len()) }
}

/// What the verifier found in a CONNECT packet. Strings are NUL-terminated,
/// and every byte of an array after its string's NUL is zero.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_verify_info {
    /// ProductKey from the user name.
    pub product_key: [c_char; ALIYUN_MQTT_PRODUCT_KEY_SIZE],
    /// DeviceName from the user name.
    pub device_name: [c_char; ALIYUN_MQTT_DEVICE_NAME_SIZE],
    /// The device's client id (before the first `|`); may be "".
    pub client_id: [c_char; ALIYUN_MQTT_DEVICE_CLIENT_ID_SIZE],
    /// `timestamp` when `has_timestamp`.
    pub timestamp_ms: u64,
    /// Whether a `timestamp` parameter was sent.
    pub has_timestamp: bool,
    /// An `aliyun_mqtt_sign_method` (hmacmd5 when `signmethod` was absent).
    pub sign_method: u32,
    /// `securemode`: 2, 3 or -2.
    pub secure_mode: i32,
    /// An `aliyun_mqtt_auth_type` when `authType` was sent, 0 otherwise.
    pub auth_type: u32,
    /// `random` of a registration ("" otherwise).
    pub random: [c_char; ALIYUN_MQTT_RANDOM_SIZE],
}

pub(crate) fn put_str(dst: &mut [c_char], src: &[u8]) {
    let dst = as_bytes_mut(dst);
    let len = src.len().min(dst.len().saturating_sub(1));
    if let (Some((head, tail)), Some(src)) = (dst.split_at_mut_checked(len), src.get(..len)) {
        for (d, s) in head.iter_mut().zip(src) {
            *d = *s;
        }
        tail.fill(0);
    }
}

fn fill_info(info: &mut aliyun_mqtt_verify_info, id: Option<&Identity<'_>>) {
    put_str(&mut info.product_key, id.map_or(b"", |i| i.product_key));
    put_str(&mut info.device_name, id.map_or(b"", |i| i.device_name));
    put_str(&mut info.client_id, id.map_or(b"", |i| i.client_id));
    info.timestamp_ms = id.and_then(|i| i.timestamp).map_or(0, |(_, v)| v);
    info.has_timestamp = id.is_some_and(|i| i.timestamp.is_some());
    info.sign_method = id.map_or(0, |i| i.sign_method as u32);
    info.secure_mode = id.map_or(0, |i| i.secure_mode);
    info.auth_type = id.and_then(|i| i.auth_type).map_or(0, |t| t as u32);
    put_str(&mut info.random, id.map_or(b"", |i| i.random));
}

/// The status for a bad `device_secret` argument of `aliyun_mqtt_verify`.
fn secret_status(id: &Identity<'_>) -> S {
    match id.auth_type {
        None => S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        Some(AuthType::ConnWl) => S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN,
        Some(_) => S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
    }
}

/// Reads and parses the two strings the verifier parses, checked against
/// the call's outputs `w`.
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string.
unsafe fn connect_fields<'a>(
    mqtt_client_id: *const c_char,
    username: *const c_char,
    w: &Writes,
) -> Result<Identity<'a>, S> {
    // SAFETY: forwarded contract; lengths are bounded by the maxima.
    let cid = unsafe {
        required_str(
            mqtt_client_id,
            ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN,
            S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
            w,
        )
    }?;
    // SAFETY: as above.
    let user = unsafe {
        required_str(
            username,
            ALIYUN_MQTT_USERNAME_SIZE - 1,
            S::ALIYUN_MQTT_ERR_INVALID_USERNAME,
            w,
        )
    }?;
    verify::identify(cid, user)
}

/// Parses a CONNECT packet's client identifier and user name without
/// checking the password, so a broker can look up the device's secret.
///
/// - `mqtt_client_id`, `username`: the CONNECT fields (not NULL).
/// - `info`: receives what was found (not NULL); zeroed on error.
///
/// Returns `ALIYUN_MQTT_OK`, `ALIYUN_MQTT_ERR_NULL_ARGUMENT`,
/// `ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID`, `..._EMPTY_PARAM`,
/// `..._DUPLICATE_PARAM`, `..._INVALID_CLIENT_ID`, `..._INVALID_SECURE_MODE`,
/// `..._INVALID_SIGN_METHOD`, `..._INVALID_TIMESTAMP`,
/// `..._INVALID_AUTH_TYPE` (an unknown `authType`), `..._INVALID_RANDOM`
/// (`register`/`regnwl` without a valid `random`), `..._INVALID_USERNAME`
/// or `..._OVERLAPPING_BUFFERS` (`info` overlaps a string; nothing written).
///
/// # Safety
/// The strings are NULL or NUL-terminated; `info` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_verify_identify(
    mqtt_client_id: *const c_char,
    username: *const c_char,
    info: *mut aliyun_mqtt_verify_info,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; `connect_fields` checks the strings
    // against `info`.
    unsafe {
        fill_object(
            info,
            |w| connect_fields(mqtt_client_id, username, w),
            |info, parsed| {
                fill_info(info, parsed.as_ref().ok());
                match parsed {
                    Ok(_) => S::ALIYUN_MQTT_OK,
                    Err(status) => status,
                }
            },
        )
    }
}

/// The body of both verify functions: parses the CONNECT fields, reads the
/// password, then `check` reads the secret (or key) and checks the
/// password; `info` (NULL allowed) is filled whenever the fields parsed.
/// Every input is checked against `info`: an overlap returns
/// `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS` with `info` untouched.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `info` is NULL or writable;
/// `check` checks what it reads against the [`Writes`] it gets.
#[inline(always)] // one body per verify function
unsafe fn verify_fields(
    mqtt_client_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    info: *mut aliyun_mqtt_verify_info,
    check: impl FnOnce(&Identity<'_>, &[u8], &Writes) -> Result<(), S>,
) -> aliyun_mqtt_status {
    let w = Writes::object(info);
    // SAFETY: forwarded contract.
    let parsed = unsafe { connect_fields(mqtt_client_id, username, &w) };
    let result = parsed.and_then(|id| {
        // A connwl password is the deviceToken itself, up to 128 bytes;
        // every other is a digest's hex, up to 64.
        let max = match id.auth_type {
            Some(AuthType::ConnWl) => ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN,
            _ => ALIYUN_MQTT_PASSWORD_SIZE - 1,
        };
        // SAFETY: forwarded contract; a longer password is a mismatch.
        let password =
            unsafe { required_str(password, max, S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH, &w) }?;
        check(&id, password, &w)
    });
    if result == Err(S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS) {
        return S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS;
    }
    // SAFETY: `info` is NULL or writable by the caller's contract, and no
    // input overlaps it (checked above).
    if let Some(info) = unsafe { info.as_mut() } {
        fill_info(info, parsed.as_ref().ok());
    }
    match result {
        Ok(()) => S::ALIYUN_MQTT_OK,
        Err(status) => status,
    }
}

/// Checks a CONNECT packet's client identifier, user name and password the
/// way the platform does.
///
/// The client identifier must be `id|k=v[,k=v...]|` with `securemode` 2, 3 or
/// -2 and a known `signmethod` (hmacmd5 when absent). `device_secret` is
/// what the connection is checked against, by its `authType` (see
/// `aliyun_mqtt_verify_identify`, which tells it before the lookup):
/// - none: the DeviceSecret; the PROTOCOL.md §1 content is rebuilt from what was
///   submitted;
/// - `register` or `regnwl`: the ProductSecret; the content is
///   `deviceName..productKey..random..` (PROTOCOL.md §4);
/// - `connwl`: the deviceToken, which the password must equal.
///
/// `device_secret` is read up to `ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN` + 1
/// (129) bytes whatever the role, then checked for its role. A server
/// that verifies many connections of one secret prepares it once with
/// `aliyun_mqtt_verify_key_init` and calls `aliyun_mqtt_verify_with_key`.
///
/// Signatures are compared case-insensitively; every comparison takes a
/// time that depends on the lengths only.
///
/// - `info`: NULL, or receives what was found; filled whenever the fields
///   parsed (also on `ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH`), zeroed otherwise.
///
/// Returns `ALIYUN_MQTT_OK` only when the platform would accept the fields;
/// otherwise the statuses of `aliyun_mqtt_verify_identify`, or
/// `ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET`, `..._INVALID_PRODUCT_SECRET`,
/// `..._INVALID_DEVICE_TOKEN` (`device_secret` for the case),
/// `..._SIGNATURE_MISMATCH`, `..._OVERLAPPING_BUFFERS` (`info` overlaps an
/// input; nothing written).
///
/// # Safety
/// The strings are NULL or NUL-terminated; `info` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_verify(
    mqtt_client_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    device_secret: *const c_char,
    info: *mut aliyun_mqtt_verify_info,
) -> aliyun_mqtt_status {
    let check = |id: &Identity<'_>, password: &[u8], w: &Writes| {
        // SAFETY: forwarded contract; a secret over the limit is invalid.
        let secret = unsafe {
            required_str(
                device_secret,
                ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN,
                secret_status(id),
                w,
            )
        }?;
        verify::check_signature(id, password, secret)
    };
    // SAFETY: forwarded contract; every string is checked against `info`.
    unsafe { verify_fields(mqtt_client_id, username, password, info, check) }
}

/// Prepares `secret` for `aliyun_mqtt_verify_with_key`: copies it into
/// `key` with the HMAC key block states of every HMAC method compiled in,
/// so that each verification skips hashing the secret's two key blocks.
/// Call it once per secret (when it is loaded) and reuse `key` from any
/// number of threads; clear it with `aliyun_mqtt_verify_key_wipe`.
///
/// - `secret`: the DeviceSecret, ProductSecret or deviceToken (not NULL),
///   read as `aliyun_mqtt_verify` reads `device_secret`: up to
///   `ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN` + 1 (129) bytes. Its role is only
///   known per CONNECT, so it is checked then, for that role, exactly as
///   `aliyun_mqtt_verify` checks it.
/// - `key`: receives the prepared secret (not NULL).
///
/// Returns `ALIYUN_MQTT_OK`; `ALIYUN_MQTT_ERR_NULL_ARGUMENT`;
/// `ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET` for a secret no role accepts
/// (empty, longer than `ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN`, or a byte outside
/// printable ASCII, space excluded); or `..._OVERLAPPING_BUFFERS` (`key`
/// overlaps `secret`; nothing written). On the other errors `key` is
/// zeroed: it then verifies nothing, and every verification with it
/// returns the status `aliyun_mqtt_verify` returns for that secret.
///
/// # Safety
/// `secret` is NULL or NUL-terminated; `key` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_verify_key_init(
    secret: *const c_char,
    key: *mut aliyun_mqtt_verify_key,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the secret is checked against `key`.
    unsafe {
        fill_object(
            key,
            |w| {
                required_str(
                    secret,
                    ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
                    w,
                )
            },
            |key, secret| match secret.and_then(|secret| key.init(secret)) {
                Ok(()) => S::ALIYUN_MQTT_OK,
                Err(status) => {
                    key.wipe();
                    status
                }
            },
        )
    }
}

/// Zeroes every byte of `key` (with writes the compiler keeps), leaving a
/// key that verifies nothing. Call it before the key's memory is released
/// or reused.
///
/// Returns `ALIYUN_MQTT_OK` or `ALIYUN_MQTT_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// `key` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_verify_key_wipe(
    key: *mut aliyun_mqtt_verify_key,
) -> aliyun_mqtt_status {
    if key.is_null() {
        return S::ALIYUN_MQTT_ERR_NULL_ARGUMENT;
    }
    // Every byte, padding included; `black_box` may read them, so the
    // compiler keeps the writes.
    // SAFETY: `key` is not NULL and writable by the caller's contract, and
    // all-zero bytes are a valid key (`Zeroable`).
    unsafe { core::ptr::write_bytes(key, 0, 1) };
    core::hint::black_box(key);
    S::ALIYUN_MQTT_OK
}

/// `aliyun_mqtt_verify` with a secret prepared by
/// `aliyun_mqtt_verify_key_init`: the same status and `info` for every
/// input as `aliyun_mqtt_verify` with that secret (`key` NULL as
/// `device_secret` NULL), in less time (an HMAC resumes from the key's
/// states: two compressions fewer).
///
/// Returns the statuses of `aliyun_mqtt_verify`; `..._OVERLAPPING_BUFFERS`
/// also when `info` overlaps `key`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `key` is NULL or a key filled by
/// `aliyun_mqtt_verify_key_init` (or zeroed); `info` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_verify_with_key(
    mqtt_client_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    key: *const aliyun_mqtt_verify_key,
    info: *mut aliyun_mqtt_verify_info,
) -> aliyun_mqtt_status {
    let check = |id: &Identity<'_>, password: &[u8], w: &Writes| {
        w.check_object(key)?;
        // SAFETY: `key` is NULL or readable by the caller's contract, and
        // `info` does not overlap it (checked above).
        let key = unsafe { key.as_ref() }.ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)?;
        verify::check_signature_with_key(id, password, key)
    };
    // SAFETY: forwarded contract; every input is checked against `info`.
    unsafe { verify_fields(mqtt_client_id, username, password, info, check) }
}

/// A static NUL-terminated description of `status` ("unknown status" for a
/// value that is not an `aliyun_mqtt_status`). Never NULL.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_status_str(status: u32) -> *const c_char {
    let text: &'static [u8] = match aliyun_mqtt_status::from_u32(status) {
        Some(status) => status.message(),
        None => b"unknown status\0",
    };
    text.as_ptr().cast()
}

/// The C name of `status` ("ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL", ...), or
/// "unknown status" for a value that is not an `aliyun_mqtt_status`.
/// Static and NUL-terminated; never NULL.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_status_name(status: u32) -> *const c_char {
    let text: &'static [u8] = match aliyun_mqtt_status::from_u32(status) {
        Some(status) => status.name(),
        None => b"unknown status\0",
    };
    text.as_ptr().cast()
}

/// The `signmethod` names with their NULs, indexed by C value minus 1.
/// (`SignMethod::name` has them without NULs, as slices of the signing
/// path's one string; the tests check that the two agree.)
static SIGN_METHOD_NAMES: [&[u8]; 4] = [b"hmacmd5\0", b"hmacsha1\0", b"hmacsha256\0", b"sha256\0"];

// The longest name is the bound `aliyun_mqtt_sign_method_from_name` reads to.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time
const _: () = {
    let mut longest = 0;
    let mut i = 0;
    while i < SIGN_METHOD_NAMES.len() {
        let n = SIGN_METHOD_NAMES[i].len() - 1;
        if n > longest {
            longest = n;
        }
        i += 1;
    }
    assert!(longest == ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN);
};

/// Finds the sign method named `name` as in the `signmethod` parameter
/// (PROTOCOL.md §1.4): "hmacmd5", "hmacsha1", "hmacsha256" or "sha256",
/// byte for byte (lower case only, as the verifier reads the parameter).
/// Every method has its name, compiled into this build or not (a method
/// compiled out is then refused by the functions that sign with it).
///
/// - `name`: not NULL; read up to `ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN`
///   + 1 (11) bytes.
/// - `out`: receives the `aliyun_mqtt_sign_method` value (not NULL), for
///   example `&dev.sign_method`; 0 on error.
///
/// Returns `ALIYUN_MQTT_OK`, `ALIYUN_MQTT_ERR_NULL_ARGUMENT`,
/// `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD` (no method has this name) or
/// `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS` (`out` overlaps `name`; nothing
/// written).
///
/// # Safety
/// `name` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_sign_method_from_name(
    name: *const c_char,
    out: *mut u32,
) -> aliyun_mqtt_status {
    // SAFETY: `name` is NULL or NUL-terminated and `out` NULL or writable by
    // the caller's contract; the name is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| {
                required_str(
                    name,
                    ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD,
                    w,
                )
            },
            |out, name| match name.and_then(|n| {
                SignMethod::from_name(n).ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)
            }) {
                Ok(method) => {
                    *out = method as u32;
                    S::ALIYUN_MQTT_OK
                }
                Err(status) => status,
            },
        )
    }
}

/// The `signmethod` name of `method` ("hmacmd5", "hmacsha1", "hmacsha256"
/// or "sha256"), whether or not the method is compiled into this build, or
/// NULL for a value that is not an `aliyun_mqtt_sign_method`. Static and
/// NUL-terminated.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_sign_method_name(method: u32) -> *const c_char {
    let name = SignMethod::from_u32(method)
        .and_then(|m| SIGN_METHOD_NAMES.get((m as usize).wrapping_sub(1)));
    match name {
        Some(name) => name.as_ptr().cast(),
        None => core::ptr::null(),
    }
}

/// The library version, "MAJOR.MINOR.PATCH", static and NUL-terminated.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Whether the platform accepts this MQTT keep-alive: 30 to 1200 seconds.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_keepalive_ok(seconds: u32) -> bool {
    (ALIYUN_MQTT_KEEPALIVE_MIN..=ALIYUN_MQTT_KEEPALIVE_MAX).contains(&seconds)
}

/// The panic handler of the no_std library. No input reaches a panic (the
/// code is written without panicking operations and tested for it); a
/// handler must still exist for the artifact to link. It stops the program
/// with the architecture's trap instruction (as `core::intrinsics::abort`
/// does), so the library needs nothing from libc for it.
#[cfg(all(feature = "panic-handler", not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    // SAFETY: `ud2` raises an invalid-opcode trap and never returns; it
    // touches no memory and no stack.
    unsafe {
        core::arch::asm!("ud2", options(noreturn, nomem, nostack))
    }
    #[cfg(target_arch = "arm")]
    // SAFETY: `udf` raises an undefined-instruction fault (HardFault on
    // Cortex-M) and never returns; it touches no memory and no stack.
    unsafe {
        core::arch::asm!("udf #0", options(noreturn, nomem, nostack))
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: `brk` raises a breakpoint exception and never returns.
    unsafe {
        core::arch::asm!("brk #0x1", options(noreturn, nomem, nostack))
    }
    #[cfg(not(any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64"
    )))]
    loop {
        core::hint::spin_loop();
    }
}
