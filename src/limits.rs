//! Input limits and output buffer sizes, exported to C so firmware can
//! allocate statically. `*_MAX_LEN` is a string length without the NUL;
//! `*_SIZE` is a buffer size in bytes that always suffices, NUL included.

/// Longest accepted ProductKey (the vendor SDK's limit).
pub const ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN: usize = 20;
/// Shortest accepted DeviceName (PROTOCOL.md §1.7).
pub const ALIYUN_MQTT_DEVICE_NAME_MIN_LEN: usize = 4;
/// Longest accepted DeviceName (PROTOCOL.md §1.7).
pub const ALIYUN_MQTT_DEVICE_NAME_MAX_LEN: usize = 32;
/// Longest accepted DeviceSecret (the vendor SDK's limit).
pub const ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN: usize = 64;
/// Longest accepted caller client id (PROTOCOL.md §1.7: at most 64 characters).
pub const ALIYUN_MQTT_CLIENT_ID_MAX_LEN: usize = 64;
/// Longest accepted `extra_params` string.
pub const ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN: usize = 128;
/// Longest sign method name (`hmacsha256`), the bound
/// `aliyun_mqtt_sign_method_from_name` reads to.
pub const ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN: usize = 10;
/// Longest accepted region id.
pub const ALIYUN_MQTT_REGION_MAX_LEN: usize = 32;

/// Longest accepted registration `random` string (the vendor SDKs use 15).
pub const ALIYUN_MQTT_RANDOM_MAX_LEN: usize = 32;
/// Longest accepted instance id (`iot-...`).
pub const ALIYUN_MQTT_INSTANCE_ID_MAX_LEN: usize = 64;
/// Longest accepted host name (DNS limit).
pub const ALIYUN_MQTT_HOST_NAME_MAX_LEN: usize = 253;
/// Longest accepted deviceToken (`authType=regnwl`).
pub const ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN: usize = 128;
/// Longest reply the parsers read (HTTPS body or MQTT payload).
pub const ALIYUN_MQTT_REPLY_MAX_LEN: usize = 4096;
/// Deepest nesting of objects and arrays the parsers accept.
pub const ALIYUN_MQTT_REPLY_MAX_DEPTH: usize = 16;

/// Longest MQTT client identifier the verifier reads.
pub const ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN: usize = 512;
/// Buffer size of a ProductKey with its NUL.
pub const ALIYUN_MQTT_PRODUCT_KEY_SIZE: usize = 21;
/// Buffer size of a DeviceName with its NUL.
pub const ALIYUN_MQTT_DEVICE_NAME_SIZE: usize = 33;
/// Buffer size of a registration `random` with its NUL.
pub const ALIYUN_MQTT_RANDOM_SIZE: usize = 33;
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

/// Buffer size for any host name or URL the endpoint functions write, and
/// for a host name in a reply.
pub const ALIYUN_MQTT_HOST_NAME_SIZE: usize = 254;
/// Buffer size for an iotId or iotToken from an HTTPS authentication reply.
pub const ALIYUN_MQTT_IOT_ID_SIZE: usize = 129;
/// Buffer size for an iotToken from an HTTPS authentication reply.
pub const ALIYUN_MQTT_IOT_TOKEN_SIZE: usize = 129;
/// Buffer size for a deviceToken with its NUL.
pub const ALIYUN_MQTT_DEVICE_TOKEN_SIZE: usize = 129;
/// Buffer size for a DeviceSecret with its NUL.
pub const ALIYUN_MQTT_DEVICE_SECRET_SIZE: usize = 65;
/// Buffer size for the server's `message` (longer ones are cut at a
/// character boundary).
pub const ALIYUN_MQTT_MESSAGE_SIZE: usize = 256;
/// Buffer size for any `aliyun_mqtt_auth_body` output.
pub const ALIYUN_MQTT_AUTH_BODY_SIZE: usize = 496;
/// Buffer size for any `aliyun_mqtt_register_body` output.
pub const ALIYUN_MQTT_REGISTER_BODY_SIZE: usize = 272;

/// MQTT port of the public instance, for TCP and TLS alike (PROTOCOL.md §2.1).
pub const ALIYUN_MQTT_PORT: u16 = 1883;
/// Port of the WebSocket endpoint (`ws://` and `wss://`).
pub const ALIYUN_MQTT_WEBSOCKET_PORT: u16 = 443;
/// Port of the HTTPS authentication and registration host.
pub const ALIYUN_MQTT_HTTPS_PORT: u16 = 443;
/// TLS port of an instance id endpoint, whose certificate chains to the
/// Aliyun IoT Root CA (PROTOCOL.md §8); 1883 serves TCP where enabled.
pub const ALIYUN_MQTT_INSTANCE_TLS_PORT: u16 = 8883;
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

// A form value is at most three bytes per input byte (`%XX`).
const ENC: usize = 3;
const _: () = assert!(
    ALIYUN_MQTT_AUTH_BODY_SIZE
        == b"productKey=".len()
            + ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
            + b"&deviceName=".len()
            + ENC * ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
            + b"&clientId=".len()
            + ENC * ALIYUN_MQTT_CLIENT_ID_MAX_LEN
            + b"&timestamp=".len()
            + U64_DIGITS
            + b"&signmethod=".len()
            + LONGEST_METHOD
            + b"&sign=".len()
            + 64
            + b"&version=default&resources=mqtt".len()
            + 1
);
const _: () = assert!(
    ALIYUN_MQTT_REGISTER_BODY_SIZE
        == b"productKey=".len()
            + ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN
            + b"&deviceName=".len()
            + ENC * ALIYUN_MQTT_DEVICE_NAME_MAX_LEN
            + b"&random=".len()
            + ALIYUN_MQTT_RANDOM_MAX_LEN
            + b"&sign=".len()
            + 64
            + b"&signMethod=".len()
            + LONGEST_METHOD
            + 1
);
// The longest registration client identifier fits the credentials buffer.
const _: () = assert!(
    ALIYUN_MQTT_CLIENT_ID_MAX_LEN
        + b"|securemode=-2,authType=register,random=".len()
        + ALIYUN_MQTT_RANDOM_MAX_LEN
        + b",signmethod=".len()
        + LONGEST_METHOD
        + b",instanceId=".len()
        + ALIYUN_MQTT_INSTANCE_ID_MAX_LEN
        + b"|".len()
        < ALIYUN_MQTT_CLIENT_ID_SIZE
);
// Every endpoint fits ALIYUN_MQTT_HOST_NAME_SIZE.
const _: () = assert!(ALIYUN_MQTT_HOST_NAME_SIZE == ALIYUN_MQTT_HOST_NAME_MAX_LEN + 1);
const _: () = assert!(
    b"wss://".len() + ALIYUN_MQTT_HOST_SIZE - 1 + b":443".len() < ALIYUN_MQTT_HOST_NAME_SIZE
);
const _: () = assert!(
    ALIYUN_MQTT_INSTANCE_ID_MAX_LEN + b".mqtt.iothub.aliyuncs.com".len()
        < ALIYUN_MQTT_HOST_NAME_SIZE
);
const _: () = assert!(ALIYUN_MQTT_DEVICE_TOKEN_SIZE == ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN + 1);
const _: () = assert!(ALIYUN_MQTT_DEVICE_SECRET_SIZE == ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN + 1);
const _: () = assert!(ALIYUN_MQTT_RANDOM_SIZE == ALIYUN_MQTT_RANDOM_MAX_LEN + 1);
