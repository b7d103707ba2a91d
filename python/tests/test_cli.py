"""python -m aliyun_mqtt_sign, run as a process: the CLI's subcommands,
output forms and exit statuses, against the golden device and hmac, and
against the C CLI (c_examples/sign_demo.c, at ALIYUN_MQTT_CLI, which
scripts/test.sh sets to its build) byte for byte."""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.parse

import pytest

GOLDEN_CID = "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|"
GOLDEN_PW = "b2488041f64f425016b467ee1c94959ebd592ad1"


def cli(*args):
    p = subprocess.run([sys.executable, "-m", "aliyun_mqtt_sign", *args], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def pairs(out):
    return dict(line.split("=", 1) for line in out.splitlines())


def test_sign_golden_and_json():
    rc, out, err = cli()
    assert (rc, err) == (0, "")
    assert pairs(out) == {"client_id": GOLDEN_CID, "username": "light1983432&a14Xib5kdYd",
                          "password": GOLDEN_PW,
                          "host": "a14Xib5kdYd.iot-as-mqtt.cn-shanghai.aliyuncs.com",
                          "port": "1883"}
    rc, out, _ = cli("sign", "--json")
    assert rc == 0 and json.loads(out)["password"] == GOLDEN_PW and json.loads(out)["port"] == 1883


def test_sign_own_device():
    rc, out, _ = cli("--product-key", "a1pk", "--device-name", "dev-0001", "--device-secret", "S",
                     "--timestamp", "42", "--sign-method", "hmacsha256", "--region", "cn-beijing")
    got = pairs(out)
    content = "clientIda1pk.dev-0001deviceNamedev-0001productKeya1pktimestamp42"
    assert rc == 0 and got["password"] == hmac.new(b"S", content.encode(), hashlib.sha256).hexdigest()
    assert got["host"] == "a1pk.iot-as-mqtt.cn-beijing.aliyuncs.com"
    assert cli("--product-key", "a1pk")[0] == 2


def test_auth_body_and_register():
    rc, out, _ = cli("auth-body")
    got = pairs(out)
    assert rc == 0 and (got["host"], got["port"], got["path"]) == (
        "iot-auth.cn-shanghai.aliyuncs.com", "443", "/auth/devicename")
    assert dict(urllib.parse.parse_qsl(got["body"]))["sign"] == GOLDEN_PW
    rc, out, _ = cli("register", "--product-key", "a1pk", "--device-name", "dev-0001",
                     "--product-secret", "PS", "--random", "R1", "--https")
    got = pairs(out)
    want = hmac.new(b"PS", b"deviceNamedev-0001productKeya1pkrandomR1", hashlib.sha256).hexdigest()
    assert rc == 0 and dict(urllib.parse.parse_qsl(got["body"]))["sign"] == want
    assert got["path"] == "/auth/register/device"
    rc, out, _ = cli("register", "--product-key", "a1pk", "--device-name", "dev-0001",
                     "--product-secret", "PS", "--random", "R1", "--nwl")
    got = pairs(out)
    assert rc == 0 and "authType=regnwl" in got["client_id"] and got["password"] == want
    assert cli("register", "--product-key", "a1pk")[0] == 2


def test_explain_exit_status_and_fields():
    args = ["explain", "--mqtt-client-id", GOLDEN_CID, "--username", "light1983432&a14Xib5kdYd",
            "--password", GOLDEN_PW]
    rc, out, _ = cli(*args, "--device-secret", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq")
    got = pairs(out)
    assert rc == 0 and got["verdict"] == "ACCEPTED" and got["expected_password"] == GOLDEN_PW
    assert got["param.signmethod"] == "hmacsha1" and got["client_id"] == "SN1928339"
    rc, out, _ = cli(*args, "--device-secret", "wrong", "--json")
    assert rc == 3 and json.loads(out)["verdict"] == "WRONG_SECRET"
    rc, out, _ = cli(*args)
    assert rc == 0 and pairs(out)["verdict"] == "UNCHECKED"


def test_errors_and_ntp():
    rc, out, err = cli("--product-key", "", "--device-name", "dev1", "--device-secret", "S")
    assert rc == 2 and out == "" and "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY" in err
    rc, out, _ = cli("ntp-request", "--product-key", "pk", "--device-name", "dev1",
                     "--device-send-time", "1700000000000")
    assert rc == 0 and pairs(out) == {"topic": "/ext/ntp/pk/dev1/request",
                                      "payload": '{"deviceSendTime":"1700000000000"}'}
    rc, out, _ = cli("--version")
    assert rc == 0 and out.strip().count(".") == 2


GW = ["--product-key", "gwPk01", "--device-name", "gw-01"]


def _sub_sign(secret, pk, dn, ts, cid=None):
    content = f"clientId{cid or pk + '.' + dn}deviceName{dn}productKey{pk}timestamp{ts}"
    return hmac.new(secret.encode(), content.encode(), hashlib.sha256).hexdigest()


def test_gateway_messages_signed_with_each_secret():
    rc, out, err = cli("topo-add", *GW, "--subdev", "a1B2c3D4e5F/sensor-01/S3cr3t",
                       "--subdev", "a1B2c3D4e5F/sensor-02/S2", "--timestamp", "1700000000000",
                       "--id", "7")
    got = pairs(out)
    assert (rc, err, got["topic"]) == (0, "", "/sys/gwPk01/gw-01/thing/topo/add")
    payload = json.loads(got["payload"])
    assert (payload["id"], payload["method"]) == ("7", "thing.topo.add")
    assert [p["sign"] for p in payload["params"]] == [
        _sub_sign("S3cr3t", "a1B2c3D4e5F", "sensor-01", 1700000000000),
        _sub_sign("S2", "a1B2c3D4e5F", "sensor-02", 1700000000000)]
    rc, out, _ = cli("login", *GW, "--subdev", "pk1/dev-1/S/with/slash", "--clean-session",
                     "--client-id", "c1", "--timestamp", "42", "--json")
    got = json.loads(out)
    params = json.loads(got["payload"])["params"]
    assert rc == 0 and got["topic"] == "/ext/session/gwPk01/gw-01/combine/login"
    assert params["cleanSession"] == "true" and params["clientId"] == "c1"
    assert params["sign"] == _sub_sign("S/with/slash", "pk1", "dev-1", 42, "c1")
    # Without --timestamp, now.
    before = int(time.time() * 1000)
    rc, out, _ = cli("batch-login", *GW, "--subdev", "pk1/dev-1/S")
    ts = int(json.loads(pairs(out)["payload"])["params"]["deviceList"][0]["timestamp"])
    assert rc == 0 and before <= ts <= int(time.time() * 1000)


def test_gateway_messages_that_name_or_register():
    rc, out, _ = cli("batch-logout", *GW, "--subdev", "pk1/dev-1", "--subdev", "pk2/dev-2")
    got = pairs(out)
    assert rc == 0 and got["topic"] == "/ext/session/gwPk01/gw-01/combine/batch_logout"
    assert [(d["productKey"], d["deviceName"]) for d in json.loads(got["payload"])["params"]] == \
        [("pk1", "dev-1"), ("pk2", "dev-2")]
    rc, out, _ = cli("product-register", *GW, "--subdev", "a1B2c3D4e5F/sensor-01/Ks/3Prod/abc123",
                     "--sign-method", "hmacsha1")
    (proxied,) = json.loads(pairs(out)["payload"])["params"]["proxieds"]
    want = hmac.new(b"Ks/3Prod", b"deviceNamesensor-01productKeya1B2c3D4e5Frandomabc123",
                    hashlib.sha1).hexdigest()
    assert rc == 0 and (proxied["sign"], proxied["random"]) == (want, "abc123")
    for bad in (["logout", *GW, "--subdev", "pk1/dev-1", "--subdev", "pk2/dev-2"],
                ["topo-delete", *GW, "--subdev", "no-slash"],
                ["topo-add", *GW, "--subdev", "pk1/dev-1"],
                ["product-register", *GW, "--subdev", "pk1/dev-1/PS"],
                ["batch-login", *GW, "--subdev", "pk1/dev-1/S", "--subdev", "pk2/dev-2/S",
                 "--client-id", "c1"],
                ["topo-add", *GW, "--subdev", "pk1/dev-1/S", "--id", "4294967296"],
                ["topo-add", "--device-name", "gw-01", "--subdev", "pk1/dev-1/S"]):
        rc, out, err = cli(*bad)
        assert (rc, out) == (2, "") and err.endswith("\n") and len(err) > 20, bad
    rc, out, err = cli("topo-add", *GW, "--subdev", "pk1/d/S")
    assert (rc, out) == (2, "") and "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME" in err


C_CLI = os.environ.get("ALIYUN_MQTT_CLI")


@pytest.mark.skipif(not C_CLI, reason="ALIYUN_MQTT_CLI (the C CLI's path) is not set")
@pytest.mark.parametrize("args", [
    [],
    ["--json"],
    ["--product-key", "a1pk", "--device-name", "dev-0001", "--device-secret", "S",
     "--timestamp", "42", "--sign-method", "hmacmd5", "--secure-mode", "tls", "--uppercase",
     "--extra", "a=1,b=2", "--region", "cn-beijing"],
    ["auth-body", "--region", "ap-southeast-1", "--json"],
    ["register", "--product-key", "a1pk", "--device-name", "dev-0001", "--product-secret",
     "PS", "--random", "R1", "--nwl", "--instance-id", "iot-06z00ax1o4qxxxx"],
    ["register", "--product-key", "a1pk", "--device-name", "dev-0001", "--product-secret",
     "PS", "--random", "R1", "--https"],
    ["topo-add", *GW, "--subdev", "a1B2c3D4e5F/sensor-01/S3cr3t", "--subdev",
     "a1B2c3D4e5F/sensor-02/S2", "--timestamp", "1700000000000", "--id", "7",
     "--sign-method", "hmacsha1"],
    ["topo-delete", *GW, "--subdev", "a1B2c3D4e5F/sensor-01", "--json"],
    ["login", *GW, "--subdev", "a1B2c3D4e5F/sensor-01/S3cr3t", "--clean-session",
     "--client-id", "c1", "--timestamp", "5"],
    ["batch-login", *GW, "--subdev", "pk1/dev-1/S1", "--subdev", "pk2/dev-2/S2",
     "--timestamp", "1700000000000", "--sign-method", "hmacmd5"],
    ["logout", *GW, "--subdev", "a1B2c3D4e5F/sensor-01"],
    ["batch-logout", *GW, "--subdev", "pk1/dev-1", "--subdev", "pk2/dev-2", "--json"],
    ["product-register", *GW, "--subdev", "a1B2c3D4e5F/sensor-01/Ks/3Prod/abc123",
     "--id", "4294967295"],
    ["ntp-request", "--product-key", "pk", "--device-name", "dev1", "--device-send-time",
     "1040", "--json"],
    ["explain", "--mqtt-client-id", GOLDEN_CID, "--username", "light1983432&a14Xib5kdYd",
     "--password", GOLDEN_PW, "--device-secret", "wrong"],
    ["logout", *GW, "--subdev", "pk1/dev-1", "--subdev", "pk2/dev-2"],
    ["topo-add", *GW, "--subdev", "pk1/d/S", "--timestamp", "1"],
], ids=lambda args: " ".join(args[:1]) or "golden")
def test_the_same_output_and_status_as_the_c_cli(args):
    c = subprocess.run([C_CLI, *args], capture_output=True, text=True, timeout=60)
    rc, out, err = cli(*args)
    assert (rc, out) == (c.returncode, c.stdout)
    assert bool(err) == bool(c.stderr)
    assert c.returncode in (0, 2, 3) and (c.stdout or c.returncode == 2)
