/* paho_connect: connect Paho MQTT C to a broker with credentials from
 * aliyun-mqtt-sign.
 *
 *   paho_connect --host H --port P --product-key PK --device-name DN
 *                --device-secret DS [--sign-method M] [--timestamp MS]
 *                [--client-id ID] [--cafile CA.pem] [--keepalive S]
 *                [--topic T] [--uppercase]
 *
 * Without --cafile it connects over plain TCP (tcp://, securemode=3); with it
 * over TLS (ssl://, securemode=2), checking the server certificate against
 * CA.pem. With --topic it subscribes to T, publishes to T and waits for its
 * own message. Exit status: 0 when accepted (and, with --topic, the message
 * came back), 1 when the broker refused or the connection failed, 2 on bad
 * arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <MQTTClient.h>

#include "aliyun_mqtt_sign.h"

int main(int argc, char **argv) {
    const char *host = NULL, *port = NULL, *cafile = NULL, *topic = NULL;
    int keepalive = 300;
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();

    int i;
    for (i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--uppercase") == 0) {
            dev.uppercase_hex = true;
            continue;
        }
        if (i + 1 >= argc) break;
        const char *val = argv[++i];
        if (strcmp(flag, "--host") == 0) host = val;
        else if (strcmp(flag, "--port") == 0) port = val;
        else if (strcmp(flag, "--product-key") == 0) dev.product_key = val;
        else if (strcmp(flag, "--device-name") == 0) dev.device_name = val;
        else if (strcmp(flag, "--device-secret") == 0) dev.device_secret = val;
        else if (strcmp(flag, "--client-id") == 0) dev.client_id = val;
        else if (strcmp(flag, "--timestamp") == 0) dev.timestamp_ms = strtoull(val, NULL, 10);
        else if (strcmp(flag, "--cafile") == 0) cafile = val;
        else if (strcmp(flag, "--keepalive") == 0) keepalive = atoi(val);
        else if (strcmp(flag, "--topic") == 0) topic = val;
        else if (strcmp(flag, "--sign-method") == 0) {
            if (aliyun_mqtt_sign_method_from_name(val, &dev.sign_method) != ALIYUN_MQTT_OK) {
                fprintf(stderr, "paho_connect: bad --sign-method %s\n", val);
                return 2;
            }
        } else {
            fprintf(stderr, "paho_connect: unknown flag %s\n", flag);
            return 2;
        }
    }
    if (i < argc || !host || !port) {
        fprintf(stderr, "paho_connect: --host and --port are required (flags take one value)\n");
        return 2;
    }
    dev.secure_mode = cafile ? ALIYUN_MQTT_SECURE_TLS : ALIYUN_MQTT_SECURE_TCP;

    /* The library part: three fields for CONNECT, no heap, no globals. */
    aliyun_mqtt_credentials cred;
    aliyun_mqtt_status st = aliyun_mqtt_sign(&dev, &cred);
    if (st != ALIYUN_MQTT_OK) {
        fprintf(stderr, "paho_connect: %s (%s)\n", aliyun_mqtt_status_str(st),
                aliyun_mqtt_status_name(st));
        return 2;
    }
    if (!aliyun_mqtt_keepalive_ok((uint32_t)keepalive)) {
        fprintf(stderr, "paho_connect: warning: keep-alive %d s is outside 30..1200, the platform refuses it\n",
                keepalive);
    }

    char uri[300];
    snprintf(uri, sizeof uri, "%s://%s:%s", cafile ? "ssl" : "tcp", host, port);

    MQTTClient client;
    if (MQTTClient_create(&client, uri, cred.client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL) !=
        MQTTCLIENT_SUCCESS) {
        fprintf(stderr, "paho_connect: MQTTClient_create failed\n");
        return 1;
    }
    MQTTClient_connectOptions opts = MQTTClient_connectOptions_initializer;
    MQTTClient_SSLOptions ssl = MQTTClient_SSLOptions_initializer;
    opts.keepAliveInterval = keepalive;
    opts.cleansession = 1;
    opts.connectTimeout = 5;
    opts.MQTTVersion = MQTTVERSION_3_1_1; /* no silent fallback to 3.1 */
    opts.username = cred.username;
    opts.password = cred.password;
    if (cafile) {
        ssl.trustStore = cafile;
        ssl.enableServerCertAuth = 1;
        ssl.verify = 1;
        opts.ssl = &ssl;
    }

    int rc = MQTTClient_connect(client, &opts);
    if (rc != MQTTCLIENT_SUCCESS) {
        printf("refused rc=%d\n", rc);
        MQTTClient_destroy(&client);
        return 1;
    }
    printf("connected client_id=%s\n", cred.client_id);

    int result = 0;
    if (topic) {
        static const char payload[] = "hello from aliyun-mqtt-sign";
        MQTTClient_deliveryToken token;
        char *rtopic = NULL;
        int rtopic_len = 0;
        MQTTClient_message *msg = NULL;
        result = 1;
        if (MQTTClient_subscribe(client, topic, 1) == MQTTCLIENT_SUCCESS &&
            MQTTClient_publish(client, topic, (int)strlen(payload), payload, 1, 0, &token) ==
                MQTTCLIENT_SUCCESS &&
            MQTTClient_waitForCompletion(client, token, 5000) == MQTTCLIENT_SUCCESS &&
            MQTTClient_receive(client, &rtopic, &rtopic_len, &msg, 5000) == MQTTCLIENT_SUCCESS &&
            msg != NULL) {
            if (msg->payloadlen == (int)strlen(payload) &&
                memcmp(msg->payload, payload, strlen(payload)) == 0) {
                printf("received own message on %s\n", rtopic);
                result = 0;
            }
        }
        if (msg) MQTTClient_freeMessage(&msg);
        if (rtopic) MQTTClient_free(rtopic);
        if (result != 0) fprintf(stderr, "paho_connect: publish/receive round trip failed\n");
    }
    MQTTClient_disconnect(client, 1000);
    MQTTClient_destroy(&client);
    return result;
}
