"""Topic isolation by the aliyun_mqtt_auth plugin, against a real Mosquitto
on 127.0.0.1 only (free port; everything made here and removed after).

Usage: broker_acl_test.py MOSQUITTO PLUGIN PAHO_CONNECT LIBALIYUN_MQTT_SIGN_SO

Devices A and B share a product, C has another, and S has the ProductKey
"sys". Each subscribes to its own topics and publishes on them, so every
message a test expects to be withheld is first shown to reach its owner.

- A's filters #, /+/+/user/#, B's exact topic, /pkA/+/user/up, /sys/#,
  /ext/#, /broadcast/#, $SYS/#, $share/g/# and /shadow/+/pkA/devA/# are
  refused (SUBACK 0x80); A's own filters of every family are granted;
- B and C publish on their own topics (they receive them) and A, holding
  all its granted filters, receives none of them but all of its own;
- A publishes on B's topic, on /broadcast/pkA/... and on C's system topic:
  B and C, subscribed there, receive nothing;
- S (ProductKey sys) may not use /sys/pkB/... as custom topics;
- a registration session (register, regnwl) receives its reply, may
  neither subscribe nor publish, and the broker closes it within 3 s;
- a connwl device (after regnwl) and an iotId whose tokens line names A
  get their own device's topics only; an iotId naming no device gets none;
- the will of a refused CONNECT on A's own topic does not reach A, nor
  does the will of an accepted client of A that drops its connection: the
  session is gone when Mosquitto checks the will.
"""
import asyncio
import json
import os
import shutil
import sys
import tempfile

from broker_test import MOSQUITTO, PLUGIN, ams, creds, regnwl_creds, secret  # the same command line
from loopback import Client, check, free_port, read, start_mosquitto, stop, summary

SUBACK_REFUSED = 0x80
# Time to wait for a message that must not come; the ones that must come
# arrive within milliseconds on loopback.
QUIET = 1.5


def register_creds(pk, dn, product_secret, random_string):
    """The authType=register CONNECT fields, from the library."""
    c = ams.register_sign(pk, dn, product_secret, random_string, auth_type="register")
    return c.client_id, c.username, c.password


async def device(port, triple):
    client = await Client.open(port)
    rc = await client.connect(creds(*triple))
    if rc != 0:
        raise RuntimeError(f"{triple[:2]} refused: {rc}")
    return client


async def received(client, timeout=QUIET):
    """Every (topic, payload) that arrives until `timeout` passes without one."""
    got = []
    while True:
        msg = await client.next_publish(timeout)
        if msg is None:
            return got
        got.append(msg)


async def isolation(port, a, b, c, s):
    pka, dna = a[:2]
    pkb, dnb = b[:2]
    pkc, dnc = c[:2]
    ca, cb, cc, cs = [await device(port, t) for t in (a, b, c, s)]
    try:
        foreign = ["#", "/+/+/user/#", f"/{pkb}/{dnb}/user/get", f"/{pka}/+/user/up",
                   "/sys/#", f"/sys/{pka}/+/thing/#", "/ext/#", f"/ext/ntp/{pkb}/#",
                   "/broadcast/#", "$SYS/#", "$share/g/#", f"/shadow/+/{pka}/{dna}/#",
                   f"/shadow/get/{pka}/+", "+/#", f"/{pka}/#", "/+/#"]
        codes = await ca.subscribe(*foreign)
        for topic, code in zip(foreign, codes or [None] * len(foreign)):
            check(code == SUBACK_REFUSED, f"A subscribing to {topic!r} refused ({code})")
        own = [f"/{pka}/{dna}/#", f"/sys/{pka}/{dna}/thing/#", f"/ext/+/{pka}/{dna}/#",
               f"/shadow/+/{pka}/{dna}", f"/broadcast/{pka}/#", f"/{pka}/{dna}/user/get",
               f"/{pka}/{dna}"]
        codes = await ca.subscribe(*own)
        check(codes == [1] * len(own), f"A's own filters granted at QoS 1 ({codes})")

        # B and C subscribe to their own topics and to what A will try.
        check(await cb.subscribe(f"/{pkb}/{dnb}/#", f"/broadcast/{pkb}/#") == [1, 1],
              "B's own filters granted")
        check(await cc.subscribe(f"/sys/{pkc}/{dnc}/#") == [1], "C's own filter granted")

        # Foreign traffic, each message received by its owner.
        for client, topic in ((cb, f"/{pkb}/{dnb}/user/update"), (cb, f"/{pkb}/{dnb}"),
                              (cc, f"/sys/{pkc}/{dnc}/thing/event/property/post")):
            await client.publish(topic, f"secret of {topic}")
            got = await client.next_publish(5)
            check(got == (topic, f"secret of {topic}".encode()),
                  f"its owner receives {topic} ({got})")

        # A's own traffic on each family it may publish on.
        mine = [f"/{pka}/{dna}/user/update", f"/{pka}/{dna}", f"/sys/{pka}/{dna}/thing/event/x",
                f"/ext/ntp/{pka}/{dna}/request", f"/shadow/update/{pka}/{dna}"]
        for topic in mine:
            check(await ca.publish(topic, "mine"), f"A publishes on {topic} (acknowledged)")
        got = await received(ca)
        check({t for t, _ in got} == set(mine) and all(p == b"mine" for _, p in got),
              f"A receives its own messages and nothing foreign ({[t for t, _ in got]})")

        # A publishes where it may not: acknowledged, never delivered.
        for topic in (f"/{pkb}/{dnb}/user/get", f"/broadcast/{pkb}/all",
                      f"/broadcast/{pka}/all", f"/sys/{pkc}/{dnc}/thing/service/set"):
            await ca.publish(topic, "forged")
        got_b, got_c, got_a = await asyncio.gather(received(cb), received(cc), received(ca))
        check(got_b == [] and got_c == [] and got_a == [],
              f"A's forged publishes reach nobody ({got_b}, {got_c}, {got_a})")

        # ProductKey "sys": /sys/x/y/... are another device's system topics.
        spk, sdn = s[:2]
        codes = await cs.subscribe(f"/{spk}/{sdn}/#", f"/{spk}/{pkb}/{dnb}/#", f"/{spk}/+/#")
        check(codes == [SUBACK_REFUSED] * 3, f"ProductKey sys: custom topic filters refused ({codes})")
        await cs.publish(f"/sys/{pkb}/{dnb}/thing/x", "forged")
        check(await received(cb) == [], "ProductKey sys: its publish on /sys/pkB/devB/... is dropped")
        check(await cs.subscribe(f"/sys/{spk}/{sdn}/#") == [1], "ProductKey sys: its own /sys/ topics granted")
    finally:
        for client in (ca, cb, cc, cs):
            await client.disconnect()


async def registration(port, fields, reply_topic, pk, b):
    """A registration session: its reply, no subscription, no publish, closed."""
    watcher = await device(port, b)
    client = await Client.open(port)
    try:
        check(await watcher.subscribe(f"/{b[0]}/{b[1]}/#") == [1], "a watcher device subscribed")
        check(await client.connect(fields) == 0, f"{reply_topic}: CONNECT accepted")
        got = await client.next_publish(5)
        reply = json.loads(got[1]) if got and got[0] == reply_topic else {}
        check(reply.get("productKey") == pk, f"{reply_topic}: the reply arrives ({got and got[0]})")
        codes = await client.subscribe("#", reply_topic)
        # Once the broker has closed the session there is no SUBACK at all.
        check(codes in (None, [SUBACK_REFUSED] * 2), f"{reply_topic}: subscriptions refused ({codes})")
        if codes is not None:
            try:
                await client.publish(f"/{b[0]}/{b[1]}/user/get", "forged")
            except ConnectionError:
                pass  # closed in the meantime
        check(await received(watcher) == [], f"{reply_topic}: its publish reaches nobody")
        check(await client.closed_by_broker(3), f"{reply_topic}: the broker closes the session")
        return reply
    finally:
        client.close()
        await watcher.disconnect()


async def other_ways_in(port, nwl_reply, a, iot_named, iot_bare):
    """The topics of a connwl device and of iotIds, with and without a device."""
    pka, dna = a[:2]
    cases = [
        ("connwl", (f"{nwl_reply.get('clientId')}|securemode=-2,authType=connwl|",
                    f"{nwl_reply.get('deviceName')}&{nwl_reply.get('productKey')}",
                    nwl_reply.get("deviceToken", "")),
         f"/{nwl_reply.get('productKey')}/{nwl_reply.get('deviceName')}/#"),
        ("iotId naming A", ("iot-named", *iot_named), f"/{pka}/{dna}/#"),
        ("iotId naming no device", ("iot-bare", *iot_bare), None),
    ]
    for what, fields, own in cases:
        client = await Client.open(port)
        try:
            check(await client.connect(fields) == 0, f"{what}: connected")
            foreign = ["#", f"/{pka}/devB/#"] + ([] if own and own.startswith(f"/{pka}/{dna}/")
                                                 else [f"/{pka}/{dna}/#"])
            codes = await client.subscribe(*foreign)
            check(codes == [SUBACK_REFUSED] * len(foreign), f"{what}: foreign filters refused ({codes})")
            if own:
                check(await client.subscribe(own) == [1], f"{what}: its own {own} granted")
                topic = own[:-1] + "user/x"
                await client.publish(topic, "own")
                got = await client.next_publish(5)
                check(got == (topic, b"own"), f"{what}: receives its own message ({got})")
            else:
                codes = await client.subscribe(f"/{pka}/{dna}/#", "/iot-bare/#")
                check(codes == [SUBACK_REFUSED] * 2, f"{what}: may subscribe to nothing ({codes})")
            await client.disconnect()
        finally:
            client.close()


async def wills(port, a, wrong):
    """A CONNECT refused for its password, whose will names A's own topic."""
    ca = await device(port, a)
    try:
        topic = f"/{a[0]}/{a[1]}/user/will"
        check(await ca.subscribe(topic) == [1], "A subscribed to its will topic")
        intruder = await Client.open(port)
        rc = await intruder.connect(wrong, will=(topic, "forged will"))
        check(rc == 5, f"a CONNECT with a wrong password and a will refused ({rc})")
        intruder.close()
        check(await received(ca, 2) == [], "the refused CONNECT's will does not reach A")
        # Its own client id, so that A is not taken over.
        leaver = await Client.open(port)
        rc = await leaver.connect(creds(*a, client_id="leaver"), will=(topic, "own will"))
        check(rc == 0, "A's triple connects again with a will on A's own topic")
        leaver.close()  # no DISCONNECT packet: the will is due
        check(await received(ca, 2) == [],
              "that will is not delivered either (the platform has no wills)")
    finally:
        await ca.disconnect()


def main():
    work = tempfile.mkdtemp(prefix="aliyun-broker-acl-")
    broker = None
    try:
        a = ("pkA01", "devA", secret())
        b = ("pkA01", "devB", secret())
        c = ("pkC01", "devC", secret())
        s = ("sys", "s-device", secret())
        reg = ("pkA01", "devR", secret())
        product_secret = secret()
        secrets_path = os.path.join(work, "secrets.csv")
        with open(secrets_path, "w") as f:
            f.write("".join(",".join(d) + "\n" for d in (a, b, c, s, reg)))
        products_path = os.path.join(work, "products.csv")
        with open(products_path, "w") as f:
            f.write(f"pkA01,{product_secret}\n")
        iot_named, iot_bare = ("iotIdNamed01", secret()), ("iotIdBare01", secret())
        tokens_path = os.path.join(work, "tokens.csv")
        with open(tokens_path, "w") as f:
            f.write(f"{iot_named[0]},{iot_named[1]},{a[0]},{a[1]}\n{iot_bare[0]},{iot_bare[1]}\n")
        port = free_port()
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work, {"secrets_file": secrets_path,
                                                           "products_file": products_path,
                                                           "tokens_file": tokens_path}, port)
        asyncio.run(isolation(port, a, b, c, s))
        asyncio.run(registration(port, register_creds("pkA01", "devR", product_secret, "r1"),
                                 "/ext/register", "pkA01", b))
        reply = asyncio.run(registration(port, regnwl_creds("pkA01", "devN", product_secret, "r2"),
                                         "/ext/regnwl", "pkA01", b))
        asyncio.run(other_ways_in(port, reply or {}, a, iot_named, iot_bare))
        asyncio.run(wills(port, a, creds(a[0], a[1], "wrong" + a[2])))
        check(broker.poll() is None, "the broker is still running")
    finally:
        stop(broker)
        log = read(os.path.join(work, "mosquitto.log"))
        shutil.rmtree(work, ignore_errors=True)
    check('may not subscribe "#"' in log and "may not publish" in log,
          "refused subscriptions and publishes are logged")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
