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
use aliyun_mqtt_sign::verify::{identify, verify};
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
