"""16 threads x 10 000 signs: the per-thread structures sign reuses never
mix threads' devices. Each thread alternates between two devices of its
own (so its arena is rewritten every call), changes method and timestamp,
and checks every password against hmac and every tenth with verify."""
import hashlib
import hmac
import threading

import aliyun_mqtt_sign as ams

THREADS, SIGNS = 16, 10_000
METHODS = [("hmacsha256", hashlib.sha256), ("hmacsha1", hashlib.sha1), ("hmacmd5", hashlib.md5)]


def test_16_threads_x_10000_signs():
    errors, counts = [], [0] * THREADS
    start = threading.Barrier(THREADS)

    def work(n):
        devices = [(f"a1pk{n:02d}{k}", f"device-{n:02d}-{k}", f"secret-{n}-{k}" * (k + 1))
                   for k in range(2)]
        start.wait()
        try:
            for i in range(SIGNS):
                pk, dn, ds = devices[i % 2]
                name, digest = METHODS[i % 3]
                ts = 1_700_000_000_000 + i
                c = ams.sign(pk, dn, ds, timestamp_ms=ts, sign_method=name)
                content = f"clientId{pk}.{dn}deviceName{dn}productKey{pk}timestamp{ts}"
                assert c.password == hmac.new(ds.encode(), content.encode(), digest).hexdigest()
                assert c.client_id == f"{pk}.{dn}|securemode=2,signmethod={name},timestamp={ts}|"
                assert (c.username, c.host) == (f"{dn}&{pk}", f"{pk}.iot-as-mqtt.cn-shanghai.aliyuncs.com")
                if i % 10 == 0:
                    ident = ams.verify(c.client_id, c.username, c.password, ds)
                    assert (ident.product_key, ident.device_name, ident.timestamp_ms) == (pk, dn, ts)
                counts[n] += 1
        except Exception as e:  # reported by the main thread
            errors.append((n, repr(e)))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert counts == [SIGNS] * THREADS
