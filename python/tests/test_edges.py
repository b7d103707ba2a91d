"""Values no C string or C integer can carry, and arguments of the wrong
type, for every function: AliyunMqttError with the field's status for a bad
value, TypeError for a wrong type. And the auth type of a verified CONNECT."""
import hashlib
import hmac

import pytest

import aliyun_mqtt_sign as ams

GOLDEN2 = ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq")
CID = "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|"
USER = "light1983432&a14Xib5kdYd"
PW = "b2488041f64f425016b467ee1c94959ebd592ad1"
SURROGATE = "\ud800"


def status(call):
    with pytest.raises(ams.AliyunMqttError) as err:
        call()
    return err.value.status


def sign(**kwargs):
    args = dict(product_key=GOLDEN2[0], device_name=GOLDEN2[1], device_secret=GOLDEN2[2])
    args.update(kwargs)
    return ams.sign(args.pop("product_key"), args.pop("device_name"), args.pop("device_secret"),
                    **args)


def verify(**kwargs):
    args = dict(mqtt_client_id=CID, username=USER, password=PW, device_secret=GOLDEN2[2])
    args.update(kwargs)
    return ams.verify(**args)


# Every string parameter of every function, with the status of its field.
STRINGS = [
    (lambda v: sign(product_key=v), "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (lambda v: sign(device_name=v), "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (lambda v: sign(device_secret=v), "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"),
    (lambda v: sign(client_id=v), "ALIYUN_MQTT_ERR_INVALID_CLIENT_ID"),
    (lambda v: sign(extra_params=v), "ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS"),
    (lambda v: sign(region_id=v), "ALIYUN_MQTT_ERR_INVALID_REGION"),
    (lambda v: ams.host(v), "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (lambda v: ams.host("pk", v), "ALIYUN_MQTT_ERR_INVALID_REGION"),
    (lambda v: ams.identify(v, USER), "ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID"),
    (lambda v: ams.identify(CID, v), "ALIYUN_MQTT_ERR_INVALID_USERNAME"),
    (lambda v: verify(mqtt_client_id=v), "ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID"),
    (lambda v: verify(username=v), "ALIYUN_MQTT_ERR_INVALID_USERNAME"),
    (lambda v: verify(password=v), "ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH"),
    (lambda v: verify(device_secret=v), "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"),
]


@pytest.mark.parametrize("call,want", STRINGS)
@pytest.mark.parametrize("bad", [SURROGATE, "ab" + SURROGATE, "\udfff", "a\0b"])
def test_uncarriable_strings_raise_the_field_status(call, want, bad):
    assert status(lambda: call(bad)) == want


# A device's strings at their longest, one past it (filling the C slot
# the package copies them into, with no room for the NUL) and two past it.
DEVICE_LENGTHS = [
    (0, ams._lib.ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN, "ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY"),
    (1, ams._lib.ALIYUN_MQTT_DEVICE_NAME_MAX_LEN, "ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME"),
    (2, ams._lib.ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN, "ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET"),
]


@pytest.mark.parametrize("field,longest,want", DEVICE_LENGTHS)
def test_device_strings_past_their_longest_raise_the_field_status(field, longest, want):
    for n, ok in ((longest, True), (longest + 1, False), (longest + 2, False)):
        fields = list(GOLDEN2)
        fields[field] = "a" * n
        # Twice: a new string, then the same objects as the last call's.
        for _ in range(2):
            if ok:
                cred = ams.sign(*fields, timestamp_ms=1)
                assert cred.username == f"{fields[1]}&{fields[0]}"
            else:
                assert status(lambda: ams.sign(*fields, timestamp_ms=1)) == want


@pytest.mark.parametrize("call,want", STRINGS)
@pytest.mark.parametrize("bad", [b"pk", 5, 1.5, True, ["pk"]])
def test_non_str_strings_raise_type_error(call, want, bad):
    with pytest.raises(TypeError):
        call(bad)


def test_a_secret_that_cannot_be_carried_gets_the_status_of_its_role():
    # The verifier knows the role from the CONNECT: a registration's secret
    # is a ProductSecret, connwl's a deviceToken.
    reg_cid = "SN1|securemode=2,authType=regnwl,random=8Fk2mQ,signmethod=hmacsha1|"
    conn_cid = "c7|securemode=-2,authType=connwl|"
    for bad in (SURROGATE, "a\0b"):
        assert status(lambda: verify(mqtt_client_id=reg_cid, device_secret=bad)) == \
            "ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET"
        assert status(lambda: verify(mqtt_client_id=conn_cid, username="dev-1&pk",
                                     password="t0k", device_secret=bad)) == \
            "ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN"
        # A malformed client id is still the first error, as in C.
        assert status(lambda: verify(mqtt_client_id="x", device_secret=bad)) == \
            "ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID"


@pytest.mark.parametrize("bad", [True, False, "1539421321846", 1.0, b"1", [1]])
def test_timestamp_of_wrong_type_raises_type_error(bad):
    with pytest.raises(TypeError):
        sign(timestamp_ms=bad)


@pytest.mark.parametrize("bad", [0, -1, 2**64, 2**100])
def test_timestamp_out_of_range_raises_invalid_timestamp(bad):
    assert status(lambda: sign(timestamp_ms=bad)) == "ALIYUN_MQTT_ERR_INVALID_TIMESTAMP"


def test_timestamp_bounds_are_accepted():
    assert sign(timestamp_ms=1).client_id.endswith(",timestamp=1|")
    assert sign(timestamp_ms=2**64 - 1).client_id.endswith(f",timestamp={2**64 - 1}|")


@pytest.mark.parametrize("kwargs", [
    dict(sign_method=1), dict(sign_method=None), dict(sign_method=b"hmacsha1"),
    dict(secure_mode=2), dict(secure_mode=None), dict(secure_mode=["tls"]),
    dict(uppercase=1), dict(uppercase="yes"), dict(uppercase=None),
    dict(product_key=None), dict(device_name=None), dict(device_secret=None),
    dict(region_id=None),
])
def test_sign_arguments_of_wrong_type_raise_type_error(kwargs):
    with pytest.raises(TypeError):
        sign(**kwargs)


@pytest.mark.parametrize("kwargs,want", [
    (dict(sign_method="HMACSHA1"), "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"),
    (dict(sign_method=""), "ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD"),
    (dict(secure_mode="TLS"), "ALIYUN_MQTT_ERR_INVALID_SECURE_MODE"),
    (dict(secure_mode=SURROGATE), "ALIYUN_MQTT_ERR_INVALID_SECURE_MODE"),
])
def test_unknown_names_raise_their_status(kwargs, want):
    assert status(lambda: sign(**kwargs)) == want


@pytest.mark.parametrize("bad", [True, "30", 30.0, None])
def test_keepalive_of_wrong_type_raises_type_error(bad):
    with pytest.raises(TypeError):
        ams.keepalive_ok(bad)


@pytest.mark.parametrize("call", [
    lambda: ams.identify(None, USER), lambda: ams.identify(CID, None),
    lambda: verify(mqtt_client_id=None), lambda: verify(username=None),
    lambda: verify(password=None), lambda: verify(device_secret=None),
    lambda: ams.host(None),
])
def test_none_for_a_required_string_raises_type_error(call):
    with pytest.raises(TypeError):
        call()


def test_identity_tells_the_auth_type():
    ident = verify()
    assert (ident.auth_type, ident.random) == (None, "")
    # connwl: the password is the deviceToken itself.
    conn = ams.verify("c7|securemode=-2,authType=connwl|", "dev-1&pk", "t0k", "t0k")
    assert (conn.auth_type, conn.client_id, conn.device_name, conn.product_key) == \
        ("connwl", "c7", "dev-1", "pk")
    # The same client id, user name and secret, signed as a device: only
    # the auth type tells the two apart.
    signed = ams.verify("c7|securemode=-2|", "dev-1&pk",
                        _device_password("c7", "dev-1", "pk", "t0k"), "t0k")
    assert signed.auth_type is None
    assert (signed.client_id, signed.device_name, signed.product_key) == \
        (conn.client_id, conn.device_name, conn.product_key)
    reg = ams.identify("SN1|securemode=2,authType=register,random=8Fk2mQ|", "sensor-0001&pk")
    assert (reg.auth_type, reg.random) == ("register", "8Fk2mQ")
    nwl = ams.identify("SN1|securemode=-2,authType=regnwl,random=x1|", "sensor-0001&pk")
    assert (nwl.auth_type, nwl.random) == ("regnwl", "x1")


def _device_password(cid, dn, pk, secret):
    """The hmacmd5 password of a device (the default signmethod)."""
    content = f"clientId{cid}deviceName{dn}productKey{pk}"
    return hmac.new(secret.encode(), content.encode(), hashlib.md5).hexdigest()
