#![no_main]
//! `aliyun_mqtt_parse_subdev_reply` on arbitrary bytes (see oracle.rs):
//! on success or refusal, the id, code and every sub-device named agree
//! with serde_json's reading of `data`.

use aliyun_mqtt_sign::ffi::{aliyun_mqtt_parse_subdev_reply, aliyun_mqtt_subdev_reply};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

mod oracle;
use oracle::*;

/// The sub-devices serde_json finds in `data`: none, one object, or an array.
fn named(doc: &Value) -> Vec<(String, String)> {
    let pair = |v: &Value| {
        (
            v["productKey"].as_str().expect("productKey").to_owned(),
            v["deviceName"].as_str().expect("deviceName").to_owned(),
        )
    };
    match doc.get("data") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a.iter().map(pair).collect(),
        Some(o @ Value::Object(m)) if m.contains_key("productKey") || m.contains_key("deviceName") => {
            vec![pair(o)]
        }
        Some(Value::Object(_)) => vec![],
        Some(other) => panic!("accepted data {other}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut out: Box<aliyun_mqtt_subdev_reply> = Box::new(garbage());
    // SAFETY: `data` is readable for its length; `out` is writable.
    let st = unsafe { aliyun_mqtt_parse_subdev_reply(data.as_ptr().cast(), data.len(), &mut *out) };
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
    ), "{st:?}");
    assert!(out.count <= out.devices.len());
    let got: Vec<(String, String)> = out.devices[..out.count]
        .iter()
        .map(|d| (text(&d.product_key), text(&d.device_name)))
        .collect();
    for d in &out.devices[out.count..] {
        assert!(zeros(&d.product_key) && zeros(&d.device_name), "slot past count written");
    }
    let message = text(&out.message);
    let doc = common(data, st);
    match st {
        S::ALIYUN_MQTT_OK | S::ALIYUN_MQTT_ERR_SERVER_REFUSED => {
            let Some(doc) = doc else { return };
            assert_eq!(i64::from(out.code), int_at(&doc, &["code"]));
            assert_eq!(st == S::ALIYUN_MQTT_OK, out.code == 200);
            let id = match &doc["id"] {
                Value::String(s) => s.parse::<u32>().expect("id"),
                v => v.to_string().parse::<u32>().expect("id"),
            };
            assert_eq!(out.id, id);
            if let Some(m) = doc.get("message").and_then(|m| m.as_str()) {
                assert!(m.starts_with(&message));
            }
            assert_eq!(got, named(&doc));
        }
        _ => assert!(
            out.id == 0 && out.code == 0 && out.count == 0 && zeros(&out.message) && got.is_empty(),
            "{st:?} left data in the output"
        ),
    }
});
