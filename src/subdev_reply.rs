//! Parsers of the `_reply` messages of PROTOCOL.md §6.5:
//! `{"id":"..","code":200,"message":"..","data":..}`, where `data` names
//! the sub-devices the reply is about, and for a registration by product
//! carries their DeviceSecrets. The JSON rules and statuses are those of
//! the other reply parsers ([`crate::reply`]), but a reply may be up to
//! [`crate::subdev::ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN`] bytes long (one
//! sub-device object in it still at most `ALIYUN_MQTT_REPLY_MAX_LEN`).

use crate::json::{self, Value};
use crate::limits::*;
use crate::reply::{envelope_within, text, Text};
use crate::status::aliyun_mqtt_status as S;
use crate::subdev::{ALIYUN_MQTT_SUBDEV_BATCH_MAX, ALIYUN_MQTT_SUBDEV_REPLY_MAX_LEN as MAX_LEN};
use crate::validate;

/// Where the sub-devices of a product registration reply are.
pub const REGISTERED: [&[u8]; 2] = [b"data", b"successes"];
/// Where the sub-devices it could not register are.
pub const FAILED: [&[u8]; 2] = [b"data", b"failures"];

/// A sub-device named in a reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubDeviceId {
    /// `productKey`.
    pub product_key: Text<ALIYUN_MQTT_PRODUCT_KEY_SIZE>,
    /// `deviceName`.
    pub device_name: Text<ALIYUN_MQTT_DEVICE_NAME_SIZE>,
}

/// A sub-device registered by product, with its DeviceSecret.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubDeviceSecret {
    /// `productKey`.
    pub product_key: Text<ALIYUN_MQTT_PRODUCT_KEY_SIZE>,
    /// `deviceName`.
    pub device_name: Text<ALIYUN_MQTT_DEVICE_NAME_SIZE>,
    /// `deviceSecret`: store it, then log the sub-device in with it.
    pub device_secret: Text<ALIYUN_MQTT_DEVICE_SECRET_SIZE>,
}

/// The reply to a topology, login or logout message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubDeviceReply {
    /// `id`: the request's message id.
    pub id: u32,
    /// `code`: 200 on success.
    pub code: i32,
    /// `message`, cut at a character boundary if longer.
    pub message: Text<ALIYUN_MQTT_MESSAGE_SIZE>,
    /// How many sub-devices `data` names.
    pub count: usize,
    /// They, in the reply's order.
    pub devices: [SubDeviceId; ALIYUN_MQTT_SUBDEV_BATCH_MAX],
}

impl Default for SubDeviceReply {
    fn default() -> Self {
        SubDeviceReply {
            id: 0,
            code: 0,
            message: Text::new(),
            count: 0,
            devices: [SubDeviceId::default(); ALIYUN_MQTT_SUBDEV_BATCH_MAX],
        }
    }
}

/// The reply to a registration by product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProductRegisterReply {
    /// `id`.
    pub id: u32,
    /// `code`.
    pub code: i32,
    /// `message`.
    pub message: Text<ALIYUN_MQTT_MESSAGE_SIZE>,
    /// How many sub-devices `data.successes` holds.
    pub count: usize,
    /// They, with their DeviceSecrets.
    pub devices: [SubDeviceSecret; ALIYUN_MQTT_SUBDEV_BATCH_MAX],
    /// How many `data.failures` names.
    pub failed_count: usize,
    /// They.
    pub failed: [SubDeviceId; ALIYUN_MQTT_SUBDEV_BATCH_MAX],
}

impl Default for ProductRegisterReply {
    fn default() -> Self {
        ProductRegisterReply {
            id: 0,
            code: 0,
            message: Text::new(),
            count: 0,
            devices: [SubDeviceSecret::default(); ALIYUN_MQTT_SUBDEV_BATCH_MAX],
            failed_count: 0,
            failed: [SubDeviceId::default(); ALIYUN_MQTT_SUBDEV_BATCH_MAX],
        }
    }
}

/// `id`: a string of decimal digits (or an integer) within u32.
fn message_id(json: &[u8]) -> Result<u32, S> {
    let digits = match json::find_within(json, &[b"id"], MAX_LEN)? {
        Some(Value::Str(raw) | Value::Num(raw)) => raw,
        Some(Value::Other) => return Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        None => return Err(S::ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD),
    };
    crate::ntp::decimal_u64(digits)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED)
}

/// `productKey` and `deviceName` of the object `json`.
fn named(json: &[u8], out: &mut SubDeviceId) -> Result<(), S> {
    text(
        json,
        &[b"productKey"],
        &mut out.product_key,
        validate::product_key,
    )?;
    text(
        json,
        &[b"deviceName"],
        &mut out.device_name,
        validate::device_name,
    )
}

/// Calls `each` with the index and text of every element of the array
/// `raw`; more than [`ALIYUN_MQTT_SUBDEV_BATCH_MAX`] is `REPLY_TOO_LARGE`.
/// Returns the count.
#[allow(clippy::arithmetic_side_effects)] // n <= 50
fn each_element(
    raw: &[u8],
    mut each: impl FnMut(usize, &[u8]) -> Result<(), S>,
) -> Result<usize, S> {
    let mut n = 0;
    json::elements(raw, |element| {
        if n == ALIYUN_MQTT_SUBDEV_BATCH_MAX {
            return Err(S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE);
        }
        each(n, element)?;
        n += 1;
        Ok(true)
    })?;
    Ok(n)
}

/// Whether the value `raw` is `null`.
fn is_null(raw: &[u8]) -> bool {
    raw == b"null"
}

/// Parses the reply to `topo/add`, `topo/delete`, `combine/login`,
/// `combine/batch_login`, `combine/logout` or `combine/batch_logout`.
/// `data` may be absent, `null` or `{}` (no sub-device), an object with
/// `productKey` and `deviceName` (one), or an array of such objects (at
/// most 50). `data` is read whatever the code, so a refusal names the
/// sub-devices it lists.
///
/// `ALIYUN_MQTT_ERR_SERVER_REFUSED` when `code` is not 200, with every
/// field kept; on any other error `out` is zeroed.
pub fn parse_subdev_reply(json: &[u8], out: &mut SubDeviceReply) -> Result<(), S> {
    *out = SubDeviceReply::default();
    let result = (|| {
        out.id = message_id(json)?;
        let code = envelope_within(json, MAX_LEN, &mut out.code, &mut out.message);
        if code != Err(S::ALIYUN_MQTT_ERR_SERVER_REFUSED) {
            code?;
        }
        let devices = &mut out.devices;
        out.count = match json::find_raw_within(json, &[b"data"], MAX_LEN)? {
            None => 0,
            Some(raw) if is_null(raw) => 0,
            Some(raw) if raw.first() == Some(&b'[') => each_element(raw, |i, element| {
                let slot = devices
                    .get_mut(i)
                    .ok_or(S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE)?;
                named(element, slot)
            })?,
            Some(raw) if raw.first() == Some(&b'{') => {
                let empty = json::find(raw, &[b"productKey"])?.is_none()
                    && json::find(raw, &[b"deviceName"])?.is_none();
                if empty {
                    0
                } else {
                    let first = devices
                        .first_mut()
                        .ok_or(S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE)?;
                    named(raw, first)?;
                    1
                }
            }
            Some(_) => return Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
        };
        code
    })();
    keep_if_refused(result, out)
}

/// Parses the reply to `thing/proxy/provisioning/product_register`:
/// `data.successes`, an array of objects with `productKey`, `deviceName`
/// and `deviceSecret` (checked as in §1.7), and `data.failures`, an array
/// of objects naming the sub-devices not registered; either may be absent,
/// and so may `data`. Statuses as for [`parse_subdev_reply`].
pub fn parse_product_register_reply(json: &[u8], out: &mut ProductRegisterReply) -> Result<(), S> {
    *out = ProductRegisterReply::default();
    let result = (|| {
        out.id = message_id(json)?;
        let code = envelope_within(json, MAX_LEN, &mut out.code, &mut out.message);
        if code != Err(S::ALIYUN_MQTT_ERR_SERVER_REFUSED) {
            code?;
        }
        let devices = &mut out.devices;
        out.count = match array_at(json, &REGISTERED)? {
            None => 0,
            Some(raw) => each_element(raw, |i, element| {
                let slot = devices
                    .get_mut(i)
                    .ok_or(S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE)?;
                let mut id = SubDeviceId::default();
                named(element, &mut id)?;
                slot.product_key = id.product_key;
                slot.device_name = id.device_name;
                text(
                    element,
                    &[b"deviceSecret"],
                    &mut slot.device_secret,
                    validate::device_secret,
                )
            })?,
        };
        let failed = &mut out.failed;
        out.failed_count = match array_at(json, &FAILED)? {
            None => 0,
            Some(raw) => each_element(raw, |i, element| {
                named(
                    element,
                    failed
                        .get_mut(i)
                        .ok_or(S::ALIYUN_MQTT_ERR_REPLY_TOO_LARGE)?,
                )
            })?,
        };
        code
    })();
    keep_if_refused(result, out)
}

/// The array at `path` (absent or `null`: none; another type: malformed).
fn array_at<'a>(json: &'a [u8], path: &[&[u8]]) -> Result<Option<&'a [u8]>, S> {
    match json::find_raw_within(json, path, MAX_LEN)? {
        None => Ok(None),
        Some(raw) if is_null(raw) => Ok(None),
        Some(raw) if raw.first() == Some(&b'[') => Ok(Some(raw)),
        Some(_) => Err(S::ALIYUN_MQTT_ERR_REPLY_MALFORMED),
    }
}

/// Zeroes `out` on every error but `SERVER_REFUSED`.
fn keep_if_refused<T: Default>(result: Result<(), S>, out: &mut T) -> Result<(), S> {
    if matches!(result, Err(status) if status != S::ALIYUN_MQTT_ERR_SERVER_REFUSED) {
        *out = T::default();
    }
    result
}
