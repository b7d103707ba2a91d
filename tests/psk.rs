//! PROTOCOL.md §9 through the C ABI: the TLS-PSK identity and key of the
//! vendor's 4.x C SDK (`core/utils/core_auth.c`, `core_auth_tls_psk`: the
//! identity `"%s|%s|%s&%s|%s"` of `devicename`, `hmacsha256`, pk, dn and
//! the timestamp; the key `core_hex2str(HMAC-SHA256(ds, "id%s&%stimestamp%s"),
//! 32, psk, 0)`, upper-case hex) and the MQTT 5 assigned-client-id form,
//! each re-computed here with an independent HMAC crate.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::psk::{ALIYUN_MQTT_PSK_IDENTITY_SIZE, ALIYUN_MQTT_PSK_KEY_SIZE};
use aliyun_mqtt_sign::Status;
use common::*;

type S = Status;
const HMAC_SHA256: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32;
const HMAC_SHA1: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32;
const HMAC_MD5: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_MD5 as u32;

/// The timestamp the 4.x SDK signs with (`CORE_AUTH_TIMESTAMP`).
const SDK_TIMESTAMP: u64 = 2_524_608_000_000;

struct Dev {
    _keep: Vec<CString>,
    raw: aliyun_mqtt_device,
}

fn dev(pk: &str, dn: &str, ds: &str, ts: u64) -> Dev {
    let keep = vec![cs(pk), cs(dn), cs(ds)];
    let raw = aliyun_mqtt_device {
        product_key: keep[0].as_ptr(),
        device_name: keep[1].as_ptr(),
        device_secret: keep[2].as_ptr(),
        client_id: ptr::null(),
        timestamp_ms: ts,
        sign_method: HMAC_SHA256,
        secure_mode: aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TLS as i32,
        extra_params: ptr::null(),
        uppercase_hex: false,
    };
    Dev { _keep: keep, raw }
}

type Builder =
    unsafe extern "C" fn(*const aliyun_mqtt_device, *mut c_char, usize, *mut usize) -> Status;

fn call(f: Builder, d: &aliyun_mqtt_device) -> Result<String, Status> {
    let mut buf = vec![CANARY; 256];
    let mut len = usize::MAX;
    let st = unsafe { f(d, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
    if st != S::ALIYUN_MQTT_OK {
        assert_eq!((buf[0], len), (0, 0), "{st:?}");
        return Err(st);
    }
    assert_eq!(buf[len], 0);
    Ok(String::from_utf8(buf[..len].to_vec()).unwrap())
}

const DEVICES: [(&str, &str, &str); 3] = [
    (
        "a1B2c3D4e5F",
        "sensor_01",
        "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12",
    ),
    (
        "a14Xib5kdYd",
        "light1983432",
        "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
    ),
    (
        "k0abcdef",
        "dev-0001@site:7",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ),
];

#[test]
fn test_psk_identity_and_key_match_sdk_rule_succeed() {
    for (pk, dn, ds) in DEVICES {
        for ts in [SDK_TIMESTAMP, 1_700_000_000_123, 1] {
            let mut d = dev(pk, dn, ds, ts);
            let id = call(aliyun_mqtt_psk_identity, &d.raw).unwrap();
            assert_eq!(id, format!("devicename|hmacsha256|{pk}&{dn}|{ts}"));
            let key = call(aliyun_mqtt_psk_key, &d.raw).unwrap();
            let want = independent(HMAC_SHA256, ds, &format!("id{pk}&{dn}timestamp{ts}"));
            assert_eq!(key, want.to_uppercase(), "{pk} {ts}");
            assert_eq!(key.len(), 64);
            // The key's case is fixed whatever the device asks for.
            d.raw.uppercase_hex = true;
            assert_eq!(call(aliyun_mqtt_psk_key, &d.raw).unwrap(), key);
            // Client id, secure mode and extra parameters are not used.
            let cid = cs("SN1928339");
            let extra = cs("lan=C");
            d.raw.client_id = cid.as_ptr();
            d.raw.extra_params = extra.as_ptr();
            d.raw.secure_mode = aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TCP as i32;
            assert_eq!(call(aliyun_mqtt_psk_identity, &d.raw).unwrap(), id);
            assert_eq!(call(aliyun_mqtt_psk_key, &d.raw).unwrap(), key);
        }
    }
    // A fixed vector of the SDK's own timestamp.
    let d = dev(
        "a1B2c3D4e5F",
        "sensor_01",
        "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12",
        SDK_TIMESTAMP,
    );
    assert_eq!(
        call(aliyun_mqtt_psk_identity, &d.raw).unwrap(),
        "devicename|hmacsha256|a1B2c3D4e5F&sensor_01|2524608000000"
    );
}

#[test]
fn test_psk_sizes_and_buffer_rule_succeed() {
    let pk = "P".repeat(20);
    let dn = "d".repeat(32);
    let d = dev(&pk, &dn, &"s".repeat(64), u64::MAX);
    let id = call(aliyun_mqtt_psk_identity, &d.raw).unwrap();
    assert_eq!(id.len() + 1, ALIYUN_MQTT_PSK_IDENTITY_SIZE);
    let key = call(aliyun_mqtt_psk_key, &d.raw).unwrap();
    assert_eq!(key.len() + 1, ALIYUN_MQTT_PSK_KEY_SIZE);
    let d = dev("a1B2c3D4e5F", "sensor_01", "secret", SDK_TIMESTAMP);
    buffer_rule("psk_identity", &|b, c, l| unsafe {
        aliyun_mqtt_psk_identity(&d.raw, b, c, l)
    });
    buffer_rule("psk_key", &|b, c, l| unsafe {
        aliyun_mqtt_psk_key(&d.raw, b, c, l)
    });
}

#[test]
fn test_psk_invalid_fail() {
    let mut d = dev("a1B2c3D4e5F", "sensor_01", "secret", 0);
    for f in [aliyun_mqtt_psk_identity as Builder, aliyun_mqtt_psk_key] {
        assert_eq!(call(f, &d.raw), Err(S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP));
    }
    d.raw.timestamp_ms = SDK_TIMESTAMP;
    for method in [
        HMAC_SHA1,
        HMAC_MD5,
        aliyun_mqtt_sign_method::ALIYUN_MQTT_SHA256 as u32,
    ] {
        d.raw.sign_method = method;
        for f in [aliyun_mqtt_psk_identity as Builder, aliyun_mqtt_psk_key] {
            assert_eq!(call(f, &d.raw), Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD));
        }
    }
    d.raw.sign_method = 99;
    assert!(call(aliyun_mqtt_psk_key, &d.raw).is_err());
    let bad = dev("a1B2 c3D4", "sensor_01", "secret", SDK_TIMESTAMP);
    assert_eq!(
        call(aliyun_mqtt_psk_identity, &bad.raw),
        Err(S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY)
    );
    let bad = dev("a1B2c3D4", "sensor_01", "", SDK_TIMESTAMP);
    assert_eq!(
        call(aliyun_mqtt_psk_key, &bad.raw),
        Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET)
    );
    let mut len = 0;
    assert_eq!(
        unsafe { aliyun_mqtt_psk_key(ptr::null(), ptr::null_mut(), 0, &mut len) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

// ------------------------------------------------------ MQTT 5 assigned id

fn text(field: &[c_char]) -> String {
    unsafe { CStr::from_ptr(field.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn assigned(d: &aliyun_mqtt_device) -> (Status, String, String, String) {
    let mut out: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    let st = unsafe { aliyun_mqtt_sign_assigned(d, &mut out) };
    (
        st,
        text(&out.client_id),
        text(&out.username),
        text(&out.password),
    )
}

#[test]
fn test_assigned_client_id_form_succeed() {
    for (pk, dn, ds) in DEVICES {
        for method in [HMAC_SHA256, HMAC_SHA1, HMAC_MD5] {
            let mut d = dev(pk, dn, ds, SDK_TIMESTAMP);
            d.raw.sign_method = method;
            let name = match method {
                HMAC_SHA256 => "hmacsha256",
                HMAC_SHA1 => "hmacsha1",
                _ => "hmacmd5",
            };
            let (st, cid, user, pass) = assigned(&d.raw);
            assert_eq!(st, S::ALIYUN_MQTT_OK);
            assert_eq!(
                cid,
                format!("|securemode=2,signmethod={name},timestamp={SDK_TIMESTAMP}|")
            );
            assert_eq!(user, format!("{dn}&{pk}"));
            // `clientId` is signed with an empty value.
            let content = format!("clientIddeviceName{dn}productKey{pk}timestamp{SDK_TIMESTAMP}");
            assert_eq!(pass, independent(method, ds, &content));
            // Without a timestamp, and with extra parameters.
            let extra = cs("_v=4.1.0,_ss=1");
            d.raw.timestamp_ms = 0;
            d.raw.extra_params = extra.as_ptr();
            d.raw.secure_mode = aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TCP as i32;
            d.raw.uppercase_hex = true;
            let (st, cid, _, pass) = assigned(&d.raw);
            assert_eq!(st, S::ALIYUN_MQTT_OK);
            assert_eq!(
                cid,
                format!("|securemode=3,signmethod={name},_v=4.1.0,_ss=1|")
            );
            let content = format!("clientIddeviceName{dn}productKey{pk}");
            assert_eq!(pass, independent(method, ds, &content).to_uppercase());
        }
    }
}

#[test]
fn test_assigned_client_id_invalid_fail() {
    let mut d = dev("a1B2c3D4e5F", "sensor_01", "secret", SDK_TIMESTAMP);
    let cid = cs("SN1");
    d.raw.client_id = cid.as_ptr();
    let (st, cid, user, pass) = assigned(&d.raw);
    assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID);
    assert!(cid.is_empty() && user.is_empty() && pass.is_empty());
    // An empty client id is the same as none.
    let empty = cs("");
    d.raw.client_id = empty.as_ptr();
    assert_eq!(assigned(&d.raw).0, S::ALIYUN_MQTT_OK);
    let bad = dev("a1B2c3D4e5F", "x", "secret", SDK_TIMESTAMP);
    assert_eq!(assigned(&bad.raw).0, S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME);
    assert_eq!(
        unsafe { aliyun_mqtt_sign_assigned(&d.raw, ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}
