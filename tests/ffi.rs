//! The C ABI driven from Rust: every sign method against independent
//! implementations (other authors' crates, not RustCrypto), the buffer rule
//! at every `cap`, each invalid-input status, and the version constants.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::limits::*;
use aliyun_mqtt_sign::Status;

mod common;
use common::*;

/// Owns the strings a C device points at.
struct Dev {
    strings: Vec<CString>,
    raw: aliyun_mqtt_device,
}

impl Dev {
    fn new(pk: &str, dn: &str, ds: &str) -> Dev {
        let strings = vec![cs(pk), cs(dn), cs(ds)];
        let mut raw = aliyun_mqtt_device_default();
        raw.product_key = strings[0].as_ptr();
        raw.device_name = strings[1].as_ptr();
        raw.device_secret = strings[2].as_ptr();
        Dev { strings, raw }
    }
    fn keep(&mut self, s: &str) -> *const c_char {
        self.strings.push(cs(s));
        self.strings.last().unwrap().as_ptr()
    }
    fn client_id(mut self, cid: &str) -> Dev {
        self.raw.client_id = self.keep(cid);
        self
    }
    fn extra(mut self, extra: &str) -> Dev {
        self.raw.extra_params = self.keep(extra);
        self
    }
    fn golden2() -> Dev {
        let mut d = Dev::new(
            "a14Xib5kdYd",
            "light1983432",
            "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
        )
        .client_id("SN1928339");
        d.raw.timestamp_ms = 1539421321846;
        d.raw.sign_method = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32;
        d.raw.secure_mode = aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TCP as i32;
        d
    }
}

type FieldFn =
    unsafe extern "C" fn(*const aliyun_mqtt_device, *mut c_char, usize, *mut usize) -> Status;
const FIELDS: [(&str, FieldFn); 3] = [
    ("client_id", aliyun_mqtt_client_id),
    ("username", aliyun_mqtt_username),
    ("password", aliyun_mqtt_password),
];

fn call(f: FieldFn, dev: &Dev) -> Result<String, Status> {
    let mut buf = vec![CANARY; 400];
    let mut len = usize::MAX;
    let st = unsafe { f(&dev.raw, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
    if st != Status::ALIYUN_MQTT_OK {
        assert_eq!(buf[0], 0, "error leaves \"\"");
        return Err(st);
    }
    assert_eq!(buf[len], 0);
    Ok(String::from_utf8(buf[..len].to_vec()).unwrap())
}

#[test]
fn test_password_every_method_independent_succeed() {
    let devices = [
        ("pk", "device", "secret", Some("12345"), 789u64),
        (
            "a14Xib5kdYd",
            "light1983432",
            "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
            None,
            0,
        ),
        (
            "k0abcDEF123",
            "sensor_01:ab@x.y-z",
            "S3cr3t!#$%^*()[]{}~`'\"\\/?<>",
            Some("AA:BB:CC&x"),
            u64::MAX,
        ),
        (
            "A",
            "dddd",
            &"s".repeat(64),
            Some(&"c".repeat(64)),
            2524608000000,
        ),
    ];
    for (pk, dn, ds, cid, ts) in devices {
        for method in 1..=4u32 {
            for upper in [false, true] {
                let mut dev = Dev::new(pk, dn, ds);
                if let Some(cid) = cid {
                    dev = dev.client_id(cid);
                }
                dev.raw.timestamp_ms = ts;
                dev.raw.sign_method = method;
                dev.raw.uppercase_hex = upper;
                let real_cid = cid.map(str::to_owned).unwrap_or(format!("{pk}.{dn}"));
                let mut content = format!("clientId{real_cid}deviceName{dn}productKey{pk}");
                if ts != 0 {
                    content += &format!("timestamp{ts}");
                }
                let mut want = independent(method, ds, &content);
                if upper {
                    want = want.to_uppercase();
                }
                assert_eq!(
                    call(aliyun_mqtt_password, &dev).unwrap(),
                    want,
                    "{pk} {method}"
                );
                let name = ["hmacmd5", "hmacsha1", "hmacsha256", "sha256"][method as usize - 1];
                let ts_part = if ts != 0 {
                    format!(",timestamp={ts}")
                } else {
                    String::new()
                };
                assert_eq!(
                    call(aliyun_mqtt_client_id, &dev).unwrap(),
                    format!("{real_cid}|securemode=2,signmethod={name}{ts_part}|")
                );
            }
        }
    }
}

/// Longest valid device: every output at its maximum size.
fn longest() -> Dev {
    let extra = format!("k={}", "v".repeat(ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN - 2));
    let mut d = Dev::new(
        &"P".repeat(ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN),
        &"d".repeat(ALIYUN_MQTT_DEVICE_NAME_MAX_LEN),
        &"s".repeat(ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN),
    )
    .client_id(&"c".repeat(ALIYUN_MQTT_CLIENT_ID_MAX_LEN))
    .extra(&extra);
    d.raw.timestamp_ms = u64::MAX;
    d
}

#[test]
fn test_sizes_fit_longest_device_succeed() {
    let d = longest();
    // The client id reaches its bound only with the longest mode and method
    // name; "securemode=2" is one byte short of "-2" (reserved for PROTOCOL.md §4).
    assert_eq!(
        call(aliyun_mqtt_client_id, &d).unwrap().len(),
        ALIYUN_MQTT_CLIENT_ID_SIZE - 2
    );
    assert_eq!(
        call(aliyun_mqtt_username, &d).unwrap().len(),
        ALIYUN_MQTT_USERNAME_SIZE - 1
    );
    assert_eq!(
        call(aliyun_mqtt_password, &d).unwrap().len(),
        ALIYUN_MQTT_PASSWORD_SIZE - 1
    );
    let mut creds: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { aliyun_mqtt_sign(&d.raw, &mut creds) },
        Status::ALIYUN_MQTT_OK
    );
    let pk = cs(&"P".repeat(20));
    let region = cs(&"r".repeat(32));
    let mut host = [0 as c_char; ALIYUN_MQTT_HOST_SIZE];
    let mut n = 0;
    let st = unsafe {
        aliyun_mqtt_host(
            pk.as_ptr(),
            region.as_ptr(),
            host.as_mut_ptr(),
            host.len(),
            &mut n,
        )
    };
    assert_eq!(st, Status::ALIYUN_MQTT_OK);
    assert_eq!(n, ALIYUN_MQTT_HOST_SIZE - 1);
}

/// The buffer rule at every cap from 0 to needed + 1, with canaries.
#[test]
fn test_buffer_rule_every_cap_succeed() {
    for dev in [
        Dev::golden2(),
        longest(),
        Dev::new("pk", "device", "secret"),
    ] {
        for method in 1..=4u32 {
            // A copy of the device; its strings stay owned by `dev`.
            let mut raw = dev.raw;
            raw.sign_method = method;
            for (name, f) in FIELDS {
                buffer_rule(name, &|b, c, l| unsafe { f(&raw, b, c, l) });
            }
        }
    }
    let pk = cs("a14Xib5kdYd");
    let region = cs("eu-central-1");
    buffer_rule("host", &|b, c, l| unsafe {
        aliyun_mqtt_host(pk.as_ptr(), region.as_ptr(), b, c, l)
    });
}

#[test]
fn test_invalid_inputs_fail() {
    use aliyun_mqtt_sign::Status as S;
    let cases: Vec<(Dev, S)> = vec![
        (
            Dev::new("", "device", "s"),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            Dev::new(&"p".repeat(21), "device", "s"),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            Dev::new("p.k", "device", "s"),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            Dev::new("pk\u{e9}", "device", "s"),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            Dev::new("pk", "dev", "s"),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            Dev::new("pk", &"d".repeat(33), "s"),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            Dev::new("pk", "dev&ice", "s"),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            Dev::new("pk", "dev|ice", "s"),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            Dev::new("pk", "device", ""),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            Dev::new("pk", "device", "se cret"),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            Dev::new("pk", "device", &"s".repeat(65)),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            Dev::new("pk", "device", "s\u{80}"),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            Dev::new("pk", "device", "s").client_id(&"c".repeat(65)),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            Dev::new("pk", "device", "s").client_id("a,b"),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            Dev::new("pk", "device", "s").client_id("a\x7f"),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            Dev::new("pk", "device", "s").extra(&format!("k={}", "v".repeat(127))),
            S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
        ),
        (
            Dev::new("pk", "device", "s").extra("a=1,,b=2"),
            S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
        ),
        (
            Dev::new("pk", "device", "s").extra("signmethod=hmacmd5"),
            S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
        ),
        (
            Dev::new("pk", "device", "s").extra("a=1,b=2,a=3"),
            S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
        ),
        (
            Dev::new("pk", "device", "s").extra("a=1 "),
            S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
        ),
    ];
    for (dev, want) in cases {
        for (name, f) in FIELDS {
            // The client id and the user name do not read the secret.
            let unsigned = name != "password";
            if want == S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET && unsigned {
                assert!(call(f, &dev).is_ok(), "{name}");
            } else {
                assert_eq!(call(f, &dev), Err(want), "{name}");
            }
        }
    }
    for bad in [0u32, 5, u32::MAX] {
        let mut dev = Dev::golden2();
        dev.raw.sign_method = bad;
        assert_eq!(
            call(aliyun_mqtt_password, &dev),
            Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)
        );
    }
    for bad in [0i32, 1, -2, 4, i32::MIN] {
        let mut dev = Dev::golden2();
        dev.raw.secure_mode = bad;
        assert_eq!(
            call(aliyun_mqtt_client_id, &dev),
            Err(S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE)
        );
    }
    // A NULL secret: the password needs it, the user name does not.
    let mut dev = Dev::golden2();
    dev.raw.device_secret = ptr::null();
    assert_eq!(
        call(aliyun_mqtt_password, &dev),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
    assert_eq!(
        call(aliyun_mqtt_username, &dev).as_deref(),
        Ok("light1983432&a14Xib5kdYd")
    );
    let mut out_len = 5;
    let st = unsafe { aliyun_mqtt_client_id(ptr::null(), ptr::null_mut(), 0, &mut out_len) };
    assert_eq!((st, out_len), (S::ALIYUN_MQTT_ERR_NULL_ARGUMENT, 0));
    let region = cs("cn_shanghai");
    let pk = cs("pk");
    let mut buf = [0 as c_char; 100];
    let st = unsafe {
        aliyun_mqtt_host(
            pk.as_ptr(),
            region.as_ptr(),
            buf.as_mut_ptr(),
            100,
            ptr::null_mut(),
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_REGION);
}

/// `aliyun_mqtt_sign` of a device whose product key, device name, secret
/// and client id are `strings` (in that order, without NULs).
fn sign_strings(strings: &[Vec<u8>], creds: &mut aliyun_mqtt_credentials) -> Status {
    let owned: Vec<CString> = strings
        .iter()
        .map(|s| CString::new(s.clone()).unwrap())
        .collect();
    let mut dev = aliyun_mqtt_device_default();
    dev.product_key = owned[0].as_ptr();
    dev.device_name = owned[1].as_ptr();
    dev.device_secret = owned[2].as_ptr();
    dev.client_id = owned[3].as_ptr();
    unsafe { aliyun_mqtt_sign(&dev, creds) }
}

/// Every byte value in every string field of `aliyun_mqtt_sign` (which
/// checks each string while scanning it for its NUL) against the character
/// sets the README states, written out here independently of the library.
#[test]
fn test_every_byte_in_every_field() {
    use aliyun_mqtt_sign::Status as S;
    let pk_ok = |b: u8| b.is_ascii_alphanumeric();
    let dn_ok = |b: u8| b.is_ascii_alphanumeric() || b"-_@.:".contains(&b);
    let ds_ok = |b: u8| (0x21..=0x7e).contains(&b);
    let cid_ok = |b: u8| (0x21..=0x7e).contains(&b) && !b"|,=".contains(&b);
    type Field = (usize, fn(u8) -> bool, S);
    let fields: [Field; 4] = [
        (0, pk_ok, S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY),
        (1, dn_ok, S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME),
        (2, ds_ok, S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET),
        (3, cid_ok, S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID),
    ];
    let mut creds: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    for (index, ok, err) in fields {
        for b in 1..=255u8 {
            let mut strings: Vec<Vec<u8>> =
                vec![b"pk1".into(), b"dev1".into(), b"sec".into(), b"cid".into()];
            strings[index].insert(1, b);
            let st = sign_strings(&strings, &mut creds);
            let want = if ok(b) { S::ALIYUN_MQTT_OK } else { err };
            assert_eq!(st, want, "field {index}, byte {b:#04x}");
        }
    }
}

/// The C API reads the strings several bytes per loop test: every length
/// from 1 to one past the field's maximum, and one bad byte at every
/// position of every valid length, in every string field.
#[test]
fn test_every_length_and_bad_position_in_every_field() {
    use aliyun_mqtt_sign::Status as S;
    type Field = (usize, usize, usize, S);
    let fields: [Field; 4] = [
        (
            0,
            1,
            ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            1,
            4,
            ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            2,
            1,
            ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            3,
            1,
            ALIYUN_MQTT_CLIENT_ID_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
    ];
    let mut creds: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    let mut sign = |strings: &[Vec<u8>]| sign_strings(strings, &mut creds);
    for (index, min, max, err) in fields {
        for len in 1..=max + 1 {
            let mut strings: Vec<Vec<u8>> =
                vec![b"pk1".into(), b"dev1".into(), b"sec".into(), b"cid".into()];
            strings[index] = b"a".repeat(len);
            let want = if (min..=max).contains(&len) {
                S::ALIYUN_MQTT_OK
            } else {
                err
            };
            assert_eq!(sign(&strings), want, "field {index}, length {len}");
            if len > max {
                continue;
            }
            for at in 0..len {
                for bad in [b' ', b'|', 0x80] {
                    strings[index] = b"a".repeat(len);
                    strings[index][at] = bad;
                    let ok = index == 2 && bad == b'|';
                    let want = if ok && len >= min {
                        S::ALIYUN_MQTT_OK
                    } else {
                        err
                    };
                    assert_eq!(
                        sign(&strings),
                        want,
                        "field {index}, length {len}, {bad:#x} at {at}"
                    );
                }
            }
        }
    }
}

/// With several bad fields, the error names the first in declaration
/// order (product key, device name, secret, client id, sign method,
/// secure mode, extra parameters).
#[test]
fn test_first_bad_field_named_fail() {
    use aliyun_mqtt_sign::Status as S;
    let all_bad = || {
        let mut d = Dev::new("p!", "d!", " ").client_id("c|").extra("x");
        d.raw.sign_method = 99;
        d.raw.secure_mode = 7;
        d
    };
    let mut creds: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    let mut d = all_bad();
    let order = [
        S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD,
        S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE,
        S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
    ];
    for (fix, want) in order.into_iter().enumerate() {
        assert_eq!(unsafe { aliyun_mqtt_sign(&d.raw, &mut creds) }, want);
        // Repair field `fix`, so the next one is now the first bad field.
        match fix {
            0 => d.raw.product_key = d.keep("pk1"),
            1 => d.raw.device_name = d.keep("dev1"),
            2 => d.raw.device_secret = d.keep("sec"),
            3 => d.raw.client_id = d.keep("cid"),
            4 => d.raw.sign_method = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
            5 => d.raw.secure_mode = aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TLS as i32,
            _ => d.raw.extra_params = d.keep("k=v"),
        }
    }
    assert_eq!(
        unsafe { aliyun_mqtt_sign(&d.raw, &mut creds) },
        S::ALIYUN_MQTT_OK
    );
}

#[test]
fn test_sign_all_or_nothing_fail() {
    let mut creds: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    let good = Dev::golden2();
    assert_eq!(
        unsafe { aliyun_mqtt_sign(&good.raw, &mut creds) },
        Status::ALIYUN_MQTT_OK
    );
    let text = |a: &[c_char]| {
        unsafe { CStr::from_ptr(a.as_ptr()) }
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        text(&creds.password),
        "b2488041f64f425016b467ee1c94959ebd592ad1"
    );
    let bad = Dev::golden2().extra("x");
    assert_eq!(
        unsafe { aliyun_mqtt_sign(&bad.raw, &mut creds) },
        Status::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS
    );
    assert_eq!(
        (
            text(&creds.client_id),
            text(&creds.username),
            text(&creds.password)
        ),
        Default::default()
    );
    assert_eq!(
        unsafe { aliyun_mqtt_sign(&good.raw, ptr::null_mut()) },
        Status::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn test_status_strings_succeed() {
    for s in Status::ALL {
        let name = unsafe { CStr::from_ptr(aliyun_mqtt_status_name(s as u32)) }
            .to_str()
            .unwrap();
        assert_eq!(name, format!("{s:?}"));
        let msg = unsafe { CStr::from_ptr(aliyun_mqtt_status_str(s as u32)) }
            .to_str()
            .unwrap();
        assert!(!msg.is_empty() && msg != "unknown status");
    }
    // Numbered 0, 1, 2, ... with no gap, the last one last.
    for (i, s) in Status::ALL.iter().enumerate() {
        assert_eq!(*s as usize, i);
    }
    assert_eq!(
        Status::ALL.len(),
        Status::ALIYUN_MQTT_ERR_INVALID_DIGEST as usize + 1
    );
    for unknown in [Status::ALL.len() as u32, 1000, u32::MAX] {
        let msg = unsafe { CStr::from_ptr(aliyun_mqtt_status_str(unknown)) };
        assert_eq!(msg.to_str().unwrap(), "unknown status");
    }
}

#[test]
fn test_version_matches_cargo_toml_succeed() {
    let major: u32 = env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap();
    let minor: u32 = env!("CARGO_PKG_VERSION_MINOR").parse().unwrap();
    let patch: u32 = env!("CARGO_PKG_VERSION_PATCH").parse().unwrap();
    assert_eq!(ALIYUN_MQTT_VERSION_MAJOR, major);
    assert_eq!(ALIYUN_MQTT_VERSION_MINOR, minor);
    assert_eq!(ALIYUN_MQTT_VERSION_PATCH, patch);
    assert_eq!(
        ALIYUN_MQTT_VERSION_NUMBER,
        major * 10000 + minor * 100 + patch
    );
    let v = unsafe { CStr::from_ptr(aliyun_mqtt_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert!(aliyun_mqtt_keepalive_ok(30) && aliyun_mqtt_keepalive_ok(1200));
    assert!(!aliyun_mqtt_keepalive_ok(29) && !aliyun_mqtt_keepalive_ok(1201));
}
