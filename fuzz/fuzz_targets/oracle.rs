//! Checks shared by the parser fuzz targets. Each target calls a parser
//! through the C ABI on arbitrary bytes (the output pre-filled with
//! garbage) and asserts:
//! - the status is one the parser documents;
//! - every text field is NUL-terminated inside its array;
//! - on success, serde_json (an independent parser) reads the same bytes as
//!   JSON and finds the same values at the same paths;
//! - on SERVER_REFUSED, serde_json finds the same code, and the message is
//!   a prefix of its message;
//! - on TRUNCATED, serde_json fails at the end of the input;
//! - on any other error, the output is all zeros.
#![allow(dead_code)]

use std::ffi::{c_char, CStr};

use aliyun_mqtt_sign::Status;
use serde_json::Value;

pub type S = Status;

/// The text of a C field; panics when it has no NUL.
pub fn text(field: &[c_char]) -> String {
    let bytes: Vec<u8> = field.iter().map(|c| *c as u8).collect();
    let cstr = CStr::from_bytes_until_nul(&bytes).expect("field not NUL-terminated");
    cstr.to_str().expect("field not UTF-8").to_owned()
}

/// Whether a text field is all zeros (cleared, not just "").
pub fn zeros(field: &[c_char]) -> bool {
    field.iter().all(|c| *c == 0)
}

/// A C struct filled with a non-zero pattern, so that a field the parser
/// forgot to write shows.
pub fn garbage<T>() -> T {
    // SAFETY: the C structs under test are plain data (integers and char
    // arrays): every bit pattern is a valid value.
    unsafe {
        let mut v = std::mem::MaybeUninit::<T>::uninit();
        std::ptr::write_bytes(v.as_mut_ptr(), 0x5a, 1);
        v.assume_init()
    }
}

/// What serde_json makes of the input.
pub fn oracle(data: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<Value>(data)
}

/// The string at `path` in `doc`.
pub fn string_at<'a>(doc: &'a Value, path: &[&str]) -> &'a str {
    let mut v = doc;
    for key in path {
        v = v.get(key).unwrap_or_else(|| panic!("serde_json: no {path:?}"));
    }
    v.as_str().unwrap_or_else(|| panic!("serde_json: {path:?} not a string"))
}

/// The integer at `path` in `doc`.
pub fn int_at(doc: &Value, path: &[&str]) -> i64 {
    let mut v = doc;
    for key in path {
        v = v.get(key).unwrap_or_else(|| panic!("serde_json: no {path:?}"));
    }
    v.to_string().parse().expect("serde_json: not an integer")
}

/// The checks common to every status: `TRUNCATED` agrees with the oracle,
/// success means the oracle parsed an object.
pub fn common(data: &[u8], st: Status) -> Option<Value> {
    // serde_json's arbitrary_precision reads the key
    // "$serde_json::private::Number" as its own number marker: no oracle for
    // such inputs (the library's own checks still run).
    if data.windows(9).any(|w| w == b"$serde_js") {
        return None;
    }
    let doc = oracle(data);
    match st {
        S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED => {
            let err = doc.expect_err("TRUNCATED but serde_json parsed it");
            assert!(err.is_eof(), "TRUNCATED but serde_json says {err}");
            None
        }
        S::ALIYUN_MQTT_OK | S::ALIYUN_MQTT_ERR_SERVER_REFUSED => {
            let doc = doc.expect("accepted but serde_json refused it");
            assert!(doc.is_object());
            Some(doc)
        }
        _ => None,
    }
}
