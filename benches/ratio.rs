#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)] // a bench: a failed check should stop it
//! `cargo bench --bench ratio`: the full `aliyun_mqtt_sign` against the
//! bare HMAC of its content (`sign::sign`, as in `benches/sign.rs`),
//! interleaved: `ROUNDS` rounds, each timing `CALLS` calls of one and then
//! of the other, and the fastest round of each kept. Other load on a shared
//! machine only ever slows a round, so the fastest rounds compare the two
//! under the same conditions, where criterion's back-to-back means can
//! land a burst of load on one side only. Prints a table row per method,
//! and one for hmacsha256 with 128 bytes of extra parameters (19 pairs).
//!
//! A second table does the same for the verifier: `aliyun_mqtt_verify` and
//! `aliyun_mqtt_verify_with_key` (the secret prepared once by
//! `aliyun_mqtt_verify_key_init`) on the device's CONNECT fields, against
//! the bare HMAC-SHA256 of the content they check, and the HMAC of the
//! content resumed from the key's states alone (`hmac_parts_from_states`,
//! what with_key computes after parsing), all interleaved.

mod common;

use std::hint::black_box;
use std::time::Instant;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::sign::{hmac_parts_from_states, sign, SignMethod, MAX_DIGEST_LEN};
use common::{golden_device, CONTENT, KEY};

const ROUNDS: usize = 60;
const CALLS: u32 = 20_000;

/// Nanoseconds per call of `f` over one round.
fn round(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..CALLS {
        f();
    }
    start.elapsed().as_secs_f64() * 1e9 / f64::from(CALLS)
}

fn main() {
    let mut dev = golden_device();

    println!("| method | aliyun_mqtt_sign (ns) | bare (ns) | ratio |");
    println!("|---|---|---|---|");
    for method in SignMethod::ALL {
        dev.sign_method = method as u32;
        let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
        let mut digest = [0u8; MAX_DIGEST_LEN];
        // The signature must be right, or the timing means nothing.
        let status = unsafe { aliyun_mqtt_sign(&dev, &mut cred) };
        assert_eq!(
            status,
            aliyun_mqtt_sign::status::aliyun_mqtt_status::ALIYUN_MQTT_OK
        );
        let len = sign(method, KEY, &[CONTENT], &mut digest).unwrap();
        let hex: String = digest[..len].iter().map(|b| format!("{b:02x}")).collect();
        let password = unsafe { std::ffi::CStr::from_ptr(cred.password.as_ptr()) };
        assert_eq!(password.to_str().unwrap(), hex);
        let (mut full, mut bare) = (f64::MAX, f64::MAX);
        for _ in 0..ROUNDS {
            full = full.min(round(|| {
                black_box(unsafe { aliyun_mqtt_sign(black_box(&dev), &mut cred) });
            }));
            bare = bare.min(round(|| {
                let _ = black_box(sign(
                    method,
                    black_box(KEY),
                    &[black_box(CONTENT)],
                    &mut digest,
                ));
            }));
        }
        let name = String::from_utf8_lossy(method.name());
        println!("| {name} | {full:.1} | {bare:.1} | {:.3} |", full / bare);
    }
    extra_params_row();
    verify_table();
}

/// 128 bytes of extra parameters: what the vendor SDKs send, then short
/// pairs up to the limit (19 pairs).
fn extra_params() -> std::ffi::CString {
    let mut s = String::from("_v=sdk-c-3.0.1,lan=C,_ss=1,ext=3");
    for n in 0..15 {
        s.push_str(&format!(",k{n:02}=v"));
    }
    while s.len() < 128 {
        s.push('v');
    }
    assert_eq!(s.len(), 128);
    std::ffi::CString::new(s).unwrap()
}

/// One row: hmacsha256 with 128 bytes of extra parameters against the bare
/// HMAC of its signed content (the extra parameters are not signed).
fn extra_params_row() {
    use aliyun_mqtt_sign::status::aliyun_mqtt_status::ALIYUN_MQTT_OK;
    let extra = extra_params();
    let mut dev = golden_device();
    dev.sign_method = SignMethod::HmacSha256 as u32;
    dev.extra_params = extra.as_ptr();
    let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { aliyun_mqtt_sign(&dev, &mut cred) }, ALIYUN_MQTT_OK);
    let client_id = unsafe { std::ffi::CStr::from_ptr(cred.client_id.as_ptr()) };
    assert!(client_id
        .to_str()
        .unwrap()
        .ends_with(&format!(",{}|", extra.to_str().unwrap())));
    let mut digest = [0u8; MAX_DIGEST_LEN];
    let (mut full, mut bare) = (f64::MAX, f64::MAX);
    for _ in 0..ROUNDS {
        full = full.min(round(|| {
            black_box(unsafe { aliyun_mqtt_sign(black_box(&dev), &mut cred) });
        }));
        bare = bare.min(round(|| {
            let _ = black_box(sign(
                SignMethod::HmacSha256,
                black_box(KEY),
                &[black_box(CONTENT)],
                &mut digest,
            ));
        }));
    }
    println!(
        "| hmacsha256, 128 B of extra parameters | {full:.1} | {bare:.1} | {:.3} |",
        full / bare
    );
}

/// The verifier's table: one row for the hmacsha256 CONNECT of the device.
fn verify_table() {
    use aliyun_mqtt_sign::status::aliyun_mqtt_status::ALIYUN_MQTT_OK;
    use aliyun_mqtt_sign::verify::aliyun_mqtt_verify_key;

    let mut dev = golden_device();
    dev.sign_method = SignMethod::HmacSha256 as u32;
    let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { aliyun_mqtt_sign(&dev, &mut cred) }, ALIYUN_MQTT_OK);
    let (cid, user, pw) = (
        cred.client_id.as_ptr(),
        cred.username.as_ptr(),
        cred.password.as_ptr(),
    );
    let mut key = aliyun_mqtt_verify_key::ZERO;
    assert_eq!(
        unsafe { aliyun_mqtt_verify_key_init(dev.device_secret, &mut key) },
        ALIYUN_MQTT_OK
    );
    let mut info: aliyun_mqtt_verify_info = unsafe { std::mem::zeroed() };
    // Both accept the fields, or the timing means nothing.
    let verify = |info: &mut aliyun_mqtt_verify_info| unsafe {
        aliyun_mqtt_verify(black_box(cid), user, pw, dev.device_secret, info)
    };
    let with_key = |info: &mut aliyun_mqtt_verify_info| unsafe {
        aliyun_mqtt_verify_with_key(black_box(cid), user, pw, &key, info)
    };
    assert_eq!(verify(&mut info), ALIYUN_MQTT_OK);
    assert_eq!(with_key(&mut info), ALIYUN_MQTT_OK);
    let mut digest = [0u8; MAX_DIGEST_LEN];
    let mut resumed_digest = [0u8; MAX_DIGEST_LEN];
    let len = sign(SignMethod::HmacSha256, KEY, &[CONTENT], &mut digest).unwrap();
    let resumed_len = hmac_parts_from_states(
        SignMethod::HmacSha256,
        &key.hmac_states,
        &[CONTENT],
        &mut resumed_digest,
    )
    .unwrap();
    assert_eq!(resumed_digest[..resumed_len], digest[..len]);
    let (mut plain, mut keyed, mut bare) = (f64::MAX, f64::MAX, f64::MAX);
    let (mut parse, mut resumed) = (f64::MAX, f64::MAX);
    for _ in 0..ROUNDS {
        parse = parse.min(round(|| {
            black_box(unsafe { aliyun_mqtt_verify_identify(black_box(cid), user, &mut info) });
        }));
        plain = plain.min(round(|| {
            black_box(verify(&mut info));
        }));
        keyed = keyed.min(round(|| {
            black_box(with_key(&mut info));
        }));
        bare = bare.min(round(|| {
            let _ = black_box(sign(
                SignMethod::HmacSha256,
                black_box(KEY),
                &[black_box(CONTENT)],
                &mut digest,
            ));
        }));
        resumed = resumed.min(round(|| {
            let _ = black_box(hmac_parts_from_states(
                SignMethod::HmacSha256,
                black_box(&key.hmac_states),
                &[black_box(CONTENT)],
                &mut resumed_digest,
            ));
        }));
    }
    println!();
    println!("| method | aliyun_mqtt_verify_identify (ns) | aliyun_mqtt_verify (ns) | aliyun_mqtt_verify_with_key (ns) | resumed HMAC (ns) | bare (ns) | verify / bare | with_key / bare | resumed / bare |");
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| hmacsha256 | {parse:.1} | {plain:.1} | {keyed:.1} | {resumed:.1} | {bare:.1} | {:.3} | {:.3} | {:.3} |",
        plain / bare,
        keyed / bare,
        resumed / bare
    );
}
