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
/// arithmetic: a 32-bit division by a constant is a multiply, while a 64-bit
/// one would pull the software division routine into a Cortex-M image
/// (larger than this). 64-bit targets divide natively.
#[allow(clippy::arithmetic_side_effects)] // limbs < 2^16, rem < 10: no overflow
pub fn u64_decimal(value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    #[cfg(target_pointer_width = "64")]
    {
        let mut v = value;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (v % 10) as u8;
            v /= 10;
            start -= 1;
            if v == 0 {
                break;
            }
        }
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        let mut limbs = [
            (value >> 48) as u32,
            (value >> 32) as u32 & 0xffff,
            (value >> 16) as u32 & 0xffff,
            value as u32 & 0xffff,
        ];
        for d in digits.iter_mut().rev() {
            let mut rem = 0u32;
            for limb in limbs.iter_mut() {
                let cur = (rem << 16) | *limb;
                *limb = cur / 10;
                rem = cur % 10;
            }
            *d = b'0' + rem as u8;
            start -= 1;
            if limbs == [0; 4] {
                break;
            }
        }
    }
    digits.get(start..).unwrap_or_default()
}

/// The hex digit for a nibble (`n < 16`).
#[allow(clippy::arithmetic_side_effects)] // n <= 9, or 10 <= n <= 15: no overflow
pub fn hex_digit(n: u8, uppercase: bool) -> u8 {
    match (n, uppercase) {
        (0..=9, _) => b'0' + n,
        (_, true) => b'A' + (n - 10),
        (_, false) => b'a' + (n - 10),
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
