"""Against the vendor's official Python SDK (aliyun-iot-linkkit): the SDK
builds its CONNECT fields (hmacsha1, client id "pk&dn", a seconds timestamp
and its own extra parameters); this package, given the same inputs, produces
the identical password, and the verifier accepts the SDK's fields."""
import pytest

import aliyun_mqtt_sign as ams

linkkit = pytest.importorskip("linkkit.linkkit")

DEVICES = [
    ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"),
    ("a1B2c3D4e5F", "sensor_01", "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t12"),
    ("k0abcdef", "dev-0001@site:7", "x" * 64),
]


class CapturingClient:
    """Stands in for paho's Client to capture what the SDK connects with."""

    def __init__(self, client_id="", clean_session=None, protocol=None, **kwargs):
        self.client_id = client_id

    def username_pw_set(self, username, password):
        self.username, self.password = username, password

    def __getattr__(self, name):  # the SDK's other set-up calls: no-ops
        return lambda *a, **k: None


@pytest.mark.parametrize("pk,dn,ds", DEVICES)
@pytest.mark.parametrize("now", [1539421321, 1700000000])
def test_sdk_fields_match_and_verify(monkeypatch, pk, dn, ds, now):
    monkeypatch.setattr(linkkit.mqtt, "Client", CapturingClient)
    monkeypatch.setattr(linkkit.time, "time", lambda: now + 0.25)
    lk = linkkit.LinkKit(host_name="cn-shanghai", product_key=pk, device_name=dn, device_secret=ds)
    lk._LinkKit__config_mqtt_client_internal()
    sdk = lk._LinkKit__mqtt_client
    assert f"timestamp={now}|" in sdk.client_id and "signmethod=hmacsha1" in sdk.client_id

    # Same inputs: the SDK's client id, its timestamp (seconds), its extras.
    params = dict(kv.split("=") for kv in sdk.client_id.split("|")[1].split(","))
    extras = ",".join(f"{k}={v}" for k, v in params.items()
                      if k not in ("securemode", "signmethod", "timestamp"))
    ours = ams.sign(pk, dn, ds, client_id=f"{pk}&{dn}", timestamp_ms=now, sign_method="hmacsha1",
                    secure_mode="tls", extra_params=extras)
    assert ours.password == sdk.password
    assert ours.username == sdk.username
    ident = ams.verify(sdk.client_id, sdk.username, sdk.password, ds)
    assert (ident.product_key, ident.device_name, ident.client_id) == (pk, dn, f"{pk}&{dn}")
    assert ident.sign_method == "hmacsha1" and ident.timestamp_ms == now
    with pytest.raises(ams.AliyunMqttError):
        ams.verify(sdk.client_id, sdk.username, sdk.password, ds[::-1] + "!")
