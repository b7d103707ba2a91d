//! Bounds-checked appending into a byte slice, with a counting mode.
//!
//! Builders render twice through the same code: once into a counting writer
//! to learn the exact length, then, only if the caller's slice is large
//! enough, into the slice. So an output is either complete or not written.

use crate::status::Error;

/// Appends bytes to a slice (or only counts them).
pub struct Writer<'a> {
    out: Option<&'a mut [u8]>,
    len: usize,
}

impl<'a> Writer<'a> {
    /// A writer that only counts.
    pub fn counting() -> Writer<'static> {
        Writer { out: None, len: 0 }
    }

    /// A writer into `out` for an output of exactly `needed` bytes: fails with
    /// [`Error::TooSmall`] unless `out` has room for them and a NUL.
    pub fn for_output(out: &'a mut [u8], needed: usize) -> Result<Self, Error> {
        if out.len() <= needed {
            return Err(Error::TooSmall(needed));
        }
        Ok(Writer {
            out: Some(out),
            len: 0,
        })
    }

    /// Bytes appended so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was appended yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `bytes`.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.len.saturating_add(bytes.len());
        if let Some(out) = self.out.as_deref_mut() {
            // Room was checked in `for_output`; a miss here is a length bug
            // and is reported instead of writing out of bounds.
            let dst = out.get_mut(self.len..end).ok_or(Error::TooSmall(end))?;
            dst.copy_from_slice(bytes);
        }
        self.len = end;
        Ok(())
    }

    /// Appends `value` in decimal.
    pub fn push_u64(&mut self, value: u64) -> Result<(), Error> {
        let mut digits = [0u8; 20];
        self.push(u64_decimal(value, &mut digits))
    }

    /// Appends `bytes` as hex digits, upper or lower case.
    #[allow(clippy::arithmetic_side_effects)] // bytes.len() <= 32
    pub fn push_hex(&mut self, bytes: &[u8], uppercase: bool) -> Result<(), Error> {
        let end = self.len.saturating_add(bytes.len() * 2);
        if let Some(out) = self.out.as_deref_mut() {
            let dst = out.get_mut(self.len..end).ok_or(Error::TooSmall(end))?;
            for (pair, b) in dst.chunks_exact_mut(2).zip(bytes) {
                for (d, nibble) in pair.iter_mut().zip([b >> 4, b & 0x0f]) {
                    *d = hex_digit(nibble, uppercase);
                }
            }
        }
        self.len = end;
        Ok(())
    }

    /// Writes the terminating NUL and returns the length without it.
    pub fn finish(self) -> Result<usize, Error> {
        if let Some(out) = self.out {
            let nul = out.get_mut(self.len).ok_or(Error::TooSmall(self.len))?;
            *nul = 0;
        }
        Ok(self.len)
    }
}

/// Renders `value` in decimal into `digits`, returning the used tail.
///
/// Divides by ten on four 16-bit limbs with 32-bit arithmetic: a 32-bit
/// division by a constant is a multiply, while a 64-bit one would pull the
/// software division routine into a Cortex-M image (larger than this).
#[allow(clippy::arithmetic_side_effects)] // limbs < 2^16, rem < 10: no overflow
pub fn u64_decimal(value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut limbs = [
        (value >> 48) as u32,
        (value >> 32) as u32 & 0xffff,
        (value >> 16) as u32 & 0xffff,
        value as u32 & 0xffff,
    ];
    let mut start = digits.len();
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

/// Renders through `render` into `out`: counts first, writes only if it fits.
pub fn emit<F>(out: &mut [u8], mut render: F) -> Result<usize, Error>
where
    F: FnMut(&mut Writer<'_>) -> Result<(), Error>,
{
    let mut counter = Writer::counting();
    render(&mut counter)?;
    let needed = counter.len();
    let mut writer = Writer::for_output(out, needed)?;
    render(&mut writer)?;
    writer.finish()
}
