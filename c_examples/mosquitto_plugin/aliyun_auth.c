/* aliyun_mqtt_auth: a Mosquitto 2.0 plugin (plugin API version 5) that
 * authenticates every CONNECT the way Alibaba Cloud's IoT Platform does,
 * with aliyun_mqtt_verify, so devices can be tested against a broker on a
 * desk before they meet the cloud.
 *
 *   plugin /path/to/aliyun_mqtt_auth.so
 *   plugin_opt_secrets_file /path/to/secrets.csv   # productKey,deviceName,deviceSecret
 *   allow_anonymous false
 *
 * Blank lines and lines starting with '#' are skipped; malformed lines are
 * reported with their line number at start-up and skipped. A CONNECT is
 * refused (CONNACK "not authorized") when its keep-alive is outside
 * 30..1200 s, its fields do not parse, the device is unknown or the
 * signature does not match; each refusal logs one line with the reason and
 * never the secret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "aliyun_mqtt_sign.h"

#define LOG_PREFIX "aliyun-auth: "

struct device {
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    char device_secret[ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN + 1];
};

struct plugin {
    mosquitto_plugin_id_t *id;
    struct device *devices;
    size_t count;
};

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions) {
    for (int i = 0; i < supported_version_count; i++) {
        if (supported_versions[i] == 5) return 5;
    }
    return -1;
}

/* Checks one "pk,dn,ds" line with the library's own validation; on success
 * copies the three fields into dev. Returns NULL or the reason it is bad. */
static const char *parse_line(char *line, struct device *dev) {
    char *pk = line;
    char *dn = strchr(pk, ',');
    if (!dn) return "expected productKey,deviceName,deviceSecret";
    *dn++ = '\0';
    char *ds = strchr(dn, ',');
    if (!ds) return "expected productKey,deviceName,deviceSecret";
    *ds++ = '\0';
    if (strchr(ds, ',')) return "more than three fields";
    aliyun_mqtt_device d = aliyun_mqtt_device_default();
    d.product_key = pk;
    d.device_name = dn;
    d.device_secret = ds;
    size_t needed = 0;
    /* A size query validates the whole device without writing anything. */
    aliyun_mqtt_status st = aliyun_mqtt_username(&d, NULL, 0, &needed);
    if (st != ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL) return aliyun_mqtt_status_str(st);
    strcpy(dev->product_key, pk);   /* lengths were validated above */
    strcpy(dev->device_name, dn);
    strcpy(dev->device_secret, ds);
    return NULL;
}

static int load_secrets(struct plugin *p, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "cannot open secrets file %s", path);
        return MOSQ_ERR_INVAL;
    }
    char line[512];
    unsigned lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n') {
            }
            mosquitto_log_printf(MOSQ_LOG_WARNING, LOG_PREFIX "%s line %u: too long, skipped", path,
                                 lineno);
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (n == 0 || line[0] == '#') continue;
        struct device dev;
        const char *why = parse_line(line, &dev);
        if (why) {
            mosquitto_log_printf(MOSQ_LOG_WARNING, LOG_PREFIX "%s line %u: malformed (%s), skipped",
                                 path, lineno, why);
            continue;
        }
        struct device *grown = realloc(p->devices, (p->count + 1) * sizeof *grown);
        if (!grown) {
            fclose(f);
            return MOSQ_ERR_NOMEM;
        }
        p->devices = grown;
        p->devices[p->count++] = dev;
    }
    fclose(f);
    mosquitto_log_printf(MOSQ_LOG_INFO, LOG_PREFIX "%zu devices loaded from %s", p->count, path);
    return MOSQ_ERR_SUCCESS;
}

static const struct device *find_device(const struct plugin *p, const char *pk, const char *dn) {
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->devices[i].product_key, pk) == 0 && strcmp(p->devices[i].device_name, dn) == 0) {
            return &p->devices[i];
        }
    }
    return NULL;
}

static int refuse(const char *client_id, const char *username, const char *reason) {
    mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "refused client_id=\"%s\" username=\"%s\": %s",
                         client_id ? client_id : "", username ? username : "", reason);
    return MOSQ_ERR_AUTH;
}

static int basic_auth(int event, void *event_data, void *userdata) {
    (void)event;
    const struct mosquitto_evt_basic_auth *ev = event_data;
    const struct plugin *p = userdata;
    const char *client_id = mosquitto_client_id(ev->client);
    int keepalive = mosquitto_client_keepalive(ev->client);
    if (keepalive < 0 || !aliyun_mqtt_keepalive_ok((uint32_t)keepalive)) {
        char why[64];
        snprintf(why, sizeof why, "keep-alive %d s outside %d..%d", keepalive,
                 ALIYUN_MQTT_KEEPALIVE_MIN, ALIYUN_MQTT_KEEPALIVE_MAX);
        return refuse(client_id, ev->username, why);
    }
    if (!client_id || !ev->username || !ev->password) {
        return refuse(client_id, ev->username, "client id, user name and password are required");
    }
    aliyun_mqtt_verify_info info;
    aliyun_mqtt_status st = aliyun_mqtt_verify_identify(client_id, ev->username, &info);
    if (st != ALIYUN_MQTT_OK) return refuse(client_id, ev->username, aliyun_mqtt_status_name(st));
    const struct device *dev = find_device(p, info.product_key, info.device_name);
    if (!dev) return refuse(client_id, ev->username, "unknown device");
    st = aliyun_mqtt_verify(client_id, ev->username, ev->password, dev->device_secret, &info);
    if (st != ALIYUN_MQTT_OK) return refuse(client_id, ev->username, aliyun_mqtt_status_name(st));
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
                          struct mosquitto_opt *options, int option_count) {
    const char *secrets = NULL;
    for (int i = 0; i < option_count; i++) {
        if (strcmp(options[i].key, "secrets_file") == 0) secrets = options[i].value;
    }
    if (!secrets) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "plugin_opt_secrets_file is required");
        return MOSQ_ERR_INVAL;
    }
    struct plugin *p = calloc(1, sizeof *p);
    if (!p) return MOSQ_ERR_NOMEM;
    p->id = identifier;
    int rc = load_secrets(p, secrets);
    if (rc == MOSQ_ERR_SUCCESS) {
        rc = mosquitto_callback_register(identifier, MOSQ_EVT_BASIC_AUTH, basic_auth, NULL, p);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
        free(p->devices);
        free(p);
        return rc;
    }
    *userdata = p;
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count) {
    (void)options;
    (void)option_count;
    struct plugin *p = userdata;
    if (p) {
        mosquitto_callback_unregister(p->id, MOSQ_EVT_BASIC_AUTH, basic_auth, NULL);
        /* The secrets leave memory with the plugin. */
        if (p->devices) memset(p->devices, 0, p->count * sizeof *p->devices);
        free(p->devices);
        free(p);
    }
    return MOSQ_ERR_SUCCESS;
}
