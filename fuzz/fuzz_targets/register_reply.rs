#![no_main]
//! `aliyun_mqtt_parse_register_reply` on arbitrary bytes (see oracle.rs).

use aliyun_mqtt_sign::ffi::{aliyun_mqtt_register_reply, aliyun_mqtt_parse_register_reply};
use libfuzzer_sys::fuzz_target;

mod oracle;
use oracle::*;

fuzz_target!(|data: &[u8]| {
    let mut out: aliyun_mqtt_register_reply = garbage();
    // SAFETY: `data` is readable for its length; `out` is writable.
    let st = unsafe { aliyun_mqtt_parse_register_reply(data.as_ptr().cast(), data.len(), &mut out) };
    assert!(matches!(
        st,
        S::ALIYUN_MQTT_OK
            | S::ALIYUN_MQTT_ERR_SERVER_REFUSED
            | S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED
            | S::ALIYUN_MQTT_ERR_REPLY_MALFORMED
            | S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
            | S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD
            | S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY
            | S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME
            | S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET
    ), "{st:?}");
    let (message, pk, dn, ds) = (
        text(&out.message),
        text(&out.product_key),
        text(&out.device_name),
        text(&out.device_secret),
    );
    let doc = common(data, st);
    match st {
        S::ALIYUN_MQTT_OK => {
            let Some(doc) = doc else { return };
            assert_eq!(pk, string_at(&doc, &["data", "productKey"]));
            assert_eq!(dn, string_at(&doc, &["data", "deviceName"]));
            assert_eq!(ds, string_at(&doc, &["data", "deviceSecret"]));
            assert!(!ds.is_empty() && ds.bytes().all(|b| b.is_ascii_graphic()));
            if out.code != 0 {
                assert_eq!(i64::from(out.code), int_at(&doc, &["code"]));
            }
            let _ = message;
        }
        S::ALIYUN_MQTT_ERR_SERVER_REFUSED => {
            let Some(doc) = doc else { return };
            assert_ne!(out.code, 200);
            assert_eq!(i64::from(out.code), int_at(&doc, &["code"]));
            if let Some(m) = doc.get("message").and_then(|m| m.as_str()) {
                assert!(m.starts_with(&message));
            }
            assert!(pk.is_empty() && dn.is_empty() && ds.is_empty());
        }
        _ => assert!(out.code == 0 && zeros(&out.message) && zeros(&out.product_key) && zeros(&out.device_name) && zeros(&out.device_secret), "{st:?} left data in the output"),
    }
});
