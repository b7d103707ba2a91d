//! PROTOCOL.md §1 golden vectors and standard HMAC vectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use aliyun_mqtt_sign::credentials::{client_id, password, username};
use aliyun_mqtt_sign::sign::{sign, SignMethod, MAX_DIGEST_LEN};
use aliyun_mqtt_sign::{Device, SecureMode};

fn text(f: impl Fn(&mut [u8]) -> Result<usize, aliyun_mqtt_sign::Error>) -> String {
    let mut buf = [0u8; 300];
    let n = f(&mut buf).expect("builder failed");
    assert_eq!(buf[n], 0, "output is NUL-terminated");
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn test_password_golden_vector_1_succeed() {
    let mut dev = Device::new(b"pk", b"device", b"secret");
    dev.client_id = Some(b"12345");
    dev.timestamp_ms = Some(789);
    dev.sign_method = SignMethod::HmacSha1;
    assert_eq!(
        text(|o| password(&dev, o)),
        "fafd82a3d602b37fb0fa8b7892f24a477f851a14"
    );
}

#[test]
fn test_credentials_golden_vector_2_succeed() {
    let mut dev = Device::new(
        b"a14Xib5kdYd",
        b"light1983432",
        b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
    );
    dev.client_id = Some(b"SN1928339");
    dev.timestamp_ms = Some(1539421321846);
    dev.sign_method = SignMethod::HmacSha1;
    dev.secure_mode = SecureMode::Tcp;
    assert_eq!(
        text(|o| password(&dev, o)),
        "b2488041f64f425016b467ee1c94959ebd592ad1"
    );
    assert_eq!(
        text(|o| client_id(&dev, o)),
        "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|"
    );
    assert_eq!(text(|o| username(&dev, o)), "light1983432&a14Xib5kdYd");
    dev.uppercase_hex = true;
    assert_eq!(
        text(|o| password(&dev, o)),
        "B2488041F64F425016B467EE1C94959EBD592AD1"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// RFC 2202 (HMAC-MD5, HMAC-SHA1) and RFC 4231 (HMAC-SHA256) test cases 1 and
// 2. Their cases with keys longer than a block are refused instead: secrets
// are at most 64 bytes, so the key-hashing path is not in the library.
#[test]
fn test_sign_rfc2202_rfc4231_succeed() {
    let cases: Vec<(SignMethod, Vec<u8>, &[u8], &str)> = vec![
        (
            SignMethod::HmacMd5,
            vec![0x0b; 16],
            b"Hi There",
            "9294727a3638bb1c13f48ef8158bfc9d",
        ),
        (
            SignMethod::HmacMd5,
            b"Jefe".to_vec(),
            b"what do ya want for nothing?",
            "750c783e6ab0b503eaa86e310a5db738",
        ),
        (
            SignMethod::HmacSha1,
            vec![0x0b; 20],
            b"Hi There",
            "b617318655057264e28bc0b6fb378c8ef146be00",
        ),
        (
            SignMethod::HmacSha1,
            b"Jefe".to_vec(),
            b"what do ya want for nothing?",
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        ),
        (
            SignMethod::HmacSha256,
            vec![0x0b; 20],
            b"Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            SignMethod::HmacSha256,
            b"Jefe".to_vec(),
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
    ];
    for (method, key, data, want) in cases {
        // Split the message to exercise the piecewise update.
        let (a, b) = data.split_at(data.len() / 2);
        let mut out = [0u8; MAX_DIGEST_LEN];
        let n = sign(method, &key, &[a, b], &mut out).unwrap();
        assert_eq!(hex(&out[..n]), want, "{method:?}");
    }
    let mut out = [0u8; MAX_DIGEST_LEN];
    for method in SignMethod::ALL {
        assert_eq!(
            sign(method, &[0xaa; 65], &[b"x"], &mut out),
            Err(aliyun_mqtt_sign::Status::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET)
        );
    }
    // FIPS 180-2 "abc" for plain SHA-256, as content "ab" + key "c".
    let mut out = [0u8; MAX_DIGEST_LEN];
    let n = sign(SignMethod::Sha256, b"c", &[b"a", b"b"], &mut out).unwrap();
    assert_eq!(
        hex(&out[..n]),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

/// Every message length across the padding boundaries (55/56/64 bytes and
/// multi-block), split into pieces at varying points, against independent
/// implementations (not RustCrypto).
#[test]
fn test_sign_every_length_and_split_succeed() {
    let data: Vec<u8> = (0..300u32)
        .map(|i| (i.wrapping_mul(151) >> 3) as u8)
        .collect();
    let keys: [&[u8]; 3] = [b"k", &[0x17; 63], &[0x5a; 64]];
    for key in keys {
        for len in 0..data.len() {
            let msg = &data[..len];
            let cut = (len * 7 / 13).min(len);
            let (a, rest) = msg.split_at(cut);
            let (b, c) = rest.split_at(rest.len() / 2);
            let parts: [&[u8]; 3] = [a, b, c];
            let mut out = [0u8; MAX_DIGEST_LEN];
            let n = sign(SignMethod::HmacSha256, key, &parts, &mut out).unwrap();
            assert_eq!(
                &out[..n],
                hmac_sha256::HMAC::mac(msg, key),
                "hmac-sha256 len {len}"
            );
            let n = sign(SignMethod::HmacSha1, key, &parts, &mut out).unwrap();
            assert_eq!(
                &out[..n],
                hmac_sha1_compact::HMAC::mac(msg, key),
                "hmac-sha1 len {len}"
            );
            let n = sign(SignMethod::Sha256, key, &parts, &mut out).unwrap();
            let mut joined = msg.to_vec();
            joined.extend_from_slice(key);
            assert_eq!(
                &out[..n],
                hmac_sha256::Hash::hash(&joined),
                "sha256 len {len}"
            );
            let n = sign(SignMethod::HmacMd5, key, &parts, &mut out).unwrap();
            assert_eq!(n, 16);
            // HMAC-MD5 by its definition over the independent md5 crate.
            let mut k0 = [0u8; 64];
            k0[..key.len()].copy_from_slice(key);
            let mut inner = k0.map(|b| b ^ 0x36).to_vec();
            inner.extend_from_slice(msg);
            let mut outer = k0.map(|b| b ^ 0x5c).to_vec();
            outer.extend_from_slice(&md5_independent::compute(&inner).0);
            assert_eq!(
                &out[..n],
                md5_independent::compute(&outer).0,
                "hmac-md5 len {len}"
            );
        }
    }
}
