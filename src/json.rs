//! A zero-allocation JSON reader for the platform's small replies.
//!
//! [`find`] walks a whole document (RFC 8259 grammar, UTF-8, nesting up to
//! `ALIYUN_MQTT_REPLY_MAX_DEPTH`, without recursion) and returns the value
//! at a path of object keys, so every lookup also checks the document. A
//! reply is a few hundred bytes and a parser looks up at most six fields,
//! so reading it once per field costs less than keeping an index would.

use crate::limits::{ALIYUN_MQTT_REPLY_MAX_DEPTH, ALIYUN_MQTT_REPLY_MAX_LEN};
use crate::status::aliyun_mqtt_status as S;

const TRUNCATED: S = S::ALIYUN_MQTT_ERR_REPLY_TRUNCATED;
const MALFORMED: S = S::ALIYUN_MQTT_ERR_REPLY_MALFORMED;
const TOO_LARGE: S = S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE;

/// A value found at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// A string: the bytes between the quotes, escapes not yet decoded.
    Str(&'a [u8]),
    /// A number as written.
    Num(&'a [u8]),
    /// `true`, `false`, `null`, an object or an array.
    Other,
}

/// Where the walk is between tokens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value (after `:`, or after `,` in an array).
    Value,
    /// A value or `]` (just after `[`).
    ValueOrEnd,
    /// A key (after `,` in an object).
    Key,
    /// A key or `}` (just after `{`).
    KeyOrEnd,
    /// `,` or the end of the open container.
    CommaOrEnd,
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

#[allow(clippy::arithmetic_side_effects)] // i <= s.len() <= 16384
impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Skips whitespace and returns the next byte (not consumed).
    fn next_token(&mut self) -> Result<u8, S> {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
        self.peek().ok_or(TRUNCATED)
    }

    /// Reads a string whose opening quote is at `i`; returns its raw bytes.
    fn string(&mut self) -> Result<&'a [u8], S> {
        self.i += 1;
        let start = self.i;
        loop {
            let b = self.peek().ok_or(TRUNCATED)?;
            match b {
                b'"' => break,
                b'\\' => {
                    self.i += 1;
                    match self.peek().ok_or(TRUNCATED)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            // A high surrogate must be followed by a low one,
                            // and a low one must follow a high one.
                            match self.unicode_escape()? {
                                0xd800..=0xdbff => {
                                    if self.peek().ok_or(TRUNCATED)? != b'\\' {
                                        return Err(MALFORMED);
                                    }
                                    self.i += 1;
                                    if self.peek().ok_or(TRUNCATED)? != b'u' {
                                        return Err(MALFORMED);
                                    }
                                    if !(0xdc00..=0xdfff).contains(&self.unicode_escape()?) {
                                        return Err(MALFORMED);
                                    }
                                }
                                0xdc00..=0xdfff => return Err(MALFORMED),
                                _ => {}
                            }
                        }
                        _ => return Err(MALFORMED),
                    }
                }
                0..=0x1f => return Err(MALFORMED),
                _ => self.i += 1,
            }
        }
        let raw = self.s.get(start..self.i).unwrap_or_default();
        self.i += 1;
        if core::str::from_utf8(raw).is_err() {
            return Err(MALFORMED);
        }
        Ok(raw)
    }

    /// Reads `uXXXX` (the `u` at `i`) and returns the code unit.
    fn unicode_escape(&mut self) -> Result<u32, S> {
        self.i += 1;
        let mut unit = 0;
        for _ in 0..4 {
            let digit = char::from(self.peek().ok_or(TRUNCATED)?)
                .to_digit(16)
                .ok_or(MALFORMED)?;
            unit = unit << 4 | digit;
            self.i += 1;
        }
        Ok(unit)
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), S> {
        if !self.peek().ok_or(TRUNCATED)?.is_ascii_digit() {
            return Err(MALFORMED);
        }
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        Ok(())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Result<&'a [u8], S> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek().ok_or(TRUNCATED)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return Err(MALFORMED),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.digits()?;
        }
        Ok(self.s.get(start..self.i).unwrap_or_default())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), S> {
        for want in word {
            if self.peek().ok_or(TRUNCATED)? != *want {
                return Err(MALFORMED);
            }
            self.i += 1;
        }
        Ok(())
    }
}

/// Walks `json`, which must be one object, and returns the value at `path`
/// (object keys from the top; arrays are walked but never on a path), or
/// `None` when nothing is there.
///
/// Errors: `ALIYUN_MQTT_ERR_REPLY_TRUNCATED` (the input ends inside the
/// document), `..._REPLY_MALFORMED` (anything else that is not JSON, or a
/// key of the path twice in its object), `..._REPLY_TOO_LARGE` (over
/// `ALIYUN_MQTT_REPLY_MAX_LEN` bytes or `ALIYUN_MQTT_REPLY_MAX_DEPTH` levels).
pub fn find<'a>(json: &'a [u8], path: &[&[u8]]) -> Result<Option<Value<'a>>, S> {
    find_within(json, path, ALIYUN_MQTT_REPLY_MAX_LEN)
}

/// [`find`] on a document of up to `max_len` bytes (at most
/// [`WALK_MAX_LEN`]) instead of `ALIYUN_MQTT_REPLY_MAX_LEN`.
pub fn find_within<'a>(
    json: &'a [u8],
    path: &[&[u8]],
    max_len: usize,
) -> Result<Option<Value<'a>>, S> {
    Ok(walk(json, path, max_len)?.map(|(value, _)| value))
}

/// Like [`find`], but returns the value's text as written: a string with
/// its quotes, a number, a literal, or a whole object or array (to walk
/// with [`elements`] or to query with [`find`]).
pub fn find_raw<'a>(json: &'a [u8], path: &[&[u8]]) -> Result<Option<&'a [u8]>, S> {
    find_raw_within(json, path, ALIYUN_MQTT_REPLY_MAX_LEN)
}

/// [`find_raw`] on a document of up to `max_len` bytes (at most
/// [`WALK_MAX_LEN`]).
pub fn find_raw_within<'a>(
    json: &'a [u8],
    path: &[&[u8]],
    max_len: usize,
) -> Result<Option<&'a [u8]>, S> {
    Ok(walk(json, path, max_len)?.map(|(_, raw)| raw))
}

/// The longest document any caller may ask [`find_within`] to walk: the
/// largest reply to a batch of sub-devices.
pub const WALK_MAX_LEN: usize = crate::subdev::ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN;

/// [`find`] and [`find_raw`] in one walk.
#[allow(clippy::arithmetic_side_effects)] // depth <= 16, offsets <= 16384
fn walk<'a>(
    json: &'a [u8],
    path: &[&[u8]],
    max_len: usize,
) -> Result<Option<(Value<'a>, &'a [u8])>, S> {
    if json.len() > max_len.min(WALK_MAX_LEN) {
        return Err(TOO_LARGE);
    }
    let mut c = Cursor { s: json, i: 0 };
    if c.next_token()? != b'{' {
        return Err(MALFORMED);
    }
    // Open containers ('{' or '['); `matched` counts the path keys matched
    // by the keys that opened them (always < depth once the root is open).
    let mut stack = [0u8; ALIYUN_MQTT_REPLY_MAX_DEPTH];
    let mut depth = 0usize;
    let mut matched = 0usize;
    let mut key: Option<&[u8]> = None;
    let mut state = State::Value;
    let mut found = None;
    // A container at the path: where it starts and the depth it opens at,
    // until its end is reached.
    let mut open_target: Option<(usize, usize)> = None;
    // Bit `d` set: the path's key at depth `d` has been seen. The path is one
    // chain of keys, so a second sighting is a duplicate key in the same
    // object (`{"data":{..},"data":{..}}` must not merge two objects).
    let mut seen = 0u32;
    loop {
        let b = c.next_token()?;
        let close = match state {
            State::KeyOrEnd if b == b'}' => true,
            State::ValueOrEnd if b == b']' => true,
            State::Key | State::KeyOrEnd => {
                if b != b'"' {
                    return Err(MALFORMED);
                }
                key = Some(c.string()?);
                if c.next_token()? != b':' {
                    return Err(MALFORMED);
                }
                c.i += 1;
                state = State::Value;
                false
            }
            State::CommaOrEnd => {
                let top = stack.get(depth.wrapping_sub(1)).copied().unwrap_or(0);
                match (b, top) {
                    (b',', b'{') => state = State::Key,
                    (b',', _) => state = State::Value,
                    (b'}', b'{') | (b']', b'[') => {}
                    _ => return Err(MALFORMED),
                }
                if b == b',' {
                    c.i += 1;
                    key = None;
                }
                b != b','
            }
            State::Value | State::ValueOrEnd => {
                // The value belongs to the path when its container does and
                // its key is the next path element.
                let on_path = depth >= 1
                    && matched + 1 == depth
                    && key.is_some_and(|k| path.get(depth - 1).is_some_and(|p| key_eq(k, p)));
                let is_target = on_path && depth == path.len();
                if on_path {
                    let bit = 1u32.wrapping_shl(depth as u32);
                    if seen & bit != 0 {
                        return Err(MALFORMED);
                    }
                    seen |= bit;
                }
                let start = c.i;
                let value = match b {
                    b'{' | b'[' => {
                        if is_target {
                            open_target = Some((start, depth));
                        }
                        let slot = stack.get_mut(depth).ok_or(TOO_LARGE)?;
                        *slot = b;
                        c.i += 1;
                        if on_path && depth < path.len() {
                            matched = depth;
                        }
                        depth += 1;
                        key = None;
                        state = if b == b'{' {
                            State::KeyOrEnd
                        } else {
                            State::ValueOrEnd
                        };
                        Value::Other
                    }
                    b'"' => Value::Str(c.string()?),
                    b'-' | b'0'..=b'9' => Value::Num(c.number()?),
                    b't' => c.literal(b"true").map(|()| Value::Other)?,
                    b'f' => c.literal(b"false").map(|()| Value::Other)?,
                    b'n' => c.literal(b"null").map(|()| Value::Other)?,
                    _ => return Err(MALFORMED),
                };
                if !matches!(b, b'{' | b'[') {
                    state = State::CommaOrEnd;
                }
                if is_target && !matches!(b, b'{' | b'[') {
                    found = Some((value, c.s.get(start..c.i).unwrap_or_default()));
                }
                false
            }
        };
        if close {
            c.i += 1;
            depth -= 1;
            if let Some((start, _)) = open_target.filter(|(_, at)| *at == depth) {
                found = Some((Value::Other, c.s.get(start..c.i).unwrap_or_default()));
                open_target = None;
            }
            matched = matched.min(depth.saturating_sub(1));
            state = State::CommaOrEnd;
            if depth == 0 {
                // Only whitespace may follow the document.
                return match c.next_token() {
                    Err(_) => Ok(found),
                    Ok(_) => Err(MALFORMED),
                };
            }
        }
    }
}

/// Calls `each` with the text of every element of `array`, the text of an
/// array as [`find_raw`] returns it (so already checked to be JSON), in
/// order, until `each` returns false or fails. Anything that does not start
/// with `[` has no elements.
#[allow(clippy::arithmetic_side_effects)] // offsets within array; nesting <= 16
pub fn elements(array: &[u8], mut each: impl FnMut(&[u8]) -> Result<bool, S>) -> Result<(), S> {
    if array.first() != Some(&b'[') {
        return Ok(());
    }
    let mut i = 1;
    let mut start = None;
    let mut nesting = 0usize;
    let mut in_string = false;
    while let Some(&b) = array.get(i) {
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {}
                b',' | b']' if nesting == 0 => {
                    if let Some(from) = start.take() {
                        let text = array.get(from..i).unwrap_or_default();
                        let end = text.len()
                            - text
                                .iter()
                                .rev()
                                .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
                                .count();
                        if !each(text.get(..end).unwrap_or_default())? {
                            return Ok(());
                        }
                    }
                    if b == b']' {
                        return Ok(());
                    }
                }
                _ => {
                    start.get_or_insert(i);
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => nesting += 1,
                        b'}' | b']' => nesting = nesting.saturating_sub(1),
                        _ => {}
                    }
                }
            }
        }
        i += 1;
    }
    Ok(())
}

/// Decodes the raw string `raw` (as returned in [`Value::Str`]), calling
/// `sink` with the UTF-8 bytes of each character in turn until it returns
/// false. A lone or reversed surrogate escape is `REPLY_MALFORMED` (the
/// walk in [`find`] already refuses them; this keeps `decode` safe alone).
#[allow(clippy::arithmetic_side_effects)] // offsets within raw; code points < 0x110000
pub fn decode(raw: &[u8], mut sink: impl FnMut(&[u8]) -> bool) -> Result<(), S> {
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        let mut utf8 = [0u8; 4];
        let ch: &[u8] = if b == b'\\' {
            let c = match raw.get(i + 1).copied() {
                Some(b'b') => 0x08,
                Some(b'f') => 0x0c,
                Some(b'n') => 0x0a,
                Some(b'r') => 0x0d,
                Some(b't') => 0x09,
                Some(b'u') => {
                    let hi = hex4(raw, i + 2)?;
                    i += 4;
                    match hi {
                        0xd800..=0xdbff => {
                            if raw.get(i + 2..i + 4) != Some(b"\\u") {
                                return Err(MALFORMED);
                            }
                            let lo = hex4(raw, i + 4)?;
                            if !(0xdc00..=0xdfff).contains(&lo) {
                                return Err(MALFORMED);
                            }
                            i += 6;
                            0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                        }
                        0xdc00..=0xdfff => return Err(MALFORMED),
                        _ => hi,
                    }
                }
                Some(other) => u32::from(other), // '"', '\\', '/'
                None => return Err(MALFORMED),
            };
            i += 2;
            let c = char::from_u32(c).ok_or(MALFORMED)?;
            c.encode_utf8(&mut utf8).as_bytes()
        } else {
            let width = match b {
                0..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            let ch = raw.get(i..i + width).ok_or(MALFORMED)?;
            i += width;
            ch
        };
        if !sink(ch) {
            break;
        }
    }
    Ok(())
}

/// The four hex digits at `raw[at..]` as a number.
fn hex4(raw: &[u8], at: usize) -> Result<u32, S> {
    let digits = raw.get(at..at.wrapping_add(4)).ok_or(MALFORMED)?;
    let text = core::str::from_utf8(digits).map_err(|_| MALFORMED)?;
    u32::from_str_radix(text, 16).map_err(|_| MALFORMED)
}

/// Whether the raw string `raw` decodes to exactly `want`.
#[allow(clippy::arithmetic_side_effects)] // n <= want.len()
pub fn key_eq(raw: &[u8], want: &[u8]) -> bool {
    let mut n = 0;
    let mut same = true;
    let decoded = decode(raw, |ch| {
        same = want.get(n..n + ch.len()) == Some(ch);
        n += ch.len();
        same
    });
    decoded.is_ok() && same && n == want.len()
}

/// Decodes the raw string `raw` into `out` with a NUL, returning the length.
/// When it does not fit: `REPLY_TOO_LARGE`, or, if `truncate`, as many whole
/// characters as fit. A `\u0000` is `REPLY_MALFORMED`: the output is a C
/// string, which it would silently cut.
#[allow(clippy::arithmetic_side_effects)] // n + len < out.len()
pub fn decode_into(raw: &[u8], out: &mut [u8], truncate: bool) -> Result<usize, S> {
    let mut n = 0;
    let mut overflow = false;
    let room = out.len().saturating_sub(1); // keep one byte for the NUL
    let mut nul = false;
    decode(raw, |ch| {
        if ch == [0] {
            nul = true;
            return false;
        }
        match out.get_mut(n..n + ch.len()) {
            Some(dst) if n + ch.len() <= room => {
                crate::writer::copy_prefix(dst, ch);
                n += ch.len();
            }
            _ => overflow = true,
        }
        !overflow
    })?;
    if nul {
        return Err(MALFORMED);
    }
    if overflow && !truncate {
        return Err(TOO_LARGE);
    }
    if let Some(nul) = out.get_mut(n) {
        *nul = 0;
    }
    Ok(n)
}

/// An integer number (no fraction or exponent) within `min..=max`, else
/// `REPLY_MALFORMED`.
pub fn integer(raw: &[u8], min: i64, max: i64) -> Result<i64, S> {
    let (negative, digits) = match raw.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(MALFORMED);
    }
    let magnitude = digits
        .iter()
        .try_fold(0i64, |acc, d| {
            acc.checked_mul(10)?
                .checked_add(i64::from(d.wrapping_sub(b'0')))
        })
        .ok_or(MALFORMED)?;
    let value = if negative {
        magnitude.wrapping_neg()
    } else {
        magnitude
    };
    if value < min || value > max {
        return Err(MALFORMED);
    }
    Ok(value)
}
