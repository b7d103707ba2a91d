"""Alibaba Cloud IoT Platform MQTT credentials, computed by the same compiled
library (libaliyun_mqtt_sign) that firmware links, through cffi bindings
generated from the C header include/aliyun_mqtt_sign.h.

>>> c = sign("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq",
...          client_id="SN1928339", timestamp_ms=1539421321846,
...          sign_method="hmacsha1", secure_mode="tcp")
>>> c.password
'b2488041f64f425016b467ee1c94959ebd592ad1'

Every status the C library returns other than OK raises AliyunMqttError,
which carries the status name and the library's message. A value the
library would refuse raises it too, with the status of its field: a string
with a NUL or a lone surrogate (no C string carries either), a number out
of range. An argument of the wrong type (bytes for a string, a bool or a
str for an integer) raises TypeError.
"""
from __future__ import annotations

import enum
import os
import struct
import sys
import threading
from dataclasses import dataclass
from typing import Iterable, Optional, Tuple, Union


def _ffi_from_header():
    """The bindings parsed now from the header, for the package used from
    the source tree (where maturin has not written _native/): the
    repository's include/aliyun_mqtt_sign.h, which aliyun_mqtt_sign.h
    next to this file links to."""
    import cffi

    from ._cdef import cdef_from_header

    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aliyun_mqtt_sign.h")
    builder = cffi.FFI()
    with open(header, encoding="utf-8") as f:
        builder.cdef(cdef_from_header(f.read()))
    return builder, None


def _bundled():
    """The build's bindings (_native/ffi.py) and the library next to them,
    opened by its platform's name (maturin names it: lib_native.so,
    lib_native.dylib, _native.dll)."""
    try:
        from ._native import ffi as built, lib
    except ImportError:
        return _ffi_from_header()
    return built, lib


ffi, _bundled_lib = _bundled()


__all__ = [
    "AliyunMqttError", "AuthReply", "AuthType", "ConnwlCredentials", "Credentials",
    "EndpointKind", "EndpointTls", "Explanation", "Field", "HTTPS_PORT", "INSTANCE_TLS_PORT",
    "Identity", "LIBRARY_NAME", "LIBRARY_PATH", "NtpResponse", "PORT",
    "ProductRegisterReply", "RegisterReply", "RegnwlReply", "Root", "RootId", "SecureMode",
    "SignMethod", "Status", "Subdev", "SubdevId", "SubdevRegistration", "SubdevReply",
    "SubdevSecret", "Topic", "Verdict",
    "auth_body", "auth_body_from_digest", "auth_host", "auth_path", "connwl", "custom_host",
    "endpoint_tls", "explain", "host", "identify", "instance_host", "ipv6_host",
    "keepalive_ok", "ntp_request", "ntp_time", "parse_auth_reply", "parse_ext_register",
    "parse_ext_regnwl", "parse_ntp_response", "parse_product_register_reply",
    "parse_register_reply", "parse_subdev_reply", "password_from_digest", "psk_identity",
    "psk_key", "register_body", "register_body_from_digest", "register_path", "register_sign",
    "register_sign_from_digest", "register_signed_content", "root", "root_ca_der",
    "root_ca_pem", "roots", "sign", "sign_assigned", "sign_from_digest", "signed_content",
    "subdev_batch_login", "subdev_batch_logout", "subdev_login", "subdev_logout",
    "subdev_product_register", "subdev_topo_add", "subdev_topo_delete", "topic", "verify",
    "version", "websocket_url",
]

_LIB_NAMES = {"darwin": "lib_native.dylib", "win32": "_native.dll"}
#: The file name of the bundled library on this platform (in _native/).
LIBRARY_NAME = _LIB_NAMES.get(sys.platform, "lib_native.so")
_BUNDLED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_native", LIBRARY_NAME)
#: The path of the library in use: the bundled one, or ALIYUN_MQTT_SIGN_LIB
#: (another build of it) when that is set.
LIBRARY_PATH = os.environ.get("ALIYUN_MQTT_SIGN_LIB") or _BUNDLED_PATH
_lib = _bundled_lib if LIBRARY_PATH == _BUNDLED_PATH and _bundled_lib is not None else \
    ffi.dlopen(LIBRARY_PATH)
_NULL = ffi.NULL


def _enum(name: str, ctype: str, prefix: str, doc: str):
    """An IntEnum of the header's enum `ctype`, its members the header's
    enumerators without `prefix`."""
    elements = ffi.typeof(ctype).elements
    made = enum.IntEnum(name, {v[len(prefix):]: k for k, v in sorted(elements.items())},
                        module=__name__)
    made.__doc__ = doc
    return made


Status = _enum("Status", "enum aliyun_mqtt_status", "ALIYUN_MQTT_",
               "Every status of the C library (`Status.ERR_INVALID_DEVICE_NAME`...).")
Verdict = _enum("Verdict", "enum aliyun_mqtt_verdict", "ALIYUN_MQTT_VERDICT_",
                "What aliyun_mqtt_explain found first.")
Field = _enum("Field", "enum aliyun_mqtt_explain_field", "ALIYUN_MQTT_FIELD_",
              "The CONNECT field a verdict is about.")
RootId = _enum("RootId", "enum aliyun_mqtt_root_id", "ALIYUN_MQTT_ROOT_",
               "The embedded root certificates.")
EndpointKind = _enum("EndpointKind", "enum aliyun_mqtt_endpoint_kind", "ALIYUN_MQTT_ENDPOINT_",
                     "The endpoint kinds of PROTOCOL.md §8.")
Topic = _enum("Topic", "enum aliyun_mqtt_topic_kind", "ALIYUN_MQTT_TOPIC_",
              "The gateway and NTP topics of PROTOCOL.md §6 and §7.")


class SignMethod(str, enum.Enum):
    """The `signmethod=` of a client id; a member equals its platform
    string, and ``SignMethod("hmacsha1")`` is ``SignMethod.HMACSHA1``."""

    HMACMD5 = "hmacmd5"
    HMACSHA1 = "hmacsha1"
    HMACSHA256 = "hmacsha256"
    SHA256 = "sha256"

    @property
    def code(self) -> int:
        """The C value (`aliyun_mqtt_sign_method`)."""
        return _METHOD_CODES[self.value]


class SecureMode(enum.IntEnum):
    """The `securemode=` of a client id. Also built from the names
    ``"tls"``, ``"tcp"``, ``"tls-instance"`` and from the platform's
    strings ``"2"``, ``"3"``, ``"-2"``."""

    TLS = _lib.ALIYUN_MQTT_SECURE_TLS
    TCP = _lib.ALIYUN_MQTT_SECURE_TCP
    TLS_INSTANCE = _lib.ALIYUN_MQTT_SECURE_TLS_INSTANCE

    @classmethod
    def _missing_(cls, value):
        if isinstance(value, str):
            for member in cls:
                if value in (str(member.value), member.name.lower().replace("_", "-")):
                    return member
        return None


class AuthType(str, enum.Enum):
    """The `authType=` of a registration (ProductSecret) or of a connection
    with a deviceToken; a member equals its platform string."""

    REGISTER = "register"
    REGNWL = "regnwl"
    CONNWL = "connwl"

    @property
    def code(self) -> int:
        """The C value (`aliyun_mqtt_auth_type`)."""
        return _AUTH_CODES[self.value]


_METHOD_CODES = {"hmacmd5": _lib.ALIYUN_MQTT_HMAC_MD5, "hmacsha1": _lib.ALIYUN_MQTT_HMAC_SHA1,
                 "hmacsha256": _lib.ALIYUN_MQTT_HMAC_SHA256, "sha256": _lib.ALIYUN_MQTT_SHA256}
_METHODS = {code: SignMethod(name) for name, code in _METHOD_CODES.items()}
_MODE_CODES = {"tls": SecureMode.TLS, "tcp": SecureMode.TCP, "tls-instance": SecureMode.TLS_INSTANCE}
_AUTH_CODES = {"register": _lib.ALIYUN_MQTT_AUTH_REGISTER, "regnwl": _lib.ALIYUN_MQTT_AUTH_REGNWL,
               "connwl": _lib.ALIYUN_MQTT_AUTH_CONNWL}
_AUTH_TYPES = {code: AuthType(name) for name, code in _AUTH_CODES.items()}
_OK = _lib.ALIYUN_MQTT_OK
_TOO_SMALL = _lib.ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL
# The status of a field whose value Python itself rejects (a NUL byte or a
# lone surrogate, which a C string cannot carry, or a number out of range).
_FIELD_STATUS = {
    "product_key": "INVALID_PRODUCT_KEY", "device_name": "INVALID_DEVICE_NAME",
    "device_secret": "INVALID_DEVICE_SECRET", "client_id": "INVALID_CLIENT_ID",
    "extra_params": "INVALID_EXTRA_PARAMS", "region_id": "INVALID_REGION",
    "mqtt_client_id": "MALFORMED_CLIENT_ID", "username": "INVALID_USERNAME",
    "timestamp_ms": "INVALID_TIMESTAMP", "password": "SIGNATURE_MISMATCH",
    "product_secret": "INVALID_PRODUCT_SECRET", "random": "INVALID_RANDOM",
    "instance_id": "INVALID_INSTANCE_ID", "host": "INVALID_HOST",
    "device_token": "INVALID_DEVICE_TOKEN", "reply": "REPLY_MALFORMED",
    "secret": "INVALID_DEVICE_SECRET", "ntp": "INVALID_NTP_TIMES",
    "digest": "INVALID_DIGEST", "topic": "INVALID_TOPIC", "root": "INVALID_ROOT",
}
_FIELD_STATUS = {k: getattr(_lib, "ALIYUN_MQTT_ERR_" + v) for k, v in _FIELD_STATUS.items()}

#: MQTT port of the public instance (TCP and TLS).
PORT = _lib.ALIYUN_MQTT_PORT
#: HTTPS port of the authentication and registration hosts.
HTTPS_PORT = _lib.ALIYUN_MQTT_HTTPS_PORT
#: TLS port of an Enterprise instance's MQTT host.
INSTANCE_TLS_PORT = _lib.ALIYUN_MQTT_INSTANCE_TLS_PORT


class AliyunMqttError(Exception):
    """A status from the C library: `status` is its name (for example
    ``"ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"``), `code` its number and
    `message` the library's description of it. A reply parser's error also
    carries `reply`, what the library read of the reply (its code and
    message for ``ALIYUN_MQTT_ERR_SERVER_REFUSED``), or None."""

    def __init__(self, code: int, reply=None):
        self.code = code
        self.status = ffi.string(_lib.aliyun_mqtt_status_name(code)).decode()
        self.message = ffi.string(_lib.aliyun_mqtt_status_str(code)).decode()
        self.reply = reply
        super().__init__(f"{self.status}: {self.message}")


def _check(code: int) -> None:
    if code != _OK:
        raise AliyunMqttError(code)


def _c(value, field: str, optional: bool = False):
    """UTF-8 bytes for a C string argument (cffi adds the NUL). A NUL
    inside would silently cut it short and a lone surrogate has no UTF-8
    form: both are refused with the field's status. None (NULL) only
    where the field is optional."""
    if value is None and optional:
        return _NULL
    if value.__class__ is not str and not isinstance(value, str):
        raise TypeError(f"{field} must be str, not {type(value).__name__}")
    try:
        b = value.encode()
    except UnicodeEncodeError:
        raise AliyunMqttError(_FIELD_STATUS[field]) from None
    # The byte as an int: memchr, where a one-byte bytes needle takes the
    # general substring search.
    if 0 in b:
        raise AliyunMqttError(_FIELD_STATUS[field])
    return b


def _p(value, field: str, keep: list, optional: bool = False):
    """A `const char *` struct field for `value` (NULL for an optional
    None); `keep` holds the memory until the call returns."""
    b = _c(value, field, optional)
    if b is _NULL:
        return b
    p = ffi.from_buffer(b + b"\0")
    keep.append(p)
    return p


def _text(value, field: str) -> bytes:
    """The bytes of a reply or payload: str (UTF-8) or bytes."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return value.encode()
        except UnicodeEncodeError:
            raise AliyunMqttError(_FIELD_STATUS[field]) from None
    raise TypeError(f"{field} must be str or bytes, not {type(value).__name__}")


def _int(value, field: str) -> int:
    """`value` if it is an int (a bool is not)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be int, not {type(value).__name__}")
    return value


def _u(value, field: str, bits: int, status: str = "") -> int:
    """An unsigned C integer of `bits` bits; out of range raises the
    status of `status` (ValueError if the library has none for it)."""
    value = _int(value, field)
    if not 0 <= value < 1 << bits:
        if status:
            raise AliyunMqttError(_FIELD_STATUS[status])
        raise ValueError(f"{field} must be 0 to {(1 << bits) - 1}, not {value}")
    return value


def _bool(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{field} must be bool, not {type(value).__name__}")
    return value


def _method(value, field: str = "sign_method") -> int:
    """The C value of a sign method (a SignMethod or its string); 0 (which
    the library refuses with its status) for an unknown one."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be str or SignMethod, not {type(value).__name__}")
    return _METHOD_CODES.get(value, 0)


def _mode(value) -> int:
    """The C value of a secure mode: a SecureMode, or "tls", "tcp",
    "tls-instance"; 0 (refused with its status) for an unknown name."""
    if isinstance(value, SecureMode):
        return value.value
    if not isinstance(value, str):
        raise TypeError(f"secure_mode must be str or SecureMode, not {type(value).__name__}")
    return _MODE_CODES.get(value, 0)


def _auth(value) -> int:
    if not isinstance(value, str):
        raise TypeError(f"auth_type must be str or AuthType, not {type(value).__name__}")
    return _AUTH_CODES.get(value, 0)


def _ts(value) -> int:
    """A timestamp in ms: None is 0 (left out), else 1 to 2**64-1."""
    if value is None:
        return 0
    if not 0 < _int(value, "timestamp_ms") < 1 << 64:
        raise AliyunMqttError(_FIELD_STATUS["timestamp_ms"])
    return value


def _s(chars) -> str:
    """A NUL-terminated char array of an output struct as str."""
    return ffi.string(chars).decode()


def _out(fn, *args, size: int = 512) -> str:
    """The text a (buf, cap, out_len) function writes, in a buffer of
    `size` bytes first and larger ones while it is too small."""
    n = ffi.new("size_t *")
    while True:
        buf = ffi.new("char[]", size)
        st = fn(*args, buf, size, n)
        if st != _TOO_SMALL or size >= 1 << 24:
            _check(st)
            return ffi.unpack(buf, n[0]).decode()
        size *= 4


def _struct_out(fn, ctype: str, *args):
    out = ffi.new(ctype)
    _check(fn(*args, out))
    return out


# ---------------------------------------------------------------- records


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
    is the deviceToken). `sign_method`, `secure_mode` and `auth_type` are
    SignMethod, SecureMode and AuthType members, equal to the platform's
    strings and numbers."""

    product_key: str
    device_name: str
    client_id: str
    sign_method: SignMethod
    secure_mode: SecureMode
    timestamp_ms: Optional[int]
    auth_type: Optional[AuthType] = None
    random: str = ""


@dataclass(frozen=True)
class Root:
    """An embedded root certificate: `not_after` in seconds since 1970 UTC,
    `not_after_utc` as ``YYYY-MM-DDTHH:MM:SSZ``."""

    id: RootId
    name: str
    pem: str
    der: bytes
    not_after: int
    not_after_utc: str


@dataclass(frozen=True)
class EndpointTls:
    """The roots an endpoint kind's server chains to today, GlobalSign's
    successor roots to carry as well, and its TLS port (PROTOCOL.md §8)."""

    roots: Tuple[RootId, ...]
    successors: Tuple[RootId, ...]
    port: int


@dataclass(frozen=True)
class AuthReply:
    """An HTTPS authentication reply: the MQTT host and port to connect
    to, with iotId as user name and iotToken as password."""

    code: int
    message: str
    iot_id: str
    iot_token: str
    host: str
    port: int


@dataclass(frozen=True)
class RegisterReply:
    """A registration reply (HTTPS or `/ext/register`): the DeviceSecret."""

    code: int
    message: str
    product_key: str
    device_name: str
    device_secret: str


@dataclass(frozen=True)
class RegnwlReply:
    """An `/ext/regnwl` payload: the client id and deviceToken to connect
    with (see `connwl`)."""

    client_id: str
    product_key: str
    device_name: str
    device_token: str


@dataclass(frozen=True)
class ConnwlCredentials:
    """The CONNECT fields of a device holding a deviceToken."""

    client_id: str
    username: str
    password: str


@dataclass(frozen=True)
class Explanation:
    """What the platform would do with a CONNECT: `verdict` (ACCEPTED or the
    first problem) and `message` its description, the `field` and byte range
    (`offset`, `length`) it is in, the parsed `identity` (None if the fields
    did not parse), the exact signed `content` and, given the secret, the
    `expected_password`."""

    verdict: Verdict
    verdict_name: str
    message: str
    field: Field
    offset: int
    length: int
    identity: Optional[Identity]
    uppercase_hex: bool
    content: str
    expected_password: str


@dataclass(frozen=True)
class NtpResponse:
    """The three times (ms) of an NTP response payload."""

    device_send_time: int
    server_recv_time: int
    server_send_time: int


@dataclass(frozen=True)
class Subdev:
    """A sub-device of a gateway message (PROTOCOL.md §6)."""

    product_key: str
    device_name: str
    device_secret: Optional[str] = None
    client_id: Optional[str] = None
    timestamp_ms: int = 0
    clean_session: bool = False


@dataclass(frozen=True)
class SubdevRegistration:
    """A sub-device to register by product (its ProductSecret and random)."""

    product_key: str
    device_name: str
    product_secret: str
    random: str


@dataclass(frozen=True)
class SubdevId:
    product_key: str
    device_name: str


@dataclass(frozen=True)
class SubdevSecret:
    product_key: str
    device_name: str
    device_secret: str


@dataclass(frozen=True)
class SubdevReply:
    """A gateway reply: its id, code, message and the sub-devices listed."""

    id: int
    code: int
    message: str
    devices: Tuple[SubdevId, ...]


@dataclass(frozen=True)
class ProductRegisterReply:
    """A product-register reply: the secrets granted, the devices refused."""

    id: int
    code: int
    message: str
    devices: Tuple[SubdevSecret, ...]
    failed: Tuple[SubdevId, ...]


# ---------------------------------------------------------------- basics


def version() -> str:
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return ffi.string(_lib.aliyun_mqtt_version()).decode()


def keepalive_ok(seconds: int) -> bool:
    """Whether the platform accepts this keep-alive (30 to 1200 s)."""
    seconds = _int(seconds, "seconds")
    return 0 <= seconds <= 0xFFFFFFFF and bool(_lib.aliyun_mqtt_keepalive_ok(seconds))


_host_cache: dict = {}
_HOST_SIZE = _lib.ALIYUN_MQTT_HOST_SIZE


def host(product_key: str, region_id: str = "cn-shanghai") -> str:
    """The public instance's MQTT host, ``{pk}.iot-as-mqtt.{region}.aliyuncs.com``."""
    key = (product_key, region_id)
    try:
        return _host_cache[key]
    except (KeyError, TypeError):
        pass
    buf, n = _tls.host_buf
    _check(_lib.aliyun_mqtt_host(_c(product_key, "product_key"), _c(region_id, "region_id"),
                                 buf, _HOST_SIZE, n))
    h = ffi.unpack(buf, n[0]).decode()
    if len(_host_cache) >= 4096:  # bounded: a pure function's recent results
        _host_cache.clear()
    _host_cache[key] = h
    return h


def instance_host(instance_id: str) -> str:
    """An instance's MQTT host, ``{instance_id}.mqtt.iothub.aliyuncs.com``."""
    return _out(_lib.aliyun_mqtt_instance_host, _c(instance_id, "instance_id"))


def ipv6_host() -> str:
    """The IPv6 MQTT host of the public instance."""
    return _out(_lib.aliyun_mqtt_ipv6_host)


def auth_host(region_id: str = "cn-shanghai") -> str:
    """The HTTPS authentication and registration host of a region."""
    return _out(_lib.aliyun_mqtt_auth_host, _c(region_id, "region_id"))


def custom_host(host_name: str) -> str:
    """`host_name` checked as a host name (a custom domain)."""
    return _out(_lib.aliyun_mqtt_custom_host, _c(host_name, "host"))


def websocket_url(product_key: str, region_id: str = "cn-shanghai",
                  secure_mode: Union[str, SecureMode] = "tls") -> str:
    """The MQTT-over-WebSocket URL of a product (wss for tls, ws for tcp)."""
    return _out(_lib.aliyun_mqtt_websocket_url, _c(product_key, "product_key"),
                _c(region_id, "region_id"), _mode(secure_mode))


def auth_path() -> str:
    """The HTTP path of HTTPS authentication."""
    return _out(_lib.aliyun_mqtt_auth_path)


def register_path() -> str:
    """The HTTP path of HTTPS dynamic registration."""
    return _out(_lib.aliyun_mqtt_register_path)


def topic(kind: Union[Topic, int], product_key: str, device_name: str) -> str:
    """The topic of a gateway or NTP message of the device (PROTOCOL.md §6, §7)."""
    return _out(_lib.aliyun_mqtt_topic, _u(kind, "kind", 32, "topic"), _c(product_key, "product_key"),
                _c(device_name, "device_name"), size=_lib.ALIYUN_MQTT_TOPIC_SIZE)


# ---------------------------------------------------------------- roots


def root_ca_pem() -> str:
    """The public instance's TLS root, GlobalSign Root CA (R1), as PEM."""
    return ffi.string(_lib.aliyun_mqtt_root_ca_pem()).decode()


def root_ca_der() -> bytes:
    """GlobalSign Root CA (R1) as DER."""
    n = ffi.new("size_t *")
    p = _lib.aliyun_mqtt_root_ca_der(n)
    return ffi.unpack(ffi.cast("char *", p), n[0])


def root(root_id: Union[RootId, int]) -> Root:
    """The embedded root `root_id`."""
    out = _struct_out(_lib.aliyun_mqtt_root, "aliyun_mqtt_root_info *",
                      _u(root_id, "root_id", 32, "root"))
    return Root(RootId(root_id), ffi.string(out.name).decode(), ffi.string(out.pem).decode(),
                ffi.unpack(ffi.cast("char *", out.der), out.der_len), out.not_after,
                ffi.string(out.not_after_utc).decode())


def roots() -> Tuple[Root, ...]:
    """Every embedded root, in `RootId` order."""
    return tuple(root(r) for r in RootId)


def _root_bits(bits: int) -> Tuple[RootId, ...]:
    return tuple(r for r in RootId if bits & (1 << r.value))


def endpoint_tls(kind: Union[EndpointKind, int]) -> EndpointTls:
    """The roots and TLS port of an endpoint kind (PROTOCOL.md §8)."""
    out = _struct_out(_lib.aliyun_mqtt_endpoint_tls, "aliyun_mqtt_endpoint_tls_info *",
                      _u(kind, "kind", 32, "root"))
    return EndpointTls(_root_bits(out.roots), _root_bits(out.successors), out.port)


# ---------------------------------------------------------------- devices


def _device(product_key, device_name, device_secret, client_id, timestamp_ms, sign_method,
            secure_mode, extra_params, uppercase, keep, secret_optional=False):
    dev = ffi.new("aliyun_mqtt_device *")
    dev.product_key = _p(product_key, "product_key", keep)
    dev.device_name = _p(device_name, "device_name", keep)
    dev.device_secret = _p(device_secret, "device_secret", keep, secret_optional)
    dev.client_id = _p(client_id, "client_id", keep, True)
    dev.extra_params = _p(extra_params, "extra_params", keep, True)
    dev.timestamp_ms = _ts(timestamp_ms)
    dev.sign_method = _method(sign_method)
    dev.secure_mode = _mode(secure_mode)
    dev.uppercase_hex = _bool(uppercase, "uppercase")
    return dev


_PK_SIZE = _lib.ALIYUN_MQTT_PRODUCT_KEY_SIZE
_UNSET = object()
_DN_SIZE = _lib.ALIYUN_MQTT_DEVICE_NAME_SIZE
_DS_SIZE = _lib.ALIYUN_MQTT_DEVICE_SECRET_SIZE


class _PerThread(threading.local):
    """The C structures `sign` and `verify` reuse, one set per thread: the
    device points into `arena`, which holds the product key, device name
    and secret in slots of their C sizes; the conversions of the last sign
    method, secure mode and case are kept (a repeated one is not converted
    again)."""

    def __init__(self):
        self.arena = ffi.new("char[]", _PK_SIZE + _DN_SIZE + _DS_SIZE)
        self.arena_buf = ffi.buffer(self.arena)
        self.dev = ffi.new("aliyun_mqtt_device *")
        self.dev.product_key = self.arena
        self.dev.device_name = self.arena + _PK_SIZE
        self.dev.device_secret = self.arena + _PK_SIZE + _DN_SIZE
        self.cred = ffi.new("aliyun_mqtt_credentials *")
        self.info = ffi.new("aliyun_mqtt_verify_info *")
        self.info_raw = ffi.buffer(self.info)
        # The sign_method, secure_mode and uppercase objects last converted
        # into `dev`, the product_key, device_name and device_secret in
        # `arena` and the timestamp_ms in `dev`; _UNSET or None where
        # nothing is valid.
        self.last = [_UNSET, _UNSET, _UNSET, None, None, None, _UNSET]
        self.verify_state = (self.info, self.info_raw)
        self.host_buf = (ffi.new("char[]", _HOST_SIZE), ffi.new("size_t *"))
        self.sign_state = (self.arena_buf, self.dev, self.cred, self.last)


_tls = _PerThread()
_new = object.__new__
_string = ffi.string
_PACK_DEVICE = struct.Struct(f"{_PK_SIZE}s{_DN_SIZE}s{_DS_SIZE}s").pack_into


def _unpacker(ctype: str):
    """A struct.Struct unpacking the fields of the C struct `ctype`, its
    format computed from the bindings' layout (offsets, sizes and types,
    padding as pad bytes), so it follows the header."""
    codes = {"char": "s", "uint64_t": "Q", "_Bool": "?", "uint32_t": "I", "int32_t": "i",
             "uint16_t": "H", "size_t": "N"}
    fmt, end = "@", 0
    for _, f in ffi.typeof(ctype).fields:
        t = f.type
        if f.offset > end:
            fmt += f"{f.offset - end}x"
        if t.kind == "array" and t.item.cname == "char":
            fmt += f"{t.length}s"
        else:
            fmt += codes[t.cname]
        end = f.offset + ffi.sizeof(t)
    fmt += f"{ffi.sizeof(ctype) - end}x"
    packer = struct.Struct(fmt)
    if packer.size != ffi.sizeof(ctype):
        raise ImportError(f"the layout of {ctype} cannot be unpacked")
    return packer.unpack


_INFO_UNPACK = _unpacker("aliyun_mqtt_verify_info")
_str = str
_SIGN = _lib.aliyun_mqtt_sign
_VERIFY = _lib.aliyun_mqtt_verify
_HOST = _lib.aliyun_mqtt_host
_MODES = {m.value: m for m in SecureMode}


def sign(product_key: str, device_name: str, device_secret: str, *,
         client_id: Optional[str] = None, timestamp_ms: Optional[int] = None,
         sign_method: Union[str, SignMethod] = "hmacsha256",
         secure_mode: Union[str, SecureMode] = "tls",
         extra_params: Optional[str] = None, uppercase: bool = False,
         region_id: str = "cn-shanghai") -> Credentials:
    """Credentials for a device holding its DeviceSecret (PROTOCOL.md §1).

    `client_id` None or "" means ``productKey.deviceName``; `timestamp_ms`
    None leaves the timestamp out (1 to 2**64-1 otherwise); `sign_method` is
    hmacmd5, hmacsha1, hmacsha256 or sha256 (or a SignMethod); `secure_mode`
    tls or tcp (or a SecureMode); `extra_params` is ``k=v[,k=v]`` put inside
    the bars; `uppercase` a bool. Raises AliyunMqttError with the status of
    the first bad field, TypeError for an argument of the wrong type.

    One C call per credentials, into structures reused per thread; the host
    is the product key the call accepted and its region's suffix, which the
    library writes once per region.
    """
    arena_buf, tdev, cred, last = _tls.sign_state
    dev = None
    # The common case: str without NUL. The strings' UTF-8 is copied into
    # the arena's slots at once, each padded with NULs to its slot's size
    # (the field's maximum + 1) or cut to it: one that fills its slot has
    # no NUL within the maximum + 1 bytes the library reads, which it
    # refuses as too long, as it would the whole string. The same string
    # objects as the last call's are in the arena already.
    if product_key.__class__ is _str and device_name.__class__ is _str and \
            device_secret.__class__ is _str:
        if product_key is last[3] and device_name is last[4] and device_secret is last[5]:
            dev = tdev
        elif "\0" not in product_key and "\0" not in device_name and \
                "\0" not in device_secret:
            # A string without UTF-8 (a lone surrogate) leaves the arena as
            # `last` describes it, for the general path to refuse.
            try:
                _PACK_DEVICE(arena_buf, 0, product_key.encode(), device_name.encode(),
                             device_secret.encode())
            except UnicodeEncodeError:
                pass
            else:
                dev = tdev
                last[3], last[4], last[5] = product_key, device_name, device_secret
        if dev is not None:
            # The same timestamp object as the last call's is in `dev` already.
            if timestamp_ms is not last[6]:
                if timestamp_ms is None:
                    dev.timestamp_ms = 0
                elif timestamp_ms.__class__ is int and 0 < timestamp_ms < 1 << 64:
                    dev.timestamp_ms = timestamp_ms
                else:
                    dev.timestamp_ms = _ts(timestamp_ms)
                last[6] = timestamp_ms
            # The same objects as the last call's (and no client id or extra
            # parameters, whose memory is only held for one call) are in
            # `dev` already.
            if sign_method is not last[0] or secure_mode is not last[1] or \
                    uppercase is not last[2] or client_id is not None or \
                    extra_params is not None:
                last[0] = _UNSET
                if uppercase.__class__ is not bool:
                    raise TypeError(f"uppercase must be bool, not {type(uppercase).__name__}")
                if client_id is None:
                    dev.client_id = _NULL
                else:
                    cid = _p(client_id, "client_id", [])
                    dev.client_id = cid
                if extra_params is None:
                    dev.extra_params = _NULL
                else:
                    extra = _p(extra_params, "extra_params", [])
                    dev.extra_params = extra
                dev.sign_method = _method(sign_method)
                dev.secure_mode = _mode(secure_mode)
                dev.uppercase_hex = uppercase
                if client_id is None and extra_params is None:
                    last[0], last[1], last[2] = sign_method, secure_mode, uppercase
    if dev is None:
        keep: list = []
        dev = _device(product_key, device_name, device_secret, client_id, timestamp_ms,
                      sign_method, secure_mode, extra_params, uppercase, keep)
    st = _SIGN(dev, cred)
    if st:
        raise AliyunMqttError(st)
    if dev is tdev:
        # The library has just accepted the product key (the check `host`
        # makes too), so its host is the product key and the region's
        # suffix, which the library wrote once for the region.
        suffix = _suffixes.get(region_id)
        h = product_key + suffix if suffix is not None else \
            _region_host(dev, product_key, region_id)
    else:
        h = host(product_key, region_id)
    c = _new(Credentials)
    d = c.__dict__
    d["client_id"] = _string(cred.client_id).decode()
    d["username"] = _string(cred.username).decode()
    d["password"] = _string(cred.password).decode()
    d["host"] = h
    d["port"] = PORT
    return c


# region_id -> what the library's host of a product in that region writes
# after the product key (".iot-as-mqtt.{region}.aliyuncs.com"); bounded.
_suffixes: dict = {}


def _region_host(dev, product_key, region_id) -> str:
    """The host the library writes for the product key `sign` has just
    written to the arena and `region_id`; keeps the region's suffix."""
    buf, n = _tls.host_buf
    st = _HOST(dev.product_key, _c(region_id, "region_id"), buf, _HOST_SIZE, n)
    if st:
        raise AliyunMqttError(st)
    h = ffi.unpack(buf, n[0]).decode()
    if h.startswith(product_key):
        if len(_suffixes) >= 256:
            _suffixes.clear()
        _suffixes[region_id] = h[len(product_key):]
    return h


def _credentials(out, product_key, region_id) -> Credentials:
    return Credentials(_s(out.client_id), _s(out.username), _s(out.password),
                       host(product_key, region_id), PORT)


def sign_assigned(product_key: str, device_name: str, device_secret: str, *,
                  timestamp_ms: Optional[int] = None,
                  sign_method: Union[str, SignMethod] = "hmacsha256",
                  secure_mode: Union[str, SecureMode] = "tls",
                  extra_params: Optional[str] = None, uppercase: bool = False,
                  region_id: str = "cn-shanghai") -> Credentials:
    """MQTT 5 credentials with a client identifier the server assigns
    (PROTOCOL.md §9.2): the client id starts at its first bar."""
    keep: list = []
    dev = _device(product_key, device_name, device_secret, None, timestamp_ms, sign_method,
                  secure_mode, extra_params, uppercase, keep)
    out = _struct_out(_lib.aliyun_mqtt_sign_assigned, "aliyun_mqtt_credentials *", dev)
    return _credentials(out, product_key, region_id)


def auth_body(product_key: str, device_name: str, device_secret: str, *,
              client_id: Optional[str] = None, timestamp_ms: Optional[int] = None,
              sign_method: Union[str, SignMethod] = "hmacsha256",
              uppercase: bool = False) -> str:
    """The form body of an HTTPS authentication request (PROTOCOL.md §3),
    to POST to `auth_host()` + `auth_path()`; parse the reply with
    `parse_auth_reply`."""
    keep: list = []
    dev = _device(product_key, device_name, device_secret, client_id, timestamp_ms, sign_method,
                  "tls", None, uppercase, keep)
    return _out(_lib.aliyun_mqtt_auth_body, dev, size=_lib.ALIYUN_MQTT_AUTH_BODY_SIZE)


def psk_identity(product_key: str, device_name: str, device_secret: str, *,
                 timestamp_ms: Optional[int] = None,
                 sign_method: Union[str, SignMethod] = "hmacsha256") -> str:
    """The TLS-PSK identity of the vendor's 4.x C SDK (PROTOCOL.md §9.1),
    ``devicename|hmacsha256|{pk}&{dn}|{timestamp_ms}``; the device is
    validated as for `sign`."""
    keep: list = []
    dev = _device(product_key, device_name, device_secret, None, timestamp_ms, sign_method, "tls",
                  None, False, keep)
    return _out(_lib.aliyun_mqtt_psk_identity, dev, size=_lib.ALIYUN_MQTT_PSK_IDENTITY_SIZE)


def psk_key(product_key: str, device_name: str, device_secret: str, *,
            timestamp_ms: Optional[int] = None,
            sign_method: Union[str, SignMethod] = "hmacsha256") -> str:
    """The TLS-PSK key of a device, as 64 hex characters (PROTOCOL.md §9)."""
    keep: list = []
    dev = _device(product_key, device_name, device_secret, None, timestamp_ms, sign_method, "tls",
                  None, False, keep)
    return _out(_lib.aliyun_mqtt_psk_key, dev, size=_lib.ALIYUN_MQTT_PSK_KEY_SIZE)


def signed_content(product_key: str, device_name: str, *, client_id: Optional[str] = None,
                   timestamp_ms: Optional[int] = None,
                   sign_method: Union[str, SignMethod] = "hmacsha256",
                   secure_mode: Union[str, SecureMode] = "tls",
                   extra_params: Optional[str] = None) -> str:
    """Two-phase signing, first phase: the exact text the password's MAC
    covers, to MAC with the DeviceSecret wherever it is kept (an HSM, a
    secure element), then pass the digest to `sign_from_digest`."""
    keep: list = []
    dev = _device(product_key, device_name, None, client_id, timestamp_ms, sign_method,
                  secure_mode, extra_params, False, keep, secret_optional=True)
    return _out(_lib.aliyun_mqtt_signed_content, dev, size=_lib.ALIYUN_MQTT_SIGNED_CONTENT_SIZE)


def _digest(digest) -> bytes:
    if not isinstance(digest, (bytes, bytearray, memoryview)):
        raise TypeError(f"digest must be bytes, not {type(digest).__name__}")
    return bytes(digest)


def password_from_digest(sign_method: Union[str, SignMethod], digest: bytes,
                         uppercase: bool = False) -> str:
    """Two-phase signing: the password for a MAC computed elsewhere."""
    d = _digest(digest)
    return _out(_lib.aliyun_mqtt_password_from_digest, _method(sign_method), d, len(d),
                _bool(uppercase, "uppercase"), size=_lib.ALIYUN_MQTT_PASSWORD_SIZE)


def sign_from_digest(product_key: str, device_name: str, digest: bytes, *,
                     client_id: Optional[str] = None, timestamp_ms: Optional[int] = None,
                     sign_method: Union[str, SignMethod] = "hmacsha256",
                     secure_mode: Union[str, SecureMode] = "tls",
                     extra_params: Optional[str] = None, uppercase: bool = False,
                     region_id: str = "cn-shanghai") -> Credentials:
    """Two-phase signing, second phase: the credentials of `sign` with the
    MAC of `signed_content` (same arguments) computed elsewhere."""
    keep: list = []
    dev = _device(product_key, device_name, None, client_id, timestamp_ms, sign_method,
                  secure_mode, extra_params, uppercase, keep, secret_optional=True)
    d = _digest(digest)
    out = _struct_out(_lib.aliyun_mqtt_sign_from_digest, "aliyun_mqtt_credentials *", dev, d,
                      len(d))
    return _credentials(out, product_key, region_id)


def auth_body_from_digest(product_key: str, device_name: str, digest: bytes, *,
                          client_id: Optional[str] = None, timestamp_ms: Optional[int] = None,
                          sign_method: Union[str, SignMethod] = "hmacsha256",
                          uppercase: bool = False) -> str:
    """Two-phase signing of `auth_body`: the MAC of `signed_content`."""
    keep: list = []
    dev = _device(product_key, device_name, None, client_id, timestamp_ms, sign_method, "tls",
                  None, uppercase, keep, secret_optional=True)
    d = _digest(digest)
    return _out(_lib.aliyun_mqtt_auth_body_from_digest, dev, d, len(d),
                size=_lib.ALIYUN_MQTT_AUTH_BODY_SIZE)


# ---------------------------------------------------------------- verifier


def _identity(info) -> Identity:
    return Identity(_s(info.product_key), _s(info.device_name), _s(info.client_id),
                    _METHODS[info.sign_method], _MODES[info.secure_mode],
                    info.timestamp_ms if info.has_timestamp else None,
                    _AUTH_TYPES.get(info.auth_type), _s(info.random))


def identify(mqtt_client_id: str, username: str) -> Identity:
    """Parses CONNECT fields without a secret (to look the secret up)."""
    info = ffi.new("aliyun_mqtt_verify_info *")
    _check(_lib.aliyun_mqtt_verify_identify(_c(mqtt_client_id, "mqtt_client_id"),
                                            _c(username, "username"), info))
    return _identity(info)


def verify(mqtt_client_id: str, username: str, password: str, device_secret: str) -> Identity:
    """Returns the identity when the platform would accept these CONNECT
    fields for this secret; raises AliyunMqttError (for example
    ``ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH``) otherwise. `device_secret` is
    the DeviceSecret, the ProductSecret (a registration) or the deviceToken
    (``connwl``): see `Identity.auth_type`."""
    try:
        if mqtt_client_id.__class__ is not _str or username.__class__ is not _str or \
                password.__class__ is not _str or device_secret.__class__ is not _str:
            raise TypeError
        cid, user, pw = mqtt_client_id.encode(), username.encode(), password.encode()
        secret = device_secret.encode()
        if 0 in cid or 0 in user or 0 in pw or 0 in secret:
            raise TypeError
    except (TypeError, UnicodeEncodeError):
        cid = _c(mqtt_client_id, "mqtt_client_id")
        user = _c(username, "username")
        pw = _c(password, "password")
        try:
            secret = _c(device_secret, "device_secret")
        except AliyunMqttError:
            # Which secret is bad depends on the authType: a byte that every
            # role refuses gets the library's status for this CONNECT.
            secret = b"\x7f"
    info, info_raw = _tls.verify_state
    st = _VERIFY(cid, user, pw, secret, info)
    if st:
        raise AliyunMqttError(st)
    pk, dn, client, ts, has_ts, method, mode, auth, rnd = _INFO_UNPACK(info_raw)
    ident = _new(Identity)
    d = ident.__dict__
    # Each array is its string and zeros (the header's rule).
    d["product_key"] = pk.rstrip(b"\0").decode()
    d["device_name"] = dn.rstrip(b"\0").decode()
    d["client_id"] = client.rstrip(b"\0").decode()
    d["sign_method"] = _METHODS[method]
    d["secure_mode"] = _MODES[mode]
    d["timestamp_ms"] = ts if has_ts else None
    d["auth_type"] = _AUTH_TYPES.get(auth)
    d["random"] = rnd.rstrip(b"\0").decode()
    return ident


def explain(mqtt_client_id: str, username: str, password: str, secret: Optional[str] = None,
            keepalive: Optional[int] = None) -> Explanation:
    """What the platform would do with a CONNECT's fields: the first
    problem, where it is, the parsed fields, the signed content and, with
    the secret, the expected password. `keepalive` None is not checked."""
    ka = -1 if keepalive is None else _int(keepalive, "keepalive")
    if not -1 <= ka < 1 << 31:
        raise ValueError(f"keepalive must be -1 to {(1 << 31) - 1}, not {ka}")
    out = _struct_out(_lib.aliyun_mqtt_explain, "aliyun_mqtt_explanation *",
                      _c(mqtt_client_id, "mqtt_client_id"), _c(username, "username"),
                      _c(password, "password"), _c(secret, "secret", True), ka)
    return Explanation(Verdict(out.verdict), ffi.string(_lib.aliyun_mqtt_verdict_name(out.verdict)).decode(),
                       ffi.string(_lib.aliyun_mqtt_verdict_str(out.verdict)).decode(),
                       Field(out.field), out.offset, out.length,
                       _identity(out.info) if out.parsed else None, bool(out.uppercase_hex),
                       _s(out.content), _s(out.expected_password))


# ---------------------------------------------------------------- registration


def _registration(product_key, device_name, product_secret, random, client_id, instance_id,
                  sign_method, secure_mode, auth_type, uppercase, keep, secret_optional=False):
    reg = ffi.new("aliyun_mqtt_registration *", _lib.aliyun_mqtt_registration_default())
    reg.product_key = _p(product_key, "product_key", keep)
    reg.device_name = _p(device_name, "device_name", keep)
    reg.product_secret = _p(product_secret, "product_secret", keep, secret_optional)
    reg.random = _p(random, "random", keep)
    reg.client_id = _p(client_id, "client_id", keep, True)
    reg.instance_id = _p(instance_id, "instance_id", keep, True)
    reg.sign_method = _method(sign_method)
    reg.secure_mode = _mode(secure_mode)
    reg.auth_type = _auth(auth_type)
    reg.uppercase_hex = _bool(uppercase, "uppercase")
    return reg


def _reg_credentials(out, product_key, instance_id, region_id) -> Credentials:
    if instance_id:
        h = instance_host(instance_id)
    else:
        h = host(product_key, region_id)
    return Credentials(_s(out.client_id), _s(out.username), _s(out.password), h, PORT)


def register_sign(product_key: str, device_name: str, product_secret: str, random: str, *,
                  client_id: Optional[str] = None, instance_id: Optional[str] = None,
                  sign_method: Union[str, SignMethod] = "hmacsha256",
                  secure_mode: Union[str, SecureMode] = "tls",
                  auth_type: Union[str, AuthType] = "register", uppercase: bool = False,
                  region_id: str = "cn-shanghai") -> Credentials:
    """CONNECT fields of dynamic registration over MQTT (PROTOCOL.md §4),
    signed with the ProductSecret; `auth_type` register (the reply on
    `/ext/register` carries the DeviceSecret: `parse_ext_register`) or
    regnwl (`/ext/regnwl`, a deviceToken: `parse_ext_regnwl`, `connwl`)."""
    keep: list = []
    reg = _registration(product_key, device_name, product_secret, random, client_id, instance_id,
                        sign_method, secure_mode, auth_type, uppercase, keep)
    out = _struct_out(_lib.aliyun_mqtt_register_sign, "aliyun_mqtt_credentials *", reg)
    return _reg_credentials(out, product_key, instance_id, region_id)


def register_body(product_key: str, device_name: str, product_secret: str, random: str, *,
                  sign_method: Union[str, SignMethod] = "hmacsha256",
                  uppercase: bool = False) -> str:
    """The form body of HTTPS dynamic registration, to POST to
    `auth_host()` + `register_path()`; parse with `parse_register_reply`."""
    keep: list = []
    reg = _registration(product_key, device_name, product_secret, random, None, None,
                        sign_method, "tls", "register", uppercase, keep)
    return _out(_lib.aliyun_mqtt_register_body, reg, size=_lib.ALIYUN_MQTT_REGISTER_BODY_SIZE)


def register_signed_content(product_key: str, device_name: str, random: str, *,
                            client_id: Optional[str] = None, instance_id: Optional[str] = None,
                            sign_method: Union[str, SignMethod] = "hmacsha256",
                            secure_mode: Union[str, SecureMode] = "tls",
                            auth_type: Union[str, AuthType] = "register") -> str:
    """Two-phase registration, first phase: the text to MAC with the
    ProductSecret."""
    keep: list = []
    reg = _registration(product_key, device_name, None, random, client_id, instance_id,
                        sign_method, secure_mode, auth_type, False, keep, secret_optional=True)
    return _out(_lib.aliyun_mqtt_register_signed_content, reg,
                size=_lib.ALIYUN_MQTT_SIGNED_CONTENT_SIZE)


def register_sign_from_digest(product_key: str, device_name: str, random: str, digest: bytes,
                              *, client_id: Optional[str] = None,
                              instance_id: Optional[str] = None,
                              sign_method: Union[str, SignMethod] = "hmacsha256",
                              secure_mode: Union[str, SecureMode] = "tls",
                              auth_type: Union[str, AuthType] = "register",
                              uppercase: bool = False,
                              region_id: str = "cn-shanghai") -> Credentials:
    """Two-phase registration: `register_sign` with the MAC computed elsewhere."""
    keep: list = []
    reg = _registration(product_key, device_name, None, random, client_id, instance_id,
                        sign_method, secure_mode, auth_type, uppercase, keep, secret_optional=True)
    d = _digest(digest)
    out = _struct_out(_lib.aliyun_mqtt_register_sign_from_digest, "aliyun_mqtt_credentials *",
                      reg, d, len(d))
    return _reg_credentials(out, product_key, instance_id, region_id)


def register_body_from_digest(product_key: str, device_name: str, random: str, digest: bytes,
                              *, sign_method: Union[str, SignMethod] = "hmacsha256",
                              uppercase: bool = False) -> str:
    """Two-phase registration: `register_body` with the MAC computed elsewhere."""
    keep: list = []
    reg = _registration(product_key, device_name, None, random, None, None, sign_method, "tls",
                        "register", uppercase, keep, secret_optional=True)
    d = _digest(digest)
    return _out(_lib.aliyun_mqtt_register_body_from_digest, reg, d, len(d),
                size=_lib.ALIYUN_MQTT_REGISTER_BODY_SIZE)


def _parse(fn, ctype, reply, make):
    data = _text(reply, "reply")
    out = ffi.new(ctype)
    st = fn(data, len(data), out)
    if st != _OK:
        raise AliyunMqttError(st, make(out))
    return make(out)


def _auth_reply(o) -> AuthReply:
    return AuthReply(o.code, _s(o.message), _s(o.iot_id), _s(o.iot_token), _s(o.host), o.port)


def _register_reply(o) -> RegisterReply:
    return RegisterReply(o.code, _s(o.message), _s(o.product_key), _s(o.device_name),
                         _s(o.device_secret))


def parse_auth_reply(reply: Union[str, bytes]) -> AuthReply:
    """Parses the JSON reply to `auth_body`. A refusal raises
    ALIYUN_MQTT_ERR_SERVER_REFUSED, its `reply` the code and message."""
    return _parse(_lib.aliyun_mqtt_parse_auth_reply, "aliyun_mqtt_auth_reply *", reply,
                  _auth_reply)


def parse_register_reply(reply: Union[str, bytes]) -> RegisterReply:
    """Parses the JSON reply to `register_body`."""
    return _parse(_lib.aliyun_mqtt_parse_register_reply, "aliyun_mqtt_register_reply *", reply,
                  _register_reply)


def parse_ext_register(payload: Union[str, bytes]) -> RegisterReply:
    """Parses the `/ext/register` payload of MQTT registration."""
    return _parse(_lib.aliyun_mqtt_parse_ext_register, "aliyun_mqtt_register_reply *", payload,
                  _register_reply)


def parse_ext_regnwl(payload: Union[str, bytes]) -> RegnwlReply:
    """Parses the `/ext/regnwl` payload: the deviceToken."""
    return _parse(_lib.aliyun_mqtt_parse_ext_regnwl, "aliyun_mqtt_regnwl_reply *", payload,
                  lambda o: RegnwlReply(_s(o.client_id), _s(o.product_key), _s(o.device_name),
                                        _s(o.device_token)))


def connwl(reply: RegnwlReply) -> ConnwlCredentials:
    """The CONNECT fields of a device holding the deviceToken of `reply`."""
    r = ffi.new("aliyun_mqtt_regnwl_reply *")
    for name, field in (("client_id", "client_id"), ("product_key", "product_key"),
                        ("device_name", "device_name"), ("device_token", "device_token")):
        b = _c(getattr(reply, name), field)
        if len(b) >= len(getattr(r, name)):
            raise AliyunMqttError(_FIELD_STATUS[field])
        setattr(r, name, b)
    out = _struct_out(_lib.aliyun_mqtt_connwl, "aliyun_mqtt_connwl_credentials *", r)
    return ConnwlCredentials(_s(out.client_id), _s(out.username), _s(out.password))


# ---------------------------------------------------------------- NTP


def ntp_request(device_send_time: int) -> str:
    """The payload to publish on the NTP request topic (PROTOCOL.md §7)."""
    return _out(_lib.aliyun_mqtt_ntp_request, _u(device_send_time, "device_send_time", 64, "ntp"),
                size=_lib.ALIYUN_MQTT_NTP_REQUEST_SIZE)


def parse_ntp_response(payload: Union[str, bytes]) -> NtpResponse:
    """Parses an NTP response payload."""
    return _parse(_lib.aliyun_mqtt_parse_ntp_response, "aliyun_mqtt_ntp_response *", payload,
                  lambda o: NtpResponse(o.device_send_time, o.server_recv_time,
                                        o.server_send_time))


def ntp_time(device_send_time: int, server_recv_time: int, server_send_time: int,
             device_recv_time: int) -> int:
    """The epoch ms when the device's counter read `device_recv_time`:
    ``(serverRecv + serverSend + deviceRecv - deviceSend) // 2``. Times out
    of order (the response before the request, the server's hold longer
    than the round trip) raise ALIYUN_MQTT_ERR_INVALID_NTP_TIMES."""
    out = ffi.new("uint64_t *")
    _check(_lib.aliyun_mqtt_ntp_time(*(_u(v, "ntp", 64, "ntp") for v in (
        device_send_time, server_recv_time, server_send_time, device_recv_time)), out))
    return out[0]


# ---------------------------------------------------------------- gateways


def _subdevs(subs: Iterable[Subdev], keep: list):
    subs = list(subs)
    arr = ffi.new("aliyun_mqtt_subdev[]", max(len(subs), 1))
    for c, s in zip(arr, subs):
        if not isinstance(s, Subdev):
            raise TypeError(f"sub-devices must be Subdev, not {type(s).__name__}")
        c.product_key = _p(s.product_key, "product_key", keep)
        c.device_name = _p(s.device_name, "device_name", keep)
        c.device_secret = _p(s.device_secret, "device_secret", keep, True)
        c.client_id = _p(s.client_id, "client_id", keep, True)
        c.timestamp_ms = _u(s.timestamp_ms, "timestamp_ms", 64, "timestamp_ms")
        c.clean_session = _bool(s.clean_session, "clean_session")
    return arr, len(subs)


def _id(value) -> int:
    return _u(value, "id", 32)


def subdev_topo_add(id: int, subs: Iterable[Subdev],
                    sign_method: Union[str, SignMethod] = "hmacsha256") -> str:
    """The topology add payload of a gateway (PROTOCOL.md §6)."""
    keep: list = []
    arr, n = _subdevs(subs, keep)
    return _out(_lib.aliyun_mqtt_subdev_topo_add, _id(id), _method(sign_method), arr, n,
                size=_lib.ALIYUN_MQTT_SUBDEV_TOPO_ADD_SIZE)


def subdev_topo_delete(id: int, subs: Iterable[Subdev]) -> str:
    """The topology delete payload."""
    keep: list = []
    arr, n = _subdevs(subs, keep)
    return _out(_lib.aliyun_mqtt_subdev_topo_delete, _id(id), arr, n,
                size=_lib.ALIYUN_MQTT_SUBDEV_TOPO_DELETE_SIZE)


def subdev_login(id: int, sub: Subdev, sign_method: Union[str, SignMethod] = "hmacsha256") -> str:
    """The login payload of one sub-device."""
    keep: list = []
    arr, _ = _subdevs([sub], keep)
    return _out(_lib.aliyun_mqtt_subdev_login, _id(id), _method(sign_method), arr,
                size=_lib.ALIYUN_MQTT_SUBDEV_LOGIN_SIZE)


def subdev_batch_login(id: int, subs: Iterable[Subdev],
                       sign_method: Union[str, SignMethod] = "hmacsha256") -> str:
    """The batch login payload."""
    keep: list = []
    arr, n = _subdevs(subs, keep)
    return _out(_lib.aliyun_mqtt_subdev_batch_login, _id(id), _method(sign_method), arr, n,
                size=_lib.ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE)


def subdev_logout(id: int, sub: Subdev) -> str:
    """The logout payload of one sub-device."""
    keep: list = []
    arr, _ = _subdevs([sub], keep)
    return _out(_lib.aliyun_mqtt_subdev_logout, _id(id), arr,
                size=_lib.ALIYUN_MQTT_SUBDEV_LOGOUT_SIZE)


def subdev_batch_logout(id: int, subs: Iterable[Subdev]) -> str:
    """The batch logout payload."""
    keep: list = []
    arr, n = _subdevs(subs, keep)
    return _out(_lib.aliyun_mqtt_subdev_batch_logout, _id(id), arr, n,
                size=_lib.ALIYUN_MQTT_SUBDEV_BATCH_LOGOUT_SIZE)


def subdev_product_register(id: int, subs: Iterable[SubdevRegistration],
                            sign_method: Union[str, SignMethod] = "hmacsha256") -> str:
    """The registration-by-product payload of sub-devices."""
    keep: list = []
    subs = list(subs)
    arr = ffi.new("aliyun_mqtt_subdev_registration[]", max(len(subs), 1))
    for c, s in zip(arr, subs):
        if not isinstance(s, SubdevRegistration):
            raise TypeError(f"sub-devices must be SubdevRegistration, not {type(s).__name__}")
        c.product_key = _p(s.product_key, "product_key", keep)
        c.device_name = _p(s.device_name, "device_name", keep)
        c.product_secret = _p(s.product_secret, "product_secret", keep)
        c.random = _p(s.random, "random", keep)
    return _out(_lib.aliyun_mqtt_subdev_product_register, _id(id), _method(sign_method), arr,
                len(subs), size=_lib.ALIYUN_MQTT_SUBDEV_PRODUCT_REGISTER_SIZE)


def _ids(arr, n) -> Tuple[SubdevId, ...]:
    return tuple(SubdevId(_s(d.product_key), _s(d.device_name)) for d in arr[0:n])


def parse_subdev_reply(reply: Union[str, bytes]) -> SubdevReply:
    """Parses a topology, login or logout reply of a gateway."""
    return _parse(_lib.aliyun_mqtt_parse_subdev_reply, "aliyun_mqtt_subdev_reply *", reply,
                  lambda o: SubdevReply(o.id, o.code, _s(o.message), _ids(o.devices, o.count)))


def parse_product_register_reply(reply: Union[str, bytes]) -> ProductRegisterReply:
    """Parses a registration-by-product reply."""
    return _parse(
        _lib.aliyun_mqtt_parse_product_register_reply, "aliyun_mqtt_product_register_reply *",
        reply, lambda o: ProductRegisterReply(
            o.id, o.code, _s(o.message),
            tuple(SubdevSecret(_s(d.product_key), _s(d.device_name), _s(d.device_secret))
                  for d in o.devices[0:o.count]),
            _ids(o.failed, o.failed_count)))
