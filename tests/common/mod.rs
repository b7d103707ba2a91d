//! Helpers shared by the integration tests: independent HMACs (other
//! authors' crates) and the buffer-rule check of the C ABI.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::ffi::{c_char, CString};
use std::ptr;

use aliyun_mqtt_sign::ffi::aliyun_mqtt_sign_method;
use aliyun_mqtt_sign::Status;

/// Fill byte of output buffers: a byte still equal to it was not written.
pub const CANARY: u8 = 0xA5;

pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

pub fn md5_hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // RFC 2104 over the `md5` crate (a different MD5 from the library's).
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..16].copy_from_slice(&md5_independent::compute(key).0);
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = md5_independent::Context::new();
    inner.consume(k.map(|b| b ^ 0x36));
    inner.consume(data);
    let mut outer = md5_independent::Context::new();
    outer.consume(k.map(|b| b ^ 0x5c));
    outer.consume(inner.finalize().0);
    outer.finalize().0.to_vec()
}

/// Hex digest of `content` under `key` by the C sign method `method`,
/// computed with crates independent of the library's.
pub fn independent(method: u32, key: &str, content: &str) -> String {
    independent_bytes(method, key.as_bytes(), content.as_bytes())
}

/// [`independent`] over bytes.
pub fn independent_bytes(method: u32, k: &[u8], c: &[u8]) -> String {
    use aliyun_mqtt_sign_method::*;
    let digest: Vec<u8> = match method {
        m if m == ALIYUN_MQTT_HMAC_MD5 as u32 => md5_hmac(k, c),
        m if m == ALIYUN_MQTT_HMAC_SHA1 as u32 => hmac_sha1_compact::HMAC::mac(c, k).to_vec(),
        m if m == ALIYUN_MQTT_HMAC_SHA256 as u32 => hmac_sha256::HMAC::mac(c, k).to_vec(),
        m if m == ALIYUN_MQTT_SHA256 as u32 => hmac_sha256::Hash::hash(&[c, k].concat()).to_vec(),
        _ => unreachable!(),
    };
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the buffer rule of one output function at every `cap` from 0 to
/// its length + 1, with canaries after `cap`, plus the size query and NULL
/// `out_len`.
pub fn buffer_rule(name: &str, f: &dyn Fn(*mut c_char, usize, *mut usize) -> Status) {
    let mut full = vec![0u8; 400];
    let mut needed = 0;
    assert_eq!(
        f(full.as_mut_ptr().cast(), full.len(), &mut needed),
        Status::ALIYUN_MQTT_OK
    );
    let want = full[..needed].to_vec();
    for cap in 0..=needed + 1 {
        let mut buf = vec![CANARY; needed + 16];
        let mut len = usize::MAX;
        let st = f(buf.as_mut_ptr().cast(), cap, &mut len);
        if cap > needed {
            assert_eq!(st, Status::ALIYUN_MQTT_OK, "{name} cap {cap}");
            assert_eq!(len, needed);
            assert_eq!(&buf[..needed], &want[..]);
            assert_eq!(buf[needed], 0);
            assert!(
                buf[needed + 1..].iter().all(|b| *b == CANARY),
                "{name} cap {cap}"
            );
        } else {
            assert_eq!(
                st,
                Status::ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL,
                "{name} cap {cap}"
            );
            assert_eq!(len, needed, "{name} cap {cap} reports the needed length");
            if cap > 0 {
                assert_eq!(buf[0], 0, "{name} cap {cap}: buf holds \"\"");
                assert!(
                    buf[1..].iter().all(|b| *b == CANARY),
                    "{name} cap {cap}: no partial output"
                );
            } else {
                assert!(
                    buf.iter().all(|b| *b == CANARY),
                    "{name} cap 0 writes nothing"
                );
            }
        }
    }
    // Size query with a NULL buffer, and NULL out_len.
    let mut len = 0;
    assert_eq!(
        f(ptr::null_mut(), 0, &mut len),
        Status::ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL
    );
    assert_eq!(len, needed);
    assert_eq!(
        f(full.as_mut_ptr().cast(), full.len(), ptr::null_mut()),
        Status::ALIYUN_MQTT_OK
    );
    assert_eq!(
        f(ptr::null_mut(), 1, &mut len),
        Status::ALIYUN_MQTT_ERR_NULL_ARGUMENT
    );
    assert_eq!(len, 0);
}

/// A small deterministic generator (xorshift64*), so property tests
/// reproduce exactly.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    pub fn string(&mut self, alphabet: &[u8], lo: usize, hi: usize) -> String {
        let n = self.range(lo, hi);
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}
