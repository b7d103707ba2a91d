"""The aliyun_mqtt_auth plugin rereads its files on SIGHUP, against a real
Mosquitto on 127.0.0.1 only (free port; everything made here and removed
after).

Usage: broker_reload_test.py MOSQUITTO PLUGIN PAHO_CONNECT LIBALIYUN_MQTT_SIGN_SO

- device D connects with its first secret and stays connected; a device K
  stays connected throughout; both subscribe to their own topics;
- the secrets file gets a new secret for D, drops K and adds device N, and
  the broker gets SIGHUP: D's old secret is refused, its new one accepted,
  N accepted, K refused as a new connection, while the K and the D
  connected before still publish and receive on their own topics (Mosquitto
  checks every connected client again after a reload); the broker process
  is the same one (no restart);
- the secrets file is removed, then made a directory, then the products
  file is removed, each followed by SIGHUP: the log says why the reload
  failed, and D's new secret and N still connect (the old tables stay);
- the products file changes with a reload: a registration under the new
  ProductSecret is accepted, under the old one refused.
"""
import asyncio
import os
import shutil
import signal
import sys
import tempfile

from broker_test import MOSQUITTO, PLUGIN, creds, mqtt_connect, secret  # the same command line
from broker_acl_test import register_creds
from loopback import Client, check, free_port, read, start_mosquitto, stop, summary, wait_for_log


def write(path, lines):
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write("".join(",".join(line) + "\n" for line in lines))
    os.replace(tmp, path)


DONE, FAILED = "aliyun-auth: reloaded", "aliyun-auth: reload failed"


def reload(broker, log, outcome, count):
    """SIGHUP; whether the log then shows `outcome` (DONE or FAILED) `count` times."""
    broker.send_signal(signal.SIGHUP)
    return wait_for_log(log, outcome, count, 10)


async def open_device(port, triple, client_id=None):
    client = await Client.open(port)
    rc = await client.connect(creds(*triple, client_id=client_id))
    topic = f"/{triple[0]}/{triple[1]}/user/get"
    codes = await client.subscribe(topic) if rc == 0 else None
    return client, rc, codes


async def round_trip(client, triple, payload):
    """What `client` receives after publishing on its own topic; None when
    the connection is gone."""
    topic = f"/{triple[0]}/{triple[1]}/user/get"
    try:
        if not await client.publish(topic, payload):
            return None
        return await client.next_publish(5)
    except ConnectionError:
        return None


def main():
    work = tempfile.mkdtemp(prefix="aliyun-broker-reload-")
    broker = None
    try:
        pk = "reloadPk01"
        old_secret, new_secret = secret(), secret()
        d_old, d_new = (pk, "device-d", old_secret), (pk, "device-d", new_secret)
        k = (pk, "device-k", secret())
        n = (pk, "device-n", secret())
        old_ps, new_ps = secret(), secret()
        secrets_path = os.path.join(work, "secrets.csv")
        products_path = os.path.join(work, "products.csv")
        write(secrets_path, [d_old, k])
        write(products_path, [(pk, old_ps)])
        log = os.path.join(work, "mosquitto.log")
        port = free_port()
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work, {"secrets_file": secrets_path,
                                                           "products_file": products_path}, port)
        pid = broker.pid

        async def scenario():
            kept, rc, codes = await open_device(port, k)
            check(rc == 0 and codes == [1], f"K connected and subscribed ({rc}, {codes})")
            # Its own client id: the later connections of D do not take it over.
            held, rc, codes = await open_device(port, d_old, "held-d")
            check(rc == 0 and codes == [1], f"D connected with its first secret ({rc}, {codes})")
            check(await mqtt_connect(port, creds(*n)) == 5, "N, not yet in the file, refused")

            write(secrets_path, [d_new, n])
            check(reload(broker, log, DONE, 1), "SIGHUP: the plugin reloads")
            check("aliyun-auth: reloaded: 2 devices, 1 products, 0 tokens" in read(log),
                  "the reload is logged with its counts")
            check(await mqtt_connect(port, creds(*d_old)) == 5, "after the reload D's old secret is refused")
            check(await mqtt_connect(port, creds(*d_new)) == 0, "after the reload D's new secret is accepted")
            check(await mqtt_connect(port, creds(*n)) == 0, "after the reload the new device N is accepted")
            check(await mqtt_connect(port, creds(*k)) == 5, "after the reload a new connection of K is refused")
            got = await round_trip(kept, k, "still here")
            check(got == (f"/{k[0]}/{k[1]}/user/get", b"still here"),
                  f"the K connected before the reload still publishes and receives ({got})")
            got = await round_trip(held, d_old, "old secret")
            check(got == (f"/{pk}/device-d/user/get", b"old secret"),
                  f"the D connected with its old secret is still connected ({got})")
            await held.disconnect()

            failures = 0
            os.remove(secrets_path)
            failures += 1
            check(reload(broker, log, FAILED, failures), "SIGHUP with the secrets file missing")
            check("cannot open devices file" in read(log), "the log says the file cannot be opened")
            os.mkdir(secrets_path)
            failures += 1
            check(reload(broker, log, FAILED, failures), "SIGHUP with the secrets file a directory")
            check("not a regular file" in read(log), "the log says it is not a regular file")
            os.rmdir(secrets_path)
            write(secrets_path, [d_old])
            os.remove(products_path)
            failures += 1
            check(reload(broker, log, FAILED, failures), "SIGHUP with the products file missing")
            check(read(log).count("reload failed (see above): the previous tables stay "
                                  "(2 devices, 1 products, 0 tokens)") == failures,
                  "each failed reload says the previous tables stay")
            check(await mqtt_connect(port, creds(*d_new)) == 0 and await mqtt_connect(port, creds(*n)) == 0,
                  "after the failed reloads the previous tables still answer")
            check(await mqtt_connect(port, creds(*d_old)) == 5,
                  "a secrets file that loaded while another file failed is not used")

            write(products_path, [(pk, new_ps)])
            check(reload(broker, log, DONE, 2), "SIGHUP with a new ProductSecret")
            check(await mqtt_connect(port, register_creds(pk, "device-d", new_ps, "r1")) == 0,
                  "registration under the new ProductSecret accepted")
            check(await mqtt_connect(port, register_creds(pk, "device-d", old_ps, "r2")) == 5,
                  "registration under the old ProductSecret refused")
            got = await round_trip(kept, k, "after all reloads")
            check(got == (f"/{k[0]}/{k[1]}/user/get", b"after all reloads"),
                  f"K is still connected after every reload ({got})")
            await kept.disconnect()

        asyncio.run(scenario())
        check(broker.poll() is None and broker.pid == pid, "the broker never restarted")
        check(read(log).count(" starting") == 1, "one start-up in the log")
    finally:
        stop(broker)
        text = read(os.path.join(work, "mosquitto.log"))
        shutil.rmtree(work, ignore_errors=True)
    check(old_secret not in text and new_secret not in text and new_ps not in text,
          "no secret in the broker log")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
