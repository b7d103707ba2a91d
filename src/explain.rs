//! Why the platform would refuse a CONNECT (PROTOCOL.md §1, §2.2 and §4):
//! the first problem in a captured client identifier, user name, password
//! and keep-alive, and the byte range of the field it is in.
//!
//! Without the secret only the form of the fields is checked. With it, a
//! password the platform would refuse is signed again over the contents
//! that hand-written signers commonly build instead (another order, the
//! timestamp left out or in seconds, another clientId, the keys swapped,
//! another method), and the first one that matches names the mistake.
//! The secret is never copied into the result.

use crate::limits::*;
use crate::register::AuthType;
use crate::secret::wipe;
use crate::sign::{sign, SignMethod, MAX_DIGEST_LEN};
use crate::status::aliyun_mqtt_status as S;
use crate::validate;
use crate::verify::{self, Identity};
use crate::writer::{copy_prefix, hex_encode, u64_decimal_start};

/// What `aliyun_mqtt_explain` found: the first problem, in the order the
/// platform meets them (client identifier, user name, keep-alive,
/// password, signature).
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_verdict {
    /// The platform would accept the fields (hex digits of either case).
    ALIYUN_MQTT_VERDICT_ACCEPTED = 0,
    /// The fields are well-formed; without the secret the password's
    /// signature is not checked.
    ALIYUN_MQTT_VERDICT_UNCHECKED = 1,
    /// The client identifier is not `id|k=v[,k=v...]|`, or is longer than
    /// `ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN`.
    ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED = 2,
    /// The client id before the first `|` is over 64 characters.
    ALIYUN_MQTT_VERDICT_CLIENT_ID_TOO_LONG = 3,
    /// The client id holds a byte the platform refuses.
    ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID = 4,
    /// A parameter is empty, lacks its `=`, or is repeated.
    ALIYUN_MQTT_VERDICT_PARAMS_MALFORMED = 5,
    /// No `securemode` parameter.
    ALIYUN_MQTT_VERDICT_SECURE_MODE_MISSING = 6,
    /// `securemode` is not 2, 3 or -2.
    ALIYUN_MQTT_VERDICT_SECURE_MODE_INVALID = 7,
    /// `signmethod` names no method the platform knows (or `sha256` for a
    /// registration).
    ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN = 8,
    /// `timestamp` is not 1 to 20 decimal digits within 64 bits.
    ALIYUN_MQTT_VERDICT_TIMESTAMP_INVALID = 9,
    /// `authType` is not `register`, `regnwl` or `connwl`.
    ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID = 10,
    /// `random` of a registration is missing or invalid.
    ALIYUN_MQTT_VERDICT_RANDOM_INVALID = 11,
    /// The user name is `productKey&deviceName`; the platform wants
    /// `deviceName&productKey`.
    ALIYUN_MQTT_VERDICT_USERNAME_SWAPPED = 12,
    /// The user name is not `deviceName&productKey`.
    ALIYUN_MQTT_VERDICT_USERNAME_INVALID = 13,
    /// The keep-alive is outside 30..1200 seconds.
    ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE = 14,
    /// The password is not the hex digits of a digest of the method
    /// `signmethod` names (their count is the method's).
    ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST = 15,
    /// There is no `signmethod`, so the platform checks an hmacmd5 digest,
    /// and the password is not one (it is another method's, or not 32
    /// hex digits).
    ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT = 16,
    /// The secret given is not a valid DeviceSecret, ProductSecret or
    /// deviceToken, for the kind of connection.
    ALIYUN_MQTT_VERDICT_SECRET_INVALID = 17,
    /// The password signs the content with another timestamp than the
    /// client identifier's (none, or seconds against milliseconds).
    ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS = 18,
    /// The password signs another clientId than the one before the first
    /// `|` (`pk&dn` for `pk.dn`, the user name, the whole client
    /// identifier, or none).
    ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS = 19,
    /// The user name and the signed content disagree on which is the
    /// ProductKey and which the DeviceName: one of them has the two
    /// swapped.
    ALIYUN_MQTT_VERDICT_KEYS_SWAPPED = 20,
    /// The password signs the content's name/value pairs in another order
    /// than alphabetical.
    ALIYUN_MQTT_VERDICT_CONTENT_ORDER = 21,
    /// The password signs the values without their names, or as
    /// `name=value&...`.
    ALIYUN_MQTT_VERDICT_CONTENT_FORMAT = 22,
    /// The password is a digest of another method than `signmethod` names.
    ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS = 23,
    /// The password matches no content this library knows under this
    /// secret: a wrong secret, or a content built some other way.
    ALIYUN_MQTT_VERDICT_WRONG_SECRET = 24,
    /// The sign method is not compiled into this build of the library, so
    /// the signature cannot be checked.
    ALIYUN_MQTT_VERDICT_METHOD_NOT_BUILT = 25,
}

use aliyun_mqtt_verdict as V;

impl aliyun_mqtt_verdict {
    /// Every verdict, in numeric order.
    pub const ALL: [aliyun_mqtt_verdict; 26] = [
        V::ALIYUN_MQTT_VERDICT_ACCEPTED,
        V::ALIYUN_MQTT_VERDICT_UNCHECKED,
        V::ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED,
        V::ALIYUN_MQTT_VERDICT_CLIENT_ID_TOO_LONG,
        V::ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID,
        V::ALIYUN_MQTT_VERDICT_PARAMS_MALFORMED,
        V::ALIYUN_MQTT_VERDICT_SECURE_MODE_MISSING,
        V::ALIYUN_MQTT_VERDICT_SECURE_MODE_INVALID,
        V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN,
        V::ALIYUN_MQTT_VERDICT_TIMESTAMP_INVALID,
        V::ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID,
        V::ALIYUN_MQTT_VERDICT_RANDOM_INVALID,
        V::ALIYUN_MQTT_VERDICT_USERNAME_SWAPPED,
        V::ALIYUN_MQTT_VERDICT_USERNAME_INVALID,
        V::ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE,
        V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST,
        V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT,
        V::ALIYUN_MQTT_VERDICT_SECRET_INVALID,
        V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS,
        V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS,
        V::ALIYUN_MQTT_VERDICT_KEYS_SWAPPED,
        V::ALIYUN_MQTT_VERDICT_CONTENT_ORDER,
        V::ALIYUN_MQTT_VERDICT_CONTENT_FORMAT,
        V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS,
        V::ALIYUN_MQTT_VERDICT_WRONG_SECRET,
        V::ALIYUN_MQTT_VERDICT_METHOD_NOT_BUILT,
    ];

    /// One line that says what is wrong, for logs and the CLI.
    pub fn message(self) -> &'static str {
        without_nul(self.message_nul())
    }

    /// [`Self::message`] with a NUL, for C.
    pub(crate) fn message_nul(self) -> &'static str {
        match self {
            V::ALIYUN_MQTT_VERDICT_ACCEPTED => "accepted\0",
            V::ALIYUN_MQTT_VERDICT_UNCHECKED => {
                "well-formed; the signature is not checked without the secret\0"
            }
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED => {
                "client identifier is not id|k=v,...| (or is over 512 bytes)\0"
            }
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_TOO_LONG => {
                "client id before the first '|' is over 64 characters\0"
            }
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID => {
                "client id holds a character the platform refuses\0"
            }
            V::ALIYUN_MQTT_VERDICT_PARAMS_MALFORMED => {
                "a parameter of the client identifier is empty, lacks '=' or is repeated\0"
            }
            V::ALIYUN_MQTT_VERDICT_SECURE_MODE_MISSING => "securemode is missing\0",
            V::ALIYUN_MQTT_VERDICT_SECURE_MODE_INVALID => "securemode is not 2, 3 or -2\0",
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN => {
                "signmethod is not one the platform knows for this connection\0"
            }
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_INVALID => "timestamp is not 1 to 20 digits\0",
            V::ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID => {
                "authType is not register, regnwl or connwl\0"
            }
            V::ALIYUN_MQTT_VERDICT_RANDOM_INVALID => "random of the registration is invalid\0",
            V::ALIYUN_MQTT_VERDICT_USERNAME_SWAPPED => {
                "user name is productKey&deviceName; the platform wants deviceName&productKey\0"
            }
            V::ALIYUN_MQTT_VERDICT_USERNAME_INVALID => "user name is not deviceName&productKey\0",
            V::ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE => {
                "keep-alive is outside 30..1200 seconds\0"
            }
            V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST => {
                "password is not the hex digest of the method signmethod names\0"
            }
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT => {
                "signmethod is absent, so the platform checks hmacmd5, and the password is no hmacmd5 digest\0"
            }
            V::ALIYUN_MQTT_VERDICT_SECRET_INVALID => {
                "the secret given is not valid for this kind of connection\0"
            }
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS => {
                "timestamp in the client identifier differs from the signed one\0"
            }
            V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS => {
                "clientId signed differs from the client id before the first '|'\0"
            }
            V::ALIYUN_MQTT_VERDICT_KEYS_SWAPPED => {
                "user name and signed content swap productKey and deviceName\0"
            }
            V::ALIYUN_MQTT_VERDICT_CONTENT_ORDER => {
                "signed content is not in alphabetical order of the names\0"
            }
            V::ALIYUN_MQTT_VERDICT_CONTENT_FORMAT => {
                "signed content is not name+value pairs written end to end\0"
            }
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS => {
                "password is signed with another method than signmethod names\0"
            }
            V::ALIYUN_MQTT_VERDICT_WRONG_SECRET => "wrong secret or wrong content order\0",
            V::ALIYUN_MQTT_VERDICT_METHOD_NOT_BUILT => {
                "the sign method is not compiled into this library\0"
            }
        }
    }

    /// The verdict's name, as in the C header.
    pub fn name(self) -> &'static str {
        without_nul(self.name_nul())
    }

    /// [`Self::name`] with a NUL, for C.
    pub(crate) fn name_nul(self) -> &'static str {
        match self {
            V::ALIYUN_MQTT_VERDICT_ACCEPTED => "ALIYUN_MQTT_VERDICT_ACCEPTED\0",
            V::ALIYUN_MQTT_VERDICT_UNCHECKED => "ALIYUN_MQTT_VERDICT_UNCHECKED\0",
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED => {
                "ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED\0"
            }
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_TOO_LONG => "ALIYUN_MQTT_VERDICT_CLIENT_ID_TOO_LONG\0",
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID => "ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID\0",
            V::ALIYUN_MQTT_VERDICT_PARAMS_MALFORMED => "ALIYUN_MQTT_VERDICT_PARAMS_MALFORMED\0",
            V::ALIYUN_MQTT_VERDICT_SECURE_MODE_MISSING => {
                "ALIYUN_MQTT_VERDICT_SECURE_MODE_MISSING\0"
            }
            V::ALIYUN_MQTT_VERDICT_SECURE_MODE_INVALID => {
                "ALIYUN_MQTT_VERDICT_SECURE_MODE_INVALID\0"
            }
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN => {
                "ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN\0"
            }
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_INVALID => "ALIYUN_MQTT_VERDICT_TIMESTAMP_INVALID\0",
            V::ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID => "ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID\0",
            V::ALIYUN_MQTT_VERDICT_RANDOM_INVALID => "ALIYUN_MQTT_VERDICT_RANDOM_INVALID\0",
            V::ALIYUN_MQTT_VERDICT_USERNAME_SWAPPED => "ALIYUN_MQTT_VERDICT_USERNAME_SWAPPED\0",
            V::ALIYUN_MQTT_VERDICT_USERNAME_INVALID => "ALIYUN_MQTT_VERDICT_USERNAME_INVALID\0",
            V::ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE => {
                "ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE\0"
            }
            V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST => {
                "ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST\0"
            }
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT => "ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT\0",
            V::ALIYUN_MQTT_VERDICT_SECRET_INVALID => "ALIYUN_MQTT_VERDICT_SECRET_INVALID\0",
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS => "ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS\0",
            V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS => {
                "ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS\0"
            }
            V::ALIYUN_MQTT_VERDICT_KEYS_SWAPPED => "ALIYUN_MQTT_VERDICT_KEYS_SWAPPED\0",
            V::ALIYUN_MQTT_VERDICT_CONTENT_ORDER => "ALIYUN_MQTT_VERDICT_CONTENT_ORDER\0",
            V::ALIYUN_MQTT_VERDICT_CONTENT_FORMAT => "ALIYUN_MQTT_VERDICT_CONTENT_FORMAT\0",
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS => {
                "ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS\0"
            }
            V::ALIYUN_MQTT_VERDICT_WRONG_SECRET => "ALIYUN_MQTT_VERDICT_WRONG_SECRET\0",
            V::ALIYUN_MQTT_VERDICT_METHOD_NOT_BUILT => "ALIYUN_MQTT_VERDICT_METHOD_NOT_BUILT\0",
        }
    }
}

fn without_nul(s: &'static str) -> &'static str {
    s.strip_suffix('\0').unwrap_or(s)
}

/// The input a verdict points into.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_explain_field {
    /// None (accepted, unchecked).
    ALIYUN_MQTT_FIELD_NONE = 0,
    /// The MQTT client identifier.
    ALIYUN_MQTT_FIELD_CLIENT_ID = 1,
    /// The user name.
    ALIYUN_MQTT_FIELD_USERNAME = 2,
    /// The password.
    ALIYUN_MQTT_FIELD_PASSWORD = 3,
    /// The keep-alive.
    ALIYUN_MQTT_FIELD_KEEPALIVE = 4,
    /// The secret (its range is never reported).
    ALIYUN_MQTT_FIELD_SECRET = 5,
}

use aliyun_mqtt_explain_field as F;

/// The result of [`explain`].
#[derive(Clone, Copy, Debug)]
pub struct Explanation<'a> {
    /// The first problem, or accepted / unchecked.
    pub verdict: aliyun_mqtt_verdict,
    /// The input it is in.
    pub field: aliyun_mqtt_explain_field,
    /// Its byte range in that input: `(offset, length)`.
    pub span: (usize, usize),
    /// The parsed fields, when the client identifier and user name parsed.
    pub identity: Option<Identity<'a>>,
    /// Whether the password's hex digits include upper-case letters (the
    /// platform accepts either case).
    pub uppercase_hex: bool,
    /// With a valid secret: the password the platform expects, lower-case
    /// hex (`expected_len` bytes; 0 for `connwl`, whose password is the
    /// deviceToken).
    pub expected: [u8; ALIYUN_MQTT_PASSWORD_SIZE - 1],
    /// Length of `expected`.
    pub expected_len: usize,
}

/// Longest content an explanation signs: a device's with the whole client
/// identifier as its clientId, written `name=value&...`.
const WORK_LEN: usize = ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN + 256;

/// Longest content the platform signs (a device's, every field at its
/// maximum, with a timestamp); `ALIYUN_MQTT_SIGNED_CONTENT_SIZE` holds it
/// and its NUL.
pub const ALIYUN_MQTT_SIGNED_CONTENT_SIZE: usize = 174;
const _: () = assert!(
    ALIYUN_MQTT_SIGNED_CONTENT_SIZE
        == b"clientIddeviceNameproductKeytimestamp".len()
            + ALIYUN_MQTT_CLIENT_ID_MAX_LEN
            + ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
            + ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
            + 20
            + 1
);

/// One name/value pair of a signed content.
type Pair<'a> = (&'a [u8], &'a [u8]);

/// The name/value pairs the platform signs for `id`, in the order it signs
/// them ([`verify::signed_pieces`], where the format is stated), and how
/// many there are (none for `connwl`).
fn signed_pairs<'a>(id: &Identity<'a>) -> ([Pair<'a>; 4], usize) {
    let mut pairs: [Pair<'a>; 4] = [(b"", b""); 4];
    let mut n = 0;
    for piece in verify::signed_pieces(id).chunks_exact(2) {
        if let ([name, value], Some(slot)) = (piece, pairs.get_mut(n)) {
            if !name.is_empty() {
                *slot = (name, value);
                n = n.saturating_add(1);
            }
        }
    }
    (pairs, n)
}

/// How a content's pairs are written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `name value name value ...` end to end: the platform's.
    Concat,
    /// The values only.
    ValuesOnly,
    /// `name=value&name=value`.
    Query,
}

/// Writes `pairs` in `order` and `style` into `out`; `None` when it does
/// not fit.
fn render<'o>(
    pairs: &[Pair<'_>],
    order: &[usize],
    style: Style,
    out: &'o mut [u8],
) -> Option<&'o [u8]> {
    let mut len = 0usize;
    let mut put = |bytes: &[u8], out: &mut [u8]| -> Option<()> {
        let end = len.checked_add(bytes.len())?;
        copy_prefix(out.get_mut(len..end)?, bytes);
        len = end;
        Some(())
    };
    for (k, i) in order.iter().enumerate() {
        let (name, value) = pairs.get(*i)?;
        if style == Style::Query && k > 0 {
            put(b"&", out)?;
        }
        if style != Style::ValuesOnly {
            put(name, out)?;
        }
        if style == Style::Query {
            put(b"=", out)?;
        }
        put(value, out)?;
    }
    out.get(..len)
}

/// Writes the content the platform signs for `id` (PROTOCOL.md §1.3,
/// §4.1), without a NUL, into `out`; returns its length, or `None` when
/// `out` is too small. A `connwl` connection signs nothing (length 0).
pub fn signed_content(id: &Identity<'_>, out: &mut [u8]) -> Option<usize> {
    let (pairs, n) = signed_pairs(id);
    render(pairs.get(..n)?, sorted_of(n)?, Style::Concat, out).map(<[u8]>::len)
}

/// Whether `password` is the `method` digest of `content` under `secret`.
fn signs(method: SignMethod, secret: &[u8], content: &[u8], password: &[u8]) -> bool {
    if password.len() != method.hex_len() {
        return false;
    }
    let mut digest = [0u8; MAX_DIGEST_LEN];
    let matched = match sign(method, secret, &[content], &mut digest) {
        // Either hex case, in time that depends on the lengths only.
        Ok(len) => verify::same_hex(password, digest.get(..len).unwrap_or_default()).is_ok(),
        Err(_) => false,
    };
    wipe(&mut digest);
    matched
}

/// The byte range of the value of `key` among the parameters of
/// `mqtt_client_id` (between its first `|` and its last byte), or `None`.
fn param_span(mqtt_client_id: &[u8], key: &[u8]) -> Option<(usize, usize)> {
    let bar = mqtt_client_id.iter().position(|b| *b == b'|')?;
    let mut at = bar.checked_add(1)?;
    let params = mqtt_client_id.get(at..)?;
    for pair in params.split(|b| *b == b',' || *b == b'|') {
        if let Some(eq) = pair.iter().position(|b| *b == b'=') {
            if pair.get(..eq) == Some(key) {
                let start = at.checked_add(eq)?.checked_add(1)?;
                return Some((start, pair.len().saturating_sub(eq).saturating_sub(1)));
            }
        }
        at = at.checked_add(pair.len())?.checked_add(1)?;
    }
    None
}

/// The verdict and field range for an error of [`verify::identify`].
fn parse_problem(mqtt_client_id: &[u8], username: &[u8], status: S) -> (V, F, (usize, usize)) {
    let whole_cid = (0, mqtt_client_id.len());
    let bar = mqtt_client_id
        .iter()
        .position(|b| *b == b'|')
        .unwrap_or(mqtt_client_id.len());
    let in_cid = |key: &[u8], verdict: V| {
        (
            verdict,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            param_span(mqtt_client_id, key).unwrap_or(whole_cid),
        )
    };
    match status {
        S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID if bar > ALIYUN_MQTT_CLIENT_ID_MAX_LEN => (
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_TOO_LONG,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            (0, bar),
        ),
        S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID => (
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            (0, bar),
        ),
        S::ALIYUN_MQTT_ERR_EMPTY_PARAM | S::ALIYUN_MQTT_ERR_DUPLICATE_PARAM => (
            V::ALIYUN_MQTT_VERDICT_PARAMS_MALFORMED,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            whole_cid,
        ),
        S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE => match param_span(mqtt_client_id, b"securemode") {
            None => (
                V::ALIYUN_MQTT_VERDICT_SECURE_MODE_MISSING,
                F::ALIYUN_MQTT_FIELD_CLIENT_ID,
                whole_cid,
            ),
            Some(span) => (
                V::ALIYUN_MQTT_VERDICT_SECURE_MODE_INVALID,
                F::ALIYUN_MQTT_FIELD_CLIENT_ID,
                span,
            ),
        },
        S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD => {
            in_cid(b"signmethod", V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN)
        }
        S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP => {
            in_cid(b"timestamp", V::ALIYUN_MQTT_VERDICT_TIMESTAMP_INVALID)
        }
        S::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE => {
            in_cid(b"authType", V::ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID)
        }
        S::ALIYUN_MQTT_ERR_INVALID_RANDOM => {
            in_cid(b"random", V::ALIYUN_MQTT_VERDICT_RANDOM_INVALID)
        }
        S::ALIYUN_MQTT_ERR_INVALID_USERNAME => (
            username_problem(username),
            F::ALIYUN_MQTT_FIELD_USERNAME,
            (0, username.len()),
        ),
        _ => (
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            whole_cid,
        ),
    }
}

/// A user name the verifier refused: `productKey&deviceName` (the two
/// halves valid the other way round), or anything else.
fn username_problem(username: &[u8]) -> V {
    let mut halves = username.splitn(2, |b| *b == b'&');
    match (halves.next(), halves.next()) {
        (Some(first), Some(second))
            if validate::product_key(first).is_ok() && validate::device_name(second).is_ok() =>
        {
            V::ALIYUN_MQTT_VERDICT_USERNAME_SWAPPED
        }
        _ => V::ALIYUN_MQTT_VERDICT_USERNAME_INVALID,
    }
}

/// Explains what the platform would do with a CONNECT's client identifier,
/// user name and password, and optionally its keep-alive (seconds) and the
/// secret the connection is checked against (the DeviceSecret; the
/// ProductSecret for `authType=register`/`regnwl`; the deviceToken for
/// `connwl`). Never fails: every input gets a verdict.
pub fn explain<'a>(
    mqtt_client_id: &'a [u8],
    username: &'a [u8],
    password: &[u8],
    secret: Option<&[u8]>,
    keepalive: Option<u32>,
) -> Explanation<'a> {
    let uppercase_hex =
        password.iter().any(u8::is_ascii_uppercase) && password.iter().all(u8::is_ascii_hexdigit);
    let mut out = Explanation {
        verdict: V::ALIYUN_MQTT_VERDICT_ACCEPTED,
        field: F::ALIYUN_MQTT_FIELD_NONE,
        span: (0, 0),
        identity: None,
        uppercase_hex,
        expected: [0; ALIYUN_MQTT_PASSWORD_SIZE - 1],
        expected_len: 0,
    };
    let id = match verify::identify(mqtt_client_id, username) {
        Ok(id) => id,
        Err(status) => {
            (out.verdict, out.field, out.span) = parse_problem(mqtt_client_id, username, status);
            return out;
        }
    };
    out.identity = Some(id);
    if let Some(secret) = secret {
        expected_password(&id, secret, &mut out);
    }
    let (verdict, field, span) =
        diagnose(mqtt_client_id, username, password, secret, keepalive, &id);
    (out.verdict, out.field, out.span) = (verdict, field, span);
    out
}

/// Fills `expected` with the password the platform computes, when the
/// secret is valid for the connection and the method is built.
fn expected_password(id: &Identity<'_>, secret: &[u8], out: &mut Explanation<'_>) {
    if id.auth_type == Some(AuthType::ConnWl) || secret_problem(id, secret) {
        return;
    }
    let mut content = [0u8; ALIYUN_MQTT_SIGNED_CONTENT_SIZE];
    let mut digest = [0u8; MAX_DIGEST_LEN];
    if let Some(len) = signed_content(id, &mut content) {
        if let Ok(n) = sign(
            id.sign_method,
            secret,
            &[content.get(..len).unwrap_or_default()],
            &mut digest,
        ) {
            let hex_len = n.saturating_mul(2);
            if let Some(hex) = out.expected.get_mut(..hex_len) {
                hex_encode(digest.get(..n).unwrap_or_default(), false, hex);
                out.expected_len = hex_len;
            }
        }
    }
    wipe(&mut content);
    wipe(&mut digest);
}

/// Whether `secret` is invalid for the role the connection gives it.
fn secret_problem(id: &Identity<'_>, secret: &[u8]) -> bool {
    match id.auth_type {
        None => validate::device_secret(secret).is_err(),
        Some(AuthType::Register | AuthType::RegNwl) => validate::product_secret(secret).is_err(),
        Some(AuthType::ConnWl) => validate::device_token(secret).is_err(),
    }
}

/// The verdict for fields that parsed.
fn diagnose(
    mqtt_client_id: &[u8],
    username: &[u8],
    password: &[u8],
    secret: Option<&[u8]>,
    keepalive: Option<u32>,
    id: &Identity<'_>,
) -> (V, F, (usize, usize)) {
    let cid_span = (0, id.client_id.len());
    let method_span = param_span(mqtt_client_id, b"signmethod");
    let method_field = |verdict| {
        let span = method_span.unwrap_or((mqtt_client_id.len(), 0));
        (verdict, F::ALIYUN_MQTT_FIELD_CLIENT_ID, span)
    };
    let keepalive_range = ALIYUN_MQTT_KEEPALIVE_MIN..=ALIYUN_MQTT_KEEPALIVE_MAX;
    if keepalive.is_some_and(|k| !keepalive_range.contains(&k)) {
        return (
            V::ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE,
            F::ALIYUN_MQTT_FIELD_KEEPALIVE,
            (0, 0),
        );
    }
    let registration = matches!(id.auth_type, Some(AuthType::Register | AuthType::RegNwl));
    if registration && id.sign_method == SignMethod::Sha256 {
        return method_field(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN);
    }
    let password_span = (0, password.len());
    let is_digest = id.auth_type == Some(AuthType::ConnWl)
        || (password.len() == id.sign_method.hex_len()
            && password.iter().all(u8::is_ascii_hexdigit));
    let absent = method_span.is_none() && id.auth_type != Some(AuthType::ConnWl);
    let Some(secret) = secret else {
        return match (is_digest, absent) {
            (true, _) => (
                V::ALIYUN_MQTT_VERDICT_UNCHECKED,
                F::ALIYUN_MQTT_FIELD_NONE,
                (0, 0),
            ),
            (false, true) => method_field(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT),
            (false, false) => (
                V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST,
                F::ALIYUN_MQTT_FIELD_PASSWORD,
                password_span,
            ),
        };
    };
    if secret_problem(id, secret) {
        return (
            V::ALIYUN_MQTT_VERDICT_SECRET_INVALID,
            F::ALIYUN_MQTT_FIELD_SECRET,
            (0, 0),
        );
    }
    if !id.sign_method.enabled() && id.auth_type != Some(AuthType::ConnWl) {
        return method_field(V::ALIYUN_MQTT_VERDICT_METHOD_NOT_BUILT);
    }
    match verify::check_signature(id, password, secret) {
        Ok(()) => {
            return (
                V::ALIYUN_MQTT_VERDICT_ACCEPTED,
                F::ALIYUN_MQTT_FIELD_NONE,
                (0, 0),
            )
        }
        Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH) => {}
        // Every other refusal is one checked above.
        Err(_) => {
            return (
                V::ALIYUN_MQTT_VERDICT_WRONG_SECRET,
                F::ALIYUN_MQTT_FIELD_PASSWORD,
                password_span,
            )
        }
    }
    if id.auth_type == Some(AuthType::ConnWl) {
        return (
            V::ALIYUN_MQTT_VERDICT_WRONG_SECRET,
            F::ALIYUN_MQTT_FIELD_PASSWORD,
            password_span,
        );
    }
    let mut work = [0u8; WORK_LEN];
    let found = mistake(mqtt_client_id, username, password, secret, id, &mut work);
    wipe(&mut work);
    match found {
        Some(V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS) => (
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            param_span(mqtt_client_id, b"timestamp").unwrap_or(cid_span),
        ),
        Some(V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS) => (
            V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS,
            F::ALIYUN_MQTT_FIELD_CLIENT_ID,
            cid_span,
        ),
        Some(V::ALIYUN_MQTT_VERDICT_KEYS_SWAPPED) => (
            V::ALIYUN_MQTT_VERDICT_KEYS_SWAPPED,
            F::ALIYUN_MQTT_FIELD_USERNAME,
            (0, username.len()),
        ),
        Some(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS) if absent => {
            method_field(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT)
        }
        Some(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS) => {
            method_field(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS)
        }
        Some(verdict) => (verdict, F::ALIYUN_MQTT_FIELD_PASSWORD, password_span),
        None if !is_digest && absent => method_field(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT),
        None if !is_digest => (
            V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST,
            F::ALIYUN_MQTT_FIELD_PASSWORD,
            password_span,
        ),
        None => (
            V::ALIYUN_MQTT_VERDICT_WRONG_SECRET,
            F::ALIYUN_MQTT_FIELD_PASSWORD,
            password_span,
        ),
    }
}

/// Signs the contents hand-written signers commonly build instead of the
/// platform's, and returns the verdict of the first that matches the
/// password: the timestamp, the clientId, the keys, the order, the format,
/// then the method.
fn mistake(
    mqtt_client_id: &[u8],
    username: &[u8],
    password: &[u8],
    secret: &[u8],
    id: &Identity<'_>,
    work: &mut [u8; WORK_LEN],
) -> Option<V> {
    let method = id.sign_method;
    let (pairs, n) = signed_pairs(id);
    let pairs = pairs.get(..n)?;
    let sorted = sorted_of(n)?;
    let mut try_pairs = |pairs: &[Pair<'_>], order: &[usize], style: Style, method: SignMethod| {
        render(pairs, order, style, work)
            .is_some_and(|content| signs(method, secret, content, password))
    };
    // The content of the same fields with some of them changed.
    let mut try_identity = |alt: &Identity<'_>| {
        let (alt_pairs, count) = signed_pairs(alt);
        match (alt_pairs.get(..count), sorted_of(count)) {
            (Some(alt_pairs), Some(order)) => try_pairs(alt_pairs, order, Style::Concat, method),
            _ => false,
        }
    };
    let device = id.auth_type.is_none();

    // The timestamp: left out of the content, or in other units.
    if let (true, Some((_, ts))) = (device, id.timestamp) {
        if try_identity(&Identity {
            timestamp: None,
            ..*id
        }) {
            return Some(V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS);
        }
        for other in [Some(ts / 1000), ts.checked_mul(1000)] {
            let Some(other) = other else { continue };
            let mut digits = [0u8; 20];
            let start = u64_decimal_start(other, &mut digits);
            let changed = Identity {
                timestamp: Some((digits.get(start..).unwrap_or_default(), other)),
                ..*id
            };
            if try_identity(&changed) {
                return Some(V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS);
            }
        }
    }

    // The clientId: another value, or none (empty: left out).
    if device {
        let mut dotted =
            [0u8; ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN + 1 + ALIYUN_MQTT_DEVICE_NAME_MAX_LEN];
        let mut amp = dotted;
        let dotted = join(&mut dotted, id.product_key, b'.', id.device_name)?;
        let amp = join(&mut amp, id.product_key, b'&', id.device_name)?;
        for cid in [dotted, amp, username, mqtt_client_id, b""] {
            if cid != id.client_id
                && try_identity(&Identity {
                    client_id: cid,
                    ..*id
                })
            {
                return Some(V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS);
            }
        }
    }

    // The ProductKey and DeviceName swapped.
    if try_identity(&Identity {
        product_key: id.device_name,
        device_name: id.product_key,
        ..*id
    }) {
        return Some(V::ALIYUN_MQTT_VERDICT_KEYS_SWAPPED);
    }

    // Every other order of the pairs.
    let mut order = [0usize; 4];
    for k in 1..factorial(n) {
        permutation(k, order.get_mut(..n)?);
        if try_pairs(pairs, order.get(..n)?, Style::Concat, method) {
            return Some(V::ALIYUN_MQTT_VERDICT_CONTENT_ORDER);
        }
    }

    // The values alone, or name=value&...
    for style in [Style::ValuesOnly, Style::Query] {
        if try_pairs(pairs, sorted, style, method) {
            return Some(V::ALIYUN_MQTT_VERDICT_CONTENT_FORMAT);
        }
    }

    // Another method over the right content.
    for other in SignMethod::ALL {
        let candidate = other != method && other.enabled();
        let allowed = device || other != SignMethod::Sha256;
        if candidate && allowed && try_pairs(pairs, sorted, Style::Concat, other) {
            return Some(V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS);
        }
    }
    None
}

/// `a`, `sep`, `b` written into `buf`.
fn join<'b>(buf: &'b mut [u8], a: &[u8], sep: u8, b: &[u8]) -> Option<&'b [u8]> {
    let sep_at = a.len();
    let end = sep_at.checked_add(1)?.checked_add(b.len())?;
    copy_prefix(buf.get_mut(..sep_at)?, a);
    *buf.get_mut(sep_at)? = sep;
    copy_prefix(buf.get_mut(sep_at.checked_add(1)?..end)?, b);
    buf.get(..end)
}

/// `[0, 1, .., count - 1]`.
fn sorted_of(count: usize) -> Option<&'static [usize]> {
    [0usize, 1, 2, 3].get(..count)
}

/// `n!` for the at most four pairs of a content.
fn factorial(n: usize) -> usize {
    (1..=n).product()
}

/// The `k`-th permutation of `0..order.len()` in lexicographic order
/// (`k` below `order.len()!`), written into `order`.
fn permutation(mut k: usize, order: &mut [usize]) {
    let n = order.len();
    let mut left = [0usize, 1, 2, 3];
    let mut remaining = n;
    for slot in order.iter_mut() {
        remaining = remaining.saturating_sub(1);
        let block = factorial(remaining).max(1);
        let pick = k.checked_div(block).unwrap_or(0);
        k = k.checked_rem(block).unwrap_or(0);
        let count = remaining.saturating_add(1);
        if let Some(rest) = left.get_mut(..count) {
            if let Some(&chosen) = rest.get(pick) {
                *slot = chosen;
                // Close the gap: the numbers left stay in order.
                for j in pick..remaining {
                    let next = rest.get(j.saturating_add(1)).copied().unwrap_or_default();
                    if let Some(here) = rest.get_mut(j) {
                        *here = next;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_all_distinct() {
        for n in 1..=4 {
            let mut seen = std::collections::BTreeSet::new();
            for k in 0..factorial(n) {
                let mut order = [9usize; 4];
                permutation(k, &mut order[..n]);
                let mut sorted = order[..n].to_vec();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "n={n} k={k}");
                assert!(seen.insert(order[..n].to_vec()));
            }
            assert_eq!(seen.len(), factorial(n));
        }
        let mut order = [0usize; 3];
        permutation(0, &mut order);
        assert_eq!(order, [0, 1, 2]);
    }

    #[test]
    fn param_spans_point_at_values() {
        let cid = b"dev|securemode=2,signmethod=hmacsha1,timestamp=12|";
        let (at, len) = param_span(cid, b"signmethod").unwrap();
        assert_eq!(&cid[at..at + len], b"hmacsha1");
        let (at, len) = param_span(cid, b"timestamp").unwrap();
        assert_eq!(&cid[at..at + len], b"12");
        assert_eq!(param_span(cid, b"random"), None);
        assert_eq!(param_span(b"no bars", b"securemode"), None);
    }
}
