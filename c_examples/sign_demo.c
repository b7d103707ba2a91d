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

int main(int argc, char **argv) {
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
    int json = 0;
    int cid_given = 0, ts_given = 0, method_given = 0, mode_given = 0;

    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--uppercase") == 0) {
            dev.uppercase_hex = true;
            continue;
        }
        if (strcmp(flag, "--json") == 0) {
            json = 1;
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
            } else {
                return usage_error("--secure-mode: not tls|tcp", val);
            }
            mode_given = 1;
        } else if (strcmp(flag, "--region") == 0) {
            region = val;
        } else if (strcmp(flag, "--extra") == 0) {
            dev.extra_params = val;
        } else {
            return usage_error("unknown flag", flag);
        }
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

    if (json) {
        printf("{\"client_id\":");
        json_string(cred.client_id);
        printf(",\"username\":");
        json_string(cred.username);
        printf(",\"password\":");
        json_string(cred.password);
        printf(",\"host\":");
        json_string(host);
        printf(",\"port\":%d}\n", ALIYUN_MQTT_PORT);
    } else {
        printf("client_id=%s\nusername=%s\npassword=%s\nhost=%s\nport=%d\n", cred.client_id,
               cred.username, cred.password, host, ALIYUN_MQTT_PORT);
    }
    return 0;
}
