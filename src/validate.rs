//! Input checks. Each returns the status that names the field.
//!
//! One byte-class function and one range check serve every field (rather
//! than a generic check per predicate): the firmware build is smaller.

use crate::limits::*;
use crate::status::aliyun_mqtt_status as S;

/// ASCII letter or digit.
const ALNUM: u8 = 1;
/// One of `-_@.:` (allowed in a DeviceName besides ALNUM).
const NAME: u8 = 2;
/// Printable ASCII except space (0x21..=0x7e).
const VISIBLE: u8 = 4;
/// `|`, the client identifier's outer separator.
const PIPE: u8 = 8;
/// `,` or `=`, the parameter separators.
const PARAM_SEP: u8 = 16;
/// `[a-z0-9-]`, a region id character.
const REGION: u8 = 32;
/// ALNUM or NAME: a DeviceName character.
const DEVICE_NAME_CHAR: u8 = 64;
/// VISIBLE but not PIPE or PARAM_SEP: a client id character.
const CLIENT_ID_CHAR: u8 = 128;

/// The classes of an ASCII byte, computed at compile time.
const fn class_of(b: u8) -> u8 {
    let mut c = 0;
    if b.is_ascii_graphic() {
        c |= VISIBLE;
    }
    if b.is_ascii_alphanumeric() {
        c |= ALNUM;
    }
    if matches!(b, b'-' | b'_' | b'@' | b'.' | b':') {
        c |= NAME;
    }
    if b == b'|' {
        c |= PIPE;
    }
    if matches!(b, b',' | b'=') {
        c |= PARAM_SEP;
    }
    if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
        c |= REGION;
    }
    if c & (ALNUM | NAME) != 0 {
        c |= DEVICE_NAME_CHAR;
    }
    if c & VISIBLE != 0 && c & (PIPE | PARAM_SEP) == 0 {
        c |= CLIENT_ID_CHAR;
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

/// The classes of `b`; none for non-ASCII bytes (and NUL).
fn class(b: u8) -> u8 {
    CLASSES.get(usize::from(b)).copied().unwrap_or(0)
}

/// The rule of a simple field: `min..=max` bytes, each in `class`. The C
/// API bounds a string by `max` while looking for its NUL, then checks it.
pub(crate) struct Rule {
    pub min: usize,
    pub max: usize,
    pub class: u8,
    pub err: S,
}

impl Rule {
    /// Checks `s`.
    pub fn check(&self, s: &[u8]) -> Result<(), S> {
        check(s, self.min, self.max, self.class, 0, self.err)
    }
}

/// ProductKey: 1..=20 ASCII letters and digits (it also goes into host names).
pub(crate) const PRODUCT_KEY: Rule = Rule {
    min: 1,
    max: ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
    class: ALNUM,
    err: S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
};

/// DeviceName: 4..=32 of letters, digits, `-`, `_`, `@`, `.`, `:` (SPEC 1).
pub(crate) const DEVICE_NAME: Rule = Rule {
    min: ALIYUN_MQTT_DEVICE_NAME_MIN_LEN,
    max: ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
    class: DEVICE_NAME_CHAR,
    err: S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
};

/// DeviceSecret: 1..=64 printable ASCII, no space.
pub(crate) const DEVICE_SECRET: Rule = Rule {
    min: 1,
    max: ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
    class: VISIBLE,
    err: S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
};

/// Client id: 1..=64 printable ASCII except the separators `|`, `,`, `=`.
pub(crate) const CLIENT_ID: Rule = Rule {
    min: 1,
    max: ALIYUN_MQTT_CLIENT_ID_MAX_LEN,
    class: CLIENT_ID_CHAR,
    err: S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
};

/// `s` has `min..=max` bytes, each in a class of `any_of` and none of `none_of`.
fn check(s: &[u8], min: usize, max: usize, any_of: u8, none_of: u8, err: S) -> Result<(), S> {
    let ok = s.len() >= min
        && s.len() <= max
        && s.iter().all(|b| {
            let c = class(*b);
            c & any_of != 0 && c & none_of == 0
        });
    if ok {
        Ok(())
    } else {
        Err(err)
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
    dashed(
        s,
        ALIYUN_MQTT_REGION_MAX_LEN,
        S::ALIYUN_MQTT_ERR_INVALID_REGION,
    )
}

/// Instance id: 1..=64 of `[a-z0-9-]`, not starting or ending with `-`.
pub fn instance_id(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID;
    dashed(s, ALIYUN_MQTT_INSTANCE_ID_MAX_LEN, err)
}

/// 1..=max of `[a-z0-9-]`, not starting or ending with `-`.
fn dashed(s: &[u8], max: usize, err: S) -> Result<(), S> {
    check(s, 1, max, REGION, 0, err)?;
    if s.first() == Some(&b'-') || s.last() == Some(&b'-') {
        return Err(err);
    }
    Ok(())
}

/// ProductSecret: 1..=64 printable ASCII, no space (as a DeviceSecret).
pub fn product_secret(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET;
    check(s, 1, ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN, VISIBLE, 0, err)
}

/// Registration random string: 1..=32 ASCII letters and digits.
pub fn random(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_RANDOM;
    check(s, 1, ALIYUN_MQTT_RANDOM_MAX_LEN, ALNUM, 0, err)
}

/// deviceToken: 1..=128 printable ASCII, no space.
pub fn device_token(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN;
    check(s, 1, ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN, VISIBLE, 0, err)
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
#[allow(clippy::arithmetic_side_effects)] // indices are bounded by s.len() <= 128
pub fn extra_params(s: &[u8]) -> Result<(), S> {
    let err = S::ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS;
    check(s, 1, ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN, VISIBLE, PIPE, err)?;
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
