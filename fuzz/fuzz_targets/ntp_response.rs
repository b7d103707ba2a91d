#![no_main]
//! `aliyun_mqtt_parse_ntp_response` on arbitrary bytes (see oracle.rs):
//! on success the three times are serde_json's, as decimal strings or
//! integers within u64; then `aliyun_mqtt_ntp_time` on them, with a device
//! receive time from the input, agrees with the formula in u128.

use aliyun_mqtt_sign::ffi::{aliyun_mqtt_ntp_response, aliyun_mqtt_ntp_time, aliyun_mqtt_parse_ntp_response};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

mod oracle;
use oracle::*;

fn time_of(doc: &Value, key: &str) -> u64 {
    match &doc[key] {
        Value::String(s) => s.parse().expect(key),
        v => v.to_string().parse().expect(key),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut out: aliyun_mqtt_ntp_response = garbage();
    // SAFETY: `data` is readable for its length; `out` is writable.
    let st = unsafe { aliyun_mqtt_parse_ntp_response(data.as_ptr().cast(), data.len(), &mut out) };
    assert!(matches!(
        st,
        S::ALIYUN_MQTT_OK
            | S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED
            | S::ALIYUN_MQTT_ERR_REPLY_MALFORMED
            | S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
            | S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD
    ), "{st:?}");
    let times = (out.device_send_time, out.server_recv_time, out.server_send_time);
    let doc = common(data, st);
    if st != S::ALIYUN_MQTT_OK {
        assert_eq!(times, (0, 0, 0), "{st:?} left data in the output");
        return;
    }
    let Some(doc) = doc else { return };
    assert_eq!(times.0, time_of(&doc, "deviceSendTime"));
    assert_eq!(times.1, time_of(&doc, "serverRecvTime"));
    assert_eq!(times.2, time_of(&doc, "serverSendTime"));
    // The time of the exchange, the receive time taken from the input.
    let recv = data.iter().fold(times.0, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(*b)));
    let mut ms = 1;
    // SAFETY: `ms` is writable.
    let st = unsafe { aliyun_mqtt_ntp_time(times.0, times.1, times.2, recv, &mut ms) };
    let (ds, sr, ss, dr) = (times.0 as u128, times.1 as u128, times.2 as u128, recv as u128);
    let want = (dr >= ds && ss >= sr && ss - sr <= dr - ds)
        .then(|| u64::try_from((sr + ss + dr - ds) / 2).ok())
        .flatten();
    match want {
        Some(v) => assert_eq!((st, ms), (S::ALIYUN_MQTT_OK, v)),
        None => assert_eq!((st, ms), (S::ALIYUN_MQTT_ERR_INVALID_NTP_TIMES, 0)),
    }
});
