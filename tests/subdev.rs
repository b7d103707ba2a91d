//! PROTOCOL.md §6 through the C ABI: the gateway's topics, the sub-device
//! payloads and the reply parsers. Fixtures are written out by hand; the
//! property test decodes random payloads with serde_json (an independent
//! JSON reader) and re-signs every entry with other authors' HMAC crates.
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
use aliyun_mqtt_sign::subdev::*;
use aliyun_mqtt_sign::topic::{self, Topic};
use aliyun_mqtt_sign::Status;
use common::*;
use serde_json::Value;

type S = Status;

const HMAC_MD5: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_MD5 as u32;
const HMAC_SHA1: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1 as u32;
const HMAC_SHA256: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32;
const SHA256: u32 = aliyun_mqtt_sign_method::ALIYUN_MQTT_SHA256 as u32;

/// Owns the C strings of test sub-devices.
#[derive(Default)]
struct Keep(Vec<CString>);

impl Keep {
    fn s(&mut self, s: &str) -> *const c_char {
        self.0.push(cs(s));
        self.0.last().unwrap().as_ptr()
    }

    fn sub(
        &mut self,
        pk: &str,
        dn: &str,
        ds: &str,
        cid: Option<&str>,
        ts: u64,
    ) -> aliyun_mqtt_subdev {
        aliyun_mqtt_subdev {
            product_key: self.s(pk),
            device_name: self.s(dn),
            device_secret: self.s(ds),
            client_id: cid.map_or(ptr::null(), |c| self.s(c)),
            timestamp_ms: ts,
            clean_session: false,
            digest: ptr::null(),
            digest_len: 0,
        }
    }

    fn reg(
        &mut self,
        pk: &str,
        dn: &str,
        ps: &str,
        random: &str,
    ) -> aliyun_mqtt_subdev_registration {
        aliyun_mqtt_subdev_registration {
            product_key: self.s(pk),
            device_name: self.s(dn),
            product_secret: self.s(ps),
            random: self.s(random),
            digest: ptr::null(),
            digest_len: 0,
        }
    }
}

/// The payload builders, all taking an array (the single ones read one).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    TopoAdd,
    TopoDelete,
    Login,
    BatchLogin,
    Logout,
    BatchLogout,
}

const KINDS: [Kind; 6] = [
    Kind::TopoAdd,
    Kind::TopoDelete,
    Kind::Login,
    Kind::BatchLogin,
    Kind::Logout,
    Kind::BatchLogout,
];

fn build(
    kind: Kind,
    id: u32,
    method: u32,
    subs: &[aliyun_mqtt_subdev],
    buf: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> Status {
    let (p, n) = (subs.as_ptr(), subs.len());
    unsafe {
        match kind {
            Kind::TopoAdd => aliyun_mqtt_subdev_topo_add(id, method, p, n, buf, cap, len),
            Kind::TopoDelete => aliyun_mqtt_subdev_topo_delete(id, p, n, buf, cap, len),
            Kind::Login => aliyun_mqtt_subdev_login(id, method, p, buf, cap, len),
            Kind::BatchLogin => aliyun_mqtt_subdev_batch_login(id, method, p, n, buf, cap, len),
            Kind::Logout => aliyun_mqtt_subdev_logout(id, p, buf, cap, len),
            Kind::BatchLogout => aliyun_mqtt_subdev_batch_logout(id, p, n, buf, cap, len),
        }
    }
}

/// A builder's output with a large canary-filled buffer (the buffer rule
/// on error: "" and a zero length).
fn out(f: impl Fn(*mut c_char, usize, *mut usize) -> Status) -> Result<String, Status> {
    let mut buf = vec![CANARY; 32768];
    let mut len = usize::MAX;
    let st = f(buf.as_mut_ptr().cast(), buf.len(), &mut len);
    if st != S::ALIYUN_MQTT_OK {
        assert_eq!((buf[0], len), (0, 0), "{st:?} leaves \"\" and 0");
        return Err(st);
    }
    assert_eq!(buf[len], 0);
    assert!(buf[len + 1..].iter().all(|b| *b == CANARY));
    Ok(String::from_utf8(buf[..len].to_vec()).unwrap())
}

fn payload(
    kind: Kind,
    id: u32,
    method: u32,
    subs: &[aliyun_mqtt_subdev],
) -> Result<String, Status> {
    out(|b, c, l| build(kind, id, method, subs, b, c, l))
}

fn hmac_hex(method: u32, key: &str, content: &str) -> String {
    independent(method, key, content)
}

fn sub_sign(method: u32, ds: &str, cid: &str, dn: &str, pk: &str, ts: u64) -> String {
    hmac_hex(
        method,
        ds,
        &format!("clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}"),
    )
}

// ------------------------------------------------------------- fixtures

#[test]
fn test_subdev_payloads_fixtures_succeed() {
    let mut k = Keep::default();
    let a = k.sub(
        "a1B2c3D4e5F",
        "sensor-01",
        "secret1",
        None,
        1_524_448_722_000,
    );
    let mut b = k.sub(
        "pk2",
        "dev-02",
        "s2",
        Some("pk2.dev-02|_ss=1,_v=4.0|"),
        2_524_608_000_000,
    );
    b.clean_session = true;
    let sign_a = sub_sign(
        HMAC_SHA256,
        "secret1",
        "a1B2c3D4e5F.sensor-01",
        "sensor-01",
        "a1B2c3D4e5F",
        1_524_448_722_000,
    );
    assert_eq!(
        sign_a,
        "3628a2bf46321c3805729831237e30713f6d7797afbe87884acd762850e1d0f1"
    );
    assert_eq!(
        payload(Kind::Login, 7, HMAC_SHA256, &[a]).unwrap(),
        format!(
            "{{\"id\":\"7\",\"params\":{{\"productKey\":\"a1B2c3D4e5F\",\"deviceName\":\"sensor-01\",\
             \"clientId\":\"a1B2c3D4e5F.sensor-01\",\"timestamp\":\"1524448722000\",\"signMethod\":\"hmacsha256\",\
             \"sign\":\"{sign_a}\",\"cleanSession\":\"false\"}}}}"
        )
    );
    let sign_b1 = sub_sign(
        HMAC_SHA1,
        "s2",
        "pk2.dev-02|_ss=1,_v=4.0|",
        "dev-02",
        "pk2",
        2_524_608_000_000,
    );
    let sign_a1 = sub_sign(
        HMAC_SHA1,
        "secret1",
        "a1B2c3D4e5F.sensor-01",
        "sensor-01",
        "a1B2c3D4e5F",
        1_524_448_722_000,
    );
    assert_eq!(
        payload(Kind::BatchLogin, 8, HMAC_SHA1, &[a, b]).unwrap(),
        format!(
            "{{\"id\":\"8\",\"version\":\"1.0\",\"params\":{{\"signMethod\":\"hmacsha1\",\"deviceList\":[\
             {{\"productKey\":\"a1B2c3D4e5F\",\"deviceName\":\"sensor-01\",\"clientId\":\"a1B2c3D4e5F.sensor-01\",\
             \"timestamp\":\"1524448722000\",\"cleanSession\":\"false\",\"sign\":\"{sign_a1}\"}},\
             {{\"productKey\":\"pk2\",\"deviceName\":\"dev-02\",\"clientId\":\"pk2.dev-02|_ss=1,_v=4.0|\",\
             \"timestamp\":\"2524608000000\",\"cleanSession\":\"true\",\"sign\":\"{sign_b1}\"}}]}}}}"
        )
    );
    let md5_a = sub_sign(
        HMAC_MD5,
        "secret1",
        "a1B2c3D4e5F.sensor-01",
        "sensor-01",
        "a1B2c3D4e5F",
        1_524_448_722_000,
    );
    assert_eq!(
        payload(Kind::TopoAdd, 4_294_967_295, HMAC_MD5, &[a]).unwrap(),
        format!(
            "{{\"id\":\"4294967295\",\"version\":\"1.0\",\"params\":[{{\"productKey\":\"a1B2c3D4e5F\",\
             \"deviceName\":\"sensor-01\",\"clientId\":\"a1B2c3D4e5F.sensor-01\",\"timestamp\":\"1524448722000\",\
             \"signmethod\":\"hmacmd5\",\"sign\":\"{md5_a}\"}}],\"method\":\"thing.topo.add\"}}"
        )
    );
    let names = "[{\"productKey\":\"a1B2c3D4e5F\",\"deviceName\":\"sensor-01\"},{\"productKey\":\"pk2\",\"deviceName\":\"dev-02\"}]";
    assert_eq!(
        payload(Kind::TopoDelete, 0, 0, &[a, b]).unwrap(),
        format!("{{\"id\":\"0\",\"version\":\"1.0\",\"params\":{names},\"method\":\"thing.topo.delete\"}}")
    );
    assert_eq!(
        payload(Kind::BatchLogout, 10, 0, &[a, b]).unwrap(),
        format!("{{\"id\":\"10\",\"version\":\"1.0\",\"params\":{names}}}")
    );
    assert_eq!(
        payload(Kind::Logout, 11, 0, &[b]).unwrap(),
        "{\"id\":\"11\",\"params\":{\"productKey\":\"pk2\",\"deviceName\":\"dev-02\"}}"
    );
    // Registration by product: the sign of PROTOCOL.md §4.
    let r = [k.reg(
        "a1B2c3D4e5F",
        "sensor-0001",
        "Ks3ProdSecretValue9",
        "abcdefghij12345",
    )];
    let got = out(|b, c, l| unsafe {
        aliyun_mqtt_subdev_product_register(12, HMAC_SHA256, r.as_ptr(), 1, b, c, l)
    })
    .unwrap();
    let sign = hmac_hex(
        HMAC_SHA256,
        "Ks3ProdSecretValue9",
        "deviceNamesensor-0001productKeya1B2c3D4e5Frandomabcdefghij12345",
    );
    assert_eq!(
        sign,
        "f2aee3219fd6756134b5cf9159f7c4550adb73397d8552e20f877bd7790f7566"
    );
    assert_eq!(
        got,
        format!(
            "{{\"id\":\"12\",\"version\":\"1.0\",\"params\":{{\"proxieds\":[{{\"productKey\":\"a1B2c3D4e5F\",\
             \"deviceName\":\"sensor-0001\",\"random\":\"abcdefghij12345\",\"signMethod\":\"hmacsha256\",\
             \"sign\":\"{sign}\"}}]}}}}"
        )
    );
}

#[test]
fn test_subdev_payloads_buffer_rule_succeed() {
    let mut k = Keep::default();
    let a = [k.sub("pk1", "dev1", "s1", None, 5)];
    for kind in KINDS {
        buffer_rule(&format!("{kind:?}"), &|b, c, l| {
            build(kind, 3, HMAC_SHA256, &a, b, c, l)
        });
    }
    let r = [k.reg("pk1", "dev1", "ps", "r1")];
    buffer_rule("product_register", &|b, c, l| unsafe {
        aliyun_mqtt_subdev_product_register(3, HMAC_SHA1, r.as_ptr(), 1, b, c, l)
    });
}

/// A sub-device with every field at its longest.
fn longest(k: &mut Keep, i: usize) -> aliyun_mqtt_subdev {
    let pk = format!("{:0>20}", i);
    let dn = format!("{:_>32}", i);
    let cid = format!("{:|>128}", i);
    let mut s = k.sub(&pk, &dn, &"S".repeat(64), Some(&cid), u64::MAX);
    s.clean_session = false; // "false" is the longer
    s
}

#[test]
fn test_subdev_sizes_are_exact_succeed() {
    let mut k = Keep::default();
    let subs: Vec<_> = (0..ALIYUN_MQTT_SUBDEV_BATCH_MAX)
        .map(|i| longest(&mut k, i))
        .collect();
    let size = |kind| match kind {
        Kind::TopoAdd => ALIYUN_MQTT_SUBDEV_TOPO_ADD_SIZE,
        Kind::TopoDelete => ALIYUN_MQTT_SUBDEV_TOPO_DELETE_SIZE,
        Kind::Login => ALIYUN_MQTT_SUBDEV_LOGIN_SIZE,
        Kind::BatchLogin => ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE,
        Kind::Logout => ALIYUN_MQTT_SUBDEV_LOGOUT_SIZE,
        Kind::BatchLogout => ALIYUN_MQTT_SUBDEV_BATCH_LOGOUT_SIZE,
    };
    for kind in KINDS {
        let got = payload(kind, u32::MAX, HMAC_SHA256, &subs).unwrap();
        assert_eq!(got.len() + 1, size(kind), "{kind:?}");
    }
    let regs: Vec<_> = (0..ALIYUN_MQTT_SUBDEV_BATCH_MAX)
        .map(|i| {
            k.reg(
                &format!("{:0>20}", i),
                &format!("{:_>32}", i),
                &"P".repeat(64),
                &"r".repeat(32),
            )
        })
        .collect();
    let got = out(|b, c, l| unsafe {
        aliyun_mqtt_subdev_product_register(
            u32::MAX,
            HMAC_SHA256,
            regs.as_ptr(),
            regs.len(),
            b,
            c,
            l,
        )
    })
    .unwrap();
    assert_eq!(got.len() + 1, ALIYUN_MQTT_SUBDEV_PRODUCT_REGISTER_SIZE);
    // Exactly that buffer fits; one byte less does not.
    let mut buf = vec![0u8; ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE];
    let mut len = 0;
    let st = build(
        Kind::BatchLogin,
        u32::MAX,
        HMAC_SHA256,
        &subs,
        buf.as_mut_ptr().cast(),
        buf.len(),
        &mut len,
    );
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    let st = build(
        Kind::BatchLogin,
        u32::MAX,
        HMAC_SHA256,
        &subs,
        buf.as_mut_ptr().cast(),
        buf.len() - 1,
        &mut len,
    );
    assert_eq!(
        (st, len),
        (
            S::ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL,
            ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE - 1
        )
    );
    assert_eq!(
        topic::ALIYUN_MQTT_TOPIC_SIZE,
        topic_len(
            Topic::ProductRegisterReply,
            &"p".repeat(20),
            &"d".repeat(32)
        ) + 1
    );
}

fn topic_len(t: Topic, pk: &str, dn: &str) -> usize {
    out(|b, c, l| unsafe { aliyun_mqtt_topic(t as u32, cs(pk).as_ptr(), cs(dn).as_ptr(), b, c, l) })
        .unwrap()
        .len()
}

#[test]
fn test_subdev_batch_size_fail() {
    let mut k = Keep::default();
    let subs: Vec<_> = (0..=ALIYUN_MQTT_SUBDEV_BATCH_MAX)
        .map(|i| longest(&mut k, i))
        .collect();
    for kind in [
        Kind::TopoAdd,
        Kind::TopoDelete,
        Kind::BatchLogin,
        Kind::BatchLogout,
    ] {
        assert_eq!(
            payload(kind, 1, HMAC_SHA256, &subs[..0]),
            Err(S::ALIYUN_MQTT_ERR_BATCH_SIZE)
        );
        assert_eq!(
            payload(kind, 1, HMAC_SHA256, &subs),
            Err(S::ALIYUN_MQTT_ERR_BATCH_SIZE)
        );
        assert!(payload(kind, 1, HMAC_SHA256, &subs[..50]).is_ok());
        // A huge count is refused before any entry is read.
        let st = unsafe {
            aliyun_mqtt_subdev_batch_logout(
                1,
                subs.as_ptr(),
                usize::MAX,
                ptr::null_mut(),
                0,
                ptr::null_mut(),
            )
        };
        assert_eq!(st, S::ALIYUN_MQTT_ERR_BATCH_SIZE);
        let st = build(
            kind,
            1,
            HMAC_SHA256,
            &[],
            ptr::null_mut(),
            0,
            ptr::null_mut(),
        );
        assert!(matches!(
            st,
            S::ALIYUN_MQTT_ERR_BATCH_SIZE | S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
        ));
    }
    let null = unsafe {
        aliyun_mqtt_subdev_batch_login(
            1,
            HMAC_SHA256,
            ptr::null(),
            1,
            ptr::null_mut(),
            0,
            ptr::null_mut(),
        )
    };
    assert_eq!(null, S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    let null = unsafe {
        aliyun_mqtt_subdev_login(
            1,
            HMAC_SHA256,
            ptr::null(),
            ptr::null_mut(),
            0,
            ptr::null_mut(),
        )
    };
    assert_eq!(null, S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    let regs: Vec<_> = (0..51)
        .map(|i| k.reg("pk", &format!("dev{i:02}"), "ps", "r"))
        .collect();
    for n in [0, 51] {
        let st = unsafe {
            aliyun_mqtt_subdev_product_register(
                1,
                HMAC_SHA256,
                regs.as_ptr(),
                n,
                ptr::null_mut(),
                0,
                ptr::null_mut(),
            )
        };
        assert_eq!(st, S::ALIYUN_MQTT_ERR_BATCH_SIZE, "{n}");
    }
}

#[test]
fn test_subdev_invalid_fields_fail() {
    let mut k = Keep::default();
    let good = k.sub("pk1", "dev1", "s1", None, 5);
    let cases: Vec<(aliyun_mqtt_subdev, S)> = vec![
        (
            k.sub("p k", "dev1", "s1", None, 5),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            k.sub(&"p".repeat(21), "dev1", "s1", None, 5),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            k.sub("pk1", "dev", "s1", None, 5),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            k.sub("pk1", "dev\"1", "s1", None, 5),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            k.sub("pk1", "dev1", "", None, 5),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            k.sub("pk1", "dev1", &"s".repeat(65), None, 5),
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            k.sub("pk1", "dev1", "s1", Some("a\"b"), 5),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            k.sub("pk1", "dev1", "s1", Some("a\\b"), 5),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            k.sub("pk1", "dev1", "s1", Some("a b"), 5),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
        (
            k.sub("pk1", "dev1", "s1", Some(&"c".repeat(129)), 5),
            S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
        ),
    ];
    for (bad, status) in &cases {
        for kind in KINDS {
            // Logout and topology delete read only the ProductKey and DeviceName.
            let reads_all = matches!(kind, Kind::TopoAdd | Kind::Login | Kind::BatchLogin);
            let names_bad = matches!(
                status,
                S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY | S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME
            );
            let want = if reads_all || names_bad {
                Err(*status)
            } else {
                payload(kind, 1, HMAC_SHA256, &[good]).map(|_| String::new())
            };
            // The bad entry second in a batch: still its status.
            let subs = if matches!(kind, Kind::Login | Kind::Logout) {
                vec![*bad]
            } else {
                vec![good, *bad]
            };
            let got = payload(kind, 1, HMAC_SHA256, &subs).map(|_| String::new());
            assert_eq!(got, want, "{kind:?} {status:?}");
        }
    }
    // A NULL string where the message needs one; not where it does not.
    let mut no_secret = good;
    no_secret.device_secret = ptr::null();
    assert_eq!(
        payload(Kind::Login, 1, HMAC_SHA256, &[no_secret]),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
    assert!(payload(Kind::Logout, 1, HMAC_SHA256, &[no_secret]).is_ok());
    let mut no_name = good;
    no_name.device_name = ptr::null();
    assert_eq!(
        payload(Kind::Logout, 1, 0, &[no_name]),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
    // Sign methods: the three HMACs only; unsigned messages ignore it.
    for method in [0, SHA256, 5, u32::MAX] {
        for kind in [Kind::TopoAdd, Kind::Login, Kind::BatchLogin] {
            assert_eq!(
                payload(kind, 1, method, &[good]),
                Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)
            );
        }
    }
    // Registration entries: ProductSecret and random.
    for (reg, status) in [
        (
            k.reg("pk1", "dev1", "", "r"),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
        ),
        (
            k.reg("pk1", "dev1", "ps", "r-1"),
            S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
        ),
        (
            k.reg("pk1", "dev1", "ps", &"r".repeat(33)),
            S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
        ),
        (
            k.reg("p-1", "dev1", "ps", "r"),
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
    ] {
        let st = unsafe {
            aliyun_mqtt_subdev_product_register(
                1,
                HMAC_SHA256,
                &reg,
                1,
                ptr::null_mut(),
                0,
                ptr::null_mut(),
            )
        };
        assert_eq!(st, status);
    }
}

// ------------------------------------------------------------- property

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn visible_but_quote() -> Vec<u8> {
    (0x21..0x7f).filter(|b| *b != b'"' && *b != b'\\').collect()
}

#[test]
fn test_subdev_random_payloads_resign_independently_succeed() {
    let mut rng = Rng(0x6a7e_3a11);
    let dn_chars: Vec<u8> = [ALNUM, b"-_@.:"].concat();
    let secret_chars: Vec<u8> = (0x21..0x7f).collect();
    let cid_chars = visible_but_quote();
    for round in 0..300 {
        let mut k = Keep::default();
        let n = 1 + rng.below(8);
        let mut plain = Vec::new();
        let subs: Vec<_> = (0..n)
            .map(|_| {
                let pk = rng.string(ALNUM, 1, 20);
                let dn = rng.string(&dn_chars, 4, 32);
                let ds = rng.string(&secret_chars, 1, 64);
                let cid = (rng.below(2) == 0).then(|| rng.string(&cid_chars, 1, 128));
                let ts = rng.next() >> rng.below(64);
                let mut s = k.sub(&pk, &dn, &ds, cid.as_deref(), ts);
                s.clean_session = rng.below(2) == 0;
                plain.push((
                    pk.clone(),
                    dn.clone(),
                    ds,
                    cid.unwrap_or(format!("{pk}.{dn}")),
                    ts,
                    s.clean_session,
                ));
                s
            })
            .collect();
        let method = [HMAC_MD5, HMAC_SHA1, HMAC_SHA256][round % 3];
        let name = ["hmacmd5", "hmacsha1", "hmacsha256"][round % 3];
        let id = rng.next() as u32;
        for kind in KINDS {
            let one = matches!(kind, Kind::Login | Kind::Logout);
            let subs = if one { &subs[..1] } else { &subs[..] };
            let text = payload(kind, id, method, subs).unwrap();
            let doc: Value = serde_json::from_str(&text).expect("serde_json reads the payload");
            assert_eq!(doc["id"], Value::String(id.to_string()));
            let entries: Vec<&Value> = match kind {
                Kind::Login | Kind::Logout => vec![&doc["params"]],
                Kind::BatchLogin => {
                    assert_eq!(doc["params"]["signMethod"], name);
                    doc["params"]["deviceList"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .collect()
                }
                _ => doc["params"].as_array().unwrap().iter().collect(),
            };
            assert_eq!(entries.len(), subs.len(), "{kind:?}");
            for (e, (pk, dn, ds, cid, ts, clean)) in entries.iter().zip(&plain) {
                assert_eq!(
                    (e["productKey"].as_str(), e["deviceName"].as_str()),
                    (Some(pk.as_str()), Some(dn.as_str()))
                );
                if matches!(kind, Kind::TopoAdd | Kind::Login | Kind::BatchLogin) {
                    assert_eq!(e["clientId"], cid.as_str());
                    assert_eq!(e["timestamp"], ts.to_string());
                    let want = sub_sign(method, ds, cid, dn, pk, *ts);
                    assert_eq!(e["sign"], want, "{kind:?}");
                }
                if kind != Kind::TopoAdd && matches!(kind, Kind::Login | Kind::BatchLogin) {
                    assert_eq!(e["cleanSession"], if *clean { "true" } else { "false" });
                }
                if kind == Kind::TopoAdd {
                    assert_eq!(e["signmethod"], name);
                }
            }
        }
        // Registration by product, re-signed the same way.
        let regs: Vec<_> = (0..n)
            .map(|_| {
                (
                    rng.string(ALNUM, 1, 20),
                    rng.string(&dn_chars, 4, 32),
                    rng.string(&secret_chars, 1, 64),
                    rng.string(ALNUM, 1, 32),
                )
            })
            .collect();
        let c_regs: Vec<_> = regs
            .iter()
            .map(|(pk, dn, ps, r)| k.reg(pk, dn, ps, r))
            .collect();
        let text = out(|b, c, l| unsafe {
            aliyun_mqtt_subdev_product_register(id, method, c_regs.as_ptr(), c_regs.len(), b, c, l)
        })
        .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        for (e, (pk, dn, ps, r)) in doc["params"]["proxieds"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&regs)
        {
            assert_eq!(
                (
                    &e["productKey"],
                    &e["deviceName"],
                    &e["random"],
                    &e["signMethod"]
                ),
                (
                    &Value::from(pk.as_str()),
                    &Value::from(dn.as_str()),
                    &Value::from(r.as_str()),
                    &Value::from(name)
                )
            );
            assert_eq!(
                e["sign"],
                hmac_hex(
                    method,
                    ps,
                    &format!("deviceName{dn}productKey{pk}random{r}")
                )
            );
        }
    }
}

// ------------------------------------------------------------- topics

#[test]
fn test_topic_every_kind_succeed() {
    let want = [
        "/sys/gwPk1/gw-01/thing/topo/add",
        "/sys/gwPk1/gw-01/thing/topo/add_reply",
        "/sys/gwPk1/gw-01/thing/topo/delete",
        "/sys/gwPk1/gw-01/thing/topo/delete_reply",
        "/ext/session/gwPk1/gw-01/combine/login",
        "/ext/session/gwPk1/gw-01/combine/login_reply",
        "/ext/session/gwPk1/gw-01/combine/batch_login",
        "/ext/session/gwPk1/gw-01/combine/batch_login_reply",
        "/ext/session/gwPk1/gw-01/combine/logout",
        "/ext/session/gwPk1/gw-01/combine/logout_reply",
        "/ext/session/gwPk1/gw-01/combine/batch_logout",
        "/ext/session/gwPk1/gw-01/combine/batch_logout_reply",
        "/sys/gwPk1/gw-01/thing/proxy/provisioning/product_register",
        "/sys/gwPk1/gw-01/thing/proxy/provisioning/product_register_reply",
        "/ext/ntp/gwPk1/gw-01/request",
        "/ext/ntp/gwPk1/gw-01/response",
    ];
    let (pk, dn) = (cs("gwPk1"), cs("gw-01"));
    for (i, want) in want.iter().enumerate() {
        let kind = i as u32 + 1;
        let got =
            out(|b, c, l| unsafe { aliyun_mqtt_topic(kind, pk.as_ptr(), dn.as_ptr(), b, c, l) })
                .unwrap();
        assert_eq!(&got, want);
        buffer_rule(want, &|b, c, l| unsafe {
            aliyun_mqtt_topic(kind, pk.as_ptr(), dn.as_ptr(), b, c, l)
        });
        let (t, p, d) = topic::parse(got.as_bytes()).unwrap();
        assert_eq!(
            (t as u32, p, d),
            (kind, b"gwPk1".as_slice(), b"gw-01".as_slice())
        );
    }
    assert_eq!(
        topic::parse(b"/sys/gwPk1/gw-01/thing/topo/add_replyx"),
        None
    );
    assert_eq!(topic::parse(b"/sys/gw/Pk1/gw-01/thing/topo/add"), None);
    assert_eq!(topic::parse(b"/ext/ntp/gwPk1/gw/request"), None);
}

#[test]
fn test_topic_invalid_fail() {
    let (pk, dn) = (cs("gwPk1"), cs("gw-01"));
    for kind in [0, 17, u32::MAX] {
        let st = unsafe {
            aliyun_mqtt_topic(
                kind,
                pk.as_ptr(),
                dn.as_ptr(),
                ptr::null_mut(),
                0,
                ptr::null_mut(),
            )
        };
        assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_TOPIC);
    }
    let topic = |p: *const c_char, d: *const c_char| {
        out(|b, c, l| unsafe { aliyun_mqtt_topic(5, p, d, b, c, l) })
    };
    assert_eq!(
        topic(ptr::null(), dn.as_ptr()),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
    assert_eq!(
        topic(pk.as_ptr(), ptr::null()),
        Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    );
    assert_eq!(
        topic(cs("a/b").as_ptr(), dn.as_ptr()),
        Err(S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY)
    );
    assert_eq!(
        topic(pk.as_ptr(), cs("gw/01").as_ptr()),
        Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME)
    );
    assert_eq!(
        topic(pk.as_ptr(), cs("+").as_ptr()),
        Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME)
    );
}

// ------------------------------------------------------------- replies

fn text(chars: &[c_char]) -> String {
    unsafe { CStr::from_ptr(chars.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn garbage<T>() -> Box<T> {
    // SAFETY: the reply structs are plain data: every bit pattern is valid.
    unsafe {
        let mut v = Box::<T>::new_uninit();
        ptr::write_bytes(v.as_mut_ptr(), 0x5a, 1);
        v.assume_init()
    }
}

fn zeroed<T>(v: &T) -> bool {
    let bytes = unsafe { std::slice::from_raw_parts((v as *const T).cast::<u8>(), size_of::<T>()) };
    bytes.iter().all(|b| *b == 0)
}

fn subdev_reply(json: &str) -> (Status, Box<aliyun_mqtt_subdev_reply>) {
    let mut r = garbage::<aliyun_mqtt_subdev_reply>();
    let st = unsafe { aliyun_mqtt_parse_subdev_reply(json.as_ptr().cast(), json.len(), &mut *r) };
    if !matches!(st, S::ALIYUN_MQTT_OK | S::ALIYUN_MQTT_ERR_SERVER_REFUSED) {
        assert!(zeroed(&*r), "{st:?} leaves data in the output");
    }
    (st, r)
}

fn register_reply(json: &str) -> (Status, Box<aliyun_mqtt_product_register_reply>) {
    let mut r = garbage::<aliyun_mqtt_product_register_reply>();
    let st = unsafe {
        aliyun_mqtt_parse_product_register_reply(json.as_ptr().cast(), json.len(), &mut *r)
    };
    if !matches!(st, S::ALIYUN_MQTT_OK | S::ALIYUN_MQTT_ERR_SERVER_REFUSED) {
        assert!(zeroed(&*r), "{st:?} leaves data in the output");
    }
    (st, r)
}

fn names(r: &aliyun_mqtt_subdev_reply) -> Vec<(String, String)> {
    r.devices[..r.count]
        .iter()
        .map(|d| (text(&d.product_key), text(&d.device_name)))
        .collect()
}

const LOGIN_OK: &str = r#"{"id":"123","code":200,"message":"success","data":{"productKey":"a1B2c3D4e5F","deviceName":"sensor-01"}}"#;
const BATCH_OK: &str = r#"{"id":"124","code":200,"message":"success","data":[{"productKey":"pk1","deviceName":"dev-01"},{"deviceName":"dev-02","productKey":"pk2","iotId":"x"}]}"#;
const REGISTER_OK: &str = r#"{"code":200,"data":{"failures":[{"productKey":"pk3","deviceName":"dev-03","code":6402}],"successes":[{"deviceSecret":"Ds1","productKey":"pk1","deviceName":"dev-01"}]},"id":"1","message":"success","method":"thing.proxy.provisioning.product_register","version":"1.0"}"#;

#[test]
fn test_parse_subdev_reply_fixtures_succeed() {
    let (st, r) = subdev_reply(LOGIN_OK);
    assert_eq!(
        (st, r.id, r.code, text(&r.message)),
        (S::ALIYUN_MQTT_OK, 123, 200, "success".into())
    );
    assert_eq!(names(&r), [("a1B2c3D4e5F".into(), "sensor-01".into())]);
    assert!(r.devices[1..].iter().all(zeroed));
    let (st, r) = subdev_reply(BATCH_OK);
    assert_eq!((st, r.id), (S::ALIYUN_MQTT_OK, 124));
    assert_eq!(
        names(&r),
        [
            ("pk1".into(), "dev-01".into()),
            ("pk2".into(), "dev-02".into())
        ]
    );
    for data in [
        "",
        ",\"data\":null",
        ",\"data\":{}",
        ",\"data\":[]",
        ",\"data\":{\"other\":1}",
    ] {
        let json = format!("{{\"id\":\"4294967295\",\"code\":200{data}}}");
        let (st, r) = subdev_reply(&json);
        assert_eq!(
            (st, r.id, r.count, text(&r.message)),
            (S::ALIYUN_MQTT_OK, u32::MAX, 0, String::new()),
            "{json}"
        );
    }
    // The id as an integer; whitespace and escapes anywhere.
    let (st, r) = subdev_reply("{ \"id\" : 7 , \"code\" : 200 ,\n\"data\" : [ {\"productKey\":\"p\\u006B1\" , \"deviceName\":\"dev\\u002d1\"} ] }");
    assert_eq!(
        (st, r.id, names(&r)),
        (S::ALIYUN_MQTT_OK, 7, vec![("pk1".into(), "dev-1".into())])
    );
    // A refusal keeps the code, message and the sub-devices it names.
    let (st, r) = subdev_reply(
        r#"{"id":"9","code":521,"message":"device not online","data":[{"productKey":"pk9","deviceName":"dev-09"}]}"#,
    );
    assert_eq!(
        (st, r.id, r.code, text(&r.message)),
        (
            S::ALIYUN_MQTT_ERR_SERVER_REFUSED,
            9,
            521,
            "device not online".into()
        )
    );
    assert_eq!(names(&r), [("pk9".into(), "dev-09".into())]);
    // 50 sub-devices fit, 51 do not.
    let list = |n: usize| {
        (0..n)
            .map(|i| format!("{{\"productKey\":\"pk\",\"deviceName\":\"dev{i:03}\"}}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let (st, r) = subdev_reply(&format!(
        "{{\"id\":\"1\",\"code\":200,\"data\":[{}]}}",
        list(50)
    ));
    assert_eq!(
        (st, r.count, text(&r.devices[49].device_name)),
        (S::ALIYUN_MQTT_OK, 50, "dev049".into())
    );
    assert_eq!(
        subdev_reply(&format!(
            "{{\"id\":\"1\",\"code\":200,\"data\":[{}]}}",
            list(51)
        ))
        .0,
        S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
    );
}

#[test]
fn test_parse_subdev_reply_rejections_fail() {
    for (json, status) in [
        (r#"{"code":200}"#, S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD),
        (r#"{"id":"1"}"#, S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD),
        (
            r#"{"id":"4294967296","code":200}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"-1","code":200}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"","code":200}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1a","code":200}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":1.5,"code":200}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":null,"code":200}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":"200"}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","id":"2","code":200}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200,"data":{},"data":{}}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200,"data":[{"productKey":"a","productKey":"b","deviceName":"dev1"}]}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200,"data":"pk"}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200,"data":[1]}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200,"data":[{"productKey":"pk1"}]}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            r#"{"id":"1","code":200,"data":{"deviceName":"dev1"}}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            r#"{"id":"1","code":200,"data":[{"productKey":"p k","deviceName":"dev1"}]}"#,
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
        ),
        (
            r#"{"id":"1","code":200,"data":[{"productKey":"pk","deviceName":"d"}]}"#,
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
        ),
        (
            r#"{"id":"1","code":200,"data":[{"productKey":"pk","deviceName":1}]}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200} x"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"[{"id":"1","code":200}]"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":500,"data":[{"productKey":"pk"}]}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
    ] {
        assert_eq!(subdev_reply(json).0, status, "{json}");
    }
    // Up to ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN bytes, and not one more.
    let padded = |n: usize| format!("{{\"id\":\"1\",\"code\":200,\"x\":\"{}\"}}", "a".repeat(n));
    let fixed = padded(0).len();
    let longest = padded(ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN - fixed);
    assert_eq!(longest.len(), ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN);
    assert_eq!(subdev_reply(&longest).0, S::ALIYUN_MQTT_OK);
    assert_eq!(register_reply(&longest).0, S::ALIYUN_MQTT_OK);
    let long = padded(ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN - fixed + 1);
    assert_eq!(subdev_reply(&long).0, S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE);
    assert_eq!(register_reply(&long).0, S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE);
    let mut r = garbage::<aliyun_mqtt_subdev_reply>();
    assert_eq!(
        unsafe { aliyun_mqtt_parse_subdev_reply(ptr::null(), 0, &mut *r) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe {
            aliyun_mqtt_parse_subdev_reply(
                LOGIN_OK.as_ptr().cast(),
                LOGIN_OK.len(),
                ptr::null_mut(),
            )
        },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn test_parse_product_register_reply_succeed_and_fail() {
    let (st, r) = register_reply(REGISTER_OK);
    assert_eq!(
        (st, r.id, r.code, r.count, r.failed_count),
        (S::ALIYUN_MQTT_OK, 1, 200, 1, 1)
    );
    let d = &r.devices[0];
    assert_eq!(
        (
            text(&d.product_key),
            text(&d.device_name),
            text(&d.device_secret)
        ),
        ("pk1".into(), "dev-01".into(), "Ds1".into())
    );
    assert_eq!(
        (
            text(&r.failed[0].product_key),
            text(&r.failed[0].device_name)
        ),
        ("pk3".into(), "dev-03".into())
    );
    for data in [
        "",
        ",\"data\":null",
        ",\"data\":{}",
        ",\"data\":{\"successes\":null,\"failures\":[]}",
    ] {
        let (st, r) = register_reply(&format!("{{\"id\":\"2\",\"code\":200{data}}}"));
        assert_eq!(
            (st, r.count, r.failed_count),
            (S::ALIYUN_MQTT_OK, 0, 0),
            "{data}"
        );
    }
    let (st, r) = register_reply(
        r#"{"id":"3","code":6402,"message":"topo relation cannot add by self","data":{"failures":[{"productKey":"pk3","deviceName":"dev-03"}]}}"#,
    );
    assert_eq!(
        (st, r.code, r.failed_count),
        (S::ALIYUN_MQTT_ERR_SERVER_REFUSED, 6402, 1)
    );
    for (json, status) in [
        (
            r#"{"id":"1","code":200,"data":{"successes":[{"productKey":"pk1","deviceName":"dev-01"}]}}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            r#"{"id":"1","code":200,"data":{"successes":[{"productKey":"pk1","deviceName":"dev-01","deviceSecret":"a b"}]}}"#,
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
        ),
        (
            r#"{"id":"1","code":200,"data":{"successes":{}}}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200,"data":{"successes":[],"successes":[]}}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            r#"{"id":"1","code":200,"data":{"failures":[{"productKey":"pk1"}]}}"#,
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
    ] {
        assert_eq!(register_reply(json).0, status, "{json}");
    }
}

#[test]
fn test_parse_replies_every_proper_prefix_is_truncated_fail() {
    for json in [LOGIN_OK, BATCH_OK] {
        assert_eq!(subdev_reply(json).0, S::ALIYUN_MQTT_OK);
        for cut in 0..json.len() {
            assert_eq!(
                subdev_reply(&json[..cut]).0,
                S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED,
                "{}",
                &json[..cut]
            );
        }
    }
    assert_eq!(register_reply(REGISTER_OK).0, S::ALIYUN_MQTT_OK);
    for cut in 0..REGISTER_OK.len() {
        assert_eq!(
            register_reply(&REGISTER_OK[..cut]).0,
            S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED
        );
    }
}

/// The safe Rust API gives the same payloads as the C ABI.
#[test]
fn test_subdev_rust_api_matches_c_succeed() {
    use aliyun_mqtt_sign::SignMethod;
    let mut k = Keep::default();
    let c = [
        k.sub("pk1", "dev1", "s1", Some("c|1"), 9),
        k.sub("pk2", "dev2", "s2", None, 10),
    ];
    let rust = [
        SubDevice {
            client_id: Some(b"c|1"),
            timestamp_ms: 9,
            ..SubDevice::new(b"pk1", b"dev1", b"s1")
        },
        SubDevice {
            timestamp_ms: 10,
            ..SubDevice::new(b"pk2", b"dev2", b"s2")
        },
    ];
    let mut buf = [0u8; 2048];
    let n = batch_login(3, SignMethod::HmacSha1, &rust, &mut buf).unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..n]).unwrap(),
        payload(Kind::BatchLogin, 3, HMAC_SHA1, &c).unwrap()
    );
    let n = login(3, SignMethod::HmacSha1, &rust[0], &mut buf).unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..n]).unwrap(),
        payload(Kind::Login, 3, HMAC_SHA1, &c[..1]).unwrap()
    );
    assert_eq!(
        batch_login(3, SignMethod::Sha256, &rust, &mut buf),
        Err(aliyun_mqtt_sign::Error::Invalid(
            S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD
        ))
    );
    let full = batch_login(3, SignMethod::HmacSha1, &rust, &mut buf).unwrap();
    assert_eq!(
        batch_login(3, SignMethod::HmacSha1, &rust, &mut buf[..10]),
        Err(aliyun_mqtt_sign::Error::TooSmall(full))
    );
}

/// The largest batch the platform can answer: 50 sub-devices with the
/// longest names (and DeviceSecrets), well over the 4096 bytes of the
/// other replies, parse whole; a 51st is too many.
#[test]
fn test_parse_replies_largest_batch_succeed() {
    let pk = |i: usize| format!("{:A<20}", format!("P{i}"));
    let dn = |i: usize| format!("{:d<32}", format!("dev-{i}"));
    let ds = |i: usize| format!("{:s<64}", format!("S{i}"));
    let named = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "{{\"productKey\":\"{}\",\"deviceName\":\"{}\"}}",
                    pk(i),
                    dn(i)
                )
            })
            .collect()
    };
    let batch = |n: usize| {
        format!(
            "{{\"id\":\"77\",\"code\":200,\"message\":\"success\",\"data\":[{}]}}",
            named(n).join(",")
        )
    };
    let json = batch(50);
    assert!(json.len() > 4096, "{}", json.len());
    let (st, r) = subdev_reply(&json);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(r.count, 50);
    let want: Vec<(String, String)> = (0..50).map(|i| (pk(i), dn(i))).collect();
    assert_eq!(names(&r), want);
    assert_eq!(
        subdev_reply(&batch(51)).0,
        S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
    );

    let secrets = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "{{\"productKey\":\"{}\",\"deviceName\":\"{}\",\"deviceSecret\":\"{}\"}}",
                    pk(i),
                    dn(i),
                    ds(i)
                )
            })
            .collect()
    };
    let register = |ok: usize, failed: usize| {
        format!(
            "{{\"id\":\"78\",\"code\":200,\"message\":\"success\",\"data\":{{\"successes\":[{}],\"failures\":[{}]}}}}",
            secrets(ok).join(","),
            named(failed).join(",")
        )
    };
    let json = register(50, 50);
    assert!(
        json.len() > 12_000 && json.len() <= ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN,
        "{}",
        json.len()
    );
    let (st, r) = register_reply(&json);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!((r.count, r.failed_count), (50, 50));
    for i in 0..50 {
        assert_eq!(text(&r.devices[i].product_key), pk(i));
        assert_eq!(text(&r.devices[i].device_name), dn(i));
        assert_eq!(text(&r.devices[i].device_secret), ds(i));
        assert_eq!(text(&r.failed[i].device_name), dn(i));
    }
    assert_eq!(
        register_reply(&register(51, 0)).0,
        S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
    );
    assert_eq!(
        register_reply(&register(0, 51)).0,
        S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE
    );
}
