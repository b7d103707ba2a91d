/* gateway: a gateway brings its sub-devices online over its own MQTT
 * connection (Paho MQTT C + aliyun-mqtt-sign), after setting its clock
 * over MQTT, the way a clockless gateway does with the platform.
 *
 *   gateway HOST PORT GATEWAY SUB1 SUB2 SUB3 [WRONG]
 *
 * Each device is productKey,deviceName,deviceSecret. Plain TCP
 * (securemode=3). The gateway:
 * 1. connects with the fixed timestamp a device without a clock uses
 *    (PROTOCOL.md §5), and asks the time on /ext/ntp (PROTOCOL.md §7);
 * 2. logs SUB1 in alone and SUB2, SUB3 in one batch (PROTOCOL.md §6),
 *    signed with the time it learnt, and reads each _reply;
 * 3. with WRONG (a sub-device with a secret that is not its own), shows
 *    the refusal: the reply's code is not 200;
 * 4. publishes one message for each sub-device on its topic
 *    /sys/pk/dn/thing/event/property/post, subscribed there, and waits
 *    for it to come back;
 * 5. logs SUB1 out alone and SUB2, SUB3 in one batch;
 * 6. disconnects and connects again, signed with the time from step 1
 *    (each CONNECT prints its client id, with the timestamp it signs).
 * Each step prints one line. Exit status: 0 when every step went as
 * described, 1 when one did not, 2 on bad arguments.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <MQTTClient.h>

#include "aliyun_mqtt_sign.h"

/* What a device without a clock signs with (PROTOCOL.md §5). */
#define NO_CLOCK_TIMESTAMP 2524608000000ULL
#define WAIT_MS 5000

struct triple {
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    char device_secret[ALIYUN_MQTT_DEVICE_SECRET_SIZE];
};

struct gateway {
    MQTTClient client;
    struct triple self;
    const char *host, *port;
    uint32_t next_id; /* message ids, unique per device */
    /* The epoch time at the counter value `synced_at`, once set. */
    uint64_t epoch_at_sync, synced_at;
};

static int parse_triple(const char *arg, struct triple *out) {
    const char *c1 = strchr(arg, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!c2 || strchr(c2 + 1, ',')) return -1;
    size_t pk = (size_t)(c1 - arg), dn = (size_t)(c2 - c1 - 1), ds = strlen(c2 + 1);
    if (pk >= sizeof out->product_key || dn >= sizeof out->device_name ||
        ds >= sizeof out->device_secret) {
        return -1;
    }
    memset(out, 0, sizeof *out);
    memcpy(out->product_key, arg, pk);
    memcpy(out->device_name, c1 + 1, dn);
    memcpy(out->device_secret, c2 + 1, ds);
    return 0;
}

/* A millisecond counter with no relation to the date, as a firmware tick. */
static uint64_t tick_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The epoch time now, from the NTP exchange (NO_CLOCK_TIMESTAMP before). */
static uint64_t now_ms(const struct gateway *gw) {
    if (!gw->synced_at) return NO_CLOCK_TIMESTAMP;
    return gw->epoch_at_sync + (tick_ms() - gw->synced_at);
}

static int topic_of(uint32_t kind, const char *pk, const char *dn, char *out) {
    aliyun_mqtt_status st = aliyun_mqtt_topic(kind, pk, dn, out, ALIYUN_MQTT_TOPIC_SIZE, NULL);
    if (st != ALIYUN_MQTT_OK) fprintf(stderr, "gateway: topic: %s\n", aliyun_mqtt_status_str(st));
    return st == ALIYUN_MQTT_OK ? 0 : -1;
}

/* Connects, signed with the gateway's time now. */
static int gateway_connect(struct gateway *gw) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = gw->self.product_key;
    dev.device_name = gw->self.device_name;
    dev.device_secret = gw->self.device_secret;
    dev.secure_mode = ALIYUN_MQTT_SECURE_TCP;
    dev.timestamp_ms = now_ms(gw);
    aliyun_mqtt_credentials cred;
    aliyun_mqtt_status st = aliyun_mqtt_sign(&dev, &cred);
    if (st != ALIYUN_MQTT_OK) {
        fprintf(stderr, "gateway: sign: %s\n", aliyun_mqtt_status_str(st));
        return -1;
    }
    char uri[300];
    snprintf(uri, sizeof uri, "tcp://%s:%s", gw->host, gw->port);
    if (MQTTClient_create(&gw->client, uri, cred.client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL) !=
        MQTTCLIENT_SUCCESS) {
        fprintf(stderr, "gateway: MQTTClient_create failed\n");
        return -1;
    }
    MQTTClient_connectOptions opts = MQTTClient_connectOptions_initializer;
    opts.keepAliveInterval = 300;
    opts.cleansession = 1;
    opts.connectTimeout = 5;
    opts.MQTTVersion = MQTTVERSION_3_1_1;
    opts.username = cred.username;
    opts.password = cred.password;
    int rc = MQTTClient_connect(gw->client, &opts);
    memset(&cred.password, 0, sizeof cred.password);
    if (rc != MQTTCLIENT_SUCCESS) {
        printf("connect refused rc=%d\n", rc);
        MQTTClient_destroy(&gw->client);
        return -1;
    }
    printf("connected client_id=%s\n", cred.client_id);
    return 0;
}

static void gateway_close(struct gateway *gw) {
    MQTTClient_disconnect(gw->client, 1000);
    MQTTClient_destroy(&gw->client);
}

/* Publishes payload on topic at QoS 0, as sub-device and NTP messages go. */
static int publish(struct gateway *gw, const char *topic, const char *payload) {
    MQTTClient_deliveryToken token;
    return MQTTClient_publish(gw->client, topic, (int)strlen(payload), payload, 0, 0, &token) ==
                   MQTTCLIENT_SUCCESS
               ? 0
               : -1;
}

/* Waits up to WAIT_MS for a message on topic; its payload (NUL-terminated,
 * at most cap - 1 bytes) into out. Messages on other topics are dropped. */
static int receive_on(struct gateway *gw, const char *topic, char *out, size_t cap) {
    uint64_t deadline = tick_ms() + WAIT_MS;
    while (tick_ms() < deadline) {
        char *name = NULL;
        int name_len = 0;
        MQTTClient_message *msg = NULL;
        int rc = MQTTClient_receive(gw->client, &name, &name_len, &msg,
                                    (unsigned long)(deadline - tick_ms()));
        int found = rc == MQTTCLIENT_SUCCESS && msg && strcmp(name, topic) == 0 &&
                    (size_t)msg->payloadlen < cap;
        if (found) {
            memcpy(out, msg->payload, (size_t)msg->payloadlen);
            out[msg->payloadlen] = '\0';
        }
        if (msg) MQTTClient_freeMessage(&msg);
        if (name) MQTTClient_free(name);
        if (found) return 0;
        if (rc != MQTTCLIENT_SUCCESS) break;
    }
    fprintf(stderr, "gateway: nothing came on %s\n", topic);
    return -1;
}

/* PROTOCOL.md §7: one request, one response, and the time they give. */
static int sync_time(struct gateway *gw) {
    char request_topic[ALIYUN_MQTT_TOPIC_SIZE], response_topic[ALIYUN_MQTT_TOPIC_SIZE];
    char payload[ALIYUN_MQTT_NTP_REQUEST_SIZE], response[256];
    if (topic_of(ALIYUN_MQTT_TOPIC_NTP_REQUEST, gw->self.product_key, gw->self.device_name, request_topic) ||
        topic_of(ALIYUN_MQTT_TOPIC_NTP_RESPONSE, gw->self.product_key, gw->self.device_name, response_topic)) {
        return -1;
    }
    if (MQTTClient_subscribe(gw->client, response_topic, 0) != MQTTCLIENT_SUCCESS) return -1;
    uint64_t sent = tick_ms();
    if (aliyun_mqtt_ntp_request(sent, payload, sizeof payload, NULL) != ALIYUN_MQTT_OK ||
        publish(gw, request_topic, payload) != 0 ||
        receive_on(gw, response_topic, response, sizeof response) != 0) {
        return -1;
    }
    uint64_t received = tick_ms();
    aliyun_mqtt_ntp_response r;
    aliyun_mqtt_status st = aliyun_mqtt_parse_ntp_response(response, strlen(response), &r);
    if (st == ALIYUN_MQTT_OK && r.device_send_time != sent) st = ALIYUN_MQTT_ERR_INVALID_NTP_TIMES;
    uint64_t epoch = 0;
    if (st == ALIYUN_MQTT_OK) {
        st = aliyun_mqtt_ntp_time(r.device_send_time, r.server_recv_time, r.server_send_time,
                                  received, &epoch);
    }
    if (st != ALIYUN_MQTT_OK) {
        fprintf(stderr, "gateway: ntp: %s\n", aliyun_mqtt_status_str(st));
        return -1;
    }
    gw->epoch_at_sync = epoch;
    gw->synced_at = received;
    printf("ntp epoch_ms=%llu round_trip_ms=%llu\n", (unsigned long long)epoch,
           (unsigned long long)(received - sent));
    return 0;
}

/* Publishes payload on the gateway's topic of kind and parses the reply:
 * the reply's code, or -1 when none came or it did not parse. */
static long exchange(struct gateway *gw, uint32_t kind, uint32_t id, const char *payload,
                     aliyun_mqtt_subdev_reply *reply) {
    char topic[ALIYUN_MQTT_TOPIC_SIZE], reply_topic[ALIYUN_MQTT_TOPIC_SIZE], text[8192];
    if (topic_of(kind, gw->self.product_key, gw->self.device_name, topic) ||
        topic_of(kind + 1, gw->self.product_key, gw->self.device_name, reply_topic) ||
        MQTTClient_subscribe(gw->client, reply_topic, 0) != MQTTCLIENT_SUCCESS ||
        publish(gw, topic, payload) != 0 || receive_on(gw, reply_topic, text, sizeof text) != 0) {
        return -1;
    }
    aliyun_mqtt_status st = aliyun_mqtt_parse_subdev_reply(text, strlen(text), reply);
    if (st != ALIYUN_MQTT_OK && st != ALIYUN_MQTT_ERR_SERVER_REFUSED) {
        fprintf(stderr, "gateway: reply on %s: %s\n", reply_topic, aliyun_mqtt_status_str(st));
        return -1;
    }
    if (reply->id != id) {
        fprintf(stderr, "gateway: reply on %s is for id %u, not %u\n", reply_topic, reply->id, id);
        return -1;
    }
    return reply->code;
}

/* Prints a reply's line: what, code, message and the sub-devices named. */
static void print_reply(const char *what, const aliyun_mqtt_subdev_reply *r) {
    printf("%s code=%d message=\"%s\"", what, r->code, r->message);
    for (size_t i = 0; i < r->count; i++) {
        printf(" %s/%s", r->devices[i].product_key, r->devices[i].device_name);
    }
    printf("\n");
}

static aliyun_mqtt_subdev subdev_of(const struct gateway *gw, const struct triple *t) {
    aliyun_mqtt_subdev sub;
    memset(&sub, 0, sizeof sub);
    sub.product_key = t->product_key;
    sub.device_name = t->device_name;
    sub.device_secret = t->device_secret;
    sub.timestamp_ms = now_ms(gw);
    sub.clean_session = true;
    return sub;
}

/* Logs subs in: one alone (count 1) or as a batch; the reply's code. */
static long login(struct gateway *gw, const struct triple *subs, size_t count, const char *what) {
    aliyun_mqtt_subdev list[ALIYUN_MQTT_SUBDEV_BATCH_MAX];
    for (size_t i = 0; i < count; i++) list[i] = subdev_of(gw, &subs[i]);
    char payload[ALIYUN_MQTT_SUBDEV_BATCH_LOGIN_SIZE];
    uint32_t id = gw->next_id++;
    aliyun_mqtt_status st =
        count == 1 ? aliyun_mqtt_subdev_login(id, ALIYUN_MQTT_HMAC_SHA256, list, payload,
                                              sizeof payload, NULL)
                   : aliyun_mqtt_subdev_batch_login(id, ALIYUN_MQTT_HMAC_SHA256, list, count,
                                                    payload, sizeof payload, NULL);
    if (st != ALIYUN_MQTT_OK) {
        fprintf(stderr, "gateway: %s: %s\n", what, aliyun_mqtt_status_str(st));
        return -1;
    }
    aliyun_mqtt_subdev_reply reply;
    long code = exchange(gw, count == 1 ? ALIYUN_MQTT_TOPIC_LOGIN : ALIYUN_MQTT_TOPIC_BATCH_LOGIN, id, payload, &reply);
    if (code >= 0) print_reply(what, &reply);
    return code;
}

static long logout(struct gateway *gw, const struct triple *subs, size_t count, const char *what) {
    aliyun_mqtt_subdev list[ALIYUN_MQTT_SUBDEV_BATCH_MAX];
    for (size_t i = 0; i < count; i++) list[i] = subdev_of(gw, &subs[i]);
    char payload[ALIYUN_MQTT_SUBDEV_BATCH_LOGOUT_SIZE];
    uint32_t id = gw->next_id++;
    aliyun_mqtt_status st =
        count == 1 ? aliyun_mqtt_subdev_logout(id, list, payload, sizeof payload, NULL)
                   : aliyun_mqtt_subdev_batch_logout(id, list, count, payload, sizeof payload, NULL);
    if (st != ALIYUN_MQTT_OK) {
        fprintf(stderr, "gateway: %s: %s\n", what, aliyun_mqtt_status_str(st));
        return -1;
    }
    aliyun_mqtt_subdev_reply reply;
    long code = exchange(gw, count == 1 ? ALIYUN_MQTT_TOPIC_LOGOUT : ALIYUN_MQTT_TOPIC_BATCH_LOGOUT, id, payload, &reply);
    if (code >= 0) print_reply(what, &reply);
    return code;
}

/* Publishes for a logged-in sub-device on its own topic and waits for the
 * message to come back through the subscription. */
static int publish_for(struct gateway *gw, const struct triple *sub) {
    char topic[ALIYUN_MQTT_TOPIC_SIZE + 64], payload[128], back[128];
    snprintf(topic, sizeof topic, "/sys/%s/%s/thing/event/property/post", sub->product_key,
             sub->device_name);
    snprintf(payload, sizeof payload, "{\"id\":\"%u\",\"params\":{\"from\":\"%s\"}}",
             gw->next_id++, sub->device_name);
    if (MQTTClient_subscribe(gw->client, topic, 0) != MQTTCLIENT_SUCCESS ||
        publish(gw, topic, payload) != 0 || receive_on(gw, topic, back, sizeof back) != 0 ||
        strcmp(back, payload) != 0) {
        fprintf(stderr, "gateway: publish for %s/%s did not come back\n", sub->product_key,
                sub->device_name);
        return -1;
    }
    MQTTClient_unsubscribe(gw->client, topic);
    printf("published for %s/%s on %s\n", sub->product_key, sub->device_name, topic);
    return 0;
}

int main(int argc, char **argv) {
    struct gateway gw;
    struct triple subs[3], wrong;
    memset(&gw, 0, sizeof gw);
    if (argc < 7 || argc > 8 || parse_triple(argv[3], &gw.self) != 0 ||
        parse_triple(argv[4], &subs[0]) != 0 || parse_triple(argv[5], &subs[1]) != 0 ||
        parse_triple(argv[6], &subs[2]) != 0 || (argc == 8 && parse_triple(argv[7], &wrong) != 0)) {
        fprintf(stderr, "usage: gateway HOST PORT GATEWAY SUB1 SUB2 SUB3 [WRONG]\n"
                        "  each device is productKey,deviceName,deviceSecret\n");
        return 2;
    }
    gw.host = argv[1];
    gw.port = argv[2];
    gw.next_id = 1;

    if (gateway_connect(&gw) != 0) return 1;
    int ok = sync_time(&gw) == 0;
    ok = ok && login(&gw, &subs[0], 1, "login") == 200;
    ok = ok && login(&gw, &subs[1], 2, "batch_login") == 200;
    if (ok && argc == 8) {
        long code = login(&gw, &wrong, 1, "login (wrong secret)");
        ok = code > 0 && code != 200;
    }
    for (size_t i = 0; ok && i < 3; i++) ok = publish_for(&gw, &subs[i]) == 0;
    ok = ok && logout(&gw, &subs[0], 1, "logout") == 200;
    ok = ok && logout(&gw, &subs[1], 2, "batch_logout") == 200;
    gateway_close(&gw);
    if (!ok) return 1;

    /* The next CONNECT is signed with the time the broker gave. */
    if (gateway_connect(&gw) != 0) return 1;
    printf("reconnected\n");
    gateway_close(&gw);
    memset(&gw.self, 0, sizeof gw.self);
    memset(subs, 0, sizeof subs);
    return 0;
}
