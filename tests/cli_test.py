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

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
