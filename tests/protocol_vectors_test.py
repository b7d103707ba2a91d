"""The golden and derived vectors printed in docs/PROTOCOL.md §1.8 are what
the aliyun-mqtt-sign CLI computes, and what Python's hmac/hashlib compute
from the signed content the document prints.

Usage: protocol_vectors_test.py PROTOCOL_MD CLI"""
import hashlib
import hmac
import re
import subprocess
import sys

doc_path, cli = sys.argv[1:3]
doc = open(doc_path, encoding="utf-8").read()
section = doc[doc.index("### 1.8 Golden vectors"):doc.index("## 2. Endpoints")]
checks = failures = 0


def check(cond, what):
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def cells(line):
    """The cells of a Markdown table row, code spans unwrapped, \\| unescaped."""
    parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [p.strip().replace("`", "").replace("\\|", "|") for p in parts]


def cli_fields(*args):
    r = subprocess.run([cli, *args], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, f"{args}: exit {r.returncode} {r.stderr!r}")
    return dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)


def digest(method, secret, content):
    if method == "sha256":
        return hashlib.sha256((content + secret).encode()).hexdigest()
    algo = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}[method]
    return hmac.new(secret.encode(), content.encode(), algo).hexdigest()


# The published devices: every printed field, from the CLI and from Python.
lines = section.splitlines()
header = next(l for l in lines if re.match(r"\|\s*\|\s*device A", l))
start = lines.index(header)
devices = [{}, {}]
for line in lines[start + 2:]:
    if not line.startswith("|"):
        break
    name, a, b = cells(line)
    devices[0][name], devices[1][name] = a, b
check(len(devices[0]) >= 11, f"the golden table has its rows: {sorted(devices[0])}")


def device_args(d, method):
    mode = {"2": "tls", "3": "tcp"}[d["secure mode"].split()[0]]
    return ["--product-key", d["ProductKey"], "--device-name", d["DeviceName"],
            "--device-secret", d["DeviceSecret"], "--client-id", d["client id"],
            "--timestamp", d["timestamp"], "--sign-method", method, "--secure-mode", mode]


for d in devices:
    out = cli_fields(*device_args(d, d["sign method"]))
    check(out.get("client_id") == d["client identifier"], f"client id {out} vs {d}")
    check(out.get("username") == d["user name"], f"user name {out} vs {d}")
    check(out.get("password") == d["password"], f"password {out} vs {d}")
    check(digest(d["sign method"], d["DeviceSecret"], d["signed content"]) == d["password"],
          f"the printed content does not give the printed password: {d}")

# The derived passwords, one row per method.
derived = [r for r in (cells(l) for l in lines if l.startswith("| `")) if len(r) == 3]
check(len(derived) == 3, f"three derived rows: {derived}")
for method, a, b in derived:
    method = method.split()[0].strip("`")
    for d, want in zip(devices, (a, b)):
        check(cli_fields(*device_args(d, method)).get("password") == want,
              f"{method} password of {d['ProductKey']}")
        check(digest(method, d["DeviceSecret"], d["signed content"]) == want,
              f"{method} password of {d['ProductKey']} from Python")

# Device B with the library's defaults.
b = devices[1]
want = dict(re.findall(r"^- (client identifier|user name|signed content|password) `([^`]*)`",
                       section, re.M))
check(len(want) == 4, f"the defaults list: {want}")
out = cli_fields("--product-key", b["ProductKey"], "--device-name", b["DeviceName"],
                 "--device-secret", b["DeviceSecret"])
check(out.get("client_id") == want.get("client identifier"), f"default client id {out}")
check(out.get("username") == want.get("user name"), f"default user name {out}")
check(out.get("password") == want.get("password"), f"default password {out}")
check(digest("hmacsha256", b["DeviceSecret"], want.get("signed content", "")) == want.get("password"),
      "the defaults' printed content does not give its password")

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
