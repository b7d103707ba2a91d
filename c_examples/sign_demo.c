/* aliyun-mqtt-sign: print the MQTT CONNECT credentials of a device.
 *
 * Written against include/aliyun_mqtt_sign.h only.
 *
 *   aliyun-mqtt-sign                       SPEC's second golden device
 *   aliyun-mqtt-sign --product-key PK --device-name DN --device-secret DS
 *                    [--client-id ID] [--timestamp MS]
 *                    [--sign-method hmacmd5|hmacsha1|hmacsha256|sha256]
 *                    [--secure-mode tls|tcp] [--region REGION]
 *                    [--extra k=v,...] [--uppercase] [--json]
 *   aliyun-mqtt-sign auth-body [the device flags above] [--region REGION]
 *                    HTTPS authentication (SPEC 3): host, port, path, body
 *   aliyun-mqtt-sign register --product-key PK --device-name DN
 *                    --product-secret PS --random R [--client-id ID]
 *                    [--instance-id ID] [--sign-method hmacmd5|hmacsha1|hmacsha256]
 *                    [--secure-mode tls|tls-instance] [--nwl] [--https]
 *                    [--region REGION] [--uppercase] [--json]
 *                    dynamic registration (SPEC 4): the MQTT CONNECT fields
 *                    (authType=register, or regnwl with --nwl), or with
 *                    --https the HTTPS host, port, path and body
 *
 * Exit status: 0 on success, 2 on bad input (one line on stderr naming the
 * field and the library status).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aliyun_mqtt_sign.h"

#define PROG "aliyun-mqtt-sign"

static int usage_error(const char *what, const char *arg) {
    fprintf(stderr, PROG ": %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
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

static int parse_method(const char *s, uint32_t *out) {
    static const struct { const char *name; uint32_t value; } methods[] = {
        {"hmacmd5", ALIYUN_MQTT_HMAC_MD5},
        {"hmacsha1", ALIYUN_MQTT_HMAC_SHA1},
        {"hmacsha256", ALIYUN_MQTT_HMAC_SHA256},
        {"sha256", ALIYUN_MQTT_SHA256},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(s, methods[i].name) == 0) {
            *out = methods[i].value;
            return 0;
        }
    }
    return -1;
}

/* Prints s as a JSON string. */
static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c < 0x20) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
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

int main(int argc, char **argv) {
    enum { SIGN, AUTH_BODY, REGISTER } mode = SIGN;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "auth-body") == 0) {
        mode = AUTH_BODY;
        first = 2;
    } else if (argc > 1 && strcmp(argv[1], "register") == 0) {
        mode = REGISTER;
        first = 2;
    }
    /* SPEC 1, second golden device. */
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

    for (int i = first; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--uppercase") == 0) {
            dev.uppercase_hex = true;
            continue;
        }
        if (strcmp(flag, "--json") == 0) {
            json = 1;
            continue;
        }
        if (mode == REGISTER && strcmp(flag, "--nwl") == 0) {
            reg.auth_type = ALIYUN_MQTT_AUTH_REGNWL;
            continue;
        }
        if (mode == REGISTER && strcmp(flag, "--https") == 0) {
            https = 1;
            continue;
        }
        if (i + 1 >= argc) {
            return usage_error("missing value or unknown flag", flag);
        }
        const char *val = argv[++i];
        if (strcmp(flag, "--product-key") == 0) {
            pk = val;
        } else if (strcmp(flag, "--device-name") == 0) {
            dn = val;
        } else if (strcmp(flag, "--device-secret") == 0) {
            ds = val;
        } else if (strcmp(flag, "--client-id") == 0) {
            dev.client_id = val;
            cid_given = 1;
        } else if (strcmp(flag, "--timestamp") == 0) {
            if (parse_u64(val, &dev.timestamp_ms) != 0) {
                return usage_error("--timestamp: not a decimal uint64", val);
            }
            ts_given = 1;
        } else if (strcmp(flag, "--sign-method") == 0) {
            if (parse_method(val, &dev.sign_method) != 0) {
                return usage_error("--sign-method: not hmacmd5|hmacsha1|hmacsha256|sha256", val);
            }
            method_given = 1;
        } else if (strcmp(flag, "--secure-mode") == 0) {
            if (strcmp(val, "tls") == 0) {
                dev.secure_mode = ALIYUN_MQTT_SECURE_TLS;
            } else if (strcmp(val, "tcp") == 0) {
                dev.secure_mode = ALIYUN_MQTT_SECURE_TCP;
            } else if (mode == REGISTER && strcmp(val, "tls-instance") == 0) {
                dev.secure_mode = ALIYUN_MQTT_SECURE_TLS_INSTANCE;
            } else {
                return usage_error("--secure-mode: not tls|tcp", val);
            }
            mode_given = 1;
        } else if (strcmp(flag, "--region") == 0) {
            region = val;
        } else if (strcmp(flag, "--extra") == 0) {
            dev.extra_params = val;
        } else if (mode == REGISTER && strcmp(flag, "--product-secret") == 0) {
            reg.product_secret = val;
        } else if (mode == REGISTER && strcmp(flag, "--random") == 0) {
            reg.random = val;
        } else if (mode == REGISTER && strcmp(flag, "--instance-id") == 0) {
            reg.instance_id = val;
        } else {
            return usage_error("unknown flag", flag);
        }
    }

    if (mode == REGISTER) {
        if (!pk || !dn || !reg.product_secret || !reg.random) {
            return usage_error(
                "register needs --product-key, --device-name, --product-secret and --random", NULL);
        }
        if (ds || ts_given || dev.extra_params) {
            return usage_error("register takes no --device-secret, --timestamp or --extra", NULL);
        }
        reg.product_key = pk;
        reg.device_name = dn;
        reg.client_id = cid_given ? dev.client_id : NULL;
        if (method_given) reg.sign_method = dev.sign_method;
        if (mode_given) reg.secure_mode = dev.secure_mode;
        reg.uppercase_hex = dev.uppercase_hex;
        aliyun_mqtt_status st;
        if (https) {
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
    if (dev.secure_mode == ALIYUN_MQTT_SECURE_TLS_INSTANCE) {
        return usage_error("--secure-mode: not tls|tcp", "tls-instance");
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

    if (mode == AUTH_BODY) {
        char host[ALIYUN_MQTT_HOST_NAME_SIZE], path[32], body[ALIYUN_MQTT_AUTH_BODY_SIZE];
        aliyun_mqtt_status st = aliyun_mqtt_auth_body(&dev, body, sizeof body, NULL);
        if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_auth_host(region, host, sizeof host, NULL);
        if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_auth_path(path, sizeof path, NULL);
        if (st != ALIYUN_MQTT_OK) return status_error(st);
        const struct pair out[] = {{"host", host}, {"port", NULL}, {"path", path}, {"body", body}};
        print_pairs(out, 4, ALIYUN_MQTT_HTTPS_PORT, json);
        return 0;
    }

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
