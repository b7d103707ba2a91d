"""Against the vendor's Python SDK (aliyun-iot-linkkit 1.2.13): the gateway
messages it publishes for topology add, batch login and registration by
product (captured by replacing its MQTT client's publish) carry the same
topics and signs as the library's, for the same sub-devices, timestamps,
client ids and random strings (the SDK's randoms drawn from a seeded
generator); topology delete and batch logout are the same payloads; and the
Aliyun IoT Root CA the library embeds is the one the SDK bundles.

The library is called through ctypes on the shared library directly (the
package's Python API does not cover gateways): ALIYUN_MQTT_SIGN_LIB, or the
one bundled in the installed package, found without importing it."""
import ctypes
import importlib.util
import json
import os
import random

import pytest

linkkit = pytest.importorskip("linkkit.linkkit")


def _library_path():
    path = os.environ.get("ALIYUN_MQTT_SIGN_LIB")
    if path:
        return path
    spec = importlib.util.find_spec("aliyun_mqtt_sign")
    assert spec and spec.submodule_search_locations, "aliyun_mqtt_sign is not installed"
    return os.path.join(list(spec.submodule_search_locations)[0], "libaliyun_mqtt_sign.so")


lib = ctypes.CDLL(_library_path())
OK, HMAC_SHA256 = 0, 3
TOPIC = {"topo_add": 1, "topo_delete": 3, "batch_login": 7, "batch_logout": 11, "product_register": 13}


class Subdev(ctypes.Structure):
    _fields_ = [("product_key", ctypes.c_char_p), ("device_name", ctypes.c_char_p),
                ("device_secret", ctypes.c_char_p), ("client_id", ctypes.c_char_p),
                ("timestamp_ms", ctypes.c_uint64), ("clean_session", ctypes.c_bool)]


class SubdevRegistration(ctypes.Structure):
    _fields_ = [("product_key", ctypes.c_char_p), ("device_name", ctypes.c_char_p),
                ("product_secret", ctypes.c_char_p), ("random", ctypes.c_char_p)]


class RootInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("pem", ctypes.c_char_p),
                ("der", ctypes.POINTER(ctypes.c_uint8)), ("der_len", ctypes.c_size_t),
                ("not_after", ctypes.c_uint64), ("not_after_utc", ctypes.c_char_p)]


def call(fn, *args):
    """A builder's output as text (a large buffer; the status must be OK)."""
    buf = ctypes.create_string_buffer(32768)
    n = ctypes.c_size_t()
    st = fn(*args, buf, ctypes.c_size_t(len(buf)), ctypes.byref(n))
    assert st == OK, lib.aliyun_mqtt_status_name(st)
    return buf.raw[:n.value].decode()


lib.aliyun_mqtt_status_name.restype = ctypes.c_char_p
lib.aliyun_mqtt_status_name.argtypes = [ctypes.c_uint32]


def topic(kind, pk, dn):
    return call(lib.aliyun_mqtt_topic, ctypes.c_uint32(TOPIC[kind]), pk.encode(), dn.encode())


def subdevs(entries):
    array = (Subdev * len(entries))()
    for slot, e in zip(array, entries):
        slot.product_key, slot.device_name = e["productKey"].encode(), e["deviceName"].encode()
        slot.device_secret, slot.client_id = e["secret"].encode(), e["clientId"].encode()
        slot.timestamp_ms, slot.clean_session = int(e["timestamp"]), e.get("cleanSession") == "true"
    return array


GATEWAY = ("a1GwPk0001", "gateway-01", "GwS3cretGwS3cretGwS3cretGwS3cret")
SUBDEVICES = [
    ("a1B2c3D4e5F", "sensor_01", "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12"),
    ("k0abcdef", "dev-0001@site:7", "x" * 64),
    ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"),
]


class CapturingClient:
    """Stands in for paho's Client: records what the SDK publishes."""

    def __init__(self, *args, **kwargs):
        self.published = []

    def publish(self, topic, payload=None, qos=0, retain=False):
        self.published.append((topic, payload, qos))
        return 0, len(self.published)

    def __getattr__(self, name):  # the SDK's other set-up calls: no-ops
        return lambda *a, **k: None


@pytest.fixture
def sdk(monkeypatch):
    monkeypatch.setattr(linkkit.mqtt, "Client", CapturingClient)
    lk = linkkit.LinkKit(host_name="cn-shanghai", product_key=GATEWAY[0],
                         device_name=GATEWAY[1], device_secret=GATEWAY[2])
    lk._LinkKit__config_mqtt_client_internal()
    return lk, lk._LinkKit__mqtt_client


@pytest.mark.parametrize("now", [1539421321.846, 1700000000.25])
def test_topo_add_matches_sdk(sdk, monkeypatch, now):
    lk, client = sdk
    monkeypatch.setattr(linkkit.time, "time", lambda: now)
    rc, request_id = lk.gateway_add_subdev_topo([list(s) for s in SUBDEVICES])
    assert rc == 0
    (sdk_topic, payload, _), = client.published
    req = json.loads(payload)
    assert sdk_topic == topic("topo_add", *GATEWAY[:2])
    entries = [dict(e, secret=s[2]) for e, s in zip(req["params"], SUBDEVICES)]
    ours = json.loads(call(lib.aliyun_mqtt_subdev_topo_add, ctypes.c_uint32(int(request_id)),
                           ctypes.c_uint32(HMAC_SHA256), subdevs(entries), ctypes.c_size_t(len(entries))))
    assert ours["id"] == req["id"] == request_id and ours["version"] == req["version"]
    assert len(ours["params"]) == len(req["params"]) == len(SUBDEVICES)
    for mine, theirs in zip(ours["params"], req["params"]):
        assert mine["sign"] == theirs["sign"]
        # The same members; the method's name is spelled in lower case here.
        assert mine.pop("signmethod") == theirs.pop("signmethod").lower() == "hmacsha256"
        assert mine == theirs
    # The library also writes "method", which the SDK leaves out.
    assert ours.pop("method") == "thing.topo.add" and "method" not in req
    assert ours.pop("params") and req.pop("params") and ours == req
    # Another secret gives another sign: the comparison above can fail.
    wrong = [dict(e, secret=e["secret"][:-1] + ("y" if e["secret"][-1] != "y" else "z")) for e in entries]
    other = json.loads(call(lib.aliyun_mqtt_subdev_topo_add, ctypes.c_uint32(int(request_id)),
                            ctypes.c_uint32(HMAC_SHA256), subdevs(wrong), ctypes.c_size_t(len(wrong))))
    assert all(o["sign"] != t["sign"] for o, t in zip(other["params"], json.loads(payload)["params"]))


def test_batch_login_matches_sdk(sdk, monkeypatch):
    lk, client = sdk
    monkeypatch.setattr(linkkit.time, "time", lambda: 1600000000.5)
    rc, request_id = lk.gateway_login_subdev([list(s) for s in SUBDEVICES])
    assert rc == 0
    (sdk_topic, payload, qos), = client.published
    req = json.loads(payload)
    assert qos == 0 and sdk_topic == topic("batch_login", *GATEWAY[:2])
    # The SDK's client id is "pk.dn|lan=Python,...|": signed as sent.
    assert all("|" in e["clientId"] for e in req["params"]["deviceList"])
    entries = [dict(e, secret=s[2]) for e, s in zip(req["params"]["deviceList"], SUBDEVICES)]
    ours = json.loads(call(lib.aliyun_mqtt_subdev_batch_login, ctypes.c_uint32(int(request_id)),
                           ctypes.c_uint32(HMAC_SHA256), subdevs(entries), ctypes.c_size_t(len(entries))))
    assert ours["params"].pop("signMethod") == req["params"].pop("signMethod").lower()
    assert ours == req


def test_product_register_matches_sdk(sdk, monkeypatch):
    lk, client = sdk
    # The SDK's 15-character random strings, drawn from a seeded generator.
    monkeypatch.setattr(linkkit.random, "choice", random.Random(20).choice)
    products = [(pk, dn, "Ps" + pk) for pk, dn, _ in SUBDEVICES]
    rc, request_id = lk.gateway_product_register_subdev([list(p) for p in products])
    assert rc == 0
    (sdk_topic, payload, _), = client.published
    req = json.loads(payload)
    assert sdk_topic == topic("product_register", *GATEWAY[:2])
    proxieds = req["params"]["proxieds"]
    array = (SubdevRegistration * len(proxieds))()
    for slot, e, p in zip(array, proxieds, products):
        slot.product_key, slot.device_name = e["productKey"].encode(), e["deviceName"].encode()
        slot.product_secret, slot.random = p[2].encode(), e["random"].encode()
    ours = json.loads(call(lib.aliyun_mqtt_subdev_product_register, ctypes.c_uint32(int(request_id)),
                           ctypes.c_uint32(HMAC_SHA256), array, ctypes.c_size_t(len(proxieds))))
    assert all(len(e["random"]) == 15 for e in proxieds)
    for mine, theirs in zip(ours["params"]["proxieds"], proxieds):
        assert mine.pop("signMethod") == theirs.pop("signMethod").lower()
    assert ours == req


@pytest.mark.parametrize("kind", ["topo_delete", "batch_logout"])
def test_naming_messages_match_sdk(sdk, kind):
    lk, client = sdk
    call_sdk = {"topo_delete": lk.gateway_delete_subdev_topo, "batch_logout": lk.gateway_logout_subdev}[kind]
    rc, request_id = call_sdk([[pk, dn] for pk, dn, _ in SUBDEVICES])
    assert rc == 0
    (sdk_topic, payload, _), = client.published
    req = json.loads(payload)
    assert sdk_topic == topic(kind, *GATEWAY[:2])
    fn = {"topo_delete": lib.aliyun_mqtt_subdev_topo_delete,
          "batch_logout": lib.aliyun_mqtt_subdev_batch_logout}[kind]
    entries = [{"productKey": pk, "deviceName": dn, "secret": "", "clientId": "", "timestamp": "0"}
               for pk, dn, _ in SUBDEVICES]
    array = subdevs(entries)
    for slot in array:
        slot.device_secret = slot.client_id = None
    ours = json.loads(call(fn, ctypes.c_uint32(int(request_id)), array, ctypes.c_size_t(len(entries))))
    if kind == "topo_delete":
        assert ours.pop("method") == "thing.topo.delete"
    assert ours == req


def test_aliyun_root_is_the_sdks():
    info = RootInfo()
    assert lib.aliyun_mqtt_root(ctypes.c_uint32(2), ctypes.byref(info)) == OK
    ours = info.pem.decode().strip()
    bundle = linkkit.LinkKit._LinkKit__ALIYUN_BROKER_CA_DATA
    assert info.name == b"Aliyun IoT Root CA"
    assert ours in bundle.replace("\r\n", "\n"), "the SDK's bundle lacks the embedded Aliyun IoT Root CA"
