//! PROTOCOL.md §2.3 and §8 through the C ABI: every embedded TLS root
//! against its source (Debian's ca-certificates byte for byte, or the MD5
//! the platform publishes for its private root), its DER against
//! `openssl x509` (an independent decoder), its expiry against the
//! certificate's notAfter, and the endpoint table.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::ffi::CStr;
use std::io::Write;
use std::process::{Command, Stdio};
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::Status;

type S = Status;

/// Debian's ca-certificates (scripts/setup.sh --test installs it).
const DEBIAN: &str = "/usr/share/ca-certificates/mozilla";

/// The MD5 the platform's documentation publishes for its root download.
const ALIYUN_PUBLISHED_MD5: &str = "c7a6afb466713832af778a7bcb6d1aef";

struct Expected {
    id: aliyun_mqtt_root_id,
    name: &'static str,
    /// Debian's file, or None for the private root.
    debian: Option<&'static str>,
    not_after_utc: &'static str,
    /// As `openssl x509 -enddate` prints it.
    openssl_end: &'static str,
    sha256: &'static str,
}

const ROOTS: [Expected; 5] = [
    Expected {
        id: aliyun_mqtt_root_id::ALIYUN_MQTT_ROOT_GLOBALSIGN_R1,
        name: "GlobalSign Root CA",
        debian: Some("GlobalSign_Root_CA.crt"),
        not_after_utc: "2028-01-28T12:00:00Z",
        openssl_end: "Jan 28 12:00:00 2028 GMT",
        sha256: "EB:D4:10:40:E4:BB:3E:C7:42:C9:E3:81:D3:1E:F2:A4:1A:48:B6:68:5C:96:E7:CE:F3:C1:DF:6C:D4:33:1C:99",
    },
    Expected {
        id: aliyun_mqtt_root_id::ALIYUN_MQTT_ROOT_ALIYUN_IOT,
        name: "Aliyun IoT Root CA",
        debian: None,
        not_after_utc: "2053-07-04T06:36:58Z",
        openssl_end: "Jul  4 06:36:58 2053 GMT",
        sha256: "7C:A4:38:A3:97:6B:52:42:D2:31:F8:61:49:98:22:DA:85:58:31:38:27:35:83:6B:36:1E:7E:97:15:66:16:76",
    },
    Expected {
        id: aliyun_mqtt_root_id::ALIYUN_MQTT_ROOT_GLOBALSIGN_R6,
        name: "GlobalSign Root CA - R6",
        debian: Some("GlobalSign_Root_CA_-_R6.crt"),
        not_after_utc: "2034-12-10T00:00:00Z",
        openssl_end: "Dec 10 00:00:00 2034 GMT",
        sha256: "2C:AB:EA:FE:37:D0:6C:A2:2A:BA:73:91:C0:03:3D:25:98:29:52:C4:53:64:73:49:76:3A:3A:B5:AD:6C:CF:69",
    },
    Expected {
        id: aliyun_mqtt_root_id::ALIYUN_MQTT_ROOT_GLOBALSIGN_R46,
        name: "GlobalSign Root R46",
        debian: Some("GlobalSign_Root_R46.crt"),
        not_after_utc: "2046-03-20T00:00:00Z",
        openssl_end: "Mar 20 00:00:00 2046 GMT",
        sha256: "4F:A3:12:6D:8D:3A:11:D1:C4:85:5A:4F:80:7C:BA:D6:CF:91:9D:3A:5A:88:B0:3B:EA:2C:63:72:D9:3C:40:C9",
    },
    Expected {
        id: aliyun_mqtt_root_id::ALIYUN_MQTT_ROOT_GLOBALSIGN_E46,
        name: "GlobalSign Root E46",
        debian: Some("GlobalSign_Root_E46.crt"),
        not_after_utc: "2046-03-20T00:00:00Z",
        openssl_end: "Mar 20 00:00:00 2046 GMT",
        sha256: "CB:B9:C4:4D:84:B8:04:3E:10:50:EA:31:A6:9F:51:49:55:D7:BF:D2:E2:C6:B4:93:01:01:9A:D6:1D:9F:50:58",
    },
];

/// Runs `openssl x509 ARGS` on `pem` and returns its standard output.
fn openssl(pem: &[u8], args: &[&str]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .arg("x509")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl (scripts/setup.sh --test installs it)");
    child.stdin.take().unwrap().write_all(pem).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl x509 {args:?}");
    out.stdout
}

fn root(id: u32) -> (Status, aliyun_mqtt_root_info) {
    let mut info = aliyun_mqtt_root_info {
        name: ptr::null(),
        pem: ptr::null(),
        der: ptr::null(),
        der_len: usize::MAX,
        not_after: u64::MAX,
        not_after_utc: ptr::null(),
    };
    let st = unsafe { aliyun_mqtt_root(id, &mut info) };
    (st, info)
}

fn text(p: *const std::ffi::c_char) -> &'static str {
    unsafe { CStr::from_ptr(p) }.to_str().unwrap()
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DDTHH:MM:SSZ` as seconds since the epoch.
fn epoch_of(utc: &str) -> u64 {
    let n = |r: std::ops::Range<usize>| utc[r].parse::<i64>().unwrap();
    let days = days_from_civil(n(0..4), n(5..7), n(8..10));
    u64::try_from(days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)).unwrap()
}

#[test]
fn test_roots_match_their_sources_succeed() {
    assert_eq!(ALIYUN_MQTT_ROOT_COUNT as usize, ROOTS.len());
    for want in &ROOTS {
        let (st, info) = root(want.id as u32);
        assert_eq!(st, S::ALIYUN_MQTT_OK, "{}", want.name);
        assert_eq!(text(info.name), want.name);
        let pem = text(info.pem);
        let der = unsafe { std::slice::from_raw_parts(info.der, info.der_len) };
        match want.debian {
            // Debian's file, byte for byte.
            Some(file) => {
                let debian = std::fs::read_to_string(format!("{DEBIAN}/{file}"))
                    .expect("Debian's ca-certificates (scripts/setup.sh --test installs it)");
                assert_eq!(pem, debian, "{}", want.name);
            }
            // The published MD5 of the file, by an independent MD5.
            None => {
                let md5 = md5_independent::compute(pem.as_bytes());
                assert_eq!(format!("{md5:x}"), ALIYUN_PUBLISHED_MD5);
            }
        }
        // The DER is the PEM's certificate, decoded by openssl.
        assert_eq!(openssl(pem.as_bytes(), &["-outform", "DER"]), der);
        // The SHA-256 fingerprint, by an independent SHA-256.
        let fingerprint: String = hmac_sha256::Hash::hash(der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(fingerprint, want.sha256, "{}", want.name);
        // Expiry: the certificate's notAfter, in both forms.
        let end = String::from_utf8(openssl(pem.as_bytes(), &["-noout", "-enddate"])).unwrap();
        assert_eq!(end.trim(), format!("notAfter={}", want.openssl_end));
        assert_eq!(text(info.not_after_utc), want.not_after_utc);
        assert_eq!(
            info.not_after,
            epoch_of(want.not_after_utc),
            "{}",
            want.name
        );
        // The subject names the root.
        let subject = String::from_utf8(openssl(pem.as_bytes(), &["-noout", "-subject"])).unwrap();
        assert!(subject.contains(want.name), "{subject}");
    }
}

#[test]
fn test_root_epoch_conversion_succeed() {
    // Known instants, so that the expiry check above checks something.
    assert_eq!(epoch_of("1970-01-01T00:00:00Z"), 0);
    assert_eq!(epoch_of("2000-03-01T00:00:00Z"), 951_868_800);
    assert_eq!(epoch_of("2028-01-28T12:00:00Z"), 1_832_673_600);
}

#[test]
fn test_root_invalid_fail() {
    for id in [0, 6, 7, 100, u32::MAX] {
        let (st, info) = root(id);
        assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_ROOT, "{id}");
        assert!(info.name.is_null() && info.pem.is_null() && info.der.is_null());
        assert!(info.not_after_utc.is_null());
        assert_eq!((info.der_len, info.not_after), (0, 0));
    }
    assert_eq!(
        unsafe { aliyun_mqtt_root(1, ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

fn bit(id: aliyun_mqtt_root_id) -> u32 {
    1 << id as u32
}

fn endpoint(kind: u32) -> (Status, aliyun_mqtt_endpoint_tls_info) {
    let mut info = aliyun_mqtt_endpoint_tls_info {
        roots: u32::MAX,
        successors: u32::MAX,
        port: u16::MAX,
    };
    let st = unsafe { aliyun_mqtt_endpoint_tls(kind, &mut info) };
    (st, info)
}

#[test]
fn test_endpoint_tls_table_succeed() {
    use aliyun_mqtt_endpoint_kind::*;
    use aliyun_mqtt_root_id::*;
    let successors = bit(ALIYUN_MQTT_ROOT_GLOBALSIGN_R6)
        | bit(ALIYUN_MQTT_ROOT_GLOBALSIGN_R46)
        | bit(ALIYUN_MQTT_ROOT_GLOBALSIGN_E46);
    let r1 = bit(ALIYUN_MQTT_ROOT_GLOBALSIGN_R1);
    let table = [
        (ALIYUN_MQTT_ENDPOINT_PUBLIC, r1, successors, 1883),
        (
            ALIYUN_MQTT_ENDPOINT_INSTANCE,
            bit(ALIYUN_MQTT_ROOT_ALIYUN_IOT),
            0,
            8883,
        ),
        (ALIYUN_MQTT_ENDPOINT_IPV6, r1, successors, 1883),
        (ALIYUN_MQTT_ENDPOINT_HTTPS_AUTH, r1, successors, 443),
        (ALIYUN_MQTT_ENDPOINT_WEBSOCKET, r1, successors, 443),
    ];
    for (kind, roots, succ, port) in table {
        let (st, info) = endpoint(kind as u32);
        assert_eq!(st, S::ALIYUN_MQTT_OK, "{kind:?}");
        assert_eq!(
            (info.roots, info.successors, info.port),
            (roots, succ, port),
            "{kind:?}"
        );
        // Every bit names an embedded root.
        for id in 0..32 {
            if (info.roots | info.successors) & (1 << id) != 0 {
                assert_eq!(root(id).0, S::ALIYUN_MQTT_OK, "{kind:?} bit {id}");
            }
        }
    }
    for kind in [0, 6, u32::MAX] {
        let (st, info) = endpoint(kind);
        assert_eq!(st, S::ALIYUN_MQTT_ERR_INVALID_ROOT);
        assert_eq!((info.roots, info.successors, info.port), (0, 0, 0));
    }
    assert_eq!(
        unsafe { aliyun_mqtt_endpoint_tls(1, ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn test_r1_accessors_agree_with_root_table_succeed() {
    // The older R1-only accessors return the table's first root.
    let (_, info) = root(aliyun_mqtt_root_id::ALIYUN_MQTT_ROOT_GLOBALSIGN_R1 as u32);
    let pem = unsafe { CStr::from_ptr(aliyun_mqtt_root_ca_pem()) };
    assert_eq!(pem.to_str().unwrap(), text(info.pem));
    let mut len = 0;
    let der = unsafe { aliyun_mqtt_root_ca_der(&mut len) };
    assert_eq!(len, info.der_len);
    assert_eq!(unsafe { std::slice::from_raw_parts(der, len) }, unsafe {
        std::slice::from_raw_parts(info.der, info.der_len)
    });
}
