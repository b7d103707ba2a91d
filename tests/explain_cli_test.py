"""`aliyun-mqtt-sign explain` against the vendor's Python SDK and against
signers that make the common mistakes on purpose (written here with
Python's hmac): the SDK's CONNECT fields are accepted, each mistake gets its
own verdict, and the secret never appears in the output.

Usage: explain_cli_test.py CLI
"""
import hashlib
import hmac
import json
import subprocess
import sys

cli = sys.argv[1]
checks = failures = 0


def check(cond, what):
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def explain(cid, user, pw, secret=None, keepalive=None, as_json=False):
    args = [cli, "explain", "--mqtt-client-id", cid, "--username", user, "--password", pw]
    if secret is not None:
        args += ["--device-secret", secret]
    if keepalive is not None:
        args += ["--keepalive", str(keepalive)]
    if as_json:
        args.append("--json")
    r = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if secret:
        check(secret not in r.stdout and secret not in r.stderr, f"the secret is printed: {r.stdout}")
    if as_json:
        return r.returncode, json.loads(r.stdout) if r.stdout else {}
    return r.returncode, dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)


PK, DN, DS = "a1B2c3D4e5F", "sensor_01", "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12"
TS = "1700000000123"


def mac(content, method=hashlib.sha256, key=DS):
    return hmac.new(key.encode(), content.encode(), method).hexdigest()


# The vendor's SDK: its CONNECT fields, captured by replacing its MQTT client.
try:
    import linkkit.linkkit as linkkit
except ImportError:
    linkkit = None
check(linkkit is not None, "aliyun-iot-linkkit is installed (scripts/setup.sh --test)")
if linkkit:
    class Capture:
        def __init__(self, client_id="", **kwargs):
            self.client_id = client_id

        def username_pw_set(self, username, password):
            self.username, self.password = username, password

        def __getattr__(self, name):
            return lambda *a, **k: None

    linkkit.mqtt.Client = Capture
    for pk, dn, ds in [(PK, DN, DS), ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq")]:
        lk = linkkit.LinkKit(host_name="cn-shanghai", product_key=pk, device_name=dn, device_secret=ds)
        lk._LinkKit__config_mqtt_client_internal()
        sdk = lk._LinkKit__mqtt_client
        rc, out = explain(sdk.client_id, sdk.username, sdk.password, ds, keepalive=60)
        check(rc == 0 and out.get("verdict") == "ACCEPTED", f"the SDK's fields for {dn}: {rc} {out}")
        check(out.get("expected_password") == sdk.password, f"expected password for {dn}: {out}")
        check(out.get("param.signmethod") == "hmacsha1" and ("param._v" in out or "param.lan" in out),
              f"every parameter listed: {sorted(out)}")
        rc, out = explain(sdk.client_id, sdk.username, sdk.password)
        check(rc == 0 and out.get("verdict") == "UNCHECKED", f"without the secret: {rc} {out}")

cid = f"{PK}.{DN}"
right = f"clientId{cid}deviceName{DN}productKey{PK}timestamp{TS}"
params = f"securemode=2,signmethod=hmacsha256,timestamp={TS}"
CASES = [
    ("right", f"{cid}|{params}|", f"{DN}&{PK}", mac(right), "ACCEPTED", 0),
    ("upper-case hex", f"{cid}|{params}|", f"{DN}&{PK}", mac(right).upper(), "ACCEPTED", 0),
    ("sorted wrongly", f"{cid}|{params}|", f"{DN}&{PK}",
     mac(f"productKey{PK}deviceName{DN}clientId{cid}timestamp{TS}"), "CONTENT_ORDER", 3),
    ("timestamp not signed", f"{cid}|{params}|", f"{DN}&{PK}",
     mac(f"clientId{cid}deviceName{DN}productKey{PK}"), "TIMESTAMP_DIFFERS", 3),
    ("seconds instead of milliseconds", f"{cid}|{params}|", f"{DN}&{PK}",
     mac(f"clientId{cid}deviceName{DN}productKey{PK}timestamp{TS[:-3]}"), "TIMESTAMP_DIFFERS", 3),
    ("pk&dn for pk.dn", f"{cid}|{params}|", f"{DN}&{PK}",
     mac(f"clientId{PK}&{DN}deviceName{DN}productKey{PK}timestamp{TS}"), "CONTENT_CLIENT_ID_DIFFERS", 3),
    ("user name swapped", f"{cid}|{params}|", f"{PK}&{DN}", mac(right), "USERNAME_SWAPPED", 3),
    ("wrong secret", f"{cid}|{params}|", f"{DN}&{PK}", mac(right, key="other-secret"), "WRONG_SECRET", 3),
    ("client id of 65", f"{'c' * 65}|{params}|", f"{DN}&{PK}", mac(right), "CLIENT_ID_TOO_LONG", 3),
    ("signmethod absent", f"{cid}|securemode=2,timestamp={TS}|", f"{DN}&{PK}", mac(right),
     "SIGN_METHOD_ABSENT", 3),
    ("signmethod unknown", f"{cid}|securemode=2,signmethod=hmacsha384|", f"{DN}&{PK}", mac(right),
     "SIGN_METHOD_UNKNOWN", 3),
    ("securemode missing", f"{cid}|signmethod=hmacsha256,timestamp={TS}|", f"{DN}&{PK}", mac(right),
     "SECURE_MODE_MISSING", 3),
]
for what, c, u, p, verdict, status in CASES:
    rc, out = explain(c, u, p, DS, keepalive=60)
    check((rc, out.get("verdict")) == (status, verdict), f"{what}: {rc} {out.get('verdict')} {out.get('reason')}")
    check(out.get("reason", "") != "", f"{what}: a reason line")
# The keep-alive, and the byte range of the offending field.
rc, out = explain(f"{cid}|{params}|", f"{DN}&{PK}", mac(right), DS, keepalive=20)
check((rc, out.get("verdict"), out.get("field")) == (3, "KEEPALIVE_OUT_OF_RANGE", "keepalive"), f"keepalive: {out}")
c = f"{cid}|{params}|"
rc, out = explain(c, f"{DN}&{PK}", mac(f"clientId{cid}deviceName{DN}productKey{PK}"), DS)
at, n = int(out.get("offset", -1)), int(out.get("length", -1))
check(out.get("field") == "mqtt_client_id" and c[at:at + n] == TS, f"the timestamp's range: {out}")
# --json: one object with the same fields.
rc, obj = explain(c, f"{DN}&{PK}", mac(right), DS, as_json=True)
check(rc == 0 and obj.get("verdict") == "ACCEPTED" and obj.get("content") == right, f"--json: {obj}")
# Usage errors.
r = subprocess.run([cli, "explain", "--username", "u"], capture_output=True, text=True, timeout=30)
check(r.returncode == 2 and "explain needs" in r.stderr, f"missing fields: {r.returncode} {r.stderr!r}")
r = subprocess.run([cli, "explain", "--mqtt-client-id", c, "--username", "u", "--password", "p",
                    "--keepalive", "x"], capture_output=True, text=True, timeout=30)
check(r.returncode == 2 and "--keepalive" in r.stderr, f"bad keep-alive: {r.returncode} {r.stderr!r}")
print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
