//! `aliyun_mqtt_explain`: why the platform would refuse a CONNECT.

use core::ffi::c_char;

use super::{c_str, fill_info, fill_object, put_str, Writes, Zeroable};
use crate::explain::{self, aliyun_mqtt_verdict, ALIYUN_MQTT_SIGNED_CONTENT_SIZE};
use crate::limits::*;
use crate::status::aliyun_mqtt_status;
use crate::status::aliyun_mqtt_status as S;

use super::aliyun_mqtt_verify_info;

/// What `aliyun_mqtt_explain` found. Strings are NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_explanation {
    /// An `aliyun_mqtt_verdict`: the first problem, or accepted/unchecked.
    pub verdict: u32,
    /// An `aliyun_mqtt_explain_field`: the input the verdict points into.
    pub field: u32,
    /// Where in that input the problem is (bytes from its start).
    pub offset: usize,
    /// How many bytes of that input it covers.
    pub length: usize,
    /// Whether the client identifier and user name parsed: then `info`
    /// and `content` hold what was found.
    pub parsed: bool,
    /// Whether the password's hex digits include upper-case letters (which
    /// the platform accepts).
    pub uppercase_hex: bool,
    /// The parsed fields, as `aliyun_mqtt_verify_identify` gives them.
    pub info: aliyun_mqtt_verify_info,
    /// The exact content the platform signs for these fields (PROTOCOL.md
    /// §1.3, §4.1); "" for `authType=connwl`, which signs nothing.
    pub content: [c_char; ALIYUN_MQTT_SIGNED_CONTENT_SIZE],
    /// With a valid secret: the password the platform expects, lower-case
    /// hex; "" otherwise and for `connwl`.
    pub expected_password: [c_char; ALIYUN_MQTT_PASSWORD_SIZE],
}

// SAFETY: a `#[repr(C)]` structure of integers, bools and arrays of them
// (and `aliyun_mqtt_verify_info`, which is too).
unsafe impl Zeroable for aliyun_mqtt_explanation {}

/// Longest user name and password read: a user name is at most 53 bytes and
/// a deviceToken 128; longer ones get their verdict from these bytes.
const FIELD_READ_MAX: usize = ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN;

/// Reads an input string of at most `max` bytes: `Ok(Some)`, or `Ok(None)`
/// for one longer than `max` (its first `max + 1` bytes were read).
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn bounded<'a>(p: *const c_char, max: usize, w: &Writes) -> Result<Option<&'a [u8]>, S> {
    const LONG: S = S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE; // a marker only
    if p.is_null() {
        return Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    }
    // SAFETY: forwarded contract; `c_str` reads at most `max + 1` bytes.
    match unsafe { c_str(p, max, LONG, w) } {
        Ok(s) => Ok(s),
        Err(LONG) => {
            w.check_bytes(p, max.saturating_add(1))?;
            Ok(None)
        }
        Err(status) => Err(status),
    }
}

/// The inputs, each `None` when longer than it may be.
struct Inputs<'a> {
    mqtt_client_id: Option<&'a [u8]>,
    username: Option<&'a [u8]>,
    password: Option<&'a [u8]>,
    /// `None` when no secret was given; `Some(None)` when too long.
    secret: Option<Option<&'a [u8]>>,
}

/// Explains what the platform would do with a CONNECT's fields: the first
/// problem, the byte range it is in, the parsed fields, the exact content
/// the platform signs and, with the secret, the password it expects.
///
/// - `mqtt_client_id`, `username`, `password`: the captured fields (not
///   NULL); read up to 513, 129 and 129 bytes, longer ones get the verdict
///   of a malformed client identifier, user name or password.
/// - `secret`: NULL, or what the connection is checked against (the
///   DeviceSecret; the ProductSecret for `authType=register`/`regnwl`; the
///   deviceToken for `connwl`), read up to 129 bytes. Never copied into
///   `out`.
/// - `keepalive`: the CONNECT's keep-alive in seconds, or -1 when unknown.
/// - `out`: receives the explanation (not NULL).
///
/// Returns `ALIYUN_MQTT_OK` with the verdict in `out->verdict` (see
/// `aliyun_mqtt_verdict_str`), `ALIYUN_MQTT_ERR_NULL_ARGUMENT`, or
/// `ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS` (`out` overlaps an input; nothing
/// written). On an error `out` is zeroed unless it overlaps.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_explain(
    mqtt_client_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    secret: *const c_char,
    keepalive: i32,
    out: *mut aliyun_mqtt_explanation,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every string is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| {
                Ok(Inputs {
                    mqtt_client_id: bounded(
                        mqtt_client_id,
                        ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN,
                        w,
                    )?,
                    username: bounded(username, FIELD_READ_MAX, w)?,
                    password: bounded(password, FIELD_READ_MAX, w)?,
                    secret: match secret.is_null() {
                        true => None,
                        false => Some(bounded(secret, ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN, w)?),
                    },
                })
            },
            |out, inputs| match inputs {
                Ok(inputs) => {
                    fill(out, &inputs, keepalive);
                    S::ALIYUN_MQTT_OK
                }
                Err(status) => status,
            },
        )
    }
}

/// Fills `out` (zeroed) from the inputs.
fn fill(out: &mut aliyun_mqtt_explanation, inputs: &Inputs<'_>, keepalive: i32) {
    use explain::aliyun_mqtt_explain_field as F;
    use explain::aliyun_mqtt_verdict as V;
    let too_long = |verdict: V, field: F, max: usize| (verdict, field, (0, max.saturating_add(1)));
    let problem = match (inputs.mqtt_client_id, inputs.username, inputs.password) {
        (None, _, _) => Some(too_long(
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN,
        )),
        (_, None, _) => Some(too_long(
            V::ALIYUN_MQTT_VERDICT_USERNAME_INVALID,
            F::ALIYUN_MQTT_FIELD_USERNAME,
            FIELD_READ_MAX,
        )),
        (_, _, None) => Some(too_long(
            V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST,
            F::ALIYUN_MQTT_FIELD_PASSWORD,
            FIELD_READ_MAX,
        )),
        _ => None,
    };
    if let Some((verdict, field, (offset, length))) = problem {
        (out.verdict, out.field, out.offset, out.length) =
            (verdict as u32, field as u32, offset, length);
        return;
    }
    let (Some(cid), Some(user), Some(password)) =
        (inputs.mqtt_client_id, inputs.username, inputs.password)
    else {
        return;
    };
    let keepalive = u32::try_from(keepalive).ok();
    let found = match inputs.secret {
        Some(None) => {
            // A secret longer than any role allows: judged as such once the
            // fields are, with an empty secret standing in.
            let mut e = explain::explain(cid, user, password, Some(b""), keepalive);
            e.expected_len = 0;
            e
        }
        Some(Some(secret)) => explain::explain(cid, user, password, Some(secret), keepalive),
        None => explain::explain(cid, user, password, None, keepalive),
    };
    out.verdict = found.verdict as u32;
    out.field = found.field as u32;
    (out.offset, out.length) = found.span;
    out.uppercase_hex = found.uppercase_hex;
    out.parsed = found.identity.is_some();
    fill_info(&mut out.info, found.identity.as_ref());
    if let Some(id) = found.identity.as_ref() {
        let mut content = [0u8; ALIYUN_MQTT_SIGNED_CONTENT_SIZE];
        let len = explain::signed_content(id, &mut content).unwrap_or(0);
        put_str(&mut out.content, content.get(..len).unwrap_or_default());
    }
    put_str(
        &mut out.expected_password,
        found.expected.get(..found.expected_len).unwrap_or_default(),
    );
}

/// One line describing an `aliyun_mqtt_verdict` ("unknown verdict" for any
/// other value): static, NUL-terminated, never NULL.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_verdict_str(verdict: u32) -> *const c_char {
    verdict_of(verdict)
        .map_or("unknown verdict\0", aliyun_mqtt_verdict::message_nul)
        .as_ptr()
        .cast()
}

/// The name of an `aliyun_mqtt_verdict` ("ALIYUN_MQTT_VERDICT_ACCEPTED",
/// ...; "unknown verdict" for any other value): static, NUL-terminated,
/// never NULL.
#[no_mangle]
pub extern "C" fn aliyun_mqtt_verdict_name(verdict: u32) -> *const c_char {
    verdict_of(verdict)
        .map_or("unknown verdict\0", aliyun_mqtt_verdict::name_nul)
        .as_ptr()
        .cast()
}

fn verdict_of(value: u32) -> Option<aliyun_mqtt_verdict> {
    aliyun_mqtt_verdict::ALL
        .into_iter()
        .find(|v| *v as u32 == value)
}
