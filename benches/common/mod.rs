//! What both benchmarks sign: the second golden device of PROTOCOL.md §1.8, its signed
//! content and its secret (the bare HMAC's input).

use aliyun_mqtt_sign::ffi::{aliyun_mqtt_device, aliyun_mqtt_device_default};

/// the second golden device of PROTOCOL.md §1.8, with the default sign method.
pub fn golden_device() -> aliyun_mqtt_device {
    let mut dev = aliyun_mqtt_device_default();
    dev.product_key = c"a14Xib5kdYd".as_ptr();
    dev.device_name = c"light1983432".as_ptr();
    dev.device_secret = c"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq".as_ptr();
    dev.client_id = c"SN1928339".as_ptr();
    dev.timestamp_ms = 1539421321846;
    dev
}

/// The content the device's password signs (PROTOCOL.md §1).
pub const CONTENT: &[u8] =
    b"clientIdSN1928339deviceNamelight1983432productKeya14Xib5kdYdtimestamp1539421321846";

/// The device's secret: the HMAC key.
pub const KEY: &[u8] = b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
