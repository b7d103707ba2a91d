//! PROTOCOL.md §7 through the C ABI: the NTP request payload, the response
//! parser, and the time function, checked on every combination of edge
//! values and on random inputs against a 128-bit model of the formula.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use std::ffi::c_char;
use std::ptr;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::ntp::ALIYUN_MQTT_NTP_REQUEST_SIZE;
use aliyun_mqtt_sign::topic::{self, Topic};
use aliyun_mqtt_sign::Status;
use common::*;

type S = Status;

/// The time function: the status and what it left in `*out_ms`.
fn time(ds: u64, sr: u64, ss: u64, dr: u64) -> (Status, u64) {
    let mut out = 0xDEAD_BEEF;
    let st = unsafe { aliyun_mqtt_ntp_time(ds, sr, ss, dr, &mut out) };
    (st, out)
}

/// The model: the formula in 128-bit arithmetic, with the consistency
/// rules of PROTOCOL.md §7.3 stated directly.
fn model(ds: u64, sr: u64, ss: u64, dr: u64) -> Option<u64> {
    let (ds, sr, ss, dr) = (ds as u128, sr as u128, ss as u128, dr as u128);
    if dr < ds || ss < sr || ss - sr > dr - ds {
        return None;
    }
    u64::try_from((sr + ss + dr - ds) / 2).ok()
}

fn check(ds: u64, sr: u64, ss: u64, dr: u64) {
    let got = time(ds, sr, ss, dr);
    match model(ds, sr, ss, dr) {
        Some(ms) => assert_eq!(got, (S::ALIYUN_MQTT_OK, ms), "{ds} {sr} {ss} {dr}"),
        None => assert_eq!(
            got,
            (S::ALIYUN_MQTT_ERR_INVALID_NTP_TIMES, 0),
            "{ds} {sr} {ss} {dr}"
        ),
    }
}

#[test]
fn test_ntp_time_fixtures_succeed() {
    // Device counter from boot; server 1.7e12 ms; 40 ms round trip, 2 ms in
    // the server: the server's receive time plus half of 42 ms.
    assert_eq!(
        time(1_000, 1_700_000_000_019, 1_700_000_000_021, 1_040),
        (S::ALIYUN_MQTT_OK, 1_700_000_000_040)
    );
    // A zero-length exchange gives the server's time.
    assert_eq!(time(5, 9, 9, 5), (S::ALIYUN_MQTT_OK, 9));
    // Odd sums round down.
    assert_eq!(time(0, 10, 11, 2), (S::ALIYUN_MQTT_OK, 11));
    assert_eq!(time(0, 10, 10, 1), (S::ALIYUN_MQTT_OK, 10));
    // The result reaches u64::MAX exactly.
    assert_eq!(
        time(0, u64::MAX - 1, u64::MAX, 1),
        (S::ALIYUN_MQTT_OK, u64::MAX)
    );
    assert_eq!(
        time(0, u64::MAX, u64::MAX, 1),
        (S::ALIYUN_MQTT_OK, u64::MAX)
    );
    // Inconsistent exchanges.
    let bad = (S::ALIYUN_MQTT_ERR_INVALID_NTP_TIMES, 0);
    assert_eq!(time(10, 100, 100, 9), bad, "received before sent");
    assert_eq!(time(0, 100, 99, 10), bad, "server sent before it received");
    assert_eq!(
        time(0, 100, 111, 10),
        bad,
        "server held longer than the round trip"
    );
    assert_eq!(time(0, u64::MAX, u64::MAX, 2), bad, "past u64::MAX");
    assert_eq!(
        unsafe { aliyun_mqtt_ntp_time(0, 0, 0, 0, ptr::null_mut()) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

#[test]
fn test_ntp_time_every_edge_combination_succeed() {
    let edges = [
        0,
        1,
        2,
        3,
        1_700_000_000_000,
        u64::MAX / 2 - 1,
        u64::MAX / 2,
        u64::MAX / 2 + 1,
        u64::MAX - 2,
        u64::MAX - 1,
        u64::MAX,
    ];
    let mut valid = 0;
    for ds in edges {
        for sr in edges {
            for ss in edges {
                for dr in edges {
                    check(ds, sr, ss, dr);
                    valid += usize::from(model(ds, sr, ss, dr).is_some());
                }
            }
        }
    }
    // Both outcomes are exercised.
    assert!(valid > 500 && valid < edges.len().pow(4) - 500, "{valid}");
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Full-range values, values near the ends, and small differences.
    fn value(&mut self) -> u64 {
        match self.next() % 4 {
            0 => self.next(),
            1 => u64::MAX - self.next() % 1000,
            2 => self.next() % 1000,
            _ => 1_700_000_000_000 + self.next() % 100_000,
        }
    }
}

#[test]
fn test_ntp_time_random_inputs_match_128_bit_model_succeed() {
    let mut rng = Rng(0x5EED_0007);
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..200_000 {
        // Half consistent exchanges built from a start and three gaps, half
        // four independent values.
        let (ds, sr, ss, dr) = if rng.next().is_multiple_of(2) {
            let ds = rng.value();
            let rtt = rng.value() % (u64::MAX - ds).saturating_add(1).max(1);
            let sr = rng.value();
            let held = rng.next() % rtt.saturating_add(1).max(1);
            (ds, sr, sr.saturating_add(held), ds + rtt)
        } else {
            (rng.value(), rng.value(), rng.value(), rng.value())
        };
        check(ds, sr, ss, dr);
        if model(ds, sr, ss, dr).is_some() {
            ok += 1;
        } else {
            bad += 1;
        }
    }
    assert!(ok > 50_000 && bad > 50_000, "{ok} {bad}");
}

// ------------------------------------------------------------- messages

fn request(t: u64) -> String {
    let mut buf = vec![CANARY; 64];
    let mut len = 0;
    let st = unsafe { aliyun_mqtt_ntp_request(t, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    String::from_utf8(buf[..len].to_vec()).unwrap()
}

#[test]
fn test_ntp_request_succeed() {
    assert_eq!(request(0), r#"{"deviceSendTime":"0"}"#);
    assert_eq!(
        request(1_571_724_098_000),
        r#"{"deviceSendTime":"1571724098000"}"#
    );
    let longest = request(u64::MAX);
    assert_eq!(longest, r#"{"deviceSendTime":"18446744073709551615"}"#);
    assert_eq!(longest.len() + 1, ALIYUN_MQTT_NTP_REQUEST_SIZE);
    let v: serde_json::Value = serde_json::from_str(&request(12_345)).unwrap();
    assert_eq!(v["deviceSendTime"], "12345");
    buffer_rule("ntp_request", &|b: *mut c_char, c, l| unsafe {
        aliyun_mqtt_ntp_request(1_571_724_098_000, b, c, l)
    });
    // The topics, for the device itself.
    let mut buf = [0u8; topic::ALIYUN_MQTT_TOPIC_SIZE];
    let n = topic::topic(Topic::NtpRequest, b"a1B2c3D4e5F", b"clock-01", &mut buf).unwrap();
    assert_eq!(&buf[..n], b"/ext/ntp/a1B2c3D4e5F/clock-01/request");
    let n = topic::topic(Topic::NtpResponse, b"a1B2c3D4e5F", b"clock-01", &mut buf).unwrap();
    assert_eq!(&buf[..n], b"/ext/ntp/a1B2c3D4e5F/clock-01/response");
}

fn response(json: &str) -> (Status, aliyun_mqtt_ntp_response) {
    let mut out = aliyun_mqtt_ntp_response {
        device_send_time: 7,
        server_recv_time: 7,
        server_send_time: 7,
    };
    let st = unsafe { aliyun_mqtt_parse_ntp_response(json.as_ptr().cast(), json.len(), &mut out) };
    (st, out)
}

fn times(r: &aliyun_mqtt_ntp_response) -> (u64, u64, u64) {
    (r.device_send_time, r.server_recv_time, r.server_send_time)
}

const RESPONSE: &str = r#"{"deviceSendTime":"1571724098000","serverRecvTime":"1571724098110","serverSendTime":"1571724098115"}"#;

#[test]
fn test_ntp_response_fixtures_succeed() {
    let (st, r) = response(RESPONSE);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(
        times(&r),
        (1_571_724_098_000, 1_571_724_098_110, 1_571_724_098_115)
    );
    // Any order, whitespace, integers, extra members, the largest value.
    let (st, r) = response(
        " {\"serverSendTime\" : 3 ,\"x\":{\"deviceSendTime\":\"9\"},\n\"serverRecvTime\":\"2\",\"deviceSendTime\":\"18446744073709551615\"} ",
    );
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(times(&r), (u64::MAX, 2, 3));
}

#[test]
fn test_ntp_response_rejections_fail() {
    let with = |from: &str, to: &str| RESPONSE.replacen(from, to, 1);
    for (json, status) in [
        (
            with("\"1571724098000\"", "\"18446744073709551616\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "\"\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "\"-1\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "\"1e3\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "1.5"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "-1"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "null"),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "\" 1\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"1571724098000\"", "\"000000000000000000001\""),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (
            with("\"deviceSendTime\"", "\"devicesendtime\""),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("\"serverRecvTime\"", "\"recv\""),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("\"serverSendTime\"", "\"send\""),
            S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD,
        ),
        (
            with("{", "{\"serverSendTime\":\"1\","),
            S::ALIYUN_MQTT_ERR_REPLY_MALFORMED,
        ),
        (format!("{RESPONSE}x"), S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        (format!("[{RESPONSE}]"), S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        (
            with("{", &format!("{{\"pad\":\"{}\",", "a".repeat(4096))),
            S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE,
        ),
    ] {
        let (st, r) = response(&json);
        assert_eq!(st, status, "{json}");
        assert_eq!(times(&r), (0, 0, 0), "{json}: zeroed on error");
    }
    // Every proper prefix is truncated.
    for cut in 0..RESPONSE.len() {
        let (st, r) = response(&RESPONSE[..cut]);
        assert_eq!(
            st,
            S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED,
            "{}",
            &RESPONSE[..cut]
        );
        assert_eq!(times(&r), (0, 0, 0));
    }
    let mut out = aliyun_mqtt_ntp_response {
        device_send_time: 1,
        server_recv_time: 1,
        server_send_time: 1,
    };
    assert_eq!(
        unsafe { aliyun_mqtt_parse_ntp_response(ptr::null(), 0, &mut out) },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe {
            aliyun_mqtt_parse_ntp_response(
                RESPONSE.as_ptr().cast(),
                RESPONSE.len(),
                ptr::null_mut(),
            )
        },
        S::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
}

/// A firmware with only a tick: request at tick 1000, response at 1040,
/// then sign with the time the exchange gives.
#[test]
fn test_ntp_exchange_then_sign_succeed() {
    let sent = 1_000;
    let req = request(sent);
    assert!(req.contains("\"1000\""));
    let reply = r#"{"deviceSendTime":"1000","serverRecvTime":"1700000000019","serverSendTime":"1700000000021"}"#;
    let (st, r) = response(reply);
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    assert_eq!(r.device_send_time, sent, "the response echoes the request");
    let (st, now) = time(
        r.device_send_time,
        r.server_recv_time,
        r.server_send_time,
        1_040,
    );
    assert_eq!((st, now), (S::ALIYUN_MQTT_OK, 1_700_000_000_040));
    // 25 ms of ticks later.
    let ts = now + (1_065 - 1_040);
    let (pk, dn, ds) = (cs("a1B2c3D4e5F"), cs("clock-01"), cs("S3cret"));
    let dev = aliyun_mqtt_device {
        product_key: pk.as_ptr(),
        device_name: dn.as_ptr(),
        device_secret: ds.as_ptr(),
        client_id: ptr::null(),
        timestamp_ms: ts,
        sign_method: aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
        secure_mode: aliyun_mqtt_secure_mode::ALIYUN_MQTT_SECURE_TLS as i32,
        extra_params: ptr::null(),
        uppercase_hex: false,
    };
    let mut buf = [0u8; 128];
    let mut len = 0;
    let st = unsafe { aliyun_mqtt_password(&dev, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
    assert_eq!(st, S::ALIYUN_MQTT_OK);
    let want = independent(
        aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32,
        "S3cret",
        "clientIda1B2c3D4e5F.clock-01deviceNameclock-01productKeya1B2c3D4e5Ftimestamp1700000000065",
    );
    assert_eq!(std::str::from_utf8(&buf[..len]).unwrap(), want);
}
