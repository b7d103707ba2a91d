"""End to end against a real Mosquitto with the aliyun_mqtt_auth plugin, on
127.0.0.1 only: the broker, its secrets file and its TLS certificates are
made here, on free ports, and removed afterwards.

Usage: broker_test.py MOSQUITTO PLUGIN PAHO_CONNECT LIBALIYUN_MQTT_SIGN_SO

- paho_connect (Paho MQTT C + the library) connects over TCP (securemode=3)
  and over TLS (securemode=2, CA and server certificate made with openssl),
  subscribes, publishes and receives its own message;
- every sign method and both hex cases are accepted;
- a wrong secret, a tampered password, a changed timestamp, an unknown device
  and a 10 s keep-alive are refused with CONNACK 5 (not authorized);
- load: 500 distinct devices connect concurrently and are all accepted, then
  500 with wrong passwords are all refused, and the broker still serves;
- the broker log names a malformed secrets line by number, gives a reason
  for each refusal and never contains a secret;
- regnwl grants (a second broker, plugin_opt_max_grants 2): a third device
  evicts the oldest grant, whose token is then refused (connwl); a device
  that registers again connects with its newest deviceToken only.
"""
import asyncio
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time

MOSQUITTO, PLUGIN, PAHO, LIBSO = sys.argv[1:5]
# The Python package from the source tree, over the library just built.
os.environ["ALIYUN_MQTT_SIGN_LIB"] = LIBSO
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, HERE)
import aliyun_mqtt_sign as ams  # noqa: E402
from loopback import (Client, check, free_port, make_certs, read, start_mosquitto, stop,  # noqa: E402
                      summary)

LOAD = 500


def creds(pk, dn, ds, **kwargs):
    """(client id, user name, password) from the library, plain TCP."""
    c = ams.sign(pk, dn, ds, secure_mode="tcp", **kwargs)
    return c.client_id, c.username, c.password


def secret():
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(32))


async def mqtt_connect(port, fields, keepalive=300, hold=None, acked=None):
    """CONNACK return code, or None when the broker sent none. With `hold`,
    keeps an accepted connection open until the event is set; `acked`
    counts CONNACKs received."""
    client = await Client.open(port)
    try:
        try:
            rc = await client.connect(fields, keepalive)
        finally:
            if acked is not None:
                acked.append(1)
        if hold is not None and rc == 0:
            await asyncio.wait_for(hold.wait(), 60)
        if rc == 0:
            await client.send(b"\xe0\x00")
        return rc
    finally:
        client.close()


def connect(port, fields, keepalive=300):
    return asyncio.run(mqtt_connect(port, fields, keepalive))


async def many(port, field_list, hold_all):
    """Connects all at once. With `hold_all`, every accepted connection stays
    open until all CONNACKs are in, so they are concurrent for real."""
    hold = asyncio.Event()
    acked = []
    tasks = [asyncio.create_task(mqtt_connect(port, f, hold=hold if hold_all else None, acked=acked))
             for f in field_list]
    deadline = time.monotonic() + 60
    while len(acked) < len(tasks) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    hold.set()
    return await asyncio.gather(*tasks)


# ---- dynamic registration, authType=regnwl then connwl (PROTOCOL.md §4.2) ----

def regnwl_creds(pk, dn, product_secret, random_string):
    """The regnwl CONNECT fields, from the library."""
    c = ams.register_sign(pk, dn, product_secret, random_string, auth_type="regnwl")
    return c.client_id, c.username, c.password


async def mqtt_regnwl(port, fields):
    """The /ext/regnwl reply to a regnwl CONNECT, as a dict (None when refused)."""
    client = await Client.open(port)
    try:
        if await client.connect(fields) != 0:
            return None
        got = await client.next_publish()
        await client.disconnect()
        return json.loads(got[1]) if got and got[0] == "/ext/regnwl" else None
    finally:
        client.close()


def regnwl(port, pk, dn, product_secret, random_string):
    """Registers with authType=regnwl; returns the connwl CONNECT fields made
    from the reply, or None."""
    reply = asyncio.run(mqtt_regnwl(port, regnwl_creds(pk, dn, product_secret, random_string)))
    if not reply:
        return None
    return (f"{reply['clientId']}|securemode=-2,authType=connwl|",
            f"{reply['deviceName']}&{reply['productKey']}", reply["deviceToken"])


def paho(port, pk, dn, ds, *extra):
    r = subprocess.run([PAHO, "--host", "127.0.0.1", "--port", str(port), "--product-key", pk,
                        "--device-name", dn, "--device-secret", ds, *extra],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def grants(work):
    """Three devices, then one of them again, on a broker keeping 2 grants."""
    pk, ps = "nwlProduct1", secret()
    products_path = os.path.join(work, "products.csv")
    with open(products_path, "w") as f:
        f.write(f"{pk},{ps}\n")
    secrets_path = os.path.join(work, "secrets.csv")
    with open(secrets_path, "w") as f:
        f.write("# no device: regnwl needs none\n")
    port = free_port()
    broker = start_mosquitto(MOSQUITTO, PLUGIN, work, {"secrets_file": secrets_path,
                                                       "products_file": products_path,
                                                       "max_grants": 2}, port)
    try:
        first = regnwl(port, pk, "nwl-first", ps, "random1")
        second = regnwl(port, pk, "nwl-second", ps, "random2")
        check(first is not None and second is not None and connect(port, first) == 0,
              "regnwl then connwl accepted")
        third = regnwl(port, pk, "nwl-third", ps, "random3")
        check(third is not None and connect(port, first) == 5,
              "max_grants 2: a third device evicts the oldest grant (refused)")
        check(connect(port, second) == 0 and connect(port, third) == 0,
              "max_grants 2: the two newest grants accepted")
        newest = regnwl(port, pk, "nwl-third", ps, "random4")
        check(newest is not None and newest[2] != third[2], "regnwl again: a new device token")
        check(connect(port, newest) == 0, "connwl with the newest device token accepted")
        check(connect(port, third) == 5, "connwl with the older device token refused")
        check(connect(port, second) == 0, "a new token for a known device evicts no other grant")
    finally:
        stop(broker)
    log = read(os.path.join(work, "mosquitto.log"))
    check("the oldest grant, of nwlProduct1/nwl-first, is evicted" in log, "the eviction is logged")
    check(not any(t and t[2] in log for t in (first, second, third, newest)),
          "no device token in the broker log")


def main():
    work = tempfile.mkdtemp(prefix="aliyun-broker-")
    broker = None
    try:
        make_certs(work)
        devices = [(f"pk{i:04d}x", f"device-{i:04d}", secret()) for i in range(LOAD)]
        golden = ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq")
        devices.append(golden)
        secrets_path = os.path.join(work, "secrets.csv")
        with open(secrets_path, "w") as f:
            f.write("# productKey,deviceName,deviceSecret\n\n")
            f.write("pk,dev\n")  # line 3: malformed
            for d in devices:
                f.write(",".join(d) + "\n")
        tcp, tls = free_port(), free_port()
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work, {"secrets_file": secrets_path}, tcp, tls)

        pk, dn, ds = golden
        rc, out = paho(tcp, pk, dn, ds, "--topic", f"/{pk}/{dn}/user/test")
        check(rc == 0 and "received own message" in out, f"paho_connect TCP publish/receive: {out.strip()!r}")
        rc, out = paho(tls, pk, dn, ds, "--cafile", os.path.join(work, "ca.pem"),
                       "--topic", f"/{pk}/{dn}/user/tls", "--timestamp", "2524608000000")
        check(rc == 0 and "received own message" in out, f"paho_connect TLS publish/receive: {out.strip()!r}")
        for method in ("hmacmd5", "hmacsha1", "hmacsha256", "sha256"):
            rc, out = paho(tcp, pk, dn, ds, "--sign-method", method, "--uppercase")
            check(rc == 0, f"paho_connect {method} upper-case: {out.strip()!r}")
            for upper in (False, True):
                fields = creds(pk, dn, ds, client_id="SN1928339", timestamp_ms=1539421321846,
                               sign_method=method, uppercase=upper)
                check(connect(tcp, fields) == 0, f"{method} {'upper' if upper else 'lower'} case accepted")

        good = creds(pk, dn, ds, timestamp_ms=1000, sign_method="hmacsha256")
        wrong = creds(pk, dn, "wrong" + ds[5:], timestamp_ms=1000)
        check(connect(tcp, wrong) == 5, "wrong secret refused")
        pw = good[2]
        tampered = (good[0], good[1], pw[:-1] + ("0" if pw[-1] != "0" else "1"))
        check(connect(tcp, tampered) == 5, "tampered password refused")
        changed = (good[0].replace("timestamp=1000", "timestamp=1001"), good[1], good[2])
        check(connect(tcp, changed) == 5, "changed timestamp refused")
        unknown = creds("unknownPk", dn, ds)
        check(connect(tcp, unknown) == 5, "unknown device refused")
        check(connect(tcp, good, keepalive=10) == 5, "keep-alive of 10 s refused")
        check(connect(tcp, good) == 0, "the same fields with keep-alive 300 s accepted")
        rc, out = paho(tcp, pk, dn, "wrongsecretwrongsecret")
        check(rc == 1 and "refused rc=5" in out, f"paho_connect wrong secret refused: {out.strip()!r}")

        t0 = time.monotonic()
        fields = [creds(*d, client_id=f"load{i}", timestamp_ms=i + 1) for i, d in enumerate(devices[:LOAD])]
        rcs = asyncio.run(many(tcp, fields, hold_all=True))
        check(rcs.count(0) == LOAD, f"{LOAD} concurrent devices accepted ({rcs.count(0)}) "
              f"in {time.monotonic() - t0:.1f} s")
        bad = [(c, u, ("1" if p[0] == "0" else "0") + p[1:]) for c, u, p in fields]
        t0 = time.monotonic()
        rcs = asyncio.run(many(tcp, bad, hold_all=False))
        check(rcs.count(5) == LOAD, f"{LOAD} wrong passwords refused ({rcs.count(5)}) "
              f"in {time.monotonic() - t0:.1f} s")
        check(broker.poll() is None and connect(tcp, good) == 0, "broker still serving after the load")
        rc, out = paho(tls, pk, dn, ds, "--cafile", os.path.join(work, "ca.pem"), "--topic", f"/{pk}/{dn}/user/after-load")
        check(rc == 0 and "received own message" in out, "TLS publish/receive after the load")
        stop(broker)
        broker = None
        os.mkdir(os.path.join(work, "grants"))
        grants(os.path.join(work, "grants"))
    finally:
        stop(broker)
        log = read(os.path.join(work, "mosquitto.log"))
        shutil.rmtree(work, ignore_errors=True)
    check("line 3: malformed" in log, "malformed secrets line reported with its number")
    check(f"{LOAD + 1} devices loaded" in log, "all valid secrets loaded")
    check("ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH" in log and "keep-alive 10 s" in log
          and "unknown device" in log, "refusals logged with their reason")
    check(not any(d[2] in log for d in devices), "no secret in the broker log")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
