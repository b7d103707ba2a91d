//! The verifier: everything the signer produces verifies, fields built by an
//! independent implementation verify, and each failure has its status.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::type_complexity
)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use aliyun_mqtt_sign::credentials::{client_id, password, username};
use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::verify::{aliyun_mqtt_verify_key, identify, verify, verify_with_key};
use aliyun_mqtt_sign::{Device, SecureMode, SignMethod, Status as S};

fn fields(dev: &Device<'_>) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut buf = [0u8; 300];
    let n = client_id(dev, &mut buf).unwrap();
    let cid = buf[..n].to_vec();
    let n = username(dev, &mut buf).unwrap();
    let user = buf[..n].to_vec();
    let n = password(dev, &mut buf).unwrap();
    (cid, user, buf[..n].to_vec())
}

#[test]
fn test_verify_accepts_signer_output_succeed() {
    for method in SignMethod::ALL {
        for upper in [false, true] {
            for (cid, ts, extra) in [
                (None, None, None),
                (Some(&b"SN1928339"[..]), Some(1539421321846u64), None),
                (Some(&b"AA:BB&cc"[..]), Some(0), Some(&b"lan=C,_v=1.0"[..])),
            ] {
                let mut dev = Device::new(
                    b"a14Xib5kdYd",
                    b"light1983432",
                    b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
                );
                dev.sign_method = method;
                dev.uppercase_hex = upper;
                dev.client_id = cid;
                dev.timestamp_ms = ts;
                dev.extra_params = extra;
                dev.secure_mode = SecureMode::Tcp;
                let (c, u, p) = fields(&dev);
                let id = verify(&c, &u, &p, dev.device_secret).unwrap();
                assert_eq!(id.sign_method, method);
                assert_eq!(id.secure_mode, 3);
                assert_eq!(id.product_key, b"a14Xib5kdYd");
                assert_eq!(id.device_name, b"light1983432");
                assert_eq!(id.timestamp.map(|t| t.1), ts);
                // A different secret does not verify.
                assert_eq!(
                    verify(&c, &u, &p, b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zQ"),
                    Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
                );
            }
        }
    }
}

#[test]
fn test_verify_golden_and_independent_fields_succeed() {
    // PROTOCOL.md §1, second golden device, exactly as the platform documents it.
    let id = verify(
        b"SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|",
        b"light1983432&a14Xib5kdYd",
        b"b2488041f64f425016b467ee1c94959ebd592ad1",
        b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
    )
    .unwrap();
    assert_eq!(id.client_id, b"SN1928339");
    // Empty client id: content starts at deviceName; parameters in any
    // order; extra parameters ignored. Signed by an independent HMAC.
    let content = b"deviceNamedev-01productKeypk1timestamp42";
    let mac = hmac_sha256::HMAC::mac(content, b"s3cret");
    let pw: String = mac.iter().map(|b| format!("{b:02X}")).collect();
    let cid = b"|lan=C,timestamp=42,signmethod=hmacsha256,securemode=2|";
    assert!(verify(cid, b"dev-01&pk1", pw.as_bytes(), b"s3cret").is_ok());
    // No signmethod: the server's default, hmacmd5.
    let mut dev = Device::new(b"pk1", b"dev-01", b"s3cret");
    dev.sign_method = SignMethod::HmacMd5;
    let (_, u, p) = fields(&dev);
    assert!(verify(b"pk1.dev-01|securemode=2|", &u, &p, b"s3cret").is_ok());
    assert_eq!(
        verify(
            b"pk1.dev-01|securemode=2,signmethod=hmacsha1|",
            &u,
            &p,
            b"s3cret"
        ),
        Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
    );
}

#[test]
fn test_verify_each_failure_fail() {
    let user: &[u8] = b"light1983432&a14Xib5kdYd";
    let good_pw: &[u8] = b"b2488041f64f425016b467ee1c94959ebd592ad1";
    let secret: &[u8] = b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    let long_cid = format!("{}|securemode=3|", "c".repeat(65));
    let long_ts = format!("SN1|securemode=3,timestamp={}|", "9".repeat(21));
    let cases: Vec<(&[u8], &[u8], &[u8], S)> = vec![
        (
            b"SN1928339",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
        ),
        (
            b"SN1|securemode=3",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
        ),
        (
            b"SN1|securemode=3|x",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
        ),
        (
            b"SN1|securemode=3|lan=C|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
        ),
        (
            b"SN1|securemode=3,lan|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
        ),
        (
            b"SN1|securemode=3=3|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID,
        ),
        (
            b"SN1|securemode=3,,lan=C|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_EMPTY_PARAM,
        ),
        (
            b"SN1|securemode=3,lan=|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_EMPTY_PARAM,
        ),
        (
            b"SN1|securemode=3,=C|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_EMPTY_PARAM,
        ),
        (
            b"SN1|securemode=3,securemode=2|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_DUPLICATE_PARAM,
        ),
        (
            b"SN1|lan=C,securemode=3,lan=E|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_DUPLICATE_PARAM,
        ),
        (
            long_cid.as_bytes(),
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            b"SN 1|securemode=3|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            b"SN1||",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE,
        ),
        (
            b"SN1|signmethod=hmacsha1|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE,
        ),
        (
            b"SN1|securemode=1|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE,
        ),
        (
            b"SN1|securemode=3,signmethod=hmacsha512|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD,
        ),
        (
            b"SN1|securemode=3,timestamp=12a|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP,
        ),
        (
            b"SN1|securemode=3,timestamp=18446744073709551616|",
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP,
        ),
        (
            long_ts.as_bytes(),
            user,
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP,
        ),
        (
            b"SN1|securemode=3|",
            b"light1983432a14Xib5kdYd",
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_USERNAME,
        ),
        (
            b"SN1|securemode=3|",
            b"light1983432&a14Xib5kdYd&x",
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_USERNAME,
        ),
        (
            b"SN1|securemode=3|",
            b"lig&a14Xib5kdYd",
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_USERNAME,
        ),
        (
            b"SN1|securemode=3|",
            b"light1983432&",
            good_pw,
            S::ALIYUN_MQTT_ERR_INVALID_USERNAME,
        ),
    ];
    for (cid, user, pw, want) in cases {
        assert_eq!(
            verify(cid, user, pw, secret).map(|_| ()),
            Err(want),
            "{}",
            String::from_utf8_lossy(cid)
        );
    }
    // Signature failures on the golden device of PROTOCOL.md §1.8.
    let cid: &[u8] = b"SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|";
    let mismatch = [
        &b"b2488041f64f425016b467ee1c94959ebd592ad2"[..], // tampered
        b"b2488041f64f425016b467ee1c94959ebd592ad",       // short
        b"b2488041f64f425016b467ee1c94959ebd592ad1a",     // long
        b"b2488041f64f425016b467ee1c94959ebd592adz",      // not hex
        b"",
    ];
    for pw in mismatch {
        assert_eq!(
            verify(cid, user, pw, secret).map(|_| ()),
            Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
        );
    }
    let changed_ts: &[u8] = b"SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321847|";
    assert_eq!(
        verify(changed_ts, user, good_pw, secret).map(|_| ()),
        Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
    );
    assert_eq!(
        verify(cid, user, good_pw, b"").map(|_| ()),
        Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET)
    );
    // Upper-case hex is the same signature.
    assert!(verify(
        cid,
        user,
        b"B2488041F64F425016B467EE1C94959EBD592AD1",
        secret
    )
    .is_ok());
    // identify() needs no secret.
    let id = identify(cid, user).unwrap();
    assert_eq!(
        (id.device_name, id.timestamp),
        (
            &b"light1983432"[..],
            Some((&b"1539421321846"[..], 1539421321846))
        )
    );
}

fn text(chars: &[c_char]) -> String {
    unsafe { CStr::from_ptr(chars.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn test_aliyun_mqtt_verify_ffi_succeed() {
    let cs = |s: &str| CString::new(s).unwrap();
    let cid = cs("SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|");
    let user = cs("light1983432&a14Xib5kdYd");
    let pw = cs("b2488041f64f425016b467ee1c94959ebd592ad1");
    let secret = cs("oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq");
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    let st = unsafe {
        aliyun_mqtt_verify(
            cid.as_ptr(),
            user.as_ptr(),
            pw.as_ptr(),
            secret.as_ptr(),
            &mut info,
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(text(&info.product_key), "a14Xib5kdYd");
    assert_eq!(text(&info.device_name), "light1983432");
    assert_eq!(text(&info.client_id), "SN1928339");
    assert!(info.has_timestamp);
    assert_eq!(info.timestamp_ms, 1539421321846);
    assert_eq!(
        info.sign_method,
        aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32
    );
    assert_eq!(info.secure_mode, 3);
    // A mismatch still reports who it was.
    let bad = cs("00000000000000000000000000000000000000000");
    let st = unsafe {
        aliyun_mqtt_verify(
            cid.as_ptr(),
            user.as_ptr(),
            bad.as_ptr(),
            secret.as_ptr(),
            &mut info,
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
    assert_eq!(text(&info.device_name), "light1983432");
    // A parse failure clears it; NULLs are statuses.
    let broken = cs("SN1928339");
    let st = unsafe {
        aliyun_mqtt_verify(
            broken.as_ptr(),
            user.as_ptr(),
            pw.as_ptr(),
            secret.as_ptr(),
            &mut info,
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID);
    assert_eq!(text(&info.device_name), "");
    assert_eq!(
        unsafe {
            aliyun_mqtt_verify(
                ptr::null(),
                user.as_ptr(),
                pw.as_ptr(),
                secret.as_ptr(),
                ptr::null_mut(),
            )
        },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe {
            aliyun_mqtt_verify(
                cid.as_ptr(),
                user.as_ptr(),
                pw.as_ptr(),
                ptr::null(),
                ptr::null_mut(),
            )
        },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { aliyun_mqtt_verify_identify(cid.as_ptr(), user.as_ptr(), ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    let st = unsafe { aliyun_mqtt_verify_identify(cid.as_ptr(), user.as_ptr(), &mut info) };
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(text(&info.product_key), "a14Xib5kdYd");
    // Over-long inputs are bounded reads with their field's status.
    let huge = cs(&"x".repeat(5000));
    let st = unsafe {
        aliyun_mqtt_verify(
            huge.as_ptr(),
            user.as_ptr(),
            pw.as_ptr(),
            secret.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID);
    let st = unsafe {
        aliyun_mqtt_verify(
            cid.as_ptr(),
            huge.as_ptr(),
            pw.as_ptr(),
            secret.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_USERNAME);
    let st = unsafe {
        aliyun_mqtt_verify(
            cid.as_ptr(),
            user.as_ptr(),
            huge.as_ptr(),
            secret.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
}

/// The CONNECT fields of every kind of connection the verifier checks, and
/// broken ones: (client id, user name, password).
fn connects() -> Vec<(String, String, String)> {
    let s = |b: Vec<u8>| String::from_utf8(b).unwrap();
    let mut all = Vec::new();
    for method in SignMethod::ALL {
        for (cid, ts) in [
            (None, None),
            (Some(&b"SN1928339"[..]), Some(1539421321846u64)),
        ] {
            let mut dev = Device::new(b"a14Xib5kdYd", b"light1983432", SECRET.as_bytes());
            dev.sign_method = method;
            dev.client_id = cid;
            dev.timestamp_ms = ts;
            let (c, u, p) = fields(&dev);
            let (c, u, p) = (s(c), s(u), s(p));
            let mut tampered = p.clone().into_bytes();
            tampered[3] ^= 1;
            all.push((c.clone(), u.clone(), s(tampered)));
            all.push((c.clone(), u.clone(), p.to_uppercase()));
            all.push((c.clone(), u.clone(), format!("{p}0")));
            all.push((c.clone(), u.clone(), String::new()));
            // An empty device client id: the content starts at deviceName.
            let bare = c
                .split_once('|')
                .map(|(_, rest)| format!("|{rest}"))
                .unwrap();
            all.push((bare, u.clone(), p.clone()));
            all.push((c, u, p));
        }
    }
    // Registrations, signed by the C signer, for each HMAC method and auth
    // type; sha256 is refused for them.
    for auth in [
        aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGISTER,
        aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGNWL,
    ] {
        for method in [1u32, 2, 3] {
            let (pk, dn, random) = (c"a1B2c3D4e5F", c"sensor-0001", c"8Fk2mQ");
            let secret = CString::new(SECRET).unwrap();
            let mut reg = aliyun_mqtt_registration_default();
            reg.product_key = pk.as_ptr();
            reg.device_name = dn.as_ptr();
            reg.product_secret = secret.as_ptr();
            reg.random = random.as_ptr();
            reg.auth_type = auth as u32;
            reg.sign_method = method;
            let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
            assert_eq!(
                unsafe { aliyun_mqtt_register_sign(&reg, &mut cred) },
                S::ALIYUN_MQTT_OK
            );
            let (c, u, p) = (
                text(&cred.client_id),
                text(&cred.username),
                text(&cred.password),
            );
            if method == 3 {
                all.push((c.replace("hmacsha256", "sha256"), u.clone(), p.clone()));
            }
            all.push((
                c.replace("random=8Fk2mQ", "random=8Fk2mR"),
                u.clone(),
                p.clone(),
            ));
            all.push((c, u, p));
        }
    }
    // connwl: the password is the deviceToken, up to 128 bytes.
    for token in [
        SECRET.to_owned(),
        "t".repeat(64),
        "t".repeat(65),
        "t".repeat(128),
        "t".repeat(129),
        LONG_TOKEN.to_owned(),
    ] {
        let cid = "client-7|securemode=-2,authType=connwl|".to_owned();
        all.push((cid, "sensor-0001&a1B2c3D4e5F".to_owned(), token));
    }
    // Every way identify refuses.
    for cid in [
        "SN1928339",
        "SN1|securemode=3,,lan=C|",
        "SN1|securemode=3,securemode=2|",
        "SN 1|securemode=3|",
        "SN1||",
        "SN1|securemode=3,signmethod=hmacsha512|",
        "SN1|securemode=3,timestamp=12a|",
        "SN1|securemode=3,authType=other|",
        "SN1|securemode=3,authType=register|",
    ] {
        all.push((
            cid.to_owned(),
            "light1983432&a14Xib5kdYd".to_owned(),
            "00".to_owned(),
        ));
    }
    all.push((
        "SN1|securemode=3|".to_owned(),
        "light1983432a14Xib5kdYd".to_owned(),
        "00".to_owned(),
    ));
    all
}

const SECRET: &str = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
/// 128 bytes: valid only as a deviceToken.
const LONG_TOKEN: &str = "tok_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567890a";

/// The secrets tried against every CONNECT: valid in every role, in some
/// only, in none.
fn secrets() -> Vec<String> {
    vec![
        SECRET.to_owned(),
        "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zQ".to_owned(), // wrong
        "t".repeat(64),
        "t".repeat(65),
        "t".repeat(128),
        LONG_TOKEN.to_owned(),
        "t".repeat(129),
        String::new(),
        "with space".to_owned(),
        "tab\tin".to_owned(),
        "\u{7f}".to_owned(),
        "é".to_owned(),
    ]
}

fn info_bytes(info: &aliyun_mqtt_verify_info) -> Vec<u8> {
    let p = (info as *const aliyun_mqtt_verify_info).cast::<u8>();
    unsafe { std::slice::from_raw_parts(p, size_of::<aliyun_mqtt_verify_info>()) }.to_vec()
}

/// `aliyun_mqtt_verify` with the secret, and `aliyun_mqtt_verify_with_key`
/// with it prepared: status and info bytes.
fn both(cid: &CStr, user: &CStr, pw: &CStr, secret: &CStr) -> [(S, Vec<u8>); 2] {
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    let plain = unsafe {
        aliyun_mqtt_verify(
            cid.as_ptr(),
            user.as_ptr(),
            pw.as_ptr(),
            secret.as_ptr(),
            &mut info,
        )
    };
    let plain_info = info_bytes(&info);
    let mut key = aliyun_mqtt_verify_key::ZERO;
    let init = unsafe { aliyun_mqtt_verify_key_init(secret.as_ptr(), &mut key) };
    assert!(matches!(
        init,
        S::ALIYUN_MQTT_OK | S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET
    ));
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    let keyed = unsafe {
        aliyun_mqtt_verify_with_key(cid.as_ptr(), user.as_ptr(), pw.as_ptr(), &key, &mut info)
    };
    [(plain, plain_info), (keyed, info_bytes(&info))]
}

#[test]
fn test_verify_with_key_same_as_verify_everywhere_succeed() {
    use std::collections::BTreeMap;
    let mut seen: BTreeMap<u32, usize> = BTreeMap::new();
    for (cid, user, pw) in connects() {
        let (c, u, p) = (
            CString::new(cid.clone()).unwrap(),
            CString::new(user.clone()).unwrap(),
            CString::new(pw.clone()).unwrap(),
        );
        for secret in secrets() {
            let s = CString::new(secret.clone()).unwrap();
            let [plain, keyed] = both(&c, &u, &p, &s);
            assert_eq!(plain, keyed, "{cid} {user} {pw} {secret:?}");
            *seen.entry(plain.0 as u32).or_default() += 1;
            // The Rust API agrees with the C one and with itself.
            let mut key = aliyun_mqtt_verify_key::ZERO;
            let _ = key.init(secret.as_bytes());
            let rust = verify(
                cid.as_bytes(),
                user.as_bytes(),
                pw.as_bytes(),
                secret.as_bytes(),
            );
            let rust_keyed = verify_with_key(cid.as_bytes(), user.as_bytes(), pw.as_bytes(), &key);
            assert_eq!(rust, rust_keyed, "{cid} {pw} {secret:?}");
            // (The C API reads the password before the secret, so an
            // over-long password is its first error; acceptance agrees.)
            assert_eq!(rust.is_ok(), plain.0 == S::ALIYUN_MQTT_OK);
        }
    }
    let names: Vec<&str> = seen
        .keys()
        .map(|s| {
            unsafe { CStr::from_ptr(aliyun_mqtt_status_name(*s)) }
                .to_str()
                .unwrap()
        })
        .collect();
    // Every status a verification can end with, each reached.
    assert_eq!(
        names,
        [
            "ALIYUN_MQTT_OK",
            "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET",
            "ALIYUN_MQTT_ERR_INVALID_CLIENT_ID",
            "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD",
            "ALIYUN_MQTT_ERR_INVALID_SECURE_MODE",
            "ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID",
            "ALIYUN_MQTT_ERR_DUPLICATE_PARAM",
            "ALIYUN_MQTT_ERR_EMPTY_PARAM",
            "ALIYUN_MQTT_ERR_INVALID_USERNAME",
            "ALIYUN_MQTT_ERR_INVALID_TIMESTAMP",
            "ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH",
            "ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET",
            "ALIYUN_MQTT_ERR_INVALID_RANDOM",
            "ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE",
            "ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN",
        ],
        "{seen:?}"
    );
    // Accepted: the right and the upper-case password of the 4 methods x 2
    // client id forms (16), the 2 x 3 registrations (6), and the 5 tokens
    // of 1 to 128 bytes under the same secret.
    assert_eq!(seen[&(S::ALIYUN_MQTT_OK as u32)], 27, "{seen:?}");
}

#[test]
fn test_connwl_token_of_128_bytes_verifies_succeed() {
    let cid = c"client-7|securemode=-2,authType=connwl|";
    let user = c"sensor-0001&a1B2c3D4e5F";
    let token = CString::new(LONG_TOKEN).unwrap();
    let [plain, keyed] = both(cid, user, &token, &token);
    assert_eq!((plain.0, keyed.0), (S::ALIYUN_MQTT_OK, S::ALIYUN_MQTT_OK));
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe {
            aliyun_mqtt_verify(
                cid.as_ptr(),
                user.as_ptr(),
                token.as_ptr(),
                token.as_ptr(),
                &mut info,
            )
        },
        S::ALIYUN_MQTT_OK
    );
    assert_eq!(
        info.auth_type,
        aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_CONNWL as u32
    );
    // 129 bytes is no deviceToken, whatever the secret.
    let long = CString::new(format!("{LONG_TOKEN}x")).unwrap();
    assert_eq!(
        both(cid, user, &long, &token)[1].0,
        S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH
    );
}

fn key_bytes(key: &aliyun_mqtt_verify_key) -> Vec<u8> {
    let p = (key as *const aliyun_mqtt_verify_key).cast::<u8>();
    unsafe { std::slice::from_raw_parts(p, size_of::<aliyun_mqtt_verify_key>()) }.to_vec()
}

#[test]
fn test_verify_key_wipe_zeroes_every_byte_succeed() {
    let secret = CString::new(SECRET).unwrap();
    let mut key = aliyun_mqtt_verify_key::ZERO;
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_init(secret.as_ptr(), &mut key) },
        S::ALIYUN_MQTT_OK
    );
    let bytes = key_bytes(&key);
    // The secret is in it, and the states.
    assert!(bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()));
    assert!(bytes[..192].iter().filter(|b| **b != 0).count() > 100);
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_wipe(&mut key) },
        S::ALIYUN_MQTT_OK
    );
    assert!(key_bytes(&key).iter().all(|b| *b == 0));
    // Every byte, the padding too: a key whose memory is all 0xA5.
    let mut raw = std::mem::MaybeUninit::<aliyun_mqtt_verify_key>::uninit();
    unsafe { ptr::write_bytes(raw.as_mut_ptr(), 0xA5, 1) };
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_wipe(raw.as_mut_ptr()) },
        S::ALIYUN_MQTT_OK
    );
    let raw = unsafe { raw.assume_init() };
    assert!(key_bytes(&raw).iter().all(|b| *b == 0));
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_wipe(ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    // A wiped key verifies nothing: what the empty secret gives.
    let cid = c"SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|";
    let user = c"light1983432&a14Xib5kdYd";
    let pw = c"b2488041f64f425016b467ee1c94959ebd592ad1";
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe {
            aliyun_mqtt_verify_with_key(cid.as_ptr(), user.as_ptr(), pw.as_ptr(), &key, &mut info)
        },
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET
    );
    // The Rust wipe clears the fields too.
    let mut key = aliyun_mqtt_verify_key::ZERO;
    key.init(SECRET.as_bytes()).unwrap();
    key.wipe();
    assert!(key_bytes(&key).iter().all(|b| *b == 0));
}

#[test]
fn test_verify_key_init_errors_fail() {
    let cid = c"SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|";
    let user = c"light1983432&a14Xib5kdYd";
    let pw = c"b2488041f64f425016b467ee1c94959ebd592ad1";
    let good = CString::new(SECRET).unwrap();
    let mut key = aliyun_mqtt_verify_key::ZERO;
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_init(ptr::null(), &mut key) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_init(good.as_ptr(), ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe {
            aliyun_mqtt_verify_with_key(
                cid.as_ptr(),
                user.as_ptr(),
                pw.as_ptr(),
                ptr::null(),
                &mut info,
            )
        },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    for bad in [
        String::new(),
        "t".repeat(129),
        "t".repeat(5000),
        "a b".into(),
        "é".into(),
    ] {
        // A key that held a good secret is zeroed by the failed init.
        assert_eq!(
            unsafe { aliyun_mqtt_verify_key_init(good.as_ptr(), &mut key) },
            S::ALIYUN_MQTT_OK
        );
        let bad = CString::new(bad).unwrap();
        assert_eq!(
            unsafe { aliyun_mqtt_verify_key_init(bad.as_ptr(), &mut key) },
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET
        );
        assert!(key_bytes(&key).iter().all(|b| *b == 0));
        assert_eq!(
            unsafe {
                aliyun_mqtt_verify_with_key(
                    cid.as_ptr(),
                    user.as_ptr(),
                    pw.as_ptr(),
                    &key,
                    &mut info,
                )
            },
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET
        );
    }
    // The secret is read up to 129 bytes, no further: 129 bytes with no
    // NUL after them are refused without a read past them.
    let unterminated = [b't'; 129];
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_init(unterminated.as_ptr().cast(), &mut key) },
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET
    );
    // A new init replaces the old secret entirely.
    let other = c"another-secret";
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_init(good.as_ptr(), &mut key) },
        S::ALIYUN_MQTT_OK
    );
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_init(other.as_ptr(), &mut key) },
        S::ALIYUN_MQTT_OK
    );
    assert_eq!(
        unsafe {
            aliyun_mqtt_verify_with_key(cid.as_ptr(), user.as_ptr(), pw.as_ptr(), &key, &mut info)
        },
        S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH
    );
}

/// The header's rule for `aliyun_mqtt_verify_info`: each string array is
/// its string, a NUL and zeros, whatever the array held before, for every
/// outcome of identify, verify and verify_with_key.
#[test]
fn test_verify_info_strings_end_in_zeros_succeed() {
    fn zero_tail(chars: &[c_char]) -> bool {
        let nul = chars.iter().position(|c| *c == 0);
        nul.is_some_and(|at| chars[at..].iter().all(|c| *c == 0))
    }
    let mut checked = 0;
    for (cid, user, pw) in connects() {
        let (c, u, p) = (
            CString::new(cid.clone()).unwrap(),
            CString::new(user).unwrap(),
            CString::new(pw).unwrap(),
        );
        for secret in secrets() {
            let s = CString::new(secret).unwrap();
            let mut key = aliyun_mqtt_verify_key::ZERO;
            let _ = unsafe { aliyun_mqtt_verify_key_init(s.as_ptr(), &mut key) };
            for call in 0..3 {
                let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
                // SAFETY: every bit pattern of the arrays' bytes is valid.
                unsafe {
                    ptr::write_bytes(
                        (&mut info as *mut aliyun_mqtt_verify_info).cast::<u8>(),
                        0x41,
                        size_of::<aliyun_mqtt_verify_info>(),
                    )
                };
                let _ = unsafe {
                    match call {
                        0 => aliyun_mqtt_verify_identify(c.as_ptr(), u.as_ptr(), &mut info),
                        1 => aliyun_mqtt_verify(
                            c.as_ptr(),
                            u.as_ptr(),
                            p.as_ptr(),
                            s.as_ptr(),
                            &mut info,
                        ),
                        _ => aliyun_mqtt_verify_with_key(
                            c.as_ptr(),
                            u.as_ptr(),
                            p.as_ptr(),
                            &key,
                            &mut info,
                        ),
                    }
                };
                for field in [
                    &info.product_key[..],
                    &info.device_name[..],
                    &info.client_id[..],
                    &info.random[..],
                ] {
                    assert!(zero_tail(field), "{cid} call {call}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}
