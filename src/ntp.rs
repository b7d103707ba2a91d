//! Time over MQTT (PROTOCOL.md §7): the request payload, the response
//! parser and the time computed from the four times of one exchange, for a
//! device that has only a millisecond counter. Topics are in
//! [`crate::topic`] (`NtpRequest`, `NtpResponse`).

use crate::json::{self, Value};
use crate::message::{self, Entry, Field as F, Format, Header, V};
use crate::sign::SignMethod;
use crate::status::{aliyun_mqtt_status as S, Error};

/// The request: the device's counter when it sends it.
pub const REQUEST: Format = &[(b"deviceSendTime", V::Field(F::DeviceSendTime))];

/// The response's members: each a decimal millisecond time.
pub const RESPONSE: [&[u8]; 3] = [b"deviceSendTime", b"serverRecvTime", b"serverSendTime"];

/// Buffer size for any `aliyun_mqtt_ntp_request` payload.
pub const ALIYUN_MQTT_NTP_REQUEST_SIZE: usize = 42;
const _: () = assert!(ALIYUN_MQTT_NTP_REQUEST_SIZE == message::max_len(REQUEST, 0) + 1);

/// Writes [`REQUEST`] with `device_send_time` (the device's millisecond
/// counter, any origin) and a NUL into `out`.
pub fn request(device_send_time: u64, out: &mut [u8]) -> Result<usize, Error> {
    let header = Header {
        id: 0,
        sign_method: SignMethod::HmacSha256,
        device_send_time,
    };
    let none: &[Entry<'_>] = &[];
    message::write(REQUEST, &header, none, out)
}

/// A parsed response: the three times it carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Response {
    /// The request's `deviceSendTime`, echoed (device counter).
    pub device_send_time: u64,
    /// When the server received the request (epoch milliseconds).
    pub server_recv_time: u64,
    /// When the server sent the response (epoch milliseconds).
    pub server_send_time: u64,
}

/// A time in a response: a string of 1 to 20 decimal digits, or a JSON
/// integer of as many, within u64.
fn time_at(json: &[u8], name: &[u8]) -> Result<u64, S> {
    let digits = match json::find(json, &[name])? {
        Some(Value::Str(raw) | Value::Num(raw)) => raw,
        Some(Value::Other) => return Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        None => return Err(S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD),
    };
    decimal_u64(digits).ok_or(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED)
}

/// 1 to 20 decimal digits within u64.
pub(crate) fn decimal_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, d| {
        let digit = d.checked_sub(b'0').filter(|v| *v <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Parses a response on `/ext/ntp/{pk}/{dn}/response`:
/// `{"deviceSendTime":"..","serverRecvTime":"..","serverSendTime":".."}`
/// (the JSON rules of the other parsers; each time a decimal string or
/// integer). On error `out` is zeroed.
pub fn parse_response(json: &[u8], out: &mut Response) -> Result<(), S> {
    *out = Response::default();
    let [send, recv, sent] = RESPONSE;
    let result = (|| {
        Ok(Response {
            device_send_time: time_at(json, send)?,
            server_recv_time: time_at(json, recv)?,
            server_send_time: time_at(json, sent)?,
        })
    })();
    *out = result.unwrap_or_default();
    result.map(|_| ())
}

/// The epoch milliseconds at the moment the device's counter read
/// `device_recv_time` (when the response arrived):
/// `(serverRecvTime + serverSendTime + deviceRecvTime - deviceSendTime) / 2`,
/// rounded down, computed without overflow for every input.
///
/// `ALIYUN_MQTT_ERR_INVALID_NTP_TIMES` when the times cannot come from one
/// exchange: the device received before it sent, the server sent before it
/// received, the server held the request longer than the device's whole
/// round trip, or the result is past `u64::MAX`.
#[allow(clippy::arithmetic_side_effects)] // each step is checked or bounded (below)
pub fn time_ms(
    device_send_time: u64,
    server_recv_time: u64,
    server_send_time: u64,
    device_recv_time: u64,
) -> Result<u64, S> {
    let bad = S::ALIYUN_MQTT_ERR_INVALID_NTP_TIMES;
    let round_trip = device_recv_time.checked_sub(device_send_time).ok_or(bad)?;
    let held = server_send_time.checked_sub(server_recv_time).ok_or(bad)?;
    if held > round_trip {
        return Err(bad);
    }
    // (sR + sS + rtt) / 2 = sR + (held + rtt) / 2, the halves taken
    // separately so that no sum passes u64::MAX.
    let half = held / 2 + round_trip / 2 + (held % 2 + round_trip % 2) / 2;
    server_recv_time.checked_add(half).ok_or(bad)
}
