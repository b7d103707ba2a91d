//! Output helpers: a builder lists the pieces of its output and [`emit`]
//! measures them, then writes them only if they fit, so an output is either
//! complete or not written. Decimal and hex digits without `core::fmt`.

use crate::status::Error;

/// Writes the concatenation of `pieces` and a NUL into `out`, returning
/// the length without the NUL, or [`Error::TooSmall`] with that length when
/// `out` cannot hold it (then nothing is written).
pub fn emit(out: &mut [u8], pieces: &[&[u8]]) -> Result<usize, Error> {
    let len: usize = pieces.iter().map(|p| p.len()).sum();
    if out.len() <= len {
        return Err(Error::TooSmall(len));
    }
    let mut at = 0;
    for piece in pieces {
        append(out, &mut at, piece);
    }
    terminate(out, at)
}

/// Copies `piece` to `out[*at..]` (never past the end; on hosts only a
/// piece that fits whole, elsewhere as much as fits) and advances `*at`
/// by its whole length: one step of a one-pass writer.
#[inline(always)] // in each writer's loop: no call per piece (smaller firmware)
#[allow(clippy::arithmetic_side_effects)] // the pieces are short, bounded inputs
pub fn append(out: &mut [u8], at: &mut usize, piece: &[u8]) {
    let end = *at + piece.len();
    // Hosts copy only a piece that fits whole, by its own length (a
    // constant for most literals): inline moves instead of a call. The
    // pieces that fit are then still a prefix of the output.
    #[cfg(not(small_path))]
    if let Some(dst) = out.get_mut(*at..end) {
        copy_exact(dst, piece);
    }
    #[cfg(small_path)]
    if let Some(dst) = out.get_mut(*at..) {
        copy_prefix(dst, piece);
    }
    *at = end;
}

/// Ends a one-pass output of `len` bytes with a NUL: `Ok(len)`, or
/// [`Error::TooSmall`] with `len` when `out` has no room for the NUL.
#[inline(always)]
pub fn terminate(out: &mut [u8], len: usize) -> Result<usize, Error> {
    match out.get_mut(len) {
        Some(nul) => {
            *nul = 0;
            Ok(len)
        }
        None => Err(Error::TooSmall(len)),
    }
}

/// Copies as much of `src` as fits to the front of `dst`. (Used instead of
/// `copy_from_slice`, whose length check would link a panic path into
/// size-optimised builds.)
pub fn copy_prefix(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// Copies `src` to `dst`, of the same length (else nothing), by two
/// possibly overlapping moves of the largest power of two up to 16 not
/// above the length, inline: the pieces here are short, mostly under 32
/// bytes, and a call of `memcpy` each costs more than the copy.
#[cfg(not(small_path))]
#[inline(always)]
#[allow(clippy::arithmetic_side_effects)] // n >= 1 in the arm that subtracts
pub fn copy_exact(dst: &mut [u8], src: &[u8]) {
    if dst.len() != src.len() {
        return;
    }
    match src.len() {
        0 => {}
        1..=3 => {
            // First, middle and last byte: each byte at least once.
            let n = src.len();
            for i in [0, n / 2, n - 1] {
                if let (Some(d), Some(s)) = (dst.get_mut(i), src.get(i)) {
                    *d = *s;
                }
            }
        }
        4..=7 => copy_ends::<4>(dst, src),
        8..=15 => copy_ends::<8>(dst, src),
        16..=32 => copy_ends::<16>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// Copies `src` to `dst` (both `N..=2N` bytes long) as its first and its
/// last `N` bytes.
#[cfg(not(small_path))]
#[inline(always)]
fn copy_ends<const N: usize>(dst: &mut [u8], src: &[u8]) {
    if let (Some(d), Some(s)) = (dst.first_chunk_mut::<N>(), src.first_chunk::<N>()) {
        *d = *s;
    }
    if let (Some(d), Some(s)) = (dst.last_chunk_mut::<N>(), src.last_chunk::<N>()) {
        *d = *s;
    }
}

/// Renders `value` in decimal into `digits`, returning the used tail.
///
/// 64-bit targets split the value into three parts of up to eight digits,
/// each converted in the lanes of one integer: a few independent
/// multiplications instead of a chain of one division per digit (the timestamp
/// is rendered on every call). On 32-bit targets each digit comes from a
/// division by ten over 16-bit limbs (`divmod10_limbs`): a 64-bit division
/// would pull the software division routine into a Cortex-M image, and
/// this is four multiplications.
pub fn u64_decimal(value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let start = u64_decimal_start(value, digits);
    digits.get(start..).unwrap_or_default()
}

/// [`u64_decimal`], returning where the digits start in `digits`.
#[cfg(target_pointer_width = "64")]
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)] // each part fits its type: see the comments
pub fn u64_decimal_start(value: u64, digits: &mut [u8; 20]) -> usize {
    const E8: u64 = 100_000_000;
    // value = top * 10^16 + mid * 10^8 + low: top < 1845, mid and low < 10^8
    // (top is 0 for any millisecond timestamp before the year 2286).
    let (top, rest) = (value / (E8 * E8), value % (E8 * E8));
    let (mid, low) = (rest / E8, rest % E8);
    if let Some((head, tail)) = digits.split_first_chunk_mut::<4>() {
        *head = *b"0000";
        if top != 0 {
            if let Some(top4) = eight_digits(top as u32).last_chunk::<4>() {
                *head = *top4;
            }
        }
        if let ([m, l], _) = tail.as_chunks_mut::<8>() {
            *m = eight_digits(mid as u32);
            *l = eight_digits(low as u32);
        }
    }
    // 20 digits written: skip the leading zeros, keeping the last digit.
    let first16 = digits.first_chunk::<16>().copied().unwrap_or_default();
    let zeros = (u128::from_be_bytes(first16) ^ u128::from_be_bytes([b'0'; 16])).leading_zeros();
    match zeros / 8 {
        16 => {
            16 + digits
                .iter()
                .skip(16)
                .take(3)
                .take_while(|d| **d == b'0')
                .count()
        }
        n => n as usize,
    }
}

/// The eight decimal digits of `n < 10^8`, with leading zeros, computed
/// in lanes of one `u64` (SWAR): the two halves of four digits, each split
/// into two pairs, each pair into two digits, by multiplications with
/// reciprocals that are exact below the lane's bound (99 * 103 < 2^16 and
/// 9999 * 10486 < 2^32 keep every product inside its lane). The unit test
/// checks every four-digit lane value against division.
#[cfg(target_pointer_width = "64")]
#[allow(clippy::arithmetic_side_effects)] // lane products stay below their lane (above)
fn eight_digits(n: u32) -> [u8; 8] {
    // Lanes of 32 bits: first four digits low, last four high (little-endian).
    let x = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    // Lanes of 16 bits: x / 100 (10486 / 2^20 rounds up 1/100) and x % 100.
    let q = (x * 10_486) >> 20 & 0x0000_007f_0000_007f;
    let x = q | (x - q * 100) << 16;
    // Lanes of 8 bits: x / 10 (103 / 2^10) and x % 10.
    let q = (x * 103) >> 10 & 0x000f_000f_000f_000f;
    let x = q | (x - q * 10) << 8;
    (x | 0x3030_3030_3030_3030).to_le_bytes()
}

/// [`u64_decimal`], returning where the digits start in `digits`.
#[cfg(not(target_pointer_width = "64"))]
#[allow(clippy::arithmetic_side_effects)] // start >= 1 while digits remain: 20 digits hold u64::MAX
pub fn u64_decimal_start(value: u64, digits: &mut [u8; 20]) -> usize {
    let mut start = digits.len();
    let mut v = value;
    loop {
        let (q, r) = divmod10_limbs(v);
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            *d = b'0' + r;
        }
        v = q;
        if v == 0 || start == 0 {
            return start;
        }
    }
}

/// `(n / 10, n % 10)` by long division over the four 16-bit limbs of `n`,
/// with 32-bit multiplications and shifts only: no division instruction
/// (Cortex-M0 has none) and no 64-bit division routine.
///
/// Each step divides `r * 2^16 + limb` (remainder `r < 10` from the limb
/// above): as `2^16 = 6553 * 10 + 6`, the quotient is
/// `r * 6553 + x / 10` with `x = r * 6 + limb < 65590`, and `x / 10` is
/// `x * 52429 >> 19`, exact for `x < 81920` (the product stays below 2^32).
/// The quotient limb is below 2^16. The unit test checks it against
/// division.
#[cfg(any(test, not(target_pointer_width = "64")))]
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)] // bounds above
fn divmod10_limbs(n: u64) -> (u64, u8) {
    let (hi, lo) = ((n >> 32) as u32, n as u32);
    let mut r = 0u32;
    let mut step = |limb: u32| {
        let x = r * 6 + limb;
        let d = (x * 52_429) >> 19;
        let q = r * 6553 + d;
        r = x - d * 10;
        q
    };
    let q3 = step(hi >> 16);
    let q2 = step(hi & 0xffff);
    let q1 = step(lo >> 16);
    let q0 = step(lo & 0xffff);
    let q = u64::from(q3 << 16 | q2) << 32 | u64::from(q1 << 16 | q0);
    (q, r as u8)
}

/// The hex digit for a nibble (`n < 16`), without a branch: `'0' + n`,
/// plus the distance to the letters when `n > 9`.
#[allow(clippy::arithmetic_side_effects)] // n < 16: the sum stays below 0x80
pub fn hex_digit(n: u8, uppercase: bool) -> u8 {
    let letters = if uppercase {
        b'A' - b'0' - 10
    } else {
        b'a' - b'0' - 10
    };
    b'0' + n + (letters & 0u8.wrapping_sub(u8::from(n > 9)))
}

/// Writes two hex digits ([`hex_digit`]) per byte of `bytes` to the front
/// of `out` (as many as fit).
pub fn hex_encode(bytes: &[u8], uppercase: bool, out: &mut [u8]) {
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = hex_digit(byte >> 4, uppercase);
            *lo = hex_digit(byte & 0x0f, uppercase);
        }
    }
}

/// A two-pass output for outputs whose length depends on an encoding: the
/// same build function runs once to measure and, if the result fits, once
/// to write (so, as with [`emit`], an output is complete or not written).
pub struct Builder<'a> {
    out: &'a mut [u8],
    len: usize,
    write: bool,
}

impl Builder<'_> {
    /// Appends `bytes` as they are.
    pub fn put(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.byte(*b);
        }
    }

    /// Appends `bytes` percent-encoded for an
    /// `application/x-www-form-urlencoded` value: letters, digits and
    /// `-._~` as they are, every other byte as `%XX` (upper-case hex).
    pub fn put_form(&mut self, bytes: &[u8]) {
        for b in bytes {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                self.byte(*b);
            } else {
                self.byte(b'%');
                self.byte(hex_digit(b >> 4, true));
                self.byte(hex_digit(b & 0x0f, true));
            }
        }
    }

    /// Whether this is the measuring pass of [`build`] (nothing is written).
    pub fn measuring(&self) -> bool {
        !self.write
    }

    /// Counts `n` bytes without writing them: for the measuring pass only,
    /// of an output whose bytes are costly to make and whose length is known.
    #[allow(clippy::arithmetic_side_effects)] // len <= total output, far below usize::MAX
    pub fn put_len(&mut self, n: usize) {
        self.len += n;
    }

    #[allow(clippy::arithmetic_side_effects)] // len <= total input, far below usize::MAX
    fn byte(&mut self, b: u8) {
        if self.write {
            if let Some(slot) = self.out.get_mut(self.len) {
                *slot = b;
            }
        }
        self.len += 1;
    }
}

/// Runs `build` to measure its output, then, if the output and a NUL fit
/// in `out`, runs it again to write them. Returns the length without the
/// NUL, or [`Error::TooSmall`] with it (then nothing is written).
pub fn build(out: &mut [u8], build: impl Fn(&mut Builder<'_>)) -> Result<usize, Error> {
    let mut measure = Builder {
        out: &mut [],
        len: 0,
        write: false,
    };
    build(&mut measure);
    let len = measure.len;
    if out.len() <= len {
        return Err(Error::TooSmall(len));
    }
    let mut writer = Builder {
        out: &mut *out,
        len: 0,
        write: true,
    };
    build(&mut writer);
    if let Some(nul) = out.get_mut(len) {
        *nul = 0;
    }
    Ok(len)
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]
mod tests {
    use super::*;

    #[test]
    fn test_u64_decimal_edges_succeed() {
        for v in [0u64, 9, 10, 789, 1539421321846, u64::MAX] {
            let mut digits = [0u8; 20];
            assert_eq!(u64_decimal(v, &mut digits), v.to_string().as_bytes());
        }
    }

    /// Every value of a four-digit lane, in both lanes, and values
    /// around each power of ten and the ends of the range.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn test_eight_digits_matches_formatting_succeed() {
        for n in 0..10_000u32 {
            for v in [n, n * 10_000, n * 10_000 + 9_999 - n] {
                assert_eq!(eight_digits(v), format!("{v:08}").as_bytes(), "{v}");
            }
        }
        for p in 0..8 {
            let t = 10u32.pow(p);
            for v in [t - 1, t, t + 1, 99_999_999] {
                assert_eq!(eight_digits(v), format!("{v:08}").as_bytes(), "{v}");
            }
        }
    }

    /// Every length up to past the largest size class: the bytes land
    /// whole and nothing around them changes; unequal lengths copy nothing.
    #[cfg(not(small_path))]
    #[test]
    fn test_copy_exact_every_length_succeed() {
        let src: Vec<u8> = (1..=48).collect();
        for n in 0..=48 {
            let mut buf = [0xA5u8; 64];
            copy_exact(&mut buf[4..4 + n], &src[..n]);
            assert_eq!(&buf[4..4 + n], &src[..n], "n {n}");
            assert!(buf[..4].iter().chain(&buf[4 + n..]).all(|b| *b == 0xA5));
            let mut short = [0xA5u8; 48];
            copy_exact(&mut short[..n.saturating_sub(1)], &src[..n]);
            assert!(short.iter().all(|b| *b == 0xA5), "n {n}");
        }
    }

    #[test]
    fn test_divmod10_limbs_matches_division_succeed() {
        // Every (remainder, limb) pair a step can see: n < 10 * 2^16.
        for v in 0..10u64 << 16 {
            assert_eq!(divmod10_limbs(v), (v / 10, (v % 10) as u8), "{v}");
        }
        let mut values = vec![
            0,
            1,
            9,
            10,
            99,
            100,
            65535,
            65536,
            1_539_421_321_846,
            u64::MAX,
        ];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for shift in 0..64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> shift);
            values.push(10u64.saturating_pow(shift % 20));
        }
        for v in values {
            assert_eq!(divmod10_limbs(v), (v / 10, (v % 10) as u8), "{v}");
            let mut digits = [0u8; 20];
            assert_eq!(u64_decimal(v, &mut digits), v.to_string().as_bytes());
        }
    }
}
