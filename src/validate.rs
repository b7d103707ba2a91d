//! Input checks. Each returns the status that names the field.
//!
//! One byte-class function and one range check serve every field (rather
//! than a generic check per predicate): the firmware build is smaller.

use crate::limits::*;
use crate::status::aliyun_mqtt_status as S;
use crate::text::part;

/// ASCII letter or digit.
const ALNUM: u8 = 1;
/// Printable ASCII except space and `|`: an extra-parameter character.
const EXTRA_CHAR: u8 = 2;
/// Printable ASCII except space (0x21..=0x7e).
const VISIBLE: u8 = 4;
/// `[a-z0-9-]`, a region id character.
const REGION: u8 = 8;
/// ALNUM or one of `-_@.:`: a DeviceName character.
const DEVICE_NAME_CHAR: u8 = 16;
/// VISIBLE but not `|`, `,` or `=`: a client id character.
const CLIENT_ID_CHAR: u8 = 32;

/// The classes of an ASCII byte, computed at compile time.
const fn class_of(b: u8) -> u8 {
    let mut c = 0;
    if b.is_ascii_graphic() {
        c |= VISIBLE;
        if b != b'|' {
            c |= EXTRA_CHAR;
            if b != b',' && b != b'=' {
                c |= CLIENT_ID_CHAR;
            }
        }
    }
    if b.is_ascii_alphanumeric() {
        c |= ALNUM | DEVICE_NAME_CHAR;
    }
    if matches!(b, b'-' | b'_' | b'@' | b'.' | b':') {
        c |= DEVICE_NAME_CHAR;
    }
    if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
        c |= REGION;
    }
    c
}

/// One load per byte instead of the predicates above (the validation runs
/// on every call). Entry `i` is byte `CLASSES_FROM + i`; every byte past
/// the table is in no class. Microcontrollers keep 0x21..=0x7e (94 bytes:
/// space, controls, DEL and non-ASCII are in no class anyway); hosts the
/// whole byte range (256 bytes), which spares the range check in the C
/// API's per-byte scan. Either way NUL is in no class.
#[cfg(small_path)]
const CLASSES_FROM: u8 = 0x21;
#[cfg(small_path)]
const CLASSES_LEN: usize = 94;
#[cfg(not(small_path))]
const CLASSES_FROM: u8 = 0;
#[cfg(not(small_path))]
const CLASSES_LEN: usize = 256;

#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)] // i < CLASSES_LEN <= 256, evaluated at compile time
static CLASSES: [u8; CLASSES_LEN] = {
    let mut table = [0u8; CLASSES_LEN];
    let mut i = 0;
    while i < CLASSES_LEN {
        table[i] = class_of(CLASSES_FROM.wrapping_add(i as u8));
        i += 1;
    }
    table
};

/// The rule of a simple field: `min..=max` bytes, each in `class`. The C
/// API reads a string only while it obeys the rule (see `ffi::c_field`).
/// Eight bytes of constants per rule.
#[derive(Clone, Copy)]
pub(crate) struct Rule {
    pub min: u8,
    pub max: u8,
    pub class: u8,
    pub err: S,
}

impl Rule {
    /// Whether `b` may appear in the field (never NUL or a non-ASCII byte).
    #[inline]
    pub fn allows(&self, b: u8) -> bool {
        CLASSES
            .get(usize::from(b.wrapping_sub(CLASSES_FROM)))
            .copied()
            .unwrap_or(0)
            & self.class
            != 0
    }

    /// Checks `s`.
    pub fn check(&self, s: &[u8]) -> Result<(), S> {
        let ok = s.len() >= usize::from(self.min)
            && s.len() <= usize::from(self.max)
            && s.iter().all(|b| self.allows(*b));
        if ok {
            Ok(())
        } else {
            Err(self.err)
        }
    }
}

/// ProductKey: 1..=20 ASCII letters and digits (it also goes into host names).
pub(crate) const PRODUCT_KEY: Rule = rule(
    1,
    ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
    ALNUM,
    S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
);

/// DeviceName: 4..=32 of letters, digits, `-`, `_`, `@`, `.`, `:` (PROTOCOL.md §1.7).
pub(crate) const DEVICE_NAME: Rule = rule(
    ALIYUN_MQTT_DEVICE_NAME_MIN_LEN,
    ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
    DEVICE_NAME_CHAR,
    S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
);

/// DeviceSecret: 1..=64 printable ASCII, no space.
pub(crate) const DEVICE_SECRET: Rule = rule(
    1,
    ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
    VISIBLE,
    S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
);

/// Client id: 1..=64 printable ASCII except the separators `|`, `,`, `=`.
pub(crate) const CLIENT_ID: Rule = rule(
    1,
    ALIYUN_MQTT_CLIENT_ID_MAX_LEN,
    CLIENT_ID_CHAR,
    S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
);

/// Extra parameters, byte by byte: 1..=128 printable ASCII except `|`
/// (the pair structure is checked by [`extra_params`]).
pub(crate) const EXTRA_PARAMS: Rule = rule(
    1,
    ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN,
    EXTRA_CHAR,
    S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS,
);

/// A rule; its lengths are `*_MAX_LEN` constants, all below 256.
const fn rule(min: usize, max: usize, class: u8, err: S) -> Rule {
    assert!(min <= max && max <= u8::MAX as usize);
    Rule {
        min: min as u8,
        max: max as u8,
        class,
        err,
    }
}

/// ProductKey: 1..=20 ASCII letters and digits.
pub fn product_key(s: &[u8]) -> Result<(), S> {
    PRODUCT_KEY.check(s)
}

/// DeviceName: 4..=32 of letters, digits, `-`, `_`, `@`, `.`, `:`.
pub fn device_name(s: &[u8]) -> Result<(), S> {
    DEVICE_NAME.check(s)
}

/// How many bytes at the start of `s` may be in a DeviceName (which has
/// no `&`).
pub fn device_name_len(s: &[u8]) -> usize {
    s.iter()
        .position(|b| !DEVICE_NAME.allows(*b))
        .unwrap_or(s.len())
}

/// DeviceSecret: 1..=64 printable ASCII, no space.
pub fn device_secret(s: &[u8]) -> Result<(), S> {
    DEVICE_SECRET.check(s)
}

/// Client id: 1..=64 printable ASCII except `|`, `,`, `=`.
pub fn client_id(s: &[u8]) -> Result<(), S> {
    CLIENT_ID.check(s)
}

/// Region id: 1..=32 of `[a-z0-9-]`, not starting or ending with `-`.
pub fn region(s: &[u8]) -> Result<(), S> {
    const R: Rule = rule(
        1,
        ALIYUN_MQTT_REGION_MAX_LEN,
        REGION,
        S::ALIYUN_MQTT_ERR_INVALID_REGION,
    );
    dashed(s, &R)
}

/// Instance id: 1..=64 of `[a-z0-9-]`, not starting or ending with `-`.
pub fn instance_id(s: &[u8]) -> Result<(), S> {
    const R: Rule = rule(
        1,
        ALIYUN_MQTT_INSTANCE_ID_MAX_LEN,
        REGION,
        S::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID,
    );
    dashed(s, &R)
}

/// `rule`, and not starting or ending with `-`.
fn dashed(s: &[u8], rule: &Rule) -> Result<(), S> {
    rule.check(s)?;
    if s.first() == Some(&b'-') || s.last() == Some(&b'-') {
        return Err(rule.err);
    }
    Ok(())
}

/// ProductSecret: 1..=64 printable ASCII, no space (as a DeviceSecret).
pub fn product_secret(s: &[u8]) -> Result<(), S> {
    PRODUCT_SECRET.check(s)
}

/// ProductSecret: 1..=64 printable ASCII, no space.
pub(crate) const PRODUCT_SECRET: Rule = rule(
    1,
    ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
    VISIBLE,
    S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
);

/// Registration random string: 1..=32 ASCII letters and digits.
pub fn random(s: &[u8]) -> Result<(), S> {
    RANDOM.check(s)
}

/// Registration random string: 1..=32 ASCII letters and digits.
pub(crate) const RANDOM: Rule = rule(
    1,
    ALIYUN_MQTT_RANDOM_MAX_LEN,
    ALNUM,
    S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
);

/// deviceToken: 1..=128 printable ASCII, no space.
pub fn device_token(s: &[u8]) -> Result<(), S> {
    const R: Rule = rule(
        1,
        ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN,
        VISIBLE,
        S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN,
    );
    R.check(s)
}

/// Host name: 1..=253 bytes of dot-separated labels of `[A-Za-z0-9-]`, each
/// 1..=63 and not starting or ending with `-` (a trailing dot is refused);
/// or an IPv6 literal (hex digits, `:` and `.`, with at least two `:`),
/// optionally in brackets.
pub fn host(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_HOST;
    if s.is_empty() || s.len() > ALIYUN_MQTT_HOST_NAME_MAX_LEN {
        return Err(err);
    }
    let inner = s
        .strip_prefix(b"[")
        .and_then(|r| r.strip_suffix(b"]"))
        .unwrap_or(s);
    if inner.iter().filter(|b| **b == b':').count() >= 2 {
        let ok = inner
            .iter()
            .all(|b| b.is_ascii_hexdigit() || *b == b':' || *b == b'.');
        return if ok { Ok(()) } else { Err(err) };
    }
    for label in s.split(|b| *b == b'.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && label.first() != Some(&b'-')
            && label.last() != Some(&b'-');
        if !ok {
            return Err(err);
        }
    }
    Ok(())
}

/// Extra parameters: `k=v[,k=v...]`, keys and values non-empty printable
/// ASCII without `|`, `,`, `=`, keys unique and not reserved, at most 128
/// bytes in all.
pub fn extra_params(s: &[u8]) -> Result<(), S> {
    EXTRA_PARAMS.check(s)?;
    pairs(s)
}

/// The pair structure of extra parameters whose bytes [`EXTRA_PARAMS`]
/// allows: every pair `k=v` with a non-empty key and value, its key used by
/// no earlier pair and by none of the parameters the library writes.
///
/// The reserved keys and `s` are read as one string of pairs,
/// `RESERVED,s` ([`joined`]), in one pass. Each key goes into a small
/// open-addressing table at a slot given by a hash of its bytes (FNV-1a,
/// low bits), the table holding where each key starts; a key is compared
/// only with the keys on its probe sequence, so the check takes time
/// linear in the length for distinct slots, and a few thousand steps at
/// worst (at most 128 bytes). The table has 128 slots for at most 3 + 32
/// keys (a pair has three bytes and a comma), so a probe always ends at an
/// empty slot.
#[allow(clippy::arithmetic_side_effects)] // indices are bounded by 35 + s.len() <= 163
pub(crate) fn pairs(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS;
    const NONE: usize = usize::MAX;
    const FNV_OFFSET: u32 = 0x811c_9dc5;
    const FNV_PRIME: u32 = 0x0100_0193;
    // Start + 1 of each key seen (0: empty).
    let mut table = [0u8; 128];
    let mut start = 0;
    let mut eq = NONE;
    let mut hash = FNV_OFFSET;
    // The `,` that `joined` reads after the last byte closes the last pair.
    for i in 0..=RESERVED.len() + s.len() {
        let b = joined(s, i);
        if b == b'=' {
            if eq != NONE {
                return Err(err);
            }
            eq = i;
        } else if b == b',' {
            // The reserved pairs have no values; the caller's must.
            if i >= RESERVED.len() && (eq == NONE || eq == start || eq + 1 == i) {
                return Err(err);
            }
            let mut slot = hash as usize % table.len();
            while let Some(&other) = table.get(slot) {
                if other == 0 {
                    break;
                }
                // Same bytes up to and including this key's `=`: an earlier
                // key has no `=` before its own, so it is the same key.
                let earlier = usize::from(other) - 1;
                let mut k = 0;
                while start + k <= eq && joined(s, earlier + k) == joined(s, start + k) {
                    k += 1;
                }
                if start + k > eq {
                    return Err(err);
                }
                slot = (slot + 1) % table.len();
            }
            if let Some(entry) = table.get_mut(slot) {
                *entry = (start + 1) as u8;
            }
            start = i + 1;
            eq = NONE;
            hash = FNV_OFFSET;
        } else if eq == NONE {
            hash = (hash ^ u32::from(b)).wrapping_mul(FNV_PRIME);
        }
    }
    Ok(())
}

/// The parameters the library writes itself, as pairs without values.
const RESERVED: &[u8] = part(b"securemode=,signmethod=,timestamp=,");

/// Byte `i` of `RESERVED` followed by `s`, and `,` outside them.
#[cfg_attr(small_path, inline(never))] // smaller firmware
fn joined(s: &[u8], i: usize) -> u8 {
    match i.checked_sub(RESERVED.len()) {
        None => RESERVED.get(i),
        Some(j) => s.get(j),
    }
    .copied()
    .unwrap_or(b',')
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The table answers as the predicates do for every byte; non-ASCII
    /// bytes, NUL, space and DEL are in no class.
    #[test]
    fn test_class_table_matches_predicates_succeed() {
        for b in 0..=255u8 {
            for class in [
                ALNUM,
                EXTRA_CHAR,
                VISIBLE,
                REGION,
                DEVICE_NAME_CHAR,
                CLIENT_ID_CHAR,
            ] {
                let rule = rule(0, 1, class, S::ALIYUN_MQTT_ERR_INVALID_REGION);
                let want = b.is_ascii() && class_of(b) & class != 0;
                assert_eq!(rule.allows(b), want, "byte {b:#x} class {class}");
            }
        }
        assert!(!PRODUCT_KEY.allows(b' ') && !DEVICE_SECRET.allows(0x7f));
        assert!(DEVICE_SECRET.allows(b'!') && DEVICE_SECRET.allows(b'~'));
    }

    /// Independent statement of the rule: split on `,` and `=`, keys kept
    /// in a set.
    fn reference(s: &[u8]) -> bool {
        let s = std::str::from_utf8(s).unwrap();
        let mut seen: Vec<&str> = vec!["securemode", "signmethod", "timestamp"];
        for pair in s.split(',') {
            let Some((k, v)) = pair.split_once('=') else {
                return false;
            };
            if k.is_empty() || v.is_empty() || v.contains('=') || seen.contains(&k) {
                return false;
            }
            seen.push(k);
        }
        true
    }

    /// `pairs` against the reference for every string of up to 6 bytes
    /// over a small alphabet (with separators and a reserved-key prefix),
    /// plus the reserved keys themselves.
    #[test]
    fn test_pairs_matches_reference_succeed() {
        let alphabet = b"ab=,";
        let mut checked = 0;
        for len in 1..=6u32 {
            for mut n in 0..4usize.pow(len) {
                let mut s = Vec::new();
                for _ in 0..len {
                    s.push(alphabet[n % 4]);
                    n /= 4;
                }
                assert_eq!(
                    pairs(&s).is_ok(),
                    reference(&s),
                    "{:?}",
                    String::from_utf8_lossy(&s)
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 5460);
        // Long lists, up to 128 bytes: keys of one to three letters from
        // three (39 keys, so repeats and shared hash slots are common),
        // each list also with its first key repeated at the end.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let mut s = Vec::new();
            let mut first = Vec::new();
            while s.len() < 110 {
                let mut key = Vec::new();
                for _ in 0..=next() % 3 {
                    key.push(b"abc"[(next() % 3) as usize]);
                }
                if next() % 4 == 0 {
                    key.extend_from_slice(b"xyzw");
                }
                if first.is_empty() {
                    first = key.clone();
                }
                if !s.is_empty() {
                    s.push(b',');
                }
                s.extend_from_slice(&key);
                s.extend_from_slice(b"=1");
                if next() % 8 == 0 {
                    break;
                }
            }
            for t in [s.clone(), [&s[..], b",", &first, b"=2"].concat()] {
                let ok = pairs(&t).is_ok();
                assert_eq!(ok, reference(&t), "{:?}", String::from_utf8_lossy(&t));
                if ok {
                    accepted += 1;
                } else {
                    refused += 1;
                }
            }
        }
        assert!(accepted > 1000 && refused > 1000, "{accepted} {refused}");
        for s in [
            &b"timestamp=1"[..],
            b"a=1,signmethod=x",
            b"securemode=2",
            b"securemod=2,signmethodx=1,timestamp2=3",
            b"a=1,b=2,ab=3,ba=4,a2=5",
            b"ab=1,a=2",
            b"a=1,ab=2,a=3",
        ] {
            assert_eq!(
                pairs(s).is_ok(),
                reference(s),
                "{:?}",
                String::from_utf8_lossy(s)
            );
        }
    }
}
