"""c_examples/secure_element.c signs through a stand-in secure element (the
key never enters the device structure); its CONNECT fields must equal the
platform's rule computed here with Python's hmac and hashlib.

Usage: secure_element_test.py SECURE_ELEMENT
"""
import hashlib
import hmac
import subprocess
import sys

exe = sys.argv[1]
checks = failures = 0


def check(cond, what):
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


PK, DN, DS = "a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"
DIGESTS = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}
for method in ["hmacmd5", "hmacsha1", "hmacsha256", "sha256"]:
    for ts in [None, "1539421321846"]:
        args = [exe, PK, DN, DS, method] + ([ts] if ts else [])
        r = subprocess.run(args, capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, f"{method} {ts}: exit {r.returncode}: {r.stderr}")
        got = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
        content = f"clientId{PK}.{DN}deviceName{DN}productKey{PK}" + (f"timestamp{ts}" if ts else "")
        if method == "sha256":
            want = hashlib.sha256((content + DS).encode()).hexdigest()
        else:
            want = hmac.new(DS.encode(), content.encode(), DIGESTS[method]).hexdigest()
        check(got.get("password") == want, f"{method} {ts}: password {got.get('password')} != {want}")
        params = f"securemode=2,signmethod={method}" + (f",timestamp={ts}" if ts else "")
        check(got.get("client_id") == f"{PK}.{DN}|{params}|", f"{method} {ts}: client_id {got}")
        check(got.get("username") == f"{DN}&{PK}", f"{method} {ts}: username {got}")

r = subprocess.run([exe, PK, DN, DS, "hmacsha512"], capture_output=True, text=True, timeout=30)
check(r.returncode == 2, "an unknown method is refused")
print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
