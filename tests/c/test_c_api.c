/* C tests of the aliyun-mqtt-sign ABI. Built twice (static and shared
 * library) with AddressSanitizer and UndefinedBehaviorSanitizer, and
 * -Wall -Wextra -Wpedantic -Werror.
 *
 * Expected passwords were computed independently with Python's hmac and
 * hashlib (hmac.new(secret, content, hashlib.sha1).hexdigest() and so on). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aliyun_mqtt_sign.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                \
    do {                                                                           \
        checks++;                                                                  \
        if (!(cond)) {                                                             \
            failures++;                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                          \
    } while (0)

#define CANARY 0xA5

static aliyun_mqtt_device golden(void) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    dev.client_id = "SN1928339";
    dev.timestamp_ms = UINT64_C(1539421321846);
    dev.sign_method = ALIYUN_MQTT_HMAC_SHA1;
    dev.secure_mode = ALIYUN_MQTT_SECURE_TCP;
    return dev;
}

typedef aliyun_mqtt_status (*field_fn)(const aliyun_mqtt_device *, char *, size_t, size_t *);

/* The buffer rule for one field function at every cap from 0 to needed+1,
 * with canary bytes after cap. */
static void buffer_rule(field_fn fn, const aliyun_mqtt_device *dev, const char *want) {
    size_t needed = strlen(want);
    char *buf = malloc(needed + 18);
    for (size_t cap = 0; cap <= needed + 1; cap++) {
        memset(buf, CANARY, needed + 18);
        size_t out_len = 12345;
        aliyun_mqtt_status st = fn(dev, buf, cap, &out_len);
        if (cap > needed) {
            CHECK(st == ALIYUN_MQTT_OK);
            CHECK(out_len == needed);
            CHECK(strcmp(buf, want) == 0);
        } else {
            CHECK(st == ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL);
            CHECK(out_len == needed);
            if (cap > 0) {
                CHECK(buf[0] == '\0');
                /* Nothing of the output leaks into the rest of the buffer. */
                for (size_t i = 1; i < cap; i++) CHECK((unsigned char)buf[i] == CANARY);
            }
        }
        for (size_t i = cap > needed ? needed + 1 : cap; i < needed + 18; i++) {
            CHECK((unsigned char)buf[i] == CANARY);
        }
    }
    /* Size query: NULL buffer with cap 0. */
    size_t out_len = 0;
    CHECK(fn(dev, NULL, 0, &out_len) == ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == needed);
    /* NULL out_len is allowed. */
    CHECK(fn(dev, buf, needed + 1, NULL) == ALIYUN_MQTT_OK);
    CHECK(strcmp(buf, want) == 0);
    free(buf);
}

static void test_golden_fields(void) {
    aliyun_mqtt_device dev = golden();
    buffer_rule(aliyun_mqtt_client_id, &dev,
                "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|");
    buffer_rule(aliyun_mqtt_username, &dev, "light1983432&a14Xib5kdYd");
    buffer_rule(aliyun_mqtt_password, &dev, "b2488041f64f425016b467ee1c94959ebd592ad1");

    aliyun_mqtt_device one = aliyun_mqtt_device_default();
    one.product_key = "pk";
    one.device_name = "device";
    one.device_secret = "secret";
    one.client_id = "12345";
    one.timestamp_ms = 789;
    one.sign_method = ALIYUN_MQTT_HMAC_SHA1;
    buffer_rule(aliyun_mqtt_password, &one, "fafd82a3d602b37fb0fa8b7892f24a477f851a14");
}

static void test_methods(void) {
    static const struct { uint32_t method; const char *name; const char *password; } cases[] = {
        {ALIYUN_MQTT_HMAC_MD5, "hmacmd5", "56e22c4a903e6035658c6694db63d57a"},
        {ALIYUN_MQTT_HMAC_SHA1, "hmacsha1", "b2488041f64f425016b467ee1c94959ebd592ad1"},
        {ALIYUN_MQTT_HMAC_SHA256, "hmacsha256",
         "e6ad631b665206c0bf2efbe1b48ac4d84ff2a61fe89bac30065e17975a482c40"},
        {ALIYUN_MQTT_SHA256, "sha256",
         "0a86f987767b46d29b25cf8006c38206fc4a5ad14400298ce080b01154c8e837"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aliyun_mqtt_device dev = golden();
        dev.sign_method = cases[i].method;
        dev.secure_mode = ALIYUN_MQTT_SECURE_TLS;
        aliyun_mqtt_credentials cred;
        memset(&cred, CANARY, sizeof cred);
        CHECK(aliyun_mqtt_sign(&dev, &cred) == ALIYUN_MQTT_OK);
        CHECK(strcmp(cred.password, cases[i].password) == 0);
        char want_cid[128];
        snprintf(want_cid, sizeof want_cid, "SN1928339|securemode=2,signmethod=%s,timestamp=1539421321846|",
                 cases[i].name);
        CHECK(strcmp(cred.client_id, want_cid) == 0);
        CHECK(strcmp(cred.username, "light1983432&a14Xib5kdYd") == 0);

        /* Upper case is the same digest. */
        char upper[ALIYUN_MQTT_PASSWORD_SIZE];
        dev.uppercase_hex = true;
        CHECK(aliyun_mqtt_password(&dev, upper, sizeof upper, NULL) == ALIYUN_MQTT_OK);
        CHECK(strlen(upper) == strlen(cases[i].password));
        for (size_t k = 0; upper[k]; k++) {
            char lower = cases[i].password[k];
            char want = (lower >= 'a' && lower <= 'f') ? (char)(lower - 'a' + 'A') : lower;
            CHECK(upper[k] == want);
        }
    }

    /* Library defaults: client id productKey.deviceName, no timestamp, TLS, hmacsha256. */
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    dev.extra_params = "lan=C,_v=sdk-c-1.0";
    aliyun_mqtt_credentials cred;
    CHECK(aliyun_mqtt_sign(&dev, &cred) == ALIYUN_MQTT_OK);
    CHECK(strcmp(cred.client_id,
                 "a14Xib5kdYd.light1983432|securemode=2,signmethod=hmacsha256,lan=C,_v=sdk-c-1.0|") == 0);
    CHECK(strcmp(cred.password, "33a05cf3aa0245697f70a922b6bfed5fcf10ca5327cb55b50e623e43dea10959") == 0);
}

static void test_host(void) {
    char buf[ALIYUN_MQTT_HOST_SIZE];
    size_t n = 0;
    CHECK(aliyun_mqtt_host("a14Xib5kdYd", "cn-shanghai", buf, sizeof buf, &n) == ALIYUN_MQTT_OK);
    CHECK(strcmp(buf, "a14Xib5kdYd.iot-as-mqtt.cn-shanghai.aliyuncs.com") == 0);
    CHECK(n == strlen(buf));
    memset(buf, CANARY, sizeof buf);
    CHECK(aliyun_mqtt_host("a14Xib5kdYd", "CN", buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_INVALID_REGION);
    CHECK(buf[0] == '\0' && n == 0);
    CHECK(aliyun_mqtt_host("a14Xib5kdYd", "-cn", buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_INVALID_REGION);
    CHECK(aliyun_mqtt_host("bad pk", "cn-shanghai", buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY);
    CHECK(aliyun_mqtt_host(NULL, "cn-shanghai", buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_host("a14Xib5kdYd", NULL, buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_host("a14Xib5kdYd", "cn-shanghai", NULL, 5, &n) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
}

static void test_nulls(void) {
    char buf[ALIYUN_MQTT_CLIENT_ID_SIZE];
    size_t n = 99;
    aliyun_mqtt_device dev = golden();
    field_fn fns[] = {aliyun_mqtt_client_id, aliyun_mqtt_username, aliyun_mqtt_password};
    for (size_t i = 0; i < 3; i++) {
        memset(buf, CANARY, sizeof buf);
        CHECK(fns[i](NULL, buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
        CHECK(buf[0] == '\0' && n == 0);
        CHECK(fns[i](&dev, NULL, 10, &n) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
        aliyun_mqtt_device d = dev;
        d.product_key = NULL;
        CHECK(fns[i](&d, buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
        d = dev;
        d.device_name = NULL;
        CHECK(fns[i](&d, buf, sizeof buf, &n) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
        /* Only the password reads the secret. */
        d = dev;
        d.device_secret = NULL;
        CHECK(fns[i](&d, buf, sizeof buf, &n) ==
              (i == 2 ? ALIYUN_MQTT_ERR_NULL_ARGUMENT : ALIYUN_MQTT_OK));
    }
    CHECK(aliyun_mqtt_sign(&dev, NULL) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    aliyun_mqtt_credentials cred;
    memset(&cred, CANARY, sizeof cred);
    CHECK(aliyun_mqtt_sign(NULL, &cred) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(cred.client_id[0] == '\0' && cred.username[0] == '\0' && cred.password[0] == '\0');
}

/* Enum fields hold whatever integer C put there: out-of-range values are
 * statuses, not undefined behaviour. */
static void test_enum_ranges(void) {
    static const uint32_t bad_methods[] = {0, 5, 6, 0x7fffffffu, 0xffffffffu};
    static const int32_t bad_modes[] = {0, 1, 4, -2, -3, INT32_MIN, INT32_MAX};
    aliyun_mqtt_credentials cred;
    for (size_t i = 0; i < sizeof bad_methods / sizeof bad_methods[0]; i++) {
        aliyun_mqtt_device dev = golden();
        dev.sign_method = bad_methods[i];
        memset(&cred, CANARY, sizeof cred);
        CHECK(aliyun_mqtt_sign(&dev, &cred) == ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
        CHECK(cred.client_id[0] == '\0' && cred.password[0] == '\0');
    }
    for (size_t i = 0; i < sizeof bad_modes / sizeof bad_modes[0]; i++) {
        aliyun_mqtt_device dev = golden();
        dev.secure_mode = bad_modes[i];
        CHECK(aliyun_mqtt_sign(&dev, &cred) == ALIYUN_MQTT_ERR_INVALID_SECURE_MODE);
    }
    /* A zero-filled device is rejected, not signed with some default. */
    aliyun_mqtt_device zero;
    memset(&zero, 0, sizeof zero);
    zero.product_key = "pk";
    zero.device_name = "device";
    zero.device_secret = "secret";
    CHECK(aliyun_mqtt_sign(&zero, &cred) == ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);

    for (uint32_t s = 0; s <= ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH; s++) {
        CHECK(aliyun_mqtt_status_str(s) != NULL && strlen(aliyun_mqtt_status_str(s)) > 0);
        CHECK(strncmp(aliyun_mqtt_status_name(s), "ALIYUN_MQTT_", 12) == 0);
    }
    CHECK(strcmp(aliyun_mqtt_status_name(ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL),
                 "ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL") == 0);
    CHECK(strcmp(aliyun_mqtt_status_str(ALIYUN_MQTT_ERR_INVALID_DIGEST + 1), "unknown status") == 0);
    CHECK(strcmp(aliyun_mqtt_status_name(0xffffffffu), "unknown status") == 0);
}

/* A string field of max+1 bytes with no NUL: the library must stop reading
 * after max+1 bytes (ASan catches one byte more) and report the field. The
 * same buffer with a NUL at [max] is a valid maximum-length field. */
static void test_unterminated(void) {
    static const struct { size_t max; int which; aliyun_mqtt_status want; } cases[] = {
        {ALIYUN_MQTT_PRODUCT_KEY_MAX_LEN, 0, ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY},
        {ALIYUN_MQTT_DEVICE_NAME_MAX_LEN, 1, ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME},
        {ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN, 2, ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET},
        {ALIYUN_MQTT_CLIENT_ID_MAX_LEN, 3, ALIYUN_MQTT_ERR_INVALID_CLIENT_ID},
        {ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN, 4, ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int terminated = 0; terminated <= 1; terminated++) {
            /* Unterminated: max+1 non-NUL bytes. Terminated: exactly max
             * valid characters then NUL, which must be accepted. */
            size_t len = cases[i].max + 1;
            char *s = malloc(len);
            memset(s, cases[i].which == 4 ? 'k' : 'a', len);
            if (terminated) {
                s[len - 1] = '\0';
                if (cases[i].which == 4) {
                    s[0] = 'k';
                    s[1] = '=';
                }
            }
            aliyun_mqtt_device dev = golden();
            const char **fields[] = {&dev.product_key, &dev.device_name, &dev.device_secret,
                                     &dev.client_id, &dev.extra_params};
            *fields[cases[i].which] = s;
            aliyun_mqtt_credentials cred;
            aliyun_mqtt_status st = aliyun_mqtt_sign(&dev, &cred);
            if (terminated) {
                CHECK(st == ALIYUN_MQTT_OK);
            } else {
                CHECK(st == cases[i].want);
            }
            free(s);
        }
    }
}

static void test_invalid_inputs(void) {
    static const struct { int which; const char *value; aliyun_mqtt_status want; } cases[] = {
        {0, "", ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY},
        {0, "a14X-ib5k", ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY},
        {0, "a14X\xc3\xa9", ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY},
        {1, "abc", ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME},
        {1, "light&1983432", ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME},
        {1, "light 1983432", ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME},
        {2, "", ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET},
        {2, "sec\tret", ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET},
        {3, "SN|1", ALIYUN_MQTT_ERR_INVALID_CLIENT_ID},
        {3, "SN,1", ALIYUN_MQTT_ERR_INVALID_CLIENT_ID},
        {3, "SN=1", ALIYUN_MQTT_ERR_INVALID_CLIENT_ID},
        {3, "SN\n1", ALIYUN_MQTT_ERR_INVALID_CLIENT_ID},
        {4, "lan", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "lan=", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "=C", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "lan=C,", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "lan=C|x", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "a=b=c", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "lan=C,lan=E", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "timestamp=1", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
        {4, "securemode=2", ALIYUN_MQTT_ERR_INVALID_EXTRA_PARAMS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aliyun_mqtt_device dev = golden();
        const char **fields[] = {&dev.product_key, &dev.device_name, &dev.device_secret,
                                 &dev.client_id, &dev.extra_params};
        *fields[cases[i].which] = cases[i].value;
        char buf[ALIYUN_MQTT_CLIENT_ID_SIZE];
        memset(buf, CANARY, sizeof buf);
        size_t n = 77;
        /* The secret is read by the password only. */
        field_fn f = cases[i].which == 2 ? aliyun_mqtt_password : aliyun_mqtt_client_id;
        aliyun_mqtt_status st = f(&dev, buf, sizeof buf, &n);
        if (st != cases[i].want) {
            fprintf(stderr, "case %zu: got %s\n", i, aliyun_mqtt_status_name(st));
        }
        CHECK(st == cases[i].want);
        CHECK(buf[0] == '\0' && n == 0);
        for (size_t k = 1; k < sizeof buf; k++) CHECK((unsigned char)buf[k] == CANARY);
    }
}

static void test_misc(void) {
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", ALIYUN_MQTT_VERSION_MAJOR, ALIYUN_MQTT_VERSION_MINOR,
             ALIYUN_MQTT_VERSION_PATCH);
    CHECK(strcmp(aliyun_mqtt_version(), want) == 0);
    CHECK(ALIYUN_MQTT_VERSION_NUMBER ==
          ALIYUN_MQTT_VERSION_MAJOR * 10000 + ALIYUN_MQTT_VERSION_MINOR * 100 + ALIYUN_MQTT_VERSION_PATCH);
    CHECK(!aliyun_mqtt_keepalive_ok(0));
    CHECK(!aliyun_mqtt_keepalive_ok(29));
    CHECK(aliyun_mqtt_keepalive_ok(30));
    CHECK(aliyun_mqtt_keepalive_ok(300));
    CHECK(aliyun_mqtt_keepalive_ok(1200));
    CHECK(!aliyun_mqtt_keepalive_ok(1201));
    CHECK(!aliyun_mqtt_keepalive_ok(0xffffffffu));
}

static void test_verify(void) {
    const char *cid = "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|";
    const char *user = "light1983432&a14Xib5kdYd";
    const char *ds = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    aliyun_mqtt_verify_info info;
    memset(&info, CANARY, sizeof info);
    CHECK(aliyun_mqtt_verify(cid, user, "B2488041F64F425016B467EE1C94959EBD592AD1", ds, &info) ==
          ALIYUN_MQTT_OK);
    CHECK(strcmp(info.product_key, "a14Xib5kdYd") == 0 && strcmp(info.device_name, "light1983432") == 0);
    CHECK(strcmp(info.client_id, "SN1928339") == 0 && info.has_timestamp &&
          info.timestamp_ms == UINT64_C(1539421321846));
    CHECK(info.sign_method == ALIYUN_MQTT_HMAC_SHA1 && info.secure_mode == 3);
    CHECK(aliyun_mqtt_verify(cid, user, "b2488041f64f425016b467ee1c94959ebd592ad0", ds, NULL) ==
          ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
    CHECK(aliyun_mqtt_verify("SN1|securemode=3,securemode=3|", user, "00", ds, &info) ==
          ALIYUN_MQTT_ERR_DUPLICATE_PARAM);
    CHECK(info.product_key[0] == '\0' && info.client_id[0] == '\0');
    CHECK(aliyun_mqtt_verify(NULL, user, "00", ds, &info) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_verify_identify(cid, user, NULL) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_verify_identify(cid, "nope", &info) == ALIYUN_MQTT_ERR_INVALID_USERNAME);
    /* Inputs that end exactly at their bound are read no further (ASan). */
    char *cid_max = malloc(ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN + 1);
    memset(cid_max, 'c', ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN + 1);
    CHECK(aliyun_mqtt_verify_identify(cid_max, user, &info) == ALIYUN_MQTT_ERR_MALFORMED_CLIENT_ID);
    free(cid_max);
}

/* PROTOCOL.md §2-4 from C: every prefix of a reply in a heap block of exactly its
 * length (ASan catches any read past it), registration, connwl. */
static void test_platform(void) {
    static const char reply[] =
        "{\"code\":200,\"data\":{\"iotId\":\"id1\",\"iotToken\":\"tok\","
        "\"resources\":{\"mqtt\":{\"host\":\"127.0.0.1\",\"port\":8883}}},\"message\":\"ok\"}";
    size_t n = sizeof reply - 1;
    for (size_t len = 0; len <= n; len++) {
        char *block = malloc(len ? len : 1);
        memcpy(block, reply, len);
        aliyun_mqtt_auth_reply r;
        aliyun_mqtt_status st = aliyun_mqtt_parse_auth_reply(block, len, &r);
        if (len == n) {
            CHECK(st == ALIYUN_MQTT_OK && r.port == 8883 && strcmp(r.iot_id, "id1") == 0 &&
                  strcmp(r.iot_token, "tok") == 0 && strcmp(r.host, "127.0.0.1") == 0);
        } else {
            CHECK(st == ALIYUN_MQTT_ERR_REPLY_TRUNCATED && r.iot_id[0] == '\0' && r.port == 0);
        }
        free(block);
    }
    aliyun_mqtt_registration reg = aliyun_mqtt_registration_default();
    reg.product_key = "a1B2c3D4e5F";
    reg.device_name = "sensor-0001";
    reg.product_secret = "Ks3ProdSecretValue9";
    reg.random = "abcdefghij12345";
    aliyun_mqtt_credentials cred;
    CHECK(aliyun_mqtt_register_sign(&reg, &cred) == ALIYUN_MQTT_OK);
    CHECK(strcmp(cred.password,
                 "f2aee3219fd6756134b5cf9159f7c4550adb73397d8552e20f877bd7790f7566") == 0);
    aliyun_mqtt_verify_info info;
    CHECK(aliyun_mqtt_verify(cred.client_id, cred.username, cred.password, reg.product_secret,
                             &info) == ALIYUN_MQTT_OK);
    CHECK(info.auth_type == ALIYUN_MQTT_AUTH_REGISTER && strcmp(info.random, reg.random) == 0);
    char body[ALIYUN_MQTT_REGISTER_BODY_SIZE];
    size_t len = 0;
    CHECK(aliyun_mqtt_register_body(&reg, body, sizeof body, &len) == ALIYUN_MQTT_OK);
    CHECK(len == strlen(body) && strstr(body, "&signMethod=hmacsha256") != NULL);
    reg.secure_mode = ALIYUN_MQTT_SECURE_TCP;
    CHECK(aliyun_mqtt_register_sign(&reg, &cred) == ALIYUN_MQTT_ERR_INVALID_SECURE_MODE);
    CHECK(cred.client_id[0] == '\0' && cred.password[0] == '\0');

    static const char nwl[] = "{\"clientId\":\"c7\",\"productKey\":\"pk\","
                              "\"deviceName\":\"dev-1\",\"deviceToken\":\"t0k\"}";
    aliyun_mqtt_regnwl_reply got;
    CHECK(aliyun_mqtt_parse_ext_regnwl(nwl, sizeof nwl - 1, &got) == ALIYUN_MQTT_OK);
    aliyun_mqtt_connwl_credentials conn;
    CHECK(aliyun_mqtt_connwl(&got, &conn) == ALIYUN_MQTT_OK);
    CHECK(strcmp(conn.client_id, "c7|securemode=-2,authType=connwl|") == 0 &&
          strcmp(conn.username, "dev-1&pk") == 0 && strcmp(conn.password, "t0k") == 0);
    memset(got.device_token, 'x', sizeof got.device_token); /* no NUL */
    CHECK(aliyun_mqtt_connwl(&got, &conn) == ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN);

    size_t der_len = 0;
    const uint8_t *der = aliyun_mqtt_root_ca_der(&der_len);
    CHECK(der != NULL && der_len == 889 && der[0] == 0x30);
    CHECK(strncmp(aliyun_mqtt_root_ca_pem(), "-----BEGIN CERTIFICATE-----\n", 28) == 0);
    char host[ALIYUN_MQTT_HOST_NAME_SIZE];
    CHECK(aliyun_mqtt_websocket_url("pk", "cn-shanghai", ALIYUN_MQTT_SECURE_TLS, host, sizeof host,
                                    NULL) == ALIYUN_MQTT_OK);
    CHECK(strcmp(host, "wss://pk.iot-as-mqtt.cn-shanghai.aliyuncs.com:443") == 0);
}

/* The same status and info from aliyun_mqtt_verify and, with the secret
 * prepared, aliyun_mqtt_verify_with_key. */
static void same_verdict(const char *cid, const char *user, const char *pw, const char *secret,
                         aliyun_mqtt_status want) {
    aliyun_mqtt_verify_info a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    aliyun_mqtt_verify_key key;
    aliyun_mqtt_status init = aliyun_mqtt_verify_key_init(secret, &key);
    CHECK(init == ALIYUN_MQTT_OK || init == ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    aliyun_mqtt_status plain = aliyun_mqtt_verify(cid, user, pw, secret, &a);
    aliyun_mqtt_status keyed = aliyun_mqtt_verify_with_key(cid, user, pw, &key, &b);
    CHECK(plain == want);
    CHECK(keyed == want);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK(aliyun_mqtt_verify_key_wipe(&key) == ALIYUN_MQTT_OK);
}

/* aliyun_mqtt_verify_key_init / _with_key / _wipe (the golden vectors of
 * PROTOCOL.md §1.8 for each method, computed with Python's hmac). */
static void test_verify_key(void) {
    const char *user = "light1983432&a14Xib5kdYd";
    const char *ds = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    static const struct { const char *cid, *pw; } good[] = {
        {"SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|",
         "b2488041f64f425016b467ee1c94959ebd592ad1"},
        {"SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|",
         "B2488041F64F425016B467EE1C94959EBD592AD1"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        same_verdict(good[i].cid, user, good[i].pw, ds, ALIYUN_MQTT_OK);
        same_verdict(good[i].cid, user, good[i].pw, "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zQ",
                     ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
        same_verdict(good[i].cid, user, good[i].pw, "", ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
        same_verdict(good[i].cid, user, good[i].pw, "a b", ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    }
    /* Every method, signed by the library, then verified both ways. */
    static const aliyun_mqtt_sign_method methods[] = {ALIYUN_MQTT_HMAC_MD5, ALIYUN_MQTT_HMAC_SHA1,
                                                      ALIYUN_MQTT_HMAC_SHA256, ALIYUN_MQTT_SHA256};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        aliyun_mqtt_device dev = golden();
        dev.sign_method = methods[i];
        aliyun_mqtt_credentials cred;
        CHECK(aliyun_mqtt_sign(&dev, &cred) == ALIYUN_MQTT_OK);
        same_verdict(cred.client_id, cred.username, cred.password, ds, ALIYUN_MQTT_OK);
        cred.password[0] = cred.password[0] == '0' ? '1' : '0';
        same_verdict(cred.client_id, cred.username, cred.password, ds,
                     ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
    }
    same_verdict("SN1|securemode=3,,x=1|", user, "00", ds, ALIYUN_MQTT_ERR_EMPTY_PARAM);
    same_verdict("c7|securemode=-2,authType=connwl|", "dev-1&pk", "t0k", "t0k", ALIYUN_MQTT_OK);
    same_verdict("c7|securemode=-2,authType=connwl|", "dev-1&pk", "t0k", "t0K",
                 ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
    same_verdict("c7|securemode=-2,authType=connwl|", "dev-1&pk", "t0k", "",
                 ALIYUN_MQTT_ERR_INVALID_DEVICE_TOKEN);

    /* Init errors leave a zeroed key; wipe zeroes every byte. */
    aliyun_mqtt_verify_key key;
    unsigned char zero[sizeof key];
    memset(zero, 0, sizeof zero);
    CHECK(aliyun_mqtt_verify_key_init(NULL, &key) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(memcmp(&key, zero, sizeof key) == 0);
    CHECK(aliyun_mqtt_verify_key_init(ds, NULL) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_verify_key_init(ds, &key) == ALIYUN_MQTT_OK);
    CHECK(memcmp(&key, zero, sizeof key) != 0);
    CHECK(aliyun_mqtt_verify_key_init("", &key) == ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    CHECK(memcmp(&key, zero, sizeof key) == 0);
    memset(&key, CANARY, sizeof key);
    CHECK(aliyun_mqtt_verify_key_wipe(&key) == ALIYUN_MQTT_OK);
    CHECK(memcmp(&key, zero, sizeof key) == 0);
    CHECK(aliyun_mqtt_verify_key_wipe(NULL) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_verify_with_key(good[0].cid, user, good[0].pw, &key, NULL) ==
          ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    CHECK(aliyun_mqtt_verify_with_key(good[0].cid, user, good[0].pw, NULL, NULL) ==
          ALIYUN_MQTT_ERR_NULL_ARGUMENT);

    /* A secret is read up to ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN + 1 bytes and
     * no further (ASan): 129 bytes without a NUL are refused, by both. */
    char *long_secret = malloc(ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN + 1);
    memset(long_secret, 's', ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN + 1);
    CHECK(aliyun_mqtt_verify_key_init(long_secret, &key) == ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    CHECK(aliyun_mqtt_verify(good[0].cid, user, good[0].pw, long_secret, NULL) ==
          ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    /* 128 bytes and a NUL: a deviceToken, valid for connwl. */
    long_secret[ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN] = '\0';
    CHECK(aliyun_mqtt_verify_key_init(long_secret, &key) == ALIYUN_MQTT_OK);
    CHECK(aliyun_mqtt_verify_with_key("c7|securemode=-2,authType=connwl|", "dev-1&pk", long_secret,
                                      &key, NULL) == ALIYUN_MQTT_OK);
    CHECK(aliyun_mqtt_verify_with_key(good[0].cid, user, good[0].pw, &key, NULL) ==
          ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    CHECK(aliyun_mqtt_verify_key_wipe(&key) == ALIYUN_MQTT_OK);
    free(long_secret);

    /* The user name and the password likewise: each in a heap block of its
     * bound with no NUL is refused without a read past the block. */
    char *long_user = malloc(ALIYUN_MQTT_USERNAME_SIZE);
    memset(long_user, 'u', ALIYUN_MQTT_USERNAME_SIZE);
    CHECK(aliyun_mqtt_verify(good[0].cid, long_user, good[0].pw, ds, NULL) ==
          ALIYUN_MQTT_ERR_INVALID_USERNAME);
    free(long_user);
    char *long_pw = malloc(ALIYUN_MQTT_PASSWORD_SIZE);
    memset(long_pw, 'b', ALIYUN_MQTT_PASSWORD_SIZE);
    CHECK(aliyun_mqtt_verify(good[0].cid, user, long_pw, ds, NULL) ==
          ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
    free(long_pw);
    char *long_token = malloc(ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN + 1);
    memset(long_token, 't', ALIYUN_MQTT_DEVICE_TOKEN_MAX_LEN + 1);
    CHECK(aliyun_mqtt_verify("c7|securemode=-2,authType=connwl|", "dev-1&pk", long_token, "t0k",
                             NULL) == ALIYUN_MQTT_ERR_SIGNATURE_MISMATCH);
    free(long_token);
}

/* Overlapping outputs and inputs: refused with nothing written, and the
 * same output right next to the input works. */
static void test_overlap(void) {
    /* The user name written into the device name it is built from. */
    char mem[64];
    memset(mem, 0, sizeof mem);
    memcpy(mem, "dev-0001", 9);
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "dev0001";
    dev.device_name = mem;
    dev.device_secret = "s3cret";
    size_t n = 77;
    CHECK(aliyun_mqtt_username(&dev, mem + 4, 21, &n) == ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(memcmp(mem, "dev-0001\0", 9) == 0 && mem[9] == 0 && n == 77);
    CHECK(aliyun_mqtt_username(&dev, mem + 8, 21, &n) == ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(memcmp(mem, "dev-0001\0", 9) == 0 && n == 77);
    CHECK(aliyun_mqtt_username(&dev, mem + 9, 21, &n) == ALIYUN_MQTT_OK);
    CHECK(strcmp(mem + 9, "dev-0001&dev0001") == 0 && n == 16);

    /* out_len inside an input string. */
    union { size_t align; char s[32]; } pk;
    memset(&pk, 0, sizeof pk);
    strcpy(pk.s, "a14Xib5kdYd");
    char host[ALIYUN_MQTT_HOST_SIZE];
    memset(host, CANARY, sizeof host);
    CHECK(aliyun_mqtt_host(pk.s, "cn-shanghai", host, sizeof host, (size_t *)(void *)&pk) ==
          ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(strcmp(pk.s, "a14Xib5kdYd") == 0 && (unsigned char)host[0] == CANARY);
    /* The buffer and out_len overlapping each other. */
    union { size_t align; char s[ALIYUN_MQTT_HOST_SIZE]; } out;
    memset(&out, CANARY, sizeof out);
    CHECK(aliyun_mqtt_host(pk.s, "cn-shanghai", out.s, sizeof out.s, (size_t *)(void *)&out) ==
          ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK((unsigned char)out.s[0] == CANARY && (unsigned char)out.s[7] == CANARY);

    /* The output structure over a string of the device, and a reply. */
    union { aliyun_mqtt_credentials cred; char s[sizeof(aliyun_mqtt_credentials) + 16]; } big;
    memset(&big, 0, sizeof big);
    strcpy(big.s + 100, "light1983432");
    aliyun_mqtt_device g = golden();
    g.device_name = big.s + 100;
    CHECK(aliyun_mqtt_sign(&g, &big.cred) == ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(strcmp(big.s + 100, "light1983432") == 0 && big.s[0] == 0);
    static const char nwl[] = "{\"clientId\":\"c7\",\"productKey\":\"pk\","
                              "\"deviceName\":\"dev-1\",\"deviceToken\":\"t0k\"}";
    union { aliyun_mqtt_regnwl_reply r; char s[sizeof(aliyun_mqtt_regnwl_reply) + sizeof nwl]; } rep;
    memset(&rep, 0, sizeof rep);
    memcpy(rep.s + 8, nwl, sizeof nwl - 1);
    CHECK(aliyun_mqtt_parse_ext_regnwl(rep.s + 8, sizeof nwl - 1, &rep.r) ==
          ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(memcmp(rep.s + 8, nwl, sizeof nwl - 1) == 0 && rep.s[0] == 0);

    /* The verifier's info over its password, over the key; a key over its
     * secret. */
    const char *cid = "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|";
    const char *user = "light1983432&a14Xib5kdYd";
    const char *pw = "b2488041f64f425016b467ee1c94959ebd592ad1";
    const char *ds = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    union { aliyun_mqtt_verify_info info; char s[sizeof(aliyun_mqtt_verify_info) + 64]; } v;
    memset(&v, 0, sizeof v);
    strcpy(v.s + sizeof v.info - 8, pw);
    CHECK(aliyun_mqtt_verify(cid, user, v.s + sizeof v.info - 8, ds, &v.info) ==
          ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(strcmp(v.s + sizeof v.info - 8, pw) == 0 && v.s[0] == 0);
    CHECK(aliyun_mqtt_verify(cid, user, pw, ds, &v.info) == ALIYUN_MQTT_OK);
    union { aliyun_mqtt_verify_key key; char s[sizeof(aliyun_mqtt_verify_key) + 64]; } k;
    memset(&k, 0, sizeof k);
    strcpy(k.s + sizeof k.key - 1, ds); /* the secret starts on the key's last byte */
    CHECK(aliyun_mqtt_verify_key_init(k.s + sizeof k.key - 1, &k.key) ==
          ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(strcmp(k.s + sizeof k.key - 1, ds) == 0 && k.s[0] == 0);
    strcpy(k.s + sizeof k.key, ds); /* right after it */
    CHECK(aliyun_mqtt_verify_key_init(k.s + sizeof k.key, &k.key) == ALIYUN_MQTT_OK);
    aliyun_mqtt_verify_info info;
    CHECK(aliyun_mqtt_verify_with_key(cid, user, pw, &k.key, &info) == ALIYUN_MQTT_OK);
    CHECK(aliyun_mqtt_verify_with_key(cid, user, pw, &k.key, (aliyun_mqtt_verify_info *)(void *)&k) ==
          ALIYUN_MQTT_ERR_OVERLAPPING_BUFFERS);
    CHECK(aliyun_mqtt_verify_with_key(cid, user, pw, &k.key, &info) == ALIYUN_MQTT_OK);
    CHECK(aliyun_mqtt_verify_key_wipe(&k.key) == ALIYUN_MQTT_OK);
}

/* The checks give the signing functions' status; the method names both ways. */
static void test_checks_and_names(void) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    aliyun_mqtt_credentials cred;
    CHECK(aliyun_mqtt_device_check(&dev) == ALIYUN_MQTT_OK);
    CHECK(aliyun_mqtt_device_check(NULL) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    dev.device_secret = "has space";
    CHECK(aliyun_mqtt_device_check(&dev) == ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    CHECK(aliyun_mqtt_sign(&dev, &cred) == ALIYUN_MQTT_ERR_INVALID_DEVICE_SECRET);
    dev.device_name = "x"; /* the first bad field names the status */
    CHECK(aliyun_mqtt_device_check(&dev) == ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME);
    CHECK(aliyun_mqtt_sign(&dev, &cred) == ALIYUN_MQTT_ERR_INVALID_DEVICE_NAME);

    aliyun_mqtt_registration reg = aliyun_mqtt_registration_default();
    reg.product_key = "a1iJcssSlPC";
    reg.device_name = "dyn-dev-01";
    reg.product_secret = "qTbGdOa6pSgXzSAQ";
    reg.random = "2b2c0e3f9a7d4c1";
    CHECK(aliyun_mqtt_registration_check(&reg) == ALIYUN_MQTT_OK);
    CHECK(aliyun_mqtt_registration_check(NULL) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    reg.sign_method = ALIYUN_MQTT_SHA256;
    CHECK(aliyun_mqtt_registration_check(&reg) == ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
    CHECK(aliyun_mqtt_register_sign(&reg, &cred) == ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
    reg.product_key = "bad pk";
    CHECK(aliyun_mqtt_registration_check(&reg) == ALIYUN_MQTT_ERR_INVALID_PRODUCT_KEY);

    static const char *const names[] = {"hmacmd5", "hmacsha1", "hmacsha256", "sha256"};
    static const uint32_t values[] = {ALIYUN_MQTT_HMAC_MD5, ALIYUN_MQTT_HMAC_SHA1,
                                      ALIYUN_MQTT_HMAC_SHA256, ALIYUN_MQTT_SHA256};
    for (size_t i = 0; i < 4; i++) {
        uint32_t m = 0;
        CHECK(aliyun_mqtt_sign_method_from_name(names[i], &m) == ALIYUN_MQTT_OK && m == values[i]);
        CHECK(strcmp(aliyun_mqtt_sign_method_name(values[i]), names[i]) == 0);
        CHECK(strlen(names[i]) <= ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN);
    }
    uint32_t m = 7;
    CHECK(aliyun_mqtt_sign_method_from_name("HMACSHA1", &m) == ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD);
    CHECK(m == 0);
    CHECK(aliyun_mqtt_sign_method_from_name(NULL, &m) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_sign_method_from_name("hmacmd5", NULL) == ALIYUN_MQTT_ERR_NULL_ARGUMENT);
    CHECK(aliyun_mqtt_sign_method_name(0) == NULL);
    CHECK(aliyun_mqtt_sign_method_name(5) == NULL);
}

int main(void) {
    test_golden_fields();
    test_methods();
    test_host();
    test_nulls();
    test_enum_ranges();
    test_unterminated();
    test_invalid_inputs();
    test_misc();
    test_verify();
    test_platform();
    test_verify_key();
    test_overlap();
    test_checks_and_names();
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
