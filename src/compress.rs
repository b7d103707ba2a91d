//! The compression functions of MD5 (RFC 1321), SHA-1 and SHA-256
//! (FIPS 180-4), one 64-byte block at a time.
//!
//! Written as plain loops over the rounds with a 16-word circular message
//! schedule: the smallest code and stack for a microcontroller (an unrolled
//! SHA-1 alone is about 3 KiB of Thumb code), at some cost in speed on a
//! desktop CPU, where a sign still takes well under a microsecond. The
//! schedule, which holds key-derived words during an HMAC, is wiped before
//! each function returns. Checked against RFC 1321, FIPS 180-4 and
//! RFC 2202/4231 vectors and against independent implementations in the
//! tests.

use crate::secret::wipe;

/// Reads the block as 16 words, little- or big-endian (`LE`). One copy of
/// the code per byte order, so that each inlines into its caller as in a
/// build with one method (a shared copy would not inline).
fn words<const LE: bool>(block: &[u8; 64]) -> [u32; 16] {
    let (chunks, _) = block.as_chunks::<4>();
    core::array::from_fn(|i| {
        let b = chunks.get(i).copied().unwrap_or_default();
        if LE {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    })
}

/// `w[i mod 16]`.
fn at(w: &[u32; 16], i: usize) -> u32 {
    w.get(i & 15).copied().unwrap_or(0)
}

/// Adds the working variables into the state.
#[inline(always)]
fn add_into(state: &mut [u32], vars: &[u32]) {
    for (s, v) in state.iter_mut().zip(vars) {
        *s = s.wrapping_add(*v);
    }
}

/// MD5 round constants: floor(abs(sin(i + 1)) * 2^32).
#[cfg(feature = "hmac-md5")]
static MD5_K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

/// MD5 left-rotation amounts, four per round.
#[cfg(feature = "hmac-md5")]
static MD5_S: [u8; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/// MD5: `state[0..4]` updated with one block.
#[cfg(feature = "hmac-md5")]
#[allow(clippy::arithmetic_side_effects)] // i < 64: index arithmetic only
pub fn md5(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut m = words::<true>(block);
    let [mut a, mut b, mut c, mut d, ..] = *state;
    for (i, k) in MD5_K.iter().enumerate() {
        let (f, g) = match i / 16 {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), 5 * i + 1),
            2 => (b ^ c ^ d, 3 * i + 5),
            _ => (c ^ (b | !d), 7 * i),
        };
        let s = MD5_S.get((i / 16) * 4 + i % 4).copied().unwrap_or(0);
        let sum = a.wrapping_add(f).wrapping_add(*k).wrapping_add(at(&m, g));
        a = d;
        d = c;
        c = b;
        b = b.wrapping_add(sum.rotate_left(u32::from(s)));
    }
    add_into(state, &[a, b, c, d]);
    wipe(&mut m);
}

/// SHA-1: `state[0..5]` updated with one block.
#[cfg(feature = "hmac-sha1")]
#[allow(clippy::arithmetic_side_effects)] // t < 80: index arithmetic only
pub fn sha1(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = words::<false>(block);
    let [mut a, mut b, mut c, mut d, mut e, ..] = *state;
    // Four stages of 20 rounds as nested loops: `t / 20` would call the
    // software divider on Cortex-M0, which has no divide instruction.
    let stages: [(u32, u32); 4] = [
        (0, 0x5a82_7999),
        (1, 0x6ed9_eba1),
        (2, 0x8f1b_bcdc),
        (1, 0xca62_c1d6),
    ];
    let mut t = 0;
    for (kind, k) in stages {
        for _ in 0..20 {
            if t >= 16 {
                let x = at(&w, t - 3) ^ at(&w, t - 8) ^ at(&w, t - 14) ^ at(&w, t);
                if let Some(slot) = w.get_mut(t & 15) {
                    *slot = x.rotate_left(1);
                }
            }
            let f = match kind {
                0 => (b & c) | (!b & d),
                1 => b ^ c ^ d,
                _ => (b & c) | (b & d) | (c & d),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(at(&w, t));
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
            t += 1;
        }
    }
    add_into(state, &[a, b, c, d, e]);
    wipe(&mut w);
}

/// SHA-256 round constants: the first 32 bits of the fractional parts of the
/// cube roots of the first 64 primes.
#[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
static SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// One SHA-256 round on the working variables `a..h`, with `kw` =
/// K[t] + W[t]: updates `d` and `h` in place; the caller renames the
/// variables for the next round instead of moving them.
#[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn round(a: u32, b: u32, c: u32, d: &mut u32, e: u32, f: u32, g: u32, h: &mut u32, kw: u32) {
    let big_s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
    let ch = (e & f) ^ (!e & g);
    let t1 = h.wrapping_add(big_s1).wrapping_add(ch).wrapping_add(kw);
    let big_s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
    let maj = (a & b) ^ (a & c) ^ (b & c);
    *d = d.wrapping_add(t1);
    *h = t1.wrapping_add(big_s0.wrapping_add(maj));
}

/// SHA-256: `state` updated with one block.
#[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
#[allow(clippy::arithmetic_side_effects)] // t < 64: index arithmetic only
pub fn sha256(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = words::<false>(block);
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for (pass, ks) in SHA256_K.chunks_exact(16).enumerate() {
        if pass > 0 {
            // The next 16 schedule words, in place: slot i holds W[t - 16]
            // and becomes W[t]; slots below i already hold this pass's
            // words (W[t - 2], W[t - 7] when i >= 2, 7), those above the
            // last pass's (W[t - 15]), as the recurrence needs.
            for i in 0..16 {
                let w15 = at(&w, i + 1);
                let w2 = at(&w, i + 14);
                let s0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
                let s1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
                let x = at(&w, i)
                    .wrapping_add(s0)
                    .wrapping_add(at(&w, i + 9))
                    .wrapping_add(s1);
                if let Some(slot) = w.get_mut(i) {
                    *slot = x;
                }
            }
        }
        // Four rounds an iteration, each with the variables renamed one
        // place (no moves), then one rename by four places, back to the
        // loop's registers: the shift of the variables costs 12 register
        // moves every four rounds rather than a memmove a round. Rolled
        // loops of one round keep too many values live for Thumb's
        // registers; eight rounds an iteration cost 300 more bytes of flash.
        for (ws, kk) in w.chunks_exact(4).zip(ks.chunks_exact(4)) {
            let kw = |i: usize| {
                ws.get(i)
                    .copied()
                    .unwrap_or(0)
                    .wrapping_add(kk.get(i).copied().unwrap_or(0))
            };
            round(a, b, c, &mut d, e, f, g, &mut h, kw(0));
            round(h, a, b, &mut c, d, e, f, &mut g, kw(1));
            round(g, h, a, &mut b, c, d, e, &mut f, kw(2));
            round(f, g, h, &mut a, b, c, d, &mut e, kw(3));
            (a, b, c, d, e, f, g, h) = (e, f, g, h, a, b, c, d);
        }
    }
    add_into(state, &[a, b, c, d, e, f, g, h]);
    wipe(&mut w);
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    //! The rolled loops (what Cortex-M images run) against the RustCrypto
    //! compression functions (what hosts run), and single-block answers
    //! from RFC 1321 and FIPS 180-4 ("abc").
    use super::*;

    fn xorshift(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    fn random_block(x: &mut u64) -> [u8; 64] {
        let mut b = [0u8; 64];
        for chunk in b.chunks_mut(8) {
            chunk.copy_from_slice(&xorshift(x).to_le_bytes());
        }
        b
    }

    fn random_state(x: &mut u64) -> [u32; 8] {
        let mut s = [0u32; 8];
        for w in s.iter_mut() {
            *w = xorshift(x) as u32;
        }
        s
    }

    /// "abc" padded to one block, with its bit length in the given order.
    fn abc_block(little_endian: bool) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[..3].copy_from_slice(b"abc");
        b[3] = 0x80;
        if little_endian {
            b[56] = 24;
        } else {
            b[63] = 24;
        }
        b
    }

    #[cfg(feature = "hmac-md5")]
    #[test]
    fn test_md5_matches_rustcrypto_and_rfc1321_succeed() {
        let mut x = 0x1234_5678_9abc_def1;
        for _ in 0..2000 {
            let (mut a, block) = (random_state(&mut x), random_block(&mut x));
            let mut b: [u32; 4] = a[..4].try_into().unwrap();
            md5(&mut a, &block);
            md5::block_api::compress(&mut b, &[block]);
            assert_eq!(&a[..4], &b[..]);
        }
        let mut s = [
            0x6745_2301,
            0xefcd_ab89,
            0x98ba_dcfe,
            0x1032_5476,
            0,
            0,
            0,
            0,
        ];
        md5(&mut s, &abc_block(true));
        let digest: Vec<u8> = s[..4].iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(
            digest,
            [
                0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0, 0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1,
                0x7f, 0x72
            ]
        );
    }

    #[cfg(feature = "hmac-sha1")]
    #[test]
    fn test_sha1_matches_rustcrypto_and_fips180_succeed() {
        let mut x = 0x0fed_cba9_8765_4321;
        for _ in 0..2000 {
            let (mut a, block) = (random_state(&mut x), random_block(&mut x));
            let mut b: [u32; 5] = a[..5].try_into().unwrap();
            sha1(&mut a, &block);
            sha1::block_api::compress(&mut b, &[block]);
            assert_eq!(&a[..5], &b[..]);
        }
        let mut s = [
            0x6745_2301,
            0xefcd_ab89,
            0x98ba_dcfe,
            0x1032_5476,
            0xc3d2_e1f0,
            0,
            0,
            0,
        ];
        sha1(&mut s, &abc_block(false));
        assert_eq!(
            &s[..5],
            &[
                0xa999_3e36,
                0x4706_816a,
                0xba3e_2571,
                0x7850_c26c,
                0x9cd0_d89d
            ]
        );
    }

    #[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
    #[test]
    fn test_sha256_matches_rustcrypto_and_fips180_succeed() {
        let mut x = 0x5555_aaaa_1234_0001;
        for _ in 0..2000 {
            let (mut a, block) = (random_state(&mut x), random_block(&mut x));
            let mut b = a;
            sha256(&mut a, &block);
            sha2::block_api::compress256(&mut b, &[block]);
            assert_eq!(a, b);
        }
        let mut s = [
            0x6a09_e667,
            0xbb67_ae85,
            0x3c6e_f372,
            0xa54f_f53a,
            0x510e_527f,
            0x9b05_688c,
            0x1f83_d9ab,
            0x5be0_cd19,
        ];
        sha256(&mut s, &abc_block(false));
        assert_eq!(
            s,
            [
                0xba78_16bf,
                0x8f01_cfea,
                0x4141_40de,
                0x5dae_2223,
                0xb003_61a3,
                0x9617_7a9c,
                0xb410_ff61,
                0xf200_15ad
            ]
        );
    }
}
