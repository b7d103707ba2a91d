"""Helpers shared by the loopback end-to-end tests: results, free ports, a
throw-away CA and server certificate for 127.0.0.1, and a Mosquitto with the
aliyun_mqtt_auth plugin on 127.0.0.1 only."""
import os
import signal
import socket
import subprocess
import time

results = {"passed": 0, "failed": 0}


def check(cond, what):
    results["passed" if cond else "failed"] += 1
    print(("ok: " if cond else "FAIL: ") + what, flush=True)


def summary():
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certs(d):
    """ca.pem, and server.pem/server.key for 127.0.0.1 signed by it."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=aliyun-mqtt-sign test CA", cwd=d)
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1", cwd=d)
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext", cwd=d)


def wait_for_ports(ports, what, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            for port in ports:
                socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def start_mosquitto(mosquitto, plugin, work, options, tcp=None, tls=None):
    """Starts Mosquitto with the plugin and `options` (plugin_opt_* without
    the prefix); a plain listener on `tcp` and a TLS one (work/ca.pem,
    server.pem) on `tls`. Returns the process; the log is work/mosquitto.log."""
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"per_listener_settings false\nallow_anonymous false\nuser root\nplugin {plugin}\n")
        for key, value in options.items():
            f.write(f"plugin_opt_{key} {value}\n")
        f.write(f"log_dest file {work}/mosquitto.log\nlog_type error\nlog_type warning\n"
                "log_type notice\nlog_type information\nmax_keepalive 65535\n")
        if tcp:
            f.write(f"listener {tcp} 127.0.0.1\n")
        if tls:
            f.write(f"listener {tls} 127.0.0.1\ncafile {work}/ca.pem\ncertfile {work}/server.pem\n"
                    f"keyfile {work}/server.key\n")
    broker = subprocess.Popen([mosquitto, "-c", conf], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for_ports([p for p in (tcp, tls) if p], "mosquitto")
    except RuntimeError:
        stop(broker)
        raise
    return broker


def stop(proc):
    if proc is None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""
