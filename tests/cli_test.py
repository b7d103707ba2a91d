"""Checks the aliyun-mqtt-sign CLI against SPEC's golden device and against
Python's own hmac/hashlib for every sign method. Usage: cli_test.py CLI"""
import hashlib
import hmac
import json
import subprocess
import sys

CLI = sys.argv[1]
failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=30)


def expected_password(method, ds, content):
    if method == "sha256":
        return hashlib.sha256((content + ds).encode()).hexdigest()
    algo = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}[method]
    return hmac.new(ds.encode(), content.encode(), algo).hexdigest()


# No arguments: SPEC's second golden device, exactly.
r = run()
check(r.returncode == 0 and r.stderr == "", f"no-arg run: {r.returncode} {r.stderr!r}")
check(
    r.stdout
    == "client_id=SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|\n"
    "username=light1983432&a14Xib5kdYd\n"
    "password=b2488041f64f425016b467ee1c94959ebd592ad1\n"
    "host=a14Xib5kdYd.iot-as-mqtt.cn-shanghai.aliyuncs.com\n"
    "port=1883\n",
    f"no-arg output: {r.stdout!r}",
)

r = run("--json", "--uppercase", "--region", "ap-southeast-1")
doc = json.loads(r.stdout)
check(
    doc
    == {
        "client_id": "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|",
        "username": "light1983432&a14Xib5kdYd",
        "password": "B2488041F64F425016B467EE1C94959EBD592AD1",
        "host": "a14Xib5kdYd.iot-as-mqtt.ap-southeast-1.aliyuncs.com",
        "port": 1883,
    },
    f"json output: {r.stdout!r}",
)

# Devices of the caller's own, every method, with and without client id and timestamp.
devices = [
    ("pk", "device", "secret", "12345", "789"),
    ("a1B2c3D4e5F", "sensor_01:ab@x.y-z", "S3cr3t!#$%^*()[]{}~`'\"\\/?<>", None, None),
    ("k0abc", "dev-0001", "x" * 64, "AA:BB:CC:DD:EE:FF", "2524608000000"),
]
for pk, dn, ds, cid, ts in devices:
    for method in ("hmacmd5", "hmacsha1", "hmacsha256", "sha256"):
        for mode in ("tls", "tcp"):
            args = ["--product-key", pk, "--device-name", dn, "--device-secret", ds,
                    "--sign-method", method, "--secure-mode", mode, "--json"]
            if cid:
                args += ["--client-id", cid]
            if ts:
                args += ["--timestamp", ts]
            r = run(*args)
            check(r.returncode == 0, f"{args}: exit {r.returncode} {r.stderr!r}")
            doc = json.loads(r.stdout)
            real_cid = cid or f"{pk}.{dn}"
            content = f"clientId{real_cid}deviceName{dn}productKey{pk}" + (f"timestamp{ts}" if ts else "")
            params = f"securemode={2 if mode == 'tls' else 3},signmethod={method}" + (
                f",timestamp={ts}" if ts else "")
            check(doc["password"] == expected_password(method, ds, content), f"password {args}")
            check(doc["client_id"] == f"{real_cid}|{params}|", f"client id {args}: {doc['client_id']}")
            check(doc["username"] == f"{dn}&{pk}", f"username {args}")
            check(doc["host"] == f"{pk}.iot-as-mqtt.cn-shanghai.aliyuncs.com", f"host {args}")

r = run("--extra", "lan=C,_v=1.0")
check(r.returncode == 0 and "timestamp=1539421321846,lan=C,_v=1.0|" in r.stdout, f"extra: {r.stdout!r}")

# Bad input: exit 2, one line on stderr naming the field and the status.
bad = [
    (["--product-key", "a b", "--device-name", "device", "--device-secret", "s"],
     "--product-key", "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (["--device-name", "dev"] + ["--product-key", "pk", "--device-secret", "s"],
     "--device-name", "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (["--client-id", "a|b"], "--client-id", "ALIYUN_MQTT_ERR_INVALID_CLIENT_ID"),
    (["--client-id", "c" * 65], "--client-id", "ALIYUN_MQTT_ERR_INVALID_CLIENT_ID"),
    (["--extra", "timestamp=5"], "--extra", "ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS"),
    (["--region", "CN_Shanghai"], "--region", "ALIYUN_MQTT_ERR_INVALID_REGION"),
    (["--device-secret", "x" * 65, "--product-key", "pk", "--device-name", "device"],
     "--device-secret", "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"),
    (["--sign-method", "hmacsha512"], "--sign-method", None),
    (["--secure-mode", "ssl"], "--secure-mode", None),
    (["--timestamp", "12x"], "--timestamp", None),
    (["--timestamp", "99999999999999999999"], "--timestamp", None),
    (["--product-key", "pk"], "--device-name", None),
    (["--bogus", "1"], "--bogus", None),
    (["--region"], "--region", None),
]
for args, field, status in bad:
    r = run(*args)
    lines = r.stderr.splitlines()
    check(r.returncode == 2, f"{args}: exit {r.returncode}")
    check(r.stdout == "", f"{args}: no stdout on error")
    check(len(lines) == 1 and field in lines[0], f"{args}: stderr {r.stderr!r}")
    if status:
        check(status in lines[0], f"{args}: status in {r.stderr!r}")

# auth-body (SPEC 3): the body decodes to the fields, the sign is the
# golden password (same content and key).
from urllib.parse import parse_qsl

r = run("auth-body", "--json", "--region", "us-west-1")
doc = json.loads(r.stdout)
check(r.returncode == 0 and doc["host"] == "iot-auth.us-west-1.aliyuncs.com" and doc["port"] == 443
      and doc["path"] == "/auth/devicename", f"auth-body: {r.stdout!r}")
fields = parse_qsl(doc["body"], strict_parsing=True, keep_blank_values=True)
check(fields == [("productKey", "a14Xib5kdYd"), ("deviceName", "light1983432"),
                 ("clientId", "SN1928339"), ("timestamp", "1539421321846"),
                 ("signmethod", "hmacsha1"), ("sign", "b2488041f64f425016b467ee1c94959ebd592ad1"),
                 ("version", "default"), ("resources", "mqtt")], f"auth-body fields: {fields}")
pk, dn, ds, cid = "a1B2c3D4e5F", "dev@home:1", "S3cr3t!&=%+", "a&b+c%d/~"
for method in ("hmacmd5", "hmacsha1", "hmacsha256"):
    r = run("auth-body", "--product-key", pk, "--device-name", dn, "--device-secret", ds,
            "--client-id", cid, "--sign-method", method, "--timestamp", "2524608000000", "--json")
    fields = dict(parse_qsl(json.loads(r.stdout)["body"], strict_parsing=True))
    content = f"clientId{cid}deviceName{dn}productKey{pk}timestamp2524608000000"
    check(fields["sign"] == expected_password(method, ds, content) and fields["clientId"] == cid
          and fields["deviceName"] == dn and fields["signmethod"] == method, f"auth-body {method}: {fields}")
r = run("auth-body", "--sign-method", "sha256")
check(r.returncode == 2 and "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD" in r.stderr, f"auth-body sha256: {r.stderr!r}")

# register (SPEC 4): MQTT fields, and the HTTPS body with --https.
reg = ["register", "--product-key", pk, "--device-name", "sensor-0001", "--product-secret", "Ks3Prod",
       "--random", "abcdefghij12345"]
content = f"deviceNamesensor-0001productKey{pk}randomabcdefghij12345"
for method in ("hmacmd5", "hmacsha1", "hmacsha256"):
    r = run(*reg, "--sign-method", method, "--json")
    doc = json.loads(r.stdout)
    check(doc == {"client_id": f"{pk}.sensor-0001|securemode=2,authType=register,random=abcdefghij12345,"
                               f"signmethod={method}|",
                  "username": f"sensor-0001&{pk}", "password": expected_password(method, "Ks3Prod", content),
                  "host": f"{pk}.iot-as-mqtt.cn-shanghai.aliyuncs.com", "port": 1883}, f"register: {doc}")
r = run(*reg, "--nwl", "--secure-mode", "tls-instance", "--instance-id", "iot-06z00ax1o4cqs8x", "--json")
doc = json.loads(r.stdout)
check(doc["client_id"].endswith("|securemode=-2,authType=regnwl,random=abcdefghij12345,signmethod=hmacsha256,"
                                "instanceId=iot-06z00ax1o4cqs8x|")
      and doc["host"] == "iot-06z00ax1o4cqs8x.mqtt.iothub.aliyuncs.com", f"register --nwl: {doc}")
r = run(*reg, "--https", "--json")
doc = json.loads(r.stdout)
check(doc["path"] == "/auth/register/device" and dict(parse_qsl(doc["body"])) == {
    "productKey": pk, "deviceName": "sensor-0001", "random": "abcdefghij12345",
    "sign": expected_password("hmacsha256", "Ks3Prod", content), "signMethod": "hmacsha256"},
    f"register --https: {doc}")
for args, field, status in [
    (reg[:-1] + ["abc-1"], "--random", "ALIYUN_MQTT_ERR_INVALID_RANDOM"),
    (reg + ["--instance-id", "Bad"], "--instance-id", "ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID"),
    (reg + ["--sign-method", "sha256"], "--sign-method", "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"),
    (reg + ["--secure-mode", "tcp"], "--secure-mode", "ALIYUN_MQTT_ERR_INVALID_SECURE_MODE"),
    (reg[:6] + ["x y"] + reg[7:], "--product-secret", "ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET"),
    (reg[:3], "register needs", None),
    (["--secure-mode", "tls-instance"], "--secure-mode", None),
]:
    r = run(*args)
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and field in lines[0]
          and (status is None or status in lines[0]), f"{args}: {r.returncode} {r.stderr!r}")

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
