#![allow(missing_docs)] // criterion_group! generates undocumented items
//! `cargo bench`: the full `aliyun_mqtt_sign` (client id, user name and
//! password, through the C ABI) for each method, next to the bare HMAC of
//! the same content with the same code (`sign::sign`), the user name alone
//! (the string checks every C call pays) and the host builder.
//! The README's first table comes from here; the target is full sign <=
//! 1.3x the bare HMAC-SHA256 (formatting and validation overhead <= 30 %).
//! `benches/ratio.rs` times the same pair interleaved.

mod common;

use std::hint::black_box;
use std::time::Duration;

use aliyun_mqtt_sign::ffi::*;
use aliyun_mqtt_sign::limits::{ALIYUN_MQTT_HOST_SIZE, ALIYUN_MQTT_USERNAME_SIZE};
use aliyun_mqtt_sign::sign::{sign, SignMethod, MAX_DIGEST_LEN};
use common::{golden_device, CONTENT, KEY};
use criterion::{criterion_group, criterion_main, Criterion};

const METHODS: [(&str, SignMethod, aliyun_mqtt_sign_method); 4] = [
    (
        "hmacmd5",
        SignMethod::HmacMd5,
        aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_MD5,
    ),
    (
        "hmacsha1",
        SignMethod::HmacSha1,
        aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA1,
    ),
    (
        "hmacsha256",
        SignMethod::HmacSha256,
        aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256,
    ),
    (
        "sha256",
        SignMethod::Sha256,
        aliyun_mqtt_sign_method::ALIYUN_MQTT_SHA256,
    ),
];

fn bench(c: &mut Criterion) {
    let mut dev = golden_device();

    let mut group = c.benchmark_group("sign");
    for (name, method, c_method) in METHODS {
        dev.sign_method = c_method as u32;
        let mut cred: aliyun_mqtt_credentials = unsafe { std::mem::zeroed() };
        group.bench_function(format!("aliyun_mqtt_sign/{name}"), |b| {
            b.iter(|| unsafe { aliyun_mqtt_sign(black_box(&dev), &mut cred) })
        });
        let mut digest = [0u8; MAX_DIGEST_LEN];
        group.bench_function(format!("bare/{name}"), |b| {
            b.iter(|| sign(method, black_box(KEY), &[black_box(CONTENT)], &mut digest))
        });
    }
    // The floor of the C-ABI overhead: reading and checking the device's
    // strings and writing the 24-byte user name, no hashing.
    dev.sign_method = aliyun_mqtt_sign_method::ALIYUN_MQTT_HMAC_SHA256 as u32;
    let mut name = [0 as std::ffi::c_char; ALIYUN_MQTT_USERNAME_SIZE];
    group.bench_function("aliyun_mqtt_username", |b| {
        b.iter(|| unsafe {
            aliyun_mqtt_username(
                black_box(&dev),
                name.as_mut_ptr(),
                name.len(),
                std::ptr::null_mut(),
            )
        })
    });
    let mut host = [0 as std::ffi::c_char; ALIYUN_MQTT_HOST_SIZE];
    group.bench_function("aliyun_mqtt_host", |b| {
        b.iter(|| unsafe {
            aliyun_mqtt_host(
                black_box(dev.product_key),
                c"cn-shanghai".as_ptr(),
                host.as_mut_ptr(),
                host.len(),
                std::ptr::null_mut(),
            )
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
