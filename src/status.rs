//! Status codes shared by every function of the library.

/// Result of every fallible function of the library.
///
/// Values are stable and append-only: a new status gets the next number.
/// A status read back from C (as in `aliyun_mqtt_status_str`) is taken as a
/// plain integer and an unknown value is reported as such, never trusted.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_status {
    /// Success: the output is complete and NUL-terminated.
    ALIYUN_MQTT_OK = 0,
    /// A required pointer was NULL (or `buf` was NULL with `cap > 0`).
    /// Returned by every function that takes a pointer.
    ALIYUN_MQTT_ERR_NULL_ARGUMENT = 1,
    /// `cap` is smaller than the output plus its NUL. `*out_len` holds the
    /// length needed (without the NUL) and `buf` holds "" when `cap > 0`.
    /// Returned by every function that writes into `buf`, `cap`.
    ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL = 2,
    /// ProductKey missing, empty, longer than `ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN`
    /// or not made of ASCII letters and digits. Returned by every function
    /// that takes a device, and by `aliyun_mqtt_host`.
    ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY = 3,
    /// DeviceName not 4 to 32 characters of letters, digits, `-_@.:`.
    /// Returned by every function that takes a device.
    ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME = 4,
    /// DeviceSecret empty, longer than `ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN` or
    /// holding a byte outside printable ASCII (space excluded).
    /// Returned by every function that takes a device.
    ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET = 5,
    /// Client id longer than `ALIYUN_MQTT_CLIENT_ID_MAX_LEN` (64), or holding
    /// `|`, `,`, `=`, a space, a control byte or a non-ASCII byte.
    /// Returned by every function that takes a device.
    ALIYUN_MQTT_ERR_INVALID_CLIENT_ID = 6,
    /// `sign_method` is not one of the `ALIYUN_MQTT_*` sign methods, or the
    /// method was compiled out. Returned by every function that takes a device.
    ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD = 7,
    /// `secure_mode` is neither `ALIYUN_MQTT_SECURE_TLS` nor
    /// `ALIYUN_MQTT_SECURE_TCP` (for a registration: neither
    /// `ALIYUN_MQTT_SECURE_TLS` nor `ALIYUN_MQTT_SECURE_TLS_INSTANCE`).
    /// Returned by every function that takes a device or a registration,
    /// and by `aliyun_mqtt_websocket_url`.
    ALIYUN_MQTT_ERR_INVALID_SECURE_MODE = 8,
    /// `extra_params` is not `k=v[,k=v...]`: an empty key or value, a `|`,
    /// a space or control byte, a duplicate key, a key the library sets itself
    /// (`securemode`, `signmethod`, `timestamp`), or longer than
    /// `ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN`. Returned by every function that
    /// takes a device.
    ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS = 9,
    /// Region id empty, longer than `ALIYUN_MQTT_REGION_MAX_LEN`, not made of
    /// `[a-z0-9-]`, or starting or ending with `-`. Returned by
    /// `aliyun_mqtt_host`.
    ALIYUN_MQTT_ERR_INVALID_REGION = 10,
    /// The MQTT client identifier is not `id|k=v[,k=v...]|` (no bars, a
    /// parameter without `=`, text after the closing bar, or longer than
    /// `ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN`). Returned by the verifier.
    ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID = 11,
    /// A parameter inside the bars appears twice. Returned by the verifier.
    ALIYUN_MQTT_ERR_DUPLICATE_PARAM = 12,
    /// A parameter inside the bars has an empty name or value. Returned by
    /// the verifier.
    ALIYUN_MQTT_ERR_EMPTY_PARAM = 13,
    /// The user name is not `deviceName&productKey` with a valid DeviceName
    /// and ProductKey. Returned by the verifier.
    ALIYUN_MQTT_ERR_INVALID_USERNAME = 14,
    /// The `timestamp` parameter is not 1 to 20 decimal digits within
    /// uint64_t. Returned by the verifier.
    ALIYUN_MQTT_ERR_INVALID_TIMESTAMP = 15,
    /// The password is not the signature the platform expects for this
    /// secret. Returned by `aliyun_mqtt_verify`.
    ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH = 16,
    /// ProductSecret empty, longer than `ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN` or
    /// holding a byte outside printable ASCII (space excluded). Returned by
    /// the dynamic-registration functions and the verifier.
    ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET = 17,
    /// Registration `random` not 1 to `ALIYUN_MQTT_RANDOM_MAX_LEN` ASCII
    /// letters and digits. Returned by the dynamic-registration functions.
    ALIYUN_MQTT_ERR_INVALID_RANDOM = 18,
    /// Instance id longer than `ALIYUN_MQTT_INSTANCE_ID_MAX_LEN`, not made of
    /// `[a-z0-9-]`, or starting or ending with `-`. Returned by
    /// `aliyun_mqtt_instance_host` and the dynamic-registration functions.
    ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID = 19,
    /// A host name that is not 1 to 253 bytes of dot-separated labels of
    /// `[A-Za-z0-9-]` (each 1 to 63, no leading or trailing `-`) nor an IPv6
    /// literal. Returned by `aliyun_mqtt_custom_host` and the reply parsers.
    ALIYUN_MQTT_ERR_INVALID_HOST = 20,
    /// `auth_type` of a registration is not `ALIYUN_MQTT_AUTH_REGISTER` or
    /// `ALIYUN_MQTT_AUTH_REGNWL`, or a CONNECT carries an unknown `authType`.
    /// Returned by the dynamic-registration functions and the verifier.
    ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE = 21,
    /// A deviceToken empty, longer than `ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN` or
    /// holding a byte outside printable ASCII (space excluded). Returned by
    /// `aliyun_mqtt_parse_ext_regnwl`, `aliyun_mqtt_connwl` and the verifier.
    ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN = 22,
    /// The reply ends before its JSON document does (including an empty
    /// reply). Returned by the reply parsers.
    ALIYUN_MQTT_ERR_REPLY_TRUNCATED = 23,
    /// The reply is not a JSON object (a syntax error, invalid UTF-8, a bad
    /// escape, a wanted field or an object on its path twice, text after the
    /// document, or a wanted field of the wrong type or range). Returned by
    /// the reply parsers.
    ALIYUN_MQTT_ERR_REPLY_MALFORMED = 24,
    /// The reply is longer than `ALIYUN_MQTT_REPLY_MAX_LEN`, nests deeper than
    /// `ALIYUN_MQTT_REPLY_MAX_DEPTH`, or a wanted string does not fit its
    /// field. Returned by the reply parsers.
    ALIYUN_MQTT_ERR_REPLY_TOO_LARGE = 25,
    /// A field the reply must carry is absent (for example `data.iotToken`
    /// in a successful authentication reply). Returned by the reply parsers.
    ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD = 26,
    /// The server answered with a `code` other than 200; the reply's `code`
    /// and `message` are in the output structure. Returned by the HTTPS reply
    /// parsers.
    ALIYUN_MQTT_ERR_SERVER_REFUSED = 27,
    /// An output (buffer, `*out_len` or structure) shares a byte with an
    /// input the call read (a string with its NUL, a structure, a reply's
    /// bytes) or with another output of the call. Nothing was written, not
    /// even `buf[0]` or `*out_len`, so no input was changed. Returned by
    /// every function that writes through a pointer.
    ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS = 28,
    /// A list of sub-devices is empty or longer than
    /// `ALIYUN_MQTT_SUBDEV_BATCH_MAX` (50). Returned by the sub-device
    /// message builders.
    ALIYUN_MQTT_ERR_BATCH_SIZE = 29,
    /// A topic kind that is not an `aliyun_mqtt_topic`. Returned by
    /// `aliyun_mqtt_topic`.
    ALIYUN_MQTT_ERR_INVALID_TOPIC = 30,
    /// The four times of an NTP exchange cannot come from one exchange (a
    /// receive before its send, the server holding the request longer than
    /// the round trip) or give a time past uint64_t. Returned by
    /// `aliyun_mqtt_ntp_time`.
    ALIYUN_MQTT_ERR_INVALID_NTP_TIMES = 31,
    /// A root or endpoint kind that is not an `aliyun_mqtt_root` or
    /// `aliyun_mqtt_endpoint`. Returned by `aliyun_mqtt_root` and
    /// `aliyun_mqtt_endpoint_tls`.
    ALIYUN_MQTT_ERR_INVALID_ROOT = 32,
    /// A digest given to a `..._from_digest` function is not as long as its
    /// sign method's (16 bytes for hmacmd5, 20 for hmacsha1, 32 for
    /// hmacsha256 and sha256). Nothing is written but "".
    ALIYUN_MQTT_ERR_INVALID_DIGEST = 33,
}

use aliyun_mqtt_status as S;

impl aliyun_mqtt_status {
    /// Every status, in numeric order (used by `status_str` and the tests).
    pub const ALL: [aliyun_mqtt_status; 34] = [
        S::ALIYUN_MQTT_OK,
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT,
        S::ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL,
        S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD,
        S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE,
        S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
        S::ALIYUN_MQTT_ERR_INVALID_REGION,
        S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
        S::ALIYUN_MQTT_ERR_DUPLICATE_PARAM,
        S::ALIYUN_MQTT_ERR_EMPTY_PARAM,
        S::ALIYUN_MQTT_ERR_INVALID_USERNAME,
        S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP,
        S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH,
        S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
        S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
        S::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID,
        S::ALIYUN_MQTT_ERR_INVALID_HOST,
        S::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN,
        S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED,
        S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE,
        S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        S::ALIYUN_MQTT_ERR_SERVER_REFUSED,
        S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS,
        S::ALIYUN_MQTT_ERR_BATCH_SIZE,
        S::ALIYUN_MQTT_ERR_INVALID_TOPIC,
        S::ALIYUN_MQTT_ERR_INVALID_NTP_TIMES,
        S::ALIYUN_MQTT_ERR_INVALID_ROOT,
        S::ALIYUN_MQTT_ERR_INVALID_DIGEST,
    ];

    /// The status with this number, if there is one.
    pub fn from_u32(value: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| *s as u32 == value)
    }

    /// The status's C name, static and NUL-terminated.
    pub fn name(self) -> &'static [u8] {
        nth_string(NAMES, self as usize)
    }

    /// A static, NUL-terminated description of the status.
    pub fn message(self) -> &'static [u8] {
        nth_string(MESSAGES, self as usize)
    }
}

/// The `n`th of the NUL-terminated strings packed in `blob`, NUL included.
/// (A plain loop: `split_inclusive` keeps a slice-index panic path in
/// size-optimised builds.)
#[allow(clippy::arithmetic_side_effects)] // i < blob.len(), seen <= n
fn nth_string(blob: &'static [u8], n: usize) -> &'static [u8] {
    let mut start = 0;
    let mut seen = 0;
    for (i, b) in blob.iter().enumerate() {
        if *b == 0 {
            if seen == n {
                return blob.get(start..i + 1).unwrap_or(b"unknown status\0");
            }
            seen += 1;
            start = i + 1;
        }
    }
    b"unknown status\0"
}

// Packed, in status order. One blob each (interior NULs keep them out of the
// linker's merged C-string section), so an image that never asks for a
// status text drops them with --gc-sections.
static NAMES: &[u8] = b"ALIYUN_MQTT_OK\0\
ALIYUN_MQTT_ERR_NULL_ARGUMENT\0\
ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL\0\
ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY\0\
ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME\0\
ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET\0\
ALIYUN_MQTT_ERR_INVALID_CLIENT_ID\0\
ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD\0\
ALIYUN_MQTT_ERR_INVALID_SECURE_MODE\0\
ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS\0\
ALIYUN_MQTT_ERR_INVALID_REGION\0\
ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID\0\
ALIYUN_MQTT_ERR_DUPLICATE_PARAM\0\
ALIYUN_MQTT_ERR_EMPTY_PARAM\0\
ALIYUN_MQTT_ERR_INVALID_USERNAME\0\
ALIYUN_MQTT_ERR_INVALID_TIMESTAMP\0\
ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH\0\
ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET\0\
ALIYUN_MQTT_ERR_INVALID_RANDOM\0\
ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID\0\
ALIYUN_MQTT_ERR_INVALID_HOST\0\
ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE\0\
ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN\0\
ALIYUN_MQTT_ERR_REPLY_TRUNCATED\0\
ALIYUN_MQTT_ERR_REPLY_MALFORMED\0\
ALIYUN_MQTT_ERR_REPLY_TOO_LARGE\0\
ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD\0\
ALIYUN_MQTT_ERR_SERVER_REFUSED\0\
ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS\0\
ALIYUN_MQTT_ERR_BATCH_SIZE\0\
ALIYUN_MQTT_ERR_INVALID_TOPIC\0\
ALIYUN_MQTT_ERR_INVALID_NTP_TIMES\0\
ALIYUN_MQTT_ERR_INVALID_ROOT\0\
ALIYUN_MQTT_ERR_INVALID_DIGEST\0";
static MESSAGES: &[u8] = b"ok\0\
a required pointer is NULL\0\
output buffer too small\0\
invalid product key\0\
invalid device name\0\
invalid device secret\0\
invalid client id\0\
invalid or disabled sign method\0\
invalid secure mode\0\
invalid extra parameters\0\
invalid region id\0\
malformed MQTT client identifier\0\
duplicate parameter in the client identifier\0\
empty parameter name or value in the client identifier\0\
user name is not deviceName&productKey\0\
invalid timestamp parameter\0\
signature mismatch\0\
invalid product secret\0\
invalid registration random string\0\
invalid instance id\0\
invalid host name\0\
invalid registration auth type or secure mode\0\
invalid device token\0\
reply truncated\0\
reply is not well-formed JSON of the expected shape\0\
reply or one of its fields too large\0\
reply lacks a required field\0\
server refused the request\0\
an output overlaps an input or another output\0\
sub-device list empty or longer than 50\0\
unknown topic kind\0\
inconsistent NTP times\0\
unknown root or endpoint kind\0\
digest length is not the sign method's\0";

/// Why a builder of the safe API did not produce its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The output slice is too short: this many bytes plus a NUL are needed.
    TooSmall(usize),
    /// An input was rejected (never `ALIYUN_MQTT_OK` or `..._BUFFER_TOO_SMALL`).
    Invalid(aliyun_mqtt_status),
}

impl From<aliyun_mqtt_status> for Error {
    fn from(status: aliyun_mqtt_status) -> Self {
        Error::Invalid(status)
    }
}

impl Error {
    /// The C status for this error.
    pub fn status(self) -> aliyun_mqtt_status {
        match self {
            Error::TooSmall(_) => S::ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL,
            Error::Invalid(s) => s,
        }
    }
}
