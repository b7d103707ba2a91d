//! JSON messages a device publishes (PROTOCOL.md §6 and §7), each stated
//! once as data: a [`Format`] is the list of an object's members, in wire
//! order, whose values are constants, fields of the message or of a
//! sub-device, nested objects, or an array with one object per sub-device.
//! [`write()`] turns a format and its inputs into the payload; [`max_len`]
//! bounds its length at compile time (the `*_SIZE` constants); the reply
//! and verifier code reads the same formats.
//!
//! Every value written is checked first to need no JSON escape (no `"`,
//! `\` or control byte), so the writer copies bytes as they are.

use core::cell::Cell;

use crate::register::Registration;
use crate::sign::{Parts, SignMethod};
use crate::status::{aliyun_mqtt_status as S, Error};
use crate::writer::{build, u64_decimal, Builder};
use crate::{credentials, limits::*, register, validate};

/// A member of a JSON object: its key and its value.
pub type Member = (&'static [u8], V);

/// The members of a message's top-level object.
pub type Format = &'static [Member];

/// The value of a [`Member`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V {
    /// A constant string.
    Text(&'static [u8]),
    /// A string taken from the message or its sub-device.
    Field(Field),
    /// An object with these members.
    Object(&'static [Member]),
    /// An array of one object with these members per sub-device.
    Each(&'static [Member]),
}

/// The strings a message is made of. Every one is written as a JSON string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The message id, decimal.
    Id,
    /// The sign method's name (`hmacsha256`...).
    SignMethod,
    /// The sub-device's ProductKey.
    ProductKey,
    /// The sub-device's DeviceName.
    DeviceName,
    /// The sub-device's client id (`productKey.deviceName` by default).
    ClientId,
    /// The sub-device's timestamp, decimal milliseconds.
    Timestamp,
    /// `true` or `false`.
    CleanSession,
    /// The sub-device's sign: hex of the HMAC under its DeviceSecret of
    /// `clientId..deviceName..productKey..timestamp..`.
    Sign,
    /// The registration's random string.
    Random,
    /// The registration's sign: hex of the HMAC under the ProductSecret of
    /// `deviceName..productKey..random..`.
    RegisterSign,
    /// The device's send time of an NTP request, decimal milliseconds.
    DeviceSendTime,
}

/// Longest text of each field, for [`max_len`].
const fn field_max_len(field: Field) -> usize {
    match field {
        Field::Id => 10, // u32
        Field::SignMethod => b"hmacsha256".len(),
        Field::ProductKey => ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
        Field::DeviceName => ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
        Field::ClientId => crate::subdev::ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN,
        Field::Timestamp | Field::DeviceSendTime => 20, // u64
        Field::CleanSession => b"false".len(),
        Field::Sign | Field::RegisterSign => 64,
        Field::Random => ALIYUN_MQTT_RANDOM_MAX_LEN,
    }
}

/// Longest payload of `format` with `entries` sub-devices in each array,
/// without the NUL (evaluated at compile time for the size constants).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time
pub const fn max_len(format: &[Member], entries: usize) -> usize {
    // `{`, `}` and a `,` between members.
    let mut len = 2 + format.len().saturating_sub(1);
    let mut i = 0;
    while i < format.len() {
        let (key, value) = format[i];
        len += key.len() + 3; // "key":
        len += match value {
            V::Text(text) => text.len() + 2,
            V::Field(field) => field_max_len(field) + 2,
            V::Object(members) => max_len(members, entries),
            // `[`, `]`, the objects and a `,` between them.
            V::Each(members) => 2 + entries * (max_len(members, entries) + 1) - 1,
        };
        i += 1;
    }
    len
}

/// Whether `format` (at any depth) writes `field`.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // i < len
pub const fn uses(format: &[Member], field: Field) -> bool {
    let mut i = 0;
    while i < format.len() {
        let found = match format[i].1 {
            V::Field(f) => f as u8 == field as u8,
            V::Object(members) | V::Each(members) => uses(members, field),
            V::Text(_) => false,
        };
        if found {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `format` has an array of sub-devices (a batch).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // i < len
pub const fn has_array(format: &[Member]) -> bool {
    let mut i = 0;
    while i < format.len() {
        let found = match format[i].1 {
            V::Each(_) => true,
            V::Object(members) => has_array(members),
            _ => false,
        };
        if found {
            return true;
        }
        i += 1;
    }
    false
}

/// One sub-device of a message, as the formats read it. Unused fields are
/// empty.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Entry<'a> {
    /// ProductKey.
    pub product_key: &'a [u8],
    /// DeviceName.
    pub device_name: &'a [u8],
    /// The DeviceSecret ([`Field::Sign`]) or ProductSecret
    /// ([`Field::RegisterSign`]).
    pub secret: &'a [u8],
    /// Client id; empty means `productKey.deviceName`.
    pub client_id: &'a [u8],
    /// Milliseconds.
    pub timestamp_ms: u64,
    /// `cleanSession`.
    pub clean_session: bool,
    /// Registration random string.
    pub random: &'a [u8],
    /// The caller's MAC of the entry's signed content ([`sign_content`],
    /// or the registration's), for a key the library never sees: when not
    /// empty it is the sign, and `secret` is not used.
    pub digest: &'a [u8],
}

/// The sub-devices of a message, read one at a time (a C array is
/// converted and checked entry by entry, so no copy of the list is made).
pub trait Entries {
    /// How many there are.
    fn count(&self) -> usize;
    /// Entry `i` (< `count()`), or the status of its first bad string.
    fn entry(&self, i: usize) -> Result<Entry<'_>, S>;
}

impl Entries for [Entry<'_>] {
    fn count(&self) -> usize {
        self.len()
    }

    fn entry(&self, i: usize) -> Result<Entry<'_>, S> {
        self.get(i).copied().ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    }
}

/// The message-wide inputs: its id, the sign method, the NTP send time.
#[derive(Clone, Copy, Debug)]
pub struct Header {
    /// Message id.
    pub id: u32,
    /// Sign method of [`Field::Sign`] and [`Field::RegisterSign`].
    pub sign_method: SignMethod,
    /// [`Field::DeviceSendTime`].
    pub device_send_time: u64,
}

/// A client id as a sub-device payload carries it: 1 to
/// `ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN` printable ASCII bytes other than
/// `"` and `\` (so `|`, `,` and `=` are allowed, as in the SDKs'
/// `pk.dn|_ss=1,...|`).
pub fn payload_client_id(s: &[u8]) -> Result<(), S> {
    let ok = !s.is_empty()
        && s.len() <= crate::subdev::ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN
        && s.iter()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\'));
    if ok {
        Ok(())
    } else {
        Err(S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID)
    }
}

/// Checks the fields of `entry` that `format` writes, in the order
/// ProductKey, DeviceName, secret, client id, random: the first bad one
/// names the error.
fn check_entry(format: Format, method: SignMethod, entry: &Entry<'_>) -> Result<(), S> {
    validate::product_key(entry.product_key)?;
    validate::device_name(entry.device_name)?;
    let signs = uses(format, Field::Sign) || uses(format, Field::RegisterSign);
    if signs && !entry.digest.is_empty() {
        if entry.digest.len() != method.digest_len() {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_DIGEST);
        }
    } else if uses(format, Field::Sign) {
        validate::device_secret(entry.secret)?;
    } else if uses(format, Field::RegisterSign) {
        validate::product_secret(entry.secret)?;
    }
    if uses(format, Field::ClientId) && !entry.client_id.is_empty() {
        payload_client_id(entry.client_id)?;
    }
    if uses(format, Field::Random) {
        validate::random(entry.random)?;
    }
    Ok(())
}

/// Checks the inputs of `format`: the sign method (an HMAC compiled in)
/// when it signs, the number of entries (1 without an array, 1 to
/// `ALIYUN_MQTT_SUBDEV_BATCH_MAX` with one, else `ALIYUN_MQTT_ERR_BATCH_SIZE`)
/// and every entry.
pub fn check<E: Entries + ?Sized>(format: Format, header: &Header, entries: &E) -> Result<(), S> {
    let method = header.sign_method;
    let count = entries.count();
    if uses(format, Field::Sign) || uses(format, Field::RegisterSign) {
        // A method compiled out serves entries that bring their digests.
        let builtin = (0..count).any(|i| entries.entry(i).is_ok_and(|e| e.digest.is_empty()));
        if method == SignMethod::Sha256 || (builtin && !method.enabled()) {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
        }
    }
    let most = if has_array(format) {
        crate::subdev::ALIYUN_MQTT_SUBDEV_BATCH_MAX
    } else {
        usize::from(uses(format, Field::ProductKey))
    };
    if count > most || (most > 0 && count == 0) {
        return Err(S::ALIYUN_MQTT_ERR_BATCH_SIZE);
    }
    for i in 0..count {
        check_entry(format, method, &entries.entry(i)?)?;
    }
    Ok(())
}

/// Writes the payload of `format` and a NUL into `out`, after [`check`]:
/// the output is complete, or nothing is written.
pub fn write<E: Entries + ?Sized>(
    format: Format,
    header: &Header,
    entries: &E,
    out: &mut [u8],
) -> Result<usize, Error> {
    check(format, header, entries)?;
    // A failure while writing (which the check above rules out) is kept
    // here and reported instead of the output.
    let failed = Cell::new(None);
    let len = build(out, |w| {
        let mut writer = Writer {
            w,
            header,
            entries,
            failed: &failed,
        };
        writer.object(format, 0);
    })?;
    match failed.get() {
        Some(status) => Err(status.into()),
        None => Ok(len),
    }
}

struct Writer<'w, 'b, 'e, E: Entries + ?Sized> {
    w: &'w mut Builder<'b>,
    header: &'e Header,
    entries: &'e E,
    failed: &'e Cell<Option<S>>,
}

impl<E: Entries + ?Sized> Writer<'_, '_, '_, E> {
    /// `{"key":value,...}` with the fields of entry `at`.
    fn object(&mut self, members: &[Member], at: usize) {
        self.w.put(b"{");
        for (i, (key, value)) in members.iter().enumerate() {
            if i > 0 {
                self.w.put(b",");
            }
            self.w.put(b"\"");
            self.w.put(key);
            self.w.put(b"\":");
            match *value {
                V::Text(text) => self.string(text),
                V::Field(field) => {
                    self.w.put(b"\"");
                    self.field(field, at);
                    self.w.put(b"\"");
                }
                V::Object(members) => self.object(members, at),
                V::Each(members) => {
                    self.w.put(b"[");
                    for entry in 0..self.entries.count() {
                        if entry > 0 {
                            self.w.put(b",");
                        }
                        self.object(members, entry);
                    }
                    self.w.put(b"]");
                }
            }
        }
        self.w.put(b"}");
    }

    fn string(&mut self, text: &[u8]) {
        self.w.put(b"\"");
        self.w.put(text);
        self.w.put(b"\"");
    }

    /// The text of `field` for entry `at`.
    fn field(&mut self, field: Field, at: usize) {
        let mut digits = [0u8; 20];
        let header = self.header;
        let entry = match field {
            Field::Id | Field::SignMethod | Field::DeviceSendTime => Entry::default(),
            _ => match self.entries.entry(at) {
                Ok(entry) => entry,
                Err(status) => return self.fail(status),
            },
        };
        match field {
            Field::Id => self.w.put(u64_decimal(u64::from(header.id), &mut digits)),
            Field::SignMethod => self.w.put(header.sign_method.name()),
            Field::DeviceSendTime => self
                .w
                .put(u64_decimal(header.device_send_time, &mut digits)),
            Field::ProductKey => self.w.put(entry.product_key),
            Field::DeviceName => self.w.put(entry.device_name),
            Field::ClientId => {
                for part in client_id_parts(&entry) {
                    self.w.put(part);
                }
            }
            Field::Timestamp => self.w.put(u64_decimal(entry.timestamp_ms, &mut digits)),
            Field::CleanSession => self.w.put(if entry.clean_session {
                b"true"
            } else {
                b"false"
            }),
            Field::Random => self.w.put(entry.random),
            Field::Sign | Field::RegisterSign => self.sign(field, &entry),
        }
    }

    fn sign(&mut self, field: Field, entry: &Entry<'_>) {
        let method = self.header.sign_method;
        if self.w.measuring() {
            return self.w.put_len(method.hex_len());
        }
        let mut hex = [0u8; ALIYUN_MQTT_PASSWORD_SIZE];
        let signed = if field == Field::Sign {
            sign(method, entry, &mut hex)
        } else {
            register_sign(method, entry, &mut hex)
        };
        match signed {
            Ok(len) => self.w.put(hex.get(..len).unwrap_or_default()),
            Err(err) => self.fail(err.status()),
        }
    }

    fn fail(&mut self, status: S) {
        if self.failed.get().is_none() {
            self.failed.set(Some(status));
        }
    }
}

/// The client id of `entry` as pieces: its own, or `productKey.deviceName`.
pub fn client_id_parts<'a>(entry: &Entry<'a>) -> [&'a [u8]; 3] {
    if entry.client_id.is_empty() {
        [entry.product_key, b".", entry.device_name]
    } else {
        [entry.client_id, b"", b""]
    }
}

/// The content a sub-device's sign covers (PROTOCOL.md §6.1), as pieces:
/// `clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}`; `digits`
/// holds the timestamp's.
pub fn sign_content<'a>(entry: &Entry<'a>, digits: &'a mut [u8; 20]) -> [&'a [u8]; 10] {
    let [c0, c1, c2] = client_id_parts(entry);
    [
        b"clientId",
        c0,
        c1,
        c2,
        b"deviceName",
        entry.device_name,
        b"productKey",
        entry.product_key,
        b"timestamp",
        u64_decimal(entry.timestamp_ms, digits),
    ]
}

/// Writes the sub-device sign of `entry` (PROTOCOL.md §6.1): the hex HMAC
/// under its DeviceSecret of [`sign_content`] (or the hex of its `digest`),
/// and a NUL.
pub fn sign(method: SignMethod, entry: &Entry<'_>, out: &mut [u8]) -> Result<usize, Error> {
    if !entry.digest.is_empty() {
        return credentials::password_from_digest(method, entry.digest, false, out);
    }
    let mut digits = [0u8; 20];
    let content = sign_content(entry, &mut digits);
    credentials::hex_signature(method, entry.secret, &mut Parts(&content), false, out)
}

/// Writes the registration sign of `entry` (PROTOCOL.md §4, §6.4) and a NUL.
fn register_sign(method: SignMethod, entry: &Entry<'_>, out: &mut [u8]) -> Result<usize, Error> {
    if !entry.digest.is_empty() {
        return credentials::password_from_digest(method, entry.digest, false, out);
    }
    let mut reg = Registration::new(
        entry.product_key,
        entry.device_name,
        entry.secret,
        entry.random,
    );
    reg.sign_method = method;
    register::password(&reg, out)
}
