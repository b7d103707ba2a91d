//! The TLS roots of the platform's endpoints (PROTOCOL.md §2.3, §8), embedded
//! as PEM and DER with their expiry dates, and which endpoint needs which.
//! Provenance of each file: `src/certs/README.md`.

use crate::limits::{ALIYUN_MQTT_HTTPS_PORT, ALIYUN_MQTT_INSTANCE_TLS_PORT, ALIYUN_MQTT_PORT};

/// An embedded root. The numbers are the C values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootId {
    /// GlobalSign Root CA (R1): the public instance, IPv6 and HTTPS hosts.
    GlobalSignR1 = 1,
    /// Aliyun IoT Root CA, the vendor's private root: instance endpoints.
    AliyunIot = 2,
    /// GlobalSign Root CA - R6.
    GlobalSignR6 = 3,
    /// GlobalSign Root R46.
    GlobalSignR46 = 4,
    /// GlobalSign Root E46.
    GlobalSignE46 = 5,
}

/// A root certificate.
#[derive(Clone, Copy, Debug)]
pub struct Root {
    /// Which one.
    pub id: RootId,
    /// Its name as trust stores list it (the subject's CN, or for R6 its OU),
    /// NUL-terminated.
    pub name: &'static str,
    /// PEM text, NUL-terminated.
    pub pem: &'static str,
    /// DER bytes.
    pub der: &'static [u8],
    /// notAfter, seconds since the epoch (UTC).
    pub not_after: u64,
    /// notAfter as `YYYY-MM-DDTHH:MM:SSZ`, NUL-terminated.
    pub not_after_utc: &'static str,
}

impl Root {
    /// The PEM text without the NUL.
    pub fn pem_text(&self) -> &'static str {
        self.pem.strip_suffix('\0').unwrap_or(self.pem)
    }
}

macro_rules! root {
    ($id:ident, $name:literal, $file:literal, $not_after:literal, $utc:literal) => {
        Root {
            id: RootId::$id,
            name: concat!($name, "\0"),
            pem: concat!(include_str!(concat!("certs/", $file, ".pem")), "\0"),
            der: include_bytes!(concat!("certs/", $file, ".der")),
            not_after: $not_after,
            not_after_utc: concat!($utc, "\0"),
        }
    };
}

/// In C value order (index = value - 1).
static ROOTS: [Root; 5] = [
    root!(
        GlobalSignR1,
        "GlobalSign Root CA",
        "globalsign_root_ca",
        1_832_673_600,
        "2028-01-28T12:00:00Z"
    ),
    root!(
        AliyunIot,
        "Aliyun IoT Root CA",
        "aliyun_iot_root_ca",
        2_635_223_818,
        "2053-07-04T06:36:58Z"
    ),
    root!(
        GlobalSignR6,
        "GlobalSign Root CA - R6",
        "globalsign_root_r6",
        2_049_321_600,
        "2034-12-10T00:00:00Z"
    ),
    root!(
        GlobalSignR46,
        "GlobalSign Root R46",
        "globalsign_root_r46",
        2_405_116_800,
        "2046-03-20T00:00:00Z"
    ),
    root!(
        GlobalSignE46,
        "GlobalSign Root E46",
        "globalsign_root_e46",
        2_405_116_800,
        "2046-03-20T00:00:00Z"
    ),
];

/// Every embedded root, in C value order.
pub fn roots() -> &'static [Root] {
    &ROOTS
}

/// The root with this C value.
pub fn root(value: u32) -> Option<&'static Root> {
    ROOTS.iter().find(|r| r.id as u32 == value)
}

/// An endpoint kind (PROTOCOL.md §2). The numbers are the C values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The public instance's host `{pk}.iot-as-mqtt.{region}.aliyuncs.com`.
    Public = 1,
    /// An instance host `{instanceId}.mqtt.iothub.aliyuncs.com`.
    Instance = 2,
    /// The IPv6 host.
    Ipv6 = 3,
    /// The HTTPS authentication host `iot-auth.{region}.aliyuncs.com`.
    HttpsAuth = 4,
    /// The public host's WebSocket endpoint (`wss://`).
    WebSocket = 5,
}

/// What a TLS connection to an endpoint needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndpointTls {
    /// The roots its certificate chains to today: bit `1 << RootId`.
    pub roots: u32,
    /// Roots to carry as well for when those expire (GlobalSign's
    /// successors, which the vendor's SDK bundles): bit `1 << RootId`.
    pub successors: u32,
    /// The TLS port.
    pub port: u16,
}

const fn bit(id: RootId) -> u32 {
    1 << id as u32
}

const GLOBALSIGN_SUCCESSORS: u32 =
    bit(RootId::GlobalSignR6) | bit(RootId::GlobalSignR46) | bit(RootId::GlobalSignE46);

/// Indexed by the C value: the table of PROTOCOL.md §8.
static ENDPOINTS: [(Endpoint, EndpointTls); 5] = [
    (Endpoint::Public, globalsign(ALIYUN_MQTT_PORT)),
    (
        Endpoint::Instance,
        EndpointTls {
            roots: bit(RootId::AliyunIot),
            successors: 0,
            port: ALIYUN_MQTT_INSTANCE_TLS_PORT,
        },
    ),
    (Endpoint::Ipv6, globalsign(ALIYUN_MQTT_PORT)),
    (Endpoint::HttpsAuth, globalsign(ALIYUN_MQTT_HTTPS_PORT)),
    (
        Endpoint::WebSocket,
        globalsign(crate::limits::ALIYUN_MQTT_WEBSOCKET_PORT),
    ),
];

const fn globalsign(port: u16) -> EndpointTls {
    EndpointTls {
        roots: bit(RootId::GlobalSignR1),
        successors: GLOBALSIGN_SUCCESSORS,
        port,
    }
}

/// The roots and port of the endpoint kind with this C value.
pub fn endpoint_tls(value: u32) -> Option<EndpointTls> {
    ENDPOINTS
        .iter()
        .find(|(e, _)| *e as u32 == value)
        .map(|(_, tls)| *tls)
}
