"""How the aliyun_mqtt_auth plugin scales with the size of its secrets file:
start-up time, memory per device, reload time, and the CONNECT round trip
of the first, the last and an unknown device. A benchmark run by hand, not
a test: it asserts nothing and prints one table.

    python3 benches/broker_lookup.py MOSQUITTO PLUGIN LIBALIYUN_MQTT_SIGN_SO \
        [--devices 1000000] [--rounds 2000]

Mosquitto runs on 127.0.0.1 (free port) with a secrets file of N devices
made in a temporary directory, removed afterwards. Each round opens one TCP
connection per device kind and times CONNECT to CONNACK only (the TCP
handshake is not timed); the kinds take turns, so a change in the
machine's load affects all three alike.
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, os.path.join(HERE, "..", "python"))


def write_secrets(path, n):
    """n devices: pkNNNNNNN / device-NNNNNNN with 32 hex digit secrets."""
    with open(path, "w") as f:
        for start in range(0, n, 10000):
            chunk = range(start, min(n, start + 10000))
            f.write("".join(f"pk{i:07d},device-{i:07d},{os.urandom(16).hex()}\n" for i in chunk))


def device_line(path, index):
    with open(path) as f:
        for i, line in enumerate(f):
            if i == index:
                return line.strip().split(",")
    raise IndexError(index)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start(lb, mosquitto, plugin, work, secrets, n):
    """(process, seconds from exec to the plugin's 'devices loaded' line and
    an answering port)."""
    port = lb.free_port()
    log = os.path.join(work, "mosquitto.log")
    if os.path.exists(log):
        os.remove(log)
    t0 = time.monotonic()
    broker = lb.start_mosquitto(mosquitto, plugin, work, {"secrets_file": secrets}, port,
                                seconds=600)
    if not lb.wait_for_log(log, f"{n} devices loaded", 1, 600):
        lb.stop(broker)
        raise RuntimeError("the plugin did not load the secrets file")
    return broker, port, time.monotonic() - t0


def round_trip(port, data):
    """Seconds from sending CONNECT to reading the CONNACK; its code."""
    with socket.create_connection(("127.0.0.1", port), 10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t0 = time.perf_counter()
        s.sendall(data)
        got = b""
        while len(got) < 4:
            chunk = s.recv(4 - len(got))
            if not chunk:
                break
            got += chunk
        elapsed = time.perf_counter() - t0
        if got[:1] == b"\x20" and len(got) == 4 and got[3] == 0:
            s.sendall(b"\xe0\x00")
        return elapsed, got[3] if len(got) == 4 else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mosquitto")
    ap.add_argument("plugin")
    ap.add_argument("libso")
    ap.add_argument("--devices", type=int, default=1000000)
    ap.add_argument("--rounds", type=int, default=2000)
    args = ap.parse_args()
    os.environ["ALIYUN_MQTT_SIGN_LIB"] = args.libso
    import aliyun_mqtt_sign as ams
    import loopback as lb

    work = tempfile.mkdtemp(prefix="aliyun-broker-bench-")
    broker = None
    try:
        one = os.path.join(work, "one.csv")
        write_secrets(one, 1)
        broker, _, _ = start(lb, args.mosquitto, args.plugin, work, one, 1)
        rss_one = rss_kib(broker.pid)
        lb.stop(broker)

        secrets = os.path.join(work, "secrets.csv")
        t0 = time.monotonic()
        write_secrets(secrets, args.devices)
        made = time.monotonic() - t0
        size = os.path.getsize(secrets)
        broker, port, startup = start(lb, args.mosquitto, args.plugin, work, secrets, args.devices)
        rss_n = rss_kib(broker.pid)

        log = os.path.join(work, "mosquitto.log")
        t0 = time.monotonic()
        broker.send_signal(signal.SIGHUP)
        lb.wait_for_log(log, "aliyun-auth: reloaded", 1, 600)
        reload_s = time.monotonic() - t0
        rss_reloaded = rss_kib(broker.pid)

        kinds = {}
        for name, index in (("first", 0), ("last", args.devices - 1)):
            pk, dn, ds = device_line(secrets, index)
            c = ams.sign(pk, dn, ds, secure_mode="tcp", timestamp_ms=1700000000000)
            kinds[name] = (lb.connect_packet(c.client_id, c.username, c.password, 300), 0)
        c = ams.sign("pkUnknown", "device-unknown", "0" * 32, secure_mode="tcp",
                     timestamp_ms=1700000000000)
        kinds["unknown"] = (lb.connect_packet(c.client_id, c.username, c.password, 300), 5)
        times = {name: [] for name in kinds}
        for name, (data, want) in kinds.items():  # warm-up, and the codes
            _, rc = round_trip(port, data)
            if rc != want:
                raise RuntimeError(f"{name} device: CONNACK {rc}, expected {want}")
        for _ in range(args.rounds):
            for name, (data, _) in kinds.items():
                times[name].append(round_trip(port, data)[0])
    finally:
        lb.stop(broker)
        shutil.rmtree(work, ignore_errors=True)

    medians = {name: statistics.median(t) * 1e6 for name, t in times.items()}
    spread = (max(medians.values()) / min(medians.values()) - 1) * 100
    print(f"devices: {args.devices} ({size / 1e6:.1f} MB file, made in {made:.1f} s); "
          f"rounds: {args.rounds}")
    print(f"start-up (exec to loaded and listening): {startup:.2f} s; reload (SIGHUP): {reload_s:.2f} s")
    print(f"RSS: {rss_one} KiB with 1 device, {rss_n} KiB with {args.devices} "
          f"({(rss_n - rss_one) * 1024 / args.devices:.0f} bytes per device), "
          f"{rss_reloaded} KiB after the reload")
    print("CONNECT -> CONNACK round trip, microseconds:")
    print("| device | median | 10th pct | 90th pct |")
    print("|---|---|---|---|")
    for name, t in times.items():
        q = statistics.quantiles(t, n=10)
        print(f"| {name} | {medians[name]:.0f} | {q[0] * 1e6:.0f} | {q[-1] * 1e6:.0f} |")
    print(f"largest median / smallest median - 1: {spread:.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
