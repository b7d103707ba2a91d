"""Minimal ctypes access to libaliyun_mqtt_sign.so for the broker tests:
the same compiled library firmware links computes the credentials."""
import ctypes

HMAC_MD5, HMAC_SHA1, HMAC_SHA256, SHA256 = 1, 2, 3, 4
METHODS = {"hmacmd5": HMAC_MD5, "hmacsha1": HMAC_SHA1, "hmacsha256": HMAC_SHA256, "sha256": SHA256}
TLS, TCP = 2, 3


class Device(ctypes.Structure):
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


class Credentials(ctypes.Structure):
    _fields_ = [
        ("client_id", ctypes.c_char * 262),
        ("username", ctypes.c_char * 54),
        ("password", ctypes.c_char * 65),
    ]


class Lib:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.aliyun_mqtt_device_default.restype = Device
        self.lib.aliyun_mqtt_sign.argtypes = [ctypes.POINTER(Device), ctypes.POINTER(Credentials)]
        self.lib.aliyun_mqtt_sign.restype = ctypes.c_uint32
        self.lib.aliyun_mqtt_status_name.argtypes = [ctypes.c_uint32]
        self.lib.aliyun_mqtt_status_name.restype = ctypes.c_char_p

    def sign(self, pk, dn, ds, *, client_id=None, timestamp_ms=0, method="hmacsha256",
             secure_mode=TCP, uppercase=False):
        dev = self.lib.aliyun_mqtt_device_default()
        dev.product_key, dev.device_name, dev.device_secret = pk.encode(), dn.encode(), ds.encode()
        dev.client_id = client_id.encode() if client_id else None
        dev.timestamp_ms = timestamp_ms
        dev.sign_method = METHODS[method]
        dev.secure_mode = secure_mode
        dev.uppercase_hex = uppercase
        cred = Credentials()
        st = self.lib.aliyun_mqtt_sign(ctypes.byref(dev), ctypes.byref(cred))
        if st != 0:
            raise ValueError(self.lib.aliyun_mqtt_status_name(st).decode())
        return cred.client_id.decode(), cred.username.decode(), cred.password.decode()
