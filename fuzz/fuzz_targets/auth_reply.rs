#![no_main]
//! `aliyun_mqtt_parse_auth_reply` on arbitrary bytes (see oracle.rs).

use aliyun_mqtt_sign::ffi::{aliyun_mqtt_auth_reply, aliyun_mqtt_parse_auth_reply};
use libfuzzer_sys::fuzz_target;

mod oracle;
use oracle::*;

fuzz_target!(|data: &[u8]| {
    let mut out: aliyun_mqtt_auth_reply = garbage();
    // SAFETY: `data` is readable for its length; `out` is writable.
    let st = unsafe { aliyun_mqtt_parse_auth_reply(data.as_ptr().cast(), data.len(), &mut out) };
    assert!(matches!(
        st,
        S::ALIYUN_MQTT_OK
            | S::ALIYUN_MQTT_ERR_SERVER_REFUSED
            | S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED
            | S::ALIYUN_MQTT_ERR_REPLY_MALFORMED
            | S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
            | S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD
            | S::ALIYUN_MQTT_ERR_INVALID_HOST
    ), "{st:?}");
    let (message, id, token, host) = (
        text(&out.message),
        text(&out.iot_id),
        text(&out.iot_token),
        text(&out.host),
    );
    let doc = common(data, st);
    match st {
        S::ALIYUN_MQTT_OK => {
            let Some(doc) = doc else { return };
            assert_eq!(out.code, 200);
            assert_eq!(int_at(&doc, &["code"]), 200);
            assert_eq!(id, string_at(&doc, &["data", "iotId"]));
            assert_eq!(token, string_at(&doc, &["data", "iotToken"]));
            assert_eq!(host, string_at(&doc, &["data", "resources", "mqtt", "host"]));
            assert_eq!(
                i64::from(out.port),
                int_at(&doc, &["data", "resources", "mqtt", "port"])
            );
            assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic()));
            if let Some(m) = doc.get("message").and_then(|m| m.as_str()) {
                assert!(m.starts_with(&message));
            }
        }
        S::ALIYUN_MQTT_ERR_SERVER_REFUSED => {
            let Some(doc) = doc else { return };
            assert_ne!(out.code, 200);
            assert_eq!(i64::from(out.code), int_at(&doc, &["code"]));
            if let Some(m) = doc.get("message").and_then(|m| m.as_str()) {
                assert!(m.starts_with(&message));
            }
            assert!(id.is_empty() && token.is_empty() && host.is_empty() && out.port == 0);
        }
        _ => assert!(out.code == 0 && out.port == 0 && zeros(&out.message) && zeros(&out.iot_id) && zeros(&out.iot_token) && zeros(&out.host), "{st:?} left data in the output"),
    }
});
