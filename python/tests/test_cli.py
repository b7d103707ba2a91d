"""python -m aliyun_mqtt_sign, run as a process: the CLI's subcommands,
output forms and exit statuses, against the golden device and hmac."""
import hashlib
import hmac
import json
import subprocess
import sys
import urllib.parse

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
