/* aliyun_mqtt_auth: a Mosquitto 2.0 plugin (plugin API version 5) that
 * authenticates every CONNECT the way Alibaba Cloud's IoT Platform does,
 * with aliyun_mqtt_verify, so devices can be tested against a broker on a
 * desk before they meet the cloud.
 *
 *   plugin /path/to/aliyun_mqtt_auth.so
 *   plugin_opt_secrets_file /path/to/secrets.csv   # productKey,deviceName,deviceSecret
 *   plugin_opt_products_file /path/to/products.csv # productKey,productSecret (optional)
 *   plugin_opt_tokens_file /path/to/tokens.csv     # iotId,iotToken (optional)
 *   plugin_opt_max_grants 10000                    # regnwl grants kept (optional)
 *   allow_anonymous false
 *
 * What it accepts, as the platform does:
 * - PROTOCOL.md §1: the signature under the device's DeviceSecret;
 * - PROTOCOL.md §3: user name iotId and password iotToken from the tokens file (the
 *   tokens a test HTTPS authentication server handed out);
 * - PROTOCOL.md §4, authType=register: the signature under the ProductSecret; the
 *   device must be in the secrets file (pre-registered), and the broker then
 *   publishes {"productKey","deviceName","deviceSecret"} on /ext/register to
 *   that client only;
 * - authType=regnwl: the same signature; the broker makes a deviceToken and
 *   publishes {"clientId","productKey","deviceName","deviceToken"} on
 *   /ext/regnwl; authType=connwl then connects with that clientId and token.
 *
 * Grants: the broker keeps one regnwl grant per device (productKey and
 * deviceName), in memory only. A new regnwl of the same device replaces its
 * grant, so only the newest deviceToken connects. At most max_grants grants
 * are kept (default 10000); when the table is full, a grant for a new device
 * evicts the oldest grant, the one issued longest ago.
 *
 * Files: a UTF-8 byte order mark at the start is skipped; blank lines and
 * lines starting with '#' are skipped; malformed lines (a NUL byte among
 * them) are reported with their line number at start-up and skipped. When a
 * device (productKey and deviceName), a product or an iotId appears on
 * several lines, the first line wins: each later one is reported with both
 * line numbers and skipped. A file that cannot be opened, is not a regular
 * file or cannot be read stops the broker from starting.
 *
 * A CONNECT is refused (CONNACK "not authorized") when its keep-alive is
 * outside 30..1200 s, its fields do not parse, the device or product is
 * unknown or the signature or token does not match; each refusal logs one
 * line with the reason and never a secret or token. */
#define _POSIX_C_SOURCE 200809L /* getline, fileno, fstat */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "aliyun_mqtt_sign.h"

#define LOG_PREFIX "aliyun-auth: "
#define DEFAULT_MAX_GRANTS 10000
/* Longest line of a CSV file, without its line end. */
#define MAX_LINE_LEN 511

struct device {
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    char device_secret[ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN + 1];
};

struct product {
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char product_secret[ALIYUN_MQTT_DEVICE_SECRET_SIZE];
};

/* An iotId/iotToken pair from the tokens file. */
struct token {
    char name[ALIYUN_MQTT_IOT_ID_SIZE];
    char token[ALIYUN_MQTT_IOT_TOKEN_SIZE];
};

/* A regnwl grant, made at run time. */
struct grant {
    char client_id[ALIYUN_MQTT_DEVICE_CLIENT_ID_SIZE];
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    char token[ALIYUN_MQTT_DEVICE_TOKEN_SIZE];
    unsigned long long issued; /* issue order: the smallest is the oldest */
};

struct plugin {
    mosquitto_plugin_id_t *id;
    struct device *devices;
    size_t count;
    struct product *products;
    size_t product_count;
    struct token *tokens;
    size_t token_count;
    struct grant *grants;
    size_t grant_count, grant_capacity, max_grants;
    unsigned long long grants_issued;
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

/* "productKey,productSecret". */
static const char *parse_product(char *line, struct product *prod) {
    char *ps = strchr(line, ',');
    if (!ps) return "expected productKey,productSecret";
    *ps++ = '\0';
    if (strchr(ps, ',')) return "more than two fields";
    /* The library's own checks: a registration with these values validates. */
    aliyun_mqtt_registration reg = aliyun_mqtt_registration_default();
    reg.product_key = line;
    reg.device_name = "check";
    reg.product_secret = ps;
    reg.random = "check";
    size_t needed = 0;
    aliyun_mqtt_status st = aliyun_mqtt_register_body(&reg, NULL, 0, &needed);
    if (st != ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL) return aliyun_mqtt_status_str(st);
    strcpy(prod->product_key, line);
    strcpy(prod->product_secret, ps);
    return NULL;
}

/* "iotId,iotToken": printable ASCII without spaces or commas. */
static const char *parse_token(char *line, struct token *tok) {
    char *t = strchr(line, ',');
    if (!t) return "expected iotId,iotToken";
    *t++ = '\0';
    size_t n = strlen(line), m = strlen(t);
    if (n == 0 || n >= sizeof tok->name || m == 0 || m >= sizeof tok->token) return "bad length";
    for (const char *c = line; *c; c++) if (*c <= ' ' || *c > '~') return "bad character";
    for (const char *c = t; *c; c++) if (*c <= ' ' || *c > '~' || *c == ',') return "bad character";
    memset(tok, 0, sizeof *tok);
    strcpy(tok->name, line);
    strcpy(tok->token, t);
    return NULL;
}

static const char *parse_device(char *line, void *out) { return parse_line(line, out); }
static const char *parse_product_v(char *line, void *out) { return parse_product(line, out); }
static const char *parse_token_v(char *line, void *out) { return parse_token(line, out); }

/* Whether two records are for the same device, product or iotId. */
static int same_device(const void *a, const void *b) {
    const struct device *x = a, *y = b;
    return strcmp(x->product_key, y->product_key) == 0 &&
           strcmp(x->device_name, y->device_name) == 0;
}
static int same_product(const void *a, const void *b) {
    const struct product *x = a, *y = b;
    return strcmp(x->product_key, y->product_key) == 0;
}
static int same_token(const void *a, const void *b) {
    const struct token *x = a, *y = b;
    return strcmp(x->name, y->name) == 0;
}

/* One kind of CSV file: its records, how a line becomes one, and which
 * records are duplicates of each other. */
struct file_kind {
    const char *what;  /* "devices", as logged */
    const char *one;   /* "device" */
    const char *value; /* what a duplicate may differ in: "secret" */
    size_t size;       /* of one record */
    const char *(*parse)(char *line, void *out);
    int (*same)(const void *a, const void *b);
};

static const struct file_kind DEVICES = {"devices", "device", "secret", sizeof(struct device),
                                         parse_device, same_device};
static const struct file_kind PRODUCTS = {"products", "product", "secret", sizeof(struct product),
                                          parse_product_v, same_product};
static const struct file_kind TOKENS = {"tokens", "iotId", "token", sizeof(struct token),
                                        parse_token_v, same_token};

union any_record {
    struct device device;
    struct product product;
    struct token token;
};

/* Opens path for reading; NULL, after logging why, unless it is a readable
 * regular file. */
static FILE *open_regular(const char *path, const char *what) {
    FILE *f = fopen(path, "r");
    if (!f) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "cannot open %s file %s: %s", what, path,
                             strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "cannot load %s file %s: not a regular file",
                             what, path);
        fclose(f);
        return NULL;
    }
    return f;
}

/* Parses one line of a file into item. Returns NULL or why it is skipped
 * (NULL with *blank set for a blank or comment line). */
static const char *read_record(const struct file_kind *kind, char *line, size_t n, unsigned lineno,
                               void *item, int *blank) {
    *blank = 0;
    if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3; /* UTF-8 byte order mark */
        n -= 3;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (n > MAX_LINE_LEN) return "too long";
    /* A NUL would cut the line short unseen. */
    if (memchr(line, '\0', n)) return "NUL byte";
    if (n == 0 || line[0] == '#') {
        *blank = 1;
        return NULL;
    }
    memset(item, 0, kind->size);
    return kind->parse(line, item);
}

/* Loads the records of a CSV file into *items, empty before. The first line
 * of a device, product or iotId wins; later ones are reported and skipped. */
static int load_file(const char *path, const struct file_kind *kind, void **items, size_t *count) {
    FILE *f = open_regular(path, kind->what);
    if (!f) return MOSQ_ERR_INVAL;
    int rc = MOSQ_ERR_SUCCESS;
    char *line = NULL;
    size_t cap = 0;
    unsigned *lines = NULL; /* the line number of each record */
    union any_record item;
    unsigned lineno = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        int blank;
        const char *why = read_record(kind, line, (size_t)got, lineno, &item, &blank);
        if (blank) continue;
        if (why) {
            mosquitto_log_printf(MOSQ_LOG_WARNING, LOG_PREFIX "%s line %u: malformed (%s), skipped",
                                 path, lineno, why);
            continue;
        }
        unsigned char *all = *items;
        size_t dup = 0;
        while (dup < *count && !kind->same(all + dup * kind->size, &item)) dup++;
        if (dup < *count) {
            int differs = memcmp(all + dup * kind->size, &item, kind->size) != 0;
            mosquitto_log_printf(MOSQ_LOG_WARNING,
                                 LOG_PREFIX "%s line %u: duplicate %s of line %u%s%s; the first "
                                            "wins, line %u skipped",
                                 path, lineno, kind->one, lines[dup],
                                 differs ? " with a different " : "", differs ? kind->value : "",
                                 lineno);
            continue;
        }
        unsigned char *grown = realloc(*items, (*count + 1) * kind->size);
        if (grown) *items = grown;
        unsigned *grown_lines = realloc(lines, (*count + 1) * sizeof *lines);
        if (grown_lines) lines = grown_lines;
        if (!grown || !grown_lines) {
            rc = MOSQ_ERR_NOMEM;
            break;
        }
        memcpy(grown + *count * kind->size, &item, kind->size);
        lines[(*count)++] = lineno;
    }
    if (rc == MOSQ_ERR_SUCCESS && ferror(f)) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "cannot read %s file %s: %s", kind->what,
                             path, strerror(errno));
        rc = MOSQ_ERR_INVAL;
    }
    fclose(f);
    /* The line buffer and the record held secrets. */
    memset(&item, 0, sizeof item);
    if (line) memset(line, 0, cap);
    free(line);
    free(lines);
    if (rc == MOSQ_ERR_SUCCESS) {
        mosquitto_log_printf(MOSQ_LOG_INFO, LOG_PREFIX "%zu %s loaded from %s", *count, kind->what,
                             path);
    }
    return rc;
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

static const struct product *find_product(const struct plugin *p, const char *pk) {
    for (size_t i = 0; i < p->product_count; i++) {
        if (strcmp(p->products[i].product_key, pk) == 0) return &p->products[i];
    }
    return NULL;
}

/* Equal strings, in time that depends on the lengths only. */
static int same_string(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    unsigned char diff = n != m;
    for (size_t i = 0; i < n && i < m; i++) diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* Appends s to out as a JSON string (the values are printable ASCII). */
static void json_string(char *out, size_t cap, const char *s) {
    size_t n = strlen(out);
    if (n + 1 < cap) out[n++] = '"';
    for (; *s && n + 3 < cap; s++) {
        if (*s == '"' || *s == '\\') out[n++] = '\\';
        out[n++] = *s;
    }
    if (n + 1 < cap) out[n++] = '"';
    out[n] = '\0';
}

/* Sends a registration reply to one client, as the platform does (no
 * subscription needed); mosquitto delivers it once the CONNACK is out. */
static void send_reply(const char *client_id, const char *topic, const char *const *fields,
                       size_t n) {
    char payload[512] = "{";
    for (size_t i = 0; i < n; i += 2) {
        if (i) strcat(payload, ",");
        json_string(payload, sizeof payload, fields[i]);
        strcat(payload, ":");
        json_string(payload, sizeof payload, fields[i + 1]);
    }
    strcat(payload, "}");
    int rc = mosquitto_broker_publish_copy(client_id, topic, (int)strlen(payload), payload, 1,
                                           false, NULL);
    memset(payload, 0, sizeof payload);
    if (rc != MOSQ_ERR_SUCCESS) {
        mosquitto_log_printf(MOSQ_LOG_WARNING, LOG_PREFIX "publish on %s failed: %d", topic, rc);
    }
}

/* A fresh deviceToken: 32 hex digits from /dev/urandom. */
static int make_token(char *out, size_t cap) {
    unsigned char raw[16];
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f) return -1;
    size_t got = fread(raw, 1, sizeof raw, f);
    fclose(f);
    if (got != sizeof raw || cap < 2 * sizeof raw + 1) return -1;
    for (size_t i = 0; i < sizeof raw; i++) snprintf(out + 2 * i, 3, "%02x", raw[i]);
    memset(raw, 0, sizeof raw);
    return 0;
}

static struct grant *find_grant(const struct plugin *p, const char *pk, const char *dn) {
    for (size_t i = 0; i < p->grant_count; i++) {
        struct grant *g = &p->grants[i];
        if (strcmp(g->product_key, pk) == 0 && strcmp(g->device_name, dn) == 0) return g;
    }
    return NULL;
}

/* Stores a new grant in the slot of the device's previous grant, else in a
 * new slot, else (max_grants reached) in the slot of the oldest grant. */
static int store_grant(struct plugin *p, const struct grant *g) {
    struct grant *slot = find_grant(p, g->product_key, g->device_name);
    if (!slot && p->grant_count < p->max_grants) {
        if (p->grant_count == p->grant_capacity) {
            size_t capacity = p->grant_capacity ? 2 * p->grant_capacity : 16;
            if (capacity > p->max_grants) capacity = p->max_grants;
            struct grant *grown = realloc(p->grants, capacity * sizeof *grown);
            if (!grown) return MOSQ_ERR_NOMEM;
            p->grants = grown;
            p->grant_capacity = capacity;
        }
        slot = &p->grants[p->grant_count++];
    }
    if (!slot) {
        slot = &p->grants[0];
        for (size_t i = 1; i < p->grant_count; i++) {
            if (p->grants[i].issued < slot->issued) slot = &p->grants[i];
        }
        mosquitto_log_printf(MOSQ_LOG_NOTICE,
                             LOG_PREFIX "regnwl: max_grants (%zu) reached, the oldest grant, of "
                                        "%s/%s, is evicted",
                             p->max_grants, slot->product_key, slot->device_name);
    }
    *slot = *g;
    slot->issued = p->grants_issued++;
    return MOSQ_ERR_SUCCESS;
}

/* authType=register or regnwl, already verified under the ProductSecret. */
static int registered(struct plugin *p, const char *client_id, const char *username,
                      const aliyun_mqtt_verify_info *info) {
    if (info->auth_type == ALIYUN_MQTT_AUTH_REGISTER) {
        const struct device *dev = find_device(p, info->product_key, info->device_name);
        if (!dev) return refuse(client_id, username, "device not pre-registered");
        const char *fields[] = {"productKey", dev->product_key, "deviceName", dev->device_name,
                                "deviceSecret", dev->device_secret};
        send_reply(client_id, "/ext/register", fields, 6);
        mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "register: %s/%s gets its secret",
                             info->product_key, info->device_name);
        return MOSQ_ERR_SUCCESS;
    }
    struct grant grant;
    memset(&grant, 0, sizeof grant);
    if (info->client_id[0]) {
        strcpy(grant.client_id, info->client_id);
    } else {
        snprintf(grant.client_id, sizeof grant.client_id, "%s.%s", info->product_key,
                 info->device_name);
    }
    strcpy(grant.product_key, info->product_key);
    strcpy(grant.device_name, info->device_name);
    if (make_token(grant.token, sizeof grant.token) != 0) {
        return refuse(client_id, username, "no randomness for a device token");
    }
    if (store_grant(p, &grant) != MOSQ_ERR_SUCCESS) {
        memset(&grant, 0, sizeof grant);
        return MOSQ_ERR_NOMEM;
    }
    const char *fields[] = {"clientId", grant.client_id, "productKey", grant.product_key,
                            "deviceName", grant.device_name, "deviceToken", grant.token};
    send_reply(client_id, "/ext/regnwl", fields, 8);
    memset(&grant, 0, sizeof grant);
    mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "regnwl: %s/%s gets a device token",
                         info->product_key, info->device_name);
    return MOSQ_ERR_SUCCESS;
}

static int basic_auth(int event, void *event_data, void *userdata) {
    (void)event;
    const struct mosquitto_evt_basic_auth *ev = event_data;
    struct plugin *p = userdata;
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
    /* PROTOCOL.md §3: an iotId from the HTTPS authentication server. */
    for (size_t i = 0; i < p->token_count; i++) {
        if (strcmp(p->tokens[i].name, ev->username) == 0) {
            if (!same_string(p->tokens[i].token, ev->password)) {
                return refuse(client_id, ev->username, "iotToken mismatch");
            }
            return MOSQ_ERR_SUCCESS;
        }
    }
    aliyun_mqtt_verify_info info;
    aliyun_mqtt_status st = aliyun_mqtt_verify_identify(client_id, ev->username, &info);
    if (st != ALIYUN_MQTT_OK) return refuse(client_id, ev->username, aliyun_mqtt_status_name(st));
    const char *secret = NULL;
    if (info.auth_type == ALIYUN_MQTT_AUTH_REGISTER || info.auth_type == ALIYUN_MQTT_AUTH_REGNWL) {
        const struct product *prod = find_product(p, info.product_key);
        if (!prod) return refuse(client_id, ev->username, "unknown product");
        secret = prod->product_secret;
    } else if (info.auth_type == ALIYUN_MQTT_AUTH_CONNWL) {
        const struct grant *g = find_grant(p, info.product_key, info.device_name);
        if (g && strcmp(g->client_id, info.client_id) == 0) secret = g->token;
        if (!secret) return refuse(client_id, ev->username, "no regnwl grant for this client");
    } else {
        const struct device *dev = find_device(p, info.product_key, info.device_name);
        if (!dev) return refuse(client_id, ev->username, "unknown device");
        secret = dev->device_secret;
    }
    st = aliyun_mqtt_verify(client_id, ev->username, ev->password, secret, &info);
    if (st != ALIYUN_MQTT_OK) return refuse(client_id, ev->username, aliyun_mqtt_status_name(st));
    if (info.auth_type == ALIYUN_MQTT_AUTH_REGISTER || info.auth_type == ALIYUN_MQTT_AUTH_REGNWL) {
        return registered(p, client_id, ev->username, &info);
    }
    return MOSQ_ERR_SUCCESS;
}

static void free_plugin(struct plugin *p) {
    /* The secrets leave memory with the plugin. */
    if (p->devices) memset(p->devices, 0, p->count * sizeof *p->devices);
    if (p->products) memset(p->products, 0, p->product_count * sizeof *p->products);
    if (p->tokens) memset(p->tokens, 0, p->token_count * sizeof *p->tokens);
    if (p->grants) memset(p->grants, 0, p->grant_capacity * sizeof *p->grants);
    free(p->devices);
    free(p->products);
    free(p->tokens);
    free(p->grants);
    free(p);
}

/* A count of 1 or more, in decimal digits only. */
static int parse_count(const char *value, size_t *out) {
    if (value[0] < '0' || value[0] > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (errno != 0 || *end != '\0' || n == 0 || n > SIZE_MAX / sizeof(struct grant)) return -1;
    *out = (size_t)n;
    return 0;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
                          struct mosquitto_opt *options, int option_count) {
    const char *secrets = NULL, *products = NULL, *tokens = NULL;
    size_t max_grants = DEFAULT_MAX_GRANTS;
    for (int i = 0; i < option_count; i++) {
        if (strcmp(options[i].key, "secrets_file") == 0) secrets = options[i].value;
        else if (strcmp(options[i].key, "products_file") == 0) products = options[i].value;
        else if (strcmp(options[i].key, "tokens_file") == 0) tokens = options[i].value;
        else if (strcmp(options[i].key, "max_grants") == 0 &&
                 parse_count(options[i].value, &max_grants) != 0) {
            mosquitto_log_printf(MOSQ_LOG_ERR,
                                 LOG_PREFIX "plugin_opt_max_grants %s: not a count of 1 or more",
                                 options[i].value);
            return MOSQ_ERR_INVAL;
        }
    }
    if (!secrets) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "plugin_opt_secrets_file is required");
        return MOSQ_ERR_INVAL;
    }
    struct plugin *p = calloc(1, sizeof *p);
    if (!p) return MOSQ_ERR_NOMEM;
    p->id = identifier;
    p->max_grants = max_grants;
    int rc = load_file(secrets, &DEVICES, (void **)&p->devices, &p->count);
    if (rc == MOSQ_ERR_SUCCESS && products) {
        rc = load_file(products, &PRODUCTS, (void **)&p->products, &p->product_count);
    }
    if (rc == MOSQ_ERR_SUCCESS && tokens) {
        rc = load_file(tokens, &TOKENS, (void **)&p->tokens, &p->token_count);
    }
    if (rc == MOSQ_ERR_SUCCESS) {
        rc = mosquitto_callback_register(identifier, MOSQ_EVT_BASIC_AUTH, basic_auth, NULL, p);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
        free_plugin(p);
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
        free_plugin(p);
    }
    return MOSQ_ERR_SUCCESS;
}
