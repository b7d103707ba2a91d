"""A gateway and its sub-devices through a real Mosquitto with the
aliyun_mqtt_auth plugin, on 127.0.0.1 only (free port; everything made
here and removed after).

Usage: gateway_e2e_test.py MOSQUITTO PLUGIN PAHO_CONNECT LIBALIYUN_MQTT_SIGN_SO GATEWAY [VALGRIND]

- c_examples/gateway.c (Paho + the library) connects with the no-clock
  timestamp, sets its time over /ext/ntp, logs in three sub-devices (one
  alone, two in a batch), gets code 200 naming them, is refused code 6287
  for a sub-device signed with a secret that is not its own, publishes for
  each sub-device and gets the message back, logs them out (200), and
  signs its next CONNECT with the time the broker gave;
- a gateway driven packet by packet, its signs made here with Python's
  hmac: another device cannot subscribe to a sub-device's topics; the
  gateway may use a sub-device's topics only while it is logged in (not
  before, not after logout, not after the gateway reconnects) and never
  another sub-device's; an unknown sub-device gets 6100, a malformed
  payload 460, the gateway itself 6401, a batch over 50 entries 460, one
  more sub-device than plugin_opt_max_subdevices 428; an NTP request is
  answered with deviceSendTime echoed and the broker's clock;
- the broker log names each refusal with its code and holds no secret;
- with VALGRIND, the broker runs under memcheck and valgrind reports no
  error and no lost memory in the plugin.
"""
import asyncio
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from broker_test import MOSQUITTO, PLUGIN, creds, secret  # the same command line
from loopback import Client, check, free_port, read, start_mosquitto, stop, summary

GATEWAY = sys.argv[5]
VALGRIND = sys.argv[6] if len(sys.argv) > 6 else None
NO_CLOCK = 2524608000000
QUIET = 1.0  # seconds to wait for a message that must not come
MAX_SUBDEVICES = 3


def sub_sign(pk, dn, ds, cid, ts, digest=hashlib.sha256):
    content = f"clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}"
    return hmac.new(ds.encode(), content.encode(), digest).hexdigest()


def login_entry(triple, ts=None, secret_used=None, cid=None):
    pk, dn, ds = triple
    ts = str(ts or int(time.time() * 1000))
    cid = cid or f"{pk}.{dn}"
    return {"productKey": pk, "deviceName": dn, "clientId": cid, "timestamp": ts,
            "signMethod": "hmacSha256", "sign": sub_sign(pk, dn, secret_used or ds, cid, ts),
            "cleanSession": "true"}


def run_example(port, gw, subs, wrong, t0):
    arg = ",".join
    proc = subprocess.run([GATEWAY, "127.0.0.1", str(port), arg(gw), *map(arg, subs), arg(wrong)],
                          capture_output=True, text=True, timeout=60)
    t1 = int(time.time() * 1000)
    out = proc.stdout
    print(out, proc.stderr, sep="", end="", flush=True)
    check(proc.returncode == 0, "gateway example exits 0")
    ids = re.findall(r"^connected client_id=(\S+)$", out, re.M)
    stamps = [int(m.group(1)) for cid in ids for m in [re.search(r"timestamp=(\d+)", cid)] if m]
    check(len(stamps) == 2 and stamps[0] == NO_CLOCK,
          "the first CONNECT is signed with the no-clock timestamp")
    ntp = re.search(r"^ntp epoch_ms=(\d+) ", out, re.M)
    check(ntp is not None and t0 <= int(ntp.group(1)) <= t1,
          "the time from /ext/ntp is the broker's clock")
    check(len(stamps) == 2 and t0 <= stamps[1] <= t1,
          "the next CONNECT is signed with the time from /ext/ntp, and accepted")
    (p1, d1, _), (p2, d2, _), (p3, d3, _) = subs
    check(f'login code=200 message="success" {p1}/{d1}\n' in out, "login: 200 naming the sub-device")
    check(f'batch_login code=200 message="success" {p2}/{d2} {p3}/{d3}\n' in out,
          "batch login: 200 naming both sub-devices")
    check(f'login (wrong secret) code=6287 message="invalid sign" {wrong[0]}/{wrong[1]}\n' in out,
          "a wrong sub-device secret: 6287 invalid sign")
    check(all(f"published for {p}/{d} on /sys/{p}/{d}/thing/event/property/post\n" in out
              for p, d, _ in subs), "the gateway publishes for each sub-device and gets it back")
    check(f'logout code=200 message="success" {p1}/{d1}\n' in out
          and f'batch_logout code=200 message="success" {p2}/{d2} {p3}/{d3}\n' in out,
          "logout and batch logout: 200")
    check("reconnected\n" in out, "the gateway reconnects")


async def received(client, timeout=QUIET):
    got = []
    while True:
        msg = await client.next_publish(timeout)
        if msg is None:
            return got
        got.append(msg)


async def reply(client, topic, payload):
    """Publishes payload (a dict or bytes) on topic; the parsed reply on topic_reply."""
    await client.publish(topic, payload if isinstance(payload, bytes) else json.dumps(payload))
    while True:
        msg = await client.next_publish(5)
        if msg is None:
            return None
        if msg[0] == topic + "_reply":
            return json.loads(msg[1])


async def device(port, triple):
    client = await Client.open(port)
    rc = await client.connect(creds(*triple))
    if rc != 0:
        raise RuntimeError(f"{triple[:2]} refused: {rc}")
    return client


async def isolation(port, gw, subs, other, unknown, log):
    (gpk, gdn, _), s1, s2 = gw, subs[0], subs[1]
    session = f"/ext/session/{gpk}/{gdn}/combine"
    s1_topic = f"/sys/{s1[0]}/{s1[1]}/thing/event/property/post"
    s2_topic = f"/sys/{s2[0]}/{s2[1]}/thing/event/property/post"
    g, o = await device(port, gw), await device(port, other)
    try:
        check(await g.subscribe(f"{session}/+") == [1], "the gateway subscribes to its replies")
        check(await g.subscribe(s1_topic) == [0x80], "before login the gateway may not subscribe "
              "to a sub-device's topic")
        r = await reply(g, f"{session}/login", {"id": "7", "params": login_entry(s1)})
        check(r is not None and r["id"] == "7" and r["code"] == 200 and r["message"] == "success"
              and r["data"] == {"productKey": s1[0], "deviceName": s1[1]},
              "login: the reply echoes the id, 200, names the sub-device")
        check(await g.subscribe(s1_topic, f"/{s1[0]}/{s1[1]}/user/#") == [1, 1],
              "a logged-in sub-device's topics are the gateway's")
        check(await o.subscribe(s1_topic, f"/{s1[0]}/{s1[1]}/user/#", f"/sys/{s1[0]}/+/thing/#")
              == [0x80] * 3, "another device may not subscribe to a sub-device's topics")
        check(await g.subscribe(s2_topic) == [0x80], "nor the gateway to one it did not log in")
        await g.publish(s1_topic, "for s1")
        check(await received(g) == [(s1_topic, b"for s1")],
              "the gateway publishes on its sub-device's topic")
        denied = read(log).count("denied:")
        await g.publish(s2_topic, "for s2")
        check(await received(g) == [] and read(log).count("denied:") == denied + 1,
              "a publish on another sub-device's topic is denied")

        # NTP, the gateway's own and its sub-device's.
        t0 = int(time.time() * 1000)
        for pk, dn in ((gpk, gdn), s1[:2]):
            await g.subscribe(f"/ext/ntp/{pk}/{dn}/response")
            await g.publish(f"/ext/ntp/{pk}/{dn}/request", '{"deviceSendTime":"123"}')
            got = [m for m in await received(g) if m[0].startswith("/ext/ntp/")]
            t1 = int(time.time() * 1000)
            body = json.loads(got[0][1]) if len(got) == 1 else {}
            check(len(got) == 1 and got[0][0] == f"/ext/ntp/{pk}/{dn}/response"
                  and body.get("deviceSendTime") == "123"
                  and t0 <= int(body["serverRecvTime"]) <= int(body["serverSendTime"]) <= t1,
                  f"NTP of {pk}/{dn}: deviceSendTime echoed, the broker's receive and send times")

        # Refusals, each with its code.
        cases = [
            ("unknown sub-device", {"id": "8", "params": login_entry(unknown)}, 6100),
            ("wrong sign", {"id": "9", "params": login_entry(s2, secret_used=secret())}, 6287),
            ("the gateway itself", {"id": "10", "params": login_entry(gw)}, 6401),
            ("no sign", {"id": "11", "params": {k: v for k, v in login_entry(s2).items()
                                                if k != "sign"}}, 460),
            ("timestamp with a leading zero", {"id": "12", "params": login_entry(s2, ts="0123")},
             460),
        ]
        for what, payload, code in cases:
            r = await reply(g, f"{session}/login", payload)
            check(r is not None and r["code"] == code and r["id"] == payload["id"],
                  f"login, {what}: code {code}")
        r = await reply(g, f"{session}/login", b'{"id":"13","params":{')
        check(r is not None and r["code"] == 460 and r["id"] == "0", "malformed JSON: 460")
        big = {"id": "14", "version": "1.0", "params": {"signMethod": "hmacSha256",
                                                        "deviceList": [login_entry(s2)] * 51}}
        r = await reply(g, f"{session}/batch_login", big)
        check(r is not None and r["code"] == 460, "a batch of 51: 460")
        check(await g.subscribe(s2_topic) == [0x80], "no refused login gives rights")
        # Batch: one bad entry refuses the whole batch, naming it.
        batch = {"id": "15", "version": "1.0", "params": {
            "signMethod": "hmacsha256",
            "deviceList": [login_entry(s2), login_entry(subs[2], secret_used=secret())]}}
        r = await reply(g, f"{session}/batch_login", batch)
        check(r is not None and r["code"] == 6287
              and r["data"] == [{"productKey": subs[2][0], "deviceName": subs[2][1]}],
              "a batch with one wrong sign: 6287 naming it")
        check(await g.subscribe(s2_topic) == [0x80], "and none of the batch is logged in")
        # max_subdevices: s1 is in; s2, s3 make 3; the unknown-free fourth is refused.
        batch["params"]["deviceList"] = [login_entry(s2), login_entry(subs[2])]
        batch["id"] = "16"
        r = await reply(g, f"{session}/batch_login", batch)
        check(r is not None and r["code"] == 200 and len(r["data"]) == 2, "batch login: 200")
        r = await reply(g, f"{session}/login", {"id": "17", "params": login_entry(subs[3])})
        check(r is not None and r["code"] == 428,
              f"a sub-device over max_subdevices ({MAX_SUBDEVICES}): 428")

        # Logout ends the rights, even on a subscription made before.
        r = await reply(g, f"{session}/logout",
                        {"id": "18", "params": {"productKey": s1[0], "deviceName": s1[1]}})
        check(r is not None and r["code"] == 200, "logout: 200")
        check(await g.subscribe(s1_topic) == [0x80], "after logout the gateway may not subscribe")
        await g.publish(s1_topic, "after logout")
        check(await received(g) == [], "nor publish, nor receive on the old subscription")
        r = await reply(g, f"{session}/batch_logout",
                        {"id": "19", "version": "1.0",
                         "params": [{"productKey": unknown[0], "deviceName": unknown[1]}]})
        check(r is not None and r["code"] == 6100, "logout of an unknown device: 6100")
    finally:
        await g.disconnect()
        await o.disconnect()

    # The gateway's disconnect logs its sub-devices out.
    g = await device(port, gw)
    try:
        await g.subscribe(f"{session}/+")
        r = await reply(g, f"{session}/login", {"id": "20", "params": login_entry(s1)})
        check(r is not None and r["code"] == 200, "login again")
    finally:
        g.close()  # no DISCONNECT: the connection drops
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "sub-devices are logged out" not in read(log):
        await asyncio.sleep(0.05)
    g = await device(port, gw)
    try:
        check(await g.subscribe(s1_topic) == [0x80],
              "after the gateway's connection ends, its sub-devices are logged out")
    finally:
        await g.disconnect()


def main():
    work = tempfile.mkdtemp(prefix="gateway-e2e-")
    broker = None
    try:
        pk, other_pk = "a1GwTestPk1", "a1SubTestPk"
        gw = (pk, "gateway1", secret())
        subs = [(other_pk, f"sensor{i}", secret()) for i in range(1, 5)]
        wrong = (other_pk, "sensor9", secret())
        other = (pk, "bystander", secret())
        unknown = (other_pk, "nobody", secret())
        with open(os.path.join(work, "secrets.csv"), "w") as f:
            for t in (gw, *subs, other, (wrong[0], wrong[1], secret())):
                f.write(",".join(t) + "\n")
        port = free_port()
        vlog_path = os.path.join(work, "valgrind.log")
        wrapper = [VALGRIND, "--error-exitcode=97", "--leak-check=full",
                   "--errors-for-leak-kinds=none", "--show-leak-kinds=definite",
                   f"--log-file={vlog_path}"] if VALGRIND else []
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work,
                                 {"secrets_file": os.path.join(work, "secrets.csv"),
                                  "max_subdevices": MAX_SUBDEVICES}, tcp=port,
                                 wrapper=wrapper, seconds=60)
        log = os.path.join(work, "mosquitto.log")
        run_example(port, gw, subs[:3], wrong, int(time.time() * 1000))
        text = read(log)
        check(text.count("logged in") >= 3 and text.count("logged out") >= 3,
              "the log shows each sub-device logged in and out")
        check(f"login of {wrong[0]}/{wrong[1]} refused: 6287 invalid sign" in text,
              "the log names the refused login and its code")
        asyncio.run(isolation(port, gw, subs, other, unknown, log))
        text = read(log)
        for code in ("6100 device not found", "6401 topo relation not exist",
                     "460 request parameter error", "428 too many subdevices under gateway"):
            check(code in text, f"the log names refusal {code}")
        check(not any(t[2] in text for t in (gw, *subs, other, wrong)), "the log holds no secret")
        if VALGRIND:
            from broker_hostile_test import plugin_errors
            stop(broker)
            rc, broker = broker.returncode, None
            vlog = read(vlog_path)
            found = plugin_errors(vlog)
            check(rc == 0 and "ERROR SUMMARY: 0 errors" in vlog and found == [],
                  f"valgrind: no error and no lost memory in the plugin (rc={rc})"
                  + (":\n" + "\n".join(found[:3]) if found else ""))
    finally:
        stop(broker)
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
