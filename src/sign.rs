//! The HMAC / hash dispatch behind the password.

use crate::status::aliyun_mqtt_status as S;

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

/// A digest of at most 32 bytes.
pub struct Digest {
    bytes: [u8; 32],
    len: usize,
}

impl Digest {
    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    #[allow(dead_code)] // unused when every method is compiled out
    fn from_slice(src: &[u8]) -> Result<Self, S> {
        let mut bytes = [0u8; 32];
        let dst = bytes
            .get_mut(..src.len())
            .ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)?;
        dst.copy_from_slice(src);
        Ok(Digest {
            bytes,
            len: src.len(),
        })
    }
}

/// Signs the concatenation of `parts` with `key` by `method`.
///
/// For the HMAC methods `key` is the HMAC key; for [`SignMethod::Sha256`] the
/// digest is SHA-256 over the parts followed by `key`. A method compiled out
/// of this build gives `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD`. Hash and HMAC
/// state (including the padded key blocks) is wiped when dropped (`zeroize`).
#[allow(unused_variables)] // `key`/`parts` when every method is compiled out
pub fn sign(method: SignMethod, key: &[u8], parts: &[&[u8]]) -> Result<Digest, S> {
    match method {
        #[cfg(feature = "hmac-md5")]
        SignMethod::HmacMd5 => hmac_digest::<md5::Md5>(key, parts),
        #[cfg(feature = "hmac-sha1")]
        SignMethod::HmacSha1 => hmac_digest::<sha1::Sha1>(key, parts),
        #[cfg(feature = "hmac-sha256")]
        SignMethod::HmacSha256 => hmac_digest::<sha2::Sha256>(key, parts),
        #[cfg(feature = "sha256")]
        SignMethod::Sha256 => {
            use sha2::Digest as _;
            let mut hasher = sha2::Sha256::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.update(key);
            Digest::from_slice(&hasher.finalize())
        }
        #[allow(unreachable_patterns)]
        _ => Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD),
    }
}

#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
fn hmac_digest<D>(key: &[u8], parts: &[&[u8]]) -> Result<Digest, S>
where
    D: hmac::EagerHash,
{
    use hmac::{KeyInit, Mac};
    // HMAC takes keys of any length; the error arm is never taken but is
    // mapped to a status rather than a panic.
    let mut mac = <hmac::Hmac<D> as KeyInit>::new_from_slice(key)
        .map_err(|_| S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET)?;
    for part in parts {
        mac.update(part);
    }
    Digest::from_slice(&mac.finalize().into_bytes())
}
