//! Input limits and output buffer sizes, exported to C so firmware can
//! allocate statically. `*_MAX_LEN` is a string length without the NUL;
//! `*_SIZE` is a buffer size in bytes that always suffices, NUL included.

/// Longest accepted ProductKey (the vendor SDK's limit).
pub const ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN: usize = 20;
/// Shortest accepted DeviceName (SPEC 1).
pub const ALIYUN_MQTT_DEVICE_NAME_MIN_LEN: usize = 4;
/// Longest accepted DeviceName (SPEC 1).
pub const ALIYUN_MQTT_DEVICE_NAME_MAX_LEN: usize = 32;
/// Longest accepted DeviceSecret (the vendor SDK's limit).
pub const ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN: usize = 64;
/// Longest accepted caller client id (SPEC 1: at most 64 characters).
pub const ALIYUN_MQTT_CLIENT_ID_MAX_LEN: usize = 64;
/// Longest accepted `extra_params` string.
pub const ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN: usize = 128;
/// Longest accepted region id.
pub const ALIYUN_MQTT_REGION_MAX_LEN: usize = 32;

/// Longest MQTT client identifier the verifier reads.
pub const ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN: usize = 512;
/// Buffer size of a ProductKey with its NUL.
pub const ALIYUN_MQTT_PRODUCT_KEY_SIZE: usize = 21;
/// Buffer size of a DeviceName with its NUL.
pub const ALIYUN_MQTT_DEVICE_NAME_SIZE: usize = 33;
/// Buffer size of a device's own client id (the part before `|`) with its NUL.
pub const ALIYUN_MQTT_DEVICE_CLIENT_ID_SIZE: usize = 65;

/// Buffer size for any MQTT client identifier the library writes.
pub const ALIYUN_MQTT_CLIENT_ID_SIZE: usize = 262;
/// Buffer size for any MQTT user name the library writes.
pub const ALIYUN_MQTT_USERNAME_SIZE: usize = 54;
/// Buffer size for any MQTT password the library writes (64 hex digits).
pub const ALIYUN_MQTT_PASSWORD_SIZE: usize = 65;
/// Buffer size for any host name `aliyun_mqtt_host` writes.
pub const ALIYUN_MQTT_HOST_SIZE: usize = 79;

/// MQTT port of the public instance, for TCP and TLS alike (SPEC 2).
pub const ALIYUN_MQTT_PORT: u16 = 1883;
/// Smallest keep-alive the platform accepts, in seconds.
pub const ALIYUN_MQTT_KEEPALIVE_MIN: u32 = 30;
/// Largest keep-alive the platform accepts, in seconds.
pub const ALIYUN_MQTT_KEEPALIVE_MAX: u32 = 1200;

/// Major version (kept equal to Cargo.toml by a test).
pub const ALIYUN_MQTT_VERSION_MAJOR: u32 = 0;
/// Minor version (kept equal to Cargo.toml by a test).
pub const ALIYUN_MQTT_VERSION_MINOR: u32 = 1;
/// Patch version (kept equal to Cargo.toml by a test).
pub const ALIYUN_MQTT_VERSION_PATCH: u32 = 0;
/// MAJOR * 10000 + MINOR * 100 + PATCH (kept in sync by a test).
pub const ALIYUN_MQTT_VERSION_NUMBER: u32 = 100;

// The literals above are what C sees; these checks tie them to the formats.
const LONGEST_MODE: usize = 2; // "-2"
const LONGEST_METHOD: usize = b"hmacsha256".len();
const U64_DIGITS: usize = 20;
const _: () = assert!(
    ALIYUN_MQTT_CLIENT_ID_SIZE
        == ALIYUN_MQTT_CLIENT_ID_MAX_LEN
            + b"|securemode=".len()
            + LONGEST_MODE
            + b",signmethod=".len()
            + LONGEST_METHOD
            + b",timestamp=".len()
            + U64_DIGITS
            + b",".len()
            + ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN
            + b"|".len()
            + 1
);
const _: () = assert!(
    ALIYUN_MQTT_USERNAME_SIZE
        == ALIYUN_MQTT_DEVICE_NAME_MAX_LEN + 1 + ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN + 1
);
const _: () = assert!(ALIYUN_MQTT_PASSWORD_SIZE == 2 * 32 + 1);
const _: () = assert!(ALIYUN_MQTT_PRODUCT_KEY_SIZE == ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN + 1);
const _: () = assert!(ALIYUN_MQTT_DEVICE_NAME_SIZE == ALIYUN_MQTT_DEVICE_NAME_MAX_LEN + 1);
const _: () = assert!(ALIYUN_MQTT_DEVICE_CLIENT_ID_SIZE == ALIYUN_MQTT_CLIENT_ID_MAX_LEN + 1);
const _: () = assert!(
    ALIYUN_MQTT_HOST_SIZE
        == ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
            + b".iot-as-mqtt.".len()
            + ALIYUN_MQTT_REGION_MAX_LEN
            + b".aliyuncs.com".len()
            + 1
);
const _: () = assert!(
    ALIYUN_MQTT_VERSION_NUMBER
        == ALIYUN_MQTT_VERSION_MAJOR * 10000
            + ALIYUN_MQTT_VERSION_MINOR * 100
            + ALIYUN_MQTT_VERSION_PATCH
);
