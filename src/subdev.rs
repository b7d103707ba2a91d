//! Gateways and their sub-devices (PROTOCOL.md §6): the payloads a gateway
//! publishes on its own topics ([`crate::topic`]) to add sub-devices to its
//! topology, log them in and out, and register them by ProductSecret.
//! Each payload is a [`Format`] below, written by [`crate::message`].

use crate::message::{self, Entries, Entry, Field as F, Format, Header, V};
use crate::register::{self, Registration};
use crate::sign::SignMethod;
use crate::status::{aliyun_mqtt_status as S, Error};
use crate::validate;
use crate::writer::emit;

/// Most sub-devices in one message (PROTOCOL.md §6.3).
pub const ALIYUN_MQTT_SUBDEV_BATCH_MAX: usize = 50;
/// Longest `_reply` to a sub-device message the parsers read (a batch of
/// 50 with every name and DeviceSecret at its longest fits, with room for
/// the members the platform adds); longer is `ALIYUN_MQTT_ERR_REPLY_TOO_LARGE`.
pub const ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN: usize = 16_384;
/// Longest client id of a sub-device in a payload (printable ASCII but `"`
/// and `\`; `|`, `,` and `=` allowed).
pub const ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN: usize = 128;

/// The sub-device fields of a login or topology entry.
const SIGNED: [crate::message::Member; 6] = [
    (b"productKey", V::Field(F::ProductKey)),
    (b"deviceName", V::Field(F::DeviceName)),
    (b"clientId", V::Field(F::ClientId)),
    (b"timestamp", V::Field(F::Timestamp)),
    (b"signmethod", V::Field(F::SignMethod)),
    (b"sign", V::Field(F::Sign)),
];

/// `productKey` and `deviceName` alone.
const NAMED: &[crate::message::Member] = &[
    (b"productKey", V::Field(F::ProductKey)),
    (b"deviceName", V::Field(F::DeviceName)),
];

/// Add sub-devices to the gateway's topology (`thing/topo/add`).
pub const TOPO_ADD: Format = &[
    (b"id", V::Field(F::Id)),
    (b"version", V::Text(b"1.0")),
    (b"params", V::Each(&SIGNED)),
    (b"method", V::Text(b"thing.topo.add")),
];

/// Remove sub-devices from the topology (`thing/topo/delete`).
pub const TOPO_DELETE: Format = &[
    (b"id", V::Field(F::Id)),
    (b"version", V::Text(b"1.0")),
    (b"params", V::Each(NAMED)),
    (b"method", V::Text(b"thing.topo.delete")),
];

/// Log one sub-device in (`combine/login`).
pub const LOGIN: Format = &[
    (b"id", V::Field(F::Id)),
    (
        b"params",
        V::Object(&[
            (b"productKey", V::Field(F::ProductKey)),
            (b"deviceName", V::Field(F::DeviceName)),
            (b"clientId", V::Field(F::ClientId)),
            (b"timestamp", V::Field(F::Timestamp)),
            (b"signMethod", V::Field(F::SignMethod)),
            (b"sign", V::Field(F::Sign)),
            (b"cleanSession", V::Field(F::CleanSession)),
        ]),
    ),
];

/// Log up to [`ALIYUN_MQTT_SUBDEV_BATCH_MAX`] sub-devices in
/// (`combine/batch_login`); one `signMethod` for all.
pub const BATCH_LOGIN: Format = &[
    (b"id", V::Field(F::Id)),
    (b"version", V::Text(b"1.0")),
    (
        b"params",
        V::Object(&[
            (b"signMethod", V::Field(F::SignMethod)),
            (
                b"deviceList",
                V::Each(&[
                    (b"productKey", V::Field(F::ProductKey)),
                    (b"deviceName", V::Field(F::DeviceName)),
                    (b"clientId", V::Field(F::ClientId)),
                    (b"timestamp", V::Field(F::Timestamp)),
                    (b"cleanSession", V::Field(F::CleanSession)),
                    (b"sign", V::Field(F::Sign)),
                ]),
            ),
        ]),
    ),
];

/// Log one sub-device out (`combine/logout`).
pub const LOGOUT: Format = &[(b"id", V::Field(F::Id)), (b"params", V::Object(NAMED))];

/// Log sub-devices out (`combine/batch_logout`).
pub const BATCH_LOGOUT: Format = &[
    (b"id", V::Field(F::Id)),
    (b"version", V::Text(b"1.0")),
    (b"params", V::Each(NAMED)),
];

/// Register sub-devices by their products' ProductSecret
/// (`thing/proxy/provisioning/product_register`).
pub const PRODUCT_REGISTER: Format = &[
    (b"id", V::Field(F::Id)),
    (b"version", V::Text(b"1.0")),
    (
        b"params",
        V::Object(&[(
            b"proxieds",
            V::Each(&[
                (b"productKey", V::Field(F::ProductKey)),
                (b"deviceName", V::Field(F::DeviceName)),
                (b"random", V::Field(F::Random)),
                (b"signMethod", V::Field(F::SignMethod)),
                (b"sign", V::Field(F::RegisterSign)),
            ]),
        )]),
    ),
];

/// Buffer size for any `aliyun_mqtt_subdev_topo_add` payload (50 entries).
pub const ALIYUN_MQTT_SUBDEV_TOPO_ADD_SIZE: usize = 18_223;
/// Buffer size for any `aliyun_mqtt_subdev_topo_delete` payload.
pub const ALIYUN_MQTT_SUBDEV_TOPO_DELETE_SIZE: usize = 4_376;
/// Buffer size for any `aliyun_mqtt_subdev_login` payload.
pub const ALIYUN_MQTT_SUBDEV_LOGIN_SIZE: usize = 415;
/// Buffer size for any `aliyun_mqtt_subdev_batch_login` payload (50 entries).
pub const ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE: usize = 18_088;
/// Buffer size for any `aliyun_mqtt_subdev_logout` payload.
pub const ALIYUN_MQTT_SUBDEV_LOGOUT_SIZE: usize = 115;
/// Buffer size for any `aliyun_mqtt_subdev_batch_logout` payload.
pub const ALIYUN_MQTT_SUBDEV_BATCH_LOGOUT_SIZE: usize = 4_347;
/// Buffer size for any `aliyun_mqtt_subdev_product_register` payload.
pub const ALIYUN_MQTT_SUBDEV_PRODUCT_REGISTER_SIZE: usize = 11_560;

// The literals above are what C sees; these tie them to the formats.
const N: usize = ALIYUN_MQTT_SUBDEV_BATCH_MAX;
const _: () = assert!(ALIYUN_MQTT_SUBDEV_TOPO_ADD_SIZE == message::max_len(TOPO_ADD, N) + 1);
const _: () = assert!(ALIYUN_MQTT_SUBDEV_TOPO_DELETE_SIZE == message::max_len(TOPO_DELETE, N) + 1);
const _: () = assert!(ALIYUN_MQTT_SUBDEV_LOGIN_SIZE == message::max_len(LOGIN, 1) + 1);
const _: () = assert!(ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE == message::max_len(BATCH_LOGIN, N) + 1);
const _: () = assert!(ALIYUN_MQTT_SUBDEV_LOGOUT_SIZE == message::max_len(LOGOUT, 1) + 1);
const _: () =
    assert!(ALIYUN_MQTT_SUBDEV_BATCH_LOGOUT_SIZE == message::max_len(BATCH_LOGOUT, N) + 1);
const _: () =
    assert!(ALIYUN_MQTT_SUBDEV_PRODUCT_REGISTER_SIZE == message::max_len(PRODUCT_REGISTER, N) + 1);

/// A sub-device the gateway brings online. Strings are bytes without a NUL.
#[derive(Clone, Copy, Debug, Default)]
pub struct SubDevice<'a> {
    /// ProductKey.
    pub product_key: &'a [u8],
    /// DeviceName.
    pub device_name: &'a [u8],
    /// DeviceSecret (login and topology add; not read by logout and
    /// topology delete).
    pub device_secret: &'a [u8],
    /// Client id written into the payload and signed as written; `None`
    /// or empty means `productKey.deviceName`.
    pub client_id: Option<&'a [u8]>,
    /// Milliseconds since the epoch, written and signed as decimal.
    pub timestamp_ms: u64,
    /// `cleanSession` of a login.
    pub clean_session: bool,
    /// For a DeviceSecret the library never sees: the caller's MAC of
    /// [`signed_content`] by the message's method. When not empty it is
    /// the sign and `device_secret` is not used.
    pub digest: &'a [u8],
}

impl<'a> SubDevice<'a> {
    /// A sub-device with no client id, timestamp 0 and `cleanSession` false.
    pub fn new(product_key: &'a [u8], device_name: &'a [u8], device_secret: &'a [u8]) -> Self {
        SubDevice {
            product_key,
            device_name,
            device_secret,
            ..SubDevice::default()
        }
    }

    /// The sub-device as the formats read it.
    pub fn entry(&self) -> Entry<'a> {
        Entry {
            product_key: self.product_key,
            device_name: self.device_name,
            secret: self.device_secret,
            client_id: self.client_id.unwrap_or_default(),
            timestamp_ms: self.timestamp_ms,
            clean_session: self.clean_session,
            random: b"",
            digest: self.digest,
        }
    }
}

/// A sub-device the gateway registers by its product's ProductSecret.
#[derive(Clone, Copy, Debug, Default)]
pub struct SubDeviceRegistration<'a> {
    /// ProductKey.
    pub product_key: &'a [u8],
    /// DeviceName.
    pub device_name: &'a [u8],
    /// The product's ProductSecret.
    pub product_secret: &'a [u8],
    /// 1 to 32 letters and digits from the gateway's RNG.
    pub random: &'a [u8],
    /// For a ProductSecret the library never sees: the caller's MAC of
    /// [`registration_signed_content`]. When not empty it is the sign and
    /// `product_secret` is not used.
    pub digest: &'a [u8],
}

impl<'a> SubDeviceRegistration<'a> {
    /// The registration as the formats read it.
    pub fn entry(&self) -> Entry<'a> {
        Entry {
            product_key: self.product_key,
            device_name: self.device_name,
            secret: self.product_secret,
            random: self.random,
            digest: self.digest,
            ..Entry::default()
        }
    }
}

impl Entries for [SubDevice<'_>] {
    fn count(&self) -> usize {
        self.len()
    }

    fn entry(&self, i: usize) -> Result<Entry<'_>, S> {
        self.get(i)
            .map(SubDevice::entry)
            .ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    }
}

impl Entries for [SubDeviceRegistration<'_>] {
    fn count(&self) -> usize {
        self.len()
    }

    fn entry(&self, i: usize) -> Result<Entry<'_>, S> {
        self.get(i)
            .map(SubDeviceRegistration::entry)
            .ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)
    }
}

fn header(id: u32, sign_method: SignMethod) -> Header {
    Header {
        id,
        sign_method,
        device_send_time: 0,
    }
}

/// Writes the [`TOPO_ADD`] payload for `subs` and a NUL into `out`.
///
/// Errors: `ALIYUN_MQTT_ERR_BATCH_SIZE` (no sub-device, or more than
/// [`ALIYUN_MQTT_SUBDEV_BATCH_MAX`]), `..._INVALID_SIGN_METHOD` (`sha256` or
/// a method compiled out), the first bad sub-device field
/// (`..._INVALID_PRODUCT_KEY`, `..._INVALID_DEVICE_NAME`,
/// `..._INVALID_DEVICE_SECRET`, `..._INVALID_CLIENT_ID`), or
/// [`Error::TooSmall`].
pub fn topo_add(
    id: u32,
    method: SignMethod,
    subs: &[SubDevice<'_>],
    out: &mut [u8],
) -> Result<usize, Error> {
    message::write(TOPO_ADD, &header(id, method), subs, out)
}

/// Two-phase signing, first phase: writes the bytes a sub-device's sign
/// covers (PROTOCOL.md §6.1),
/// `clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}`, and a NUL
/// into `out`, for the caller to MAC with the DeviceSecret; the MAC goes
/// into [`SubDevice::digest`]. The secret is not read.
pub fn signed_content(sub: &SubDevice<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let entry = sub.entry();
    validate::product_key(entry.product_key)?;
    validate::device_name(entry.device_name)?;
    if !entry.client_id.is_empty() {
        message::payload_client_id(entry.client_id)?;
    }
    let mut digits = [0u8; 20];
    emit(out, &message::sign_content(&entry, &mut digits))
}

/// Two-phase signing of a registration by product, first phase: the bytes
/// its sign covers, `deviceName{dn}productKey{pk}random{R}` (PROTOCOL.md
/// §4, §6.4). The ProductSecret is not read.
pub fn registration_signed_content(
    reg: &SubDeviceRegistration<'_>,
    out: &mut [u8],
) -> Result<usize, Error> {
    let registration = Registration::new(reg.product_key, reg.device_name, b"", reg.random);
    register::signed_content(&registration, out)
}

/// Writes the [`TOPO_DELETE`] payload (ProductKey and DeviceName of each).
pub fn topo_delete(id: u32, subs: &[SubDevice<'_>], out: &mut [u8]) -> Result<usize, Error> {
    message::write(TOPO_DELETE, &header(id, SignMethod::HmacSha256), subs, out)
}

/// Writes the [`LOGIN`] payload of one sub-device.
pub fn login(
    id: u32,
    method: SignMethod,
    sub: &SubDevice<'_>,
    out: &mut [u8],
) -> Result<usize, Error> {
    message::write(LOGIN, &header(id, method), core::slice::from_ref(sub), out)
}

/// Writes the [`BATCH_LOGIN`] payload.
pub fn batch_login(
    id: u32,
    method: SignMethod,
    subs: &[SubDevice<'_>],
    out: &mut [u8],
) -> Result<usize, Error> {
    message::write(BATCH_LOGIN, &header(id, method), subs, out)
}

/// Writes the [`LOGOUT`] payload of one sub-device.
pub fn logout(id: u32, sub: &SubDevice<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let h = header(id, SignMethod::HmacSha256);
    message::write(LOGOUT, &h, core::slice::from_ref(sub), out)
}

/// Writes the [`BATCH_LOGOUT`] payload.
pub fn batch_logout(id: u32, subs: &[SubDevice<'_>], out: &mut [u8]) -> Result<usize, Error> {
    message::write(BATCH_LOGOUT, &header(id, SignMethod::HmacSha256), subs, out)
}

/// Writes the [`PRODUCT_REGISTER`] payload; each sign is the registration
/// signature of PROTOCOL.md §4 under the entry's ProductSecret
/// (`..._INVALID_PRODUCT_SECRET`, `..._INVALID_RANDOM` for bad ones).
pub fn product_register(
    id: u32,
    method: SignMethod,
    subs: &[SubDeviceRegistration<'_>],
    out: &mut [u8],
) -> Result<usize, Error> {
    message::write(PRODUCT_REGISTER, &header(id, method), subs, out)
}
