/* aliyun-mqtt-sign: print the MQTT CONNECT credentials of a device.
 *
 * Written against include/aliyun_mqtt_sign.h only. The protocol is
 * described in docs/PROTOCOL.md:
 *
 *   aliyun-mqtt-sign [FLAGS]            sign (PROTOCOL.md §1, endpoints §2):
 *                                       client_id, username, password, host,
 *                                       port; with no device flags the second
 *                                       golden device of PROTOCOL.md §1.8
 *   aliyun-mqtt-sign auth-body [FLAGS]  HTTPS authentication (PROTOCOL.md §3):
 *                                       host, port, path, body
 *   aliyun-mqtt-sign register [FLAGS]   dynamic registration (PROTOCOL.md §4):
 *                                       the MQTT CONNECT fields (authType=
 *                                       register, or regnwl with --nwl), or
 *                                       with --https the HTTPS request
 *   aliyun-mqtt-sign topo-add|topo-delete|login|batch-login|logout|
 *                    batch-logout|product-register [FLAGS]
 *                                       a gateway's sub-device message
 *                                       (PROTOCOL.md §6): topic, payload
 *   aliyun-mqtt-sign ntp-request [FLAGS]
 *                                       time over MQTT (PROTOCOL.md §7):
 *                                       topic, payload
 *   aliyun-mqtt-sign help [SUBCOMMAND]  usage (also --help, -h, SUB --help)
 *   aliyun-mqtt-sign --version
 *
 * The flags, their values, defaults and subcommands are the `flags` table
 * below, which both the parser and the usage text read.
 *
 * Exit status: 0 on success; 1 when standard output cannot be written; 2 on
 * bad input (one line on stderr naming the flag, and the library status or
 * a pointer to --help). Arguments that are not flags are named by their
 * position, never echoed: they may be secrets whose flag was forgotten.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aliyun_mqtt_sign.h"
#include "json_escape.h"

#define PROG "aliyun-mqtt-sign"
/* Exit status of `explain` when it found a problem (its output is still
 * written and checked like any other). */
#define EXIT_VERDICT 3

/* Subcommands, as bits so that a flag can name the ones that take it. */
enum {
    CMD_SIGN = 1,
    CMD_AUTH_BODY = 2,
    CMD_REGISTER = 4,
    CMD_TOPO_ADD = 8,
    CMD_TOPO_DELETE = 16,
    CMD_LOGIN = 32,
    CMD_BATCH_LOGIN = 64,
    CMD_LOGOUT = 128,
    CMD_BATCH_LOGOUT = 256,
    CMD_PRODUCT_REGISTER = 512,
    CMD_NTP_REQUEST = 1024,
    CMD_DEVICE = CMD_SIGN | CMD_AUTH_BODY,
    CMD_CREDENTIALS = CMD_SIGN | CMD_AUTH_BODY | CMD_REGISTER,
    /* Sub-device messages signed with each DeviceSecret. */
    CMD_SUB_SIGNED = CMD_TOPO_ADD | CMD_LOGIN | CMD_BATCH_LOGIN,
    /* Sub-device messages that only name the sub-devices. */
    CMD_SUB_NAMED = CMD_TOPO_DELETE | CMD_LOGOUT | CMD_BATCH_LOGOUT,
    CMD_GATEWAY = CMD_SUB_SIGNED | CMD_SUB_NAMED | CMD_PRODUCT_REGISTER,
    CMD_MESSAGE = CMD_GATEWAY | CMD_NTP_REQUEST,
    CMD_EXPLAIN = 2048,
    CMD_ALL = CMD_CREDENTIALS | CMD_MESSAGE | CMD_EXPLAIN,
};

static const struct command {
    const char *name; /* "" for the default sign */
    unsigned bit;
    const char *summary; /* its line in the main usage */
    const char *about;   /* the top of its own usage */
    const char *example; /* the arguments after PROG */
} commands[] = {
    {"", CMD_SIGN, "sign: the MQTT CONNECT fields, host and port", "",
     "--product-key a1B2c3D4e5F --device-name dev1 \\\n"
     "      --device-secret S3cr3t --json"},
    {"auth-body", CMD_AUTH_BODY, "the HTTPS authentication request",
     "The HTTPS authentication request of a device: host, port, path and the\n"
     "form body to POST.\n",
     "auth-body --region ap-southeast-1"},
    {"register", CMD_REGISTER, "dynamic registration: MQTT fields or HTTPS request",
     "Dynamic registration by the ProductSecret: the MQTT CONNECT fields\n"
     "(authType=register, or regnwl with --nwl), or with --https the HTTPS\n"
     "request: host, port, path and body.\n",
     "register --product-key a1B2c3D4e5F --device-name dev1 \\\n"
     "      --product-secret Ks3Prod --random abc123 --https"},
    {"topo-add", CMD_TOPO_ADD, "gateway: add sub-devices to its topology",
     "The message a gateway publishes to add sub-devices to its topology:\n"
     "topic and payload, each sub-device signed with its DeviceSecret.\n",
     "topo-add --product-key gwPk01 --device-name gw-01 \\\n"
     "      --subdev a1B2c3D4e5F/sensor-01/S3cr3t --timestamp 1700000000000"},
    {"topo-delete", CMD_TOPO_DELETE, "gateway: remove sub-devices from it",
     "The message a gateway publishes to remove sub-devices from its\n"
     "topology: topic and payload.\n",
     "topo-delete --product-key gwPk01 --device-name gw-01 \\\n"
     "      --subdev a1B2c3D4e5F/sensor-01"},
    {"login", CMD_LOGIN, "gateway: log one sub-device in",
     "The message a gateway publishes to bring one sub-device online:\n"
     "topic and payload, signed with the sub-device's DeviceSecret.\n",
     "login --product-key gwPk01 --device-name gw-01 \\\n"
     "      --subdev a1B2c3D4e5F/sensor-01/S3cr3t --clean-session"},
    {"batch-login", CMD_BATCH_LOGIN, "gateway: log up to 50 sub-devices in",
     "The message a gateway publishes to bring up to 50 sub-devices online:\n"
     "topic and payload, each signed with its DeviceSecret.\n",
     "batch-login --product-key gwPk01 --device-name gw-01 \\\n"
     "      --subdev a1B2c3D4e5F/sensor-01/S3cr3t --subdev a1B2c3D4e5F/sensor-02/S2"},
    {"logout", CMD_LOGOUT, "gateway: log one sub-device out",
     "The message a gateway publishes to take one sub-device offline:\n"
     "topic and payload.\n",
     "logout --product-key gwPk01 --device-name gw-01 \\\n"
     "      --subdev a1B2c3D4e5F/sensor-01"},
    {"batch-logout", CMD_BATCH_LOGOUT, "gateway: log up to 50 sub-devices out",
     "The message a gateway publishes to take up to 50 sub-devices offline:\n"
     "topic and payload.\n",
     "batch-logout --product-key gwPk01 --device-name gw-01 \\\n"
     "      --subdev a1B2c3D4e5F/sensor-01 --subdev a1B2c3D4e5F/sensor-02"},
    {"product-register", CMD_PRODUCT_REGISTER, "gateway: register sub-devices by product",
     "The message a gateway publishes to register sub-devices by their\n"
     "products' ProductSecret: topic and payload (the reply carries each\n"
     "DeviceSecret).\n",
     "product-register --product-key gwPk01 --device-name gw-01 \\\n"
     "      --subdev a1B2c3D4e5F/sensor-01/Ks3Prod/abc123"},
    {"ntp-request", CMD_NTP_REQUEST, "time over MQTT: the request",
     "The request a device publishes to learn the time: topic and payload.\n"
     "The response's times and the counter at its arrival give the time.\n",
     "ntp-request --product-key a1B2c3D4e5F --device-name dev1 \\\n"
     "      --device-send-time 1040"},
    {"explain", CMD_EXPLAIN, "why the platform would refuse captured CONNECT fields",
     "Why the platform would refuse a CONNECT: the parsed fields, the content\n"
     "it signs and the first problem found (verdict= and reason=). With the\n"
     "secret, also the password it expects, and a refused password is signed\n"
     "again over the contents common mistakes build to name the cause. The\n"
     "secret is never printed. Exit status 0 when accepted (or, without the\n"
     "secret, well-formed), 3 with a verdict, 2 for a usage error.\n",
     "explain --mqtt-client-id 'c1|securemode=2|' \\\n"
     "      --username 'dev1&a1B2c3D4e5F' --device-secret S3cr3t \\\n"
     "      --password 3a2b4d64f731684607713d13caf480fc"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

enum flag_id {
    F_PRODUCT_KEY, F_DEVICE_NAME, F_DEVICE_SECRET, F_PRODUCT_SECRET, F_RANDOM,
    F_CLIENT_ID, F_TIMESTAMP, F_SIGN_METHOD, F_SECURE_MODE, F_EXTRA,
    F_INSTANCE_ID, F_NWL, F_HTTPS, F_REGION, F_UPPERCASE, F_SUBDEV, F_ID,
    F_CLEAN_SESSION, F_DEVICE_SEND_TIME, F_MQTT_CLIENT_ID, F_USERNAME, F_PASSWORD, F_KEEPALIVE,
    F_JSON, F_HELP, F_VERSION,
};

/* One row per flag and group of subcommands; a flag whose values or
 * default differ between subcommands has one row for each. The main usage
 * prints the rows in this order under three headings (group_heading). */
static const struct flag {
    enum flag_id id;
    const char *name;
    const char *alias; /* a short name, or NULL */
    const char *value; /* placeholder of its value; NULL: a switch */
    const char *dflt;  /* NULL: none (required, or an action) */
    const char *help;
    unsigned cmds;
} flags[] = {
    {F_PRODUCT_KEY, "--product-key", NULL, "PK", "the golden device", "ProductKey", CMD_DEVICE},
    {F_DEVICE_NAME, "--device-name", NULL, "DN", "the golden device", "DeviceName", CMD_DEVICE},
    {F_DEVICE_SECRET, "--device-secret", NULL, "DS", "the golden device", "DeviceSecret",
     CMD_DEVICE},
    {F_CLIENT_ID, "--client-id", NULL, "ID", "PK.DN", "MQTT client id", CMD_DEVICE},
    {F_TIMESTAMP, "--timestamp", NULL, "MS", "none", "milliseconds since 1970, 0 for none",
     CMD_DEVICE},
    {F_SIGN_METHOD, "--sign-method", NULL, "METHOD", "hmacsha256",
     "hmacmd5|hmacsha1|hmacsha256|sha256 (sha256: sign only)", CMD_DEVICE},
    {F_SECURE_MODE, "--secure-mode", NULL, "MODE", "tls", "tls|tcp", CMD_DEVICE},
    {F_EXTRA, "--extra", NULL, "K=V,...", "none", "sign only: more client id parameters",
     CMD_SIGN},
    {F_PRODUCT_KEY, "--product-key", NULL, "PK", NULL, "ProductKey (required)", CMD_REGISTER},
    {F_DEVICE_NAME, "--device-name", NULL, "DN", NULL, "DeviceName (required)", CMD_REGISTER},
    {F_PRODUCT_SECRET, "--product-secret", NULL, "PS", NULL, "ProductSecret (required)",
     CMD_REGISTER},
    {F_RANDOM, "--random", NULL, "R", NULL, "1 to 32 letters and digits (required)",
     CMD_REGISTER},
    {F_CLIENT_ID, "--client-id", NULL, "ID", "PK.DN", "MQTT client id", CMD_REGISTER},
    {F_SIGN_METHOD, "--sign-method", NULL, "METHOD", "hmacsha256", "hmacmd5|hmacsha1|hmacsha256",
     CMD_REGISTER},
    {F_SECURE_MODE, "--secure-mode", NULL, "MODE", "tls", "tls|tls-instance", CMD_REGISTER},
    {F_INSTANCE_ID, "--instance-id", NULL, "ID", "none", "instanceId=ID, and the instance's host",
     CMD_REGISTER},
    {F_NWL, "--nwl", NULL, NULL, "authType=register",
     "authType=regnwl, no preregistration", CMD_REGISTER},
    {F_HTTPS, "--https", NULL, NULL, "the MQTT fields",
     "print the HTTPS request instead", CMD_REGISTER},
    {F_REGION, "--region", NULL, "REGION", "cn-shanghai", "region id", CMD_CREDENTIALS},
    {F_UPPERCASE, "--uppercase", NULL, NULL, "lower case", "upper-case hex digits",
     CMD_CREDENTIALS},
    {F_PRODUCT_KEY, "--product-key", NULL, "PK", NULL, "the gateway's ProductKey (required)",
     CMD_GATEWAY},
    {F_DEVICE_NAME, "--device-name", NULL, "DN", NULL, "the gateway's DeviceName (required)",
     CMD_GATEWAY},
    {F_SUBDEV, "--subdev", NULL, "SUB", NULL,
     "PK/DN/DS: a sub-device, once per sub-device (required)", CMD_SUB_SIGNED},
    {F_SUBDEV, "--subdev", NULL, "SUB", NULL,
     "PK/DN: a sub-device, once per sub-device (required)", CMD_SUB_NAMED},
    {F_SUBDEV, "--subdev", NULL, "SUB", NULL,
     "PK/DN/PS/R: its ProductSecret and random (required)",
     CMD_PRODUCT_REGISTER},
    {F_ID, "--id", NULL, "N", "1", "message id, 0 to 4294967295", CMD_GATEWAY},
    {F_TIMESTAMP, "--timestamp", NULL, "MS", "now", "every sub-device's timestamp",
     CMD_SUB_SIGNED},
    {F_CLIENT_ID, "--client-id", NULL, "ID", "PK.DN", "client id of a lone sub-device",
     CMD_SUB_SIGNED},
    {F_SIGN_METHOD, "--sign-method", NULL, "METHOD", "hmacsha256", "hmacmd5|hmacsha1|hmacsha256",
     CMD_SUB_SIGNED | CMD_PRODUCT_REGISTER},
    {F_CLEAN_SESSION, "--clean-session", NULL, NULL, "false", "cleanSession true",
     CMD_LOGIN | CMD_BATCH_LOGIN},
    {F_PRODUCT_KEY, "--product-key", NULL, "PK", NULL, "ProductKey (required)", CMD_NTP_REQUEST},
    {F_DEVICE_NAME, "--device-name", NULL, "DN", NULL, "DeviceName (required)", CMD_NTP_REQUEST},
    {F_DEVICE_SEND_TIME, "--device-send-time", NULL, "MS", NULL,
     "the device's millisecond counter now (required)", CMD_NTP_REQUEST},
    {F_MQTT_CLIENT_ID, "--mqtt-client-id", NULL, "CID", NULL,
     "the CONNECT client identifier (required)", CMD_EXPLAIN},
    {F_USERNAME, "--username", NULL, "U", NULL, "the CONNECT user name (required)", CMD_EXPLAIN},
    {F_PASSWORD, "--password", NULL, "P", NULL, "the CONNECT password (required)", CMD_EXPLAIN},
    {F_DEVICE_SECRET, "--device-secret", NULL, "DS", "none",
     "DeviceSecret, ProductSecret or deviceToken", CMD_EXPLAIN},
    {F_KEEPALIVE, "--keepalive", NULL, "SECONDS", "not checked", "the CONNECT keep-alive",
     CMD_EXPLAIN},
    {F_JSON, "--json", NULL, NULL, "name=value lines", "one JSON object", CMD_ALL},
    {F_HELP, "--help", "-h", NULL, NULL, "this text; SUBCOMMAND --help: its flags", CMD_ALL},
    {F_VERSION, "--version", NULL, NULL, NULL, "print the version", CMD_ALL},
};
#define N_FLAGS (sizeof flags / sizeof flags[0])

/* The main usage's heading for a row. */
static const char *group_heading(unsigned cmds) {
    if (cmds == CMD_ALL) return "flags of every subcommand:";
    if (cmds == CMD_CREDENTIALS) return "sign, auth-body and register flags:";
    if (cmds & CMD_NTP_REQUEST) return "ntp-request flags:";
    if (cmds & CMD_GATEWAY) return "gateway (topo-*, *login, *logout, product-register) flags:";
    if (cmds & CMD_EXPLAIN) return "explain flags:";
    return cmds & CMD_REGISTER ? "register flags:" : "sign and auth-body flags:";
}

#define HELP_COLUMN 24

/* "  --name VALUE    help (default: D)", the default on a line of its own
 * when the row would pass 80 columns. */
static void print_flag(const struct flag *f) {
    char left[48];
    snprintf(left, sizeof left, "%s%s%s%s%s", f->alias ? f->alias : "", f->alias ? ", " : "",
             f->name, f->value ? " " : "", f->value ? f->value : "");
    /* The help at HELP_COLUMN, or two spaces after a longer flag. */
    size_t column = strlen(left) + 4 > HELP_COLUMN ? strlen(left) + 4 : HELP_COLUMN;
    printf("  %-*s%s", (int)column - 2, left, f->help);
    if (f->dflt) {
        size_t width = column + strlen(f->help) + strlen(" (default: )") + strlen(f->dflt);
        if (width > 80) {
            printf("\n%*s", HELP_COLUMN, "");
        } else {
            putchar(' ');
        }
        printf("(default: %s)", f->dflt);
    }
    putchar('\n');
}

static const char golden_note[] =
    "Without --product-key, --device-name and --device-secret (all three or\n"
    "none), sign and auth-body use the golden device a14Xib5kdYd/light1983432:\n"
    "client id SN1928339, timestamp 1539421321846, hmacsha1, tcp.\n";

static void usage_main(void) {
    printf("usage: " PROG " [SUBCOMMAND] [FLAGS]\n"
           "Prints the credentials of an Alibaba Cloud IoT Platform device as\n"
           "name=value lines, or as one JSON object with --json.\n"
           "\nsubcommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        printf("  %-18s%s\n", commands[i].name[0] ? commands[i].name : "(none)",
               commands[i].summary);
    }
    printf("  %-18s%s\n", "help [SUB]", "this text, or SUB's flags");
    const char *heading = NULL;
    for (size_t i = 0; i < N_FLAGS; i++) {
        if (!(flags[i].cmds & CMD_CREDENTIALS)) continue;
        if (group_heading(flags[i].cmds) != heading) {
            heading = group_heading(flags[i].cmds);
            printf("\n%s\n", heading);
        }
        print_flag(&flags[i]);
    }
    printf("\nThe gateway subcommands, ntp-request and explain list their flags\n"
           "with SUBCOMMAND --help.\n\n%s\nexamples:\n", golden_note);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (commands[i].bit & CMD_CREDENTIALS) printf("  " PROG " %s\n", commands[i].example);
    }
}

static void usage_command(const struct command *c) {
    printf("usage: " PROG " %s [FLAGS]\n%s\nflags:\n", c->name, c->about);
    for (size_t i = 0; i < N_FLAGS; i++) {
        if (flags[i].cmds & c->bit) print_flag(&flags[i]);
    }
    if (c->bit & CMD_DEVICE) printf("\n%s", golden_note);
    printf("\nexample:\n  " PROG " %s\n", c->example);
}

static const struct command *find_command(const char *name) {
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (commands[i].name[0] && strcmp(name, commands[i].name) == 0) return &commands[i];
    }
    return NULL;
}

/* The row of `name` for subcommand `bit`; *known tells whether any
 * subcommand has the flag. */
static const struct flag *find_flag(const char *name, unsigned bit, int *known) {
    *known = 0;
    for (size_t i = 0; i < N_FLAGS; i++) {
        const struct flag *f = &flags[i];
        if (strcmp(name, f->name) == 0 || (f->alias && strcmp(name, f->alias) == 0)) {
            *known = 1;
            if (f->cmds & bit) return f;
        }
    }
    return NULL;
}

/* Whether the first n bytes of s could be a mistyped flag or subcommand
 * name (lower-case letters and dashes, short), which an error may echo.
 * Anything else may be a secret and is named by its position instead. */
static int name_like(const char *s, size_t n) {
    return n > 0 && n <= 24 && strspn(s, "abcdefghijklmnopqrstuvwxyz-") >= n;
}

static int usage_error(const char *what, const char *arg) {
    fprintf(stderr, PROG ": %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    return 2;
}

/* A command-line mistake: one line, with a pointer to the usage of
 * subcommand `cmd` ("" for the main usage). */
static int usage_hint(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try '" PROG "%s%s --help')\n", cmd[0] ? " " : "", cmd);
    return 2;
}

/* The flag a status complains about, for the error line. */
static const char *status_field(aliyun_mqtt_status st) {
    switch (st) {
    case ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY: return "--product-key";
    case ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME: return "--device-name";
    case ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET: return "--device-secret";
    case ALIYUN_MQTT_ERR_INVALID_CLIENT_ID: return "--client-id";
    case ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD: return "--sign-method";
    case ALIYUN_MQTT_ERR_INVALID_SECURE_MODE: return "--secure-mode";
    case ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS: return "--extra";
    case ALIYUN_MQTT_ERR_INVALID_REGION: return "--region";
    case ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET: return "--product-secret";
    case ALIYUN_MQTT_ERR_INVALID_RANDOM: return "--random";
    case ALIYUN_MQTT_ERR_INVALID_INSTANCE_ID: return "--instance-id";
    case ALIYUN_MQTT_ERR_BATCH_SIZE: return "--subdev";
    default: return "input";
    }
}

static int status_error(aliyun_mqtt_status st) {
    fprintf(stderr, PROG ": %s: %s (%s)\n", status_field(st), aliyun_mqtt_status_str(st),
            aliyun_mqtt_status_name(st));
    return 2;
}

/* Decimal digits only, at most 20 of them, no overflow. */
static int parse_u64(const char *s, uint64_t *out) {
    size_t n = strlen(s);
    if (n == 0 || n > 20 || strspn(s, "0123456789") != n) {
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno != 0) {
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

/* The sign methods' names on the wire, both ways. */
/* Prints s as a JSON string. */
static void json_string(const char *s) {
    char chunk[256];
    putchar('"');
    while (*s) {
        s = json_escape(chunk, sizeof chunk, s);
        fputs(chunk, stdout);
    }
    putchar('"');
}

/* Prints name/value pairs as "name=value" lines or one JSON object; a
 * NULL value means the pair is an integer given in `port`. */
struct pair {
    const char *name;
    const char *value;
};

static void print_pairs(const struct pair *pairs, size_t n, int port, int json) {
    if (json) putchar('{');
    for (size_t i = 0; i < n; i++) {
        if (json) {
            if (i) putchar(',');
            json_string(pairs[i].name);
            putchar(':');
            if (pairs[i].value) {
                json_string(pairs[i].value);
            } else {
                printf("%d", port);
            }
        } else if (pairs[i].value) {
            printf("%s=%s\n", pairs[i].name, pairs[i].value);
        } else {
            printf("%s=%d\n", pairs[i].name, port);
        }
    }
    if (json) printf("}\n");
}

/* The names of an explanation's `field`. */
static const char *field_name(uint32_t field) {
    switch (field) {
    case ALIYUN_MQTT_FIELD_CLIENT_ID: return "mqtt_client_id";
    case ALIYUN_MQTT_FIELD_USERNAME: return "username";
    case ALIYUN_MQTT_FIELD_PASSWORD: return "password";
    case ALIYUN_MQTT_FIELD_KEEPALIVE: return "keepalive";
    case ALIYUN_MQTT_FIELD_SECRET: return "device_secret";
    default: return "none";
    }
}

/* `explain`: the explanation as name=value lines or one JSON object. The
 * secret is passed to the library only. */
static int explain(const char *cid, const char *user, const char *pw, const char *secret,
                   int32_t keepalive, int json) {
    aliyun_mqtt_explanation e;
    aliyun_mqtt_status st = aliyun_mqtt_explain(cid, user, pw, secret, keepalive, &e);
    if (st != ALIYUN_MQTT_OK) return status_error(st);
    /* The verdict's name without its ALIYUN_MQTT_VERDICT_ prefix. */
    const char *verdict = aliyun_mqtt_verdict_name(e.verdict) + strlen("ALIYUN_MQTT_VERDICT_");
    char offset[24], length[24], ts[24], mode[8];
    snprintf(offset, sizeof offset, "%zu", e.offset);
    snprintf(length, sizeof length, "%zu", e.length);
    snprintf(ts, sizeof ts, "%llu", (unsigned long long)e.info.timestamp_ms);
    snprintf(mode, sizeof mode, "%d", (int)e.info.secure_mode);
    static const char *const auth_types[] = {"", "register", "regnwl", "connwl"};
    struct pair out[32];
    size_t n = 0;
    out[n++] = (struct pair){"verdict", verdict};
    out[n++] = (struct pair){"reason", aliyun_mqtt_verdict_str(e.verdict)};
    out[n++] = (struct pair){"field", field_name(e.field)};
    out[n++] = (struct pair){"offset", offset};
    out[n++] = (struct pair){"length", length};
    /* Every parameter of the client identifier, as param.NAME. */
    char params[ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN + 1], names[16][40];
    if (e.parsed) {
        out[n++] = (struct pair){"client_id", e.info.client_id};
        out[n++] = (struct pair){"product_key", e.info.product_key};
        out[n++] = (struct pair){"device_name", e.info.device_name};
        const char *method = aliyun_mqtt_sign_method_name(e.info.sign_method);
        out[n++] = (struct pair){"sign_method", method ? method : ""};
        out[n++] = (struct pair){"secure_mode", mode};
        if (e.info.has_timestamp) out[n++] = (struct pair){"timestamp", ts};
        if (e.info.auth_type < 4 && e.info.auth_type) {
            out[n++] = (struct pair){"auth_type", auth_types[e.info.auth_type]};
        }
        const char *bar = strchr(cid, '|');
        snprintf(params, sizeof params, "%s", bar ? bar + 1 : "");
        size_t len = strlen(params);
        if (len) params[len - 1] = '\0'; /* the closing bar */
        size_t k = 0;
        for (char *p = strtok(params, ","); p && k < 16 && n < 30; p = strtok(NULL, ","), k++) {
            char *eq = strchr(p, '=');
            if (!eq) continue;
            *eq = '\0';
            snprintf(names[k], sizeof names[k], "param.%s", p);
            out[n++] = (struct pair){names[k], eq + 1};
        }
        out[n++] = (struct pair){"content", e.content};
    }
    if (e.expected_password[0]) out[n++] = (struct pair){"expected_password", e.expected_password};
    if (e.uppercase_hex) out[n++] = (struct pair){"uppercase_hex", "true"};
    print_pairs(out, n, 0, json);
    return e.verdict == ALIYUN_MQTT_VERDICT_ACCEPTED || e.verdict == ALIYUN_MQTT_VERDICT_UNCHECKED
               ? 0
               : EXIT_VERDICT;
}

/* `help [SUBCOMMAND]`. */
static int help_command(int argc, char **argv) {
    if (argc > 3) return usage_hint("", "unexpected argument 3");
    if (argc == 2 || strcmp(argv[2], "help") == 0 || strcmp(argv[2], "--help") == 0 ||
        strcmp(argv[2], "-h") == 0) {
        usage_main();
        return 0;
    }
    const struct command *c = find_command(argv[2]);
    if (c) {
        usage_command(c);
        return 0;
    }
    if (name_like(argv[2], strlen(argv[2]))) {
        return usage_hint("", "unknown subcommand: %s", argv[2]);
    }
    return usage_hint("", "unexpected argument 2, not a subcommand");
}

/* The inputs of the gateway and ntp-request subcommands. */
struct message_args {
    const char *pk, *dn;        /* the publishing device (the gateway) */
    char *subs[ALIYUN_MQTT_SUBDEV_BATCH_MAX + 1]; /* --subdev values */
    size_t n_subs;
    uint32_t id;
    uint32_t sign_method;
    uint64_t timestamp_ms;
    const char *client_id;
    bool clean_session;
    uint64_t device_send_time;
    int device_send_time_given;
};

/* Splits "A/B/REST" in place at its first two slashes (PK and DN have
 * none); *rest is NULL when there is no second slash. */
static void split_subdev(char *s, char **pk, char **dn, char **rest) {
    *pk = s;
    *dn = strchr(s, '/');
    *rest = NULL;
    if (*dn) {
        *(*dn)++ = '\0';
        *rest = strchr(*dn, '/');
        if (*rest) *(*rest)++ = '\0';
    }
}

/* A status of a sub-device message: the field of a sub-device is named
 * as --subdev (the gateway's own ProductKey and DeviceName were checked
 * first, by the topic). */
static int subdev_status_error(aliyun_mqtt_status st) {
    switch (st) {
    case ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY:
    case ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME:
    case ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET:
    case ALIYUN_MQTT_ERR_INVALID_PRODUCT_SECRET:
    case ALIYUN_MQTT_ERR_INVALID_RANDOM:
    case ALIYUN_MQTT_ERR_BATCH_SIZE:
        fprintf(stderr, PROG ": --subdev: %s (%s)\n", aliyun_mqtt_status_str(st),
                aliyun_mqtt_status_name(st));
        return 2;
    default: return status_error(st);
    }
}

/* PROTOCOL.md §6 and §7: the topic and payload of one message. */
static int message_command(unsigned mode, const char *cmd, struct message_args *a, int json) {
    static const struct { unsigned bit; uint32_t topic; } topics[] = {
        {CMD_TOPO_ADD, ALIYUN_MQTT_TOPIC_TOPO_ADD},
        {CMD_TOPO_DELETE, ALIYUN_MQTT_TOPIC_TOPO_DELETE},
        {CMD_LOGIN, ALIYUN_MQTT_TOPIC_LOGIN},
        {CMD_BATCH_LOGIN, ALIYUN_MQTT_TOPIC_BATCH_LOGIN},
        {CMD_LOGOUT, ALIYUN_MQTT_TOPIC_LOGOUT},
        {CMD_BATCH_LOGOUT, ALIYUN_MQTT_TOPIC_BATCH_LOGOUT},
        {CMD_PRODUCT_REGISTER, ALIYUN_MQTT_TOPIC_PRODUCT_REGISTER},
        {CMD_NTP_REQUEST, ALIYUN_MQTT_TOPIC_NTP_REQUEST},
    };
    if (!a->pk || !a->dn) {
        return usage_hint(cmd, "%s needs --product-key and --device-name", cmd);
    }
    if (mode == CMD_NTP_REQUEST && !a->device_send_time_given) {
        return usage_hint(cmd, "%s needs --device-send-time", cmd);
    }
    if (mode != CMD_NTP_REQUEST && a->n_subs == 0) {
        return usage_hint(cmd, "%s needs --subdev", cmd);
    }
    if ((mode & (CMD_LOGIN | CMD_LOGOUT)) && a->n_subs > 1) {
        return usage_hint(cmd, "%s takes one --subdev", cmd);
    }
    if (a->client_id && a->n_subs > 1) {
        return usage_hint(cmd, "--client-id needs a lone --subdev");
    }
    uint32_t kind = 0;
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++) {
        if (topics[i].bit == mode) kind = topics[i].topic;
    }
    static char topic[ALIYUN_MQTT_TOPIC_SIZE];
    aliyun_mqtt_status st = aliyun_mqtt_topic(kind, a->pk, a->dn, topic, sizeof topic, NULL);
    if (st != ALIYUN_MQTT_OK) return status_error(st);

    /* The largest payload of all: topo add of 50. */
    static char payload[ALIYUN_MQTT_SUBDEV_TOPO_ADD_SIZE];
    static aliyun_mqtt_subdev subs[ALIYUN_MQTT_SUBDEV_BATCH_MAX + 1];
    static aliyun_mqtt_subdev_registration regs[ALIYUN_MQTT_SUBDEV_BATCH_MAX + 1];
    for (size_t i = 0; i < a->n_subs; i++) {
        char *pk, *dn, *rest;
        split_subdev(a->subs[i], &pk, &dn, &rest);
        if (!dn) return usage_hint(cmd, "--subdev %zu: not PK/DN...", i + 1);
        if (mode == CMD_PRODUCT_REGISTER) {
            /* PK/DN/PS/RANDOM: the random (letters and digits) after the
             * last slash, so the ProductSecret may hold slashes. */
            char *random = rest ? strrchr(rest, '/') : NULL;
            if (!random) return usage_hint(cmd, "--subdev %zu: not PK/DN/PS/RANDOM", i + 1);
            *random++ = '\0';
            regs[i] = (aliyun_mqtt_subdev_registration){
                .product_key = pk, .device_name = dn, .product_secret = rest, .random = random};
            continue;
        }
        if ((mode & CMD_SUB_SIGNED) && !rest) {
            return usage_hint(cmd, "--subdev %zu: not PK/DN/DS", i + 1);
        }
        subs[i] = (aliyun_mqtt_subdev){.product_key = pk,
                                       .device_name = dn,
                                       .device_secret = rest ? rest : "",
                                       .client_id = a->client_id,
                                       .timestamp_ms = a->timestamp_ms,
                                       .clean_session = a->clean_session};
    }
    size_t n = a->n_subs;
    switch (mode) {
    case CMD_TOPO_ADD:
        st = aliyun_mqtt_subdev_topo_add(a->id, a->sign_method, subs, n, payload, sizeof payload,
                                         NULL);
        break;
    case CMD_TOPO_DELETE:
        st = aliyun_mqtt_subdev_topo_delete(a->id, subs, n, payload, sizeof payload, NULL);
        break;
    case CMD_LOGIN:
        st = aliyun_mqtt_subdev_login(a->id, a->sign_method, subs, payload, sizeof payload, NULL);
        break;
    case CMD_BATCH_LOGIN:
        st = aliyun_mqtt_subdev_batch_login(a->id, a->sign_method, subs, n, payload,
                                            sizeof payload, NULL);
        break;
    case CMD_LOGOUT:
        st = aliyun_mqtt_subdev_logout(a->id, subs, payload, sizeof payload, NULL);
        break;
    case CMD_BATCH_LOGOUT:
        st = aliyun_mqtt_subdev_batch_logout(a->id, subs, n, payload, sizeof payload, NULL);
        break;
    case CMD_PRODUCT_REGISTER:
        st = aliyun_mqtt_subdev_product_register(a->id, a->sign_method, regs, n, payload,
                                                 sizeof payload, NULL);
        break;
    default:
        st = aliyun_mqtt_ntp_request(a->device_send_time, payload, sizeof payload, NULL);
        break;
    }
    if (st != ALIYUN_MQTT_OK) return subdev_status_error(st);
    const struct pair out[] = {{"topic", topic}, {"payload", payload}};
    print_pairs(out, 2, 0, json);
    return 0;
}

/* Parses and runs the command line. Returns the exit status; 0 means
 * stdout was written and is still to be flushed. */
static int run(int argc, char **argv) {
    const struct command *cmd = &commands[0];
    int first = 1;
    if (argc > 1 && argv[1][0] != '-') {
        if (strcmp(argv[1], "help") == 0) return help_command(argc, argv);
        cmd = find_command(argv[1]);
        if (!cmd) {
            if (name_like(argv[1], strlen(argv[1]))) {
                return usage_hint("", "unknown subcommand: %s", argv[1]);
            }
            return usage_hint("", "unexpected argument 1, not a flag or subcommand");
        }
        first = 2;
    }
    const unsigned mode = cmd->bit;
    /* PROTOCOL.md §1.8, second golden device. */
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    dev.client_id = "SN1928339";
    dev.timestamp_ms = UINT64_C(1539421321846);
    dev.sign_method = ALIYUN_MQTT_HMAC_SHA1;
    dev.secure_mode = ALIYUN_MQTT_SECURE_TCP;
    const char *region = "cn-shanghai";
    const char *pk = NULL, *dn = NULL, *ds = NULL;
    int json = 0, https = 0;
    aliyun_mqtt_registration reg = aliyun_mqtt_registration_default();
    int cid_given = 0, ts_given = 0, method_given = 0, mode_given = 0;
    const char *mqtt_client_id = NULL, *username = NULL, *password = NULL;
    int32_t keepalive = -1;
    struct message_args msg = {.id = 1, .sign_method = ALIYUN_MQTT_HMAC_SHA256};

    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-') {
            return usage_hint(cmd->name, "unexpected argument %d, not a flag", i);
        }
        int known;
        const struct flag *f = find_flag(arg, mode, &known);
        if (!f) {
            size_t n = strcspn(arg, "=");
            const char *what = known && cmd->name[0] ? "unknown flag for " : "unknown flag";
            const char *sub = known && cmd->name[0] ? cmd->name : "";
            if (!name_like(arg, n)) {
                return usage_hint(cmd->name, "%s%s at argument %d", what, sub, i);
            }
            /* --flag=value: the value is not echoed. */
            return usage_hint(cmd->name, "%s%s: %.*s%s", what, sub, (int)n, arg,
                              arg[n] ? "=..." : "");
        }
        const char *val = NULL;
        if (f->value) {
            if (i + 1 >= argc) return usage_hint(cmd->name, "missing value for %s", f->name);
            val = argv[++i];
        }
        switch (f->id) {
        case F_PRODUCT_KEY: pk = val; break;
        case F_DEVICE_NAME: dn = val; break;
        case F_DEVICE_SECRET: ds = val; break;
        case F_PRODUCT_SECRET: reg.product_secret = val; break;
        case F_RANDOM: reg.random = val; break;
        case F_CLIENT_ID:
            dev.client_id = val;
            cid_given = 1;
            break;
        case F_TIMESTAMP:
            if (parse_u64(val, &dev.timestamp_ms) != 0) {
                return usage_error("--timestamp: not a decimal uint64", val);
            }
            ts_given = 1;
            break;
        case F_SIGN_METHOD:
            if (aliyun_mqtt_sign_method_from_name(val, &dev.sign_method) != ALIYUN_MQTT_OK) {
                return usage_error("--sign-method: not hmacmd5|hmacsha1|hmacsha256|sha256", val);
            }
            method_given = 1;
            break;
        case F_SECURE_MODE:
            if (strcmp(val, "tls") == 0) {
                dev.secure_mode = ALIYUN_MQTT_SECURE_TLS;
            } else if (strcmp(val, "tcp") == 0) {
                dev.secure_mode = ALIYUN_MQTT_SECURE_TCP;
            } else if (mode == CMD_REGISTER && strcmp(val, "tls-instance") == 0) {
                dev.secure_mode = ALIYUN_MQTT_SECURE_TLS_INSTANCE;
            } else {
                return usage_error("--secure-mode: not tls|tcp", val);
            }
            mode_given = 1;
            break;
        case F_EXTRA: dev.extra_params = val; break;
        case F_INSTANCE_ID: reg.instance_id = val; break;
        case F_NWL: reg.auth_type = ALIYUN_MQTT_AUTH_REGNWL; break;
        case F_HTTPS: https = 1; break;
        case F_REGION: region = val; break;
        case F_UPPERCASE: dev.uppercase_hex = true; break;
        case F_MQTT_CLIENT_ID: mqtt_client_id = val; break;
        case F_USERNAME: username = val; break;
        case F_PASSWORD: password = val; break;
        case F_KEEPALIVE: {
            uint64_t k;
            if (parse_u64(val, &k) != 0 || k > 65535) {
                return usage_error("--keepalive: not 0 to 65535", val);
            }
            keepalive = (int32_t)k;
            break;
        }
        case F_SUBDEV:
            if (msg.n_subs == sizeof msg.subs / sizeof msg.subs[0]) {
                return usage_hint(cmd->name, "more than %d --subdev",
                                  ALIYUN_MQTT_SUBDEV_BATCH_MAX + 1);
            }
            msg.subs[msg.n_subs++] = argv[i];
            break;
        case F_ID: {
            uint64_t id;
            if (parse_u64(val, &id) != 0 || id > UINT32_MAX) {
                return usage_error("--id: not a decimal uint32", val);
            }
            msg.id = (uint32_t)id;
            break;
        }
        case F_CLEAN_SESSION: msg.clean_session = true; break;
        case F_DEVICE_SEND_TIME:
            if (parse_u64(val, &msg.device_send_time) != 0) {
                return usage_error("--device-send-time: not a decimal uint64", val);
            }
            msg.device_send_time_given = 1;
            break;
        case F_JSON: json = 1; break;
        case F_HELP:
            if (mode == CMD_SIGN) {
                usage_main();
            } else {
                usage_command(cmd);
            }
            return 0;
        case F_VERSION:
            printf(PROG " %s\n", aliyun_mqtt_version());
            return 0;
        }
    }

    if (mode == CMD_EXPLAIN) {
        if (!mqtt_client_id || !username || !password) {
            return usage_error("explain needs --mqtt-client-id, --username and --password", NULL);
        }
        return explain(mqtt_client_id, username, password, ds, keepalive, json);
    }

    if (mode & CMD_MESSAGE) {
        msg.pk = pk;
        msg.dn = dn;
        if (method_given) msg.sign_method = dev.sign_method;
        msg.client_id = cid_given ? dev.client_id : NULL;
        msg.timestamp_ms = ts_given ? dev.timestamp_ms : (uint64_t)time(NULL) * 1000u;
        return message_command(mode, cmd->name, &msg, json);
    }

    if (mode == CMD_REGISTER) {
        if (!pk || !dn || !reg.product_secret || !reg.random) {
            return usage_error(
                "register needs --product-key, --device-name, --product-secret and --random", NULL);
        }
        reg.product_key = pk;
        reg.device_name = dn;
        reg.client_id = cid_given ? dev.client_id : NULL;
        if (method_given) reg.sign_method = dev.sign_method;
        if (mode_given) reg.secure_mode = dev.secure_mode;
        reg.uppercase_hex = dev.uppercase_hex;
        aliyun_mqtt_status st;
        if (https) {
            /* PROTOCOL.md §4 over HTTPS. */
            char host[ALIYUN_MQTT_HOST_NAME_SIZE], path[32], body[ALIYUN_MQTT_REGISTER_BODY_SIZE];
            st = aliyun_mqtt_register_body(&reg, body, sizeof body, NULL);
            if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_auth_host(region, host, sizeof host, NULL);
            if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_register_path(path, sizeof path, NULL);
            if (st != ALIYUN_MQTT_OK) return status_error(st);
            const struct pair out[] = {
                {"host", host}, {"port", NULL}, {"path", path}, {"body", body}};
            print_pairs(out, 4, ALIYUN_MQTT_HTTPS_PORT, json);
            return 0;
        }
        /* PROTOCOL.md §4 over MQTT; the host as in §2. */
        aliyun_mqtt_credentials cred;
        char host[ALIYUN_MQTT_HOST_NAME_SIZE];
        st = aliyun_mqtt_register_sign(&reg, &cred);
        if (st == ALIYUN_MQTT_OK) {
            st = reg.instance_id && *reg.instance_id
                     ? aliyun_mqtt_instance_host(reg.instance_id, host, sizeof host, NULL)
                     : aliyun_mqtt_host(pk, region, host, sizeof host, NULL);
        }
        if (st != ALIYUN_MQTT_OK) return status_error(st);
        const struct pair out[] = {{"client_id", cred.client_id},
                                   {"username", cred.username},
                                   {"password", cred.password},
                                   {"host", host},
                                   {"port", NULL}};
        print_pairs(out, 5, ALIYUN_MQTT_PORT, json);
        return 0;
    }

    if (pk || dn || ds) {
        /* A device of the caller's own: all three identity flags are needed,
         * and the golden device's client id and timestamp do not apply
         * unless given. */
        if (!pk || !dn || !ds) {
            return usage_error("--product-key, --device-name and --device-secret go together", NULL);
        }
        dev.product_key = pk;
        dev.device_name = dn;
        dev.device_secret = ds;
        aliyun_mqtt_device defaults = aliyun_mqtt_device_default();
        if (!cid_given) dev.client_id = NULL;
        if (!ts_given) dev.timestamp_ms = 0;
        if (!method_given) dev.sign_method = defaults.sign_method;
        if (!mode_given) dev.secure_mode = defaults.secure_mode;
    }

    if (mode == CMD_AUTH_BODY) {
        /* PROTOCOL.md §3. */
        char host[ALIYUN_MQTT_HOST_NAME_SIZE], path[32], body[ALIYUN_MQTT_AUTH_BODY_SIZE];
        aliyun_mqtt_status st = aliyun_mqtt_auth_body(&dev, body, sizeof body, NULL);
        if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_auth_host(region, host, sizeof host, NULL);
        if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_auth_path(path, sizeof path, NULL);
        if (st != ALIYUN_MQTT_OK) return status_error(st);
        const struct pair out[] = {{"host", host}, {"port", NULL}, {"path", path}, {"body", body}};
        print_pairs(out, 4, ALIYUN_MQTT_HTTPS_PORT, json);
        return 0;
    }

    /* PROTOCOL.md §1; the host as in §2. */
    aliyun_mqtt_credentials cred;
    aliyun_mqtt_status st = aliyun_mqtt_sign(&dev, &cred);
    if (st != ALIYUN_MQTT_OK) {
        return status_error(st);
    }
    char host[ALIYUN_MQTT_HOST_SIZE];
    st = aliyun_mqtt_host(dev.product_key, region, host, sizeof host, NULL);
    if (st != ALIYUN_MQTT_OK) {
        return status_error(st);
    }
    const struct pair out[] = {{"client_id", cred.client_id},
                               {"username", cred.username},
                               {"password", cred.password},
                               {"host", host},
                               {"port", NULL}};
    print_pairs(out, 5, ALIYUN_MQTT_PORT, json);
    return 0;
}

/* Everything printed went through the stdio buffer, whose error flag is
 * sticky: a failed write anywhere, or a failing flush or close (a full
 * disk, a closed descriptor), turns success into exit status 1. */
static int close_stdout(void) {
    int err = 0;
    if (fflush(stdout) != 0) err = errno;
    if (ferror(stdout) && err == 0) err = EIO;
    if (fclose(stdout) != 0 && err == 0) err = errno;
    if (err != 0) {
        fprintf(stderr, PROG ": cannot write standard output: %s\n", strerror(err));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    int status = run(argc, argv);
    if (status != 0 && status != EXIT_VERDICT) return status;
    int closed = close_stdout();
    return closed != 0 ? closed : status;
}
