"""Checks the aliyun-mqtt-sign CLI against the golden device of
docs/PROTOCOL.md §1.8 and against Python's own hmac/hashlib for every sign
method, and its command line: usage, errors, write failures.
Usage: cli_test.py CLI"""
import hashlib
import hmac
import json
import os
import re
import shlex
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


def run(*args, argv=None, **kwargs):
    """Runs the CLI (or argv) and checks that whatever it printed ends with a newline."""
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    r = subprocess.run(argv or [CLI, *args], text=True, timeout=30, **kwargs)
    for name, text in (("stdout", r.stdout), ("stderr", r.stderr)):
        check(text is None or text == "" or text.endswith("\n"), f"{args}: {name} ends with a newline: {text!r}")
    return r


def expected_password(method, ds, content):
    if method == "sha256":
        return hashlib.sha256((content + ds).encode()).hexdigest()
    algo = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}[method]
    return hmac.new(ds.encode(), content.encode(), algo).hexdigest()


# No arguments: the second golden device of PROTOCOL.md §1.8, exactly.
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

# auth-body (PROTOCOL.md §3): the body decodes to the fields, the sign is the
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

# register (PROTOCOL.md §4): MQTT fields, and the HTTPS body with --https.
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

# Usage: --help, -h and help print it to stdout, exit 0, within 80 columns.
usage = run("--help")
check(usage.returncode == 0 and usage.stderr == "" and usage.stdout.startswith("usage: aliyun-mqtt-sign"),
      f"--help: {usage.returncode} {usage.stderr!r}")
for args in (["-h"], ["help"], ["help", "--help"], ["help", "help"]):
    r = run(*args)
    check(r.returncode == 0 and r.stdout == usage.stdout and r.stderr == "", f"{args}: same as --help")
lines = usage.stdout.splitlines()
check(len(lines) <= 70, f"--help is {len(lines)} lines")


def section(text, heading):
    """The lines after the line `heading` up to the next blank line."""
    lines = text.splitlines()
    if heading not in lines:
        return []
    out = []
    for line in lines[lines.index(heading) + 1:]:
        if not line.strip():
            break
        out.append(line)
    return out


ROW = re.compile(r"^  (?:-h, )?(--[a-z-]+)(?: ([A-Z][^ ]*))?  ")


def rows(lines):
    """{flag: (placeholder or None, row text with its continuation lines)} of flag rows."""
    out, last = {}, None
    for line in lines:
        m = ROW.match(line)
        if m:
            last = m.group(1)
            out.setdefault(last, [m.group(2), ""])
            out[last][1] += line
        elif last and line.startswith("    "):
            out[last][1] += line
    return out


def examples(text):
    """The example command lines, backslash continuations joined."""
    lines = section(text, "examples:") or section(text, "example:")
    joined = "\n".join(lines).replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines()]


subcommands = [line.split()[0] for line in section(usage.stdout, "subcommands:")]
MESSAGES = ["topo-add", "topo-delete", "login", "batch-login", "logout", "batch-logout", "product-register",
            "ntp-request", "explain"]
check(subcommands == ["(none)", "auth-body", "register", *MESSAGES, "help"], f"subcommands in --help: {subcommands}")
main_rows = {}
for heading in [line for line in lines if line.endswith("flags:") or line.endswith("subcommand:")]:
    main_rows.update(rows(section(usage.stdout, heading)))
check(len(main_rows) >= 18, f"flags in --help: {sorted(main_rows)}")

# SUBCOMMAND --help, -h and help SUBCOMMAND: its usage, flags, defaults, an example.
sub_rows = {}
for sub in ("auth-body", "register", *MESSAGES):
    r = run(sub, "--help")
    check(r.returncode == 0 and r.stderr == "" and r.stdout.startswith(f"usage: aliyun-mqtt-sign {sub} "),
          f"{sub} --help: {r.returncode} {r.stdout[:60]!r} {r.stderr!r}")
    for args in ([sub, "-h"], ["help", sub], [sub, "--json", "--help"]):
        other = run(*args)
        check(other.returncode == 0 and other.stdout == r.stdout, f"{args}: same as {sub} --help")
    sub_rows[sub] = rows(section(r.stdout, "flags:"))
    check(len(sub_rows[sub]) >= (10 if sub in ("auth-body", "register") else 6),
          f"{sub} --help flags: {sorted(sub_rows[sub])}")
    ex = examples(r.stdout)
    check(len(ex) == 1 and ex[0][:2] == ["aliyun-mqtt-sign", sub], f"{sub} --help example: {ex}")
    check(all(len(line) <= 80 for line in r.stdout.splitlines()), f"{sub} --help within 80 columns")
for sub, table in [("main", main_rows)] + list(sub_rows.items()):
    for flag, (value, text) in table.items():
        if flag not in ("--help", "--version"):
            check("(default: " in text or "(required)" in text, f"{sub} --help: no default for {flag}: {text!r}")
check(all(len(line) <= 80 for line in lines), "--help within 80 columns")

# The usage and the parser agree: a flag is listed for a subcommand exactly
# when the parser takes it there ("unknown flag" otherwise), and it takes a
# value exactly when the usage shows a placeholder.
candidates = set(main_rows) | set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage.stdout))
candidates |= {"--bogus", "--device-secret", "--extra", "--timestamp", "--nwl", "--https", "--instance-id",
               "--product-secret", "--random", "-h", "--subdev", "--id", "--clean-session", "--device-send-time"}
for sub in MESSAGES:
    candidates |= set(sub_rows[sub])
accepted = {}
for sub in ("sign", "auth-body", "register", *MESSAGES):
    prefix = [] if sub == "sign" else [sub]
    accepted[sub] = set()
    for flag in sorted(candidates):
        r = run(*prefix, flag)
        if "unknown flag" not in r.stderr:
            accepted[sub].add(flag)
            missing = "missing value" in r.stderr
            placeholder = (main_rows.get(flag) or sub_rows.get(sub, {}).get(flag) or [None])[0]
            check(missing == (placeholder is not None), f"{sub} {flag}: value {placeholder} vs {r.stderr!r}")
        else:
            check(r.returncode == 2, f"{sub} {flag}: exit {r.returncode}")
for sub in ("auth-body", "register", *MESSAGES):
    listed = set(sub_rows[sub]) | ({"-h"} if "--help" in sub_rows[sub] else set())
    check(accepted[sub] == listed, f"{sub}: accepted {sorted(accepted[sub] - listed)} unlisted, "
          f"listed {sorted(listed - accepted[sub])} refused")
    for flag, (value, _) in sub_rows[sub].items():
        if flag in main_rows:
            check(value == main_rows[flag][0], f"{sub} {flag}: placeholder {value}")
everything = accepted["sign"] | accepted["auth-body"] | accepted["register"]
check(everything == set(main_rows) | {"-h"}, f"accepted {sorted(everything - set(main_rows))} unlisted, "
      f"listed {sorted(set(main_rows) - everything)} refused")
check("--bogus" not in everything and {"--device-secret", "--timestamp", "--extra"} & accepted["register"] == set()
      and {"--nwl", "--https", "--random"} & accepted["sign"] == set(), f"accepted: {accepted}")

# The examples run.
ex = examples(usage.stdout)
check(len(ex) == 3 and [e[1] if e[1][0] != "-" else "" for e in ex] == ["", "auth-body", "register"],
      f"--help examples: {ex}")
for e in ex:
    r = run(*e[1:])
    check(r.returncode == 0 and r.stdout and r.stderr == "", f"example {e}: {r.returncode} {r.stderr!r}")

# Every subcommand's example runs.
for sub in ("auth-body", "register", *MESSAGES):
    e = examples(run(sub, "--help").stdout)[0]
    r = run(*e[1:])
    check(r.returncode == 0 and r.stdout and r.stderr == "", f"example {e}: {r.returncode} {r.stderr!r}")

# --version: the version of Cargo.toml.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Cargo.toml")) as f:
    version = re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)
r = run("--version")
check(r.returncode == 0 and r.stdout == f"aliyun-mqtt-sign {version}\n" and r.stderr == "",
      f"--version: {r.returncode} {r.stdout!r}, Cargo.toml {version}")


def usage_mistake(args, named, sub=None):
    """Exit 2, nothing on stdout, one stderr line naming it and the --help to try."""
    r = run(*args)
    hint = f"(try 'aliyun-mqtt-sign{' ' + sub if sub else ''} --help')"
    check(r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 1 and r.stderr.endswith(f"{hint}\n")
          and named in r.stderr, f"{args}: {r.returncode} {r.stderr!r}")
    return r


# Unknown flags and subcommands, missing values.
usage_mistake(["--foo"], "unknown flag: --foo")
usage_mistake(["--json", "--foo", "1"], "unknown flag: --foo")
usage_mistake(["--nwl"], "unknown flag: --nwl")
usage_mistake(["register", "--foo"], "unknown flag: --foo", "register")
usage_mistake(["register", "--device-secret", "x"], "unknown flag for register: --device-secret", "register")
usage_mistake(["auth-body", "--extra", "a=b"], "unknown flag for auth-body: --extra", "auth-body")
usage_mistake(["frobnicate"], "unknown subcommand: frobnicate")
usage_mistake(["help", "frobnicate"], "unknown subcommand: frobnicate")
usage_mistake(["--region"], "missing value for --region")
usage_mistake(["--json", "--timestamp"], "missing value for --timestamp")
usage_mistake(["auth-body", "--client-id"], "missing value for --client-id", "auth-body")
usage_mistake(["register", "--product-key", "pk", "--random"], "missing value for --random", "register")

# A stray argument (a secret whose flag was forgotten) is named by its
# position, never echoed; so is a --flag=value's value.
secret = "Zq8SECRETvalue31x"
for args, position, sub in [
    ([secret], 1, None),
    (["--product-key", "pk", secret], 3, None),
    (["--device-name", "dev1", "--json", secret, "--device-secret"], 4, None),
    (["auth-body", secret], 2, "auth-body"),
    (["register", "--random", "r1", secret], 4, "register"),
    (["help", secret], 2, None),
    (["help", "register", secret], 3, None),
    (["-" + secret], 1, None),
]:
    r = usage_mistake(args, f"argument {position}", sub)
    check(secret not in r.stderr and secret not in r.stdout, f"{args}: echoed {r.stderr!r}")
r = usage_mistake(["--device-secret=" + secret], "unknown flag: --device-secret=")
check(secret not in r.stderr, f"--device-secret=: echoed {r.stderr!r}")

# Gateway messages (PROTOCOL.md §6): the topic of the gateway, the payload
# decoded with Python's json and every sign re-computed with its hmac.
GW = ["--product-key", "gwPk01", "--device-name", "gw-01"]
SUBS = [("a1B2c3D4e5F", "sensor_01:ab@x.y-z", "S3cr3t/with/slashes!"), ("k0abc", "dev-0001", "x" * 64),
        ("pk3", "dev-0003", "s3")]
ALGO = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}


def message(*args):
    r = run(*args, "--json")
    check(r.returncode == 0 and r.stderr == "", f"{args}: {r.returncode} {r.stderr!r}")
    doc = json.loads(r.stdout or "{}")
    return doc.get("topic"), json.loads(doc.get("payload", "{}"))


def sub_sign(method, ds, cid, dn, pk, ts):
    content = f"clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}"
    return hmac.new(ds.encode(), content.encode(), ALGO[method]).hexdigest()


subdev_args = [a for pk, dn, ds in SUBS for a in ("--subdev", f"{pk}/{dn}/{ds}")]
for method in ALGO:
    topic, p = message("topo-add", *GW, *subdev_args, "--id", "4294967295", "--timestamp", "1700000000123",
                       "--sign-method", method)
    check(topic == "/sys/gwPk01/gw-01/thing/topo/add", f"topo-add topic {topic}")
    check(p["id"] == "4294967295" and p["version"] == "1.0" and len(p["params"]) == 3, f"topo-add {p}")
    for e, (pk, dn, ds) in zip(p["params"], SUBS):
        check(e == {"productKey": pk, "deviceName": dn, "clientId": f"{pk}.{dn}", "timestamp": "1700000000123",
                    "signmethod": method, "sign": sub_sign(method, ds, f"{pk}.{dn}", dn, pk, "1700000000123")},
              f"topo-add {method} entry {e}")
    topic, p = message("batch-login", *GW, *subdev_args, "--timestamp", "5", "--clean-session",
                       "--sign-method", method)
    check(topic == "/ext/session/gwPk01/gw-01/combine/batch_login", f"batch-login topic {topic}")
    check(p["params"]["signMethod"] == method and p["id"] == "1", f"batch-login {p}")
    for e, (pk, dn, ds) in zip(p["params"]["deviceList"], SUBS):
        check(e == {"productKey": pk, "deviceName": dn, "clientId": f"{pk}.{dn}", "timestamp": "5",
                    "cleanSession": "true", "sign": sub_sign(method, ds, f"{pk}.{dn}", dn, pk, "5")},
              f"batch-login {method} entry {e}")
# One sub-device, its client id signed as written.
cid = "a1B2c3D4e5F.sensor_01|_ss=1,_v=4.0|"
topic, p = message("login", *GW, "--subdev", "a1B2c3D4e5F/sensor_01/S3cr3t", "--client-id", cid,
                   "--timestamp", "2524608000000", "--id", "7")
check(topic == "/ext/session/gwPk01/gw-01/combine/login", f"login topic {topic}")
check(p == {"id": "7", "params": {"productKey": "a1B2c3D4e5F", "deviceName": "sensor_01", "clientId": cid,
                                  "timestamp": "2524608000000", "signMethod": "hmacsha256",
                                  "sign": sub_sign("hmacsha256", "S3cr3t", cid, "sensor_01", "a1B2c3D4e5F",
                                                   "2524608000000"),
                                  "cleanSession": "false"}}, f"login {p}")
# Without --timestamp: now, in milliseconds.
import time as _time
before = int(_time.time()) * 1000
topic, p = message("login", *GW, "--subdev", "a1B2c3D4e5F/sensor_01/S3cr3t")
ts = int(p["params"]["timestamp"])
check(before <= ts <= int(_time.time()) * 1000 + 1000, f"login default timestamp {ts}")
named = [("a1B2c3D4e5F", "sensor_01"), ("k0abc", "dev-0001")]
named_args = [a for pk, dn in named for a in ("--subdev", f"{pk}/{dn}")]
for sub, path, params in [
    ("topo-delete", "/sys/gwPk01/gw-01/thing/topo/delete", "list"),
    ("batch-logout", "/ext/session/gwPk01/gw-01/combine/batch_logout", "list"),
    ("logout", "/ext/session/gwPk01/gw-01/combine/logout", "one"),
]:
    args = named_args[:2] if params == "one" else named_args
    topic, p = message(sub, *GW, *args, "--id", "12")
    want = [{"productKey": pk, "deviceName": dn} for pk, dn in named]
    check(topic == path, f"{sub} topic {topic}")
    check(p["id"] == "12" and p["params"] == (want[0] if params == "one" else want), f"{sub} {p}")
# Registration by product: PK/DN/PS/RANDOM, the ProductSecret may hold slashes.
regs = [("a1B2c3D4e5F", "sensor_01", "Ks3/Prod", "abc123"), ("k0abc", "dev-0001", "P" * 64, "Z" * 32)]
reg_args = [a for r in regs for a in ("--subdev", "/".join(r))]
topic, p = message("product-register", *GW, *reg_args, "--sign-method", "hmacsha1")
check(topic == "/sys/gwPk01/gw-01/thing/proxy/provisioning/product_register", f"product-register topic {topic}")
for e, (pk, dn, ps, rnd) in zip(p["params"]["proxieds"], regs):
    sign = hmac.new(ps.encode(), f"deviceName{dn}productKey{pk}random{rnd}".encode(), hashlib.sha1).hexdigest()
    check(e == {"productKey": pk, "deviceName": dn, "random": rnd, "signMethod": "hmacsha1", "sign": sign},
          f"product-register entry {e}")
# NTP request (PROTOCOL.md §7), of the device itself; name=value lines by default.
r = run("ntp-request", "--product-key", "a1B2c3D4e5F", "--device-name", "dev1", "--device-send-time",
        "18446744073709551615")
check(r.returncode == 0 and r.stdout == "topic=/ext/ntp/a1B2c3D4e5F/dev1/request\n"
      'payload={"deviceSendTime":"18446744073709551615"}\n', f"ntp-request: {r.stdout!r} {r.stderr!r}")
# 50 sub-devices fit; 51 are the library's batch error, named as --subdev.
many = [a for i in range(51) for a in ("--subdev", f"pk{i}/dev-{i:04}/s{i}")]
topic, p = message("batch-login", *GW, *many[:100], "--timestamp", "1")
check(len(p["params"]["deviceList"]) == 50, "batch-login of 50")
for args, field, status in [
    (["batch-login", *GW, *many], "--subdev", "ALIYUN_MQTT_ERR_BATCH_SIZE"),
    (["topo-add", *GW, "--subdev", "p k/dev-01/s"], "--subdev", "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (["topo-add", *GW, "--subdev", "pk/d/s"], "--subdev", "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (["login", *GW, "--subdev", "pk/dev-01/" + "s" * 65], "--subdev", "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"),
    (["product-register", *GW, "--subdev", "pk/dev-01/ps/r-1"], "--subdev", "ALIYUN_MQTT_ERR_INVALID_RANDOM"),
    (["topo-add", "--product-key", "g w", "--device-name", "gw-01", "--subdev", "pk/dev-01/s"],
     "--product-key", "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (["logout", "--product-key", "gw", "--device-name", "g", "--subdev", "pk/dev-01"],
     "--device-name", "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (["login", *GW, "--subdev", "pk/dev-01/s", "--sign-method", "sha256"], "--sign-method",
     "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"),
    (["login", *GW, "--subdev", "pk/dev-01/s", "--client-id", 'a"b'], "--client-id",
     "ALIYUN_MQTT_ERR_INVALID_CLIENT_ID"),
    (["topo-add", *GW, "--id", "4294967296", "--subdev", "pk/dev-01/s"], "--id", None),
    (["ntp-request", "--product-key", "pk", "--device-name", "dev1", "--device-send-time", "-1"],
     "--device-send-time", None),
]:
    r = run(*args)
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and field in lines[0]
          and (status is None or status in lines[0]), f"{args[:1]} {field}: {r.returncode} {r.stderr!r}")
usage_mistake(["topo-add", "--subdev", "pk/dev-01/s"], "topo-add needs --product-key and --device-name",
              "topo-add")
usage_mistake(["batch-logout", *GW], "batch-logout needs --subdev", "batch-logout")
usage_mistake(["ntp-request", "--product-key", "pk", "--device-name", "dev1"], "needs --device-send-time",
              "ntp-request")
usage_mistake(["login", *GW, "--subdev", "pk/dev-01/s", "--subdev", "pk/dev-02/s"], "takes one --subdev", "login")
usage_mistake(["batch-login", *GW, "--subdev", "pk/dev-01"], "--subdev 1: not PK/DN/DS", "batch-login")
usage_mistake(["product-register", *GW, "--subdev", "pk/dev-01/ps"], "not PK/DN/PS/R", "product-register")
usage_mistake(["batch-login", *GW, "--client-id", "c1", "--subdev", "pk/dev-01/s", "--subdev", "pk/dev-02/s"],
              "--client-id needs a lone --subdev", "batch-login")
usage_mistake(["topo-delete", *GW, "--timestamp", "1"], "unknown flag for topo-delete: --timestamp", "topo-delete")
usage_mistake(["ntp-request", "--region", "cn-shanghai"], "unknown flag for ntp-request: --region", "ntp-request")
r = usage_mistake(["topo-add", *GW, "--subdev", "pk"], "--subdev 1: not PK/DN", "topo-add")

# Output that cannot be written: exit 1 and a message on stderr, --help too.
for args in ([], ["--json"], ["--help"], ["register", "--help"], ["--version"], reg,
             ["topo-add", *GW, *subdev_args, "--timestamp", "1"], ["ntp-request", "--help"]):
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            r = run(*args, stdout=full)
        check(r.returncode == 1 and r.stderr.count("\n") == 1 and "standard output" in r.stderr,
              f"{args} > /dev/full: {r.returncode} {r.stderr!r}")
    r = run(*args, argv=["sh", "-c", 'exec >&-; exec "$0" "$@"', CLI, *args])
    check(r.returncode == 1 and r.stderr.count("\n") == 1 and "standard output" in r.stderr,
          f"{args} with stdout closed: {r.returncode} {r.stderr!r}")
r = run("--foo", argv=["sh", "-c", 'exec >&-; exec "$0" "$@"', CLI, "--foo"])
check(r.returncode == 2 and "unknown flag: --foo" in r.stderr, f"--foo with stdout closed: {r.returncode}")

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
