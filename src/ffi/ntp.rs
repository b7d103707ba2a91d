//! The C ABI of PROTOCOL.md §7: time over MQTT. The topics are
//! `ALIYUN_MQTT_TOPIC_NTP_REQUEST` and `..._NTP_RESPONSE` of
//! `aliyun_mqtt_topic`. The conventions of the parent module hold.

use core::ffi::c_char;

use super::platform::{reply_bytes, status_of};
use super::{fill_object, output, S};
use crate::ntp;
use crate::status::aliyun_mqtt_status;

/// Writes the NTP request payload `{"deviceSendTime":"<ms>"}`, to publish
/// on `ALIYUN_MQTT_TOPIC_NTP_REQUEST` (QoS 0). `ALIYUN_MQTT_NTP_REQUEST_SIZE`
/// always fits.
///
/// - `device_send_time`: the device's millisecond counter now (any origin:
///   it need not be a clock).
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT` or `..._BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_ntp_request(
    device_send_time: u64,
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
            |(), out| ntp::request(device_send_time, out),
        )
    }
}

/// A parsed NTP response: three millisecond times.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_ntp_response {
    /// `deviceSendTime`: the request's, echoed (device counter).
    pub device_send_time: u64,
    /// `serverRecvTime`: epoch milliseconds.
    pub server_recv_time: u64,
    /// `serverSendTime`: epoch milliseconds.
    pub server_send_time: u64,
}

/// Parses the payload received on `ALIYUN_MQTT_TOPIC_NTP_RESPONSE`:
/// `{"deviceSendTime":"..","serverRecvTime":"..","serverSendTime":".."}`,
/// each a decimal string (or integer) of 1 to 20 digits within uint64_t.
/// The JSON rules are those of `aliyun_mqtt_parse_auth_reply`. Compare
/// `device_send_time` with the request's before using the times.
///
/// Returns `ALIYUN_MQTT_OK` or, with `*out` zeroed, `..._NULL_ARGUMENT`,
/// `..._REPLY_TRUNCATED`, `..._REPLY_MALFORMED`, `..._REPLY_TOO_LARGE` or
/// `..._REPLY_MISSING_FIELD`.
///
/// # Safety
/// `payload` is NULL or readable for `len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_parse_ntp_response(
    payload: *const c_char,
    len: usize,
    out: *mut aliyun_mqtt_ntp_response,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the payload is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| reply_bytes(payload, len, w),
            |out, json| {
                let mut parsed = ntp::Response::default();
                let result = json.and_then(|json| ntp::parse_response(json, &mut parsed));
                out.device_send_time = parsed.device_send_time;
                out.server_recv_time = parsed.server_recv_time;
                out.server_send_time = parsed.server_send_time;
                status_of(result)
            },
        )
    }
}

/// Computes the epoch milliseconds at the moment the device's counter read
/// `device_recv_time` (when the response arrived):
/// `(server_recv_time + server_send_time + device_recv_time -
/// device_send_time) / 2`, rounded down, without overflow for any input.
/// The epoch time at a later counter value `t` is then
/// `*out_ms + (t - device_recv_time)`.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT` (`out_ms`) or
/// `..._INVALID_NTP_TIMES` (`device_recv_time < device_send_time`,
/// `server_send_time < server_recv_time`, the server's hold longer than the
/// round trip, or a result past uint64_t), with `*out_ms` 0 on error.
///
/// # Safety
/// `out_ms` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_ntp_time(
    device_send_time: u64,
    server_recv_time: u64,
    server_send_time: u64,
    device_recv_time: u64,
    out_ms: *mut u64,
) -> aliyun_mqtt_status {
    // SAFETY: `out_ms` is NULL or writable by the caller's contract.
    let Some(out) = (unsafe { out_ms.as_mut() }) else {
        return S::ALIYUN_MQTT_ERR_NULL_ARGUMENT;
    };
    let result = ntp::time_ms(
        device_send_time,
        server_recv_time,
        server_send_time,
        device_recv_time,
    );
    *out = result.unwrap_or(0);
    status_of(result.map(|_| ()))
}
