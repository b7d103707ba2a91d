"""How the aliyun_mqtt_auth plugin reads its files, against a real Mosquitto
on 127.0.0.1 only (free ports; everything made here and removed after).

Usage: broker_files_test.py MOSQUITTO PLUGIN PAHO_CONNECT LIBALIYUN_MQTT_SIGN_SO

- a UTF-8 byte order mark at the start of the secrets and the tokens file
  is skipped: the first device and the first iotId connect;
- a secrets line with a NUL byte is malformed: reported with its line
  number, and neither the secret before the NUL nor the secret without it
  connects;
- a device on two lines with different secrets: a warning names both lines,
  the first secret is accepted and the second refused;
- a directory, a file whose read fails, a missing file or a bad
  plugin_opt_max_grants stops the broker from starting: it exits non-zero
  within a bounded time and its log says why.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from broker_test import MOSQUITTO, PLUGIN, connect, creds, secret  # the same command line
from loopback import check, free_port, read, start_mosquitto, stop, summary

BOM = b"\xef\xbb\xbf"


def start_refused(work, options):
    """Runs Mosquitto with the plugin and `options`, expecting it to refuse
    to start. Returns its exit code (None if it was still running after
    10 s, then killed) and its log."""
    conf = os.path.join(work, "refused.conf")
    log = os.path.join(work, "refused.log")
    with open(conf, "w") as f:
        f.write(f"allow_anonymous false\nuser root\nplugin {PLUGIN}\n")
        for key, value in options.items():
            f.write(f"plugin_opt_{key} {value}\n")
        f.write(f"log_dest file {log}\nlog_type all\nlistener {free_port()} 127.0.0.1\n")
    if os.path.exists(log):
        os.remove(log)
    try:
        r = subprocess.run([MOSQUITTO, "-c", conf], capture_output=True, text=True, timeout=10)
        return r.returncode, read(log) + r.stdout + r.stderr
    except subprocess.TimeoutExpired:
        return None, read(log)


def contents(work):
    """The secrets and tokens files and the devices they hold."""
    devices = {name: (f"{name}Pk01", f"{name}-device", secret())
               for name in ("bom", "ok", "dup")}
    dup_second = secret()
    secrets_path = os.path.join(work, "secrets.csv")
    with open(secrets_path, "wb") as f:
        lines = [
            BOM + ",".join(devices["bom"]).encode(),  # line 1
            b"# productKey,deviceName,deviceSecret",  # line 2
            b"nulPk01,nul-device,S3cr\0et",           # line 3: a NUL byte
            ",".join(devices["dup"]).encode(),        # line 4
            ",".join(devices["ok"]).encode(),         # line 5
            ",".join(devices["dup"][:2] + (dup_second,)).encode(),  # line 6: line 4 again
        ]
        f.write(b"\n".join(lines) + b"\n")
    tokens_path = os.path.join(work, "tokens.csv")
    iot = ("iotIdWithBom01", secret())
    with open(tokens_path, "wb") as f:
        f.write(BOM + ",".join(iot).encode() + b"\n")
    return secrets_path, tokens_path, devices, dup_second, iot


def main():
    work = tempfile.mkdtemp(prefix="aliyun-broker-files-")
    broker = None
    try:
        secrets_path, tokens_path, devices, dup_second, iot = contents(work)
        port = free_port()
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work, {"secrets_file": secrets_path,
                                                           "tokens_file": tokens_path}, port)
        check(connect(port, creds(*devices["bom"])) == 0,
              "byte order mark: the first device connects")
        check(connect(port, ("iot-client", *iot)) == 0, "byte order mark: the first iotId connects")
        for cut in ("S3cr", "S3cret"):
            check(connect(port, creds("nulPk01", "nul-device", cut)) == 5,
                  f"line with a NUL byte: secret {cut} refused")
        check(connect(port, creds(*devices["ok"])) == 0, "the line after it loaded")
        check(connect(port, creds(*devices["dup"])) == 0,
              "duplicate device: the first secret accepted")
        dn = devices["dup"]
        check(connect(port, creds(dn[0], dn[1], dup_second)) == 5,
              "duplicate device: the second secret refused")
    finally:
        stop(broker)
        log = read(os.path.join(work, "mosquitto.log"))
    check("secrets.csv line 3: malformed (NUL byte), skipped" in log,
          "the line with a NUL byte reported with its number")
    check("secrets.csv line 6: duplicate device of line 4 with a different secret; "
          "the first wins, line 6 skipped" in log, "the duplicate reported with both line numbers")
    check("3 devices loaded" in log and "1 tokens loaded" in log, "the valid lines loaded")
    check(not any(d[2] in log for d in devices.values()) and dup_second not in log
          and iot[1] not in log, "no secret in the broker log")

    try:
        folder = os.path.join(work, "a-directory")
        os.mkdir(folder)
        good = {"secrets_file": secrets_path}
        refused = [
            ("secrets_file a directory", {"secrets_file": folder}, "not a regular file"),
            ("products_file a directory", {**good, "products_file": folder}, "not a regular file"),
            ("tokens_file a directory", {**good, "tokens_file": folder}, "not a regular file"),
            ("secrets_file missing", {"secrets_file": os.path.join(work, "missing.csv")},
             "cannot open devices file"),
            ("max_grants 0", {**good, "max_grants": "0"}, "plugin_opt_max_grants 0"),
        ]
        # Reading the broker's own memory at offset 0 fails (EIO) on Linux.
        if os.path.exists("/proc/self/mem"):
            refused.append(("secrets_file unreadable", {"secrets_file": "/proc/self/mem"},
                            "cannot read devices file /proc/self/mem"))
        for what, options, why in refused:
            rc, out = start_refused(work, options)
            check(rc not in (None, 0), f"{what}: the broker exits non-zero (rc={rc})")
            check(why in out, f"{what}: the log says why ({why!r})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
