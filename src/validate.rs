//! Input checks. Each returns the status that names the field.
//!
//! One byte-class function and one range check serve every field (rather
//! than a generic check per predicate): the firmware build is smaller.

use crate::limits::*;
use crate::status::aliyun_mqtt_status as S;

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
/// on every call; the table is 128 bytes).
#[allow(clippy::indexing_slicing)] // b < 128, evaluated at compile time
static CLASSES: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = class_of(b as u8);
        b += 1;
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
        CLASSES.get(usize::from(b)).copied().unwrap_or(0) & self.class != 0
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

/// DeviceName: 4..=32 of letters, digits, `-`, `_`, `@`, `.`, `:` (SPEC 1).
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

/// ProductKey: see [`PRODUCT_KEY`].
pub fn product_key(s: &[u8]) -> Result<(), S> {
    PRODUCT_KEY.check(s)
}

/// DeviceName: see [`DEVICE_NAME`].
pub fn device_name(s: &[u8]) -> Result<(), S> {
    DEVICE_NAME.check(s)
}

/// DeviceSecret: see [`DEVICE_SECRET`].
pub fn device_secret(s: &[u8]) -> Result<(), S> {
    DEVICE_SECRET.check(s)
}

/// Client id: see [`CLIENT_ID`].
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
    const R: Rule = rule(
        1,
        ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
        VISIBLE,
        S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
    );
    R.check(s)
}

/// Registration random string: 1..=32 ASCII letters and digits.
pub fn random(s: &[u8]) -> Result<(), S> {
    const R: Rule = rule(
        1,
        ALIYUN_MQTT_RANDOM_MAX_LEN,
        ALNUM,
        S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
    );
    R.check(s)
}

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
/// allows.
#[allow(clippy::arithmetic_side_effects)] // indices are bounded by s.len() <= 128
pub(crate) fn pairs(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS;
    const NONE: usize = usize::MAX;
    let mut start = 0;
    let mut eq = NONE;
    // One pass; a virtual `,` after the last byte closes the last pair.
    for i in 0..=s.len() {
        let b = s.get(i).copied().unwrap_or(b',');
        if b == b'=' {
            if eq != NONE {
                return Err(err);
            }
            eq = i;
        } else if b == b',' {
            if eq == NONE || eq == start || eq + 1 == i {
                return Err(err);
            }
            let key = s.get(start..eq).unwrap_or_default();
            let earlier = s.get(..start).unwrap_or_default();
            if has_key(RESERVED, key) || has_key(earlier, key) {
                return Err(err);
            }
            start = i + 1;
            eq = NONE;
        }
    }
    Ok(())
}

/// The parameters the library writes itself, as pairs for [`has_key`].
const RESERVED: &[u8] = b"securemode=,signmethod=,timestamp=";

/// Whether a `key=` pair starts anywhere in `pairs` (`k=v,k=v...`).
#[allow(clippy::arithmetic_side_effects)] // i + key.len() <= 2 * 128
fn has_key(pairs: &[u8], key: &[u8]) -> bool {
    let mut at_pair_start = true;
    for (i, b) in pairs.iter().enumerate() {
        if at_pair_start
            && pairs.get(i..i + key.len()) == Some(key)
            && pairs.get(i + key.len()) == Some(&b'=')
        {
            return true;
        }
        at_pair_start = *b == b',';
    }
    false
}
