#![no_main]
//! `aliyun_mqtt_parse_ext_regnwl` then `aliyun_mqtt_connwl` on arbitrary
//! bytes (see oracle.rs).

use aliyun_mqtt_sign::ffi::{
    aliyun_mqtt_connwl, aliyun_mqtt_connwl_credentials, aliyun_mqtt_parse_ext_regnwl,
    aliyun_mqtt_regnwl_reply,
};
use libfuzzer_sys::fuzz_target;

mod oracle;
use oracle::*;

fuzz_target!(|data: &[u8]| {
    let mut out: aliyun_mqtt_regnwl_reply = garbage();
    // SAFETY: `data` is readable for its length; `out` is writable.
    let st = unsafe { aliyun_mqtt_parse_ext_regnwl(data.as_ptr().cast(), data.len(), &mut out) };
    assert!(matches!(
        st,
        S::ALIYUN_MQTT_OK
            | S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED
            | S::ALIYUN_MQTT_ERR_REPLY_MALFORMED
            | S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
            | S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD
            | S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID
            | S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY
            | S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME
            | S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN
    ), "{st:?}");
    let (cid, pk, dn, token) = (
        text(&out.client_id),
        text(&out.product_key),
        text(&out.device_name),
        text(&out.device_token),
    );
    let doc = common(data, st);
    if st != S::ALIYUN_MQTT_OK {
        assert!(zeros(&out.client_id) && zeros(&out.product_key) && zeros(&out.device_name) && zeros(&out.device_token), "{st:?} left data in the output");
        return;
    }
    let Some(doc) = doc else { return };
    assert_eq!(cid, string_at(&doc, &["clientId"]));
    assert_eq!(pk, string_at(&doc, &["productKey"]));
    assert_eq!(dn, string_at(&doc, &["deviceName"]));
    assert_eq!(token, string_at(&doc, &["deviceToken"]));
    // What the parser accepts, connwl takes.
    let mut creds: aliyun_mqtt_connwl_credentials = garbage();
    // SAFETY: both structs are valid and owned here.
    assert_eq!(unsafe { aliyun_mqtt_connwl(&out, &mut creds) }, S::ALIYUN_MQTT_OK);
    assert_eq!(text(&creds.client_id), format!("{cid}|securemode=-2,authType=connwl|"));
    assert_eq!(text(&creds.username), format!("{dn}&{pk}"));
    assert_eq!(text(&creds.password), token);
});
