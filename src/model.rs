//! The platform's named choices, as the C API numbers them: how a password
//! is signed, how a device connects, which registration. Every other module
//! reads these; this one reads only the library's literal text.

use crate::text::find;

/// How the password is computed (PROTOCOL.md §1.4). The numbers are the C values.
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
        match value {
            1 => Some(SignMethod::HmacMd5),
            2 => Some(SignMethod::HmacSha1),
            3 => Some(SignMethod::HmacSha256),
            4 => Some(SignMethod::Sha256),
            _ => None,
        }
    }

    /// The method named as in the `signmethod` parameter.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        // The names' lengths differ (checked with `METHODS`): one
        // comparison of bytes at most.
        Self::ALL
            .into_iter()
            .find(|m| usize::from(m.name_in_text().1) == name.len())
            .filter(|m| m.name() == name)
    }

    /// The value of the `signmethod` parameter.
    pub fn name(self) -> &'static [u8] {
        let (at, len) = self.name_in_text();
        crate::text::slice(at, len)
    }

    /// Where the name is in the library's literal string
    /// (`crate::text::TEXT`), and its length.
    pub(crate) fn name_in_text(self) -> (u8, u8) {
        let [at, len, _] = self.info();
        (at, len)
    }

    /// Digest length in bytes (the password has twice as many hex digits).
    pub fn digest_len(self) -> usize {
        usize::from(self.info()[2])
    }

    /// Where the name is in `TEXT`, its length, and the digest length.
    fn info(self) -> [u8; 3] {
        METHODS.get(self as usize).copied().unwrap_or_default()
    }

    /// Length of the password: two hex digits per digest byte.
    #[allow(clippy::arithmetic_side_effects)] // digest_len() <= 32
    pub fn hex_len(self) -> usize {
        2 * self.digest_len()
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

// The methods' names and lengths as data of sizes other than 4, 8 and 16
// bytes: a `match` (or an 8-byte literal) compiles to constants that LLVM
// pools with unrelated ones of the same size, all of which a firmware image
// then keeps. The names are slices of the library's one literal string.
/// Indexed by the C value (1..=4): where the name is in `TEXT`, its
/// length, the digest length.
static METHODS: [[u8; 3]; 5] = [
    [0; 3],
    method(b"hmacmd5", 16),
    method(b"hmacsha1", 20),
    method(b"hmacsha256", 32),
    method(b"sha256", 32),
];

// `SignMethod::from_name` picks a method by the name's length.
#[allow(clippy::indexing_slicing)] // i < j < METHODS.len(), evaluated at compile time
const _: () = {
    let mut i = 1;
    while i < METHODS.len() {
        let mut j = i + 1;
        while j < METHODS.len() {
            assert!(METHODS[i][1] != METHODS[j][1]);
            j += 1;
        }
        i += 1;
    }
};

#[allow(clippy::cast_possible_truncation)] // checked
const fn method(name: &[u8], digest_len: u8) -> [u8; 3] {
    let at = find(name);
    assert!(at <= u8::MAX as usize && name.len() < 16);
    [at as u8, name.len() as u8, digest_len]
}

/// The `securemode` parameter. The numbers are the C values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecureMode {
    /// `securemode=2`: direct TLS.
    Tls = 2,
    /// `securemode=3`: direct TCP (refused for accounts created since Aug 2022).
    Tcp = 3,
}

impl SecureMode {
    /// The mode with this C value.
    pub fn from_i32(value: i32) -> Option<Self> {
        match value {
            2 => Some(SecureMode::Tls),
            3 => Some(SecureMode::Tcp),
            _ => None,
        }
    }

    /// The value of the `securemode` parameter.
    pub fn name(self) -> &'static [u8] {
        match self {
            SecureMode::Tls => b"2",
            SecureMode::Tcp => b"3",
        }
    }
}

/// Which registration. The numbers are the C values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthType {
    /// `authType=register`: the device was pre-registered; the server
    /// answers on `/ext/register` with the DeviceSecret.
    Register = 1,
    /// `authType=regnwl`: no pre-registration (cn-shanghai); the server
    /// answers on `/ext/regnwl` with a clientId and deviceToken.
    RegNwl = 2,
    /// `authType=connwl`: the connection after `regnwl`, with the
    /// deviceToken as password. Not a registration (the builders refuse it);
    /// the verifier reports it.
    ConnWl = 3,
}

impl AuthType {
    /// The type with this C value.
    pub fn from_u32(value: u32) -> Option<Self> {
        match value {
            1 => Some(AuthType::Register),
            2 => Some(AuthType::RegNwl),
            3 => Some(AuthType::ConnWl),
            _ => None,
        }
    }

    /// The value of the `authType` parameter.
    pub fn name(self) -> &'static [u8] {
        match self {
            AuthType::Register => b"register",
            AuthType::RegNwl => b"regnwl",
            AuthType::ConnWl => b"connwl",
        }
    }

    /// The type named by an `authType` value.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        [AuthType::Register, AuthType::RegNwl, AuthType::ConnWl]
            .into_iter()
            .find(|t| t.name() == name)
    }
}
