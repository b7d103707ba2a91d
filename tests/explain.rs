//! `aliyun_mqtt_explain`: each common signing mistake, made on purpose by a
//! signer written here over independent HMAC crates, gets its own verdict.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use std::ffi::{c_char, CStr};
use std::ptr;

use aliyun_mqtt_sign::explain::{
    aliyun_mqtt_explain_field as F, aliyun_mqtt_verdict as V, ALIYUN_MQTT_SIGNED_CONTENT_SIZE,
};
use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::Status as S;
use common::{cs, independent};

const PK: &str = "a14Xib5kdYd";
const DN: &str = "light1983432";
const DS: &str = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
const TS: &str = "1539421321846";
const HMAC_SHA256: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32;
const HMAC_SHA1: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32;
const HMAC_MD5: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_MD5 as u32;

/// A CONNECT as a hand-written signer made it.
struct Connect {
    client_id: String,
    username: String,
    password: String,
}

/// The platform's rule, written out here: `clientId..deviceName..
/// productKey..timestamp..` sorted, HMAC under the DeviceSecret.
fn right(method: u32, method_name: &str) -> Connect {
    let cid = format!("{PK}.{DN}");
    Connect {
        client_id: format!("{cid}|securemode=2,signmethod={method_name},timestamp={TS}|"),
        username: format!("{DN}&{PK}"),
        password: independent(
            method,
            DS,
            &format!("clientId{cid}deviceName{DN}productKey{PK}timestamp{TS}"),
        ),
    }
}

fn sha256_connect() -> Connect {
    right(HMAC_SHA256, "hmacsha256")
}

struct Explained {
    status: S,
    out: Box<aliyun_mqtt_explanation>,
}

fn run(c: &Connect, secret: Option<&str>, keepalive: i32) -> Explained {
    let (cid, user, pw) = (cs(&c.client_id), cs(&c.username), cs(&c.password));
    let secret = secret.map(cs);
    let mut out: Box<aliyun_mqtt_explanation> = Box::new(unsafe { std::mem::zeroed() });
    let status = unsafe {
        aliyun_mqtt_explain(
            cid.as_ptr(),
            user.as_ptr(),
            pw.as_ptr(),
            secret.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            keepalive,
            &mut *out,
        )
    };
    Explained { status, out }
}

fn text(chars: &[c_char]) -> String {
    unsafe { CStr::from_ptr(chars.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn verdict(c: &Connect, secret: Option<&str>, keepalive: i32) -> V {
    let e = run(c, secret, keepalive);
    assert_eq!(e.status, S::ALIYUN_MQTT_OK);
    V::ALL[e.out.verdict as usize]
}

/// The bytes of the field the verdict points into, at its span.
fn pointed(c: &Connect, e: &Explained) -> String {
    let field = match e.out.field {
        f if f == F::ALIYUN_MQTT_FIELD_CLIENT_ID as u32 => &c.client_id,
        f if f == F::ALIYUN_MQTT_FIELD_USERNAME as u32 => &c.username,
        f if f == F::ALIYUN_MQTT_FIELD_PASSWORD as u32 => &c.password,
        _ => return String::new(),
    };
    field[e.out.offset..e.out.offset + e.out.length].to_owned()
}

#[test]
fn test_explain_right_credentials_succeed() {
    for (method, name) in [
        (HMAC_SHA256, "hmacsha256"),
        (HMAC_SHA1, "hmacsha1"),
        (HMAC_MD5, "hmacmd5"),
    ] {
        let c = right(method, name);
        let e = run(&c, Some(DS), 60);
        assert_eq!(e.status, S::ALIYUN_MQTT_OK);
        assert_eq!(
            e.out.verdict,
            V::ALIYUN_MQTT_VERDICT_ACCEPTED as u32,
            "{name}"
        );
        assert!(e.out.parsed && !e.out.uppercase_hex);
        assert_eq!(text(&e.out.expected_password), c.password);
        assert_eq!(
            text(&e.out.content),
            format!("clientId{PK}.{DN}deviceName{DN}productKey{PK}timestamp{TS}")
        );
        assert_eq!(text(&e.out.info.product_key), PK);
        assert_eq!(text(&e.out.info.device_name), DN);
        assert_eq!(e.out.info.timestamp_ms, TS.parse::<u64>().unwrap());
        // Without the secret: well-formed, unchecked, no expected password.
        let e = run(&c, None, -1);
        assert_eq!(e.out.verdict, V::ALIYUN_MQTT_VERDICT_UNCHECKED as u32);
        assert_eq!(text(&e.out.expected_password), "");
        assert!(text(&e.out.content).starts_with("clientId"));
    }
    // Upper-case hex is accepted and reported.
    let mut c = sha256_connect();
    c.password = c.password.to_uppercase();
    let e = run(&c, Some(DS), -1);
    assert_eq!(e.out.verdict, V::ALIYUN_MQTT_VERDICT_ACCEPTED as u32);
    assert!(e.out.uppercase_hex);
    // Keep-alive at both ends of the range.
    for k in [30, 1200] {
        assert_eq!(
            verdict(&sha256_connect(), Some(DS), k),
            V::ALIYUN_MQTT_VERDICT_ACCEPTED
        );
    }
}

#[test]
fn test_explain_each_mistake_fail() {
    let cid = format!("{PK}.{DN}");
    let long_cid = "c".repeat(65);
    let params = format!("securemode=2,signmethod=hmacsha256,timestamp={TS}");
    let sign = |content: String| independent(HMAC_SHA256, DS, &content);
    let with = |client_id: String, username: String, password: String| Connect {
        client_id,
        username,
        password,
    };
    let cases: Vec<(&str, Connect, V, &str)> = vec![
        (
            "pairs sorted wrongly",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                sign(format!(
                    "deviceName{DN}productKey{PK}clientId{cid}timestamp{TS}"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_CONTENT_ORDER,
            "",
        ),
        (
            "timestamp left out of the content",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                sign(format!("clientId{cid}deviceName{DN}productKey{PK}")),
            ),
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS,
            TS,
        ),
        (
            "seconds signed, milliseconds sent",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                sign(format!(
                    "clientId{cid}deviceName{DN}productKey{PK}timestamp1539421321"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_DIFFERS,
            TS,
        ),
        (
            "pk&dn signed for the client id pk.dn",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                sign(format!(
                    "clientId{PK}&{DN}deviceName{DN}productKey{PK}timestamp{TS}"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS,
            &cid,
        ),
        (
            "the whole client identifier signed as clientId",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                sign(format!(
                    "clientId{cid}|{params}|deviceName{DN}productKey{PK}timestamp{TS}"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_CONTENT_CLIENT_ID_DIFFERS,
            &cid,
        ),
        (
            "user name productKey&deviceName",
            with(
                format!("{cid}|{params}|"),
                format!("{PK}&{DN}"),
                sign(format!(
                    "clientId{cid}deviceName{DN}productKey{PK}timestamp{TS}"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_KEYS_SWAPPED,
            "",
        ),
        (
            "user name productKey&deviceName with a DeviceName no ProductKey can be",
            with(
                format!("{PK}.my-dev_1|{params}|"),
                format!("{PK}&my-dev_1"),
                sign(format!(
                    "clientId{PK}.my-dev_1deviceNamemy-dev_1productKey{PK}timestamp{TS}"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_USERNAME_SWAPPED,
            "",
        ),
        (
            "wrong secret",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                independent(
                    HMAC_SHA256,
                    "wrongwrongwrongwrongwrongwrong12",
                    &format!("clientId{cid}deviceName{DN}productKey{PK}timestamp{TS}"),
                ),
            ),
            V::ALIYUN_MQTT_VERDICT_WRONG_SECRET,
            "",
        ),
        (
            "the values without their names",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                sign(format!("{cid}{DN}{PK}{TS}")),
            ),
            V::ALIYUN_MQTT_VERDICT_CONTENT_FORMAT,
            "",
        ),
        (
            "hmacsha1 named, hmacsha256 signed",
            with(
                format!("{cid}|securemode=2,signmethod=hmacsha1,timestamp={TS}|"),
                format!("{DN}&{PK}"),
                sign(format!(
                    "clientId{cid}deviceName{DN}productKey{PK}timestamp{TS}"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_DIFFERS,
            "hmacsha1",
        ),
        (
            "no signmethod (hmacmd5), hmacsha256 signed",
            with(
                format!("{cid}|securemode=2,timestamp={TS}|"),
                format!("{DN}&{PK}"),
                sign(format!(
                    "clientId{cid}deviceName{DN}productKey{PK}timestamp{TS}"
                )),
            ),
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_ABSENT,
            "",
        ),
        (
            "unknown signmethod",
            with(
                format!("{cid}|securemode=2,signmethod=hmacsha512|"),
                format!("{DN}&{PK}"),
                "00".into(),
            ),
            V::ALIYUN_MQTT_VERDICT_SIGN_METHOD_UNKNOWN,
            "hmacsha512",
        ),
        (
            "securemode missing",
            with(
                format!("{cid}|signmethod=hmacsha256|"),
                format!("{DN}&{PK}"),
                sign(format!("clientId{cid}deviceName{DN}productKey{PK}")),
            ),
            V::ALIYUN_MQTT_VERDICT_SECURE_MODE_MISSING,
            "",
        ),
        (
            "securemode 4",
            with(
                format!("{cid}|securemode=4,signmethod=hmacsha256|"),
                format!("{DN}&{PK}"),
                sign(format!("clientId{cid}deviceName{DN}productKey{PK}")),
            ),
            V::ALIYUN_MQTT_VERDICT_SECURE_MODE_INVALID,
            "4",
        ),
        (
            "client id of 65 characters",
            with(
                format!("{}|{params}|", "c".repeat(65)),
                format!("{DN}&{PK}"),
                "00".into(),
            ),
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_TOO_LONG,
            &long_cid,
        ),
        (
            "no bars",
            with(cid.clone(), format!("{DN}&{PK}"), "00".into()),
            V::ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED,
            &cid,
        ),
        (
            "timestamp not digits",
            with(
                format!("{cid}|securemode=2,signmethod=hmacsha256,timestamp=12a|"),
                format!("{DN}&{PK}"),
                "00".into(),
            ),
            V::ALIYUN_MQTT_VERDICT_TIMESTAMP_INVALID,
            "12a",
        ),
        (
            "a repeated parameter",
            with(
                format!("{cid}|securemode=2,securemode=2|"),
                format!("{DN}&{PK}"),
                "00".into(),
            ),
            V::ALIYUN_MQTT_VERDICT_PARAMS_MALFORMED,
            "",
        ),
        (
            "user name with a dot",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}.{PK}"),
                "00".into(),
            ),
            V::ALIYUN_MQTT_VERDICT_USERNAME_INVALID,
            "",
        ),
        (
            "password of 63 hex digits",
            with(
                format!("{cid}|{params}|"),
                format!("{DN}&{PK}"),
                sign(format!(
                    "clientId{cid}deviceName{DN}productKey{PK}timestamp{TS}"
                ))[1..]
                    .into(),
            ),
            V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST,
            "",
        ),
    ];
    for (what, c, want, span) in &cases {
        let e = run(c, Some(DS), 60);
        assert_eq!(e.status, S::ALIYUN_MQTT_OK, "{what}");
        assert_eq!(V::ALL[e.out.verdict as usize], *want, "{what}");
        if !span.is_empty() {
            assert_eq!(pointed(c, &e), *span, "{what}: span");
        }
        let line = unsafe { CStr::from_ptr(aliyun_mqtt_verdict_str(e.out.verdict)) };
        assert_eq!(line.to_str().unwrap(), want.message(), "{what}");
        // The secret is never copied into the explanation.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                (&*e.out as *const aliyun_mqtt_explanation).cast::<u8>(),
                size_of::<aliyun_mqtt_explanation>(),
            )
        };
        assert!(
            !bytes.windows(DS.len()).any(|w| w == DS.as_bytes()),
            "{what}"
        );
    }
    // Every verdict but the ones only other inputs give is produced above.
    let produced: Vec<V> = cases.iter().map(|c| c.2).collect();
    for v in V::ALL {
        let elsewhere = matches!(
            v,
            V::ALIYUN_MQTT_VERDICT_ACCEPTED
                | V::ALIYUN_MQTT_VERDICT_UNCHECKED
                | V::ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID
                | V::ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID
                | V::ALIYUN_MQTT_VERDICT_RANDOM_INVALID
                | V::ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE
                | V::ALIYUN_MQTT_VERDICT_SECRET_INVALID
                | V::ALIYUN_MQTT_VERDICT_METHOD_NOT_BUILT
        );
        assert!(
            elsewhere || produced.contains(&v),
            "{v:?} is not produced by a case"
        );
    }
}

#[test]
fn test_explain_keepalive_secret_and_other_fields_fail() {
    let c = sha256_connect();
    for k in [0, 29, 1201, 65535, i32::MAX] {
        let e = run(&c, Some(DS), k);
        assert_eq!(
            e.out.verdict,
            V::ALIYUN_MQTT_VERDICT_KEEPALIVE_OUT_OF_RANGE as u32,
            "{k}"
        );
        assert_eq!(e.out.field, F::ALIYUN_MQTT_FIELD_KEEPALIVE as u32);
    }
    for bad in ["", "has a space", &"x".repeat(65), &"x".repeat(200)] {
        let e = run(&c, Some(bad), 60);
        assert_eq!(
            e.out.verdict,
            V::ALIYUN_MQTT_VERDICT_SECRET_INVALID as u32,
            "{bad:?}"
        );
        assert_eq!(text(&e.out.expected_password), "");
    }
    let mut bad = sha256_connect();
    bad.client_id = format!("{PK}.{DN} x|securemode=2|");
    assert_eq!(
        verdict(&bad, None, -1),
        V::ALIYUN_MQTT_VERDICT_CLIENT_ID_INVALID
    );
    bad.client_id = format!("{PK}.{DN}|securemode=2,authType=nope|");
    assert_eq!(
        verdict(&bad, None, -1),
        V::ALIYUN_MQTT_VERDICT_AUTH_TYPE_INVALID
    );
    bad.client_id = format!("{PK}.{DN}|securemode=2,authType=register|");
    assert_eq!(
        verdict(&bad, None, -1),
        V::ALIYUN_MQTT_VERDICT_RANDOM_INVALID
    );
    // Too long to read whole: the first bytes past the maximum decide.
    bad.client_id = "c".repeat(600);
    let e = run(&bad, None, -1);
    assert_eq!(
        e.out.verdict,
        V::ALIYUN_MQTT_VERDICT_CLIENT_ID_MALFORMED as u32
    );
    assert_eq!((e.out.offset, e.out.length), (0, 513));
    let mut long = sha256_connect();
    long.password = "a".repeat(300);
    assert_eq!(
        verdict(&long, Some(DS), -1),
        V::ALIYUN_MQTT_VERDICT_PASSWORD_NOT_DIGEST
    );
}

#[test]
fn test_explain_registration_and_connwl_succeed_and_fail() {
    let ps = "ps0123456789abcdefghABCDEFGHIJKL";
    let random = "8Ygb7ULYh53B6OA";
    let content = format!("deviceName{DN}productKey{PK}random{random}");
    let c = Connect {
        client_id: format!(
            "{DN}|securemode=2,authType=register,random={random},signmethod=hmacsha256|"
        ),
        username: format!("{DN}&{PK}"),
        password: independent(HMAC_SHA256, ps, &content),
    };
    let e = run(&c, Some(ps), -1);
    assert_eq!(e.out.verdict, V::ALIYUN_MQTT_VERDICT_ACCEPTED as u32);
    assert_eq!(text(&e.out.content), content);
    assert_eq!(text(&e.out.expected_password), c.password);
    assert_eq!(
        verdict(&c, Some("ps0123456789abcdefghABCDEFGHIJKM"), -1),
        V::ALIYUN_MQTT_VERDICT_WRONG_SECRET
    );
    // Registration content in another order.
    let wrong = Connect {
        password: independent(
            HMAC_SHA256,
            ps,
            &format!("productKey{PK}deviceName{DN}random{random}"),
        ),
        ..c
    };
    assert_eq!(
        verdict(&wrong, Some(ps), -1),
        V::ALIYUN_MQTT_VERDICT_CONTENT_ORDER
    );
    // connwl: the password is the deviceToken itself; nothing is signed.
    let token = "tok3n-0123456789";
    let c = Connect {
        client_id: "cid123|securemode=-2,authType=connwl|".to_string(),
        username: format!("{DN}&{PK}"),
        password: token.into(),
    };
    let e = run(&c, Some(token), -1);
    assert_eq!(e.out.verdict, V::ALIYUN_MQTT_VERDICT_ACCEPTED as u32);
    assert_eq!(
        (text(&e.out.content), text(&e.out.expected_password)),
        (String::new(), String::new())
    );
    assert_eq!(
        verdict(&c, Some("tok3n-0123456780"), -1),
        V::ALIYUN_MQTT_VERDICT_WRONG_SECRET
    );
}

#[test]
fn test_explain_arguments_fail() {
    let c = sha256_connect();
    let (cid, user, pw) = (cs(&c.client_id), cs(&c.username), cs(&c.password));
    let mut out: aliyun_mqtt_explanation = unsafe { std::mem::zeroed() };
    unsafe {
        assert_eq!(
            aliyun_mqtt_explain(
                ptr::null(),
                user.as_ptr(),
                pw.as_ptr(),
                ptr::null(),
                -1,
                &mut out
            ),
            S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            aliyun_mqtt_explain(
                cid.as_ptr(),
                ptr::null(),
                pw.as_ptr(),
                ptr::null(),
                -1,
                &mut out
            ),
            S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            aliyun_mqtt_explain(
                cid.as_ptr(),
                user.as_ptr(),
                ptr::null(),
                ptr::null(),
                -1,
                &mut out
            ),
            S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            aliyun_mqtt_explain(
                cid.as_ptr(),
                user.as_ptr(),
                pw.as_ptr(),
                ptr::null(),
                -1,
                ptr::null_mut()
            ),
            S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
        );
    }
    // The output placed over an input: refused, the input unchanged.
    let mut buf = vec![0u8; size_of::<aliyun_mqtt_explanation>() + 64];
    let user_bytes = format!("{DN}&{PK}\0");
    buf[16..16 + user_bytes.len()].copy_from_slice(user_bytes.as_bytes());
    let before = buf.clone();
    let base = buf.as_mut_ptr();
    let status = unsafe {
        aliyun_mqtt_explain(
            cid.as_ptr(),
            base.add(16).cast(),
            pw.as_ptr(),
            ptr::null(),
            -1,
            base.cast(),
        )
    };
    assert_eq!(status, S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    assert_eq!(buf, before);
    for v in [V::ALL.len() as u32, 1000, u32::MAX] {
        let line = unsafe { CStr::from_ptr(aliyun_mqtt_verdict_str(v)) };
        assert_eq!(line.to_str().unwrap(), "unknown verdict");
    }
    for (i, v) in V::ALL.iter().enumerate() {
        assert_eq!(*v as usize, i);
        let name = unsafe { CStr::from_ptr(aliyun_mqtt_verdict_name(*v as u32)) };
        assert_eq!(name.to_str().unwrap(), format!("{v:?}"));
    }
    assert!(
        ALIYUN_MQTT_SIGNED_CONTENT_SIZE
            > format!(
                "clientId{}deviceName{}productKey{}timestamp{}",
                "c".repeat(64),
                "d".repeat(32),
                "p".repeat(20),
                u64::MAX
            )
            .len()
    );
}
