//! The C ABI of PROTOCOL.md §6: the gateway's topics, the sub-device
//! message payloads and the parsers of their replies. The conventions of
//! the parent module hold for every function here.

use core::ffi::c_char;

use super::platform::{copy_text, reply_bytes_within, status_of};
use super::{c_str, fill_object, output, required_str, Writes, S};
use crate::limits::*;
use crate::message::{self, Entries, Entry, Field, Format, Header};
use crate::sign::{SignMethod, MAX_DIGEST_LEN};
use crate::status::aliyun_mqtt_status;
use crate::subdev::ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN;
use crate::subdev::{self, ALIYUN_MQTT_SUBDEV_BATCH_MAX, ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN};
use crate::subdev_reply::{self, SubDeviceId};
use crate::topic::{self, Topic};

/// Topics (PROTOCOL.md §6, §7), the values of `aliyun_mqtt_topic`'s `topic`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aliyun_mqtt_topic_kind {
    /// `/sys/{pk}/{dn}/thing/topo/add`.
    ALIYUN_MQTT_TOPIC_TOPO_ADD = 1,
    /// `/sys/{pk}/{dn}/thing/topo/add_reply`.
    ALIYUN_MQTT_TOPIC_TOPO_ADD_REPLY = 2,
    /// `/sys/{pk}/{dn}/thing/topo/delete`.
    ALIYUN_MQTT_TOPIC_TOPO_DELETE = 3,
    /// `/sys/{pk}/{dn}/thing/topo/delete_reply`.
    ALIYUN_MQTT_TOPIC_TOPO_DELETE_REPLY = 4,
    /// `/ext/session/{pk}/{dn}/combine/login`.
    ALIYUN_MQTT_TOPIC_LOGIN = 5,
    /// `/ext/session/{pk}/{dn}/combine/login_reply`.
    ALIYUN_MQTT_TOPIC_LOGIN_REPLY = 6,
    /// `/ext/session/{pk}/{dn}/combine/batch_login`.
    ALIYUN_MQTT_TOPIC_BATCH_LOGIN = 7,
    /// `/ext/session/{pk}/{dn}/combine/batch_login_reply`.
    ALIYUN_MQTT_TOPIC_BATCH_LOGIN_REPLY = 8,
    /// `/ext/session/{pk}/{dn}/combine/logout`.
    ALIYUN_MQTT_TOPIC_LOGOUT = 9,
    /// `/ext/session/{pk}/{dn}/combine/logout_reply`.
    ALIYUN_MQTT_TOPIC_LOGOUT_REPLY = 10,
    /// `/ext/session/{pk}/{dn}/combine/batch_logout`.
    ALIYUN_MQTT_TOPIC_BATCH_LOGOUT = 11,
    /// `/ext/session/{pk}/{dn}/combine/batch_logout_reply`.
    ALIYUN_MQTT_TOPIC_BATCH_LOGOUT_REPLY = 12,
    /// `/sys/{pk}/{dn}/thing/proxy/provisioning/product_register`.
    ALIYUN_MQTT_TOPIC_PRODUCT_REGISTER = 13,
    /// `/sys/{pk}/{dn}/thing/proxy/provisioning/product_register_reply`.
    ALIYUN_MQTT_TOPIC_PRODUCT_REGISTER_REPLY = 14,
    /// `/ext/ntp/{pk}/{dn}/request`.
    ALIYUN_MQTT_TOPIC_NTP_REQUEST = 15,
    /// `/ext/ntp/{pk}/{dn}/response`.
    ALIYUN_MQTT_TOPIC_NTP_RESPONSE = 16,
}

/// Writes a topic of the device `product_key`/`device_name`: the gateway's
/// own for the sub-device messages (the ProductKey and DeviceName inside
/// the payload are the sub-device's), the device's own for NTP.
/// `ALIYUN_MQTT_TOPIC_SIZE` always fits.
///
/// - `topic`: an `aliyun_mqtt_topic_kind`.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL`,
/// `..._INVALID_TOPIC`, `..._INVALID_PRODUCT_KEY` or
/// `..._INVALID_DEVICE_NAME`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `buf` is NULL or writable for
/// `cap` bytes; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_topic(
    topic: u32,
    product_key: *const c_char,
    device_name: *const c_char,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract (see `# Safety`).
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| {
                let kind = Topic::from_u32(topic).ok_or(S::ALIYUN_MQTT_ERR_INVALID_TOPIC)?;
                let pk = required_str(
                    product_key,
                    ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
                    w,
                )?;
                let dn = required_str(
                    device_name,
                    ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
                    w,
                )?;
                Ok((kind, pk, dn))
            },
            |(kind, pk, dn), out| topic::topic(kind, pk, dn, out),
        )
    }
}

/// A sub-device of a gateway message (PROTOCOL.md §6). Zero-filled is a
/// valid start: no client id, timestamp 0, `cleanSession` false.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_subdev {
    /// The sub-device's ProductKey. Required.
    pub product_key: *const c_char,
    /// The sub-device's DeviceName. Required.
    pub device_name: *const c_char,
    /// The sub-device's DeviceSecret: required for login and topology add;
    /// not read by logout and topology delete.
    pub device_secret: *const c_char,
    /// The client id written into the payload and signed as written, 1 to
    /// `ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN` printable ASCII other than
    /// `"` and `\` (`pk.dn|_ss=1|` is fine); NULL or "" means
    /// `productKey.deviceName`.
    pub client_id: *const c_char,
    /// Milliseconds since the epoch, written and signed in decimal.
    pub timestamp_ms: u64,
    /// `cleanSession` of a login.
    pub clean_session: bool,
    /// For a DeviceSecret the library never sees (two-phase signing): NULL,
    /// or the caller's MAC of `aliyun_mqtt_subdev_signed_content`'s bytes by
    /// the message's method, `digest_len` bytes (16, 20 or 32). When set it
    /// is the sign and `device_secret` is not read.
    pub digest: *const u8,
    /// Length of `digest`.
    pub digest_len: usize,
}

/// A sub-device registered by its product's ProductSecret.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_subdev_registration {
    /// ProductKey. Required.
    pub product_key: *const c_char,
    /// DeviceName. Required.
    pub device_name: *const c_char,
    /// The product's ProductSecret. Required.
    pub product_secret: *const c_char,
    /// 1 to 32 letters and digits from the gateway's RNG. Required.
    pub random: *const c_char,
    /// For a ProductSecret the library never sees: NULL, or the caller's
    /// MAC of `aliyun_mqtt_subdev_registration_signed_content`'s bytes,
    /// `digest_len` bytes. When set it is the sign and `product_secret` is
    /// not read.
    pub digest: *const u8,
    /// Length of `digest`.
    pub digest_len: usize,
}

/// A C array of `count` sub-devices, read entry by entry: every string is
/// checked against the call's outputs `w` as it is read.
struct CArray<T> {
    items: *const T,
    count: usize,
    format: Format,
    w: Writes,
    /// Whether the secrets are read (not for the signed content).
    secrets: bool,
}

impl<T> CArray<T> {
    /// The array, checked to lie apart from the outputs.
    ///
    /// # Safety
    /// `items` is NULL or points to `count` readable items whose strings are
    /// NULL or NUL-terminated, for as long as the result is used.
    unsafe fn new(items: *const T, count: usize, format: Format, w: &Writes) -> Result<Self, S> {
        if items.is_null() {
            return Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT);
        }
        w.check_bytes(items, count.saturating_mul(size_of::<T>()))?;
        Ok(CArray {
            items,
            count,
            format,
            w: *w,
            secrets: true,
        })
    }

    /// Item `i`; `None` past the end.
    fn item(&self, i: usize) -> Option<&T> {
        if i >= self.count {
            return None;
        }
        // SAFETY: `items` points to `count` readable items (the contract of
        // `new`), and i < count.
        unsafe { self.items.add(i).as_ref() }
    }

    /// The string `p` of at most `max` bytes, when the format writes
    /// `field` (else "", unread). NULL is "" for an optional string (the
    /// client id), else `ERR_NULL_ARGUMENT`.
    fn string<'a>(
        &self,
        p: *const c_char,
        max: usize,
        err: S,
        field: Field,
    ) -> Result<&'a [u8], S> {
        if !message::uses(self.format, field) {
            return Ok(b"");
        }
        // SAFETY: the strings of the items are NULL or NUL-terminated (the
        // contract of `new`).
        match unsafe { c_str(p, max, err, &self.w) }? {
            Some(s) => Ok(s),
            None if field == Field::ClientId => Ok(b""),
            None => Err(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT),
        }
    }
}

impl<T> CArray<T> {
    /// The digest `p` of `len` bytes when the format signs (else "",
    /// unread). Longer than any method's is `ERR_INVALID_DIGEST`, unread.
    fn digest<'a>(&self, p: *const u8, len: usize) -> Result<&'a [u8], S> {
        let signs = message::uses(self.format, Field::Sign)
            || message::uses(self.format, Field::RegisterSign);
        if p.is_null() || !signs {
            return Ok(b"");
        }
        if len == 0 || len > MAX_DIGEST_LEN {
            return Err(S::ALIYUN_MQTT_ERR_INVALID_DIGEST);
        }
        self.w.check_bytes(p, len)?;
        // SAFETY: `p` is not NULL and readable for `len` bytes (the contract
        // of `new`); no output overlaps it (checked above).
        Ok(unsafe { core::slice::from_raw_parts(p, len) })
    }
}

impl Entries for CArray<aliyun_mqtt_subdev> {
    fn count(&self) -> usize {
        self.count
    }

    fn entry(&self, i: usize) -> Result<Entry<'_>, S> {
        let sub = self.item(i).ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)?;
        let product_key = self.string(
            sub.product_key,
            ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
            Field::ProductKey,
        )?;
        let device_name = self.string(
            sub.device_name,
            ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
            Field::DeviceName,
        )?;
        let digest = self.digest(sub.digest, sub.digest_len)?;
        Ok(Entry {
            product_key,
            device_name,
            secret: match digest.is_empty() && self.secrets {
                true => self.string(
                    sub.device_secret,
                    ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET,
                    Field::Sign,
                )?,
                false => b"",
            },
            digest,
            client_id: self.string(
                sub.client_id,
                ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN,
                S::ALIYUN_MQTT_ERR_INVALID_CLIENT_ID,
                Field::ClientId,
            )?,
            timestamp_ms: sub.timestamp_ms,
            clean_session: sub.clean_session,
            random: b"",
        })
    }
}

impl Entries for CArray<aliyun_mqtt_subdev_registration> {
    fn count(&self) -> usize {
        self.count
    }

    fn entry(&self, i: usize) -> Result<Entry<'_>, S> {
        let reg = self.item(i).ok_or(S::ALIYUN_MQTT_ERR_NULL_ARGUMENT)?;
        let product_key = self.string(
            reg.product_key,
            ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY,
            Field::ProductKey,
        )?;
        let device_name = self.string(
            reg.device_name,
            ALIYUN_MQTT_DEVICE_NAME_MAX_LEN,
            S::ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME,
            Field::DeviceName,
        )?;
        let digest = self.digest(reg.digest, reg.digest_len)?;
        Ok(Entry {
            product_key,
            device_name,
            secret: match digest.is_empty() && self.secrets {
                true => self.string(
                    reg.product_secret,
                    ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN,
                    S::ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET,
                    Field::RegisterSign,
                )?,
                false => b"",
            },
            digest,
            random: self.string(
                reg.random,
                ALIYUN_MQTT_RANDOM_MAX_LEN,
                S::ALIYUN_MQTT_ERR_INVALID_RANDOM,
                Field::Random,
            )?,
            ..Entry::default()
        })
    }
}

/// The payload of `format` for the C array `items` of `count` entries.
///
/// # Safety
/// `items` is NULL or points to `count` readable entries whose strings are
/// NULL or NUL-terminated; `buf`, `cap`, `out_len` as for
/// `aliyun_mqtt_client_id`.
#[allow(clippy::too_many_arguments)]
unsafe fn payload<T>(
    format: Format,
    id: u32,
    sign_method: u32,
    items: *const T,
    count: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status
where
    CArray<T>: Entries,
{
    // SAFETY: forwarded contract.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| {
                let array = CArray::new(items, count, format, w)?;
                // Every string an entry gives is checked against the outputs
                // before anything is written (an overlap leaves them
                // untouched); the other errors are the writer's to report,
                // in its order.
                if count <= ALIYUN_MQTT_SUBDEV_BATCH_MAX {
                    for i in 0..count {
                        match array.entry(i) {
                            Ok(_) => {}
                            Err(S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS) => {
                                return Err(S::ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS)
                            }
                            // The writer stops here too.
                            Err(_) => break,
                        }
                    }
                }
                Ok(array)
            },
            |entries, out| {
                let header = Header {
                    id,
                    sign_method: SignMethod::from_u32(sign_method)
                        .ok_or(S::ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD)?,
                    device_send_time: 0,
                };
                message::write(format, &header, &entries, out)
            },
        )
    }
}

/// The method of messages that sign nothing (not read).
const UNSIGNED: u32 = SignMethod::HmacSha256 as u32;

/// Writes the payload that adds sub-devices to the gateway's topology
/// (PROTOCOL.md §6.2), to publish on `ALIYUN_MQTT_TOPIC_TOPO_ADD`:
/// `{"id":"<id>","version":"1.0","params":[{"productKey":..,"deviceName":..,
/// "clientId":..,"timestamp":..,"signmethod":..,"sign":..},...],
/// "method":"thing.topo.add"}`, each `sign` the hex HMAC under the
/// sub-device's DeviceSecret of `clientId{cid}deviceName{dn}productKey{pk}
/// timestamp{ts}`. `ALIYUN_MQTT_SUBDEV_TOPO_ADD_SIZE` always fits.
///
/// - `id`: the message id (decimal in the payload; its reply carries it).
/// - `sign_method`: `ALIYUN_MQTT_HMAC_MD5`, `..._HMAC_SHA1` or
///   `..._HMAC_SHA256`, for every entry.
/// - `subs`, `count`: 1 to `ALIYUN_MQTT_SUBDEV_BATCH_MAX` sub-devices.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL`,
/// `..._INVALID_SIGN_METHOD` (also `ALIYUN_MQTT_SHA256`), `..._BATCH_SIZE`,
/// or the first bad field of the first bad entry:
/// `..._INVALID_PRODUCT_KEY`, `..._INVALID_DEVICE_NAME`,
/// `..._INVALID_DEVICE_SECRET`, `..._INVALID_CLIENT_ID`.
///
/// # Safety
/// `subs` is NULL or points to `count` readable sub-devices whose strings
/// are NULL or NUL-terminated; `buf` is NULL or writable for `cap` bytes;
/// `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_topo_add(
    id: u32,
    sign_method: u32,
    subs: *const aliyun_mqtt_subdev,
    count: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract.
    unsafe {
        payload(
            subdev::TOPO_ADD,
            id,
            sign_method,
            subs,
            count,
            buf,
            cap,
            out_len,
        )
    }
}

/// Writes the payload that removes sub-devices from the topology
/// (`ALIYUN_MQTT_TOPIC_TOPO_DELETE`): `{"id":..,"version":"1.0","params":
/// [{"productKey":..,"deviceName":..},...],"method":"thing.topo.delete"}`.
/// Only the ProductKey and DeviceName of each entry are read.
/// `ALIYUN_MQTT_SUBDEV_TOPO_DELETE_SIZE` always fits. Statuses as for
/// `aliyun_mqtt_subdev_topo_add`, without the sign method and secret.
///
/// # Safety
/// As for `aliyun_mqtt_subdev_topo_add`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_topo_delete(
    id: u32,
    subs: *const aliyun_mqtt_subdev,
    count: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract.
    unsafe {
        payload(
            subdev::TOPO_DELETE,
            id,
            UNSIGNED,
            subs,
            count,
            buf,
            cap,
            out_len,
        )
    }
}

/// Writes the payload that logs one sub-device in
/// (`ALIYUN_MQTT_TOPIC_LOGIN`): `{"id":..,"params":{"productKey":..,
/// "deviceName":..,"clientId":..,"timestamp":..,"signMethod":..,"sign":..,
/// "cleanSession":"true"|"false"}}`, `sign` as for topology add.
/// `ALIYUN_MQTT_SUBDEV_LOGIN_SIZE` always fits. Statuses as for
/// `aliyun_mqtt_subdev_topo_add`.
///
/// # Safety
/// `sub` is NULL or a readable sub-device whose strings are NULL or
/// NUL-terminated; `buf`, `out_len` as for `aliyun_mqtt_subdev_topo_add`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_login(
    id: u32,
    sign_method: u32,
    sub: *const aliyun_mqtt_subdev,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract.
    unsafe { payload(subdev::LOGIN, id, sign_method, sub, 1, buf, cap, out_len) }
}

/// Writes the payload that logs up to `ALIYUN_MQTT_SUBDEV_BATCH_MAX`
/// sub-devices in (`ALIYUN_MQTT_TOPIC_BATCH_LOGIN`): `{"id":..,
/// "version":"1.0","params":{"signMethod":..,"deviceList":[{"productKey":..,
/// "deviceName":..,"clientId":..,"timestamp":..,"cleanSession":..,
/// "sign":..},...]}}`. `ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE` always fits.
/// Statuses as for `aliyun_mqtt_subdev_topo_add`.
///
/// # Safety
/// As for `aliyun_mqtt_subdev_topo_add`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_batch_login(
    id: u32,
    sign_method: u32,
    subs: *const aliyun_mqtt_subdev,
    count: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract.
    unsafe {
        payload(
            subdev::BATCH_LOGIN,
            id,
            sign_method,
            subs,
            count,
            buf,
            cap,
            out_len,
        )
    }
}

/// Writes the payload that logs one sub-device out
/// (`ALIYUN_MQTT_TOPIC_LOGOUT`): `{"id":..,"params":{"productKey":..,
/// "deviceName":..}}`. Only the ProductKey and DeviceName are read.
/// `ALIYUN_MQTT_SUBDEV_LOGOUT_SIZE` always fits. Statuses as for
/// `aliyun_mqtt_subdev_topo_delete`.
///
/// # Safety
/// As for `aliyun_mqtt_subdev_login`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_logout(
    id: u32,
    sub: *const aliyun_mqtt_subdev,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract.
    unsafe { payload(subdev::LOGOUT, id, UNSIGNED, sub, 1, buf, cap, out_len) }
}

/// Writes the payload that logs sub-devices out
/// (`ALIYUN_MQTT_TOPIC_BATCH_LOGOUT`): `{"id":..,"version":"1.0","params":
/// [{"productKey":..,"deviceName":..},...]}`.
/// `ALIYUN_MQTT_SUBDEV_BATCH_LOGOUT_SIZE` always fits. Statuses as for
/// `aliyun_mqtt_subdev_topo_delete`.
///
/// # Safety
/// As for `aliyun_mqtt_subdev_topo_add`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_batch_logout(
    id: u32,
    subs: *const aliyun_mqtt_subdev,
    count: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract.
    unsafe {
        payload(
            subdev::BATCH_LOGOUT,
            id,
            UNSIGNED,
            subs,
            count,
            buf,
            cap,
            out_len,
        )
    }
}

/// Writes the payload that registers sub-devices by their products'
/// ProductSecret (`ALIYUN_MQTT_TOPIC_PRODUCT_REGISTER`): `{"id":..,
/// "version":"1.0","params":{"proxieds":[{"productKey":..,"deviceName":..,
/// "random":..,"signMethod":..,"sign":..},...]}}`, each `sign` the hex
/// HMAC under the ProductSecret of `deviceName{dn}productKey{pk}random{R}`
/// (PROTOCOL.md §4). `ALIYUN_MQTT_SUBDEV_PRODUCT_REGISTER_SIZE` always
/// fits. Parse the reply with `aliyun_mqtt_parse_product_register_reply`.
///
/// Returns the statuses of `aliyun_mqtt_subdev_topo_add`, with
/// `..._INVALID_PRODUCT_SECRET` and `..._INVALID_RANDOM` for the secret and
/// random of an entry.
///
/// # Safety
/// `subs` is NULL or points to `count` readable registrations whose strings
/// are NULL or NUL-terminated; `buf`, `out_len` as for
/// `aliyun_mqtt_subdev_topo_add`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_product_register(
    id: u32,
    sign_method: u32,
    subs: *const aliyun_mqtt_subdev_registration,
    count: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract.
    unsafe {
        payload(
            subdev::PRODUCT_REGISTER,
            id,
            sign_method,
            subs,
            count,
            buf,
            cap,
            out_len,
        )
    }
}

/// Two-phase signing of a sub-device (PROTOCOL.md §6.1), first phase:
/// writes the bytes its sign covers,
/// `clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}`, for the
/// caller to MAC with the sub-device's DeviceSecret wherever it is kept.
/// Put the MAC in `sub->digest` and `sub->digest_len`, and the builders
/// (`aliyun_mqtt_subdev_topo_add`, `_login`, `_batch_login`) write it as the
/// sign without reading `device_secret`. `device_secret` and `digest` are
/// not read here.
///
/// Returns `ALIYUN_MQTT_OK`, `..._NULL_ARGUMENT`, `..._BUFFER_TOO_SMALL`,
/// `..._INVALID_PRODUCT_KEY`, `..._INVALID_DEVICE_NAME`,
/// `..._INVALID_CLIENT_ID` or `..._OVERLAPPING_BUFFERS`.
///
/// # Safety
/// `sub` is NULL or a readable sub-device whose strings are NULL or
/// NUL-terminated; `buf` is NULL or writable for `cap` bytes; `out_len` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_signed_content(
    sub: *const aliyun_mqtt_subdev,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every string is checked against the
    // outputs as it is read.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| {
                let mut one = CArray::new(sub, 1, subdev::LOGIN, w)?;
                one.secrets = false;
                // Read (and checked against the outputs) before writing.
                one.entry(0)?;
                Ok(one)
            },
            |one, out| {
                let entry = one.entry(0)?;
                let sub = subdev::SubDevice {
                    product_key: entry.product_key,
                    device_name: entry.device_name,
                    client_id: Some(entry.client_id),
                    timestamp_ms: entry.timestamp_ms,
                    ..subdev::SubDevice::default()
                };
                subdev::signed_content(&sub, out)
            },
        )
    }
}

/// Two-phase signing of a registration by product, first phase: writes
/// the bytes its sign covers, `deviceName{dn}productKey{pk}random{R}`, for
/// the caller to MAC with the ProductSecret; the MAC goes in
/// `reg->digest`. `product_secret` and `digest` are not read.
///
/// Returns the statuses of `aliyun_mqtt_subdev_signed_content`, with
/// `..._INVALID_RANDOM`.
///
/// # Safety
/// As for `aliyun_mqtt_subdev_signed_content`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_subdev_registration_signed_content(
    reg: *const aliyun_mqtt_subdev_registration,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; every string is checked against the
    // outputs as it is read.
    unsafe {
        output(
            buf,
            cap,
            out_len,
            |w| {
                let mut one = CArray::new(reg, 1, subdev::PRODUCT_REGISTER, w)?;
                one.secrets = false;
                // Read (and checked against the outputs) before writing.
                one.entry(0)?;
                Ok(one)
            },
            |one, out| {
                let entry = one.entry(0)?;
                let reg = subdev::SubDeviceRegistration {
                    product_key: entry.product_key,
                    device_name: entry.device_name,
                    random: entry.random,
                    ..subdev::SubDeviceRegistration::default()
                };
                subdev::registration_signed_content(&reg, out)
            },
        )
    }
}

/// A sub-device named in a reply. Strings are NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_subdev_id {
    /// `productKey`.
    pub product_key: [c_char; ALIYUN_MQTT_PRODUCT_KEY_SIZE],
    /// `deviceName`.
    pub device_name: [c_char; ALIYUN_MQTT_DEVICE_NAME_SIZE],
}

/// A parsed reply to a topology, login or logout message.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_subdev_reply {
    /// `id`: the request's message id.
    pub id: u32,
    /// `code`: 200 on success.
    pub code: i32,
    /// `message`, cut at a character boundary if longer.
    pub message: [c_char; ALIYUN_MQTT_MESSAGE_SIZE],
    /// How many sub-devices `data` names (0 to 50).
    pub count: usize,
    /// They, in the reply's order.
    pub devices: [aliyun_mqtt_subdev_id; ALIYUN_MQTT_SUBDEV_BATCH_MAX],
}

/// A sub-device registered by product, with its DeviceSecret.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_subdev_secret {
    /// `productKey`.
    pub product_key: [c_char; ALIYUN_MQTT_PRODUCT_KEY_SIZE],
    /// `deviceName`.
    pub device_name: [c_char; ALIYUN_MQTT_DEVICE_NAME_SIZE],
    /// `deviceSecret`.
    pub device_secret: [c_char; ALIYUN_MQTT_DEVICE_SECRET_SIZE],
}

/// A parsed reply to `aliyun_mqtt_subdev_product_register`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aliyun_mqtt_product_register_reply {
    /// `id`.
    pub id: u32,
    /// `code`: 200 on success.
    pub code: i32,
    /// `message`.
    pub message: [c_char; ALIYUN_MQTT_MESSAGE_SIZE],
    /// How many sub-devices `data.successes` holds.
    pub count: usize,
    /// They, with their DeviceSecrets.
    pub devices: [aliyun_mqtt_subdev_secret; ALIYUN_MQTT_SUBDEV_BATCH_MAX],
    /// How many `data.failures` names.
    pub failed_count: usize,
    /// They.
    pub failed: [aliyun_mqtt_subdev_id; ALIYUN_MQTT_SUBDEV_BATCH_MAX],
}

fn copy_id(dst: &mut aliyun_mqtt_subdev_id, src: &SubDeviceId) {
    copy_text(&mut dst.product_key, &src.product_key);
    copy_text(&mut dst.device_name, &src.device_name);
}

/// Parses a `_reply` to a topology, login or logout message
/// (PROTOCOL.md §6.5): `{"id":"..","code":..,"message":..,"data":..}`,
/// `data` absent, `null`, `{}`, one `{"productKey":..,"deviceName":..}` or
/// an array of up to 50 of them. The JSON rules are those of
/// `aliyun_mqtt_parse_auth_reply`, but `reply` may be up to
/// `ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN` bytes (one sub-device's object at
/// most `ALIYUN_MQTT_REPLY_MAX_LEN`); it need not be NUL-terminated.
///
/// Returns `ALIYUN_MQTT_OK`; `..._SERVER_REFUSED` when `code` is not 200,
/// with every field filled (the refused sub-devices, when `data` names
/// them); or, with `*out` zeroed: `..._NULL_ARGUMENT`,
/// `..._REPLY_TRUNCATED`, `..._REPLY_MALFORMED` (also an `id` that is not
/// 0 to 4294967295 as a decimal string or integer), `..._REPLY_TOO_LARGE`
/// (longer than `ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN`, or more than 50
/// sub-devices), `..._REPLY_MISSING_FIELD` (`id`,
/// `code`, or half of a sub-device), `..._INVALID_PRODUCT_KEY`,
/// `..._INVALID_DEVICE_NAME`.
///
/// # Safety
/// `reply` is NULL or readable for `len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_parse_subdev_reply(
    reply: *const c_char,
    len: usize,
    out: *mut aliyun_mqtt_subdev_reply,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the reply is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| reply_bytes_within(reply, len, ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN, w),
            |out, json| {
                let mut parsed = subdev_reply::SubDeviceReply::default();
                let result =
                    json.and_then(|json| subdev_reply::parse_subdev_reply(json, &mut parsed));
                out.id = parsed.id;
                out.code = parsed.code;
                copy_text(&mut out.message, &parsed.message);
                out.count = parsed.count;
                for (dst, src) in out.devices.iter_mut().zip(&parsed.devices) {
                    copy_id(dst, src);
                }
                status_of(result)
            },
        )
    }
}

/// Parses the `_reply` to a registration by product (PROTOCOL.md §6.5):
/// `{"id":..,"code":..,"message":..,"data":{"successes":[{"productKey":..,
/// "deviceName":..,"deviceSecret":..},...],"failures":[{"productKey":..,
/// "deviceName":..},...]}}` (`data`, `successes` or `failures` may be
/// absent or `null`). Statuses as for `aliyun_mqtt_parse_subdev_reply`,
/// and `..._INVALID_DEVICE_SECRET`. Store each DeviceSecret and log the
/// sub-device in with it.
///
/// # Safety
/// As for `aliyun_mqtt_parse_subdev_reply`.
#[no_mangle]
pub unsafe extern "C" fn aliyun_mqtt_parse_product_register_reply(
    reply: *const c_char,
    len: usize,
    out: *mut aliyun_mqtt_product_register_reply,
) -> aliyun_mqtt_status {
    // SAFETY: forwarded contract; the reply is checked against `out`.
    unsafe {
        fill_object(
            out,
            |w| reply_bytes_within(reply, len, ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN, w),
            |out, json| {
                let mut parsed = subdev_reply::ProductRegisterReply::default();
                let result = json
                    .and_then(|json| subdev_reply::parse_product_register_reply(json, &mut parsed));
                out.id = parsed.id;
                out.code = parsed.code;
                copy_text(&mut out.message, &parsed.message);
                out.count = parsed.count;
                for (dst, src) in out.devices.iter_mut().zip(&parsed.devices) {
                    copy_text(&mut dst.product_key, &src.product_key);
                    copy_text(&mut dst.device_name, &src.device_name);
                    copy_text(&mut dst.device_secret, &src.device_secret);
                }
                out.failed_count = parsed.failed_count;
                for (dst, src) in out.failed.iter_mut().zip(&parsed.failed) {
                    copy_id(dst, src);
                }
                status_of(result)
            },
        )
    }
}
