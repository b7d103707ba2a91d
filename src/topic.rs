//! The MQTT topics of PROTOCOL.md §6 and §7, as data: each is
//! `{prefix}{productKey}/{deviceName}{suffix}`, of the gateway for the
//! sub-device messages and of the device itself for NTP.

use crate::status::Error;
use crate::validate;
use crate::writer::emit;

/// A topic. The numbers are the C values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// `/sys/{pk}/{dn}/thing/topo/add`.
    TopoAdd = 1,
    /// Its reply.
    TopoAddReply = 2,
    /// `/sys/{pk}/{dn}/thing/topo/delete`.
    TopoDelete = 3,
    /// Its reply.
    TopoDeleteReply = 4,
    /// `/ext/session/{pk}/{dn}/combine/login`.
    Login = 5,
    /// Its reply.
    LoginReply = 6,
    /// `/ext/session/{pk}/{dn}/combine/batch_login`.
    BatchLogin = 7,
    /// Its reply.
    BatchLoginReply = 8,
    /// `/ext/session/{pk}/{dn}/combine/logout`.
    Logout = 9,
    /// Its reply.
    LogoutReply = 10,
    /// `/ext/session/{pk}/{dn}/combine/batch_logout`.
    BatchLogout = 11,
    /// Its reply.
    BatchLogoutReply = 12,
    /// `/sys/{pk}/{dn}/thing/proxy/provisioning/product_register`.
    ProductRegister = 13,
    /// Its reply.
    ProductRegisterReply = 14,
    /// `/ext/ntp/{pk}/{dn}/request`.
    NtpRequest = 15,
    /// `/ext/ntp/{pk}/{dn}/response`.
    NtpResponse = 16,
}

/// Indexed by the C value: prefix, suffix, and `_reply` for a reply.
const TOPICS: [[&[u8]; 3]; 17] = [
    [b"", b"", b""],
    [b"/sys/", b"/thing/topo/add", b""],
    [b"/sys/", b"/thing/topo/add", b"_reply"],
    [b"/sys/", b"/thing/topo/delete", b""],
    [b"/sys/", b"/thing/topo/delete", b"_reply"],
    [b"/ext/session/", b"/combine/login", b""],
    [b"/ext/session/", b"/combine/login", b"_reply"],
    [b"/ext/session/", b"/combine/batch_login", b""],
    [b"/ext/session/", b"/combine/batch_login", b"_reply"],
    [b"/ext/session/", b"/combine/logout", b""],
    [b"/ext/session/", b"/combine/logout", b"_reply"],
    [b"/ext/session/", b"/combine/batch_logout", b""],
    [b"/ext/session/", b"/combine/batch_logout", b"_reply"],
    [b"/sys/", b"/thing/proxy/provisioning/product_register", b""],
    [
        b"/sys/",
        b"/thing/proxy/provisioning/product_register",
        b"_reply",
    ],
    [b"/ext/ntp/", b"/request", b""],
    [b"/ext/ntp/", b"/response", b""],
];

impl Topic {
    /// Every topic, in C value order.
    pub const ALL: [Topic; 16] = [
        Topic::TopoAdd,
        Topic::TopoAddReply,
        Topic::TopoDelete,
        Topic::TopoDeleteReply,
        Topic::Login,
        Topic::LoginReply,
        Topic::BatchLogin,
        Topic::BatchLoginReply,
        Topic::Logout,
        Topic::LogoutReply,
        Topic::BatchLogout,
        Topic::BatchLogoutReply,
        Topic::ProductRegister,
        Topic::ProductRegisterReply,
        Topic::NtpRequest,
        Topic::NtpResponse,
    ];

    /// The topic with this C value.
    pub fn from_u32(value: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| *t as u32 == value)
    }

    /// Its prefix, suffix and reply tail.
    fn parts(self) -> [&'static [u8]; 3] {
        TOPICS.get(self as usize).copied().unwrap_or_default()
    }
}

/// Writes `topic` of the device `product_key`/`device_name` (the gateway's,
/// for the sub-device messages) and a NUL into `out`.
pub fn topic(
    topic: Topic,
    product_key: &[u8],
    device_name: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    validate::product_key(product_key)?;
    validate::device_name(device_name)?;
    let [prefix, suffix, reply] = topic.parts();
    emit(
        out,
        &[prefix, product_key, b"/", device_name, suffix, reply],
    )
}

/// Which topic `name` is, with its ProductKey and DeviceName, if it is one
/// of [`Topic::ALL`] for a valid device.
pub fn parse(name: &[u8]) -> Option<(Topic, &[u8], &[u8])> {
    Topic::ALL.into_iter().find_map(|t| {
        let [prefix, suffix, reply] = t.parts();
        let rest = name.strip_prefix(prefix)?.strip_suffix(reply)?;
        let rest = rest.strip_suffix(suffix)?;
        let slash = rest.iter().position(|b| *b == b'/')?;
        let (pk, dn) = rest.split_at(slash);
        let dn = dn.get(1..)?;
        (validate::product_key(pk).is_ok() && validate::device_name(dn).is_ok())
            .then_some((t, pk, dn))
    })
}

/// Buffer size for any topic [`topic`] writes.
pub const ALIYUN_MQTT_TOPIC_SIZE: usize = 107;

/// The longest topic without its ProductKey and DeviceName.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // compile time
const fn longest_fixed() -> usize {
    let mut most = 0;
    let mut i = 0;
    while i < TOPICS.len() {
        let [prefix, suffix, reply] = TOPICS[i];
        let len = prefix.len() + b"/".len() + suffix.len() + reply.len();
        if len > most {
            most = len;
        }
        i += 1;
    }
    most
}

const _: () = assert!(
    ALIYUN_MQTT_TOPIC_SIZE
        == longest_fixed()
            + crate::limits::ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
            + crate::limits::ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
            + 1
);
