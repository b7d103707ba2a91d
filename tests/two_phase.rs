//! Two-phase signing: the signed content, a MAC computed here by other
//! authors' crates (standing in for a secure element), and the password
//! from it equal the one-call functions for every method, device shape
//! and hex case; bad digests are refused; the buffer rule holds.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::Status as S;
use common::{buffer_rule, cs, independent_bytes};

const METHODS: [(aliyun_mqtt_sign_method, usize); 4] = [
    (aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_MD5, 16),
    (aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1, 20),
    (aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256, 32),
    (aliyun_mqtt_sign_method::ALIYUN_MQTT_SHA256, 32),
];

/// The strings of a device; `raw` points into them.
struct Device {
    _strings: Vec<CString>,
    raw: aliyun_mqtt_device,
}

/// A device of one of 16 shapes (bit 0 client id, bit 1 timestamp, bit 2
/// extra parameters, bit 3 plain TCP), signed by `method`.
fn device(shape: u8, method: aliyun_mqtt_sign_method, uppercase: bool) -> Device {
    let strings = vec![
        cs("a1B2c3D4e5F"),
        cs("dev-name_01"),
        cs("oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"),
        cs("SN-77"),
        cs("lan=C,_v=1.0"),
    ];
    let mut raw = aliyun_mqtt_device_default();
    raw.product_key = strings[0].as_ptr();
    raw.device_name = strings[1].as_ptr();
    raw.device_secret = strings[2].as_ptr();
    if shape & 1 != 0 {
        raw.client_id = strings[3].as_ptr();
    }
    if shape & 2 != 0 {
        raw.timestamp_ms = 1_539_421_321_846;
    }
    if shape & 4 != 0 {
        raw.extra_params = strings[4].as_ptr();
    }
    if shape & 8 != 0 {
        raw.secure_mode = aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TCP as i32;
    }
    raw.sign_method = method as u32;
    raw.uppercase_hex = uppercase;
    Device {
        _strings: strings,
        raw,
    }
}

fn text(chars: &[c_char]) -> String {
    unsafe { CStr::from_ptr(chars.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn string(f: impl Fn(*mut c_char, usize, *mut usize) -> S) -> Result<String, S> {
    let mut buf = vec![0 as c_char; 1024];
    let mut len = 0;
    match f(buf.as_mut_ptr(), buf.len(), &mut len) {
        S::ALIYUN_MQTT_OK => Ok(text(&buf[..=len])),
        st => Err(st),
    }
}

/// The MAC a secure element would return for `content`.
fn mac(method: aliyun_mqtt_sign_method, key: &[u8], content: &[u8]) -> Vec<u8> {
    let hex = independent_bytes(method as u32, key, content);
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn zeroed_credentials() -> Box<aliyun_mqtt_credentials> {
    Box::new(unsafe { std::mem::zeroed() })
}

#[test]
fn test_two_phase_equals_one_call_succeed() {
    let key = b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    for (method, digest_len) in METHODS {
        for uppercase in [false, true] {
            for shape in 0..16u8 {
                let dev = device(shape, method, uppercase);
                let mut unsigned = dev.raw;
                unsigned.device_secret = ptr::null(); // the key stays outside
                let content =
                    string(|b, c, l| unsafe { aliyun_mqtt_signed_content(&unsigned, b, c, l) })
                        .unwrap();
                // The content is the platform's, written out here.
                let cid = if shape & 1 != 0 {
                    "SN-77".to_string()
                } else {
                    "a1B2c3D4e5F.dev-name_01".to_string()
                };
                let ts = if shape & 2 != 0 {
                    "timestamp1539421321846"
                } else {
                    ""
                };
                assert_eq!(
                    content,
                    format!("clientId{cid}deviceNamedev-name_01productKeya1B2c3D4e5F{ts}")
                );
                let digest = mac(method, key, content.as_bytes());
                assert_eq!(digest.len(), digest_len);

                let one = string(|b, c, l| unsafe { aliyun_mqtt_password(&dev.raw, b, c, l) });
                let two = string(|b, c, l| unsafe {
                    aliyun_mqtt_password_from_digest(
                        method as u32,
                        digest.as_ptr(),
                        digest.len(),
                        uppercase,
                        b,
                        c,
                        l,
                    )
                });
                assert_eq!(one, two, "{method:?} shape {shape} uppercase {uppercase}");

                let mut a = zeroed_credentials();
                let mut b = zeroed_credentials();
                assert_eq!(
                    unsafe { aliyun_mqtt_sign(&dev.raw, &mut *a) },
                    S::ALIYUN_MQTT_OK
                );
                assert_eq!(
                    unsafe {
                        aliyun_mqtt_sign_from_digest(
                            &unsigned,
                            digest.as_ptr(),
                            digest.len(),
                            &mut *b,
                        )
                    },
                    S::ALIYUN_MQTT_OK
                );
                assert_eq!(
                    (text(&a.client_id), text(&a.username), text(&a.password)),
                    (text(&b.client_id), text(&b.username), text(&b.password))
                );

                // The HTTPS body: HMAC methods, no extra parameters.
                let one = string(|b, c, l| unsafe { aliyun_mqtt_auth_body(&dev.raw, b, c, l) });
                let two = string(|b, c, l| unsafe {
                    aliyun_mqtt_auth_body_from_digest(
                        &unsigned,
                        digest.as_ptr(),
                        digest.len(),
                        b,
                        c,
                        l,
                    )
                });
                assert_eq!(one, two, "auth body {method:?} shape {shape}");
            }
        }
    }
}

#[test]
fn test_two_phase_registration_equals_one_call_succeed() {
    let strings = [
        cs("a1B2c3D4e5F"),
        cs("dev-name_01"),
        cs("ps0123456789abcdefghABCDEFGHIJKL"),
        cs("8Ygb7ULYh53B6OA"),
    ];
    for (method, _) in &METHODS[..3] {
        for uppercase in [false, true] {
            let mut reg = aliyun_mqtt_registration_default();
            reg.product_key = strings[0].as_ptr();
            reg.device_name = strings[1].as_ptr();
            reg.product_secret = strings[2].as_ptr();
            reg.random = strings[3].as_ptr();
            reg.sign_method = *method as u32;
            reg.uppercase_hex = uppercase;
            let mut unsigned = reg;
            unsigned.product_secret = ptr::null();
            let content = string(|b, c, l| unsafe {
                aliyun_mqtt_register_signed_content(&unsigned, b, c, l)
            })
            .unwrap();
            assert_eq!(
                content,
                "deviceNamedev-name_01productKeya1B2c3D4e5Frandom8Ygb7ULYh53B6OA"
            );
            let digest = mac(
                *method,
                b"ps0123456789abcdefghABCDEFGHIJKL",
                content.as_bytes(),
            );
            let mut a = zeroed_credentials();
            let mut b = zeroed_credentials();
            assert_eq!(
                unsafe { aliyun_mqtt_register_sign(&reg, &mut *a) },
                S::ALIYUN_MQTT_OK
            );
            assert_eq!(
                unsafe {
                    aliyun_mqtt_register_sign_from_digest(
                        &unsigned,
                        digest.as_ptr(),
                        digest.len(),
                        &mut *b,
                    )
                },
                S::ALIYUN_MQTT_OK
            );
            assert_eq!(
                (text(&a.client_id), text(&a.username), text(&a.password)),
                (text(&b.client_id), text(&b.username), text(&b.password))
            );
            let one = string(|b, c, l| unsafe { aliyun_mqtt_register_body(&reg, b, c, l) });
            let two = string(|b, c, l| unsafe {
                aliyun_mqtt_register_body_from_digest(
                    &unsigned,
                    digest.as_ptr(),
                    digest.len(),
                    b,
                    c,
                    l,
                )
            });
            assert_eq!(one, two);
        }
    }
}

#[test]
fn test_two_phase_bad_digest_and_buffer_rule_fail() {
    let dev = device(3, aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256, false);
    let mut unsigned = dev.raw;
    unsigned.device_secret = ptr::null();
    let bytes = [0xabu8; 64];
    for (method, len) in METHODS {
        for wrong in [0, len - 1, len + 1, 64] {
            let mut buf = [0x5a as c_char; 80];
            let mut out_len = 7;
            let st = unsafe {
                aliyun_mqtt_password_from_digest(
                    method as u32,
                    bytes.as_ptr(),
                    wrong,
                    false,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut out_len,
                )
            };
            assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_DIGEST, "{method:?} {wrong}");
            assert_eq!((buf[0], buf[1], out_len), (0, 0x5a, 0));
        }
        let hex = string(|b, c, l| unsafe {
            aliyun_mqtt_password_from_digest(method as u32, bytes.as_ptr(), len, true, b, c, l)
        })
        .unwrap();
        assert_eq!(hex, "AB".repeat(len));
        buffer_rule("password_from_digest", &|b, c, l| unsafe {
            aliyun_mqtt_password_from_digest(method as u32, bytes.as_ptr(), len, false, b, c, l)
        });
    }
    // The digest length follows the device's method.
    let mut out = zeroed_credentials();
    let st = unsafe { aliyun_mqtt_sign_from_digest(&unsigned, bytes.as_ptr(), 20, &mut *out) };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_DIGEST);
    assert_eq!(
        (
            text(&out.client_id),
            text(&out.username),
            text(&out.password)
        ),
        (String::new(), String::new(), String::new())
    );
    for (name, bad_method) in [("zero", 0u32), ("five", 5), ("max", u32::MAX)] {
        let st = string(|b, c, l| unsafe {
            aliyun_mqtt_password_from_digest(bad_method, bytes.as_ptr(), 32, false, b, c, l)
        });
        assert_eq!(st, Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD), "{name}");
    }
    // NULL digest.
    let st = string(|b, c, l| unsafe {
        aliyun_mqtt_password_from_digest(
            aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
            ptr::null(),
            32,
            false,
            b,
            c,
            l,
        )
    });
    assert_eq!(st, Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT));
    // The buffer rule of the content and of the bodies.
    buffer_rule("signed_content", &|b, c, l| unsafe {
        aliyun_mqtt_signed_content(&unsigned, b, c, l)
    });
    buffer_rule("auth_body_from_digest", &|b, c, l| unsafe {
        aliyun_mqtt_auth_body_from_digest(&unsigned, bytes.as_ptr(), 32, b, c, l)
    });
    // The digest placed inside the output: refused, nothing written.
    let mut buf = [0u8; 100];
    buf[10..42].copy_from_slice(&[0xcd; 32]);
    let before = buf;
    let base = buf.as_mut_ptr();
    let mut len = 0;
    let st = unsafe {
        aliyun_mqtt_password_from_digest(
            aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
            base.add(10),
            32,
            false,
            base.cast(),
            100,
            &mut len,
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    assert_eq!(buf, before);
    // An invalid field is still reported first.
    let bad = cs("p.k");
    let mut wrong = unsigned;
    wrong.product_key = bad.as_ptr();
    assert_eq!(
        string(|b, c, l| unsafe { aliyun_mqtt_signed_content(&wrong, b, c, l) }),
        Err(S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY)
    );
}

#[test]
fn test_two_phase_subdev_equals_one_call_succeed() {
    let keys = [
        cs("a1B2c3D4e5F"),
        cs("sensor-01"),
        cs("S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12"),
        cs("sensor-02"),
        cs("Ds2"),
        cs("SN-77|_ss=1|"),
    ];
    let sub = |dn: usize, ds: usize, cid: bool| aliyun_mqtt_subdev {
        product_key: keys[0].as_ptr(),
        device_name: keys[dn].as_ptr(),
        device_secret: keys[ds].as_ptr(),
        client_id: if cid { keys[5].as_ptr() } else { ptr::null() },
        timestamp_ms: 1_700_000_000_123,
        clean_session: true,
        digest: ptr::null(),
        digest_len: 0,
    };
    let plain = [sub(1, 2, false), sub(3, 4, true)];
    for (method, _) in &METHODS[..3] {
        let m = *method as u32;
        // Each sub-device's content from the library, MACed here, into the
        // entry; the secrets are gone.
        let mut digests = Vec::new();
        for (s, key) in plain.iter().zip([&keys[2], &keys[4]]) {
            let content =
                string(|b, c, l| unsafe { aliyun_mqtt_subdev_signed_content(s, b, c, l) }).unwrap();
            let cid = if s.client_id.is_null() {
                format!(
                    "a1B2c3D4e5F.{}",
                    unsafe { CStr::from_ptr(s.device_name) }.to_str().unwrap()
                )
            } else {
                "SN-77|_ss=1|".to_string()
            };
            assert_eq!(
                content,
                format!(
                    "clientId{cid}deviceName{}productKeya1B2c3D4e5Ftimestamp1700000000123",
                    unsafe { CStr::from_ptr(s.device_name) }.to_str().unwrap()
                )
            );
            digests.push(mac(*method, key.as_bytes(), content.as_bytes()));
        }
        let mut keyless = plain;
        for (s, d) in keyless.iter_mut().zip(&digests) {
            s.device_secret = ptr::null();
            s.digest = d.as_ptr();
            s.digest_len = d.len();
        }
        type Builder = unsafe extern "C" fn(
            u32,
            u32,
            *const aliyun_mqtt_subdev,
            usize,
            *mut c_char,
            usize,
            *mut usize,
        ) -> S;
        let builders: [(&str, Builder, usize); 3] = [
            ("topo_add", aliyun_mqtt_subdev_topo_add, 2),
            ("batch_login", aliyun_mqtt_subdev_batch_login, 2),
            ("batch_login of one", aliyun_mqtt_subdev_batch_login, 1),
        ];
        for (name, f, n) in builders {
            let one = string(|b, c, l| unsafe { f(9, m, plain.as_ptr(), n, b, c, l) });
            let two = string(|b, c, l| unsafe { f(9, m, keyless.as_ptr(), n, b, c, l) });
            assert!(one.is_ok(), "{name} {method:?}: {one:?}");
            assert_eq!(one, two, "{name} {method:?}");
        }
        let one = string(|b, c, l| unsafe { aliyun_mqtt_subdev_login(9, m, &plain[0], b, c, l) });
        let two = string(|b, c, l| unsafe { aliyun_mqtt_subdev_login(9, m, &keyless[0], b, c, l) });
        assert_eq!(one, two, "login {method:?}");
        // A digest of another length is refused, nothing written but "".
        let mut wrong = keyless[0];
        wrong.digest_len -= 1;
        let st = string(|b, c, l| unsafe { aliyun_mqtt_subdev_login(9, m, &wrong, b, c, l) });
        assert_eq!(st, Err(S::ALIYUN_MQTT_ERR_INVALID_DIGEST), "{method:?}");
        wrong.digest_len = 64;
        let st = string(|b, c, l| unsafe { aliyun_mqtt_subdev_login(9, m, &wrong, b, c, l) });
        assert_eq!(st, Err(S::ALIYUN_MQTT_ERR_INVALID_DIGEST), "{method:?}");
    }

    // Registration by product: the registration content, MACed with the
    // ProductSecret.
    let strings = [
        cs("a1B2c3D4e5F"),
        cs("sensor-03"),
        cs("Ks3ProdSecret"),
        cs("abc123"),
    ];
    let reg = aliyun_mqtt_subdev_registration {
        product_key: strings[0].as_ptr(),
        device_name: strings[1].as_ptr(),
        product_secret: strings[2].as_ptr(),
        random: strings[3].as_ptr(),
        digest: ptr::null(),
        digest_len: 0,
    };
    let content =
        string(|b, c, l| unsafe { aliyun_mqtt_subdev_registration_signed_content(&reg, b, c, l) })
            .unwrap();
    assert_eq!(
        content,
        "deviceNamesensor-03productKeya1B2c3D4e5Frandomabc123"
    );
    let m = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256;
    let digest = mac(m, b"Ks3ProdSecret", content.as_bytes());
    let mut keyless = reg;
    keyless.product_secret = ptr::null();
    keyless.digest = digest.as_ptr();
    keyless.digest_len = digest.len();
    let one = string(|b, c, l| unsafe {
        aliyun_mqtt_subdev_product_register(4, m as u32, &reg, 1, b, c, l)
    });
    let two = string(|b, c, l| unsafe {
        aliyun_mqtt_subdev_product_register(4, m as u32, &keyless, 1, b, c, l)
    });
    assert!(one.is_ok());
    assert_eq!(one, two);
}
