//! The HMAC / hash dispatch behind the password.

use crate::status::aliyun_mqtt_status as S;

// The `digest` traits, re-exported by whichever hash crate is compiled in
// (all three re-export the same digest 0.11).
#[cfg(all(
    not(feature = "hmac-sha256"),
    not(feature = "hmac-sha1"),
    feature = "hmac-md5"
))]
use md5::digest;
#[cfg(all(not(feature = "hmac-sha256"), feature = "hmac-sha1"))]
use sha1::digest;
#[cfg(feature = "hmac-sha256")]
use sha2::digest;

/// How the password is computed (SPEC 1). The numbers are the C values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignMethod {
    /// `hmacmd5`: HMAC-MD5 keyed by the secret.
    HmacMd5 = 1,
    /// `hmacsha1`: HMAC-SHA1 keyed by the secret.
    HmacSha1 = 2,
    /// `hmacsha256`: HMAC-SHA256 keyed by the secret.
    HmacSha256 = 3,
    /// `sha256`: SHA-256 over content followed by the secret (inferred rule).
    Sha256 = 4,
}

impl SignMethod {
    /// Every method, in C value order.
    pub const ALL: [SignMethod; 4] = [
        SignMethod::HmacMd5,
        SignMethod::HmacSha1,
        SignMethod::HmacSha256,
        SignMethod::Sha256,
    ];

    /// The method with this C value, whether or not it is compiled in.
    pub fn from_u32(value: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| *m as u32 == value)
    }

    /// The method named as in the `signmethod` parameter.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// The value of the `signmethod` parameter.
    pub fn name(self) -> &'static [u8] {
        match self {
            SignMethod::HmacMd5 => b"hmacmd5",
            SignMethod::HmacSha1 => b"hmacsha1",
            SignMethod::HmacSha256 => b"hmacsha256",
            SignMethod::Sha256 => b"sha256",
        }
    }

    /// Digest length in bytes (the password has twice as many hex digits).
    pub fn digest_len(self) -> usize {
        match self {
            SignMethod::HmacMd5 => 16,
            SignMethod::HmacSha1 => 20,
            SignMethod::HmacSha256 | SignMethod::Sha256 => 32,
        }
    }

    /// Length of the password: two hex digits per digest byte.
    pub fn hex_len(self) -> usize {
        match self {
            SignMethod::HmacMd5 => 32,
            SignMethod::HmacSha1 => 40,
            SignMethod::HmacSha256 | SignMethod::Sha256 => 64,
        }
    }

    /// Whether this build includes the method (Cargo features).
    pub fn enabled(self) -> bool {
        match self {
            SignMethod::HmacMd5 => cfg!(feature = "hmac-md5"),
            SignMethod::HmacSha1 => cfg!(feature = "hmac-sha1"),
            SignMethod::HmacSha256 => cfg!(feature = "hmac-sha256"),
            SignMethod::Sha256 => cfg!(feature = "sha256"),
        }
    }
}

/// Largest digest (SHA-256) in bytes.
pub const MAX_DIGEST_LEN: usize = 32;

/// Signs the concatenation of `parts` with `key` by `method`, writing the
/// digest to the front of `out` and returning its length.
///
/// For the HMAC methods `key` is the HMAC key (RFC 2104); for
/// [`SignMethod::Sha256`] the digest is SHA-256 over the parts followed by
/// `key`. A method compiled out of this build gives
/// `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD`.
///
/// HMAC is computed here over the hash crates rather than with the `hmac`
/// crate: one hash state is live at a time and the padded key block is
/// reused for both passes, which keeps the peak stack of a call within the
/// firmware budget. The key block and the inner digest are wiped before
/// return; hash states wipe themselves (`zeroize` feature).
#[allow(unused_variables)] // when every method is compiled out
pub fn sign(
    method: SignMethod,
    key: &[u8],
    parts: &[&[u8]],
    out: &mut [u8; MAX_DIGEST_LEN],
) -> Result<usize, S> {
    match method {
        #[cfg(feature = "hmac-md5")]
        SignMethod::HmacMd5 => Ok(hmac::<md5::Md5>(key, parts, out)),
        #[cfg(feature = "hmac-sha1")]
        SignMethod::HmacSha1 => Ok(hmac::<sha1::Sha1>(key, parts, out)),
        #[cfg(feature = "hmac-sha256")]
        SignMethod::HmacSha256 => Ok(hmac::<sha2::Sha256>(key, parts, out)),
        #[cfg(feature = "sha256")]
        SignMethod::Sha256 => Ok(sha256_then_key(key, parts, out)),
        #[allow(unreachable_patterns)]
        _ => Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD),
    }
}

/// Overwrites `bytes` with zeros in a way the optimiser keeps.
pub fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
    core::hint::black_box(bytes);
}

/// Copies `digest` to the front of `out`; returns its length.
#[cfg(any(
    feature = "hmac-md5",
    feature = "hmac-sha1",
    feature = "hmac-sha256",
    feature = "sha256"
))]
fn put(digest: &[u8], out: &mut [u8; MAX_DIGEST_LEN]) -> usize {
    for (dst, src) in out.iter_mut().zip(digest) {
        *dst = *src;
    }
    digest.len().min(MAX_DIGEST_LEN)
}

// Not inlined: each method gets its own frame, so the stack peak is the
// largest method's rather than the sum of all of them.
#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
#[inline(never)]
fn hmac<D>(key: &[u8], parts: &[&[u8]], out: &mut [u8; MAX_DIGEST_LEN]) -> usize
where
    D: digest::Digest + digest::FixedOutputReset + digest::common::BlockSizeUser,
{
    use digest::Digest;
    const IPAD: u8 = 0x36;
    const OPAD: u8 = 0x5c;
    // K0: the key, or its digest when longer than a block, zero-padded.
    let mut block = digest::common::Block::<D>::default();
    if key.len() > block.len() {
        let mut hashed = <D as Digest>::digest(key);
        for (dst, src) in block.iter_mut().zip(hashed.iter()) {
            *dst = *src;
        }
        wipe(&mut hashed);
    } else {
        for (dst, src) in block.iter_mut().zip(key) {
            *dst = *src;
        }
    }
    block.iter_mut().for_each(|b| *b ^= IPAD);
    let mut hasher = D::new();
    Digest::update(&mut hasher, &block);
    for part in parts {
        Digest::update(&mut hasher, part);
    }
    let mut inner = Digest::finalize_reset(&mut hasher);
    block.iter_mut().for_each(|b| *b ^= IPAD ^ OPAD);
    Digest::update(&mut hasher, &block);
    wipe(&mut block);
    Digest::update(&mut hasher, &inner);
    wipe(&mut inner);
    put(&Digest::finalize(hasher), out)
}

#[cfg(feature = "sha256")]
#[inline(never)]
fn sha256_then_key(key: &[u8], parts: &[&[u8]], out: &mut [u8; MAX_DIGEST_LEN]) -> usize {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.update(key);
    put(&hasher.finalize(), out)
}
