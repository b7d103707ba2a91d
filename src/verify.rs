//! The server side of PROTOCOL.md §1: checks the CONNECT fields a device sent the
//! way the platform does, for test brokers and device test benches.

use crate::limits::*;
use crate::register::AuthType;
use crate::secret::wipe;
#[cfg(small_path)]
use crate::sign::hmac_from_states;
#[cfg(not(small_path))]
use crate::sign::{hmac_parts_from_states, PARTS_MAX_LEN};
use crate::sign::{
    hmac_states, sign_into, wipe_hmac_states, Content, HmacStates, Parts, SignMethod,
    MAX_DIGEST_LEN,
};
use crate::status::aliyun_mqtt_status as S;
use crate::validate;
use crate::writer::emit;

/// What a CONNECT packet claims, parsed from its client identifier and user
/// name. Slices borrow from the inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity<'a> {
    /// The device's client id: the text before the first `|` (may be empty).
    pub client_id: &'a [u8],
    /// ProductKey, from the user name.
    pub product_key: &'a [u8],
    /// DeviceName, from the user name.
    pub device_name: &'a [u8],
    /// `signmethod`, hmacmd5 when absent (the server's default).
    pub sign_method: SignMethod,
    /// `securemode`: 2, 3 or -2.
    pub secure_mode: i32,
    /// `timestamp` as submitted (1 to 20 digits) and its value.
    pub timestamp: Option<(&'a [u8], u64)>,
    /// `authType`, when sent (dynamic registration, PROTOCOL.md §4).
    pub auth_type: Option<AuthType>,
    /// `random` of a registration (empty otherwise).
    pub random: &'a [u8],
}

/// Parses `id|k=v[,k=v...]|` and `deviceName&productKey` without checking a
/// signature, so a caller can look up the device's secret.
///
/// Errors: `ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID`, `..._EMPTY_PARAM`,
/// `..._DUPLICATE_PARAM`, `..._INVALID_CLIENT_ID` (over 64 characters or a
/// forbidden byte), `..._INVALID_SECURE_MODE` (absent or not 2, 3, -2),
/// `..._INVALID_SIGN_METHOD`, `..._INVALID_TIMESTAMP`, `..._INVALID_USERNAME`.
pub fn identify<'a>(mqtt_client_id: &'a [u8], username: &'a [u8]) -> Result<Identity<'a>, S> {
    let malformed = S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID;
    if mqtt_client_id.len() > ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN {
        return Err(malformed);
    }
    // `id|params|`: the first bar ends the id, the last byte is the second
    // bar, and no bar stands between them.
    let bar = mqtt_client_id
        .iter()
        .position(|b| *b == b'|')
        .ok_or(malformed)?;
    let (client_id, rest) = mqtt_client_id.split_at(bar);
    let params = rest
        .get(1..)
        .and_then(|r| r.strip_suffix(b"|"))
        .ok_or(malformed)?;
    let parsed = match client_id.is_empty() {
        true => Ok(()),
        false => validate::client_id(client_id),
    }
    .and_then(|()| Params::parse(params));
    // A bar inside the parameters comes before every other error; looked
    // for only on the error path (the parse stops at one too).
    let found = parsed.map_err(|err| match params.contains(&b'|') {
        true => malformed,
        false => err,
    })?;

    let secure_mode = match found.securemode {
        Some(b"2") => 2,
        Some(b"3") => 3,
        Some(b"-2") => -2,
        _ => return Err(S::ALIYUN_MQTT_ERR_INVALID_SECURE_MODE),
    };
    let sign_method = match found.signmethod {
        None => SignMethod::HmacMd5,
        Some(name) => SignMethod::from_name(name).ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)?,
    };
    let timestamp = match found.timestamp {
        None => None,
        Some(digits) => Some((
            digits,
            parse_u64(digits).ok_or(S::ALIYUN_MQTT_ERR_INVALID_TIMESTAMP)?,
        )),
    };
    let auth_type = match found.auth_type {
        None => None,
        Some(name) => Some(AuthType::from_name(name).ok_or(S::ALIYUN_MQTT_ERR_INVALID_AUTH_TYPE)?),
    };
    let random = match auth_type {
        Some(AuthType::Register | AuthType::RegNwl) => {
            let random = found.random.unwrap_or_default();
            validate::random(random)?;
            random
        }
        _ => b"",
    };

    // `deviceName&productKey`: the first byte that cannot be in a DeviceName
    // must be the `&` (one pass for the search and the check).
    let bad_user = S::ALIYUN_MQTT_ERR_INVALID_USERNAME;
    let amp = validate::device_name_len(username);
    let (device_name, rest) = username.split_at(amp);
    let product_key = rest.strip_prefix(b"&").ok_or(bad_user)?;
    let name_len = ALIYUN_MQTT_DEVICE_NAME_MIN_LEN..=ALIYUN_MQTT_DEVICE_NAME_MAX_LEN;
    if !name_len.contains(&device_name.len()) || validate::product_key(product_key).is_err() {
        return Err(bad_user);
    }
    Ok(Identity {
        client_id,
        product_key,
        device_name,
        sign_method,
        secure_mode,
        timestamp,
        auth_type,
        random,
    })
}

/// The values of the parameters the verifier reads, from `k=v[,k=v...]`.
#[derive(Default)]
struct Params<'a> {
    securemode: Option<&'a [u8]>,
    signmethod: Option<&'a [u8]>,
    timestamp: Option<&'a [u8]>,
    auth_type: Option<&'a [u8]>,
    random: Option<&'a [u8]>,
}

impl<'a> Params<'a> {
    /// Reads the pairs in order; the first bad pair gives the error: no
    /// `=` (`..._EMPTY_PARAM` for an empty pair, else `..._MALFORMED_...`),
    /// an empty key or value (`..._EMPTY_PARAM`), a second `=`
    /// (`..._MALFORMED_...`), a key already seen (`..._DUPLICATE_PARAM`).
    /// A `|` is `..._MALFORMED_...`.
    fn parse(params: &'a [u8]) -> Result<Self, S> {
        let mut found = Params::default();
        if params.is_empty() {
            return Ok(found);
        }
        // One pass over the separators: a pair starts at 0 or after a `,`
        // and ends at the next `,` or at the end; `eq` is its first `=`.
        let (mut start, mut eq, mut second_eq) = (0, None, false);
        for at in Separators::new(params).chain([params.len()]) {
            match params.get(at) {
                Some(b'=') => {
                    second_eq |= eq.is_some();
                    eq = eq.or(Some(at));
                    continue;
                }
                Some(b'|') => return Err(S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID),
                _ => {} // `,` or the end
            }
            found.pair(params, start, eq, second_eq, at)?;
            (start, eq, second_eq) = (at.saturating_add(1), None, false);
        }
        Ok(found)
    }

    /// Takes the pair `params[start..end]` whose first `=` is at `eq`.
    #[allow(clippy::arithmetic_side_effects)] // eq < end <= params.len()
    fn pair(
        &mut self,
        params: &'a [u8],
        start: usize,
        eq: Option<usize>,
        second_eq: bool,
        end: usize,
    ) -> Result<(), S> {
        let Some(eq) = eq else {
            return Err(if start == end {
                S::ALIYUN_MQTT_ERR_EMPTY_PARAM
            } else {
                S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID
            });
        };
        let key = params.get(start..eq).unwrap_or_default();
        let value = params.get(eq + 1..end).unwrap_or_default();
        if key.is_empty() || value.is_empty() {
            return Err(S::ALIYUN_MQTT_ERR_EMPTY_PARAM);
        }
        if second_eq {
            return Err(S::ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID);
        }
        // Fixed-size comparisons: inline loads, where a `match` on the
        // slice calls `memcmp` for each candidate of the key's length.
        let slot = if is(key, b"securemode") {
            Some(&mut self.securemode)
        } else if is(key, b"signmethod") {
            Some(&mut self.signmethod)
        } else if is(key, b"timestamp") {
            Some(&mut self.timestamp)
        } else if is(key, b"authType") {
            Some(&mut self.auth_type)
        } else if is(key, b"random") {
            Some(&mut self.random)
        } else {
            None
        };
        let repeated = match slot {
            Some(slot) => slot.replace(value).is_some(),
            // Only another unknown key can repeat an unknown one: look
            // among the earlier pairs (rare, and at most 512 bytes).
            None => has_key(params.get(..start).unwrap_or_default(), key),
        };
        if repeated {
            return Err(S::ALIYUN_MQTT_ERR_DUPLICATE_PARAM);
        }
        Ok(())
    }
}

/// Whether `key` is `name`.
#[inline(always)]
fn is<const N: usize>(key: &[u8], name: &[u8; N]) -> bool {
    key.len() == N && key.first_chunk::<N>() == Some(name)
}

/// Whether a pair of the well-formed `pairs,` has the key `key`.
fn has_key(pairs: &[u8], key: &[u8]) -> bool {
    pairs
        .split(|b| *b == b',')
        .any(|p| p.split(|b| *b == b'=').next() == Some(key))
}

/// The positions of the `,`, `=` and `|` of a string, in order, found
/// eight bytes at a time: one test per word rather than three per byte
/// (the verifier parses every CONNECT's parameters).
struct Separators<'a> {
    s: &'a [u8],
    /// Where the current word starts.
    at: usize,
    /// 0x80 in each byte of the current word that is still to report.
    mask: u64,
}

impl<'a> Separators<'a> {
    fn new(s: &'a [u8]) -> Self {
        Separators {
            s,
            at: 0,
            mask: separator_mask(s, 0),
        }
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    #[allow(clippy::arithmetic_side_effects)] // at <= s.len() + 8, bit < 64
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.at += 8;
            if self.at >= self.s.len() {
                return None;
            }
            self.mask = separator_mask(self.s, self.at);
        }
        let byte = self.mask.trailing_zeros() as usize / 8;
        self.mask &= self.mask - 1;
        Some(self.at + byte)
    }
}

/// 0x80 in each byte of `s[at..at + 8]` (zero-padded past the end) that is
/// `,`, `=` or `|`, 0 elsewhere.
fn separator_mask(s: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    match s.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        Some(full) => word = *full,
        None => crate::writer::copy_prefix(&mut word, s.get(at..).unwrap_or_default()),
    }
    let word = u64::from_le_bytes(word);
    bytes_equal(word, b',') | bytes_equal(word, b'=') | bytes_equal(word, b'|')
}

/// 0x80 in each byte of `word` equal to `b`, 0 elsewhere (exactly: no
/// carry crosses a byte).
fn bytes_equal(word: u64, b: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // A byte of x is 0 where word holds b. Adding 0x7f to a byte's low
    // seven bits sets its bit 7 unless they are all 0 (and never carries
    // out of the byte); OR-ing x sets it for a byte with bit 7 set.
    let x = word ^ (u64::from(b) * 0x0101_0101_0101_0101);
    !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
}

/// 1 to 20 decimal digits that fit a u64.
#[allow(clippy::arithmetic_side_effects)] // 19 digits stay below 10^19 < 2^64
fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    // Up to 19 digits cannot overflow; only a 20th needs checked steps.
    let (head, last) = match digits.split_at_checked(19) {
        Some((head, last)) => (head, last.first()),
        None => (digits, None),
    };
    let mut value = 0u64;
    for d in head {
        let digit = d.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + u64::from(digit);
    }
    match last {
        None => Some(value),
        Some(d) => {
            let digit = d.checked_sub(b'0').filter(|v| *v <= 9)?;
            value.checked_mul(10)?.checked_add(u64::from(digit))
        }
    }
}

/// What a password is checked against: a secret, and the signer of
/// [`check`] for it. Both kinds give the same digests; a
/// [`aliyun_mqtt_verify_key`] only starts from precomputed HMAC states.
trait Key {
    /// The secret's bytes, as the caller gave them (checked for the role
    /// the CONNECT gives them before any use).
    fn secret(&self) -> &[u8];
    /// [`Role::check`] of the secret.
    fn check_role(&self, role: Role) -> Result<(), S> {
        role.check(self.secret())
    }
    /// [`sign_into`] by `method` with the secret of the concatenation of
    /// `content`, to the front of `out`; returns the digest's length.
    fn sign(
        &self,
        method: SignMethod,
        content: &[&[u8]],
        out: &mut [u8; MAX_DIGEST_LEN],
    ) -> Result<usize, S>;
}

impl Key for [u8] {
    fn secret(&self) -> &[u8] {
        self
    }
    fn sign(
        &self,
        method: SignMethod,
        content: &[&[u8]],
        out: &mut [u8; MAX_DIGEST_LEN],
    ) -> Result<usize, S> {
        assembled(content, |c| sign_into(method, self, c, out))
    }
}

/// `sign` of `content` assembled on the stack (one hash update); the copy
/// is wiped.
#[inline(always)] // the buffer joins the caller's frame: no frame of its own
fn assembled(
    content: &[&[u8]],
    sign: impl FnOnce(&mut dyn Content) -> Result<usize, S>,
) -> Result<usize, S> {
    let mut buf = [0u8; CONTENT_MAX_LEN + 1];
    let signed = match emit(&mut buf, content) {
        Ok(len) => sign(&mut Parts(&[buf.get(..len).unwrap_or_default()])),
        // Unreachable: the identity's fields are within their limits.
        Err(_) => Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH),
    };
    wipe(&mut buf);
    signed
}

/// What the secret is in a CONNECT, by its `authType`, and the rule it must
/// then obey. The values are bits of [`aliyun_mqtt_verify_key::roles`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// No `authType`: a DeviceSecret.
    DeviceSecret = 1,
    /// `register` or `regnwl`: a ProductSecret.
    ProductSecret = 2,
    /// `connwl`: a deviceToken.
    DeviceToken = 4,
}

impl Role {
    const ALL: [Role; 3] = [Role::DeviceSecret, Role::ProductSecret, Role::DeviceToken];

    /// The validator of the role; its error names the role.
    fn check(self, secret: &[u8]) -> Result<(), S> {
        match self {
            Role::DeviceSecret => validate::device_secret(secret),
            Role::ProductSecret => validate::product_secret(secret),
            Role::DeviceToken => validate::device_token(secret),
        }
    }

    /// The status [`Role::check`] refuses a secret with.
    fn refused(self) -> S {
        match self {
            Role::DeviceSecret => S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
            Role::ProductSecret => S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
            Role::DeviceToken => S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN,
        }
    }
}

/// A secret prepared once for many verifications ([`check_signature_with_key`],
/// C `aliyun_mqtt_verify_with_key`): its bytes, for the `sha256` method and
/// `connwl` (which need the secret itself), and the HMAC key block states of
/// every HMAC method compiled in, so that a verification hashes the content
/// and the inner digest only. Caller-owned and fixed-size; as secret as the
/// secret itself: clear it with [`aliyun_mqtt_verify_key::wipe`].
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
pub struct aliyun_mqtt_verify_key {
    /// Internal (do not read or write): the HMAC-MD5, HMAC-SHA1 and
    /// HMAC-SHA256 hash states after the key blocks K0 ^ ipad and K0 ^ opad.
    pub hmac_states: [[[u32; 8]; 2]; 3],
    /// Internal: the secret's bytes, `secret_len` of them.
    pub secret: [u8; ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN],
    /// Internal: the secret's length.
    pub secret_len: usize,
    /// Internal: the roles the secret is valid in, as computed once by
    /// their checks (bits 1, 2, 4: DeviceSecret, ProductSecret, deviceToken).
    pub roles: u32,
}

impl aliyun_mqtt_verify_key {
    /// An all-zero key: what [`aliyun_mqtt_verify_key::wipe`] leaves. It
    /// holds the empty secret, which every role refuses.
    pub const ZERO: Self = aliyun_mqtt_verify_key {
        hmac_states: [[[0; 8]; 2]; 3],
        secret: [0; ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN],
        secret_len: 0,
        roles: 0,
    };

    /// Prepares `secret`, which must be valid in at least one role: 1 to
    /// `ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN` printable ASCII bytes, no space
    /// (the deviceToken rule, the widest). Otherwise the key is wiped and the
    /// result is `ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET`: the empty key gives
    /// every CONNECT the status [`check_signature`] gives that secret, since
    /// it fails every role's check as the secret does. A secret valid only as
    /// a deviceToken (over 64 bytes) has no HMAC states.
    pub fn init(&mut self, secret: &[u8]) -> Result<(), S> {
        self.wipe();
        if Role::DeviceToken.check(secret).is_err() {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
        }
        for (d, s) in self.secret.iter_mut().zip(secret) {
            *d = *s;
        }
        self.secret_len = secret.len();
        for role in Role::ALL {
            if role.check(secret).is_ok() {
                self.roles |= role as u32;
            }
        }
        // Over one block (a deviceToken): no HMAC takes it, states stay zero.
        let _ = hmac_states(secret, &mut self.hmac_states);
        Ok(())
    }

    /// Overwrites every byte of the key with zeros in a way the optimiser
    /// keeps.
    pub fn wipe(&mut self) {
        wipe_hmac_states(&mut self.hmac_states);
        wipe(&mut self.secret);
        self.secret_len = 0;
        self.roles = 0;
        core::hint::black_box(self);
    }
}

impl Key for aliyun_mqtt_verify_key {
    /// The stored secret; a length past the array (a key not made by
    /// [`aliyun_mqtt_verify_key::init`]) reads as the empty secret.
    fn secret(&self) -> &[u8] {
        self.secret.get(..self.secret_len).unwrap_or_default()
    }
    /// The result [`Role::check`] gave when the key was made.
    fn check_role(&self, role: Role) -> Result<(), S> {
        if self.roles & role as u32 != 0 {
            Ok(())
        } else {
            Err(role.refused())
        }
    }
    fn sign(
        &self,
        method: SignMethod,
        content: &[&[u8]],
        out: &mut [u8; MAX_DIGEST_LEN],
    ) -> Result<usize, S> {
        if method == SignMethod::Sha256 {
            // SHA-256 over content + secret: nothing to precompute.
            return self.secret().sign(method, content, out);
        }
        let states: &HmacStates = &self.hmac_states;
        // Hosts lay the content out in padded blocks straight from its
        // pieces; bare metal streams it through the one hash path.
        #[cfg(not(small_path))]
        return hmac_parts_from_states(method, states, content, out);
        #[cfg(small_path)]
        assembled(content, |c| hmac_from_states(method, states, c, out))
    }
}

/// Checks `password` against what the platform expects for `id`:
///
/// - without `authType`: the signature under the DeviceSecret `secret`;
///   the content is rebuilt from what was submitted (clientId only when
///   non-empty, timestamp only when present);
/// - `authType=register` or `regnwl`: the signature under the ProductSecret
///   `secret` of `deviceName..productKey..random..` (PROTOCOL.md §4);
/// - `authType=connwl`: `password` equals the deviceToken `secret`.
///
/// Hex digits are compared case-insensitively; every comparison takes the
/// same time for a given length.
///
/// Errors: `ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET`,
/// `..._INVALID_PRODUCT_SECRET`, `..._INVALID_DEVICE_TOKEN` (the `secret`
/// for the case), `..._INVALID_SIGN_METHOD` (method compiled out, or
/// `sha256` for a registration), `..._SIGNATURE_MISMATCH`.
pub fn check_signature(id: &Identity<'_>, password: &[u8], secret: &[u8]) -> Result<(), S> {
    check(id, password, secret)
}

/// [`check_signature`] with a prepared secret: the same result for every
/// input as `check_signature` with the secret `key` was initialised with.
pub fn check_signature_with_key(
    id: &Identity<'_>,
    password: &[u8],
    key: &aliyun_mqtt_verify_key,
) -> Result<(), S> {
    check(id, password, key)
}

/// Longest signed content the verifier rebuilds: a device's, every field at
/// its maximum with a timestamp (a registration's is shorter).
const CONTENT_MAX_LEN: usize = b"clientIddeviceNameproductKeytimestamp".len()
    + ALIYUN_MQTT_CLIENT_ID_MAX_LEN
    + ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
    + ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
    + 20; // digits of u64::MAX
const _: () = assert!(
    b"deviceNameproductKeyrandom".len()
        + ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
        + ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
        + ALIYUN_MQTT_RANDOM_MAX_LEN
        <= CONTENT_MAX_LEN
);
// Every content fits the hosts' laid-out blocks.
#[cfg(not(small_path))]
const _: () = assert!(CONTENT_MAX_LEN <= PARTS_MAX_LEN);

/// The content the platform signs for `id`, as name and value pieces in
/// the order it signs them (PROTOCOL.md §1.3, §4.1): without `authType`
/// `clientId` (only when not empty), `deviceName`, `productKey` and
/// `timestamp` (only when sent, its digits as submitted); for `register`
/// and `regnwl` `deviceName`, `productKey`, `random`. An absent pair is two
/// empty pieces; `connwl` signs nothing (all empty).
#[inline(always)] // in the verifier's hot path: folds into `check`
pub(crate) fn signed_pieces<'a>(id: &Identity<'a>) -> [&'a [u8]; 8] {
    let timestamp = id.timestamp.map_or(&b""[..], |(digits, _)| digits);
    match id.auth_type {
        Some(AuthType::ConnWl) => [b""; 8],
        Some(AuthType::Register | AuthType::RegNwl) => [
            b"deviceName",
            id.device_name,
            b"productKey",
            id.product_key,
            b"random",
            id.random,
            b"",
            b"",
        ],
        None => {
            let has_cid = !id.client_id.is_empty();
            [
                if has_cid { b"clientId" } else { b"" },
                id.client_id,
                b"deviceName",
                id.device_name,
                b"productKey",
                id.product_key,
                if id.timestamp.is_some() {
                    b"timestamp"
                } else {
                    b""
                },
                timestamp,
            ]
        }
    }
}

/// [`check_signature`] for either kind of [`Key`]: the secret is checked
/// for its role, the content listed once as its pieces and signed by the
/// key ([`Key::sign`]), the digest compared with [`same_hex`].
fn check(id: &Identity<'_>, password: &[u8], key: &(impl Key + ?Sized)) -> Result<(), S> {
    match id.auth_type {
        Some(AuthType::ConnWl) => {
            key.check_role(Role::DeviceToken)?;
            return same_bytes(password, key.secret());
        }
        Some(AuthType::Register | AuthType::RegNwl) => {
            key.check_role(Role::ProductSecret)?;
            if id.sign_method == SignMethod::Sha256 {
                return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
            }
        }
        None => key.check_role(Role::DeviceSecret)?,
    }
    let content = signed_pieces(id);
    let mut digest = [0u8; MAX_DIGEST_LEN];
    let signed = key.sign(id.sign_method, &content, &mut digest);
    let result = signed.and_then(|len| same_hex(password, digest.get(..len).unwrap_or_default()));
    wipe(&mut digest);
    result
}

/// Whether `password` is the hex of `digest`, digits of either case, in
/// time that depends on the lengths only. Eight digits at a time: the
/// digest's lower-case hex ([`hex8`]) is compared with the password
/// whose bytes get bit 0x20 set where the expected digit is a letter, which
/// accepts exactly the two cases of that letter, and a digit only as itself.
pub(crate) fn same_hex(password: &[u8], digest: &[u8]) -> Result<(), S> {
    let (words, _) = password.as_chunks::<8>();
    let (quads, _) = digest.as_chunks::<4>();
    let mut diff = u64::from(password.len() != digest.len().saturating_mul(2));
    for (got, quad) in words.iter().zip(quads) {
        let want = hex8(*quad);
        let got = u64::from_le_bytes(*got);
        // 'a'..='f' are 0x61..=0x66, whose bit 0x40 shifts to 0x20; the
        // digits 0x30..=0x39 have none.
        let letters = (want >> 1) & 0x2020_2020_2020_2020;
        diff |= (got | letters) ^ want;
    }
    if core::hint::black_box(diff) == 0 {
        Ok(())
    } else {
        Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
    }
}

/// The lower-case hex of four bytes: eight ASCII digits, the first in the
/// low byte (as `u64::from_le_bytes` of the text).
#[allow(clippy::arithmetic_side_effects)] // every byte stays below 0x67
fn hex8(bytes: [u8; 4]) -> u64 {
    const LOW_NIBBLES: u64 = 0x0f0f_0f0f_0f0f_0f0f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Byte k of the input to bytes 2k and 2k + 1.
    let x = u64::from(u32::from_le_bytes(bytes));
    let x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    let x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    let x = x | (x << 8);
    // Even bytes take the high nibble, odd bytes the low one.
    let nibbles = ((x >> 4) & 0x000f_000f_000f_000f) | (x & 0x0f00_0f00_0f00_0f00);
    debug_assert_eq!(nibbles & !LOW_NIBBLES, 0);
    // A nibble over 9 gets bit 4 from + 6: 'a' - '0' - 10 = 39 more.
    let letters = ((nibbles + 6 * ONES) >> 4) & ONES;
    nibbles + 0x30 * ONES + 39 * letters
}

/// `a == b` in time that depends on the lengths only.
fn same_bytes(a: &[u8], b: &[u8]) -> Result<(), S> {
    let diff = a
        .iter()
        .zip(b)
        .fold(u8::from(a.len() != b.len()), |d, (x, y)| d | (x ^ y));
    if core::hint::black_box(diff) == 0 {
        Ok(())
    } else {
        Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH)
    }
}

/// [`identify`] then [`check_signature`]: `Ok` only when the platform would
/// accept these three CONNECT fields for this secret.
pub fn verify<'a>(
    mqtt_client_id: &'a [u8],
    username: &'a [u8],
    password: &[u8],
    secret: &[u8],
) -> Result<Identity<'a>, S> {
    let id = identify(mqtt_client_id, username)?;
    check_signature(&id, password, secret)?;
    Ok(id)
}

/// [`identify`] then [`check_signature_with_key`].
pub fn verify_with_key<'a>(
    mqtt_client_id: &'a [u8],
    username: &'a [u8],
    password: &[u8],
    key: &aliyun_mqtt_verify_key,
) -> Result<Identity<'a>, S> {
    let id = identify(mqtt_client_id, username)?;
    check_signature_with_key(&id, password, key)?;
    Ok(id)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::*;

    /// The HMAC the key resumes (laid out in blocks on hosts) against the
    /// streaming one of the plain secret and against a password signed
    /// over the content as PROTOCOL.md §1 and §4 spell it, for every
    /// client id length (signed contents from 30 to the longest, across
    /// every block boundary of the padding), registrations with every
    /// `random` length, every method; a changed digit is a mismatch.
    #[test]
    fn test_check_with_key_every_content_length_succeed() {
        let secret = b"oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
        let mut key = aliyun_mqtt_verify_key::ZERO;
        key.init(secret).unwrap();
        let text = b"SN1928339abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:";
        let mut cases = Vec::new();
        for cid_len in 0..=ALIYUN_MQTT_CLIENT_ID_MAX_LEN {
            for (dn, pk, ts) in [
                (4, 1, None),
                (12, 11, Some("1539421321846")),
                (32, 20, Some("18446744073709551615")),
            ] {
                cases.push((&text[..cid_len], &text[..dn], &text[..pk], ts, None));
            }
        }
        for random_len in 1..=ALIYUN_MQTT_RANDOM_MAX_LEN {
            for auth in [AuthType::Register, AuthType::RegNwl] {
                let random = &text[9..9 + random_len];
                cases.push((
                    &b""[..],
                    &text[..32],
                    &text[..20],
                    None,
                    Some((auth, random)),
                ));
            }
        }
        for (cid, dn, pk, ts, reg) in cases {
            let content: Vec<u8> = match reg {
                None => [
                    if cid.is_empty() {
                        &b""[..]
                    } else {
                        b"clientId"
                    },
                    cid,
                    b"deviceName",
                    dn,
                    b"productKey",
                    pk,
                    if ts.is_some() { b"timestamp" } else { b"" },
                    ts.unwrap_or_default().as_bytes(),
                ]
                .concat(),
                Some((_, random)) => {
                    [&b"deviceName"[..], dn, b"productKey", pk, b"random", random].concat()
                }
            };
            for method in SignMethod::ALL {
                if reg.is_some() && method == SignMethod::Sha256 {
                    continue;
                }
                let id = Identity {
                    client_id: cid,
                    product_key: pk,
                    device_name: dn,
                    sign_method: method,
                    secure_mode: 3,
                    timestamp: ts.map(|t| (t.as_bytes(), t.parse().unwrap())),
                    auth_type: reg.map(|(auth, _)| auth),
                    random: reg.map_or(&b""[..], |(_, random)| random),
                };
                let mut digest = [0u8; MAX_DIGEST_LEN];
                let n = crate::sign::sign(method, secret, &[&content], &mut digest).unwrap();
                let hex: String = digest[..n].iter().map(|b| format!("{b:02x}")).collect();
                for password in [hex.clone(), hex.to_uppercase()] {
                    let password = password.as_bytes();
                    assert_eq!(check_signature(&id, password, secret), Ok(()));
                    assert_eq!(check_signature_with_key(&id, password, &key), Ok(()));
                }
                let mut wrong = hex.into_bytes();
                wrong[n] = if wrong[n] == b'0' { b'1' } else { b'0' };
                let mismatch = Err(S::ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
                assert_eq!(check_signature(&id, &wrong, secret), mismatch);
                assert_eq!(check_signature_with_key(&id, &wrong, &key), mismatch);
            }
        }
    }

    /// The timestamp's digits against the standard library's parser
    /// (which also takes a leading `+`, never given here): every length,
    /// every byte value at every position, and the u64 boundary.
    #[test]
    fn test_parse_u64_matches_std_succeed() {
        let reference = |d: &[u8]| -> Option<u64> {
            if d.is_empty() || d.len() > 20 || !d.iter().all(u8::is_ascii_digit) {
                return None;
            }
            core::str::from_utf8(d).ok()?.parse().ok()
        };
        let base = b"98765432109876543210123";
        for len in 0..=base.len() {
            let digits = &base[..len];
            assert_eq!(parse_u64(digits), reference(digits), "{digits:?}");
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut d = digits.to_vec();
                    d[at] = b;
                    assert_eq!(parse_u64(&d), reference(&d), "{d:?}");
                }
            }
        }
        for text in [
            "0",
            "00000000000000000000",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "09999999999999999999",
            "1539421321846",
            "10000000000000000000",
        ] {
            assert_eq!(parse_u64(text.as_bytes()), text.parse().ok(), "{text}");
        }
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
    }
}
