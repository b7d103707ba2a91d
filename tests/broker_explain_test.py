"""The cause a refusal's log line names, against a real Mosquitto with the
aliyun_mqtt_auth plugin on 127.0.0.1 only (free port; everything made here
and removed after).

Usage: broker_explain_test.py MOSQUITTO PLUGIN PAHO_CONNECT LIBALIYUN_MQTT_SIGN_SO

Deliberately wrong signers, written here with Python's hmac, each send one
CONNECT with its own client id; each is refused (CONNACK 5) and the
broker's line for that client id names the cause aliyun_mqtt_explain finds:
- the timestamp signed in seconds and sent in milliseconds;
- the content signed in another order than alphabetical;
- no securemode parameter;
- another secret;
- the password signed over the user name instead of the client id.
The status follows the cause in brackets; the log holds neither secret.
"""
import asyncio
import hashlib
import hmac
import os
import re
import shutil
import sys
import tempfile

from broker_test import MOSQUITTO, PLUGIN, secret  # the same command line
from loopback import Client, check, free_port, read, start_mosquitto, stop, summary

NOT_AUTHORIZED = 5


def hmac_hex(key, content, digest=hashlib.sha1):
    return hmac.new(key.encode(), content.encode(), digest).hexdigest()


def pairs(cid, pk, dn, ts):
    return {"clientId": cid, "deviceName": dn, "productKey": pk, "timestamp": ts}


def content(p, order=None):
    return "".join(k + p[k] for k in (order or sorted(p)))


def cases(pk, dn, ds, other):
    """(client id, user name, password, what the log line must say)."""
    user = f"{dn}&{pk}"
    out = []
    # Signed in seconds, sent in milliseconds.
    cid, ts = "ts-changed", "1700000000"
    out.append((f"{cid}|securemode=3,signmethod=hmacsha1,timestamp={ts}000|", user,
                hmac_hex(ds, content(pairs(cid, pk, dn, ts))),
                "timestamp in the client identifier differs from the signed one"))
    cid = "wrong-order"
    p = pairs(cid, pk, dn, ts)
    out.append((f"{cid}|securemode=3,signmethod=hmacsha1,timestamp={ts}|", user,
                hmac_hex(ds, content(p, ["productKey", "deviceName", "clientId", "timestamp"])),
                "signed content is not in alphabetical order of the names"))
    cid = "no-securemode"
    out.append((f"{cid}|signmethod=hmacsha1,timestamp={ts}|", user,
                hmac_hex(ds, content(pairs(cid, pk, dn, ts))), "securemode is missing"))
    cid = "other-secret"
    out.append((f"{cid}|securemode=3,signmethod=hmacsha1,timestamp={ts}|", user,
                hmac_hex(other, content(pairs(cid, pk, dn, ts))),
                "wrong secret or wrong content order"))
    cid = "signed-username"
    out.append((f"{cid}|securemode=3,signmethod=hmacsha1,timestamp={ts}|", user,
                hmac_hex(ds, content(pairs(user, pk, dn, ts))),
                "clientId signed differs from the client id before the first '|'"))
    return out


async def connect_all(port, fields):
    codes = []
    for cid, user, password, _ in fields:
        client = await Client.open(port)
        try:
            codes.append(await client.connect((cid, user, password)))
        finally:
            client.close()
    return codes


def main():
    work = tempfile.mkdtemp(prefix="broker-explain-")
    broker = None
    try:
        pk, dn, ds = "a1ExplainPk", "device1", secret()
        with open(os.path.join(work, "secrets.csv"), "w") as f:
            f.write(f"{pk},{dn},{ds}\n")
        port = free_port()
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work,
                                 {"secrets_file": os.path.join(work, "secrets.csv")}, tcp=port)
        other = secret()
        fields = cases(pk, dn, ds, other)
        codes = asyncio.run(connect_all(port, fields))
        check(codes == [NOT_AUTHORIZED] * len(fields), f"every wrong CONNECT is refused: {codes}")
        stop(broker)
        broker = None
        log = read(os.path.join(work, "mosquitto.log"))
        for cid, _, _, why in fields:
            name = cid.split("|")[0]
            lines = [line for line in log.splitlines()
                     if re.search(rf'refused client_id="{re.escape(name)}\|', line)]
            good = len(lines) == 1 and f": {why} (ALIYUN_MQTT_ERR_" in lines[0]
            check(good, f"{name}: the log line says \"{why}\", then the status"
                  + ("" if good else f" (got {lines})"))
        check(ds not in log and other not in log and all(f[2] not in log for f in fields),
              "the log holds neither secret nor a password")
    finally:
        stop(broker)
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
