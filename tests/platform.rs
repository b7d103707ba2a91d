//! PROTOCOL.md §2 to §4 through the C ABI: endpoints and the root CA, the HTTPS
//! authentication and registration bodies, MQTT dynamic registration and
//! `connwl`, and the reply parsers. Fixtures are written out by hand;
//! property tests check random valid inputs against independent
//! computations (other authors' HMAC crates, a form decoder and a JSON
//! writer written here).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::limits::*;
use aliyun_mqtt_sign::Status;
use common::*;

type S = Status;

// ---------------------------------------------------------------- helpers

/// Calls an output function with a large canary-filled buffer.
fn out(f: impl Fn(*mut c_char, usize, *mut usize) -> Status) -> Result<String, Status> {
    let mut buf = vec![CANARY; 1024];
    let mut len = usize::MAX;
    let st = f(buf.as_mut_ptr().cast(), buf.len(), &mut len);
    if st != S::ALIYUN_MQTT_OK {
        assert_eq!(buf[0], 0, "error leaves \"\"");
        assert_eq!(len, 0);
        return Err(st);
    }
    assert_eq!(buf[len], 0);
    assert!(buf[len + 1..].iter().all(|b| *b == CANARY));
    Ok(String::from_utf8(buf[..len].to_vec()).unwrap())
}

fn text(chars: &[c_char]) -> String {
    unsafe { CStr::from_ptr(chars.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const NAME: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_@.:";

fn visible() -> Vec<u8> {
    (0x21u8..=0x7e).collect()
}

fn client_id_chars() -> Vec<u8> {
    (0x21u8..=0x7e).filter(|b| !b"|,=".contains(b)).collect()
}

const HMACS: [u32; 3] = [
    aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_MD5 as u32,
    aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32,
    aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
];

fn method_name(m: u32) -> &'static str {
    ["", "hmacmd5", "hmacsha1", "hmacsha256", "sha256"][m as usize]
}

/// Decodes an `application/x-www-form-urlencoded` body (written here, not
/// by the library): pairs in order, `%XX` and `+` decoded.
fn form_decode(body: &str) -> Vec<(String, String)> {
    fn unescape(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' => {
                    out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 3;
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                c => {
                    assert!(
                        c.is_ascii_alphanumeric() || b"-._~".contains(&c),
                        "unencoded {c:?} in {s}"
                    );
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    }
    body.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (unescape(k), unescape(v))
        })
        .collect()
}

/// Owns the strings of a C device.
struct Dev {
    _strings: Vec<CString>,
    raw: aliyun_mqtt_device,
}

fn device(pk: &str, dn: &str, ds: &str, cid: Option<&str>) -> Dev {
    let strings: Vec<CString> = [pk, dn, ds, cid.unwrap_or("")]
        .iter()
        .map(|s| cs(s))
        .collect();
    let mut raw = aliyun_mqtt_device_default();
    raw.product_key = strings[0].as_ptr();
    raw.device_name = strings[1].as_ptr();
    raw.device_secret = strings[2].as_ptr();
    if cid.is_some() {
        raw.client_id = strings[3].as_ptr();
    }
    Dev {
        _strings: strings,
        raw,
    }
}

/// Owns the strings of a C registration.
struct Reg {
    _strings: Vec<CString>,
    raw: aliyun_mqtt_registration,
}

fn registration(pk: &str, dn: &str, ps: &str, random: &str) -> Reg {
    let strings: Vec<CString> = [pk, dn, ps, random].iter().map(|s| cs(s)).collect();
    let mut raw = aliyun_mqtt_registration_default();
    raw.product_key = strings[0].as_ptr();
    raw.device_name = strings[1].as_ptr();
    raw.product_secret = strings[2].as_ptr();
    raw.random = strings[3].as_ptr();
    Reg {
        _strings: strings,
        raw,
    }
}

impl Reg {
    fn keep(&mut self, s: &str) -> *const c_char {
        self._strings.push(cs(s));
        self._strings.last().unwrap().as_ptr()
    }
}

fn auth_body(dev: &Dev) -> Result<String, Status> {
    out(|b, c, l| unsafe { aliyun_mqtt_auth_body(&dev.raw, b, c, l) })
}

fn register_body(reg: &Reg) -> Result<String, Status> {
    out(|b, c, l| unsafe { aliyun_mqtt_register_body(&reg.raw, b, c, l) })
}

fn register_sign(reg: &Reg) -> Result<(String, String, String), Status> {
    let mut c: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    let st = unsafe { aliyun_mqtt_register_sign(&reg.raw, &mut c) };
    if st != S::ALIYUN_MQTT_OK {
        assert!(c.client_id[0] == 0 && c.username[0] == 0 && c.password[0] == 0);
        return Err(st);
    }
    Ok((text(&c.client_id), text(&c.username), text(&c.password)))
}

fn verify(cid: &str, user: &str, pw: &str, secret: &str) -> (Status, aliyun_mqtt_verify_info) {
    let (cid, user, pw, secret) = (cs(cid), cs(user), cs(pw), cs(secret));
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
    (st, info)
}

// -------------------------------------------------------------- endpoints

fn c(s: &str) -> CString {
    cs(s)
}

#[test]
fn test_endpoints_fixtures_succeed() {
    let (pk, region) = (c("a1B2c3D4e5F"), c("cn-shanghai"));
    let url = |mode: i32| {
        out(|b, cap, l| unsafe {
            aliyun_mqtt_websocket_url(pk.as_ptr(), region.as_ptr(), mode, b, cap, l)
        })
    };
    assert_eq!(
        url(2).unwrap(),
        "wss://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:443"
    );
    assert_eq!(
        url(3).unwrap(),
        "ws://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:443"
    );
    assert_eq!(url(-2), Err(S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE));
    assert_eq!(
        out(|b, cap, l| unsafe { aliyun_mqtt_ipv6_host(b, cap, l) }).unwrap(),
        "ipv6.itls.cn-shanghai.aliyuncs.com"
    );
    let inst = c("iot-06z00ax1o4cqs8x");
    assert_eq!(
        out(|b, cap, l| unsafe { aliyun_mqtt_instance_host(inst.as_ptr(), b, cap, l) }).unwrap(),
        "iot-06z00ax1o4cqs8x.mqtt.iothub.aliyuncs.com"
    );
    assert_eq!(
        out(|b, cap, l| unsafe { aliyun_mqtt_auth_host(region.as_ptr(), b, cap, l) }).unwrap(),
        "iot-auth.cn-shanghai.aliyuncs.com"
    );
    assert_eq!(
        (
            ALIYUN_MQTT_PORT,
            ALIYUN_MQTT_WEBSOCKET_PORT,
            ALIYUN_MQTT_HTTPS_PORT,
            ALIYUN_MQTT_INSTANCE_TLS_PORT
        ),
        (1883, 443, 443, 8883)
    );
    // Longest inputs fit the advertised size.
    let (long_pk, long_region) = (c(&"P".repeat(20)), c(&"r".repeat(32)));
    let long = out(|b, cap, l| unsafe {
        aliyun_mqtt_websocket_url(long_pk.as_ptr(), long_region.as_ptr(), 2, b, cap, l)
    })
    .unwrap();
    assert!(long.len() < ALIYUN_MQTT_HOST_NAME_SIZE);
    let long_inst = c(&"i".repeat(ALIYUN_MQTT_INSTANCE_ID_MAX_LEN));
    let long = out(|b, cap, l| unsafe { aliyun_mqtt_instance_host(long_inst.as_ptr(), b, cap, l) })
        .unwrap();
    assert!(long.len() < ALIYUN_MQTT_HOST_NAME_SIZE);

    buffer_rule("websocket_url", &|b, cap, l| unsafe {
        aliyun_mqtt_websocket_url(pk.as_ptr(), region.as_ptr(), 2, b, cap, l)
    });
    buffer_rule("ipv6_host", &|b, cap, l| unsafe {
        aliyun_mqtt_ipv6_host(b, cap, l)
    });
    buffer_rule("instance_host", &|b, cap, l| unsafe {
        aliyun_mqtt_instance_host(inst.as_ptr(), b, cap, l)
    });
    buffer_rule("auth_host", &|b, cap, l| unsafe {
        aliyun_mqtt_auth_host(region.as_ptr(), b, cap, l)
    });
    buffer_rule("custom_host", &|b, cap, l| unsafe {
        aliyun_mqtt_custom_host(region.as_ptr(), b, cap, l)
    });
}

#[test]
fn test_endpoints_invalid_fail() {
    let pk = c("a1B2c3D4e5F");
    for bad in ["", "CN-shanghai", "-cn", "cn-", "cn_sh", &"r".repeat(33)] {
        let region = c(bad);
        let st = out(|b, cap, l| unsafe { aliyun_mqtt_auth_host(region.as_ptr(), b, cap, l) });
        assert_eq!(st, Err(S::ALIYUN_MQTT_ERR_INVALID_REGION), "{bad:?}");
        let st = out(|b, cap, l| unsafe {
            aliyun_mqtt_websocket_url(pk.as_ptr(), region.as_ptr(), 2, b, cap, l)
        });
        assert_eq!(st, Err(S::ALIYUN_MQTT_ERR_INVALID_REGION), "{bad:?}");
    }
    for bad in ["", "Iot-1", "iot_1", "-iot", "iot-", &"i".repeat(65)] {
        let id = c(bad);
        let st = out(|b, cap, l| unsafe { aliyun_mqtt_instance_host(id.as_ptr(), b, cap, l) });
        assert_eq!(st, Err(S::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID), "{bad:?}");
    }
    let null = ptr::null();
    assert_eq!(
        out(|b, cap, l| unsafe { aliyun_mqtt_auth_host(null, b, cap, l) }),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
    assert_eq!(
        out(|b, cap, l| unsafe { aliyun_mqtt_custom_host(null, b, cap, l) }),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
}

#[test]
fn test_custom_host_succeed_and_fail() {
    let label63 = "a".repeat(63);
    let longest = [label63.as_str(), &label63, &label63, &"b".repeat(61)].join(".");
    assert_eq!(longest.len(), 253);
    for good in [
        "broker.example.com",
        "127.0.0.1",
        "localhost",
        "::1",
        "[::1]",
        "fe80::1:2",
        "::ffff:192.0.2.1",
        "xn--fsq.example",
        label63.as_str(),
        longest.as_str(),
    ] {
        let h = c(good);
        assert_eq!(
            out(|b, cap, l| unsafe { aliyun_mqtt_custom_host(h.as_ptr(), b, cap, l) }).as_deref(),
            Ok(good)
        );
    }
    let label64 = "a".repeat(64);
    let too_long = format!("{longest}x");
    for bad in [
        "",
        "a..b",
        ".a",
        "a.",
        "-a.com",
        "a-.com",
        "a b",
        "a_b.com",
        "host:1883",
        "[::1",
        "::g",
        "mqtt://host",
        label64.as_str(),
        too_long.as_str(),
    ] {
        let h = c(bad);
        assert_eq!(
            out(|b, cap, l| unsafe { aliyun_mqtt_custom_host(h.as_ptr(), b, cap, l) }),
            Err(S::ALIYUN_MQTT_ERR_INVALID_HOST),
            "{bad:?}"
        );
    }
}

/// Base64 (RFC 4648) decoder written here, for the PEM checks.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let chars: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::new();
    for quad in chars.chunks(4) {
        let pad = quad.iter().filter(|c| **c == b'=').count();
        let n = quad
            .iter()
            .map(|c| if *c == b'=' { 0 } else { value(*c) })
            .fold(0u32, |acc, v| (acc << 6) | v);
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    out
}

fn pem_body(pem: &str) -> Vec<u8> {
    let start = pem.find("-----BEGIN CERTIFICATE-----").unwrap() + 27;
    let end = pem.find("-----END CERTIFICATE-----").unwrap();
    base64_decode(&pem[start..end])
}

#[test]
fn test_root_ca_matches_debian_and_spec_succeed() {
    let pem = unsafe { CStr::from_ptr(aliyun_mqtt_root_ca_pem()) }
        .to_str()
        .unwrap();
    let mut len = 0;
    let der_ptr = unsafe { aliyun_mqtt_root_ca_der(&mut len) };
    let der = unsafe { std::slice::from_raw_parts(der_ptr, len) };
    assert_eq!(unsafe { aliyun_mqtt_root_ca_der(ptr::null_mut()) }, der_ptr);
    // The DER is the PEM's content.
    assert_eq!(pem_body(pem), der);
    // PROTOCOL.md §2's SHA-256 fingerprint (hashed by an independent crate).
    let fingerprint: String = hmac_sha256::Hash::hash(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(
        fingerprint,
        "EB:D4:10:40:E4:BB:3E:C7:42:C9:E3:81:D3:1E:F2:A4:1A:48:B6:68:5C:96:E7:CE:F3:C1:DF:6C:D4:33:1C:99"
    );
    // Debian's ca-certificates copy, decoded, byte for byte.
    let debian = std::fs::read_to_string("/etc/ssl/certs/GlobalSign_Root_CA.pem")
        .expect("Debian's ca-certificates (scripts/setup.sh --test installs it)");
    assert_eq!(pem_body(&debian), der);
    assert_eq!(pem, debian);
}

// ---------------------------------------------------- HTTPS authentication

fn golden2() -> Dev {
    let mut d = device(
        "a14Xib5kdYd",
        "light1983432",
        "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
        Some("SN1928339"),
    );
    d.raw.timestamp_ms = 1539421321846;
    d.raw.sign_method = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32;
    d
}

#[test]
fn test_auth_body_golden_succeed() {
    // The sign is PROTOCOL.md §1's golden password: the same content, same key.
    assert_eq!(
        auth_body(&golden2()).unwrap(),
        "productKey=a14Xib5kdYd&deviceName=light1983432&clientId=SN1928339\
         &timestamp=1539421321846&signmethod=hmacsha1\
         &sign=b2488041f64f425016b467ee1c94959ebd592ad1&version=default&resources=mqtt"
    );
    let mut upper = golden2();
    upper.raw.uppercase_hex = true;
    assert!(auth_body(&upper)
        .unwrap()
        .contains("&sign=B2488041F64F425016B467EE1C94959EBD592AD1&"));
    // Percent-encoding of what DeviceName and client id may hold.
    let d = device("pk", "dev@home:1", "secret", Some("a&b+c%d/~?#"));
    let body = auth_body(&d).unwrap();
    assert!(body.contains("&deviceName=dev%40home%3A1&"), "{body}");
    assert!(
        body.contains("&clientId=a%26b%2Bc%25d%2F~%3F%23&"),
        "{body}"
    );
    let content = "clientIda&b+c%d/~?#deviceNamedev@home:1productKeypk";
    let sign = independent(3, "secret", content);
    assert!(body.contains(&format!("&sign={sign}&")));
    assert!(!body.contains("timestamp"));
    // No client id: productKey.deviceName, as in the MQTT fields.
    let d = device("pk", "device", "secret", None);
    assert!(auth_body(&d)
        .unwrap()
        .contains("&clientId=pk.device&signmethod=hmacsha256&"));
    buffer_rule("auth_body", &|b, cap, l| unsafe {
        aliyun_mqtt_auth_body(&golden2().raw, b, cap, l)
    });
    let mut path = String::new();
    buffer_rule("auth_path", &|b, cap, l| unsafe {
        aliyun_mqtt_auth_path(b, cap, l)
    });
    path.push_str(&out(|b, cap, l| unsafe { aliyun_mqtt_auth_path(b, cap, l) }).unwrap());
    assert_eq!(path, "/auth/devicename");
    assert_eq!(
        out(|b, cap, l| unsafe { aliyun_mqtt_register_path(b, cap, l) }).unwrap(),
        "/auth/register/device"
    );
}

#[test]
fn test_auth_body_invalid_fail() {
    let mut d = golden2();
    d.raw.sign_method = aliyun_mqtt_sign_method::ALIYUN_MQTT_SHA256 as u32;
    assert_eq!(auth_body(&d), Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD));
    let mut d = golden2();
    let extra = c("lan=C");
    d.raw.extra_params = extra.as_ptr();
    assert_eq!(auth_body(&d), Err(S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS));
    let d = device("pk!", "device", "secret", None);
    assert_eq!(auth_body(&d), Err(S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY));
    let d = device("pk", "dev", "secret", None);
    assert_eq!(auth_body(&d), Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME));
    assert_eq!(
        out(|b, cap, l| unsafe { aliyun_mqtt_auth_body(ptr::null(), b, cap, l) }),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
}

#[test]
fn test_auth_body_random_devices_verify_independently_succeed() {
    let mut rng = Rng(0x5eed_0001);
    let (vis, cid_chars) = (visible(), client_id_chars());
    for _ in 0..600 {
        let pk = rng.string(ALNUM, 1, 20);
        let dn = rng.string(NAME, 4, 32);
        let ds = rng.string(&vis, 1, 64);
        let cid = rng.coin().then(|| rng.string(&cid_chars, 1, 64));
        let mut d = device(&pk, &dn, &ds, cid.as_deref());
        let ts = rng.coin().then(|| rng.next() >> rng.below(64));
        d.raw.timestamp_ms = ts.unwrap_or(0);
        let ts = ts.filter(|t| *t != 0);
        let method = HMACS[rng.below(3)];
        d.raw.sign_method = method;
        d.raw.uppercase_hex = rng.coin();
        let body = auth_body(&d).unwrap();
        assert!(body.len() < ALIYUN_MQTT_AUTH_BODY_SIZE);
        let fields = form_decode(&body);
        let cid = cid.unwrap_or_else(|| format!("{pk}.{dn}"));
        let mut want = vec![
            ("productKey", pk.clone()),
            ("deviceName", dn.clone()),
            ("clientId", cid.clone()),
        ];
        if let Some(ts) = ts {
            want.push(("timestamp", ts.to_string()));
        }
        want.push(("signmethod", method_name(method).to_owned()));
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        let mut want_names: Vec<&str> = want.iter().map(|(k, _)| *k).collect();
        want_names.extend(["sign", "version", "resources"]);
        assert_eq!(names, want_names);
        for (k, v) in &want {
            assert_eq!(&fields.iter().find(|(n, _)| n == k).unwrap().1, v);
        }
        // The platform's check: sorted content, HMAC keyed by the secret.
        let mut content = format!("clientId{cid}deviceName{dn}productKey{pk}");
        if let Some(ts) = ts {
            content.push_str(&format!("timestamp{ts}"));
        }
        let sign = &fields.iter().find(|(n, _)| n == "sign").unwrap().1;
        assert_eq!(
            sign.to_ascii_lowercase(),
            independent(method, &ds, &content),
            "{body}"
        );
        assert_eq!(fields[fields.len() - 2].1, "default");
        assert_eq!(fields[fields.len() - 1].1, "mqtt");
    }
}

// ------------------------------------------------- dynamic registration

#[test]
fn test_register_fixtures_succeed() {
    let reg = registration(
        "a1B2c3D4e5F",
        "sensor-0001",
        "Ks3ProdSecretValue9",
        "abcdefghij12345",
    );
    let (cid, user, pw) = register_sign(&reg).unwrap();
    assert_eq!(
        cid,
        "a1B2c3D4e5F.sensor-0001|securemode=2,authType=register,random=abcdefghij12345,signmethod=hmacsha256|"
    );
    assert_eq!(user, "sensor-0001&a1B2c3D4e5F");
    let content = "deviceNamesensor-0001productKeya1B2c3D4e5Frandomabcdefghij12345";
    assert_eq!(pw, independent(3, "Ks3ProdSecretValue9", content));
    // The verifier (the platform's side) accepts it under the ProductSecret.
    let (st, info) = verify(&cid, &user, &pw, "Ks3ProdSecretValue9");
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(
        info.auth_type,
        aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGISTER as u32
    );
    assert_eq!(text(&info.random), "abcdefghij12345");
    assert_eq!(
        verify(&cid, &user, &pw, "other").0,
        S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH
    );

    let mut reg = reg;
    reg.raw.client_id = reg.keep("dev1");
    reg.raw.instance_id = reg.keep("iot-06z00ax1o4cqs8x");
    reg.raw.secure_mode = ALIYUN_MQTT_SECURE_TLS_INSTANCE;
    reg.raw.auth_type = aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGNWL as u32;
    reg.raw.sign_method = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32;
    reg.raw.uppercase_hex = true;
    let (cid, _, pw) = register_sign(&reg).unwrap();
    assert_eq!(
        cid,
        "dev1|securemode=-2,authType=regnwl,random=abcdefghij12345,signmethod=hmacsha1,instanceId=iot-06z00ax1o4cqs8x|"
    );
    assert_eq!(
        pw,
        independent(2, "Ks3ProdSecretValue9", content).to_ascii_uppercase()
    );
    let (st, info) = verify(&cid, &user, &pw, "Ks3ProdSecretValue9");
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(
        info.auth_type,
        aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_REGNWL as u32
    );
    assert_eq!(info.secure_mode, -2);

    // HTTPS registration body.
    let reg = registration(
        "a1B2c3D4e5F",
        "sensor-0001",
        "Ks3ProdSecretValue9",
        "abcdefghij12345",
    );
    assert_eq!(
        register_body(&reg).unwrap(),
        format!(
            "productKey=a1B2c3D4e5F&deviceName=sensor-0001&random=abcdefghij12345&sign={}&signMethod=hmacsha256",
            independent(3, "Ks3ProdSecretValue9", content)
        )
    );
    buffer_rule("register_body", &|b, cap, l| unsafe {
        aliyun_mqtt_register_body(&reg.raw, b, cap, l)
    });
}

#[test]
fn test_register_invalid_fail() {
    let base = || registration("a1B2c3D4e5F", "sensor-0001", "secret", "abc123");
    type Change = Box<dyn Fn(&mut Reg)>;
    let cases: Vec<(Change, Status)> = vec![
        (
            Box::new(|r| r.raw.random = r.keep("")),
            S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
        ),
        (
            Box::new(|r| r.raw.random = r.keep("abc-1")),
            S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
        ),
        (
            Box::new(|r| r.raw.random = r.keep(&"a".repeat(33))),
            S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
        ),
        (
            Box::new(|r| r.raw.random = ptr::null()),
            S::ALIYUN_MQTT_ERR_NULL_ARGUMENT,
        ),
        (
            Box::new(|r| r.raw.product_secret = r.keep("has space")),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
        ),
        (
            Box::new(|r| r.raw.product_secret = r.keep(&"s".repeat(65))),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
        ),
        (
            Box::new(|r| r.raw.sign_method = aliyun_mqtt_sign_method::ALIYUN_MQTT_SHA256 as u32),
            S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD,
        ),
        (
            Box::new(|r| r.raw.sign_method = 0),
            S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD,
        ),
        (
            Box::new(|r| r.raw.secure_mode = 3),
            S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE,
        ),
        (
            Box::new(|r| r.raw.auth_type = 0),
            S::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE,
        ),
        (
            Box::new(|r| r.raw.auth_type = aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_CONNWL as u32),
            S::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE,
        ),
        (
            Box::new(|r| r.raw.instance_id = r.keep("Iot-1")),
            S::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID,
        ),
        (
            Box::new(|r| r.raw.client_id = r.keep("a|b")),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            Box::new(|r| r.raw.product_key = r.keep("p-k")),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            Box::new(|r| r.raw.device_name = r.keep("abc")),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
    ];
    for (i, (change, want)) in cases.iter().enumerate() {
        let mut reg = base();
        change(&mut reg);
        assert_eq!(register_sign(&reg), Err(*want), "case {i}");
        assert_eq!(register_body(&reg), Err(*want), "case {i}");
    }
    let mut creds: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { aliyun_mqtt_register_sign(ptr::null(), &mut creds) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { aliyun_mqtt_register_sign(&base().raw, ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn test_register_random_inputs_verify_independently_succeed() {
    let mut rng = Rng(0x5eed_0002);
    let (vis, cid_chars) = (visible(), client_id_chars());
    let inst_chars = b"abcdefghijklmnopqrstuvwxyz0123456789";
    for _ in 0..600 {
        let pk = rng.string(ALNUM, 1, 20);
        let dn = rng.string(NAME, 4, 32);
        let ps = rng.string(&vis, 1, 64);
        let random = rng.string(ALNUM, 1, 32);
        let mut reg = registration(&pk, &dn, &ps, &random);
        let method = HMACS[rng.below(3)];
        reg.raw.sign_method = method;
        if rng.coin() {
            reg.raw.client_id = reg.keep(&rng.string(&cid_chars, 1, 64));
        }
        if rng.coin() {
            reg.raw.instance_id = reg.keep(&rng.string(inst_chars, 1, 64));
            reg.raw.secure_mode = ALIYUN_MQTT_SECURE_TLS_INSTANCE;
        }
        reg.raw.auth_type = 1 + rng.below(2) as u32;
        reg.raw.uppercase_hex = rng.coin();
        let (cid, user, pw) = register_sign(&reg).unwrap();
        let content = format!("deviceName{dn}productKey{pk}random{random}");
        let want = independent(method, &ps, &content);
        assert_eq!(pw.to_ascii_lowercase(), want);
        assert_eq!(verify(&cid, &user, &pw, &ps).0, S::ALIYUN_MQTT_OK, "{cid}");
        let body = register_body(&reg).unwrap();
        assert!(body.len() < ALIYUN_MQTT_REGISTER_BODY_SIZE);
        let fields = form_decode(&body);
        let got: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("productKey", pk.as_str()),
                ("deviceName", dn.as_str()),
                ("random", random.as_str()),
                ("sign", pw.as_str()),
                ("signMethod", method_name(method)),
            ]
        );
    }
}

// --------------------------------------------------------- reply parsers

fn auth_reply(json: &str) -> (Status, aliyun_mqtt_auth_reply) {
    let mut r: aliyun_mqtt_auth_reply = unsafe { std::mem::zeroed() };
    // Leave garbage in it: a failed parse must clear it.
    r.iot_id[0] = b'x' as c_char;
    r.port = 7;
    let st = unsafe { aliyun_mqtt_parse_auth_reply(json.as_ptr().cast(), json.len(), &mut r) };
    (st, r)
}

fn register_reply(json: &str) -> (Status, aliyun_mqtt_register_reply) {
    let mut r: aliyun_mqtt_register_reply = unsafe { std::mem::zeroed() };
    r.device_secret[0] = b'x' as c_char;
    let st = unsafe { aliyun_mqtt_parse_register_reply(json.as_ptr().cast(), json.len(), &mut r) };
    (st, r)
}

fn ext_register(json: &str) -> (Status, aliyun_mqtt_register_reply) {
    let mut r: aliyun_mqtt_register_reply = unsafe { std::mem::zeroed() };
    r.device_secret[0] = b'x' as c_char;
    let st = unsafe { aliyun_mqtt_parse_ext_register(json.as_ptr().cast(), json.len(), &mut r) };
    (st, r)
}

fn ext_regnwl(json: &str) -> (Status, aliyun_mqtt_regnwl_reply) {
    let mut r: aliyun_mqtt_regnwl_reply = unsafe { std::mem::zeroed() };
    r.device_token[0] = b'x' as c_char;
    let st = unsafe { aliyun_mqtt_parse_ext_regnwl(json.as_ptr().cast(), json.len(), &mut r) };
    (st, r)
}

const AUTH_OK: &str = r#"{"code":200,"data":{"iotId":"j2Hv3J3n0sAd9N5dRv8m000100","iotToken":"0c57f8f04a4b4f8e8e3f2b4b1e5c5a0a","resources":{"mqtt":{"host":"a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com","port":1883}}},"message":"success"}"#;

fn assert_auth(r: &aliyun_mqtt_auth_reply, id: &str, token: &str, host: &str, port: u16) {
    assert_eq!(r.code, 200);
    assert_eq!(text(&r.iot_id), id);
    assert_eq!(text(&r.iot_token), token);
    assert_eq!(text(&r.host), host);
    assert_eq!(r.port, port);
}

#[test]
fn test_auth_reply_fixtures_succeed() {
    let (st, r) = auth_reply(AUTH_OK);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_auth(
        &r,
        "j2Hv3J3n0sAd9N5dRv8m000100",
        "0c57f8f04a4b4f8e8e3f2b4b1e5c5a0a",
        "a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com",
        1883,
    );
    assert_eq!(text(&r.message), "success");
    // Any order, whitespace, escapes, extra fields and nesting.
    let shuffled = "\r\n { \"message\" : \"ok\\u0021\",\t\"data\":{\"resources\":{\"coap\":{\"host\":\"x\",\"port\":5682},\
        \"mqtt\":{\"port\":8883 , \"extra\":[1,2.5e3,-0.1,{\"host\":\"decoy\"}],\"host\":\"h\\u002eexample\\/x\"}},\
        \"iotToken\":\"t\\\"q\\\\z\",\"ignored\":[[],{},null,true,false],\"iotId\":\"\\u0069d\"},\
        \"requestId\":\"123\",\"code\":200} \n";
    let (st, r) = auth_reply(shuffled);
    // "h.example/x" is no host name: everything else parsed first.
    assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_HOST);
    let shuffled = shuffled.replace("\\/x", "");
    let (st, r2) = auth_reply(&shuffled);
    assert_eq!(st, S::ALIYUN_MQTT_OK, "{shuffled}");
    assert_auth(&r2, "id", "t\"q\\z", "h.example", 8883);
    assert_eq!(text(&r2.message), "ok!");
    assert_eq!(r.port, 0, "cleared on error");
    // Refusal: the server's code and message come back.
    let refused =
        r#"{"code":460,"message":"\u8bbe\u5907\u4e0d\u5b58\u5728 device not found","data":{}}"#;
    let (st, r) = auth_reply(refused);
    assert_eq!(st, S::ALIYUN_MQTT_ERR_SERVER_REFUSED);
    assert_eq!(r.code, 460);
    assert_eq!(text(&r.message), "设备不存在 device not found");
    assert_eq!(text(&r.iot_id), "");
    // A long message is cut at a character boundary.
    let long = format!(r#"{{"code":500,"message":"{}"}}"#, "é".repeat(200));
    let (st, r) = auth_reply(&long);
    assert_eq!(st, S::ALIYUN_MQTT_ERR_SERVER_REFUSED);
    assert_eq!(text(&r.message), "é".repeat(127));
    // Surrogate pair.
    let (st, r) = auth_reply(r#"{"code":401,"message":"\ud83d\ude00"}"#);
    assert_eq!(st, S::ALIYUN_MQTT_ERR_SERVER_REFUSED);
    assert_eq!(text(&r.message), "😀");
}

#[test]
fn test_auth_reply_rejections_fail() {
    let long_id = format!(
        r#"{{"code":200,"data":{{"iotId":"{}","iotToken":"t","resources":{{"mqtt":{{"host":"h","port":1}}}}}}}}"#,
        "i".repeat(ALIYUN_MQTT_IOT_ID_SIZE)
    );
    let fits_id = long_id.replacen(&"i".repeat(ALIYUN_MQTT_IOT_ID_SIZE), &"i".repeat(128), 1);
    assert_eq!(auth_reply(&fits_id).0, S::ALIYUN_MQTT_OK);
    let deep = format!(
        r#"{{"code":200,"x":{}{}}}"#,
        "[".repeat(ALIYUN_MQTT_REPLY_MAX_DEPTH),
        "]".repeat(ALIYUN_MQTT_REPLY_MAX_DEPTH)
    );
    let ok_deep = format!(
        r#"{{"code":500,"x":{}{}}}"#,
        "[".repeat(ALIYUN_MQTT_REPLY_MAX_DEPTH - 1),
        "]".repeat(ALIYUN_MQTT_REPLY_MAX_DEPTH - 1)
    );
    assert_eq!(auth_reply(&ok_deep).0, S::ALIYUN_MQTT_ERR_SERVER_REFUSED);
    let huge = format!(
        r#"{{"code":200,"pad":"{}"}}"#,
        "p".repeat(ALIYUN_MQTT_REPLY_MAX_LEN)
    );
    let with = |field: &str, value: &str| AUTH_OK.replacen(field, value, 1);
    let cases: Vec<(String, Status)> = vec![
        (String::new(), S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED),
        ("   ".into(), S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED),
        ("[]".into(), S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        ("\"code\"".into(), S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        (format!("{AUTH_OK}x"), S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        (format!("{AUTH_OK}{{}}"), S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        (
            with("\"code\":200", "\"code\":200,"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "code:200"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "\"code\":0200"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "\"code\":\"200\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "\"code\":200.0"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "\"code\":99999999999"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "\"code\":200,\"code\":200"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        // A duplicated object on the path must not merge its halves.
        (
            with(
                "\"iotToken\":\"0c57f8f04a4b4f8e8e3f2b4b1e5c5a0a\",",
                "},\"data\":{\"iotToken\":\"0c57f8f04a4b4f8e8e3f2b4b1e5c5a0a\",",
            ),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"data\":{", "\"data\":1,\"data\":{"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"resources\":{", "\"resources\":{},\"resources\":{"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "\"code\":tru"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"code\":200", "\"code\":[1,]"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"port\":1883", "\"port\":0"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"port\":1883", "\"port\":65536"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"port\":1883", "\"port\":\"1883\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"port\":1883", "\"port\":1e3"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("j2Hv3J3n0sAd9N5dRv8m000100", "a b"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("j2Hv3J3n0sAd9N5dRv8m000100", "a\\u0000b"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("j2Hv3J3n0sAd9N5dRv8m000100", "\\ud800"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("j2Hv3J3n0sAd9N5dRv8m000100", "\\x41"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("j2Hv3J3n0sAd9N5dRv8m000100", "\\u12g4"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("j2Hv3J3n0sAd9N5dRv8m000100", "tab\there"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("j2Hv3J3n0sAd9N5dRv8m000100", ""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"iotId\"", "\"iotID\""),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("\"iotToken\"", "\"token\""),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("\"mqtt\"", "\"coap\""),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("\"port\":1883", "\"prt\":1883"),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("\"code\":200,", ""),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("a1B2c3D4e5F.iot", "a_b.iot"),
            S::ALIYUN_MQTT_ERR_INVALID_HOST,
        ),
        (long_id, S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE),
        (deep, S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE),
        (huge, S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE),
    ];
    for (json, want) in &cases {
        let (st, r) = auth_reply(json);
        assert_eq!(st, *want, "{json}");
        assert_eq!(
            (
                r.code,
                r.port,
                r.iot_id[0],
                r.iot_token[0],
                r.host[0],
                r.message[0]
            ),
            (0, 0, 0, 0, 0, 0),
            "cleared: {json}"
        );
    }
    // Invalid UTF-8 in a string, anywhere.
    let mut bytes = AUTH_OK.as_bytes().to_vec();
    let at = AUTH_OK.find("success").unwrap();
    bytes[at] = 0xff;
    let mut r: aliyun_mqtt_auth_reply = unsafe { std::mem::zeroed() };
    let st = unsafe { aliyun_mqtt_parse_auth_reply(bytes.as_ptr().cast(), bytes.len(), &mut r) };
    assert_eq!(st, S::ALIYUN_MQTT_ERR_REPLY_MALFORMED);
    // NULL arguments.
    assert_eq!(
        unsafe { aliyun_mqtt_parse_auth_reply(ptr::null(), 0, &mut r) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe {
            aliyun_mqtt_parse_auth_reply(AUTH_OK.as_ptr().cast(), AUTH_OK.len(), ptr::null_mut())
        },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

const REGISTER_OK: &str = r#"{"code":200,"data":{"productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceSecret":"s3cr3tValueFromTheServer00000001"},"message":"success"}"#;
const EXT_REGISTER: &str = r#"{"productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceSecret":"s3cr3tValueFromTheServer00000001"}"#;
const EXT_REGNWL: &str = r#"{"clientId":"a1B2c3D4e5F.sensor-0001|ignored","productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceToken":"tok_0123456789abcdef"}"#;
const EXT_REGNWL_OK: &str = r#"{"clientId":"client-7","productKey":"a1B2c3D4e5F","deviceName":"sensor-0001","deviceToken":"tok_0123456789abcdef"}"#;

#[test]
fn test_registration_replies_succeed_and_fail() {
    let (st, r) = register_reply(REGISTER_OK);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(
        (
            r.code,
            text(&r.product_key),
            text(&r.device_name),
            text(&r.device_secret),
            text(&r.message)
        ),
        (
            200,
            "a1B2c3D4e5F".into(),
            "sensor-0001".into(),
            "s3cr3tValueFromTheServer00000001".into(),
            "success".into()
        )
    );
    let (st, r) = register_reply(r#"{"code":6288,"message":"device already registered"}"#);
    assert_eq!(st, S::ALIYUN_MQTT_ERR_SERVER_REFUSED);
    assert_eq!(
        (r.code, text(&r.message)),
        (6288, "device already registered".into())
    );
    let (st, r) = register_reply(&REGISTER_OK.replace("s3cr3tValue", "s3cr3t Value"));
    assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    assert_eq!(r.device_secret[0], 0);
    assert_eq!(
        register_reply(&REGISTER_OK.replace("sensor-0001", "s!")).0,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME
    );
    assert_eq!(
        register_reply(&REGISTER_OK.replace("a1B2c3D4e5F", "a1.B2")).0,
        S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY
    );
    // Two `data` objects, each holding part of the fields (found by the
    // register_reply fuzz target): refused, not merged.
    let split = REGISTER_OK.replace("\"deviceSecret\"", "\"x\":1},\"data\":{\"deviceSecret\"");
    let (st, r) = register_reply(&split);
    assert_eq!(st, S::ALIYUN_MQTT_ERR_REPLY_MALFORMED, "{split}");
    assert_eq!((r.product_key[0], r.device_secret[0]), (0, 0));
    // The top-level shape is not the HTTPS one.
    assert_eq!(
        register_reply(EXT_REGISTER).0,
        S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD
    );

    let (st, r) = ext_register(EXT_REGISTER);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(r.code, 0);
    assert_eq!(text(&r.device_secret), "s3cr3tValueFromTheServer00000001");
    assert_eq!(
        ext_register(&EXT_REGISTER.replace("s3cr3tValueFromTheServer00000001", &"s".repeat(65))).0,
        S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
    );
    assert_eq!(
        ext_register(&EXT_REGISTER.replace("\"deviceSecret\"", "\"secret\"")).0,
        S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD
    );
    // Nested under "data" is not the MQTT payload's shape.
    assert_eq!(
        ext_register(REGISTER_OK).0,
        S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD
    );

    assert_eq!(
        ext_regnwl(EXT_REGNWL).0,
        S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID
    );
    let (st, r) = ext_regnwl(EXT_REGNWL_OK);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(text(&r.client_id), "client-7");
    assert_eq!(text(&r.device_token), "tok_0123456789abcdef");
    let long_token = EXT_REGNWL_OK.replace("tok_0123456789abcdef", &"t".repeat(129));
    assert_eq!(
        ext_regnwl(&long_token).0,
        S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
    );
    let bad_token = EXT_REGNWL_OK.replace("tok_0123456789abcdef", "to ken");
    assert_eq!(
        ext_regnwl(&bad_token).0,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN
    );

    // connwl from the parsed reply, and the verifier's view of it.
    let mut creds: aliyun_mqtt_connwl_credentials = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { aliyun_mqtt_connwl(&r, &mut creds) },
        S::ALIYUN_MQTT_OK
    );
    let (cid, user, pw) = (
        text(&creds.client_id),
        text(&creds.username),
        text(&creds.password),
    );
    assert_eq!(cid, "client-7|securemode=-2,authType=connwl|");
    assert_eq!(user, "sensor-0001&a1B2c3D4e5F");
    assert_eq!(pw, "tok_0123456789abcdef");
    let (st, info) = verify(&cid, &user, &pw, "tok_0123456789abcdef");
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(
        info.auth_type,
        aliyun_mqtt_auth_type::ALIYUN_MQTT_AUTH_CONNWL as u32
    );
    assert_eq!(
        verify(&cid, &user, "tok_0123456789abcdeF", "tok_0123456789abcdef").0,
        S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH
    );
    // A hand-filled reply without NULs is refused, not over-read.
    let mut bad = r;
    bad.device_token = [b't' as c_char; ALIYUN_MQTT_DEVICE_TOKEN_SIZE];
    creds.client_id[0] = b'x' as c_char;
    assert_eq!(
        unsafe { aliyun_mqtt_connwl(&bad, &mut creds) },
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN
    );
    assert_eq!(creds.client_id[0], 0);
    assert_eq!(
        unsafe { aliyun_mqtt_connwl(ptr::null(), &mut creds) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn test_every_proper_prefix_is_truncated_fail() {
    type Parse = fn(&str) -> Status;
    let parsers: [(&str, Parse); 4] = [
        (AUTH_OK, |j| auth_reply(j).0),
        (REGISTER_OK, |j| register_reply(j).0),
        (EXT_REGISTER, |j| ext_register(j).0),
        (EXT_REGNWL_OK, |j| ext_regnwl(j).0),
    ];
    for (json, parse) in parsers {
        assert_eq!(parse(json), S::ALIYUN_MQTT_OK);
        for cut in 0..json.len() {
            assert_eq!(
                parse(&json[..cut]),
                S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED,
                "{}",
                &json[..cut]
            );
        }
    }
}

/// A JSON string literal written here: escapes quotes, backslashes and
/// controls, and writes some other characters as `\uXXXX` (pairs beyond
/// the BMP) at random.
fn json_string(rng: &mut Rng, s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str(if rng.coin() { "\\\\" } else { "\\u005c" }),
            '/' if rng.coin() => out.push_str("\\/"),
            c if (c as u32) < 0x20 || rng.below(4) == 0 => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn ws(rng: &mut Rng) -> &'static str {
    [" ", "", "\n", "\t", "  \r\n"][rng.below(5)]
}

/// An object with `fields` in random order, random whitespace and random
/// extra fields (nested values included).
fn json_object(rng: &mut Rng, fields: &[(String, String)]) -> String {
    let mut members: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}{}:{}{}", json_string(rng, k), ws(rng), ws(rng), v))
        .collect();
    for i in 0..rng.below(4) {
        let value = [
            "null".to_string(),
            "[1, -2.5e-3, true, {\"iotId\": \"decoy\"}]".to_string(),
            format!("{{\"k\": {}}}", json_string(rng, "v\u{e9}\u{1F600}")),
            "12345678901234567890".to_string(),
        ][rng.below(4)]
        .clone();
        members.push(format!("\"extra{i}\":{value}"));
    }
    for i in (1..members.len()).rev() {
        members.swap(i, rng.below(i + 1));
    }
    format!(
        "{{{}{}{}}}",
        ws(rng),
        members.join(&format!(",{}", ws(rng))),
        ws(rng)
    )
}

#[test]
fn test_replies_random_documents_round_trip_succeed() {
    let mut rng = Rng(0x5eed_0003);
    let vis = visible();
    for _ in 0..500 {
        let (id, token) = (rng.string(&vis, 1, 128), rng.string(&vis, 1, 128));
        let host = format!(
            "{}.example",
            rng.string(b"abc123-", 1, 10).trim_matches('-')
        );
        let host = if host.starts_with('.') {
            "h.example".into()
        } else {
            host
        };
        let port = rng.range(1, 65535);
        let message = "成功 ok \\ \" / \u{1F600}".to_string();
        let mqtt = json_object(
            &mut rng,
            &[
                ("host".into(), json_string(&mut Rng(1), &host)),
                ("port".into(), port.to_string()),
            ],
        );
        let resources = json_object(&mut rng, &[("mqtt".into(), mqtt)]);
        let data = json_object(
            &mut rng,
            &[
                ("iotId".into(), json_string(&mut Rng(2), &id)),
                ("iotToken".into(), json_string(&mut Rng(3), &token)),
                ("resources".into(), resources),
            ],
        );
        let doc = json_object(
            &mut rng,
            &[
                ("code".into(), "200".into()),
                ("message".into(), json_string(&mut Rng(4), &message)),
                ("data".into(), data),
            ],
        );
        let (st, r) = auth_reply(&doc);
        assert_eq!(st, S::ALIYUN_MQTT_OK, "{doc}");
        assert_auth(&r, &id, &token, &host, port as u16);
        assert_eq!(text(&r.message), message);

        let ds = rng.string(&vis, 1, 64);
        let dn = rng.string(NAME, 4, 32);
        let pk = rng.string(ALNUM, 1, 20);
        let payload = json_object(
            &mut rng,
            &[
                ("productKey".into(), json_string(&mut Rng(5), &pk)),
                ("deviceName".into(), json_string(&mut Rng(6), &dn)),
                ("deviceSecret".into(), json_string(&mut Rng(7), &ds)),
            ],
        );
        let (st, r) = ext_register(&payload);
        assert_eq!(st, S::ALIYUN_MQTT_OK, "{payload}");
        assert_eq!(
            (
                text(&r.product_key),
                text(&r.device_name),
                text(&r.device_secret)
            ),
            (pk, dn, ds)
        );
    }
}
