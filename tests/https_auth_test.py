"""End to end for PROTOCOL.md §3 and §4 with c_examples/https_auth (libcurl + Paho +
the library), on 127.0.0.1 only, everything made here and removed after:

- a throw-away CA and a certificate for 127.0.0.1;
- a Mosquitto with the aliyun_mqtt_auth plugin on a TLS port, knowing the
  pre-registered devices, the product secret and the iotId/iotToken pairs
  the HTTPS server hands out;
- a small HTTPS server (Python, ssl) that checks `sign` the way the platform
  does (sorted content, HMAC keyed by the DeviceSecret or ProductSecret,
  case-insensitive hex) and answers /auth/devicename with iotId, iotToken,
  host and port, and /auth/register/device with the DeviceSecret.

Flows: HTTPS auth then MQTT with iotId/iotToken; a refused HTTPS auth
(message passed back); HTTPS registration then MQTT with the secret; MQTT
registration (authType=register, reply on /ext/register, secret stored and
used to reconnect); authType=regnwl then connwl; refusals for a wrong
ProductSecret and a device that was not pre-registered.

Usage: https_auth_test.py MOSQUITTO PLUGIN HTTPS_AUTH
"""
import hashlib
import hmac
import http.server
import json
import os
import secrets as pysecrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
from urllib.parse import parse_qsl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback import check, free_port, make_certs, read, start_mosquitto, stop, summary  # noqa: E402

MOSQUITTO, PLUGIN, HTTPS_AUTH = sys.argv[1:4]
ALGOS = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}


def sign(method, key, content):
    return hmac.new(key.encode(), content.encode(), ALGOS[method]).hexdigest()


class Platform:
    """What the HTTPS server knows, and what it saw."""

    def __init__(self, devices, products, tokens, mqtt_port):
        self.devices = devices      # (pk, dn) -> DeviceSecret
        self.products = products    # pk -> ProductSecret
        self.tokens = tokens        # (pk, dn) -> (iotId, iotToken)
        self.mqtt_port = mqtt_port
        self.requests = []

    def auth(self, f):
        key = self.devices.get((f.get("productKey"), f.get("deviceName")))
        if key is None:
            return {"code": 404, "message": "device not found"}
        method = f.get("signmethod", "hmacmd5")
        if method not in ALGOS or not {"productKey", "deviceName", "clientId", "sign"} <= f.keys():
            return {"code": 400, "message": "bad request"}
        names = ["clientId", "deviceName", "productKey"] + (["timestamp"] if "timestamp" in f else [])
        content = "".join(n + f[n] for n in sorted(names))
        if not hmac.compare_digest(sign(method, key, content), f["sign"].lower()):
            return {"code": 401, "message": "\u7b7e\u540d\u9519\u8bef: signature check failed"}
        iot_id, iot_token = self.tokens[(f["productKey"], f["deviceName"])]
        return {"code": 200, "message": "success", "requestId": "1",
                "data": {"iotToken": iot_token, "resources": {"mqtt": {"port": self.mqtt_port,
                                                                       "host": "127.0.0.1"}},
                         "iotId": iot_id}}

    def register(self, f):
        key = self.products.get(f.get("productKey"))
        if key is None or not {"deviceName", "random", "sign", "signMethod"} <= f.keys():
            return {"code": 400, "message": "bad request"}
        content = f"deviceName{f['deviceName']}productKey{f['productKey']}random{f['random']}"
        if not hmac.compare_digest(sign(f["signMethod"], key, content), f["sign"].lower()):
            return {"code": 401, "message": "signature check failed"}
        secret = self.devices.get((f["productKey"], f["deviceName"]))
        if secret is None:
            return {"code": 6288, "message": "device not pre-registered"}
        return {"code": 200, "message": "success", "data": {
            "deviceSecret": secret, "productKey": f["productKey"], "deviceName": f["deviceName"]}}


def serve_https(platform, work, port):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            form_ok = self.headers.get("Content-Type") == "application/x-www-form-urlencoded"
            try:
                fields = dict(parse_qsl(body, strict_parsing=True, keep_blank_values=True))
            except ValueError:
                fields, form_ok = {}, False
            platform.requests.append((self.path, fields, form_ok))
            if not form_ok:
                reply = {"code": 400, "message": "not a form"}
            elif self.path == "/auth/devicename":
                reply = platform.auth(fields)
            elif self.path == "/auth/register/device":
                reply = platform.register(fields)
            else:
                reply = {"code": 404, "message": "no such path"}
            data = json.dumps(reply, ensure_ascii=True, indent=1).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(work, "server.pem"), os.path.join(work, "server.key"))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(*args):
    r = subprocess.run([HTTPS_AUTH, *args], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def main():
    work = tempfile.mkdtemp(prefix="aliyun-https-")
    broker = server = None
    token = lambda: pysecrets.token_hex(16)  # noqa: E731
    pk, pk2 = "a1B2c3D4e5F", "k2ProdKey01"
    devices = {(pk, "https-dev-01"): token(), (pk2, "reg-dev-01"): token(),
               (pk2, "reg-dev-02"): "S3cr3t!\"\\/" + token()}
    products = {pk2: token()}
    tokens = {(pk, "https-dev-01"): ("j2Hv3J3n0sAd9N5dRv8m" + token()[:6], token())}
    try:
        make_certs(work)
        ca = os.path.join(work, "ca.pem")
        with open(os.path.join(work, "secrets.csv"), "w") as f:
            f.writelines(f"{p},{d},{s}\n" for (p, d), s in devices.items())
        with open(os.path.join(work, "products.csv"), "w") as f:
            f.writelines(f"{p},{s}\n" for p, s in products.items())
        with open(os.path.join(work, "tokens.csv"), "w") as f:
            f.writelines(f"{i},{t}\n" for i, t in tokens.values())
        tls, https_port = free_port(), free_port()
        broker = start_mosquitto(MOSQUITTO, PLUGIN, work, {
            "secrets_file": f"{work}/secrets.csv", "products_file": f"{work}/products.csv",
            "tokens_file": f"{work}/tokens.csv"}, tls=tls)
        platform = Platform(devices, products, tokens, tls)
        server = serve_https(platform, work, https_port)
        url = f"https://127.0.0.1:{https_port}"
        mqtt = ["--mqtt-host", "127.0.0.1", "--mqtt-port", str(tls), "--mqtt-cafile", ca]

        # PROTOCOL.md §3: HTTPS authentication, then MQTT with iotId/iotToken.
        ds = devices[(pk, "https-dev-01")]
        for method in ("hmacmd5", "hmacsha1", "hmacsha256"):
            rc, out = run("auth", "--url", url, "--cafile", ca, "--product-key", pk,
                          "--device-name", "https-dev-01", "--device-secret", ds,
                          "--client-id", "SN-0001", "--timestamp", "2524608000000",
                          "--sign-method", method, "--topic", f"/{pk}/https-dev-01/user/up")
            check(rc == 0 and "auth: iotId=" in out and "mqtt: connected" in out
                  and "mqtt: published" in out, f"HTTPS auth ({method}) then MQTT: {out.strip()!r}")
        path, fields, form_ok = platform.requests[-1]
        check(path == "/auth/devicename" and form_ok and fields["clientId"] == "SN-0001"
              and fields["version"] == "default" and fields["resources"] == "mqtt",
              f"the request the server saw: {path} {sorted(fields)}")
        rc, out = run("auth", "--url", url, "--cafile", ca, "--product-key", pk,
                      "--device-name", "https-dev-01", "--device-secret", "wrong" + ds)
        check(rc == 1 and "server refused: code 401" in out and "signature check failed" in out
              and "\u7b7e\u540d" in out, f"refused HTTPS auth passes the message back: {out.strip()!r}")

        # PROTOCOL.md §4 over HTTPS: the DeviceSecret, then MQTT with it.
        ps = products[pk2]
        rc, out = run("register-https", "--url", url, "--cafile", ca, "--product-key", pk2,
                      "--device-name", "reg-dev-02", "--product-secret", ps, "--random",
                      "a1b2c3d4e5f6g7h", *mqtt)
        check(rc == 0 and "DeviceSecret received over HTTPS" in out and "mqtt: connected" in out,
              f"HTTPS registration then MQTT: {out.strip()!r}")
        rc, out = run("register-https", "--url", url, "--cafile", ca, "--product-key", pk2,
                      "--device-name", "reg-dev-02", "--product-secret", "wrong" + ps, "--random",
                      "a1b2c3d4e5f6g7h", *mqtt)
        check(rc == 1 and "code 401" in out, f"HTTPS registration with a wrong secret: {out.strip()!r}")

        # PROTOCOL.md §4 over MQTT: /ext/register, store the secret, reconnect with it.
        secret_file = os.path.join(work, "device_secret")
        rc, out = run("register-mqtt", "--product-key", pk2, "--device-name", "reg-dev-01",
                      "--product-secret", ps, "--random", "Zx9Yw8Vu7Ts6Rq5", "--secret-file",
                      secret_file, *mqtt)
        check(rc == 0 and "reply on /ext/register" in out and out.count("mqtt: connected") == 2,
              f"MQTT registration, then PROTOCOL.md §1 with the stored secret: {out.strip()!r}")
        check(read(secret_file).strip() == devices[(pk2, "reg-dev-01")], "stored DeviceSecret is the broker's")
        rc, out = run("register-mqtt", "--product-key", pk2, "--device-name", "nwl-dev-01",
                      "--product-secret", ps, "--random", "Zx9Yw8Vu7Ts6Rq5", "--nwl", *mqtt)
        check(rc == 0 and "reply on /ext/regnwl" in out and out.count("mqtt: connected") == 2
              and "|securemode=-2,authType=connwl|" in out, f"regnwl then connwl: {out.strip()!r}")
        rc, out = run("register-mqtt", "--product-key", pk2, "--device-name", "reg-dev-01",
                      "--product-secret", "wrong" + ps, "--random", "Zx9Yw8Vu7Ts6Rq5", *mqtt)
        check(rc == 1 and "refused the connection (rc=5)" in out, f"wrong ProductSecret: {out.strip()!r}")
        rc, out = run("register-mqtt", "--product-key", pk2, "--device-name", "not-registered",
                      "--product-secret", ps, "--random", "Zx9Yw8Vu7Ts6Rq5", *mqtt)
        check(rc == 1 and "rc=5" in out, f"authType=register for a device not pre-registered: {out.strip()!r}")
    finally:
        if server is not None:
            server.shutdown()
        stop(broker)
        log = read(os.path.join(work, "mosquitto.log"))
        shutil.rmtree(work, ignore_errors=True)
    check("register: k2ProdKey01/reg-dev-01 gets its secret" in log
          and "regnwl: k2ProdKey01/nwl-dev-01 gets a device token" in log
          and "device not pre-registered" in log, "registrations and refusals logged")
    leaked = [s for s in [*devices.values(), *products.values(), *(t for _, t in tokens.values())]
              if s in log]
    check(not leaked, "no secret or token in the broker log")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
