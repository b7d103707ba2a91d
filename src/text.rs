//! The fixed text of the signing path in one string: the literals of the
//! client id, user name and signed content, the reserved extra-parameter
//! keys and the sign methods' names are slices of [`TEXT`], found at
//! compile time, so a firmware image holds each byte once.

/// Every fixed text of the signing path.
pub(crate) const TEXT: &[u8] =
    b"|securemode=,signmethod=,timestamp=,|&clientIddeviceNameproductKeyhmacmd5hmacsha1hmacsha256";

/// `TEXT[at..at + len]` ("" if out of range, which places found by
/// [`find`] at compile time rule out).
#[inline(always)]
pub(crate) fn slice(at: u8, len: u8) -> &'static [u8] {
    let at = usize::from(at);
    TEXT.get(at..at.wrapping_add(usize::from(len)))
        .unwrap_or_default()
}

/// Where `text` first occurs in [`TEXT`]; a build error if it does not.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time
pub(crate) const fn find(text: &[u8]) -> usize {
    assert!(!text.is_empty());
    let mut at = 0;
    while at + text.len() <= TEXT.len() {
        let mut i = 0;
        while i < text.len() && TEXT[at + i] == text[i] {
            i += 1;
        }
        if i == text.len() {
            return at;
        }
        at += 1;
    }
    // Evaluated at compile time only: a literal missing from TEXT is a
    // build error, never a run-time panic.
    #[allow(clippy::panic)]
    {
        panic!("literal not in TEXT")
    }
}

/// `text` as the slice of [`TEXT`] that holds it.
#[allow(clippy::arithmetic_side_effects)] // compile time
pub(crate) const fn part(text: &[u8]) -> &'static [u8] {
    TEXT.split_at(find(text)).1.split_at(text.len()).0
}
