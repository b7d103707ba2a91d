#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)] // a bench: a failed check should stop it
//! `cargo bench --bench ratio`: the full `aliyun_mqtt_sign` against the
//! bare HMAC of its content (`sign::sign`, as in `benches/sign.rs`),
//! interleaved: `ROUNDS` rounds, each timing `CALLS` calls of one and then
//! of the other, and the fastest round of each kept. Other load on a shared
//! machine only ever slows a round, so the fastest rounds compare the two
//! under the same conditions, where criterion's back-to-back means can
//! land a burst of load on one side only. Prints a table row per method.

mod common;

use std::hint::black_box;
use std::time::Instant;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::sign::{sign, SignMethod, MAX_DIGEST_LEN};
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
}
