#![no_main]
//! `aliyun_mqtt_parse_product_register_reply` on arbitrary bytes (see
//! oracle.rs): on success or refusal, every DeviceSecret and every failed
//! sub-device agree with serde_json's reading of `data`.

use aliyun_mqtt_sign::ffi::{
    aliyun_mqtt_parse_product_register_reply, aliyun_mqtt_product_register_reply,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

mod oracle;
use oracle::*;

/// The objects of the array at `data.<key>`, by serde_json.
fn list<'a>(doc: &'a Value, key: &str) -> Vec<&'a Value> {
    match doc.get("data").and_then(|d| d.get(key)) {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => panic!("accepted data.{key} {other}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut out: Box<aliyun_mqtt_product_register_reply> = Box::new(garbage());
    // SAFETY: `data` is readable for its length; `out` is writable.
    let st = unsafe {
        aliyun_mqtt_parse_product_register_reply(data.as_ptr().cast(), data.len(), &mut *out)
    };
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
    assert!(out.count <= out.devices.len() && out.failed_count <= out.failed.len());
    let ok: Vec<[String; 3]> = out.devices[..out.count]
        .iter()
        .map(|d| [text(&d.product_key), text(&d.device_name), text(&d.device_secret)])
        .collect();
    let failed: Vec<[String; 2]> = out.failed[..out.failed_count]
        .iter()
        .map(|d| [text(&d.product_key), text(&d.device_name)])
        .collect();
    let doc = common(data, st);
    match st {
        S::ALIYUN_MQTT_OK | S::ALIYUN_MQTT_ERR_SERVER_REFUSED => {
            let Some(doc) = doc else { return };
            assert_eq!(i64::from(out.code), int_at(&doc, &["code"]));
            assert_eq!(st == S::ALIYUN_MQTT_OK, out.code == 200);
            let s = |v: &Value, k: &str| v[k].as_str().expect(k).to_owned();
            let want: Vec<[String; 3]> = list(&doc, "successes")
                .iter()
                .map(|v| [s(v, "productKey"), s(v, "deviceName"), s(v, "deviceSecret")])
                .collect();
            assert_eq!(ok, want);
            for [_, _, ds] in &ok {
                assert!(!ds.is_empty() && ds.bytes().all(|b| b.is_ascii_graphic()));
            }
            let want: Vec<[String; 2]> = list(&doc, "failures")
                .iter()
                .map(|v| [s(v, "productKey"), s(v, "deviceName")])
                .collect();
            assert_eq!(failed, want);
        }
        _ => assert!(
            out.id == 0 && out.code == 0 && out.count == 0 && out.failed_count == 0
                && zeros(&out.message) && ok.is_empty() && failed.is_empty(),
            "{st:?} left data in the output"
        ),
    }
});
