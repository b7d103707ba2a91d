"""HTTPS authentication and registration on loopback: a small TLS server
(Python's http.server and ssl, a throw-away CA for 127.0.0.1) checks each
form's sign with hmac the way the platform does and answers as it does;
the package builds the bodies, urllib posts them, the package parses the
replies: iotId/iotToken and the MQTT host on success, the server's code and
message on a refusal, the DeviceSecret of a registration (which then signs
a CONNECT the verifier accepts)."""
import hashlib
import hmac
import http.server
import json
import ssl
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

import aliyun_mqtt_sign as ams

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from loopback import make_certs  # noqa: E402

DEVICES = {("a1pk", "dev-0001"): "DevS3cret"}
PRODUCT_SECRETS = {"a1pk": "PrOdUcTs3cReT"}
ALGOS = {"hmacmd5": hashlib.md5, "hmacsha1": hashlib.sha1, "hmacsha256": hashlib.sha256}


def answer(path, f):
    pk, dn = f.get("productKey", ""), f.get("deviceName", "")
    if path == "/auth/devicename":
        secret = DEVICES.get((pk, dn))
        content = f"clientId{f.get('clientId', '')}deviceName{dn}productKey{pk}"
        if "timestamp" in f:
            content += "timestamp" + f["timestamp"]
        algo = ALGOS.get(f.get("signmethod", "").lower())
        if secret is None or algo is None:
            return {"code": 401, "message": "device not found"}
        if hmac.new(secret.encode(), content.encode(), algo).hexdigest() != f["sign"].lower():
            return {"code": 401, "message": "sign error"}
        return {"code": 200, "message": "success", "data": {
            "iotId": "iot-" + dn, "iotToken": "token-" + dn,
            "resources": {"mqtt": {"host": f"{pk}.iot-as-mqtt.cn-shanghai.aliyuncs.com",
                                   "port": 1883}}}}
    if path == "/auth/register/device":
        ps = PRODUCT_SECRETS.get(pk)
        content = f"deviceName{dn}productKey{pk}random{f.get('random', '')}"
        if ps is None or hmac.new(ps.encode(), content.encode(),
                                  hashlib.sha256).hexdigest() != f.get("sign", "").lower():
            return {"code": 6288, "message": "sign check error"}
        return {"code": 200, "message": "success", "data": {
            "productKey": pk, "deviceName": dn, "deviceSecret": DEVICES.get((pk, dn), "")}}
    return {"code": 404, "message": "no such path"}


@pytest.fixture
def server(tmp_path):
    make_certs(str(tmp_path))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            data = json.dumps(answer(self.path, dict(parse_qsl(body)))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    client = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))

    def post(path, body):
        req = urllib.request.Request(f"https://127.0.0.1:{httpd.server_address[1]}{path}",
                                     body.encode(), {"Content-Type":
                                                     "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, context=client, timeout=10) as r:
            return r.read()

    yield post
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


@pytest.mark.parametrize("method", sorted(ALGOS))
def test_https_auth(server, method):
    body = ams.auth_body("a1pk", "dev-0001", "DevS3cret", timestamp_ms=1700000000000,
                         sign_method=method, uppercase=method == "hmacmd5")
    reply = ams.parse_auth_reply(server(ams.auth_path(), body))
    assert reply == ams.AuthReply(200, "success", "iot-dev-0001", "token-dev-0001",
                                  "a1pk.iot-as-mqtt.cn-shanghai.aliyuncs.com", 1883)


def test_https_auth_refused(server):
    body = ams.auth_body("a1pk", "dev-0001", "WrongSecret")
    err = pytest.raises(ams.AliyunMqttError, ams.parse_auth_reply,
                        server(ams.auth_path(), body)).value
    assert err.status == "ALIYUN_MQTT_ERR_SERVER_REFUSED"
    assert (err.reply.code, err.reply.message) == (401, "sign error")


def test_https_registration_then_connect(server):
    body = ams.register_body("a1pk", "dev-0001", "PrOdUcTs3cReT", "Rnd0123456789ab")
    reply = ams.parse_register_reply(server(ams.register_path(), body))
    assert (reply.code, reply.device_secret) == (200, "DevS3cret")
    c = ams.sign(reply.product_key, reply.device_name, reply.device_secret)
    assert ams.verify(c.client_id, c.username, c.password, "DevS3cret").device_name == "dev-0001"
    bad = ams.register_body("a1pk", "dev-0001", "not-the-secret", "Rnd0123456789ab")
    err = pytest.raises(ams.AliyunMqttError, ams.parse_register_reply,
                        server(ams.register_path(), bad)).value
    assert (err.status, err.reply.code) == ("ALIYUN_MQTT_ERR_SERVER_REFUSED", 6288)
