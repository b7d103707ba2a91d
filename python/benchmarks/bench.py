"""sign and verify of the installed package against the same work in pure
Python (string building and hmac, as the vendor's aliyun-iot-linkkit SDK
signs), interleaved in one process: each round times a batch of one, then a
batch of the other, and the medians per call are reported.

    python3 python/benchmarks/bench.py [--rounds 30] [--batch 5000]

Rows: the same device signed repeatedly; a different device each call
(the package's per-thread strings of the last device do not help, only
the host suffix of the region); verify. The pure-Python side builds the same fields: client id with securemode,
signmethod and timestamp, user name, hmacsha256 password and host; its
verifier splits the client id, rebuilds the signed content and compares
the MAC with hmac.compare_digest."""
import argparse
import hashlib
import hmac
import platform
import statistics
import time

import aliyun_mqtt_sign as ams

PK, DN, DS = "a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"
TS = 1539421321846


def pure_sign(pk, dn, ds, ts, region="cn-shanghai"):
    client_id = pk + "." + dn
    ts = str(ts)
    mqtt_client_id = "%s|securemode=2,signmethod=hmacsha256,timestamp=%s|" % (client_id, ts)
    username = dn + "&" + pk
    content = "clientId%sdeviceName%sproductKey%stimestamp%s" % (client_id, dn, pk, ts)
    password = hmac.new(ds.encode("utf-8"), content.encode("utf-8"), hashlib.sha256).hexdigest()
    host = "%s.iot-as-mqtt.%s.aliyuncs.com" % (pk, region)
    return mqtt_client_id, username, password, host, 1883


_DIGESTS = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}


def pure_verify(mqtt_client_id, username, password, ds):
    client_id, params, _ = mqtt_client_id.split("|")
    fields = dict(kv.split("=", 1) for kv in params.split(","))
    dn, pk = username.split("&")
    content = "clientId%sdeviceName%sproductKey%s" % (client_id, dn, pk)
    if "timestamp" in fields:
        content += "timestamp" + fields["timestamp"]
    mac = hmac.new(ds.encode("utf-8"), content.encode("utf-8"),
                   _DIGESTS[fields.get("signmethod", "hmacmd5")]).hexdigest()
    if not hmac.compare_digest(mac, password):
        raise ValueError("signature mismatch")
    return pk, dn, client_id


def batch(fn, n):
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def compare(name, ours, pure, rounds, n):
    a, b = [], []
    for _ in range(rounds):
        a.append(batch(ours, n))
        b.append(batch(pure, n))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"| `{name}` | {ma * 1e6:.2f} µs | {mb * 1e6:.2f} µs | {ma / mb:.2f}x |")
    return ma / mb


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--batch", type=int, default=5000)
    args = ap.parse_args()

    c = ams.sign(PK, DN, DS, timestamp_ms=TS)
    p = pure_sign(PK, DN, DS, TS)
    assert (c.client_id, c.username, c.password, c.host, c.port) == p
    assert pure_verify(c.client_id, c.username, c.password, DS)

    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()},"
          f" aliyun_mqtt_sign {ams.version()}, {args.rounds} rounds x {args.batch} calls")
    print("| operation | this package | pure Python | ratio |")
    print("|---|---|---|---|")
    compare("sign", lambda: ams.sign(PK, DN, DS, timestamp_ms=TS),
            lambda: pure_sign(PK, DN, DS, TS), args.rounds, args.batch)
    # A different device each call: nothing the package keeps per thread
    # (the last device's strings and options) is reused.
    devices = [(f"a1{i:09d}", f"device-{i:06d}", f"{i:032x}") for i in range(args.batch)]
    it_ours, it_pure = iter(()), iter(())

    def ours_new():
        nonlocal it_ours
        try:
            pk, dn, ds = next(it_ours)
        except StopIteration:
            it_ours = iter(devices)
            pk, dn, ds = next(it_ours)
        return ams.sign(pk, dn, ds, timestamp_ms=TS)

    def pure_new():
        nonlocal it_pure
        try:
            pk, dn, ds = next(it_pure)
        except StopIteration:
            it_pure = iter(devices)
            pk, dn, ds = next(it_pure)
        return pure_sign(pk, dn, ds, TS)

    compare("sign, a new device each call", ours_new, pure_new, args.rounds, args.batch)
    compare("verify", lambda: ams.verify(c.client_id, c.username, c.password, DS),
            lambda: pure_verify(c.client_id, c.username, c.password, DS), args.rounds, args.batch)


if __name__ == "__main__":
    main()
