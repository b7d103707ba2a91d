"""The Python package over the C ABI: golden vectors, property tests against
Python's own hmac/hashlib, statuses, threads."""
import hashlib
import hmac
import string
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aliyun_mqtt_sign as ams

GOLDEN2 = ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq")


def test_golden_vectors():
    c = ams.sign("pk", "device", "secret", client_id="12345", timestamp_ms=789, sign_method="hmacsha1")
    assert c.password == "fafd82a3d602b37fb0fa8b7892f24a477f851a14"
    c = ams.sign(*GOLDEN2, client_id="SN1928339", timestamp_ms=1539421321846,
                 sign_method="hmacsha1", secure_mode="tcp")
    assert c == ams.Credentials(
        "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|",
        "light1983432&a14Xib5kdYd", "b2488041f64f425016b467ee1c94959ebd592ad1",
        "a14Xib5kdYd.iot-as-mqtt.cn-shanghai.aliyuncs.com", 1883)
    with pytest.raises(AttributeError):
        c.password = "x"  # frozen


def expected(method, ds, content):
    if method == "sha256":
        return hashlib.sha256((content + ds).encode()).hexdigest()
    algo = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}[method]
    return hmac.new(ds.encode(), content.encode(), algo).hexdigest()


ALNUM = string.ascii_letters + string.digits
product_keys = st.text(ALNUM, min_size=1, max_size=20)
device_names = st.text(ALNUM + "-_@.:", min_size=4, max_size=32)
secrets = st.text(string.ascii_letters + string.digits + string.punctuation, min_size=1, max_size=64)
client_ids = st.none() | st.text(
    "".join(c for c in string.ascii_letters + string.digits + string.punctuation if c not in "|,="),
    min_size=1, max_size=64)
timestamps = st.none() | st.integers(1, 2**64 - 1)
methods = st.sampled_from(["hmacmd5", "hmacsha1", "hmacsha256", "sha256"])


@settings(max_examples=400, deadline=None)
@given(product_keys, device_names, secrets, client_ids, timestamps, methods, st.booleans(),
       st.sampled_from(["tls", "tcp"]))
def test_sign_matches_python_hmac(pk, dn, ds, cid, ts, method, upper, mode):
    c = ams.sign(pk, dn, ds, client_id=cid, timestamp_ms=ts, sign_method=method,
                 secure_mode=mode, uppercase=upper)
    real_cid = cid or f"{pk}.{dn}"
    content = f"clientId{real_cid}deviceName{dn}productKey{pk}" + (f"timestamp{ts}" if ts else "")
    want = expected(method, ds, content)
    assert c.password == (want.upper() if upper else want)
    params = f"securemode={2 if mode == 'tls' else 3},signmethod={method}" + (f",timestamp={ts}" if ts else "")
    assert c.client_id == f"{real_cid}|{params}|"
    assert c.username == f"{dn}&{pk}"
    ident = ams.verify(c.client_id, c.username, c.password, ds)
    assert (ident.product_key, ident.device_name, ident.sign_method, ident.timestamp_ms) == (pk, dn, method, ts)


@pytest.mark.parametrize("kwargs,status", [
    (dict(product_key="p k"), "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (dict(product_key="p" * 21), "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (dict(product_key="pk\0x"), "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (dict(device_name="dev"), "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (dict(device_name="dev&ice"), "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (dict(device_name="devicé"), "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (dict(device_secret=""), "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"),
    (dict(device_secret="s" * 65), "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"),
    (dict(client_id="a|b"), "ALIYUN_MQTT_ERR_INVALID_CLIENT_ID"),
    (dict(client_id="c" * 65), "ALIYUN_MQTT_ERR_INVALID_CLIENT_ID"),
    (dict(sign_method="hmacsha512"), "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"),
    (dict(secure_mode="ssl"), "ALIYUN_MQTT_ERR_INVALID_SECURE_MODE"),
    (dict(extra_params="timestamp=1"), "ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS"),
    (dict(region_id="CN"), "ALIYUN_MQTT_ERR_INVALID_REGION"),
    (dict(timestamp_ms=0), "ALIYUN_MQTT_ERR_INVALID_TIMESTAMP"),
    (dict(timestamp_ms=2**64), "ALIYUN_MQTT_ERR_INVALID_TIMESTAMP"),
])
def test_invalid_inputs_raise_with_status(kwargs, status):
    args = dict(product_key="pk", device_name="device", device_secret="secret")
    args.update(kwargs)
    pk, dn, ds = args.pop("product_key"), args.pop("device_name"), args.pop("device_secret")
    with pytest.raises(ams.AliyunMqttError) as err:
        ams.sign(pk, dn, ds, **args)
    assert err.value.status == status
    assert err.value.message and err.value.code > 0


def test_verify_failures_and_helpers():
    c = ams.sign(*GOLDEN2, timestamp_ms=5)
    with pytest.raises(ams.AliyunMqttError) as err:
        ams.verify(c.client_id, c.username, c.password, "wrong")
    assert err.value.status == "ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH"
    with pytest.raises(ams.AliyunMqttError) as err:
        ams.identify("no-bars", c.username)
    assert err.value.status == "ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID"
    assert ams.identify(c.client_id, c.username).timestamp_ms == 5
    assert ams.host("pk", "ap-southeast-1") == "pk.iot-as-mqtt.ap-southeast-1.aliyuncs.com"
    assert ams.keepalive_ok(30) and ams.keepalive_ok(1200)
    assert not ams.keepalive_ok(29) and not ams.keepalive_ok(1201) and not ams.keepalive_ok(-1)
    assert ams.version().count(".") == 2
    with pytest.raises(TypeError):
        ams.sign(b"pk", "device", "secret")


def test_eight_threads_sign_concurrently():
    errors = []

    def worker(t):
        for i in range(2000):
            pk, dn, ds = f"pk{t}", f"device{i:05d}", f"secret-{t}-{i}"
            c = ams.sign(pk, dn, ds, timestamp_ms=i + 1)
            content = f"clientId{pk}.{dn}deviceName{dn}productKey{pk}timestamp{i + 1}"
            if c.password != expected("hmacsha256", ds, content):
                errors.append((t, i))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


def test_the_host_of_a_new_device_is_the_librarys():
    """sign writes the host from the product key the library accepted and
    the region's suffix the library wrote once: for every product key and
    region it equals `host` and the documented form, and a bad region
    raises the region's status for a new device too."""
    import aliyun_mqtt_sign as a
    for i, region in enumerate(["cn-shanghai", "ap-southeast-1", "us-west-1", "cn-shanghai"]):
        for pk in (f"a1{i}x{n:05d}" for n in range(50)):
            c = a.sign(pk, f"dev-{pk}", "S", region_id=region)
            assert c.host == a.host(pk, region) == f"{pk}.iot-as-mqtt.{region}.aliyuncs.com"
    for bad in ("", "CN", "-cn", "cn_1", "a" * 33):
        with pytest.raises(a.AliyunMqttError) as e:
            a.sign("a1newpk0001", "dev-0001", "S", region_id=bad)
        assert e.value.status == "ALIYUN_MQTT_ERR_INVALID_REGION"


def test_what_sign_keeps_per_thread_never_leaks_into_the_next_call():
    """The strings, timestamp and options kept from the last call: each
    call's password is still the hmac of its own fields."""
    def want(pk, dn, ds, ts, method=hashlib.sha256):
        content = f"clientId{pk}.{dn}deviceName{dn}productKey{pk}" + \
            (f"timestamp{ts}" if ts is not None else "")
        return hmac.new(ds.encode(), content.encode(), method).hexdigest()
    calls = [("a1pk0000001", "dev-0001", "S1", None), ("a1pk0000001", "dev-0001", "S1", 42),
             ("a1pk0000001", "dev-0001", "S1", 42), ("a1pk0000001", "dev-0001", "S2", 42),
             ("a1pk0000001", "dev-0001", "S2", None), ("a1pk0000002", "dev-0001", "S2", 7)]
    for pk, dn, ds, ts in calls:
        assert ams.sign(pk, dn, ds, timestamp_ms=ts).password == want(pk, dn, ds, ts)
    assert ams.sign("a1pk0000002", "dev-0001", "S2", timestamp_ms=7,
                    sign_method="hmacsha1").password == want("a1pk0000002", "dev-0001", "S2", 7,
                                                             hashlib.sha1)
    with pytest.raises(TypeError):
        ams.sign("a1pk0000002", "dev-0001", "S2", timestamp_ms=7, uppercase=1)
    assert ams.sign("a1pk0000002", "dev-0001", "S2", timestamp_ms=7).password == \
        want("a1pk0000002", "dev-0001", "S2", 7)
