"""Runs c_examples/paho_connect (Paho MQTT C + aliyun-mqtt-sign) against a
minimal MQTT 3.1.1 peer on 127.0.0.1 that checks the CONNECT fields the way
the platform does (PROTOCOL.md §1), with Python's own hmac/hashlib. Accepts with
CONNACK 0, refuses with CONNACK 5 (not authorized).
Usage: paho_loopback_test.py PAHO_CONNECT"""
import hashlib
import hmac
import socket
import subprocess
import sys
import threading

PAHO = sys.argv[1]
DEVICES = {("a14Xib5kdYd", "light1983432"): "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"}
ALGOS = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_packet(conn):
    header = recv_exact(conn, 1)[0]
    length, shift = 0, 0
    while True:
        b = recv_exact(conn, 1)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return header, recv_exact(conn, length)


def take_string(buf, pos):
    n = int.from_bytes(buf[pos:pos + 2], "big")
    return buf[pos + 2:pos + 2 + n].decode(), pos + 2 + n


def verdict(body):
    """Returns (accepted, reason) for a CONNECT body, as the platform would."""
    proto, pos = take_string(body, 0)
    level, flags = body[pos], body[pos + 1]
    keepalive = int.from_bytes(body[pos + 2:pos + 4], "big")
    pos += 4
    client_id, pos = take_string(body, pos)
    if proto != "MQTT" or level != 4 or not flags & 0xC0 or flags & 0x04:
        return False, "protocol, flags or will"
    username, pos = take_string(body, pos)
    password, pos = take_string(body, pos)
    if not 30 <= keepalive <= 1200:
        return False, f"keepalive {keepalive}"
    cid, sep, rest = client_id.partition("|")
    if not sep or not rest.endswith("|"):
        return False, "client id format"
    params = dict(kv.split("=", 1) for kv in rest[:-1].split(","))
    dn, _, pk = username.partition("&")
    secret = DEVICES.get((pk, dn))
    if secret is None:
        return False, "unknown device"
    fields = {"clientId": cid, "deviceName": dn, "productKey": pk}
    if "timestamp" in params:
        fields["timestamp"] = params["timestamp"]
    content = "".join(k + fields[k] for k in sorted(fields))
    method = params.get("signmethod", "hmacmd5")
    if method == "sha256":
        want = hashlib.sha256((content + secret).encode()).hexdigest()
    else:
        want = hmac.new(secret.encode(), content.encode(), ALGOS[method]).hexdigest()
    if not hmac.compare_digest(want, password.lower()):
        return False, "signature mismatch"
    return True, f"{method} securemode={params.get('securemode')}"


class Peer:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(20)
        self.port = self.sock.getsockname()[1]
        self.results = []

    def serve_one(self):
        conn, _ = self.sock.accept()
        conn.settimeout(10)
        with conn:
            header, body = read_packet(conn)
            ok, reason = verdict(body) if header == 0x10 else (False, "not CONNECT")
            self.results.append((ok, reason))
            conn.sendall(bytes([0x20, 2, 0, 0 if ok else 5]))
            # Accepted: wait for DISCONNECT. Refused: let the client read the
            # CONNACK and close first.
            try:
                while True:
                    header, _ = read_packet(conn)
                    if header == 0xE0:
                        break
            except (EOFError, OSError):
                pass


def attempt(peer, *args):
    t = threading.Thread(target=peer.serve_one)
    t.start()
    r = subprocess.run([PAHO, "--host", "127.0.0.1", "--port", str(peer.port), *args],
                       capture_output=True, text=True, timeout=30)
    t.join(30)
    return r, peer.results[-1]


peer = Peer()
failures = checks = 0
base = ["--product-key", "a14Xib5kdYd", "--device-name", "light1983432"]
good = base + ["--device-secret", "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq"]
cases = [
    (good + ["--sign-method", m, "--timestamp", "1539421321846"], True) for m in
    ("hmacmd5", "hmacsha1", "hmacsha256", "sha256")
] + [
    (good + ["--client-id", "SN1928339"], True),
    (base + ["--device-secret", "wrongsecretwrongsecret"], False),
    (good + ["--keepalive", "10"], False),
]
try:
    for args, want in cases:
        r, (ok, reason) = attempt(peer, *args)
        checks += 1
        passed = ok == want and (r.returncode == 0) == want
        if not want:
            passed = passed and "refused rc=5" in r.stdout
        if not passed:
            failures += 1
            print(f"FAIL {args}: peer {ok} ({reason}), exit {r.returncode}, {r.stdout!r} {r.stderr!r}",
                  file=sys.stderr)
        else:
            print(f"ok: {'accepted' if ok else 'refused'} ({reason})")
finally:
    peer.sock.close()
print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
