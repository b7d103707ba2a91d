//! The HMAC / hash dispatch behind the password.

pub use crate::model::SignMethod;
use crate::secret::wipe;
use crate::status::aliyun_mqtt_status as S;
#[cfg(any_method)]
use crate::writer::copy_prefix;

/// Longest key [`sign`] takes: one hash block.
pub const MAX_KEY_LEN: usize = 64;

/// Largest digest (SHA-256) in bytes.
pub const MAX_DIGEST_LEN: usize = 32;

/// Signs the concatenation of `parts` with `key` by `method`, writing the
/// digest to the front of `out` and returning its length.
///
/// For the HMAC methods `key` is the HMAC key (RFC 2104); for
/// [`SignMethod::Sha256`] the digest is SHA-256 over the parts followed by
/// `key`. A method compiled out of this build gives
/// `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD`; a key over [`MAX_KEY_LEN`] bytes
/// gives `ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET`.
pub fn sign(
    method: SignMethod,
    key: &[u8],
    parts: &[&[u8]],
    out: &mut [u8; MAX_DIGEST_LEN],
) -> Result<usize, S> {
    sign_into(method, key, &mut Parts(parts), out)
}

/// The message to sign, fed to the hash piece by piece, so that it never
/// has to be assembled (or listed) in memory.
pub trait Content {
    /// Calls `sink` with each piece of the message, in order. Called at
    /// most once, after an HMAC's key block is hashed: work done here that
    /// does not feed the hash can overlap that block's compression on a
    /// host CPU.
    fn feed(&mut self, sink: &mut dyn FnMut(&[u8]));
}

/// A message given as a list of pieces.
pub struct Parts<'a>(pub &'a [&'a [u8]]);

impl Content for Parts<'_> {
    fn feed(&mut self, sink: &mut dyn FnMut(&[u8])) {
        for part in self.0 {
            sink(part);
        }
    }
}

/// [`sign`] into a slice of at least `method.digest_len()` bytes (shorter
/// slices get a truncated digest; callers check the length first). The
/// slice may be the tail of the caller's output buffer, which spares a
/// digest-sized copy on the stack.
#[allow(unused_variables)] // when every method is compiled out
#[inline(always)] // a check and a dispatch: no frame of its own
pub fn sign_into(
    method: SignMethod,
    key: &[u8],
    content: &mut dyn Content,
    out: &mut [u8],
) -> Result<usize, S> {
    // HMAC keys longer than a block would be hashed first; DeviceSecret and
    // ProductSecret are at most 64 bytes, so that path is left out.
    if key.len() > MAX_KEY_LEN {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    }
    #[cfg(feature = "sha256")]
    if method == SignMethod::Sha256 {
        return Ok(sha256_then_key(key, content, out));
    }
    // One call of `hmac` (inlined) for the three HMAC methods.
    #[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
    if let Some(algo) = hmac_algo(method) {
        return Ok(hmac(algo, key, content, out));
    }
    Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)
}

/// The hash of an HMAC method compiled into this build.
#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
fn hmac_algo(method: SignMethod) -> Option<Algo> {
    match method {
        #[cfg(feature = "hmac-md5")]
        SignMethod::HmacMd5 => Some(Algo::Md5),
        #[cfg(feature = "hmac-sha1")]
        SignMethod::HmacSha1 => Some(Algo::Sha1),
        #[cfg(feature = "hmac-sha256")]
        SignMethod::HmacSha256 => Some(Algo::Sha256),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The inner and outer pads of HMAC (RFC 2104).
#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
const IPAD: u8 = 0x36;
#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
const OPAD: u8 = 0x5c;

/// HMAC (RFC 2104) over [`Hash`], for keys of at most one block (the
/// caller checks). K0 ^ ipad and K0 ^ opad are written straight into the
/// hash's block buffer, so no key block sits on the stack, and one hash
/// state serves both passes; `out` holds the inner digest in between.
#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
#[inline(always)] // one call site (`sign_into`); its frame joins the caller's
fn hmac(algo: Algo, key: &[u8], content: &mut dyn Content, out: &mut [u8]) -> usize {
    let mut hash = Hash::new(algo);
    hash.absorb_key_block(key, IPAD);
    content.feed(&mut |piece| hash.update(piece));
    let inner_len = hash.finish(out);
    hash.absorb_key_block(key, OPAD);
    hash.update(out.get(..inner_len).unwrap_or_default());
    hash.finish(out)
}

/// The HMAC key block states of one key for every HMAC method: indexed by
/// [`hmac_slot`] (MD5, SHA-1, SHA-256), each the hash state after the block
/// K0 ^ ipad (`[0]`) and after K0 ^ opad (`[1]`) (RFC 2104); a method
/// compiled out of the build stays zero. An HMAC that resumes from them
/// ([`hmac_from_states`]) hashes the message and the inner digest only: two
/// compressions fewer than [`sign`]. As secret as the key.
pub type HmacStates = [[[u32; 8]; 2]; 3];

/// The slot of an HMAC method in [`HmacStates`].
#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
fn hmac_slot(algo: Algo) -> usize {
    match algo {
        #[cfg(feature = "hmac-md5")]
        Algo::Md5 => 0,
        #[cfg(feature = "hmac-sha1")]
        Algo::Sha1 => 1,
        #[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
        Algo::Sha256 => 2,
    }
}

/// Fills `states` with those of `key` for every HMAC method compiled in
/// (zeros elsewhere). A key over [`MAX_KEY_LEN`] bytes, which no HMAC here
/// takes, gives `ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET` and all zeros.
pub fn hmac_states(key: &[u8], states: &mut HmacStates) -> Result<(), S> {
    wipe_hmac_states(states);
    if key.len() > MAX_KEY_LEN {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    }
    #[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
    for algo in SignMethod::ALL.into_iter().filter_map(hmac_algo) {
        if let Some([inner, outer]) = states.get_mut(hmac_slot(algo)) {
            let mut hash = Hash::new(algo);
            hash.absorb_key_block(key, IPAD);
            *inner = hash.state;
            hash.absorb_key_block(key, OPAD);
            *outer = hash.state;
        }
    }
    Ok(())
}

/// Overwrites `states` with zeros in a way the optimiser keeps.
pub fn wipe_hmac_states(states: &mut HmacStates) {
    for state in states.as_flattened_mut() {
        wipe(state);
    }
}

/// The HMAC by `method` of `content`, from the key's [`HmacStates`]: the
/// digest [`sign`] gives for the same key, written to the front of `out`
/// (at least `method.digest_len()` bytes); returns its length.
/// `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD` for `sha256` (not an HMAC) or a
/// method compiled out.
#[allow(unused_variables)] // when every HMAC method is compiled out
pub fn hmac_from_states(
    method: SignMethod,
    states: &HmacStates,
    content: &mut dyn Content,
    out: &mut [u8],
) -> Result<usize, S> {
    #[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
    if let Some(algo) = hmac_algo(method) {
        if let Some([inner, outer]) = states.get(hmac_slot(algo)) {
            let mut hash = Hash::new(algo);
            hash.resume(inner);
            content.feed(&mut |piece| hash.update(piece));
            let inner_len = hash.finish(out);
            hash.resume(outer);
            hash.update(out.get(..inner_len).unwrap_or_default());
            return Ok(hash.finish(out));
        }
    }
    Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)
}

/// The HMAC by `method` of the concatenation of `parts`, from the key's
/// [`HmacStates`]: the digest [`hmac_from_states`] gives, in less time on
/// hosts. The message and its padding are laid out in blocks on the stack
/// straight from the parts, compressed from the inner state in one call,
/// then the inner digest, with its padding, is one block from the outer
/// state: no buffering, no runtime choice of the hash per block. A message
/// over 183 bytes (`PARTS_MAX_LEN`) takes [`hmac_from_states`]. Hosts only:
/// bare metal keeps the one streaming path (smaller firmware).
/// `ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD` as for [`hmac_from_states`].
#[cfg(not(small_path))]
#[allow(unused_variables)] // when every HMAC method is compiled out
pub fn hmac_parts_from_states(
    method: SignMethod,
    states: &HmacStates,
    parts: &[&[u8]],
    out: &mut [u8; MAX_DIGEST_LEN],
) -> Result<usize, S> {
    #[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
    if let Some(algo) = hmac_algo(method) {
        if let Some(pair) = states.get(hmac_slot(algo)) {
            let len = match algo {
                #[cfg(feature = "hmac-md5")]
                Algo::Md5 => resumed::<host::Md5>(pair, parts, out),
                #[cfg(feature = "hmac-sha1")]
                Algo::Sha1 => resumed::<host::Sha1>(pair, parts, out),
                #[cfg(feature = "hmac-sha256")]
                Algo::Sha256 => resumed::<host::Sha256>(pair, parts, out),
                #[allow(unreachable_patterns)] // `sha256` without `hmac-sha256`
                _ => None,
            };
            if let Some(len) = len {
                return Ok(len);
            }
        }
    }
    hmac_from_states(method, states, &mut Parts(parts), out)
}

/// Blocks of the message [`hmac_parts_from_states`] lays out on the stack.
#[cfg(not(small_path))]
const PARTS_BLOCKS: usize = 3;

/// Longest message [`hmac_parts_from_states`] hashes itself: what fits in
/// [`PARTS_BLOCKS`] blocks after the key block with the 0x80 byte and the
/// 8-byte length (every signed content of a CONNECT does).
#[cfg(not(small_path))]
pub(crate) const PARTS_MAX_LEN: usize = PARTS_BLOCKS * 64 - 9;

/// The host compression functions, one type per hash so that
/// [`resumed`] is compiled once for each (the RustCrypto crates pick the
/// CPU's SHA instructions at run time, once per call of a run of blocks).
#[cfg(all(
    not(small_path),
    any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256")
))]
mod host {
    /// A Merkle-Damgard hash with 64-byte blocks.
    pub trait Blocks {
        /// State words that make the digest.
        const WORDS: usize;
        /// Whether words and the length field are little-endian (MD5).
        const LITTLE_ENDIAN: bool;
        /// Updates `state` with `blocks`, in order.
        fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]);
    }

    #[cfg(feature = "hmac-md5")]
    pub struct Md5;
    #[cfg(feature = "hmac-md5")]
    impl Blocks for Md5 {
        const WORDS: usize = 4;
        const LITTLE_ENDIAN: bool = true;
        fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
            if let Some(state) = state.first_chunk_mut::<4>() {
                md5::block_api::compress(state, blocks);
            }
        }
    }

    #[cfg(feature = "hmac-sha1")]
    pub struct Sha1;
    #[cfg(feature = "hmac-sha1")]
    impl Blocks for Sha1 {
        const WORDS: usize = 5;
        const LITTLE_ENDIAN: bool = false;
        fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
            if let Some(state) = state.first_chunk_mut::<5>() {
                sha1::block_api::compress(state, blocks);
            }
        }
    }

    #[cfg(feature = "hmac-sha256")]
    pub struct Sha256;
    #[cfg(feature = "hmac-sha256")]
    impl Blocks for Sha256 {
        const WORDS: usize = 8;
        const LITTLE_ENDIAN: bool = false;
        fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
            sha2::block_api::compress256(state, blocks);
        }
    }
}

/// [`hmac_parts_from_states`] for one hash: `None` for a message over
/// [`PARTS_MAX_LEN`] bytes. The blocks, the inner digest and the state
/// are wiped before returning.
#[cfg(all(
    not(small_path),
    any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256")
))]
#[inline(always)] // one call site per hash
#[allow(clippy::arithmetic_side_effects)] // len <= PARTS_MAX_LEN, digests <= 32 bytes
fn resumed<H: host::Blocks>(
    [inner, outer]: &[[u32; 8]; 2],
    parts: &[&[u8]],
    out: &mut [u8; MAX_DIGEST_LEN],
) -> Option<usize> {
    let len = parts.iter().fold(0usize, |n, p| n.saturating_add(p.len()));
    if len > PARTS_MAX_LEN {
        return None;
    }
    // The message after the key block, 0x80, zeros, and the bit length of
    // key block and message in the last 8 bytes of its last block.
    let n = (len + 9).div_ceil(BLOCK_LEN);
    let mut blocks = [[0u8; BLOCK_LEN]; PARTS_BLOCKS];
    let flat = blocks.as_flattened_mut();
    let mut at = 0;
    for part in parts {
        crate::writer::append(flat, &mut at, part);
    }
    if let Some(b) = flat.get_mut(len) {
        *b = 0x80;
    }
    let run = blocks.get_mut(..n).unwrap_or_default();
    if let Some(last) = run.last_mut().and_then(|b| b.last_chunk_mut::<8>()) {
        *last = length_field::<H>(BLOCK_LEN + len);
    }
    // The outer message: the inner digest, padded, after the key block;
    // its padding is laid before the inner compression, the digest after.
    let digest_len = H::WORDS * 4;
    let mut block = [0u8; BLOCK_LEN];
    if let Some(b) = block.get_mut(digest_len) {
        *b = 0x80;
    }
    if let Some(last) = block.last_chunk_mut::<8>() {
        *last = length_field::<H>(BLOCK_LEN + digest_len);
    }
    let mut state = *inner;
    H::compress(&mut state, run);
    digest_bytes::<H>(&state, &mut block);
    state = *outer;
    H::compress(&mut state, core::slice::from_ref(&block));
    digest_bytes::<H>(&state, out);
    // The blocks past `n` were never written.
    wipe(blocks.get_mut(..n).unwrap_or_default().as_flattened_mut());
    wipe(&mut block);
    wipe(&mut state);
    Some(digest_len)
}

/// The 8-byte length field of a message of `len` bytes.
#[cfg(all(
    not(small_path),
    any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256")
))]
fn length_field<H: host::Blocks>(len: usize) -> [u8; 8] {
    let bits = (len as u64).wrapping_mul(8);
    if H::LITTLE_ENDIAN {
        bits.to_le_bytes()
    } else {
        bits.to_be_bytes()
    }
}

/// The digest words of `state`, as bytes, to the front of `out`.
#[cfg(all(
    not(small_path),
    any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256")
))]
fn digest_bytes<H: host::Blocks>(state: &[u32; 8], out: &mut [u8]) {
    let (chunks, _) = out.as_chunks_mut::<4>();
    for (chunk, word) in chunks.iter_mut().zip(state).take(H::WORDS) {
        *chunk = if H::LITTLE_ENDIAN {
            word.to_le_bytes()
        } else {
            word.to_be_bytes()
        };
    }
}

/// SHA-256 over the parts followed by the key (the inferred `sha256` rule).
/// Not inlined: a second hash state would add to the caller's frame.
#[cfg(feature = "sha256")]
#[inline(never)]
fn sha256_then_key(key: &[u8], content: &mut dyn Content, out: &mut [u8]) -> usize {
    let mut hash = Hash::new(Algo::Sha256);
    content.feed(&mut |piece| hash.update(piece));
    hash.update(key);
    hash.finish(out)
}

#[cfg(any_method)]
const BLOCK_LEN: usize = 64;

/// The hash functions, all Merkle-Damgard with 64-byte blocks.
#[cfg(any_method)]
#[derive(Clone, Copy)]
enum Algo {
    #[cfg(feature = "hmac-md5")]
    Md5,
    #[cfg(feature = "hmac-sha1")]
    Sha1,
    #[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
    Sha256,
}

/// MD5's and SHA-1's initial state (MD5 uses the first four words).
#[cfg(any(feature = "hmac-md5", feature = "hmac-sha1"))]
static IV_MD5_SHA1: [u32; 8] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
    0,
    0,
    0,
];

/// SHA-256's initial state.
#[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
static IV_SHA256: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Streaming MD5 / SHA-1 / SHA-256 over a compression function per
/// algorithm (`crate::compress` on bare metal, RustCrypto's on hosts). The
/// buffering and padding live here, once for all three: small code and a
/// shallow stack on microcontrollers. State and buffer are wiped on drop.
/// Hosts align it to a cache line, so that the block buffer's copies and
/// loads never straddle lines whatever the stack's address.
#[cfg(any_method)]
#[cfg_attr(not(small_path), repr(align(64)))]
struct Hash {
    algo: Algo,
    state: [u32; 8],
    buf: [u8; BLOCK_LEN],
    /// Bytes hashed so far (the buffer holds `total % 64` of them).
    /// Messages here are a few hundred bytes; the length field is mod 2^64
    /// bits as all three hashes specify.
    total: usize,
}

#[cfg(any_method)]
impl Hash {
    fn new(algo: Algo) -> Self {
        let mut hash = Hash {
            algo,
            state: [0; 8],
            buf: [0; BLOCK_LEN],
            total: 0,
        };
        hash.reset();
        hash
    }

    /// Starts a new message with the same algorithm.
    fn reset(&mut self) {
        self.state = match self.algo {
            #[cfg(feature = "hmac-md5")]
            Algo::Md5 => IV_MD5_SHA1,
            #[cfg(feature = "hmac-sha1")]
            Algo::Sha1 => IV_MD5_SHA1,
            #[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
            Algo::Sha256 => IV_SHA256,
        };
        self.total = 0;
    }

    fn compress_buffer(&mut self) {
        compress(self.algo, &mut self.state, &self.buf);
    }

    /// Hashes one block of `key ^ pad` (the key zero-padded to a block) as
    /// the first block of a fresh message.
    #[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
    fn absorb_key_block(&mut self, key: &[u8], pad: u8) {
        self.reset();
        self.buf.fill(pad);
        for (b, k) in self.buf.iter_mut().zip(key) {
            *b = k ^ pad;
        }
        self.compress_buffer();
        self.total = BLOCK_LEN;
    }

    /// Continues a message whose first block is already hashed into
    /// `state` (an HMAC key block, see [`HmacStates`]).
    #[cfg(any(feature = "hmac-md5", feature = "hmac-sha1", feature = "hmac-sha256"))]
    fn resume(&mut self, state: &[u32; 8]) {
        self.state = *state;
        self.total = BLOCK_LEN;
    }

    /// Buffers `data`, compressing each block as it fills.
    #[allow(clippy::arithmetic_side_effects)] // total counts bytes of short messages
    fn update(&mut self, mut data: &[u8]) {
        while let Some(room) = self.buf.get_mut(self.total % BLOCK_LEN..) {
            let n = room.len().min(data.len());
            copy_prefix(room, data);
            self.total += n;
            data = data.get(n..).unwrap_or_default();
            if !self.total.is_multiple_of(BLOCK_LEN) || n == 0 {
                break;
            }
            self.compress_buffer();
        }
    }

    /// Pads and writes the digest to the front of `out`; returns its length.
    /// The hash is spent: HMAC's outer pass starts over with
    /// [`Hash::absorb_key_block`], which resets it.
    #[allow(clippy::arithmetic_side_effects)] // at < 64
    fn finish(&mut self, out: &mut [u8]) -> usize {
        let bits = (self.total as u64).wrapping_mul(8);
        let at = self.total % BLOCK_LEN;
        if let Some(rest) = self.buf.get_mut(at..) {
            rest.fill(0);
        }
        if let Some(b) = self.buf.get_mut(at) {
            *b = 0x80;
        }
        if at >= BLOCK_LEN - 8 {
            self.compress_buffer();
            self.buf.fill(0);
        }
        let (len_bytes, words) = match self.algo {
            #[cfg(feature = "hmac-md5")]
            Algo::Md5 => (bits.to_le_bytes(), 4),
            #[cfg(feature = "hmac-sha1")]
            Algo::Sha1 => (bits.to_be_bytes(), 5),
            #[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
            Algo::Sha256 => (bits.to_be_bytes(), 8),
        };
        if let Some(tail) = self.buf.last_chunk_mut::<8>() {
            *tail = len_bytes;
        }
        self.compress_buffer();
        let md5 = words == 4;
        let (chunks, _) = out.as_chunks_mut::<4>();
        for (chunk, word) in chunks.iter_mut().zip(&self.state).take(words) {
            *chunk = if md5 {
                word.to_le_bytes()
            } else {
                word.to_be_bytes()
            };
        }
        words * 4
    }
}

/// Runs the algorithm's compression function over one block.
#[cfg(any_method)]
fn compress(algo: Algo, state: &mut [u32; 8], block: &[u8; BLOCK_LEN]) {
    match algo {
        #[cfg(feature = "hmac-md5")]
        Algo::Md5 => compress_md5(state, block),
        #[cfg(feature = "hmac-sha1")]
        Algo::Sha1 => compress_sha1(state, block),
        #[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
        Algo::Sha256 => compress_sha256(state, block),
    }
}

// One non-inlined function per algorithm: inlined into one dispatcher, the
// three compression functions' frames would add up on the stack. Bare metal
// uses the rolled loops of `crate::compress`; hosts the RustCrypto crates.
#[cfg(feature = "hmac-md5")]
#[inline(never)]
fn compress_md5(state: &mut [u32; 8], block: &[u8; BLOCK_LEN]) {
    #[cfg(small_path)]
    crate::compress::md5(state, block);
    #[cfg(not(small_path))]
    if let Some(state) = state.first_chunk_mut::<4>() {
        md5::block_api::compress(state, core::slice::from_ref(block));
    }
}

#[cfg(feature = "hmac-sha1")]
#[inline(never)]
fn compress_sha1(state: &mut [u32; 8], block: &[u8; BLOCK_LEN]) {
    #[cfg(small_path)]
    crate::compress::sha1(state, block);
    #[cfg(not(small_path))]
    if let Some(state) = state.first_chunk_mut::<5>() {
        sha1::block_api::compress(state, core::slice::from_ref(block));
    }
}

#[cfg(any(feature = "hmac-sha256", feature = "sha256"))]
#[inline(never)]
fn compress_sha256(state: &mut [u32; 8], block: &[u8; BLOCK_LEN]) {
    #[cfg(small_path)]
    crate::compress::sha256(state, block);
    #[cfg(not(small_path))]
    sha2::block_api::compress256(state, core::slice::from_ref(block));
}

#[cfg(any_method)]
impl Drop for Hash {
    fn drop(&mut self) {
        wipe(&mut self.buf);
        wipe(&mut self.state);
    }
}

#[cfg(all(test, not(small_path)))]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    //! The laid-out blocks of `hmac_parts_from_states` against the
    //! streaming HMAC and independent implementations (not RustCrypto).
    use super::*;

    /// Every message length up to past [`PARTS_MAX_LEN`] (the streaming
    /// fallback), every block boundary and padding split among them, in
    /// three pieces cut at varying points, for keys of 1, 63 and 64 bytes.
    #[test]
    fn test_hmac_parts_from_states_every_length_succeed() {
        let data: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(97) >> 2) as u8)
            .collect();
        let keys: [&[u8]; 3] = [b"k", &[0x17; 63], &[0x5a; 64]];
        let methods = [
            SignMethod::HmacMd5,
            SignMethod::HmacSha1,
            SignMethod::HmacSha256,
        ];
        for key in keys {
            let mut states = [[[0; 8]; 2]; 3];
            hmac_states(key, &mut states).unwrap();
            for len in 0..data.len() {
                let msg = &data[..len];
                let (a, rest) = msg.split_at(len * 5 / 11);
                let (b, c) = rest.split_at(rest.len() / 3);
                let parts: [&[u8]; 4] = [a, b, b"", c];
                for method in methods {
                    let mut fast = [0u8; MAX_DIGEST_LEN];
                    let mut want = [0u8; MAX_DIGEST_LEN];
                    let n = hmac_parts_from_states(method, &states, &parts, &mut fast).unwrap();
                    let m = sign(method, key, &[msg], &mut want).unwrap();
                    assert_eq!(n, method.digest_len());
                    assert_eq!(fast[..n], want[..m], "{method:?} len {len}");
                }
                let mut out = [0u8; MAX_DIGEST_LEN];
                let n = hmac_parts_from_states(SignMethod::HmacSha256, &states, &parts, &mut out)
                    .unwrap();
                assert_eq!(out[..n], hmac_sha256::HMAC::mac(msg, key), "len {len}");
                let n = hmac_parts_from_states(SignMethod::HmacSha1, &states, &parts, &mut out)
                    .unwrap();
                assert_eq!(
                    out[..n],
                    hmac_sha1_compact::HMAC::mac(msg, key),
                    "len {len}"
                );
            }
        }
        assert_eq!(
            hmac_parts_from_states(
                SignMethod::Sha256,
                &[[[0; 8]; 2]; 3],
                &[b"x"],
                &mut [0; MAX_DIGEST_LEN]
            ),
            Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)
        );
    }
}
