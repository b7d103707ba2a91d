"""Against the vendor's Python SDK (aliyun-iot-linkkit 1.2.13): the gateway
messages it publishes for topology add, batch login and registration by
product (captured by replacing its MQTT client's publish) carry the same
topics and signs as the package's, for the same sub-devices, timestamps,
client ids and random strings (the SDK's randoms drawn from a seeded
generator); topology delete and batch logout are the same payloads; and the
Aliyun IoT Root CA the library embeds is the one the SDK bundles."""
import json
import random

import pytest

import aliyun_mqtt_sign as ams

linkkit = pytest.importorskip("linkkit.linkkit")


def topic(kind, pk, dn):
    return ams.topic(ams.Topic[kind.upper()], pk, dn)


def subdevs(entries):
    return [ams.Subdev(e["productKey"], e["deviceName"], e["secret"], e["clientId"],
                       int(e["timestamp"]), e.get("cleanSession") == "true") for e in entries]


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
    ours = json.loads(ams.subdev_topo_add(int(request_id), subdevs(entries), "hmacsha256"))
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
    other = json.loads(ams.subdev_topo_add(int(request_id), subdevs(wrong), "hmacsha256"))
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
    ours = json.loads(ams.subdev_batch_login(int(request_id), subdevs(entries), "hmacsha256"))
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
    regs = [ams.SubdevRegistration(e["productKey"], e["deviceName"], p[2], e["random"])
            for e, p in zip(proxieds, products)]
    ours = json.loads(ams.subdev_product_register(int(request_id), regs, "hmacsha256"))
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
    fn = {"topo_delete": ams.subdev_topo_delete, "batch_logout": ams.subdev_batch_logout}[kind]
    ours = json.loads(fn(int(request_id), [ams.Subdev(pk, dn) for pk, dn, _ in SUBDEVICES]))
    if kind == "topo_delete":
        assert ours.pop("method") == "thing.topo.delete"
    assert ours == req


def test_aliyun_root_is_the_sdks():
    info = ams.root(ams.RootId.ALIYUN_IOT)
    ours = info.pem.strip()
    bundle = linkkit.LinkKit._LinkKit__ALIYUN_BROKER_CA_DATA
    assert info.name == "Aliyun IoT Root CA"
    assert ours in bundle.replace("\r\n", "\n"), "the SDK's bundle lacks the embedded Aliyun IoT Root CA"
