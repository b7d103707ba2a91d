//! Parsers for what the platform sends back (PROTOCOL.md §3 and §4): the HTTPS
//! authentication and registration replies and the `/ext/register` and
//! `/ext/regnwl` MQTT payloads. Each reads JSON of at most
//! `ALIYUN_MQTT_REPLY_MAX_LEN` bytes without allocating, into fixed-size
//! fields, and fails with one status per kind of fault.

use crate::json::{self, Value};
use crate::limits::*;
use crate::status::aliyun_mqtt_status as S;
use crate::validate;

/// A NUL-terminated text field of `N` bytes (NUL included).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text<const N: usize>([u8; N]);

impl<const N: usize> Text<N> {
    /// An empty text.
    pub const fn new() -> Self {
        Text([0; N])
    }

    /// A text from its bytes (the text ends at the first NUL, if any).
    pub const fn from_array(bytes: [u8; N]) -> Self {
        Text(bytes)
    }

    /// The text, without its NUL.
    pub fn as_bytes(&self) -> &[u8] {
        let end = self.0.iter().position(|b| *b == 0).unwrap_or(N);
        self.0.get(..end).unwrap_or_default()
    }

    /// The text with its NUL (what C sees).
    pub fn as_bytes_with_nul(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> Default for Text<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> core::fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match core::str::from_utf8(self.as_bytes()) {
            Ok(s) => s.fmt(f),
            Err(_) => self.as_bytes().fmt(f),
        }
    }
}

/// A successful HTTPS authentication (`/auth/devicename`, PROTOCOL.md §3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthReply {
    /// The reply's `code` (200 on success).
    pub code: i32,
    /// The reply's `message` (cut at a character boundary if longer).
    pub message: Text<ALIYUN_MQTT_MESSAGE_SIZE>,
    /// `data.iotId`: the MQTT user name.
    pub iot_id: Text<ALIYUN_MQTT_IOT_ID_SIZE>,
    /// `data.iotToken`: the MQTT password.
    pub iot_token: Text<ALIYUN_MQTT_IOT_TOKEN_SIZE>,
    /// `data.resources.mqtt.host`.
    pub host: Text<ALIYUN_MQTT_HOST_NAME_SIZE>,
    /// `data.resources.mqtt.port`.
    pub port: u16,
}

/// A DeviceSecret handed out by dynamic registration: the HTTPS
/// `/auth/register/device` reply or the MQTT `/ext/register` payload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegisterReply {
    /// The HTTPS reply's `code` (200 on success; 0 for the MQTT payload).
    pub code: i32,
    /// The HTTPS reply's `message` ("" for the MQTT payload).
    pub message: Text<ALIYUN_MQTT_MESSAGE_SIZE>,
    /// `productKey`.
    pub product_key: Text<ALIYUN_MQTT_PRODUCT_KEY_SIZE>,
    /// `deviceName`.
    pub device_name: Text<ALIYUN_MQTT_DEVICE_NAME_SIZE>,
    /// `deviceSecret`.
    pub device_secret: Text<ALIYUN_MQTT_DEVICE_SECRET_SIZE>,
}

/// The `/ext/regnwl` payload of registration without pre-registration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegNwlReply {
    /// `clientId`: the client id to connect with.
    pub client_id: Text<ALIYUN_MQTT_DEVICE_CLIENT_ID_SIZE>,
    /// `productKey`.
    pub product_key: Text<ALIYUN_MQTT_PRODUCT_KEY_SIZE>,
    /// `deviceName`.
    pub device_name: Text<ALIYUN_MQTT_DEVICE_NAME_SIZE>,
    /// `deviceToken`: the password of the `connwl` connection.
    pub device_token: Text<ALIYUN_MQTT_DEVICE_TOKEN_SIZE>,
}

/// Reads the string at `path` into `out` (strictly: too long is
/// `REPLY_TOO_LARGE`) and checks it with `check`. Absent is
/// `REPLY_MISSING_FIELD`; another type is `REPLY_MALFORMED`.
pub(crate) fn text<const N: usize>(
    json: &[u8],
    path: &[&[u8]],
    out: &mut Text<N>,
    check: fn(&[u8]) -> Result<(), S>,
) -> Result<(), S> {
    match json::find(json, path)? {
        Some(Value::Str(raw)) => {
            json::decode_into(raw, &mut out.0, false)?;
            check(out.as_bytes())
        }
        Some(_) => Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        None => Err(S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD),
    }
}

/// An integer at `path` within `min..=max`.
pub(crate) fn integer(json: &[u8], path: &[&[u8]], min: i64, max: i64) -> Result<i64, S> {
    integer_within(json, ALIYUN_MQTT_REPLY_MAX_LEN, path, min, max)
}

/// [`integer`] in a document of up to `max_len` bytes.
fn integer_within(
    json: &[u8],
    max_len: usize,
    path: &[&[u8]],
    min: i64,
    max: i64,
) -> Result<i64, S> {
    match json::find_within(json, path, max_len)? {
        Some(Value::Num(raw)) => json::integer(raw, min, max),
        Some(_) => Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        None => Err(S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD),
    }
}

/// Printable ASCII without space, as identifiers and tokens are.
fn visible(s: &[u8]) -> Result<(), S> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_graphic) {
        return Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED);
    }
    Ok(())
}

/// Reads `code` and `message` of an HTTPS reply; `SERVER_REFUSED` (with
/// both kept) unless the code is 200.
pub(crate) fn envelope(
    json: &[u8],
    code: &mut i32,
    message: &mut Text<ALIYUN_MQTT_MESSAGE_SIZE>,
) -> Result<(), S> {
    envelope_within(json, ALIYUN_MQTT_REPLY_MAX_LEN, code, message)
}

/// [`envelope`] of a document of up to `max_len` bytes.
pub(crate) fn envelope_within(
    json: &[u8],
    max_len: usize,
    code: &mut i32,
    message: &mut Text<ALIYUN_MQTT_MESSAGE_SIZE>,
) -> Result<(), S> {
    let (min, max) = (i64::from(i32::MIN), i64::from(i32::MAX));
    *code = integer_within(json, max_len, &[b"code"], min, max)? as i32;
    match json::find_within(json, &[b"message"], max_len)? {
        Some(Value::Str(raw)) => {
            json::decode_into(raw, &mut message.0, true)?;
        }
        Some(Value::Other) | None => {}
        Some(Value::Num(_)) => return Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
    }
    if *code != 200 {
        return Err(S::ALIYUN_MQTT_ERR_SERVER_REFUSED);
    }
    Ok(())
}

/// Parses the reply to `POST /auth/devicename` (PROTOCOL.md §3):
/// `{"code":200,"data":{"iotId":..,"iotToken":..,"resources":{"mqtt":
/// {"host":..,"port":..}}},"message":..}`, fields in any order, with any
/// whitespace, escapes and extra fields.
///
/// On `ALIYUN_MQTT_ERR_SERVER_REFUSED` `out.code` and `out.message` hold
/// the server's; on every other error `out` is cleared.
pub fn parse_auth_reply(json: &[u8], out: &mut AuthReply) -> Result<(), S> {
    *out = AuthReply::default();
    let result = (|| {
        envelope(json, &mut out.code, &mut out.message)?;
        text(json, &[b"data", b"iotId"], &mut out.iot_id, visible)?;
        text(json, &[b"data", b"iotToken"], &mut out.iot_token, visible)?;
        let mqtt: [&[u8]; 4] = [b"data", b"resources", b"mqtt", b"host"];
        text(json, &mqtt, &mut out.host, validate::host)?;
        let port = [b"data".as_slice(), b"resources", b"mqtt", b"port"];
        out.port = integer(json, &port, 1, 65535)? as u16;
        Ok(())
    })();
    clear_unless_refused(result, out, |o| (&mut o.code, &mut o.message))
}

/// Parses the reply to `POST /auth/register/device` (PROTOCOL.md §4):
/// `{"code":200,"data":{"productKey":..,"deviceName":..,"deviceSecret":..},
/// "message":..}`. Errors as for [`parse_auth_reply`]; the three values
/// are checked as a ProductKey, DeviceName and DeviceSecret.
pub fn parse_register_reply(json: &[u8], out: &mut RegisterReply) -> Result<(), S> {
    *out = RegisterReply::default();
    let result = (|| {
        envelope(json, &mut out.code, &mut out.message)?;
        device_secret_fields(json, true, out)
    })();
    clear_unless_refused(result, out, |o| (&mut o.code, &mut o.message))
}

/// Parses the `/ext/register` payload (PROTOCOL.md §4):
/// `{"productKey":..,"deviceName":..,"deviceSecret":..}`. `out.code` is 0
/// and `out.message` "". On error `out` is cleared.
pub fn parse_ext_register(json: &[u8], out: &mut RegisterReply) -> Result<(), S> {
    *out = RegisterReply::default();
    let result = device_secret_fields(json, false, out);
    if result.is_err() {
        *out = RegisterReply::default();
    }
    result
}

/// The three fields of a registration reply, under `data` or at the top.
fn device_secret_fields(json: &[u8], under_data: bool, out: &mut RegisterReply) -> Result<(), S> {
    let skip = usize::from(!under_data);
    let at = |name: &'static [u8]| -> [&'static [u8]; 2] { [b"data", name] };
    let (pk, dn, ds) = (at(b"productKey"), at(b"deviceName"), at(b"deviceSecret"));
    let (pk, dn, ds) = (
        pk.get(skip..).unwrap_or_default(),
        dn.get(skip..).unwrap_or_default(),
        ds.get(skip..).unwrap_or_default(),
    );
    text(json, pk, &mut out.product_key, validate::product_key)?;
    text(json, dn, &mut out.device_name, validate::device_name)?;
    text(json, ds, &mut out.device_secret, validate::device_secret)
}

/// Parses the `/ext/regnwl` payload (PROTOCOL.md §4): `{"clientId":..,
/// "productKey":..,"deviceName":..,"deviceToken":..}`; the values are
/// checked as a client id, ProductKey, DeviceName and deviceToken. On
/// error `out` is cleared.
pub fn parse_ext_regnwl(json: &[u8], out: &mut RegNwlReply) -> Result<(), S> {
    *out = RegNwlReply::default();
    let result = (|| {
        text(
            json,
            &[b"clientId"],
            &mut out.client_id,
            validate::client_id,
        )?;
        text(
            json,
            &[b"productKey"],
            &mut out.product_key,
            validate::product_key,
        )?;
        text(
            json,
            &[b"deviceName"],
            &mut out.device_name,
            validate::device_name,
        )?;
        text(
            json,
            &[b"deviceToken"],
            &mut out.device_token,
            validate::device_token,
        )
    })();
    if result.is_err() {
        *out = RegNwlReply::default();
    }
    result
}

/// Clears `out` on error, keeping code and message on `SERVER_REFUSED`.
pub(crate) fn clear_unless_refused<T: Default>(
    result: Result<(), S>,
    out: &mut T,
    envelope: fn(&mut T) -> (&mut i32, &mut Text<ALIYUN_MQTT_MESSAGE_SIZE>),
) -> Result<(), S> {
    match result {
        Ok(()) => Ok(()),
        Err(S::ALIYUN_MQTT_ERR_SERVER_REFUSED) => {
            let (code, message) = envelope(out);
            let (code, message) = (*code, *message);
            *out = T::default();
            let (c, m) = envelope(out);
            *c = code;
            *m = message;
            Err(S::ALIYUN_MQTT_ERR_SERVER_REFUSED)
        }
        Err(status) => {
            *out = T::default();
            Err(status)
        }
    }
}
