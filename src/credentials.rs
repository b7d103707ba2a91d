//! The CONNECT fields of a device that holds its DeviceSecret (PROTOCOL.md §1).

pub use crate::model::SecureMode;
use crate::sign::{sign_into, Content, SignMethod, MAX_DIGEST_LEN};
use crate::status::{aliyun_mqtt_status as S, Error};
use crate::text::{self, find};
use crate::validate;
use crate::writer::{append, hex_encode, terminate, u64_decimal_start};
#[cfg(not(small_path))]
use crate::{limits::*, secret::wipe, sign::Parts};

/// A device and the options for its credentials. Strings are bytes without
/// a NUL; every builder validates the whole device first.
#[derive(Clone, Copy, Debug)]
pub struct Device<'a> {
    /// ProductKey.
    pub product_key: &'a [u8],
    /// DeviceName.
    pub device_name: &'a [u8],
    /// DeviceSecret (the HMAC key).
    pub device_secret: &'a [u8],
    /// Client id; `None` or empty means `productKey.deviceName`.
    pub client_id: Option<&'a [u8]>,
    /// Milliseconds since the epoch; `None` leaves the timestamp out.
    pub timestamp_ms: Option<u64>,
    /// How the password is signed.
    pub sign_method: SignMethod,
    /// TLS or plain TCP.
    pub secure_mode: SecureMode,
    /// Extra `k=v[,k=v...]` parameters put inside the bars, or `None`.
    pub extra_params: Option<&'a [u8]>,
    /// Upper-case hex digits in the password (lower case otherwise).
    pub uppercase_hex: bool,
}

impl<'a> Device<'a> {
    /// A device with the defaults: hmacsha256, TLS, no client id, no
    /// timestamp, no extra parameters, lower-case hex.
    pub fn new(product_key: &'a [u8], device_name: &'a [u8], device_secret: &'a [u8]) -> Self {
        Device {
            product_key,
            device_name,
            device_secret,
            client_id: None,
            timestamp_ms: None,
            sign_method: SignMethod::HmacSha256,
            secure_mode: SecureMode::Tls,
            extra_params: None,
            uppercase_hex: false,
        }
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), S> {
        self.check(true)
    }

    /// Checks the fields the unsigned outputs use (the client id, the user
    /// name and the signed content): all but the DeviceSecret, with any
    /// sign method, compiled into this build or not.
    pub fn validate_unsigned(&self) -> Result<(), S> {
        self.check(false)
    }

    fn check(&self, signed: bool) -> Result<(), S> {
        validate::product_key(self.product_key)?;
        validate::device_name(self.device_name)?;
        if signed {
            validate::device_secret(self.device_secret)?;
        }
        if let Some(cid) = self.explicit_client_id() {
            validate::client_id(cid)?;
        }
        if signed && !self.sign_method.enabled() {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
        }
        if let Some(extra) = self.extra_params.filter(|e| !e.is_empty()) {
            validate::extra_params(extra)?;
        }
        Ok(())
    }

    fn explicit_client_id(&self) -> Option<&'a [u8]> {
        self.client_id.filter(|c| !c.is_empty())
    }

    /// The client id as pieces to concatenate: the caller's, or
    /// `productKey.deviceName`.
    pub(crate) fn client_id_parts(&self) -> [&'a [u8]; 3] {
        [
            self.client_id_part(0),
            self.client_id_part(1),
            self.client_id_part(2),
        ]
    }

    /// Piece `i` of [`Device::client_id_parts`] ("" past the third).
    pub(crate) fn client_id_part(&self, i: u8) -> &'a [u8] {
        match (self.explicit_client_id(), i) {
            (Some(cid), 0) => cid,
            (None, 0) => self.product_key,
            (None, 1) => b".",
            (None, 2) => self.device_name,
            _ => b"",
        }
    }
}

/// Writes the MQTT client identifier
/// `cid|securemode=M,signmethod=S[,timestamp=T][,extra]|` and a NUL into
/// `out`; returns its length without the NUL. The DeviceSecret is not
/// used (see [`Device::validate_unsigned`]).
pub fn client_id(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate_unsigned()?;
    client_id_valid(dev, out)
}

/// [`client_id`] of a device already validated.
pub(crate) fn client_id_valid(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    Pieces::new(dev).client_id(out)
}

/// Writes the MQTT user name `deviceName&productKey` and a NUL into `out`.
/// The DeviceSecret is not used.
pub fn username(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate_unsigned()?;
    username_valid(dev, out)
}

/// [`username`] of a device already validated.
pub(crate) fn username_valid(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    Pieces::new(dev).username(out)
}

/// Writes the MQTT password, the hex digest of the sorted content
/// `clientId..deviceName..productKey..[timestamp..]`, and a NUL into `out`.
pub fn password(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate()?;
    password_valid(dev, out)
}

/// [`password`] of a device already validated.
pub(crate) fn password_valid(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    Pieces::new(dev).password(out)
}

/// Two-phase signing, first phase: writes the exact bytes the password's
/// MAC covers (PROTOCOL.md §1.3) and a NUL into `out`, for a key the
/// library never sees (a secure element, an HMAC peripheral). The
/// DeviceSecret is not used and the sign method need not be compiled in.
pub fn signed_content(dev: &Device<'_>, out: &mut [u8]) -> Result<usize, Error> {
    dev.validate_unsigned()?;
    Pieces::new(dev).content(out)
}

/// Two-phase signing, second phase: writes the password, the hex of the
/// caller's `digest` of the [`signed_content`] (upper-case digits when
/// `uppercase`), and a NUL into `out`. The digest must be as long as the
/// method's: 16, 20 or 32 bytes (`ALIYUN_MQTT_ERR_INVALID_DIGEST`).
pub fn password_from_digest(
    method: SignMethod,
    digest: &[u8],
    uppercase: bool,
    out: &mut [u8],
) -> Result<usize, Error> {
    if digest.len() != method.digest_len() {
        return Err(S::ALIYUN_MQTT_ERR_INVALID_DIGEST.into());
    }
    hex_digest(digest, uppercase, out)
}

/// Writes `digest` as hex digits and a NUL into `out` (the buffer rule:
/// nothing when it does not fit); returns the number of digits.
#[inline(always)] // in each caller: no frame of its own
pub(crate) fn hex_digest(digest: &[u8], uppercase: bool, out: &mut [u8]) -> Result<usize, Error> {
    let hex_len = digest.len().saturating_mul(2);
    if out.len() <= hex_len {
        return Err(Error::TooSmall(hex_len));
    }
    hex_encode(digest, uppercase, out);
    if let Some(nul) = out.get_mut(hex_len) {
        *nul = 0;
    }
    Ok(hex_len)
}

/// One piece of an output or of the signed content, in two bytes: a
/// literal `TEXT[at..at + len]` written only when its condition holds, or
/// (`len_cond == 0`) the device field number `at` (see [`Pieces::get`]).
#[derive(Clone, Copy)]
struct P {
    at: u8,
    /// Length (low 5 bits) and condition (high 3 bits) of a literal.
    len_cond: u8,
}

/// Conditions of literals: a bit of [`Pieces::present`].
const ALWAYS: u8 = 0;
const HAS_TIMESTAMP: u8 = 1;
const HAS_EXTRA: u8 = 2;

/// The literal `text` (found in [`text::TEXT`] at compile time), written when
/// condition `cond` holds.
#[allow(clippy::cast_possible_truncation)] // checked: at <= 255, len < 32
const fn lit(text: &[u8], cond: u8) -> P {
    assert!(text.len() < 32 && cond < 8);
    let at = find(text);
    assert!(at <= u8::MAX as usize);
    P {
        at: at as u8,
        len_cond: text.len() as u8 | cond << 5,
    }
}

/// Device fields (the `at` of a piece with `len_cond == 0`). The client id
/// is the three pieces of [`Device::client_id_parts`].
const CID_0: P = field(0);
const CID_1: P = field(1);
const CID_2: P = field(2);
const SECURE_MODE: P = field(3);
const SIGN_METHOD: P = field(4);
const TIMESTAMP: P = field(5); // the decimal digits, or ""
const EXTRA: P = field(6);
const DEVICE_NAME: P = field(7);
const PRODUCT_KEY: P = field(8);
/// Nothing: pads a list to [`LIST_LEN`].
const PAD: P = field(9);

/// Every list has this many pieces (padded with [`PAD`]), so the code that
/// walks lists exists once.
const LIST_LEN: usize = 12;
type List = [P; LIST_LEN];

const fn field(n: u8) -> P {
    P { at: n, len_cond: 0 }
}

/// `cid|securemode=M,signmethod=S[,timestamp=T][,extra]|`
const CLIENT_ID: List = [
    CID_0,
    CID_1,
    CID_2,
    lit(b"|securemode=", ALWAYS),
    SECURE_MODE,
    lit(b",signmethod=", ALWAYS),
    SIGN_METHOD,
    lit(b",timestamp=", HAS_TIMESTAMP),
    TIMESTAMP,
    lit(b",", HAS_EXTRA),
    EXTRA,
    lit(b"|", ALWAYS),
];

/// `deviceName&productKey`
const USERNAME: List = [
    DEVICE_NAME,
    lit(b"&", ALWAYS),
    PRODUCT_KEY,
    PAD,
    PAD,
    PAD,
    PAD,
    PAD,
    PAD,
    PAD,
    PAD,
    PAD,
];

/// The signed content of PROTOCOL.md §1.3: `clientId{cid}deviceName{dn}productKey{pk}`
/// and `timestamp{ts}` when there is one (names in alphabetical order).
const CONTENT: List = [
    lit(b"clientId", ALWAYS),
    CID_0,
    CID_1,
    CID_2,
    lit(b"deviceName", ALWAYS),
    DEVICE_NAME,
    lit(b"productKey", ALWAYS),
    PRODUCT_KEY,
    lit(b"timestamp", HAS_TIMESTAMP),
    TIMESTAMP,
    PAD,
    PAD,
];

/// A validated device with its timestamp rendered once: the three outputs
/// and the signed content are lists of pieces ([`P`]), a few bytes of
/// constants each rather than code of their own.
pub(crate) struct Pieces<'a> {
    dev: &'a Device<'a>,
    digits: [u8; 20],
    /// `digits[ts_start..]` are the timestamp's digits (none when absent).
    ts_start: usize,
    /// Bit `c` set when condition `c` holds.
    present: u8,
}

impl<'a> Pieces<'a> {
    pub(crate) fn new(dev: &'a Device<'a>) -> Self {
        let mut digits = [0u8; 20];
        let ts_start = match dev.timestamp_ms {
            Some(ts) => u64_decimal_start(ts, &mut digits),
            None => digits.len(),
        };
        let present = 1 << ALWAYS
            | u8::from(dev.timestamp_ms.is_some()) << HAS_TIMESTAMP
            | u8::from(dev.extra_params.is_some_and(|e| !e.is_empty())) << HAS_EXTRA;
        Pieces {
            dev,
            digits,
            ts_start,
            present,
        }
    }

    /// The bytes of one piece.
    // One copy for every list on microcontrollers (smaller firmware); on
    // hosts, inlined into the unrolled lists, where it folds to the piece.
    #[cfg_attr(small_path, inline(never))]
    #[cfg_attr(not(small_path), inline(always))]
    fn get(&self, piece: P) -> &[u8] {
        let dev = self.dev;
        // Literals, and the sign method's name (also in TEXT).
        let literal = if piece.len_cond != 0 {
            if self.present >> (piece.len_cond >> 5) & 1 == 0 {
                return b"";
            }
            Some((piece.at, piece.len_cond & 31))
        } else if piece.at == SIGN_METHOD.at {
            Some(dev.sign_method.name_in_text())
        } else {
            None
        };
        if let Some((at, len)) = literal {
            return text::slice(at, len);
        }
        match piece.at {
            0..=2 => dev.client_id_part(piece.at),
            3 => dev.secure_mode.name(),
            5 => self.digits.get(self.ts_start..).unwrap_or_default(),
            6 => dev.extra_params.unwrap_or_default(),
            7 => dev.device_name,
            8 => dev.product_key,
            _ => b"", // PAD
        }
    }

    /// Calls `sink` with each piece of `list` (inlined: the sinks are small
    /// closures). On hosts [`Pieces::get`] is inlined too and the list
    /// resolved first, which folds to loads; on microcontrollers each piece
    /// is resolved by the one shared `get` as it is used (smaller code).
    #[inline(always)]
    fn each(&self, list: &List, sink: &mut (impl FnMut(&[u8]) + ?Sized)) {
        #[cfg(not(small_path))]
        {
            // Spelled out, so that each piece of a constant list folds.
            let [p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11] = *list;
            sink(self.get(p0));
            sink(self.get(p1));
            sink(self.get(p2));
            sink(self.get(p3));
            sink(self.get(p4));
            sink(self.get(p5));
            sink(self.get(p6));
            sink(self.get(p7));
            sink(self.get(p8));
            sink(self.get(p9));
            sink(self.get(p10));
            sink(self.get(p11));
        }
        #[cfg(small_path)]
        for piece in list {
            sink(self.get(*piece));
        }
    }

    /// Writes the pieces of `list` and a NUL into `out` in one pass;
    /// returns the length without the NUL, or [`Error::TooSmall`] with it
    /// when `out` cannot hold it, after writing a prefix of the output
    /// (never past the end of `out`). For callers that discard a failed
    /// output whole.
    #[cfg_attr(not(small_path), inline(always))]
    fn write(&self, list: &List, out: &mut [u8]) -> Result<usize, Error> {
        let mut len = 0;
        self.each(list, &mut |piece| append(out, &mut len, piece));
        terminate(out, len)
    }

    /// Writes the pieces of `list` and a NUL into `out` if they fit, else
    /// nothing: measured first, then [`Pieces::write`].
    #[allow(clippy::arithmetic_side_effects)] // the pieces are short, bounded inputs
    fn emit(&self, list: &List, out: &mut [u8]) -> Result<usize, Error> {
        let mut len = 0;
        self.each(list, &mut |piece| len += piece.len());
        if out.len() <= len {
            return Err(Error::TooSmall(len));
        }
        self.write(list, out)
    }

    /// See [`client_id`].
    pub(crate) fn client_id(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.emit(&CLIENT_ID, out)
    }

    /// See [`username`].
    pub(crate) fn username(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.emit(&USERNAME, out)
    }

    /// See [`signed_content`].
    pub(crate) fn content(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.emit(&CONTENT, out)
    }

    /// Client id, user name and password into three buffers in one pass
    /// each: on an error the buffers hold partial output, which the caller
    /// (`aliyun_mqtt_sign`, whose buffers always fit) clears.
    ///
    /// Hosts write the client id and the user name while the password's
    /// hash runs: from the content's `feed`, which the HMAC calls once its
    /// key block is hashed, so the CPU overlaps the writing with that
    /// block's compression (neither needs the other). The content itself is
    /// assembled before: hashed right after being written, it would wait
    /// for the stores to reach the cache.
    pub(crate) fn all(
        &self,
        client_id: &mut [u8],
        username: &mut [u8],
        password: &mut [u8],
    ) -> Result<usize, Error> {
        #[cfg(not(small_path))]
        {
            self.with_content(|content| {
                let mut content = WithOutputs {
                    pieces: self,
                    content,
                    client_id,
                    username,
                    written: None,
                };
                let signed = self.signature_of(&mut content, password);
                // Not fed (the password cannot be made): written now, so
                // the error is still the first output's.
                let written = match content.written {
                    Some(written) => written,
                    None => self.client_id_and_username(content.client_id, content.username),
                };
                written.and(signed)
            })
        }
        #[cfg(small_path)]
        {
            self.client_id_and_username(client_id, username)?;
            self.password(password)
        }
    }

    /// The first two outputs of [`Pieces::all`].
    #[inline(always)]
    fn client_id_and_username(
        &self,
        client_id: &mut [u8],
        username: &mut [u8],
    ) -> Result<usize, Error> {
        self.write(&CLIENT_ID, client_id)?;
        self.write(&USERNAME, username)
    }

    /// See [`password`].
    #[inline(always)] // a call of hex_signature: no frame of its own
    pub(crate) fn password(&self, out: &mut [u8]) -> Result<usize, Error> {
        // Hosts hash the content assembled on the stack: one hash update
        // instead of one per piece. Microcontrollers feed the hash piece by
        // piece (no buffer on the stack).
        #[cfg(not(small_path))]
        return self.with_content(|content| self.signature_of(&mut Parts(&[content]), out));
        #[cfg(small_path)]
        self.signature_of(&mut { self }, out)
    }

    /// Calls `f` with the signed content assembled on the stack, then
    /// wipes it.
    #[cfg(not(small_path))]
    #[inline(always)]
    fn with_content(&self, f: impl FnOnce(&[u8]) -> Result<usize, Error>) -> Result<usize, Error> {
        let mut buf = [0u8; CONTENT_MAX_LEN + 1];
        let result = match self.write(&CONTENT, &mut buf) {
            Ok(len) => f(buf.get(..len).unwrap_or_default()),
            Err(err) => Err(err),
        };
        wipe(&mut buf);
        result
    }

    /// [`hex_signature`] of `content` with the device's method, secret and
    /// hex case.
    #[inline(always)] // a call of hex_signature: no frame of its own
    fn signature_of(&self, content: &mut dyn Content, out: &mut [u8]) -> Result<usize, Error> {
        let dev = self.dev;
        hex_signature(
            dev.sign_method,
            dev.device_secret,
            content,
            dev.uppercase_hex,
            out,
        )
    }
}

/// Longest signed content: every field at its maximum, with a timestamp.
#[cfg(not(small_path))]
const CONTENT_MAX_LEN: usize = b"clientIddeviceNameproductKeytimestamp".len()
    + ALIYUN_MQTT_CLIENT_ID_MAX_LEN
    + ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
    + ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
    + 20; // digits of u64::MAX

/// The signed content of PROTOCOL.md §1.3 ([`CONTENT`]), piece by piece.
#[cfg(small_path)]
impl Content for &Pieces<'_> {
    fn feed(&mut self, sink: &mut dyn FnMut(&[u8])) {
        self.each(&CONTENT, sink);
    }
}

/// The assembled content, whose `feed` also writes the client id and the
/// user name (see [`Pieces::all`]).
#[cfg(not(small_path))]
struct WithOutputs<'p, 'a> {
    pieces: &'p Pieces<'a>,
    content: &'p [u8],
    client_id: &'p mut [u8],
    username: &'p mut [u8],
    /// The result of writing them (`None` until `feed`).
    written: Option<Result<usize, Error>>,
}

#[cfg(not(small_path))]
impl Content for WithOutputs<'_, '_> {
    #[inline(always)] // devirtualised in `Pieces::all`: one frame
    fn feed(&mut self, sink: &mut dyn FnMut(&[u8])) {
        self.written = Some(
            self.pieces
                .client_id_and_username(self.client_id, self.username),
        );
        sink(self.content);
    }
}

/// Writes the hex digest of `content` signed with `key` by `method`, and a
/// NUL, into `out`; returns the number of hex digits.
#[inline(always)] // two callers (device and registration passwords)
pub(crate) fn hex_signature(
    method: SignMethod,
    key: &[u8],
    content: &mut dyn Content,
    uppercase: bool,
    out: &mut [u8],
) -> Result<usize, Error> {
    // The one-call form of the two phases: the content, the built-in MAC,
    // then the password from the digest (which applies the buffer rule).
    let mut digest = [0u8; MAX_DIGEST_LEN];
    let len = sign_into(method, key, content, &mut digest)?;
    hex_digest(digest.get(..len).unwrap_or_default(), uppercase, out)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A device of one of 16 shapes: bit 0 an explicit client id, bit 1 a
    /// timestamp, bit 2 extra parameters, bit 3 plain TCP with hmacsha1.
    fn device_of_shape(shape: u8) -> Device<'static> {
        let mut dev = Device::new(b"a1B2c3D4e5", b"dev-name_01", b"secret");
        dev.client_id = (shape & 1 != 0).then_some(b"SN-77".as_slice());
        dev.timestamp_ms = (shape & 2 != 0).then_some(1_539_421_321_846);
        dev.extra_params = (shape & 4 != 0).then_some(b"lan=C,_v=1.0".as_slice());
        if shape & 8 != 0 {
            dev.secure_mode = SecureMode::Tcp;
            dev.sign_method = SignMethod::HmacSha1;
        }
        dev
    }

    /// `all` (on hosts the outputs written from inside the HMAC's `feed`)
    /// gives the three outputs of the separate builders, for every method
    /// and shape of device.
    #[test]
    fn test_all_matches_separate_builders_succeed() {
        for method in SignMethod::ALL.into_iter().filter(|m| m.enabled()) {
            for mask in 0..8 {
                let mut dev = device_of_shape(mask);
                dev.sign_method = method;
                let (mut c, mut u, mut p) = ([0xA5u8; 200], [0xA5u8; 200], [0xA5u8; 200]);
                let n = Pieces::new(&dev).all(&mut c, &mut u, &mut p).unwrap();
                let mut want = [0u8; 200];
                let k = client_id(&dev, &mut want).unwrap();
                assert_eq!(c[..=k], want[..=k]);
                let k = username(&dev, &mut want).unwrap();
                assert_eq!(u[..=k], want[..=k]);
                let k = password(&dev, &mut want).unwrap();
                assert_eq!((n, &p[..=k]), (k, &want[..=k]), "{method:?} {mask}");
            }
        }
    }

    /// An output that does not fit fails `all`, the client id's and user
    /// name's errors before the password's, as written in that order.
    #[test]
    fn test_all_reports_the_first_output_that_does_not_fit_fail() {
        let dev = device_of_shape(1);
        let pieces = Pieces::new(&dev);
        let cid_len = "SN-77|securemode=2,signmethod=hmacsha256|".len();
        let user_len = "dev-name_01&a1B2c3D4e5".len();
        let (mut big, mut big2) = ([0u8; 200], [0u8; 200]);
        let (mut short, mut short2) = ([0u8; 8], [0u8; 8]);
        assert_eq!(
            pieces.all(&mut short, &mut short2, &mut big),
            Err(Error::TooSmall(cid_len))
        );
        assert_eq!(
            pieces.all(&mut big, &mut short, &mut big2),
            Err(Error::TooSmall(user_len))
        );
        assert_eq!(
            pieces.all(&mut big, &mut big2, &mut short),
            Err(Error::TooSmall(64))
        );
        let mut short3 = [0u8; 8];
        assert_eq!(
            pieces.all(&mut short, &mut big, &mut short3),
            Err(Error::TooSmall(cid_len))
        );
    }

    /// The two writers of a list agree: at every buffer size `emit` writes
    /// the whole output or nothing, and `write` the same output when it
    /// fits, else the prefix that fits (on hosts, of whole pieces); both
    /// report the length.
    #[test]
    fn test_emit_and_write_agree_at_every_size_succeed() {
        for mask in 0..16 {
            let dev = device_of_shape(mask);
            let pieces = Pieces::new(&dev);
            for list in [&CLIENT_ID, &USERNAME] {
                let mut whole = [0u8; 200];
                let len = pieces.emit(list, &mut whole).unwrap();
                assert_eq!(whole[len], 0);
                for cap in 0..160 {
                    let (mut a, mut b) = (vec![0xA5u8; cap], vec![0xA5u8; cap]);
                    let (ra, rb) = (pieces.emit(list, &mut a), pieces.write(list, &mut b));
                    assert_eq!(ra, rb);
                    if cap > len {
                        assert_eq!(ra, Ok(len));
                        assert_eq!(a[..=len], whole[..=len]);
                        assert_eq!(a, b);
                    } else {
                        assert_eq!(ra, Err(Error::TooSmall(len)));
                        assert!(a.iter().all(|x| *x == 0xA5));
                        // Hosts write the pieces that fit whole (up to the
                        // last piece end within cap), elsewhere all that fits.
                        let mut ends = vec![0];
                        pieces.each(list, &mut |p| ends.push(ends[ends.len() - 1] + p.len()));
                        let k = if cfg!(small_path) {
                            cap
                        } else {
                            ends.into_iter().filter(|e| *e <= cap).max().unwrap()
                        };
                        assert_eq!(b[..k], whole[..k], "cap {cap}");
                        assert!(b[k..].iter().all(|x| *x == 0xA5), "cap {cap}");
                    }
                }
            }
            let mut out = [0u8; 200];
            let len = pieces.emit(&CLIENT_ID, &mut out).unwrap();
            let want = format!(
                "{}|securemode={},signmethod={}{}{}|",
                if mask & 1 != 0 {
                    "SN-77"
                } else {
                    "a1B2c3D4e5.dev-name_01"
                },
                if mask & 8 != 0 { 3 } else { 2 },
                if mask & 8 != 0 {
                    "hmacsha1"
                } else {
                    "hmacsha256"
                },
                if mask & 2 != 0 {
                    ",timestamp=1539421321846"
                } else {
                    ""
                },
                if mask & 4 != 0 { ",lan=C,_v=1.0" } else { "" },
            );
            assert_eq!(&out[..len], want.as_bytes());
        }
    }
}
