"""Alibaba Cloud IoT Platform MQTT credentials, computed by the same compiled
library (libaliyun_mqtt_sign) that firmware links, through ctypes.

>>> c = sign("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
...          client_id="SN1928339", timestamp_ms=1539421321846,
...          sign_method="hmacsha1", secure_mode="tcp")
>>> c.password
'b2488041f64f425016b467ee1c94959ebd592ad1'

Every status the C library returns other than OK raises AliyunMqttError,
which carries the status name and the library's message. A value the
library would refuse raises it too, with the status of its field: a string
with a NUL or a lone surrogate (no C string carries either), a timestamp
out of range. An argument of the wrong type (bytes for a string, a bool or
a str for an integer) raises TypeError.
"""
from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from typing import Optional

__all__ = [
    "AliyunMqttError",
    "Credentials",
    "Identity",
    "PORT",
    "host",
    "identify",
    "keepalive_ok",
    "sign",
    "verify",
    "version",
]

_SIGN_METHODS = {"hmacmd5": 1, "hmacsha1": 2, "hmacsha256": 3, "sha256": 4}
_METHOD_NAMES = {v: k for k, v in _SIGN_METHODS.items()}
_SECURE_MODES = {"tls": 2, "tcp": 3}
_AUTH_TYPES = {1: "register", 2: "regnwl", 3: "connwl"}
_OK, _BUFFER_TOO_SMALL = 0, 2
# Field statuses used when Python itself rejects a value (a NUL byte or a
# lone surrogate, which a C string cannot carry, or a timestamp out of
# range).
_FIELD_STATUS = {
    "product_key": 3, "device_name": 4, "device_secret": 5, "client_id": 6,
    "extra_params": 9, "region_id": 10, "mqtt_client_id": 11, "username": 14,
    "timestamp_ms": 15, "password": 16,
}

#: MQTT port of the public instance (TCP and TLS).
PORT = 1883


class _Device(ctypes.Structure):
    _fields_ = [
        ("product_key", ctypes.c_char_p),
        ("device_name", ctypes.c_char_p),
        ("device_secret", ctypes.c_char_p),
        ("client_id", ctypes.c_char_p),
        ("timestamp_ms", ctypes.c_uint64),
        ("sign_method", ctypes.c_uint32),
        ("secure_mode", ctypes.c_int32),
        ("extra_params", ctypes.c_char_p),
        ("uppercase_hex", ctypes.c_bool),
    ]


class _Credentials(ctypes.Structure):
    _fields_ = [
        ("client_id", ctypes.c_char * 262),
        ("username", ctypes.c_char * 54),
        ("password", ctypes.c_char * 65),
    ]


class _VerifyInfo(ctypes.Structure):
    _fields_ = [
        ("product_key", ctypes.c_char * 21),
        ("device_name", ctypes.c_char * 33),
        ("client_id", ctypes.c_char * 65),
        ("timestamp_ms", ctypes.c_uint64),
        ("has_timestamp", ctypes.c_bool),
        ("sign_method", ctypes.c_uint32),
        ("secure_mode", ctypes.c_int32),
        ("auth_type", ctypes.c_uint32),
        ("random", ctypes.c_char * 33),
    ]


def _load() -> ctypes.CDLL:
    # The bundled library; ALIYUN_MQTT_SIGN_LIB points at another build (the
    # repository's C tests use the package from the source tree this way).
    path = os.environ.get("ALIYUN_MQTT_SIGN_LIB") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "libaliyun_mqtt_sign.so")
    lib = ctypes.CDLL(path)
    dev_p, buf = ctypes.POINTER(_Device), ctypes.c_char_p
    size_p = ctypes.POINTER(ctypes.c_size_t)
    lib.aliyun_mqtt_device_default.restype = _Device
    lib.aliyun_mqtt_sign.argtypes = [dev_p, ctypes.POINTER(_Credentials)]
    lib.aliyun_mqtt_host.argtypes = [buf, buf, ctypes.c_char_p, ctypes.c_size_t, size_p]
    lib.aliyun_mqtt_verify.argtypes = [buf, buf, buf, buf, ctypes.POINTER(_VerifyInfo)]
    lib.aliyun_mqtt_verify_identify.argtypes = [buf, buf, ctypes.POINTER(_VerifyInfo)]
    for f in ("sign", "host", "verify", "verify_identify"):
        getattr(lib, "aliyun_mqtt_" + f).restype = ctypes.c_uint32
    for f in ("status_str", "status_name", "version"):
        getattr(lib, "aliyun_mqtt_" + f).restype = ctypes.c_char_p
    lib.aliyun_mqtt_status_str.argtypes = [ctypes.c_uint32]
    lib.aliyun_mqtt_status_name.argtypes = [ctypes.c_uint32]
    lib.aliyun_mqtt_keepalive_ok.argtypes = [ctypes.c_uint32]
    lib.aliyun_mqtt_keepalive_ok.restype = ctypes.c_bool
    return lib


_lib = _load()


class AliyunMqttError(Exception):
    """A status from the C library: `status` is its name (for example
    ``"ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"``), `code` its number and
    `message` the library's description of it."""

    def __init__(self, code: int):
        self.code = code
        self.status = _lib.aliyun_mqtt_status_name(code).decode()
        self.message = _lib.aliyun_mqtt_status_str(code).decode()
        super().__init__(f"{self.status}: {self.message}")


def _check(code: int) -> None:
    if code != _OK:
        raise AliyunMqttError(code)


def _c(value: Optional[str], field: str, optional: bool = False) -> Optional[bytes]:
    """UTF-8 bytes for a C string. A NUL inside would silently cut it short
    and a lone surrogate has no UTF-8 form: both are refused with the
    field's status. None only where the field is optional."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{field} must be str, not {type(value).__name__}")
    if "\0" in value:
        raise AliyunMqttError(_FIELD_STATUS[field])
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise AliyunMqttError(_FIELD_STATUS[field]) from None


def _int(value, field: str) -> int:
    """`value` if it is an int (a bool is not)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be int, not {type(value).__name__}")
    return value


def _name(value, field: str, names: dict) -> int:
    """The C value of the name `value`; 0 (refused by the library with the
    field's status) for an unknown one."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be str, not {type(value).__name__}")
    return names.get(value, 0)


@dataclass(frozen=True)
class Credentials:
    """The CONNECT fields, and where to connect."""

    client_id: str
    username: str
    password: str
    host: str
    port: int


@dataclass(frozen=True)
class Identity:
    """What a CONNECT packet claims, as found by `identify` / `verify`.

    `auth_type` is None for a device signing with its DeviceSecret, else
    ``"register"`` or ``"regnwl"`` (a registration, signed with the
    ProductSecret, `random` its random string) or ``"connwl"`` (the password
    is the deviceToken)."""

    product_key: str
    device_name: str
    client_id: str
    sign_method: str
    secure_mode: int
    timestamp_ms: Optional[int]
    auth_type: Optional[str] = None
    random: str = ""


def version() -> str:
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return _lib.aliyun_mqtt_version().decode()


def keepalive_ok(seconds: int) -> bool:
    """Whether the platform accepts this keep-alive (30 to 1200 s)."""
    seconds = _int(seconds, "seconds")
    return 0 <= seconds <= 0xFFFFFFFF and bool(_lib.aliyun_mqtt_keepalive_ok(seconds))


def host(product_key: str, region_id: str = "cn-shanghai") -> str:
    """The public instance's MQTT host, ``{pk}.iot-as-mqtt.{region}.aliyuncs.com``."""
    buf = ctypes.create_string_buffer(79)
    _check(_lib.aliyun_mqtt_host(_c(product_key, "product_key"), _c(region_id, "region_id"),
                                 buf, len(buf), None))
    return buf.value.decode()


def sign(product_key: str, device_name: str, device_secret: str, *,
         client_id: Optional[str] = None, timestamp_ms: Optional[int] = None,
         sign_method: str = "hmacsha256", secure_mode: str = "tls",
         extra_params: Optional[str] = None, uppercase: bool = False,
         region_id: str = "cn-shanghai") -> Credentials:
    """Credentials for a device holding its DeviceSecret (PROTOCOL.md §1).

    `client_id` None or "" means ``productKey.deviceName``; `timestamp_ms`
    None leaves the timestamp out (1 to 2**64-1 otherwise); `sign_method` is
    hmacmd5, hmacsha1, hmacsha256 or sha256; `secure_mode` tls or tcp;
    `extra_params` is ``k=v[,k=v]`` put inside the bars; `uppercase` a
    bool. Raises AliyunMqttError with the status of the first bad field,
    TypeError for an argument of the wrong type.
    """
    dev = _lib.aliyun_mqtt_device_default()
    dev.product_key = _c(product_key, "product_key")
    dev.device_name = _c(device_name, "device_name")
    dev.device_secret = _c(device_secret, "device_secret")
    dev.client_id = _c(client_id, "client_id", optional=True)
    dev.extra_params = _c(extra_params, "extra_params", optional=True)
    if timestamp_ms is not None:
        if not 0 < _int(timestamp_ms, "timestamp_ms") < 2**64:
            raise AliyunMqttError(_FIELD_STATUS["timestamp_ms"])
        dev.timestamp_ms = timestamp_ms
    dev.sign_method = _name(sign_method, "sign_method", _SIGN_METHODS)
    dev.secure_mode = _name(secure_mode, "secure_mode", _SECURE_MODES)
    if not isinstance(uppercase, bool):
        raise TypeError(f"uppercase must be bool, not {type(uppercase).__name__}")
    dev.uppercase_hex = uppercase
    cred = _Credentials()
    _check(_lib.aliyun_mqtt_sign(ctypes.byref(dev), ctypes.byref(cred)))
    return Credentials(cred.client_id.decode(), cred.username.decode(), cred.password.decode(),
                       host(product_key, region_id), PORT)


def _identity(info: _VerifyInfo) -> Identity:
    return Identity(info.product_key.decode(), info.device_name.decode(), info.client_id.decode(),
                    _METHOD_NAMES[info.sign_method], info.secure_mode,
                    info.timestamp_ms if info.has_timestamp else None,
                    _AUTH_TYPES.get(info.auth_type), info.random.decode())


def identify(mqtt_client_id: str, username: str) -> Identity:
    """Parses CONNECT fields without a secret (to look the secret up)."""
    info = _VerifyInfo()
    _check(_lib.aliyun_mqtt_verify_identify(_c(mqtt_client_id, "mqtt_client_id"),
                                            _c(username, "username"), ctypes.byref(info)))
    return _identity(info)


def verify(mqtt_client_id: str, username: str, password: str, device_secret: str) -> Identity:
    """Returns the identity when the platform would accept these CONNECT
    fields for this secret; raises AliyunMqttError (for example
    ``ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH``) otherwise. `device_secret` is
    the DeviceSecret, the ProductSecret (a registration) or the deviceToken
    (``connwl``): see `Identity.auth_type`."""
    cid = _c(mqtt_client_id, "mqtt_client_id")
    user = _c(username, "username")
    pw = _c(password, "password")
    try:
        secret = _c(device_secret, "device_secret")
    except AliyunMqttError:
        # Which secret is bad depends on the authType: a byte that every
        # role refuses gets the library's status for this CONNECT.
        secret = b"\x7f"
    info = _VerifyInfo()
    _check(_lib.aliyun_mqtt_verify(cid, user, pw, secret, ctypes.byref(info)))
    return _identity(info)
