//! Broker host names (SPEC 2).

use crate::status::Error;
use crate::validate;
use crate::writer::emit;

/// Writes the public instance's MQTT host
/// `{productKey}.iot-as-mqtt.{regionId}.aliyuncs.com` and a NUL into `out`.
pub fn host(product_key: &[u8], region_id: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    validate::product_key(product_key)?;
    validate::region(region_id)?;
    emit(
        out,
        &[product_key, b".iot-as-mqtt.", region_id, b".aliyuncs.com"],
    )
}
