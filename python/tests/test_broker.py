"""End to end: the paho-mqtt Python client connects with credentials from
this package to a local Mosquitto running the project's aliyun_mqtt_auth
plugin (127.0.0.1, free port, started and stopped here) and is accepted; a
wrong secret is refused. scripts/test.sh sets ALIYUN_MQTT_PLUGIN."""
import os
import socket
import subprocess
import threading
import time

import pytest

import aliyun_mqtt_sign as ams

mqtt = pytest.importorskip("paho.mqtt.client")
PLUGIN = os.environ.get("ALIYUN_MQTT_PLUGIN")
MOSQUITTO = os.environ.get("MOSQUITTO", "/usr/sbin/mosquitto")
DEVICE = ("a14Xib5kdYd", "light1983432", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq")


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    if not PLUGIN:
        pytest.skip("ALIYUN_MQTT_PLUGIN is not set (scripts/test.sh sets it)")
    d = tmp_path_factory.mktemp("broker")
    (d / "secrets.csv").write_text(",".join(DEVICE) + "\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (d / "mosquitto.conf").write_text(
        f"per_listener_settings false\nallow_anonymous false\nuser root\n"
        f"plugin {PLUGIN}\nplugin_opt_secrets_file {d / 'secrets.csv'}\n"
        f"log_dest file {d / 'log'}\nlistener {port} 127.0.0.1\n")
    proc = subprocess.Popen([MOSQUITTO, "-c", str(d / "mosquitto.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("mosquitto did not start")
            time.sleep(0.1)
    yield port
    proc.terminate()
    proc.wait(10)


def connect(port, secret):
    """CONNACK reason code (0 = accepted) for a paho-mqtt connection."""
    c = ams.sign(DEVICE[0], DEVICE[1], secret, timestamp_ms=int(time.time() * 1000),
                 secure_mode="tcp")
    result, done = [], threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=c.client_id,
                         protocol=mqtt.MQTTv311)
    client.username_pw_set(c.username, c.password)

    def on_connect(client, userdata, flags, reason_code, properties):
        result.append(reason_code.value)
        done.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", port, keepalive=300)
    client.loop_start()
    try:
        assert done.wait(20), "no CONNACK"
    finally:
        client.disconnect()
        client.loop_stop()
    return result[0]


def test_paho_python_accepted_and_wrong_secret_refused(broker):
    assert connect(broker, DEVICE[2]) == 0
    # MQTT 3.1.1 CONNACK 5, "not authorized" (paho reports it as 135 in v5 terms).
    assert connect(broker, "wrong" + DEVICE[2][5:]) == 135
