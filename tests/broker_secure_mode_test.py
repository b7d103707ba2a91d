"""plugin_opt_check_secure_mode of the aliyun_mqtt_auth plugin, against a
real Mosquitto on 127.0.0.1 only with a plain and a TLS listener (free
ports; certificates made with openssl; everything removed after).

Usage: broker_secure_mode_test.py MOSQUITTO PLUGIN PAHO_CONNECT LIBALIYUN_MQTT_SIGN_SO

With per_listener_settings true, each listener loading the plugin with its
own plugin_opt_listener_tls, and check_secure_mode true:
- securemode=3 on the TLS listener and securemode=2 on the plain one are
  refused (CONNACK 5), each with its reason in the log; securemode=3 on
  plain and securemode=2 on TLS are accepted;
- an iotId (HTTPS authentication) is refused on the plain listener and
  accepted on the TLS one; a registration with securemode=2 likewise;
Without the option, on the same two listeners, both mismatches are
accepted. check_secure_mode true without listener_tls stops the broker
from starting, with the reason in its log.
"""
import asyncio
import os
import shutil
import sys
import tempfile

from broker_test import MOSQUITTO, PLUGIN, ams, secret  # the same command line
from broker_acl_test import register_creds
from broker_files_test import start_refused
from loopback import Client, check, free_port, make_certs, read, start_mosquitto, stop, summary


def fields(triple, mode):
    c = ams.sign(*triple, secure_mode=mode, timestamp_ms=1700000000000)
    return c.client_id, c.username, c.password


async def attempt(port, cafile, connect_fields):
    """The CONNACK code on the listener at `port` (TLS when `cafile`)."""
    client = await Client.open(port, cafile)
    try:
        rc = await client.connect(connect_fields)
        if rc == 0:
            await client.disconnect()
        return rc
    finally:
        client.close()


def main():
    work = tempfile.mkdtemp(prefix="aliyun-broker-secure-")
    broker = None
    try:
        make_certs(work)
        ca = os.path.join(work, "ca.pem")
        dev = ("securePk01", "secure-device", secret())
        iot = ("iotIdSecure01", secret())
        ps = secret()
        secrets_path = os.path.join(work, "secrets.csv")
        with open(secrets_path, "w") as f:
            f.write(",".join(dev) + "\n")
        tokens_path = os.path.join(work, "tokens.csv")
        with open(tokens_path, "w") as f:
            f.write(f"{iot[0]},{iot[1]},{dev[0]},{dev[1]}\n")
        products_path = os.path.join(work, "products.csv")
        with open(products_path, "w") as f:
            f.write(f"{dev[0]},{ps}\n")
        files = {"secrets_file": secrets_path, "tokens_file": tokens_path,
                 "products_file": products_path}
        tcp, tls = free_port(), free_port()
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work, {**files, "check_secure_mode": "true"},
                                 tcp, tls, per_listener=True)

        def on(port, connect_fields):
            return asyncio.run(attempt(port, ca if port == tls else None, connect_fields))

        check(on(tls, fields(dev, "tcp")) == 5, "checked: securemode=3 on the TLS listener refused")
        check(on(tcp, fields(dev, "tls")) == 5, "checked: securemode=2 on the plain listener refused")
        check(on(tcp, fields(dev, "tcp")) == 0, "checked: securemode=3 on the plain listener accepted")
        check(on(tls, fields(dev, "tls")) == 0, "checked: securemode=2 on the TLS listener accepted")
        check(on(tcp, ("iot-client", *iot)) == 5, "checked: an iotId on the plain listener refused")
        check(on(tls, ("iot-client", *iot)) == 0, "checked: an iotId on the TLS listener accepted")
        reg = register_creds(dev[0], dev[1], ps, "r1")
        check(on(tcp, reg) == 5, "checked: a securemode=2 registration on the plain listener refused")
        check(on(tls, reg) == 0, "checked: a securemode=2 registration on the TLS listener accepted")
        stop(broker)
        broker = None
        log = read(os.path.join(work, "mosquitto.log"))
        check("securemode=3 (plain TCP) on a TLS listener" in log
              and "securemode says TLS on a plain listener" in log, "each refusal gives its reason")

        os.remove(os.path.join(work, "mosquitto.log"))
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work, files, tcp, tls, per_listener=True)
        check(on(tls, fields(dev, "tcp")) == 0, "unchecked: securemode=3 on the TLS listener accepted")
        check(on(tcp, fields(dev, "tls")) == 0, "unchecked: securemode=2 on the plain listener accepted")
        check(on(tcp, ("iot-client", *iot)) == 0, "unchecked: an iotId on the plain listener accepted")
        stop(broker)
        broker = None

        rc, out = start_refused(work, {"secrets_file": secrets_path, "check_secure_mode": "true"})
        check(rc not in (None, 0) and "plugin_opt_check_secure_mode true needs "
              "plugin_opt_listener_tls true or false" in out,
              f"check_secure_mode without listener_tls: the broker does not start (rc={rc})")
    finally:
        stop(broker)
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
