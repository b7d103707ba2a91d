/* https_auth: the platform's other ways in, end to end, with libcurl and
 * Paho MQTT C around aliyun-mqtt-sign.
 *
 *   https_auth auth --url https://HOST[:PORT] --cafile CA.pem
 *              --product-key PK --device-name DN --device-secret DS
 *              [--client-id ID] [--timestamp MS] [--sign-method M]
 *              [--mqtt-cafile CA.pem] [--topic T]
 *     PROTOCOL.md §3: POST the body aliyun_mqtt_auth_body builds to URL/auth/devicename,
 *     parse the reply, then connect MQTT over TLS to the host and port of
 *     the reply with user name iotId and password iotToken (and publish to
 *     T if given).
 *
 *   https_auth register-https --url ... --cafile CA.pem --product-key PK
 *              --device-name DN --product-secret PS --random R
 *              --mqtt-host H --mqtt-port P [--mqtt-cafile CA.pem]
 *     PROTOCOL.md §4 over HTTPS: POST /auth/register/device, parse the DeviceSecret,
 *     then connect as in PROTOCOL.md §1 with it.
 *
 *   https_auth register-mqtt --mqtt-host H --mqtt-port P --mqtt-cafile CA.pem
 *              --product-key PK --device-name DN --product-secret PS --random R
 *              [--nwl] [--secret-file F]
 *     PROTOCOL.md §4 over MQTT: connect with authType=register, wait for the
 *     /ext/register reply, store the DeviceSecret in F, reconnect with it as
 *     in PROTOCOL.md §1. With --nwl: authType=regnwl, /ext/regnwl, then connwl.
 *
 * Exit status: 0 when every step succeeded, 1 when a step failed (the line
 * on stderr says which), 2 on bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <MQTTClient.h>
#include <curl/curl.h>

#include "aliyun_mqtt_sign.h"

#define PROG "https_auth: "

struct args {
    const char *url, *cafile, *mqtt_cafile, *mqtt_host, *mqtt_port, *topic, *secret_file;
    int nwl;
};

static int fail(const char *step, const char *why) {
    fprintf(stderr, PROG "%s: %s\n", step, why);
    return 1;
}

static int status_fail(const char *step, aliyun_mqtt_status st) {
    fprintf(stderr, PROG "%s: %s (%s)\n", step, aliyun_mqtt_status_str(st),
            aliyun_mqtt_status_name(st));
    return 1;
}

/* ------------------------------------------------------------- HTTPS */

/* The reply lands in a fixed buffer; more than the library reads is an
 * error (the parser would refuse it anyway). */
struct reply {
    char data[ALIYUN_MQTT_REPLY_MAX_LEN + 1];
    size_t len;
    int overflow;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct reply *r = userdata;
    size_t n = size * nmemb;
    if (n > sizeof r->data - r->len) {
        r->overflow = 1;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    memcpy(r->data + r->len, ptr, n);
    r->len += n;
    return n;
}

/* POSTs `body` as a form to url + path; the reply goes to `r`. */
static int post_form(const struct args *a, const char *path, const char *body, struct reply *r) {
    char url[512];
    if ((size_t)snprintf(url, sizeof url, "%s%s", a->url, path) >= sizeof url) {
        return fail("https", "URL too long");
    }
    CURL *curl = curl_easy_init();
    if (!curl) return fail("https", "curl_easy_init failed");
    struct curl_slist *headers =
        curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
    memset(r, 0, sizeof *r);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CAINFO, a->cafile);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
    CURLcode rc = curl_easy_perform(curl);
    long http = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (r->overflow) return fail("https", "reply longer than ALIYUN_MQTT_REPLY_MAX_LEN");
    if (rc != CURLE_OK) return fail("https", curl_easy_strerror(rc));
    printf("https: POST %s -> HTTP %ld, %zu bytes\n", path, http, r->len);
    return 0;
}

/* -------------------------------------------------------------- MQTT */

/* Connects over TLS (with cafile) or TCP; returns 0 and a connected client. */
static int mqtt_connect(MQTTClient *client, const char *host, const char *port,
                        const char *cafile, const char *client_id, const char *username,
                        const char *password) {
    char uri[320];
    snprintf(uri, sizeof uri, "%s://%s:%s", cafile ? "ssl" : "tcp", host, port);
    if (MQTTClient_create(client, uri, client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL) !=
        MQTTCLIENT_SUCCESS) {
        return fail("mqtt", "MQTTClient_create failed");
    }
    MQTTClient_connectOptions opts = MQTTClient_connectOptions_initializer;
    MQTTClient_SSLOptions ssl = MQTTClient_SSLOptions_initializer;
    opts.keepAliveInterval = 300;
    opts.cleansession = 1;
    opts.connectTimeout = 5;
    opts.MQTTVersion = MQTTVERSION_3_1_1;
    opts.username = username;
    opts.password = password;
    if (cafile) {
        ssl.trustStore = cafile;
        ssl.enableServerCertAuth = 1;
        ssl.verify = 1;
        opts.ssl = &ssl;
    }
    int rc = MQTTClient_connect(*client, &opts);
    if (rc != MQTTCLIENT_SUCCESS) {
        MQTTClient_destroy(client);
        fprintf(stderr, PROG "mqtt: %s refused the connection (rc=%d)\n", uri, rc);
        return 1;
    }
    printf("mqtt: connected to %s as %s\n", uri, client_id);
    return 0;
}

/* Publishes one QoS 1 message and waits for its acknowledgement. */
static int mqtt_publish(MQTTClient client, const char *topic) {
    static const char payload[] = "{\"hello\":\"from aliyun-mqtt-sign\"}";
    MQTTClient_deliveryToken token;
    if (MQTTClient_publish(client, topic, (int)strlen(payload), payload, 1, 0, &token) !=
            MQTTCLIENT_SUCCESS ||
        MQTTClient_waitForCompletion(client, token, 5000) != MQTTCLIENT_SUCCESS) {
        return fail("mqtt", "publish failed");
    }
    printf("mqtt: published to %s\n", topic);
    return 0;
}

static void mqtt_close(MQTTClient *client) {
    MQTTClient_disconnect(*client, 1000);
    MQTTClient_destroy(client);
}

/* Connects as in PROTOCOL.md §1 with `dev`, publishes, disconnects. */
static int connect_with_secret(const struct args *a, aliyun_mqtt_device *dev) {
    dev->secure_mode = a->mqtt_cafile ? ALIYUN_MQTT_SECURE_TLS : ALIYUN_MQTT_SECURE_TCP;
    aliyun_mqtt_credentials cred;
    aliyun_mqtt_status st = aliyun_mqtt_sign(dev, &cred);
    if (st != ALIYUN_MQTT_OK) return status_fail("sign", st);
    MQTTClient client;
    if (mqtt_connect(&client, a->mqtt_host, a->mqtt_port, a->mqtt_cafile, cred.client_id,
                     cred.username, cred.password) != 0) {
        return 1;
    }
    int rc = mqtt_publish(client, a->topic ? a->topic : "/sys/test/up");
    mqtt_close(&client);
    return rc;
}

/* ------------------------------------------------------------- flows */

static int flow_auth(const struct args *a, aliyun_mqtt_device *dev) {
    char body[ALIYUN_MQTT_AUTH_BODY_SIZE], path[32];
    aliyun_mqtt_status st = aliyun_mqtt_auth_body(dev, body, sizeof body, NULL);
    if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_auth_path(path, sizeof path, NULL);
    if (st != ALIYUN_MQTT_OK) return status_fail("auth body", st);
    static struct reply r; /* 4 KiB: off the stack */
    if (post_form(a, path, body, &r) != 0) return 1;
    aliyun_mqtt_auth_reply auth;
    st = aliyun_mqtt_parse_auth_reply(r.data, r.len, &auth);
    if (st == ALIYUN_MQTT_ERR_SERVER_REFUSED) {
        fprintf(stderr, PROG "auth: server refused: code %d, message \"%s\"\n", auth.code,
                auth.message);
        return 1;
    }
    if (st != ALIYUN_MQTT_OK) return status_fail("auth reply", st);
    printf("auth: iotId=%s host=%s port=%u\n", auth.iot_id, auth.host, (unsigned)auth.port);

    /* The token is the password of a TLS connection to the host it names. */
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)auth.port);
    const char *cid = dev->client_id && *dev->client_id ? dev->client_id : auth.iot_id;
    MQTTClient client;
    if (mqtt_connect(&client, auth.host, port, a->mqtt_cafile ? a->mqtt_cafile : a->cafile, cid,
                     auth.iot_id, auth.iot_token) != 0) {
        return 1;
    }
    int rc = a->topic ? mqtt_publish(client, a->topic) : 0;
    mqtt_close(&client);
    return rc;
}

static int flow_register_https(const struct args *a, aliyun_mqtt_registration *reg) {
    char body[ALIYUN_MQTT_REGISTER_BODY_SIZE], path[32];
    aliyun_mqtt_status st = aliyun_mqtt_register_body(reg, body, sizeof body, NULL);
    if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_register_path(path, sizeof path, NULL);
    if (st != ALIYUN_MQTT_OK) return status_fail("register body", st);
    static struct reply r;
    if (post_form(a, path, body, &r) != 0) return 1;
    aliyun_mqtt_register_reply got;
    st = aliyun_mqtt_parse_register_reply(r.data, r.len, &got);
    if (st == ALIYUN_MQTT_ERR_SERVER_REFUSED) {
        fprintf(stderr, PROG "register: server refused: code %d, message \"%s\"\n", got.code,
                got.message);
        return 1;
    }
    if (st != ALIYUN_MQTT_OK) return status_fail("register reply", st);
    if (strcmp(got.product_key, reg->product_key) != 0 ||
        strcmp(got.device_name, reg->device_name) != 0) {
        return fail("register", "the reply names another device");
    }
    printf("register: DeviceSecret received over HTTPS (%zu characters)\n",
           strlen(got.device_secret));
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = reg->product_key;
    dev.device_name = reg->device_name;
    dev.device_secret = got.device_secret;
    int rc = connect_with_secret(a, &dev);
    memset(&got, 0, sizeof got);
    return rc;
}

/* Waits up to 10 s for a message on `topic`; copies its payload. */
static int wait_for(MQTTClient client, const char *topic, char *payload, size_t cap, size_t *len) {
    for (int tries = 0; tries < 10; tries++) {
        char *name = NULL;
        int name_len = 0;
        MQTTClient_message *msg = NULL;
        int rc = MQTTClient_receive(client, &name, &name_len, &msg, 1000);
        if (rc != MQTTCLIENT_SUCCESS && rc != MQTTCLIENT_TOPICNAME_TRUNCATED) break;
        if (!msg) continue;
        int match = name && strcmp(name, topic) == 0;
        if (match && (size_t)msg->payloadlen <= cap) {
            memcpy(payload, msg->payload, (size_t)msg->payloadlen);
            *len = (size_t)msg->payloadlen;
        }
        MQTTClient_freeMessage(&msg);
        MQTTClient_free(name);
        if (match) return *len ? 0 : fail("register", "reply too long");
    }
    return fail("register", "no reply from the broker within 10 s");
}

static int flow_register_mqtt(const struct args *a, aliyun_mqtt_registration *reg) {
    reg->auth_type = a->nwl ? ALIYUN_MQTT_AUTH_REGNWL : ALIYUN_MQTT_AUTH_REGISTER;
    aliyun_mqtt_credentials cred;
    aliyun_mqtt_status st = aliyun_mqtt_register_sign(reg, &cred);
    if (st != ALIYUN_MQTT_OK) return status_fail("register sign", st);
    MQTTClient client;
    if (mqtt_connect(&client, a->mqtt_host, a->mqtt_port, a->mqtt_cafile, cred.client_id,
                     cred.username, cred.password) != 0) {
        return 1;
    }
    const char *topic = a->nwl ? "/ext/regnwl" : "/ext/register";
    static char payload[ALIYUN_MQTT_REPLY_MAX_LEN];
    size_t len = 0;
    int rc = wait_for(client, topic, payload, sizeof payload, &len);
    mqtt_close(&client);
    if (rc != 0) return rc;
    printf("register: reply on %s (%zu bytes)\n", topic, len);

    if (a->nwl) {
        aliyun_mqtt_regnwl_reply nwl;
        st = aliyun_mqtt_parse_ext_regnwl(payload, len, &nwl);
        if (st != ALIYUN_MQTT_OK) return status_fail("regnwl reply", st);
        aliyun_mqtt_connwl_credentials conn;
        st = aliyun_mqtt_connwl(&nwl, &conn);
        if (st != ALIYUN_MQTT_OK) return status_fail("connwl", st);
        if (mqtt_connect(&client, a->mqtt_host, a->mqtt_port, a->mqtt_cafile, conn.client_id,
                         conn.username, conn.password) != 0) {
            return 1;
        }
        rc = mqtt_publish(client, a->topic ? a->topic : "/sys/test/up");
        mqtt_close(&client);
        memset(&nwl, 0, sizeof nwl);
        memset(&conn, 0, sizeof conn);
        return rc;
    }

    aliyun_mqtt_register_reply got;
    st = aliyun_mqtt_parse_ext_register(payload, len, &got);
    memset(payload, 0, sizeof payload);
    if (st != ALIYUN_MQTT_OK) return status_fail("register reply", st);
    if (strcmp(got.product_key, reg->product_key) != 0 ||
        strcmp(got.device_name, reg->device_name) != 0) {
        return fail("register", "the reply names another device");
    }
    if (a->secret_file) {
        /* A device keeps it in flash; here a file only its owner reads. */
        FILE *f = fopen(a->secret_file, "w");
        if (!f || fprintf(f, "%s\n", got.device_secret) < 0 || fclose(f) != 0) {
            return fail("register", "cannot store the DeviceSecret");
        }
        printf("register: DeviceSecret stored in %s\n", a->secret_file);
    }
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = reg->product_key;
    dev.device_name = reg->device_name;
    dev.device_secret = got.device_secret;
    rc = connect_with_secret(a, &dev);
    memset(&got, 0, sizeof got);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, PROG "usage: https_auth auth|register-https|register-mqtt [flags]\n");
        return 2;
    }
    const char *mode = argv[1];
    struct args a = {0};
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    aliyun_mqtt_registration reg = aliyun_mqtt_registration_default();
    for (int i = 2; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--nwl") == 0) {
            a.nwl = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, PROG "%s needs a value\n", flag);
            return 2;
        }
        const char *val = argv[++i];
        if (strcmp(flag, "--url") == 0) a.url = val;
        else if (strcmp(flag, "--cafile") == 0) a.cafile = val;
        else if (strcmp(flag, "--mqtt-cafile") == 0) a.mqtt_cafile = val;
        else if (strcmp(flag, "--mqtt-host") == 0) a.mqtt_host = val;
        else if (strcmp(flag, "--mqtt-port") == 0) a.mqtt_port = val;
        else if (strcmp(flag, "--topic") == 0) a.topic = val;
        else if (strcmp(flag, "--secret-file") == 0) a.secret_file = val;
        else if (strcmp(flag, "--product-key") == 0) dev.product_key = reg.product_key = val;
        else if (strcmp(flag, "--device-name") == 0) dev.device_name = reg.device_name = val;
        else if (strcmp(flag, "--device-secret") == 0) dev.device_secret = val;
        else if (strcmp(flag, "--product-secret") == 0) reg.product_secret = val;
        else if (strcmp(flag, "--random") == 0) reg.random = val;
        else if (strcmp(flag, "--client-id") == 0) dev.client_id = reg.client_id = val;
        else if (strcmp(flag, "--timestamp") == 0) dev.timestamp_ms = strtoull(val, NULL, 10);
        else if (strcmp(flag, "--sign-method") == 0) {
            /* HTTPS and registration take the HMAC methods only. */
            if (aliyun_mqtt_sign_method_from_name(val, &dev.sign_method) != ALIYUN_MQTT_OK ||
                dev.sign_method == ALIYUN_MQTT_SHA256) {
                fprintf(stderr, PROG "--sign-method: not hmacmd5|hmacsha1|hmacsha256\n");
                return 2;
            }
            reg.sign_method = dev.sign_method;
        } else {
            fprintf(stderr, PROG "unknown flag %s\n", flag);
            return 2;
        }
    }
    int https = strcmp(mode, "auth") == 0 || strcmp(mode, "register-https") == 0;
    if (https && (!a.url || !a.cafile)) {
        fprintf(stderr, PROG "%s needs --url and --cafile\n", mode);
        return 2;
    }
    if (strcmp(mode, "auth") != 0 && (!a.mqtt_host || !a.mqtt_port)) {
        fprintf(stderr, PROG "%s needs --mqtt-host and --mqtt-port\n", mode);
        return 2;
    }
    if (https && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return fail("https", "curl_global_init failed");
    }
    int rc;
    if (strcmp(mode, "auth") == 0) rc = flow_auth(&a, &dev);
    else if (strcmp(mode, "register-https") == 0) rc = flow_register_https(&a, &reg);
    else if (strcmp(mode, "register-mqtt") == 0) rc = flow_register_mqtt(&a, &reg);
    else {
        fprintf(stderr, PROG "unknown mode %s\n", mode);
        rc = 2;
    }
    if (https) curl_global_cleanup();
    return rc;
}
