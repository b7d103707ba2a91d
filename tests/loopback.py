"""Helpers shared by the loopback end-to-end tests: results, free ports, a
throw-away CA and server certificate for 127.0.0.1, a Mosquitto with the
aliyun_mqtt_auth plugin on 127.0.0.1 only, and a raw MQTT client that sends
packets exactly as a test wants them."""
import asyncio
import os
import signal
import socket
import ssl
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


def write_conf(work, plugin, options, tcp=None, tls=None, per_listener=False, extra=""):
    """work/mosquitto.conf: the plugin with `options` (plugin_opt_* without
    the prefix), a plain listener on `tcp` and a TLS one (work/ca.pem,
    server.pem) on `tls`, `extra` lines, the log in work/mosquitto.log.
    With `per_listener`, each listener loads the plugin itself and is told
    plugin_opt_listener_tls."""
    conf = os.path.join(work, "mosquitto.conf")
    plugin_lines = f"allow_anonymous false\nplugin {plugin}\n" + "".join(
        f"plugin_opt_{key} {value}\n" for key, value in options.items())
    with open(conf, "w") as f:
        f.write(f"per_listener_settings {'true' if per_listener else 'false'}\nuser root\n")
        if not per_listener:
            f.write(plugin_lines)
        f.write(f"log_dest file {work}/mosquitto.log\nlog_type error\nlog_type warning\n"
                f"log_type notice\nlog_type information\nmax_keepalive 65535\n{extra}")
        for port, is_tls in ((tcp, False), (tls, True)):
            if not port:
                continue
            f.write(f"listener {port} 127.0.0.1\n")
            if is_tls:
                f.write(f"cafile {work}/ca.pem\ncertfile {work}/server.pem\n"
                        f"keyfile {work}/server.key\n")
            if per_listener:
                f.write(plugin_lines + f"plugin_opt_listener_tls {'true' if is_tls else 'false'}\n")
    return conf


def start_mosquitto(mosquitto, plugin, work, options, tcp=None, tls=None, per_listener=False,
                    extra="", wrapper=(), seconds=20):
    """Starts Mosquitto (under `wrapper`, e.g. valgrind, if given) with the
    configuration of write_conf. Returns the process once its ports answer;
    the log is work/mosquitto.log."""
    conf = write_conf(work, plugin, options, tcp, tls, per_listener, extra)
    broker = subprocess.Popen([*wrapper, mosquitto, "-c", conf], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for_ports([p for p in (tcp, tls) if p], "mosquitto", seconds)
    except RuntimeError:
        stop(broker)
        raise
    return broker


def wait_for_log(path, text, count=1, seconds=20):
    """Waits until `text` appears `count` times in the log; returns whether it did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if read(path).count(text) >= count:
            return True
        time.sleep(0.05)
    return False


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


# ---- a raw MQTT client ------------------------------------------------------

def mqtt_string(s):
    b = s if isinstance(s, bytes) else s.encode()
    return len(b).to_bytes(2, "big") + b


def packet(header, body):
    """A packet: the fixed header byte, the remaining length, the body."""
    n, length = len(body), b""
    while True:
        byte, n = n % 128, n // 128
        length += bytes([byte | (0x80 if n else 0)])
        if not n:
            break
    return bytes([header]) + length + body


def connect_packet(client_id, username, password, keepalive, level=4, will=None):
    """A CONNECT with clean session. `username` or `password` None leaves
    the field (and its flag) out; `will` is (topic, payload) or None;
    `level` 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0, empty properties)."""
    flags = 0x02 | (0x80 if username is not None else 0) | (0x40 if password is not None else 0)
    if will:
        flags |= 0x04 | 0x08  # will, QoS 1
    v5 = b"\x00" if level == 5 else b""
    body = (mqtt_string("MQIsdp" if level == 3 else "MQTT") + bytes([level, flags])
            + keepalive.to_bytes(2, "big") + v5 + mqtt_string(client_id))
    if will:
        body += v5 + mqtt_string(will[0]) + mqtt_string(will[1])
    for field in (username, password):
        if field is not None:
            body += mqtt_string(field)
    return packet(0x10, body)


class Client:
    """One MQTT connection on loopback, driven packet by packet (QoS 1)."""

    def __init__(self, reader, writer):
        self.reader, self.writer, self.mid = reader, writer, 0
        self.pending = []  # PUBLISHes read while waiting for another packet

    @classmethod
    async def open(cls, port, cafile=None):
        tls = ssl.create_default_context(cafile=cafile) if cafile else None
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=tls), 20)
        return cls(reader, writer)

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def read_packet(self, timeout=20):
        """(fixed header byte, body); None when the broker closed the connection."""
        try:
            header = (await asyncio.wait_for(self.reader.readexactly(1), timeout))[0]
            length, shift = 0, 0
            while True:
                byte = (await asyncio.wait_for(self.reader.readexactly(1), timeout))[0]
                length |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            return header, await asyncio.wait_for(self.reader.readexactly(length), timeout)
        except (asyncio.IncompleteReadError, ConnectionError):
            return None

    async def connect(self, fields, keepalive=300, **kwargs):
        """The CONNACK return code (reason code for MQTT 5), or None when
        the broker closed the connection without one."""
        await self.send(connect_packet(*fields, keepalive, **kwargs))
        got = await self.read_packet()
        if got is None or got[0] != 0x20 or len(got[1]) < 2:
            return None
        return got[1][1]

    def next_mid(self):
        self.mid = self.mid % 65535 + 1
        return self.mid

    async def expect(self, kind, mid):
        """The body of the next packet of type `kind` with packet id `mid`;
        PUBLISHes met on the way are kept for next_publish."""
        while True:
            got = await self.read_packet()
            if got is None:
                return None
            if got[0] >> 4 == 3:
                self.pending.append(self._publish(*got))
            elif got[0] >> 4 == kind and got[1][:2] == mid.to_bytes(2, "big"):
                return got[1]

    async def subscribe(self, *filters):
        """The SUBACK return codes, one per filter (0x80: refused)."""
        mid = self.next_mid()
        await self.send(packet(0x82, mid.to_bytes(2, "big")
                               + b"".join(mqtt_string(f) + b"\x01" for f in filters)))
        body = await self.expect(9, mid)
        return list(body[2:]) if body is not None else None

    async def publish(self, topic, payload):
        """Publishes at QoS 1; whether the broker acknowledged it."""
        mid = self.next_mid()
        payload = payload if isinstance(payload, bytes) else payload.encode()
        await self.send(packet(0x32, mqtt_string(topic) + mid.to_bytes(2, "big") + payload))
        return await self.expect(4, mid) is not None

    def _publish(self, header, body):
        n = int.from_bytes(body[:2], "big")
        qos = (header >> 1) & 3
        if qos:
            self.writer.write(b"\x40\x02" + body[2 + n:4 + n])  # PUBACK
        return body[2:2 + n].decode(), body[2 + n + (2 if qos else 0):]

    async def next_publish(self, timeout=20):
        """(topic, payload) of the next PUBLISH, or None when none comes
        within `timeout` or the connection ends."""
        if self.pending:
            return self.pending.pop(0)
        try:
            got = await self.read_packet(timeout)
        except asyncio.TimeoutError:
            return None
        if got is None or got[0] >> 4 != 3:
            return None
        return self._publish(*got)

    async def closed_by_broker(self, timeout):
        """Whether the broker closes the connection within `timeout`
        (anything it sends before is read and dropped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got = await self.read_packet(max(deadline - time.monotonic(), 0.01))
            except asyncio.TimeoutError:
                return False
            if got is None:
                return True
        return False

    async def disconnect(self):
        try:
            await self.send(b"\xe0\x00")
        except ConnectionError:
            pass
        self.close()

    def close(self):
        self.writer.close()
