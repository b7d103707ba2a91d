//! Output helpers: a builder lists the pieces of its output and [`emit`]
//! measures them, then writes them only if they fit, so an output is either
//! complete or not written. Decimal and hex digits without `core::fmt`.

use crate::status::Error;

/// Writes the concatenation of `pieces` and a NUL into `out`, returning
/// the length without the NUL, or [`Error::TooSmall`] with that length when
/// `out` cannot hold it (then nothing is written).
#[allow(clippy::arithmetic_side_effects)] // the pieces are short, bounded inputs
pub fn emit(out: &mut [u8], pieces: &[&[u8]]) -> Result<usize, Error> {
    let len = pieces.iter().map(|p| p.len()).sum();
    if out.len() <= len {
        return Err(Error::TooSmall(len));
    }
    let mut at = 0;
    for piece in pieces {
        if let Some(dst) = out.get_mut(at..) {
            copy_prefix(dst, piece);
        }
        at += piece.len();
    }
    if let Some(nul) = out.get_mut(len) {
        *nul = 0;
    }
    Ok(len)
}

/// Copies as much of `src` as fits to the front of `dst`. (Used instead of
/// `copy_from_slice`, whose length check would link a panic path into
/// size-optimised builds.)
pub fn copy_prefix(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// Renders `value` in decimal into `digits`, returning the used tail.
///
/// On 32-bit targets it divides by ten on four 16-bit limbs with 32-bit
/// arithmetic ([`decimal_limbs`]): a 64-bit division would pull the software
/// division routine into a Cortex-M image. 64-bit targets divide natively.
pub fn u64_decimal(value: u64, digits: &mut [u8; 20]) -> &[u8] {
    #[cfg(target_pointer_width = "64")]
    let start = decimal_native(value, digits);
    #[cfg(not(target_pointer_width = "64"))]
    let start = decimal_limbs(value, digits);
    digits.get(start..).unwrap_or_default()
}

/// Writes the digits of `value` to the end of `digits`; returns the start.
#[cfg(any(test, target_pointer_width = "64"))]
#[allow(clippy::arithmetic_side_effects)] // v % 10 < 10; start >= 1 while digits remain
fn decimal_native(value: u64, digits: &mut [u8; 20]) -> usize {
    let mut start = digits.len();
    let mut v = value;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
        start -= 1;
        if v == 0 {
            break;
        }
    }
    start
}

/// [`decimal_native`] with 16-bit limbs and [`divmod10`]: no division
/// instruction or routine needed.
#[cfg(any(test, not(target_pointer_width = "64")))]
#[allow(clippy::arithmetic_side_effects)] // limbs < 2^16, rem < 10: no overflow
fn decimal_limbs(value: u64, digits: &mut [u8; 20]) -> usize {
    let mut start = digits.len();
    let mut limbs = [
        (value >> 48) as u32,
        (value >> 32) as u32 & 0xffff,
        (value >> 16) as u32 & 0xffff,
        value as u32 & 0xffff,
    ];
    for d in digits.iter_mut().rev() {
        let mut rem = 0u32;
        for limb in limbs.iter_mut() {
            let (q, r) = divmod10((rem << 16) | *limb);
            *limb = q;
            rem = r;
        }
        *d = b'0' + rem as u8;
        start -= 1;
        if limbs == [0; 4] {
            break;
        }
    }
    start
}

/// `(n / 10, n % 10)` with shifts, adds and one multiply (Hacker's Delight,
/// divu10): Cortex-M0 has no divide instruction and no 32x32->64 multiply,
/// so `n / 10` would call the 400-byte software divider.
#[cfg(any(test, not(target_pointer_width = "64")))]
#[allow(clippy::arithmetic_side_effects)] // q <= n / 10, r < 20: no overflow
fn divmod10(n: u32) -> (u32, u32) {
    let mut q = (n >> 1) + (n >> 2);
    q += q >> 4;
    q += q >> 8;
    q += q >> 16;
    q >>= 3;
    let r = n - q * 10;
    // q is n / 10 or one less.
    let carry = u32::from(r > 9);
    (q + carry, r - carry * 10)
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
    fn test_divmod10_matches_division_succeed() {
        // Every value the limb loop can produce (< 10 * 2^16), then samples.
        for n in 0..(10u32 << 16) {
            assert_eq!(divmod10(n), (n / 10, n % 10), "{n}");
        }
        let mut x = 0x9e37_79b9u32;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            assert_eq!(divmod10(x), (x / 10, x % 10), "{x}");
        }
        assert_eq!(divmod10(u32::MAX), (u32::MAX / 10, u32::MAX % 10));
    }

    #[test]
    fn test_decimal_limbs_matches_native_succeed() {
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
            let (mut a, mut b) = ([0u8; 20], [0u8; 20]);
            let (sa, sb) = (decimal_limbs(v, &mut a), decimal_native(v, &mut b));
            assert_eq!(&a[sa..], &b[sb..]);
            assert_eq!(core::str::from_utf8(&a[sa..]).unwrap(), v.to_string());
        }
    }
}
