"""python -m aliyun_mqtt_sign: the command-line tool of the C library
(c_examples/sign_demo.c) over this package, with its subcommands, flags,
output (name=value lines, or one JSON object with --json) and exit status
(0 success, 2 bad input with one line on stderr, 3 when explain finds a
problem).

    python -m aliyun_mqtt_sign [sign] [FLAGS]   client_id, username, password, host, port
    python -m aliyun_mqtt_sign auth-body [FLAGS]  host, port, path, body
    python -m aliyun_mqtt_sign register [FLAGS]   the MQTT CONNECT fields, or --https
    python -m aliyun_mqtt_sign explain [FLAGS]    what the platform does with a CONNECT
    python -m aliyun_mqtt_sign topo-add|topo-delete|login|batch-login|logout|
                               batch-logout|product-register [FLAGS]
                                                a gateway's sub-device message: topic, payload
    python -m aliyun_mqtt_sign ntp-request [FLAGS]  topic, payload

With no device flags, sign and auth-body use the golden device
a14Xib5kdYd/light1983432: client id SN1928339, timestamp 1539421321846,
hmacsha1, tcp."""
import argparse
import json
import sys
import time

import aliyun_mqtt_sign as ams

GOLDEN = dict(product_key="a14Xib5kdYd", device_name="light1983432",
              device_secret="oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq", client_id="SN1928339",
              timestamp_ms=1539421321846, sign_method="hmacsha1", secure_mode="tcp")
FIELDS = {ams.Field.CLIENT_ID: "mqtt_client_id", ams.Field.USERNAME: "username",
          ams.Field.PASSWORD: "password", ams.Field.KEEPALIVE: "keepalive",
          ams.Field.SECRET: "device_secret"}


# The gateway subcommands: their topic, whether each --subdev carries a
# secret (PK/DN/DS) and how many sub-devices they take.
SIGNED, NAMED, REGISTER = "PK/DN/DS", "PK/DN", "PK/DN/PS/R"
GATEWAY = {
    "topo-add": (ams.Topic.TOPO_ADD, SIGNED, "many"),
    "topo-delete": (ams.Topic.TOPO_DELETE, NAMED, "many"),
    "login": (ams.Topic.LOGIN, SIGNED, "one"),
    "batch-login": (ams.Topic.BATCH_LOGIN, SIGNED, "many"),
    "logout": (ams.Topic.LOGOUT, NAMED, "one"),
    "batch-logout": (ams.Topic.BATCH_LOGOUT, NAMED, "many"),
    "product-register": (ams.Topic.PRODUCT_REGISTER, REGISTER, "many"),
}


def _u64(text):
    if not text.isdigit() or len(text) > 20 or int(text) >= 1 << 64:
        raise argparse.ArgumentTypeError(f"not a number from 0 to 2**64-1: {text!r}")
    return int(text)


def _u32(text):
    if not text.isdigit() or len(text) > 10 or int(text) >= 1 << 32:
        raise argparse.ArgumentTypeError(f"not a number from 0 to 2**32-1: {text!r}")
    return int(text)


def _parser():
    p = argparse.ArgumentParser(prog="python -m aliyun_mqtt_sign", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=ams.version())
    sub = p.add_subparsers(dest="command")

    def common(s, device=True):
        s.add_argument("--json", action="store_true", help="one JSON object")
        if device:
            s.add_argument("--product-key", metavar="PK")
            s.add_argument("--device-name", metavar="DN")
            s.add_argument("--client-id", metavar="ID", help="MQTT client id (PK.DN)")
            s.add_argument("--sign-method", metavar="METHOD", help="hmacmd5|hmacsha1|hmacsha256|sha256")
            s.add_argument("--secure-mode", metavar="MODE", help="tls|tcp (register: tls|tls-instance)")
            s.add_argument("--region", default="cn-shanghai", help="region id (cn-shanghai)")
            s.add_argument("--uppercase", action="store_true", help="upper-case hex digits")

    for name in ("sign", "auth-body"):
        s = sub.add_parser(name)
        common(s)
        s.add_argument("--device-secret", metavar="DS")
        s.add_argument("--timestamp", metavar="MS", type=_u64, help="ms since 1970, 0 for none")
        if name == "sign":
            s.add_argument("--extra", metavar="K=V,...", help="more client id parameters")
    s = sub.add_parser("register")
    common(s)
    s.add_argument("--product-secret", metavar="PS")
    s.add_argument("--random", metavar="R")
    s.add_argument("--instance-id", metavar="ID")
    s.add_argument("--nwl", action="store_true", help="authType=regnwl")
    s.add_argument("--https", action="store_true", help="the HTTPS request instead")
    s = sub.add_parser("explain")
    common(s, device=False)
    s.add_argument("--mqtt-client-id", metavar="CID", required=True)
    s.add_argument("--username", metavar="U", required=True)
    s.add_argument("--password", metavar="P", required=True)
    s.add_argument("--device-secret", metavar="DS")
    s.add_argument("--keepalive", metavar="SECONDS", type=int)
    for name, (_, form, _) in GATEWAY.items():
        s = sub.add_parser(name)
        common(s, device=False)
        s.add_argument("--product-key", metavar="PK", required=True, help="the gateway's")
        s.add_argument("--device-name", metavar="DN", required=True, help="the gateway's")
        s.add_argument("--subdev", metavar=form, action="append", required=True,
                       help="a sub-device, once per sub-device")
        s.add_argument("--id", metavar="N", type=_u32, default=1, help="message id (1)")
        if form != NAMED:
            s.add_argument("--sign-method", metavar="METHOD", default="hmacsha256",
                           help="hmacmd5|hmacsha1|hmacsha256")
        if form == SIGNED:
            s.add_argument("--timestamp", metavar="MS", type=_u64,
                           help="every sub-device's timestamp (now)")
            s.add_argument("--client-id", metavar="ID", help="client id of a lone sub-device")
        if name in ("login", "batch-login"):
            s.add_argument("--clean-session", action="store_true", help="cleanSession true")
    s = sub.add_parser("ntp-request")
    common(s, device=False)
    s.add_argument("--product-key", metavar="PK", required=True)
    s.add_argument("--device-name", metavar="DN", required=True)
    s.add_argument("--device-send-time", metavar="MS", type=_u64, required=True)
    return p


def _print(pairs, as_json):
    if as_json:
        print(json.dumps(dict(pairs), separators=(",", ":"), ensure_ascii=False))
    else:
        for name, value in pairs:
            print(f"{name}={value}")


def _options(a):
    kw = {}
    if a.client_id is not None:
        kw["client_id"] = a.client_id
    if a.sign_method is not None:
        kw["sign_method"] = a.sign_method
    if a.secure_mode is not None:
        kw["secure_mode"] = a.secure_mode
    return kw


def _device(a):
    given = [a.product_key, a.device_name, a.device_secret]
    if not any(v is not None for v in given):
        kw = dict(GOLDEN)
    elif any(v is None for v in given):
        raise SystemExit(_usage("--product-key, --device-name and --device-secret go together"))
    else:
        kw = dict(product_key=a.product_key, device_name=a.device_name,
                  device_secret=a.device_secret)
    kw.update(_options(a))
    if a.timestamp is not None:
        kw["timestamp_ms"] = a.timestamp or None
    return kw


def _usage(message):
    print(f"aliyun-mqtt-sign: {message} (see --help)", file=sys.stderr)
    return 2


def _run(a):
    if a.command == "sign":
        kw = _device(a)
        pk, dn, ds = kw.pop("product_key"), kw.pop("device_name"), kw.pop("device_secret")
        c = ams.sign(pk, dn, ds, extra_params=a.extra, uppercase=a.uppercase, region_id=a.region,
                     **kw)
        _print([("client_id", c.client_id), ("username", c.username), ("password", c.password),
                ("host", c.host), ("port", c.port)], a.json)
    elif a.command == "auth-body":
        kw = _device(a)
        kw.pop("secure_mode", None)
        pk, dn, ds = kw.pop("product_key"), kw.pop("device_name"), kw.pop("device_secret")
        body = ams.auth_body(pk, dn, ds, uppercase=a.uppercase, **kw)
        _print([("host", ams.auth_host(a.region)), ("port", ams.HTTPS_PORT),
                ("path", ams.auth_path()), ("body", body)], a.json)
    elif a.command == "register":
        if None in (a.product_key, a.device_name, a.product_secret, a.random):
            return _usage("register needs --product-key, --device-name, --product-secret "
                          "and --random")
        if a.https:
            kw = {k: v for k, v in _options(a).items() if k == "sign_method"}
            body = ams.register_body(a.product_key, a.device_name, a.product_secret, a.random,
                                     uppercase=a.uppercase, **kw)
            _print([("host", ams.auth_host(a.region)), ("port", ams.HTTPS_PORT),
                    ("path", ams.register_path()), ("body", body)], a.json)
        else:
            c = ams.register_sign(a.product_key, a.device_name, a.product_secret, a.random,
                                  instance_id=a.instance_id, uppercase=a.uppercase,
                                  auth_type="regnwl" if a.nwl else "register",
                                  region_id=a.region, **_options(a))
            _print([("client_id", c.client_id), ("username", c.username),
                    ("password", c.password), ("host", c.host), ("port", c.port)], a.json)
    elif a.command == "explain":
        e = ams.explain(a.mqtt_client_id, a.username, a.password, a.device_secret,
                        -1 if a.keepalive is None else a.keepalive)
        pairs = [("verdict", e.verdict.name), ("reason", e.message),
                 ("field", FIELDS.get(e.field, "none")), ("offset", e.offset),
                 ("length", e.length)]
        if e.identity is not None:
            i = e.identity
            pairs += [("client_id", i.client_id), ("product_key", i.product_key),
                      ("device_name", i.device_name), ("sign_method", i.sign_method.value),
                      ("secure_mode", int(i.secure_mode))]
            if i.timestamp_ms is not None:
                pairs.append(("timestamp", i.timestamp_ms))
            if i.auth_type is not None:
                pairs.append(("auth_type", i.auth_type.value))
            params = a.mqtt_client_id.partition("|")[2].rstrip("|")
            pairs += [(f"param.{k}", v) for k, eq, v in
                      (kv.partition("=") for kv in params.split(",")) if eq]
            pairs.append(("content", e.content))
        if e.expected_password:
            pairs.append(("expected_password", e.expected_password))
        if e.uppercase_hex:
            pairs.append(("uppercase_hex", "true"))
        _print([(k, str(v)) for k, v in pairs], a.json)
        return 0 if e.verdict in (ams.Verdict.ACCEPTED, ams.Verdict.UNCHECKED) else 3
    elif a.command in GATEWAY:
        return _gateway(a)
    elif a.command == "ntp-request":
        _print([("topic", ams.topic(ams.Topic.NTP_REQUEST, a.product_key, a.device_name)),
                ("payload", ams.ntp_request(a.device_send_time))], a.json)
    return 0


def _gateway(a):
    """A gateway's sub-device message: its topic and payload."""
    kind, form, count = GATEWAY[a.command]
    if count == "one" and len(a.subdev) > 1:
        return _usage(f"{a.command} takes one --subdev")
    if getattr(a, "client_id", None) is not None and len(a.subdev) > 1:
        return _usage("--client-id needs a lone --subdev")
    topic = ams.topic(kind, a.product_key, a.device_name)
    subs = []
    for i, text in enumerate(a.subdev, 1):
        parts = text.split("/", 2)
        if form == REGISTER:
            # The random (letters and digits) after the last slash, so the
            # ProductSecret may hold slashes.
            if len(parts) < 3 or "/" not in parts[2]:
                return _usage(f"--subdev {i}: not {form}")
            secret, _, random = parts[2].rpartition("/")
            subs.append(ams.SubdevRegistration(parts[0], parts[1], secret, random))
        elif len(parts) < (3 if form == SIGNED else 2):
            return _usage(f"--subdev {i}: not {form}")
        elif form == SIGNED:
            ts = a.timestamp if a.timestamp is not None else int(time.time() * 1000)
            subs.append(ams.Subdev(parts[0], parts[1], parts[2], client_id=a.client_id,
                                   timestamp_ms=ts,
                                   clean_session=getattr(a, "clean_session", False)))
        else:
            subs.append(ams.Subdev(parts[0], parts[1]))
    build = {"topo-add": ams.subdev_topo_add, "batch-login": ams.subdev_batch_login,
             "product-register": ams.subdev_product_register,
             "topo-delete": ams.subdev_topo_delete, "batch-logout": ams.subdev_batch_logout}
    if a.command == "login":
        payload = ams.subdev_login(a.id, subs[0], a.sign_method)
    elif a.command == "logout":
        payload = ams.subdev_logout(a.id, subs[0])
    elif form == NAMED:
        payload = build[a.command](a.id, subs)
    else:
        payload = build[a.command](a.id, subs, a.sign_method)
    _print([("topic", topic), ("payload", payload)], a.json)
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = ("sign", "auth-body", "register", "explain", "ntp-request", *GATEWAY)
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "sign")
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ams.AliyunMqttError as e:
        print(f"aliyun-mqtt-sign: {e.message} ({e.status})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
