"""The whole C API through the package: endpoints and roots, HTTPS
authentication and registration with their parsers, registration over
MQTT, connwl, sub-device messages and replies, NTP, two-phase signing,
explain and the enums, each against an independent computation (hmac,
hashlib, urllib.parse, json, ssl) and, where it has one, the vendor's
Python SDK (aliyun-iot-linkkit 1.2.13)."""
import datetime
import hashlib
import hmac
import json
import random
import re
import ssl
import string
import urllib.parse

import pytest
from hypothesis import given, settings, strategies as st

import aliyun_mqtt_sign as ams

G = ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq")
DIGESTS = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}
ALNUM = string.ascii_letters + string.digits


def mac(secret, content, method="hmacsha256"):
    return hmac.new(secret.encode(), content.encode(), DIGESTS[method])


def status(call):
    with pytest.raises(ams.AliyunMqttError) as err:
        call()
    return err.value.status


# ---------------------------------------------------------------- endpoints


def test_endpoints():
    assert ams.host("a1pk", "cn-beijing") == "a1pk.iot-as-mqtt.cn-beijing.aliyuncs.com"
    assert ams.instance_host("iot-06z00ax1o4wnyx4") == "iot-06z00ax1o4wnyx4.mqtt.iothub.aliyuncs.com"
    assert ams.auth_host() == "iot-auth.cn-shanghai.aliyuncs.com"
    assert ams.auth_host("ap-southeast-1") == "iot-auth.ap-southeast-1.aliyuncs.com"
    assert ams.custom_host("mqtt.example.com") == "mqtt.example.com"
    assert ams.websocket_url("a1pk") == "wss://a1pk.iot-as-mqtt.cn-shanghai.aliyuncs.com:443"
    assert ams.websocket_url("a1pk", secure_mode="tcp").startswith("ws://a1pk.")
    assert ams.ipv6_host().endswith(".aliyuncs.com")
    assert (ams.auth_path(), ams.register_path()) == ("/auth/devicename", "/auth/register/device")
    assert ams.topic(ams.Topic.TOPO_ADD, "pk", "dev1") == "/sys/pk/dev1/thing/topo/add"
    assert ams.topic(ams.Topic.NTP_REQUEST, "pk", "dev1") == "/ext/ntp/pk/dev1/request"
    assert (ams.PORT, ams.HTTPS_PORT, ams.INSTANCE_TLS_PORT) == (1883, 443, 8883)
    assert status(lambda: ams.instance_host("")) == "ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID"
    assert status(lambda: ams.custom_host("bad host")) == "ALIYUN_MQTT_ERR_INVALID_HOST"
    assert status(lambda: ams.topic(0, "pk", "dev1")) == "ALIYUN_MQTT_ERR_INVALID_TOPIC"
    assert status(lambda: ams.topic(2**32, "pk", "dev1")) == "ALIYUN_MQTT_ERR_INVALID_TOPIC"
    with pytest.raises(TypeError):
        ams.instance_host(b"iot-1")


def _sdk_roots():
    linkkit = pytest.importorskip("linkkit.linkkit")
    data = linkkit.LinkKit._LinkKit__ALIYUN_BROKER_CA_DATA
    pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", data, re.S)
    return [ssl.PEM_cert_to_DER_cert(p) for p in pems]


def test_roots_are_the_sdks_and_self_consistent():
    roots = ams.roots()
    assert [r.id for r in roots] == list(ams.RootId) and len(roots) == 5
    for r in roots:
        assert ssl.PEM_cert_to_DER_cert(r.pem) == r.der
        assert r == ams.root(r.id)
        when = datetime.datetime.fromtimestamp(r.not_after, datetime.timezone.utc)
        assert when.strftime("%Y-%m-%dT%H:%M:%SZ") == r.not_after_utc
    assert ams.root(ams.RootId.ALIYUN_IOT).name == "Aliyun IoT Root CA"
    assert ams.root_ca_der() == ams.root(ams.RootId.GLOBALSIGN_R1).der
    assert ams.root_ca_pem() == ams.root(ams.RootId.GLOBALSIGN_R1).pem
    # The five roots the vendor's SDK bundles, byte for byte.
    assert sorted(r.der for r in roots) == sorted(_sdk_roots())
    assert status(lambda: ams.root(0)) == "ALIYUN_MQTT_ERR_INVALID_ROOT"
    assert status(lambda: ams.root(99)) == "ALIYUN_MQTT_ERR_INVALID_ROOT"


def test_endpoint_tls():
    public = ams.endpoint_tls(ams.EndpointKind.PUBLIC)
    assert public.roots == (ams.RootId.GLOBALSIGN_R1,) and public.port == 1883
    assert public.successors == (ams.RootId.GLOBALSIGN_R6, ams.RootId.GLOBALSIGN_R46,
                                 ams.RootId.GLOBALSIGN_E46)
    inst = ams.endpoint_tls(ams.EndpointKind.INSTANCE)
    assert (inst.roots, inst.successors, inst.port) == ((ams.RootId.ALIYUN_IOT,), (), 8883)
    assert ams.endpoint_tls(ams.EndpointKind.HTTPS_AUTH).port == 443
    assert ams.endpoint_tls(ams.EndpointKind.WEBSOCKET).port == 443
    # Every root the SDK bundles is one an endpoint needs.
    needed = {r for k in ams.EndpointKind for e in [ams.endpoint_tls(k)]
              for r in e.roots + e.successors}
    assert needed == set(ams.RootId)
    assert status(lambda: ams.endpoint_tls(0)) == "ALIYUN_MQTT_ERR_INVALID_ROOT"


# ---------------------------------------------------------------- enums


def test_enums_take_the_platform_strings():
    assert ams.SignMethod("hmacsha1") is ams.SignMethod.HMACSHA1 == "hmacsha1"
    assert ams.SecureMode("tls") is ams.SecureMode("2") is ams.SecureMode.TLS == 2
    assert ams.SecureMode("-2") is ams.SecureMode("tls-instance") is ams.SecureMode.TLS_INSTANCE
    assert ams.SecureMode("tcp") is ams.SecureMode(3) is ams.SecureMode.TCP
    assert ams.AuthType("regnwl") is ams.AuthType.REGNWL == "regnwl"
    with pytest.raises(ValueError):
        ams.SecureMode("ssl")
    by_enum = ams.sign(*G, timestamp_ms=1, sign_method=ams.SignMethod.HMACSHA1,
                       secure_mode=ams.SecureMode.TCP)
    assert by_enum == ams.sign(*G, timestamp_ms=1, sign_method="hmacsha1", secure_mode="tcp")
    ident = ams.verify(by_enum.client_id, by_enum.username, by_enum.password, G[2])
    assert ident.sign_method is ams.SignMethod.HMACSHA1 and ident.secure_mode is ams.SecureMode.TCP
    assert ams.Status(0).name == "OK" and ams.Status.ERR_INVALID_DIGEST.value == 33
    e = pytest.raises(ams.AliyunMqttError, ams.sign, "", G[1], G[2]).value
    assert (e.status, e.code) == ("ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY",
                                  ams.Status.ERR_INVALID_PRODUCT_KEY)
    with pytest.raises(TypeError):
        ams.sign(*G, secure_mode=2)


# ---------------------------------------------------------------- HTTPS


@settings(max_examples=100, deadline=None)
@given(pk=st.text(ALNUM, min_size=1, max_size=20), dn=st.text(ALNUM, min_size=4, max_size=32),
       ds=st.text(ALNUM, min_size=1, max_size=64), ts=st.integers(1, 2**63),
       method=st.sampled_from(sorted(DIGESTS)), upper=st.booleans())
def test_auth_body_is_a_form_signed_like_the_password(pk, dn, ds, ts, method, upper):
    body = ams.auth_body(pk, dn, ds, timestamp_ms=ts, sign_method=method, uppercase=upper)
    form = dict(urllib.parse.parse_qsl(body, strict_parsing=True))
    content = f"clientId{pk}.{dn}deviceName{dn}productKey{pk}timestamp{ts}"
    want = mac(ds, content, method).hexdigest()
    assert form["sign"] == (want.upper() if upper else want)
    assert (form["productKey"], form["deviceName"], form["clientId"], form["timestamp"],
            form["signmethod"]) == (pk, dn, f"{pk}.{dn}", str(ts), method)
    # The MQTT password covers the same bytes.
    assert ams.sign(pk, dn, ds, timestamp_ms=ts, sign_method=method,
                    uppercase=upper).password == form["sign"]
    assert ams.signed_content(pk, dn, timestamp_ms=ts, sign_method=method) == content


def test_parse_auth_reply():
    reply = {"code": 200, "message": "success", "data": {
        "iotId": "a1Id0001", "iotToken": "tok-1", "resources": {
            "mqtt": {"host": "a1pk.iot-as-mqtt.cn-shanghai.aliyuncs.com", "port": 1883}}}}
    got = ams.parse_auth_reply(json.dumps(reply))
    assert got == ams.AuthReply(200, "success", "a1Id0001", "tok-1",
                                "a1pk.iot-as-mqtt.cn-shanghai.aliyuncs.com", 1883)
    assert ams.parse_auth_reply(json.dumps(reply).encode()) == got
    err = pytest.raises(ams.AliyunMqttError, ams.parse_auth_reply,
                        json.dumps({"code": 460, "message": "param error"})).value
    assert err.status == "ALIYUN_MQTT_ERR_SERVER_REFUSED"
    assert (err.reply.code, err.reply.message) == (460, "param error")
    assert status(lambda: ams.parse_auth_reply("{")) in (
        "ALIYUN_MQTT_ERR_REPLY_TRUNCATED", "ALIYUN_MQTT_ERR_REPLY_MALFORMED")
    with pytest.raises(TypeError):
        ams.parse_auth_reply(None)


def test_register_body_and_reply_match_the_sdk(monkeypatch):
    linkkit = pytest.importorskip("linkkit.linkkit")
    captured = {}

    class Reply:
        def __init__(self, body):
            self.body = body

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return self.body

    reply = {"code": 200, "message": "success",
             "data": {"productKey": "a1pk", "deviceName": "dev-0001", "deviceSecret": "S3cr3t"}}

    def urlopen(url, data, context=None):
        captured["url"], captured["data"] = url, data.decode()
        return Reply(json.dumps(reply).encode())

    monkeypatch.setattr(linkkit.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(linkkit.LinkKit, "_LinkKit__generate_random_str",
                        staticmethod(lambda n=16: "Rnd0123456789ab"[:n]))
    lk = linkkit.LinkKit(host_name="cn-shanghai", product_key="a1pk", device_name="dev-0001",
                         device_secret="", product_secret="PrOdUcTsEcReT")
    assert lk._LinkKit__dynamic_register_device() == (0, "S3cr3t")
    ours = ams.register_body("a1pk", "dev-0001", "PrOdUcTsEcReT", "Rnd0123456789ab")
    assert dict(urllib.parse.parse_qsl(ours)) == dict(urllib.parse.parse_qsl(captured["data"]))
    assert captured["url"] == "https://" + ams.auth_host() + ams.register_path()
    assert ams.parse_register_reply(json.dumps(reply)) == ams.RegisterReply(
        200, "success", "a1pk", "dev-0001", "S3cr3t")


class CapturingClient:
    """Stands in for paho's Client to capture what the SDK connects with."""

    def __init__(self, client_id="", clean_session=None, protocol=None, **kwargs):
        self.client_id = client_id

    def username_pw_set(self, username, password):
        self.username, self.password = username, password

    def __getattr__(self, name):
        return lambda *a, **k: None


@pytest.mark.parametrize("auth", ["register", "regnwl"])
@pytest.mark.parametrize("instance", [None, "iot-06z00ax1o4wnyx4"])
@pytest.mark.parametrize("seed", range(4))
def test_mqtt_registration_matches_the_sdk(monkeypatch, auth, instance, seed):
    linkkit = pytest.importorskip("linkkit.linkkit")
    rng = random.Random(seed)
    pk = "".join(rng.choice(ALNUM) for _ in range(11))
    dn = "".join(rng.choice(ALNUM + "-_@.:") for _ in range(rng.randint(4, 32)))
    ps = "".join(rng.choice(ALNUM) for _ in range(rng.randint(1, 64)))
    rnd = "".join(rng.choice(ALNUM) for _ in range(15))
    monkeypatch.setattr(linkkit.mqtt, "Client", CapturingClient)
    monkeypatch.setattr(linkkit.LinkKit, "_LinkKit__generate_random_str",
                        staticmethod(lambda n=16: rnd))
    lk = linkkit.LinkKit(host_name="cn-shanghai", product_key=pk, device_name=dn,
                         device_secret="", product_secret=ps, auth_type=auth, instance_id=instance)
    lk._LinkKit__config_mqtt_client_internal()
    sdk = lk._LinkKit__mqtt_client
    ours = ams.register_sign(pk, dn, ps, rnd, client_id=f"{dn}.{pk}", auth_type=auth,
                             instance_id=instance)
    assert (ours.username, ours.password) == (sdk.username, sdk.password)
    sdk_params = dict(kv.split("=") for kv in sdk.client_id.split("|")[1].split(","))
    our_params = dict(kv.split("=") for kv in ours.client_id.split("|")[1].split(","))
    assert our_params == sdk_params and ours.client_id.split("|")[0] == sdk.client_id.split("|")[0]
    assert ours.host == (ams.instance_host(instance) if instance else ams.host(pk))
    ident = ams.verify(sdk.client_id, sdk.username, sdk.password, ps)
    assert (ident.auth_type, ident.random, ident.product_key, ident.device_name) == \
        (auth, rnd, pk, dn)
    content = ams.register_signed_content(pk, dn, rnd, client_id=f"{dn}.{pk}", auth_type=auth,
                                          instance_id=instance)
    assert mac(ps, content).hexdigest() == sdk.password
    assert ams.register_sign_from_digest(pk, dn, rnd, mac(ps, content).digest(),
                                         client_id=f"{dn}.{pk}", auth_type=auth,
                                         instance_id=instance) == ours


def test_ext_replies_and_connwl_as_the_sdk_reads_them():
    payload = {"productKey": "a1pk", "deviceName": "dev-0001", "deviceSecret": "S3cr3t"}
    assert ams.parse_ext_register(json.dumps(payload)) == ams.RegisterReply(
        0, "", "a1pk", "dev-0001", "S3cr3t")
    nwl = {"clientId": "a1pk.dev-0001|x", "productKey": "a1pk", "deviceName": "dev-0001",
           "deviceToken": "tok-" + "z" * 60}
    nwl["clientId"] = "c-42"
    reply = ams.parse_ext_regnwl(json.dumps(nwl))
    assert reply == ams.RegnwlReply("c-42", "a1pk", "dev-0001", nwl["deviceToken"])
    conn = ams.connwl(reply)
    assert (conn.username, conn.password) == ("dev-0001&a1pk", nwl["deviceToken"])
    ident = ams.verify(conn.client_id, conn.username, conn.password, nwl["deviceToken"])
    assert (ident.auth_type, ident.client_id) == ("connwl", "c-42")
    # The SDK's own connwl client id (other parameters, another order).
    sdk_cid = "c-42|authType=connwl,securemode=-2,_ss=1,ext=3,lan=Python,_v=1.2.13|"
    assert ams.verify(sdk_cid, conn.username, conn.password, nwl["deviceToken"]).auth_type == \
        ams.AuthType.CONNWL
    assert status(lambda: ams.parse_ext_regnwl("{}")) == "ALIYUN_MQTT_ERR_REPLY_MISSING_FIELD"
    bad = ams.RegnwlReply("c-42", "a1pk", "dev-0001", "t" * 129)
    assert status(lambda: ams.connwl(bad)) == "ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN"


# ---------------------------------------------------------------- two-phase


@settings(max_examples=150, deadline=None)
@given(pk=st.text(ALNUM, min_size=1, max_size=20), dn=st.text(ALNUM, min_size=4, max_size=32),
       ds=st.text(ALNUM, min_size=1, max_size=64),
       ts=st.one_of(st.none(), st.integers(1, 2**64 - 1)),
       cid=st.one_of(st.none(), st.text(ALNUM, min_size=1, max_size=64)),
       method=st.sampled_from(sorted(DIGESTS)), mode=st.sampled_from(["tls", "tcp"]),
       upper=st.booleans())
def test_two_phase_equals_one_phase(pk, dn, ds, ts, cid, method, mode, upper):
    kw = dict(client_id=cid, timestamp_ms=ts, sign_method=method, secure_mode=mode)
    content = ams.signed_content(pk, dn, **kw)
    want = f"clientId{cid or pk + '.' + dn}deviceName{dn}productKey{pk}"
    assert content == want + ("" if ts is None else f"timestamp{ts}")
    digest = mac(ds, content, method).digest()
    one = ams.sign(pk, dn, ds, uppercase=upper, **kw)
    assert ams.sign_from_digest(pk, dn, digest, uppercase=upper, **kw) == one
    hexd = digest.hex()
    assert ams.password_from_digest(method, digest, upper) == (hexd.upper() if upper else hexd)
    assert ams.auth_body_from_digest(pk, dn, digest, client_id=cid, timestamp_ms=ts,
                                     sign_method=method, uppercase=upper) == \
        ams.auth_body(pk, dn, ds, client_id=cid, timestamp_ms=ts, sign_method=method,
                      uppercase=upper)


def test_two_phase_refusals():
    assert status(lambda: ams.password_from_digest("hmacsha256", b"\0" * 20)) == \
        "ALIYUN_MQTT_ERR_INVALID_DIGEST"
    assert status(lambda: ams.password_from_digest("nope", b"\0" * 32)) == \
        "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"
    with pytest.raises(TypeError):
        ams.password_from_digest("hmacsha256", "00" * 32)
    digest = mac("PS", "deviceNamedev1productKeypk1randomR1").digest()
    assert ams.register_body_from_digest("pk1", "dev1", "R1", digest) == \
        ams.register_body("pk1", "dev1", "PS", "R1")


# ---------------------------------------------------------------- explain


def test_explain():
    c = ams.sign(*G, timestamp_ms=1539421321846)
    ok = ams.explain(c.client_id, c.username, c.password, G[2], 300)
    assert (ok.verdict, ok.verdict_name, ok.field) == (
        ams.Verdict.ACCEPTED, "ALIYUN_MQTT_VERDICT_ACCEPTED", ams.Field.NONE)
    assert ok.content == ams.signed_content(*G[:2], timestamp_ms=1539421321846)
    assert ok.expected_password == c.password
    assert ok.identity == ams.verify(c.client_id, c.username, c.password, G[2])
    wrong = ams.explain(c.client_id, c.username, c.password, "another-secret")
    assert wrong.verdict == ams.Verdict.WRONG_SECRET and wrong.field == ams.Field.PASSWORD
    assert wrong.expected_password == mac("another-secret", ok.content).hexdigest()
    ka = ams.explain(c.client_id, c.username, c.password, G[2], 10)
    assert (ka.verdict, ka.field) == (ams.Verdict.KEEPALIVE_OUT_OF_RANGE, ams.Field.KEEPALIVE)
    swapped = ams.explain(c.client_id, f"{G[0]}&{G[1]}", c.password, G[2])
    assert swapped.verdict == ams.Verdict.KEYS_SWAPPED
    bad = ams.explain("no-bars", c.username, c.password)
    assert bad.field == ams.Field.CLIENT_ID and bad.verdict != ams.Verdict.ACCEPTED
    assert bad.message and bad.verdict_name.startswith("ALIYUN_MQTT_VERDICT_")
    unchecked = ams.explain(c.client_id, c.username, c.password)
    assert unchecked.verdict == ams.Verdict.UNCHECKED and unchecked.expected_password == ""


# ---------------------------------------------------------------- NTP


@given(st.integers(0, 2**62), st.integers(0, 2**62), st.integers(0, 2**62),
       st.integers(0, 2**62))
@settings(max_examples=100, deadline=None)
def test_ntp(a, b, c, d):
    req = json.loads(ams.ntp_request(a))
    assert req == {"deviceSendTime": str(a)}
    reply = json.dumps({"deviceSendTime": str(a), "serverRecvTime": str(b),
                        "serverSendTime": str(c)})
    assert ams.parse_ntp_response(reply) == ams.NtpResponse(a, b, c)
    if d >= a and c >= b and c - b <= d - a:
        assert ams.ntp_time(a, b, c, d) == (b + c + d - a) // 2
    else:
        assert status(lambda: ams.ntp_time(a, b, c, d)) == "ALIYUN_MQTT_ERR_INVALID_NTP_TIMES"


# ---------------------------------------------------------------- gateways


def test_subdev_messages_are_signed_json():
    subs = [ams.Subdev("a1sub", f"sub-{i:04d}", f"secret{i}", timestamp_ms=1700000000000 + i)
            for i in range(3)]
    add = json.loads(ams.subdev_topo_add(7, subs, "hmacsha1"))
    assert add["id"] == "7" and add["method"] == "thing.topo.add"
    for s, p in zip(subs, add["params"]):
        content = (f"clientId{s.product_key}.{s.device_name}deviceName{s.device_name}"
                   f"productKey{s.product_key}timestamp{s.timestamp_ms}")
        assert p["sign"] == mac(s.device_secret, content, "hmacsha1").hexdigest()
        assert (p["productKey"], p["deviceName"], p["timestamp"]) == \
            (s.product_key, s.device_name, str(s.timestamp_ms))
    login = json.loads(ams.subdev_login(8, subs[0]))["params"]
    assert login["sign"] == json.loads(ams.subdev_topo_add(8, subs[:1]))["params"][0]["sign"]
    batch = json.loads(ams.subdev_batch_login(9, subs))
    assert len(batch["params"]["deviceList"]) == 3
    out = json.loads(ams.subdev_logout(10, subs[0]))
    assert out["params"] == {"productKey": "a1sub", "deviceName": "sub-0000"}
    assert [d["deviceName"] for d in json.loads(ams.subdev_batch_logout(11, subs))["params"]] == \
        [s.device_name for s in subs]
    assert [d["deviceName"] for d in json.loads(ams.subdev_topo_delete(12, subs))["params"]] == \
        [s.device_name for s in subs]
    reg = json.loads(ams.subdev_product_register(
        13, [ams.SubdevRegistration("a1sub", "sub-0001", "PS", "R1")]))
    p = reg["params"]["proxieds"][0]
    assert p["sign"] == mac("PS", "deviceNamesub-0001productKeya1subrandomR1").hexdigest()
    assert status(lambda: ams.subdev_batch_login(1, subs * 17)) == "ALIYUN_MQTT_ERR_BATCH_SIZE"
    with pytest.raises(TypeError):
        ams.subdev_topo_add(1, [("a1sub", "sub-0001")])
    with pytest.raises(ValueError):
        ams.subdev_topo_add(2**32, subs)


def test_subdev_replies():
    reply = {"id": "7", "code": 200, "message": "success",
             "data": [{"productKey": "a1sub", "deviceName": f"sub-{i:04d}"} for i in range(3)]}
    got = ams.parse_subdev_reply(json.dumps(reply))
    assert got == ams.SubdevReply(7, 200, "success", tuple(
        ams.SubdevId("a1sub", f"sub-{i:04d}") for i in range(3)))
    reg = {"id": "8", "code": 200, "message": "success", "data": {
        "successes": [{"productKey": "a1sub", "deviceName": "sub-0001", "deviceSecret": "S1"}],
        "failures": [{"productKey": "a1sub", "deviceName": "sub-0002"}]}}
    assert ams.parse_product_register_reply(json.dumps(reg)) == ams.ProductRegisterReply(
        8, 200, "success", (ams.SubdevSecret("a1sub", "sub-0001", "S1"),),
        (ams.SubdevId("a1sub", "sub-0002"),))
    refused = pytest.raises(ams.AliyunMqttError, ams.parse_subdev_reply,
                            json.dumps({"id": "9", "code": 6401, "message": "topo not exist"}))
    assert refused.value.status == "ALIYUN_MQTT_ERR_SERVER_REFUSED"
    assert (refused.value.reply.id, refused.value.reply.code) == (9, 6401)


def test_psk_and_assigned_client_id():
    ts = 1700000000000
    assert ams.psk_identity(*G, timestamp_ms=ts) == f"devicename|hmacsha256|{G[0]}&{G[1]}|{ts}"
    key = ams.psk_key(*G, timestamp_ms=ts)
    assert len(key) == 64 and int(key, 16) >= 0
    assigned = ams.sign_assigned(*G, timestamp_ms=ts)
    assert assigned.client_id == f"|securemode=2,signmethod=hmacsha256,timestamp={ts}|"
    assert assigned.password == mac(
        G[2], f"clientIddeviceName{G[1]}productKey{G[0]}timestamp{ts}").hexdigest()


# ---------------------------------------------------------------- reuse


def _expected(pk, dn, ds, cid=None, ts=None, method="hmacsha256", mode="tls", extra=None,
              upper=False, region="cn-shanghai"):
    client = cid or f"{pk}.{dn}"
    content = f"clientId{client}deviceName{dn}productKey{pk}" + (f"timestamp{ts}" if ts else "")
    pw = mac(ds, content, method).hexdigest()
    params = f"securemode={2 if mode == 'tls' else 3},signmethod={method}"
    params += f",timestamp={ts}" if ts else ""
    params += f",{extra}" if extra else ""
    return ams.Credentials(f"{client}|{params}|", f"{dn}&{pk}", pw.upper() if upper else pw,
                           f"{pk}.iot-as-mqtt.{region}.aliyuncs.com", 1883)


def test_consecutive_signs_never_reuse_a_stale_field():
    """What sign keeps from one call to the next (the device's strings, the
    converted options, the host) is replaced whenever one argument changes,
    including after the general path and after an error."""
    a = ("a1pkAAAA", "device-a", "secret-a")
    b = ("a1pkBBBB", "device-b", "secret-b")
    steps = [
        (a, {}), (a, {}), (a, dict(cid="c-1")), (a, {}), (a, dict(extra="k=v")), (a, {}),
        (a, dict(upper=True)), (a, {}), (b, {}), (a, dict(method="hmacsha1")),
        (a, dict(method="hmacmd5", mode="tcp")), (a, {}), (a, dict(region="cn-beijing")),
        (a, {}), (b, dict(region="cn-beijing")), (b, dict(ts=1700000000000)), (b, {}),
    ]
    for (pk, dn, ds), kw in steps:
        args = dict(client_id=kw.get("cid"), timestamp_ms=kw.get("ts"),
                    sign_method=kw.get("method", "hmacsha256"), secure_mode=kw.get("mode", "tls"),
                    extra_params=kw.get("extra"), uppercase=kw.get("upper", False),
                    region_id=kw.get("region", "cn-shanghai"))
        assert ams.sign(pk, dn, ds, **args) == _expected(pk, dn, ds, **kw), kw
        # The same through the enums and through equal but distinct strings.
        args["sign_method"] = ams.SignMethod(args["sign_method"])
        args["secure_mode"] = ams.SecureMode(args["secure_mode"])
        assert ams.sign("".join(pk), "".join(dn), "".join(ds), **args) == \
            _expected(pk, dn, ds, **kw)
    # The general path (a non-ASCII name), errors, then the common path again.
    assert status(lambda: ams.sign("a1pk", "dévice", "s")) == "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"
    assert status(lambda: ams.sign(*a, sign_method="md5")) == "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"
    assert status(lambda: ams.sign(*a, sign_method="md5")) == "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"
    assert status(lambda: ams.sign(*a, region_id="")) == "ALIYUN_MQTT_ERR_INVALID_REGION"
    assert status(lambda: ams.sign("a1pk", "dev1", "s" * 65)) == \
        "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"
    assert ams.sign("a1pk", "dev1", "s" * 64) == _expected("a1pk", "dev1", "s" * 64)
    assert ams.sign(*a) == _expected(*a)
    assert ams.sign(*a, region_id="cn-beijing") == _expected(*a, region="cn-beijing")
