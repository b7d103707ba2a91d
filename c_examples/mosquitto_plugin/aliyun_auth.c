/* aliyun_mqtt_auth: a Mosquitto 2.0 plugin (plugin API version 5) that
 * authenticates every CONNECT and authorizes every topic the way Alibaba
 * Cloud's IoT Platform does, with aliyun_mqtt_verify, so devices can be
 * tested against a broker on a desk before they meet the cloud.
 *
 *   plugin /path/to/aliyun_mqtt_auth.so
 *   plugin_opt_secrets_file /path/to/secrets.csv   # productKey,deviceName,deviceSecret
 *   plugin_opt_products_file /path/to/products.csv # productKey,productSecret (optional)
 *   plugin_opt_tokens_file /path/to/tokens.csv     # iotId,iotToken[,productKey,deviceName] (optional)
 *   plugin_opt_max_grants 10000                    # regnwl grants kept (optional)
 *   plugin_opt_max_sessions 100000                 # clients connected at once (optional)
 *   plugin_opt_max_subdevices 2000                 # sub-devices per gateway (optional)
 *   plugin_opt_check_secure_mode false             # securemode against the listener (optional)
 *   plugin_opt_listener_tls false                  # whether this listener is TLS (see below)
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
 * Topics. A client authenticated as device pk/dn (with its DeviceSecret, a
 * connwl token, or an iotId whose tokens line names pk,dn) may publish and
 * subscribe only within its own topics, level by level ("X" any one level,
 * "..." any number of further levels, none included):
 *   /pk/dn/...                      custom topics
 *   /sys/pk/dn/...                  system topics
 *   /ext/X/pk/dn/...                e.g. /ext/ntp/pk/dn/request
 *   /shadow/X/pk/dn                 e.g. /shadow/update/pk/dn
 *   /broadcast/pk/...               subscribe only
 * The first rule does not apply to a ProductKey spelled sys, ext, shadow or
 * broadcast, whose custom topics would be another device's. A subscription
 * is refused (SUBACK 0x80) unless every topic its filter can match is one of
 * these: /pk/dn/# and /sys/pk/dn/thing/# are allowed; #, /+/+/user/#,
 * /pk/+/user/up and /sys/# are not. Every message is checked again as it is
 * delivered, so nothing foreign reaches the device; a publish outside its
 * topics is dropped (acknowledged, not delivered). An iotId whose tokens line
 * names no device connects but may neither publish nor subscribe. A
 * registration session (register or regnwl) may not publish or subscribe;
 * it receives its reply and the broker closes it about one second after
 * its CONNECT was accepted. A will is never delivered: Mosquitto checks it
 * after the client's DISCONNECT event, when its session is gone (the
 * platform has no wills, PROTOCOL.md §2.2).
 *
 * Not checked: Mosquitto 2.0 hands the plugin the password as a C string,
 * so bytes after a NUL in the password are not seen.
 *
 * Grants: the broker keeps one regnwl grant per device (productKey and
 * deviceName), in memory only. A new regnwl of the same device replaces its
 * grant, so only the newest deviceToken connects. At most max_grants grants
 * are kept (default 10000); when the table is full, a grant for a new device
 * evicts the oldest grant, the one issued longest ago.
 *
 * Files: a UTF-8 byte order mark at the start is skipped; blank lines and
 * lines starting with '#' are skipped; malformed lines (a NUL byte among
 * them) are reported with their line number and skipped. When a device
 * (productKey and deviceName), a product or an iotId appears on several
 * lines, the first line wins: each later one is reported with both line
 * numbers and skipped. The records are indexed by hash, so a lookup takes
 * the same time for the first and the last of a million devices. A file
 * that cannot be opened, is not a regular file or cannot be read stops the
 * broker from starting.
 *
 * Reload: on SIGHUP the files named at start-up are read again. The new
 * tables are built in full and then replace the old ones, which are wiped;
 * when any file fails to load, all the old tables stay and the log says
 * why. Connected clients stay connected with the rights they had (after a
 * reload Mosquitto runs BASIC_AUTH again for each of them: a client that
 * has a session is let through unchecked, and a registration is not
 * answered twice); grants are kept.
 *
 * Secure mode: with check_secure_mode true, securemode=3 is refused on a TLS
 * listener and securemode=2 or -2 (and an iotId, PROTOCOL.md §3) on a plain one.
 * Mosquitto 2.0.11 tells a plugin neither a client's listener nor whether
 * it uses TLS, so the configuration says it with listener_tls: with a plain
 * and a TLS listener, set per_listener_settings true and give each listener
 * its own plugin lines. Mosquitto 2.0.11 sends no TICK event to plugins of
 * a listener, so there the broker cannot close registration sessions; they
 * end when the client leaves.
 *
 * A CONNECT is refused (CONNACK "not authorized") when its keep-alive is
 * outside 30..1200 s (not checked for a registration, PROTOCOL.md §2.2), its
 * fields do not parse, the device or product is unknown, the signature or
 * token does not match or max_sessions clients are connected; each refusal
 * logs one line with the reason and never a secret or token. Where the
 * fields or the signature are at fault, the reason is the verdict of
 * aliyun_mqtt_explain (given the secret, never printed), then the status.
 *
 * Gateways (PROTOCOL.md §6): a device may log in sub-devices by publishing
 * on its own /ext/session/gpk/gdn/combine/login, batch_login, logout and
 * batch_logout. Each sub-device's sign is checked under its DeviceSecret
 * from the secrets file, and the broker answers on the request's topic
 * plus _reply, to the gateway alone, with the platform's codes: 200
 * success, 460 a malformed request (also a timestamp with leading zeros,
 * which the library never signs), 6100 a sub-device not in the file, 6287
 * a wrong sign, 6401 the gateway itself, 428 more than max_subdevices
 * (default 2000) held at once. A batch is all or nothing. While logged in,
 * a sub-device's topics are also its gateway's; logout and the gateway's
 * disconnect end that. No topology is kept: topology messages are not
 * answered. NTP (PROTOCOL.md §7): a request on /ext/ntp/pk/dn/request of
 * the device or of one of its sub-devices is answered on .../response with
 * deviceSendTime echoed and the broker's clock. The broker publishes
 * nothing else; the gateway's messages then go on like any other. */
#define _POSIX_C_SOURCE 200809L /* getline, fileno, fstat, clock_gettime */

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include "aliyun_mqtt_sign.h"
#include "json_escape.h"

#define LOG_PREFIX "aliyun-auth: "
#define DEFAULT_MAX_GRANTS 10000
#define DEFAULT_MAX_SESSIONS 100000
/* Sub-devices one gateway may have logged in at once (PROTOCOL.md §6). */
#define DEFAULT_MAX_SUBDEVICES 2000
/* Longest line of a CSV file, without its line end. */
#define MAX_LINE_LEN 511
/* A registration session is closed this long after its CONNECT was
 * accepted. Mosquitto 2.0.11 writes the reply right after the CONNACK and
 * tells a plugin neither when it went out nor when its PUBACK came back
 * (a message published by the plugin to one client passes no ACL check),
 * so the session gets a fixed time for the round trip. */
#define REPLY_GRACE_MS 1000
/* How much of a client id or user name a log line shows. */
#define LOG_FIELD_MAX 96

/* ---- Records ----------------------------------------------------------- */

struct device {
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    char device_secret[ALIYUN_MQTT_DEVICE_SECRET_MAX_LEN + 1];
};

struct product {
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char product_secret[ALIYUN_MQTT_DEVICE_SECRET_SIZE];
};

/* An iotId/iotToken pair from the tokens file, and the device it belongs
 * to ("" when the line names none). */
struct token {
    char name[ALIYUN_MQTT_IOT_ID_SIZE];
    char token[ALIYUN_MQTT_IOT_TOKEN_SIZE];
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
};

/* A regnwl grant, made at run time. */
struct grant {
    char client_id[ALIYUN_MQTT_DEVICE_CLIENT_ID_SIZE];
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    char token[ALIYUN_MQTT_DEVICE_TOKEN_SIZE];
    unsigned long long issued; /* issue order: the smallest is the oldest */
};

/* What a record is looked up by: one string, or two (b non-NULL). */
struct key {
    const char *a, *b;
};

static struct key device_key(const void *r) {
    const struct device *d = r;
    return (struct key){d->product_key, d->device_name};
}
static struct key product_key(const void *r) {
    const struct product *p = r;
    return (struct key){p->product_key, NULL};
}
static struct key token_key(const void *r) {
    const struct token *t = r;
    return (struct key){t->name, NULL};
}

static int same_key(struct key x, struct key y) {
    return strcmp(x.a, y.a) == 0 && (!x.b || !y.b ? x.b == y.b : strcmp(x.b, y.b) == 0);
}

/* FNV-1a, 64 bits, over a, then a NUL, then b. */
static uint64_t key_hash(struct key k) {
    const uint64_t prime = 1099511628211ULL;
    uint64_t h = 14695981039346656037ULL;
    for (const char *c = k.a; *c; c++) h = (h ^ (unsigned char)*c) * prime;
    if (k.b) {
        h *= prime; /* the NUL between the two */
        for (const char *c = k.b; *c; c++) h = (h ^ (unsigned char)*c) * prime;
    }
    return h;
}

/* ---- Parsing one line of a file ---------------------------------------- */

/* Whether pk, dn and ds are a valid ProductKey, DeviceName and
 * DeviceSecret, by the library's own checks: the status of the first bad
 * one, ALIYUN_MQTT_OK when the library would sign the device. */
static aliyun_mqtt_status check_device(const char *pk, const char *dn, const char *ds) {
    aliyun_mqtt_device d = aliyun_mqtt_device_default();
    d.product_key = pk;
    d.device_name = dn;
    d.device_secret = ds;
    return aliyun_mqtt_device_check(&d);
}

/* Splits off the next comma-separated field of *rest; NULL when none. */
static char *next_field(char **rest) {
    char *field = *rest;
    if (!field) return NULL;
    char *comma = strchr(field, ',');
    if (comma) *comma++ = '\0';
    *rest = comma;
    return field;
}

/* "productKey,deviceName,deviceSecret". Returns NULL or why it is bad. */
static const char *parse_device(char *line, void *out) {
    struct device *dev = out;
    char *rest = line;
    char *pk = next_field(&rest), *dn = next_field(&rest), *ds = next_field(&rest);
    if (!ds) return "expected productKey,deviceName,deviceSecret";
    if (rest) return "more than three fields";
    aliyun_mqtt_status st = check_device(pk, dn, ds);
    if (st != ALIYUN_MQTT_OK) return aliyun_mqtt_status_str(st);
    strcpy(dev->product_key, pk); /* lengths were validated above */
    strcpy(dev->device_name, dn);
    strcpy(dev->device_secret, ds);
    return NULL;
}

/* "productKey,productSecret". */
static const char *parse_product(char *line, void *out) {
    struct product *prod = out;
    char *rest = line;
    char *pk = next_field(&rest), *ps = next_field(&rest);
    if (!ps) return "expected productKey,productSecret";
    if (rest) return "more than two fields";
    /* The library's own checks: a registration with these values validates. */
    aliyun_mqtt_registration reg = aliyun_mqtt_registration_default();
    reg.product_key = pk;
    reg.device_name = "check";
    reg.product_secret = ps;
    reg.random = "check";
    aliyun_mqtt_status st = aliyun_mqtt_registration_check(&reg);
    if (st != ALIYUN_MQTT_OK) return aliyun_mqtt_status_str(st);
    strcpy(prod->product_key, pk);
    strcpy(prod->product_secret, ps);
    return NULL;
}

/* Printable ASCII without spaces or commas, 1 to cap - 1 bytes. */
static int printable_field(const char *s, size_t cap) {
    size_t n = strlen(s);
    if (n == 0 || n >= cap) return 0;
    for (; *s; s++) {
        if (*s <= ' ' || *s > '~' || *s == ',') return 0;
    }
    return 1;
}

/* "iotId,iotToken" or "iotId,iotToken,productKey,deviceName". */
static const char *parse_token(char *line, void *out) {
    struct token *tok = out;
    char *rest = line;
    char *name = next_field(&rest), *token = next_field(&rest);
    char *pk = next_field(&rest), *dn = next_field(&rest);
    if (!token || (pk && !dn)) return "expected iotId,iotToken[,productKey,deviceName]";
    if (rest) return "more than four fields";
    if (!printable_field(name, sizeof tok->name) || !printable_field(token, sizeof tok->token)) {
        return "bad iotId or iotToken";
    }
    if (pk) {
        aliyun_mqtt_status st = check_device(pk, dn, "x");
        if (st != ALIYUN_MQTT_OK) return aliyun_mqtt_status_str(st);
        strcpy(tok->product_key, pk);
        strcpy(tok->device_name, dn);
    }
    strcpy(tok->name, name);
    strcpy(tok->token, token);
    return NULL;
}

/* One kind of CSV file: its records, how a line becomes one, and what a
 * record is looked up by. */
struct file_kind {
    const char *what;  /* "devices", as logged */
    const char *one;   /* "device" */
    const char *value; /* what a duplicate may differ in: "secret" */
    size_t size;       /* of one record */
    const char *(*parse)(char *line, void *out);
    struct key (*key)(const void *record);
};

static const struct file_kind DEVICES = {"devices", "device", "secret", sizeof(struct device),
                                         parse_device, device_key};
static const struct file_kind PRODUCTS = {"products", "product", "secret", sizeof(struct product),
                                          parse_product, product_key};
static const struct file_kind TOKENS = {"tokens", "iotId", "token", sizeof(struct token),
                                        parse_token, token_key};

union any_record {
    struct device device;
    struct product product;
    struct token token;
};

/* ---- A table of records with a hash index ------------------------------ */

/* The records of one file in an array, and an open-addressing index over
 * them (linear probing, at most half full): each slot holds a record's
 * number plus one, 0 for an empty slot. */
struct table {
    const struct file_kind *kind;
    unsigned char *records;
    size_t count, capacity;
    uint32_t *slots;
    size_t slot_count; /* a power of two, or 0 before the first record */
};

static const void *record_at(const struct table *t, size_t i) {
    return t->records + i * t->kind->size;
}

/* The slot that holds key k, or the empty slot where it would go. */
static size_t slot_of(const struct table *t, struct key k) {
    size_t mask = t->slot_count - 1;
    size_t i = (size_t)key_hash(k) & mask;
    while (t->slots[i] != 0 && !same_key(t->kind->key(record_at(t, t->slots[i] - 1)), k)) {
        i = (i + 1) & mask;
    }
    return i;
}

static const void *table_find(const struct table *t, struct key k) {
    if (t->slot_count == 0) return NULL;
    uint32_t n = t->slots[slot_of(t, k)];
    return n ? record_at(t, n - 1) : NULL;
}

/* Doubles the index, placing every record again. */
static int grow_slots(struct table *t) {
    size_t count = t->slot_count ? 2 * t->slot_count : 16;
    uint32_t *slots = calloc(count, sizeof *slots);
    if (!slots) return MOSQ_ERR_NOMEM;
    free(t->slots);
    t->slots = slots;
    t->slot_count = count;
    for (size_t i = 0; i < t->count; i++) {
        t->slots[slot_of(t, t->kind->key(record_at(t, i)))] = (uint32_t)(i + 1);
    }
    return MOSQ_ERR_SUCCESS;
}

/* Doubles the record array. The old copy held secrets: it is wiped before
 * it is freed, which realloc would not do. */
static int grow_records(struct table *t) {
    size_t capacity = t->capacity ? 2 * t->capacity : 64;
    if (capacity >= UINT32_MAX || capacity > SIZE_MAX / t->kind->size) return MOSQ_ERR_NOMEM;
    unsigned char *records = malloc(capacity * t->kind->size);
    if (!records) return MOSQ_ERR_NOMEM;
    if (t->records) {
        memcpy(records, t->records, t->count * t->kind->size);
        memset(t->records, 0, t->capacity * t->kind->size);
        free(t->records);
    }
    t->records = records;
    t->capacity = capacity;
    return MOSQ_ERR_SUCCESS;
}

/* Adds record unless one with its key is there. *dup is then that one's
 * number, else SIZE_MAX. */
static int table_add(struct table *t, const void *record, size_t *dup) {
    *dup = SIZE_MAX;
    if (2 * (t->count + 1) > t->slot_count && grow_slots(t) != MOSQ_ERR_SUCCESS) {
        return MOSQ_ERR_NOMEM;
    }
    size_t slot = slot_of(t, t->kind->key(record));
    if (t->slots[slot] != 0) {
        *dup = t->slots[slot] - 1;
        return MOSQ_ERR_SUCCESS;
    }
    if (t->count == t->capacity && grow_records(t) != MOSQ_ERR_SUCCESS) return MOSQ_ERR_NOMEM;
    memcpy(t->records + t->count * t->kind->size, record, t->kind->size);
    t->slots[slot] = (uint32_t)(++t->count);
    return MOSQ_ERR_SUCCESS;
}

static void free_table(struct table *t) {
    if (t->records) memset(t->records, 0, t->capacity * t->kind->size); /* secrets */
    free(t->records);
    free(t->slots);
    const struct file_kind *kind = t->kind;
    memset(t, 0, sizeof *t);
    t->kind = kind;
}

/* ---- Loading a file ---------------------------------------------------- */

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

/* Loads the records of a CSV file into t, empty before (and empty again
 * on failure). The first line of a device, product or iotId wins; later
 * ones are reported and skipped. */
static int load_file(const char *path, struct table *t) {
    const struct file_kind *kind = t->kind;
    FILE *f = open_regular(path, kind->what);
    if (!f) return MOSQ_ERR_INVAL;
    int rc = MOSQ_ERR_SUCCESS;
    char *line = NULL;
    size_t cap = 0;
    unsigned *lines = NULL; /* the line number of each record */
    size_t lines_cap = 0;
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
        if (t->count == lines_cap) {
            size_t grown_cap = lines_cap ? 2 * lines_cap : 64;
            unsigned *grown = realloc(lines, grown_cap * sizeof *lines);
            if (!grown) {
                rc = MOSQ_ERR_NOMEM;
                break;
            }
            lines = grown;
            lines_cap = grown_cap;
        }
        size_t dup;
        rc = table_add(t, &item, &dup);
        if (rc != MOSQ_ERR_SUCCESS) break;
        if (dup == SIZE_MAX) {
            lines[t->count - 1] = lineno;
            continue;
        }
        int differs = memcmp(record_at(t, dup), &item, kind->size) != 0;
        mosquitto_log_printf(MOSQ_LOG_WARNING,
                             LOG_PREFIX "%s line %u: duplicate %s of line %u%s%s; the first "
                                        "wins, line %u skipped",
                             path, lineno, kind->one, lines[dup],
                             differs ? " with a different " : "", differs ? kind->value : "",
                             lineno);
    }
    if (rc == MOSQ_ERR_SUCCESS && ferror(f)) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "cannot read %s file %s: %s", kind->what,
                             path, strerror(errno));
        rc = MOSQ_ERR_INVAL;
    }
    if (rc == MOSQ_ERR_NOMEM) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "cannot load %s file %s: out of memory",
                             kind->what, path);
    }
    fclose(f);
    /* The line buffer and the record held secrets. */
    memset(&item, 0, sizeof item);
    if (line) memset(line, 0, cap);
    free(line);
    free(lines);
    if (rc == MOSQ_ERR_SUCCESS) {
        mosquitto_log_printf(MOSQ_LOG_INFO, LOG_PREFIX "%zu %s loaded from %s", t->count,
                             kind->what, path);
    } else {
        free_table(t);
    }
    return rc;
}

/* Everything read from the files: replaced as a whole on reload. */
struct tables {
    struct table devices, products, tokens;
};

static void free_tables(struct tables *t) {
    free_table(&t->devices);
    free_table(&t->products);
    free_table(&t->tokens);
}

/* Loads every configured file into t; all or nothing. */
static int load_tables(const char *secrets, const char *products, const char *tokens,
                       struct tables *t) {
    memset(t, 0, sizeof *t);
    t->devices.kind = &DEVICES;
    t->products.kind = &PRODUCTS;
    t->tokens.kind = &TOKENS;
    int rc = load_file(secrets, &t->devices);
    if (rc == MOSQ_ERR_SUCCESS && products) rc = load_file(products, &t->products);
    if (rc == MOSQ_ERR_SUCCESS && tokens) rc = load_file(tokens, &t->tokens);
    if (rc != MOSQ_ERR_SUCCESS) free_tables(t);
    return rc;
}

/* ---- Sessions: what each connected client may do ----------------------- */

enum rights {
    RIGHTS_DEVICE = 1, /* the topics of one device */
    RIGHTS_NONE,       /* an iotId that names no device: no topic at all */
    RIGHTS_REGISTER,   /* a registration: its reply only, then closed */
};

/* A sub-device that a gateway logged in (PROTOCOL.md §6). */
struct subdev_ref {
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
};

struct session {
    const struct mosquitto *client; /* the key; NULL in a free slot */
    unsigned char rights;
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    const char *reply_topic; /* RIGHTS_REGISTER: /ext/register or /ext/regnwl */
    long long close_at;      /* RIGHTS_REGISTER: when the broker closes it (ms) */
    /* RIGHTS_DEVICE: the sub-devices this client logged in as a gateway
     * (heap, owned by the session; freed when it is dropped). */
    struct subdev_ref *subs;
    size_t sub_count, sub_cap;
};

/* Open addressing by client pointer, linear probing, at most half full;
 * at most max sessions. A session is made when a CONNECT is accepted and
 * dropped on the client's DISCONNECT event. */
struct sessions {
    struct session *slots;
    size_t slot_count, count, max;
    size_t registrations; /* sessions with RIGHTS_REGISTER */
};

static size_t session_home(const struct sessions *s, const struct mosquitto *client) {
    uint64_t h = (uint64_t)(uintptr_t)client * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 32) & (s->slot_count - 1);
}

static size_t session_slot(const struct sessions *s, const struct mosquitto *client) {
    size_t i = session_home(s, client);
    while (s->slots[i].client && s->slots[i].client != client) i = (i + 1) & (s->slot_count - 1);
    return i;
}

static struct session *session_find(const struct sessions *s, const struct mosquitto *client) {
    if (s->slot_count == 0 || !client) return NULL;
    struct session *found = &s->slots[session_slot(s, client)];
    return found->client ? found : NULL;
}

static int grow_sessions(struct sessions *s) {
    size_t count = s->slot_count ? 2 * s->slot_count : 256;
    struct session *slots = calloc(count, sizeof *slots);
    if (!slots) return MOSQ_ERR_NOMEM;
    struct session *old = s->slots;
    size_t old_count = s->slot_count;
    s->slots = slots;
    s->slot_count = count;
    for (size_t i = 0; i < old_count; i++) {
        if (old[i].client) s->slots[session_slot(s, old[i].client)] = old[i];
    }
    free(old);
    return MOSQ_ERR_SUCCESS;
}

/* Stores the session of a client (replacing any it had). */
static int session_put(struct sessions *s, const struct session *session) {
    struct session *slot = session_find(s, session->client);
    if (!slot) {
        if (s->count >= s->max) return MOSQ_ERR_NOMEM;
        if (2 * (s->count + 1) > s->slot_count && grow_sessions(s) != MOSQ_ERR_SUCCESS) {
            return MOSQ_ERR_NOMEM;
        }
        slot = &s->slots[session_slot(s, session->client)];
        s->count++;
    } else {
        if (slot->rights == RIGHTS_REGISTER) s->registrations--;
        if (slot->subs != session->subs) free(slot->subs);
    }
    *slot = *session;
    if (slot->rights == RIGHTS_REGISTER) s->registrations++;
    return MOSQ_ERR_SUCCESS;
}

/* Removes the session of a client, if any, moving back the sessions that
 * follow it in its probe run so that every lookup still finds them. */
static void session_drop(struct sessions *s, const struct mosquitto *client) {
    struct session *found = session_find(s, client);
    if (!found) return;
    if (found->rights == RIGHTS_REGISTER) s->registrations--;
    free(found->subs);
    s->count--;
    size_t mask = s->slot_count - 1;
    size_t hole = (size_t)(found - s->slots);
    memset(&s->slots[hole], 0, sizeof s->slots[hole]);
    for (size_t j = (hole + 1) & mask; s->slots[j].client; j = (j + 1) & mask) {
        size_t home = session_home(s, s->slots[j].client);
        /* The session at j may move to the hole unless its home lies
         * cyclically after the hole, up to j. */
        int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (stays) continue;
        s->slots[hole] = s->slots[j];
        memset(&s->slots[j], 0, sizeof s->slots[j]);
        hole = j;
    }
}

/* ---- Topic rights -------------------------------------------------------- */

/* Who a device session is: the device itself, or one of the sub-devices
 * it logged in as a gateway. */
struct identity {
    const char *product_key;
    const char *device_name;
};

/* One level of a topic family: a fixed word, the device's own ProductKey or
 * DeviceName, or any one level. */
enum level_kind { WORD, PK, DN, ANY };

struct level {
    enum level_kind kind;
    const char *word;
};

/* A family of a device's topics: its first levels, whether further levels
 * may follow (open), and whether the device may only receive on it. */
struct family {
    struct level levels[5];
    size_t count;
    int open, receive_only;
};

#define CUSTOM_FAMILY 0
static const struct family FAMILIES[] = {
    {{{WORD, ""}, {PK, NULL}, {DN, NULL}}, 3, 1, 0},                                 /* /pk/dn/... */
    {{{WORD, ""}, {WORD, "sys"}, {PK, NULL}, {DN, NULL}}, 4, 1, 0},                  /* /sys/pk/dn/... */
    {{{WORD, ""}, {WORD, "ext"}, {ANY, NULL}, {PK, NULL}, {DN, NULL}}, 5, 1, 0},     /* /ext/X/pk/dn/... */
    {{{WORD, ""}, {WORD, "shadow"}, {ANY, NULL}, {PK, NULL}, {DN, NULL}}, 5, 0, 0},  /* /shadow/X/pk/dn */
    {{{WORD, ""}, {WORD, "broadcast"}, {PK, NULL}}, 3, 1, 1},                        /* /broadcast/pk/... */
};
#define FAMILY_COUNT (sizeof FAMILIES / sizeof FAMILIES[0])

/* Whether every topic that `topic` matches lies in family f of device id:
 * for a topic name, whether it is in f; for a filter, whether no topic
 * outside f can match it. Level by level, a fixed level must be spelled out
 * (no + nor #), and # may only come after the levels the family fixes,
 * since it also matches the level before it. */
static int in_family(const struct family *f, const struct identity *id, const char *topic) {
    const char *level = topic;
    for (size_t i = 0; i < f->count; i++) {
        if (!level) return 0; /* the topic has fewer levels */
        const char *slash = strchr(level, '/');
        size_t len = slash ? (size_t)(slash - level) : strlen(level);
        if (len == 1 && level[0] == '#') return 0;
        const char *want = f->levels[i].kind == PK   ? id->product_key
                           : f->levels[i].kind == DN ? id->device_name
                                                     : f->levels[i].word;
        if (f->levels[i].kind != ANY && (strlen(want) != len || memcmp(want, level, len) != 0)) {
            return 0;
        }
        level = slash ? slash + 1 : NULL;
    }
    return f->open || !level;
}

/* A ProductKey spelled like the first level of another family (sys, ...):
 * its custom topics would be another device's. */
static int reserved_product_key(const char *pk) {
    for (size_t i = 0; i < FAMILY_COUNT; i++) {
        if (i != CUSTOM_FAMILY && strcmp(FAMILIES[i].levels[1].word, pk) == 0) return 1;
    }
    return 0;
}

/* Whether device id may publish on (MOSQ_ACL_WRITE), receive from
 * (MOSQ_ACL_READ) or subscribe with (MOSQ_ACL_SUBSCRIBE) topic. */
static int device_may_use(const struct identity *id, const char *topic, int access) {
    for (size_t i = 0; i < FAMILY_COUNT; i++) {
        if (FAMILIES[i].receive_only && access == MOSQ_ACL_WRITE) continue;
        if (i == CUSTOM_FAMILY && reserved_product_key(id->product_key)) continue;
        if (in_family(&FAMILIES[i], id, topic)) return 1;
    }
    return 0;
}

/* Whether the client of session s may use topic: as its own device, or as
 * the gateway of a sub-device it logged in. */
static int session_may_use(const struct session *s, const char *topic, int access) {
    const struct identity id = {s->product_key, s->device_name};
    if (device_may_use(&id, topic, access)) return 1;
    for (size_t i = 0; i < s->sub_count; i++) {
        const struct identity sub = {s->subs[i].product_key, s->subs[i].device_name};
        if (device_may_use(&sub, topic, access)) return 1;
    }
    return 0;
}

/* ---- The plugin ---------------------------------------------------------- */

struct plugin {
    mosquitto_plugin_id_t *id;
    char *secrets_path, *products_path, *tokens_path; /* copies, for reloads */
    struct tables tables;
    struct sessions sessions;
    struct grant *grants;
    size_t grant_count, grant_capacity, max_grants;
    unsigned long long grants_issued;
    int check_secure_mode, listener_tls; /* listener_tls: -1 when not given */
    size_t max_subdevices;               /* logged in per gateway at once */
    /* Set by a reload, cleared by the next TICK: Mosquitto then checks
     * every connected client again (BASIC_AUTH with the CONNECT's fields). */
    int rechecking;
};

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions) {
    for (int i = 0; i < supported_version_count; i++) {
        if (supported_versions[i] == 5) return 5;
    }
    return -1;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A client's field as a log line shows it: printable ASCII as is, any
 * other byte as \xHH, cut after LOG_FIELD_MAX bytes (so a hostile client id
 * can neither forge log lines nor flood them). */
static const char *log_field(char out[4 * LOG_FIELD_MAX + 4], const char *in) {
    size_t n = 0, i = 0;
    for (; in && in[i] && i < LOG_FIELD_MAX; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= ' ' && c <= '~' && c != '\\' && c != '"') {
            out[n++] = (char)c;
        } else {
            n += (size_t)sprintf(out + n, "\\x%02x", c);
        }
    }
    if (in && in[i]) n += (size_t)sprintf(out + n, "...");
    out[n] = '\0';
    return out;
}

static int refuse(const char *client_id, const char *username, const char *reason) {
    char id[4 * LOG_FIELD_MAX + 4], user[4 * LOG_FIELD_MAX + 4];
    mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "refused client_id=\"%s\" username=\"%s\": %s",
                         log_field(id, client_id), log_field(user, username), reason);
    return MOSQ_ERR_AUTH;
}

/* Equal strings, in time that depends on the lengths only. */
static int same_string(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    unsigned char diff = n != m;
    for (size_t i = 0; i < n && i < m; i++) diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* Appends s to out as a JSON string, as much of it as fits with the
 * closing quote. */
static void json_string(char *out, size_t cap, const char *s) {
    size_t n = strlen(out);
    if (n + 3 > cap) return;
    out[n++] = '"';
    json_escape(out + n, cap - n - 1, s);
    strcat(out, "\"");
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

/* Stores what an accepted client may do; refuses the CONNECT when no
 * session can be kept for it. */
static int admit(struct plugin *p, const struct mosquitto *client, enum rights rights,
                 const char *pk, const char *dn, const char *reply_topic) {
    struct session s;
    memset(&s, 0, sizeof s);
    s.client = client;
    s.rights = (unsigned char)rights;
    snprintf(s.product_key, sizeof s.product_key, "%s", pk);
    snprintf(s.device_name, sizeof s.device_name, "%s", dn);
    s.reply_topic = reply_topic;
    if (rights == RIGHTS_REGISTER) s.close_at = now_ms() + REPLY_GRACE_MS;
    if (session_put(&p->sessions, &s) != MOSQ_ERR_SUCCESS) {
        char why[64];
        snprintf(why, sizeof why, "max_sessions (%zu) clients connected", p->sessions.max);
        return refuse(mosquitto_client_id(client), mosquitto_client_username(client), why);
    }
    return MOSQ_ERR_SUCCESS;
}

/* authType=register or regnwl, already verified under the ProductSecret. */
static int registered(struct plugin *p, struct mosquitto *client, const char *username,
                      const aliyun_mqtt_verify_info *info) {
    const char *client_id = mosquitto_client_id(client);
    if (info->auth_type == ALIYUN_MQTT_AUTH_REGISTER) {
        const struct device *dev = table_find(&p->tables.devices,
                                              (struct key){info->product_key, info->device_name});
        if (!dev) return refuse(client_id, username, "device not pre-registered");
        int rc = admit(p, client, RIGHTS_REGISTER, dev->product_key, dev->device_name,
                       "/ext/register");
        if (rc != MOSQ_ERR_SUCCESS) return rc;
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
    int rc = admit(p, client, RIGHTS_REGISTER, info->product_key, info->device_name,
                   "/ext/regnwl");
    if (rc == MOSQ_ERR_SUCCESS) rc = store_grant(p, &grant);
    if (rc != MOSQ_ERR_SUCCESS) {
        memset(&grant, 0, sizeof grant);
        return rc;
    }
    const char *fields[] = {"clientId", grant.client_id, "productKey", grant.product_key,
                            "deviceName", grant.device_name, "deviceToken", grant.token};
    send_reply(client_id, "/ext/regnwl", fields, 8);
    memset(&grant, 0, sizeof grant);
    mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "regnwl: %s/%s gets a device token",
                         info->product_key, info->device_name);
    return MOSQ_ERR_SUCCESS;
}

/* With check_secure_mode: NULL, or why a client that says TLS (or not)
 * does not match its listener. */
static const char *secure_mode_mismatch(const struct plugin *p, int says_tls) {
    if (!p->check_secure_mode || says_tls == p->listener_tls) return NULL;
    return says_tls ? "securemode says TLS on a plain listener"
                    : "securemode=3 (plain TCP) on a TLS listener";
}

/* PROTOCOL.md §3: an iotId from the HTTPS authentication server. */
static int token_auth(struct plugin *p, struct mosquitto *client, const struct token *tok,
                      const char *username, const char *password) {
    const char *client_id = mosquitto_client_id(client);
    if (!same_string(tok->token, password)) return refuse(client_id, username, "iotToken mismatch");
    /* The platform takes iotId logins over TLS only. */
    const char *why = secure_mode_mismatch(p, 1);
    if (why) return refuse(client_id, username, why);
    if (!tok->product_key[0]) {
        mosquitto_log_printf(MOSQ_LOG_NOTICE,
                             LOG_PREFIX "iotId %s names no device in the tokens file: it may "
                                        "neither publish nor subscribe",
                             tok->name);
        return admit(p, client, RIGHTS_NONE, "", "", NULL);
    }
    return admit(p, client, RIGHTS_DEVICE, tok->product_key, tok->device_name, NULL);
}

/* Refuses a CONNECT that aliyun_mqtt_verify (or _identify) turned down
 * with st, naming the first problem aliyun_mqtt_explain finds in its fields
 * (with the secret, when one is known), then the status. */
static int refuse_explained(const struct mosquitto_evt_basic_auth *ev, aliyun_mqtt_status st,
                            const char *secret, int keepalive) {
    aliyun_mqtt_explanation ex;
    char why[256];
    if (aliyun_mqtt_explain(mosquitto_client_id(ev->client), ev->username, ev->password, secret,
                            keepalive, &ex) == ALIYUN_MQTT_OK &&
        ex.verdict != ALIYUN_MQTT_VERDICT_ACCEPTED && ex.verdict != ALIYUN_MQTT_VERDICT_UNCHECKED) {
        snprintf(why, sizeof why, "%s (%s)", aliyun_mqtt_verdict_str(ex.verdict),
                 aliyun_mqtt_status_name(st));
    } else {
        snprintf(why, sizeof why, "%s", aliyun_mqtt_status_name(st));
    }
    /* The explanation holds the password the secret makes. */
    memset(&ex, 0, sizeof ex);
    return refuse(mosquitto_client_id(ev->client), ev->username, why);
}

static int on_basic_auth(int event, void *event_data, void *userdata) {
    (void)event;
    const struct mosquitto_evt_basic_auth *ev = event_data;
    struct plugin *p = userdata;
    const char *client_id = mosquitto_client_id(ev->client);
    /* After a reload Mosquitto 2.0.11 runs BASIC_AUTH again for every
     * connected client: one that has a session keeps it, with the rights
     * it was admitted with (a registration is not answered twice). */
    if (p->rechecking && session_find(&p->sessions, ev->client)) return MOSQ_ERR_SUCCESS;
    /* A session left by an earlier client at this address is not this one's. */
    session_drop(&p->sessions, ev->client);
    if (!client_id || !ev->username || !ev->password) {
        return refuse(client_id, ev->username, "client id, user name and password are required");
    }
    int keepalive = mosquitto_client_keepalive(ev->client);
    char why[96];
    snprintf(why, sizeof why, "keep-alive %d s outside %d..%d", keepalive,
             ALIYUN_MQTT_KEEPALIVE_MIN, ALIYUN_MQTT_KEEPALIVE_MAX);
    int keepalive_ok = keepalive >= 0 && aliyun_mqtt_keepalive_ok((uint32_t)keepalive);
    const struct token *tok = table_find(&p->tables.tokens, (struct key){ev->username, NULL});
    if (tok) {
        if (!keepalive_ok) return refuse(client_id, ev->username, why);
        return token_auth(p, ev->client, tok, ev->username, ev->password);
    }
    aliyun_mqtt_verify_info info;
    aliyun_mqtt_status st = aliyun_mqtt_verify_identify(client_id, ev->username, &info);
    if (st != ALIYUN_MQTT_OK) return refuse_explained(ev, st, NULL, keepalive);
    int registration =
        info.auth_type == ALIYUN_MQTT_AUTH_REGISTER || info.auth_type == ALIYUN_MQTT_AUTH_REGNWL;
    /* PROTOCOL.md §2.2: the keep-alive is not checked during registration. */
    if (!registration && !keepalive_ok) return refuse(client_id, ev->username, why);
    const char *mismatch = secure_mode_mismatch(p, info.secure_mode != ALIYUN_MQTT_SECURE_TCP);
    if (mismatch) return refuse(client_id, ev->username, mismatch);
    const char *secret = NULL;
    if (registration) {
        const struct product *prod = table_find(&p->tables.products,
                                                (struct key){info.product_key, NULL});
        if (!prod) return refuse(client_id, ev->username, "unknown product");
        secret = prod->product_secret;
    } else if (info.auth_type == ALIYUN_MQTT_AUTH_CONNWL) {
        const struct grant *g = find_grant(p, info.product_key, info.device_name);
        if (g && strcmp(g->client_id, info.client_id) == 0) secret = g->token;
        if (!secret) return refuse(client_id, ev->username, "no regnwl grant for this client");
    } else {
        const struct device *dev = table_find(&p->tables.devices,
                                              (struct key){info.product_key, info.device_name});
        if (!dev) return refuse(client_id, ev->username, "unknown device");
        secret = dev->device_secret;
    }
    st = aliyun_mqtt_verify(client_id, ev->username, ev->password, secret, &info);
    /* PROTOCOL.md §2.2: no keep-alive check for a registration. */
    if (st != ALIYUN_MQTT_OK) {
        return refuse_explained(ev, st, secret, registration ? -1 : keepalive);
    }
    if (registration) return registered(p, ev->client, ev->username, &info);
    return admit(p, ev->client, RIGHTS_DEVICE, info.product_key, info.device_name, NULL);
}

/* ---- Reading a gateway's JSON ------------------------------------------ */

/* A strict JSON reader for the payloads a gateway publishes: the text is
 * split into tokens in document order (an object's tokens are its keys and
 * values in turn), each of which knows the token after its value. */
enum jkind { JOBJECT, JARRAY, JSTRING, JPRIMITIVE };

struct jtok {
    enum jkind kind;
    size_t start, end; /* its text; a string's without the quotes */
    size_t count;      /* members of an object, elements of an array */
    size_t next;       /* the token after this one's value */
};

struct json {
    const char *text;
    size_t len, pos;
    struct jtok *toks;
    size_t n, cap;
};

#define JSON_MAX_DEPTH 8
#define JSON_MAX_LEN 65536 /* a batch of 50 is about 18 KB */
#define JSON_NONE SIZE_MAX

static void j_space(struct json *j) {
    while (j->pos < j->len && strchr(" \t\r\n", j->text[j->pos]) && j->text[j->pos]) j->pos++;
}

static int j_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t j_push(struct json *j, enum jkind kind) {
    if (j->n == j->cap) return JSON_NONE;
    struct jtok *t = &j->toks[j->n];
    t->kind = kind;
    t->start = t->end = j->pos;
    t->count = 0;
    t->next = j->n + 1;
    return j->n++;
}

/* A string, at its opening quote. */
static int j_string(struct json *j) {
    size_t t = j_push(j, JSTRING);
    if (t == JSON_NONE) return -1;
    j->toks[t].start = ++j->pos;
    while (j->pos < j->len) {
        unsigned char c = (unsigned char)j->text[j->pos];
        if (c == '"') {
            j->toks[t].end = j->pos++;
            return 0;
        }
        if (c < 0x20) return -1;
        if (c != '\\') {
            j->pos++;
            continue;
        }
        if (j->pos + 1 >= j->len) return -1;
        char e = j->text[j->pos + 1];
        if (e == 'u') {
            if (j->pos + 6 > j->len) return -1;
            for (size_t k = 2; k < 6; k++) {
                if (j_hex(j->text[j->pos + k]) < 0) return -1;
            }
            j->pos += 6;
        } else if (e != '\0' && strchr("\"\\/bfnrt", e)) {
            j->pos += 2;
        } else {
            return -1;
        }
    }
    return -1;
}

static int j_digit_run(const char *s, size_t n, size_t *i) {
    size_t start = *i;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') (*i)++;
    return *i > start;
}

/* true, false, null or a number as JSON writes it. */
static int j_primitive(struct json *j) {
    size_t t = j_push(j, JPRIMITIVE);
    if (t == JSON_NONE) return -1;
    size_t start = j->pos;
    const char *allowed = "0123456789+-.eEtrufalsn";
    while (j->pos < j->len && j->text[j->pos] && strchr(allowed, j->text[j->pos])) j->pos++;
    const char *s = j->text + start;
    size_t n = j->pos - start, i = 0;
    j->toks[t].end = j->pos;
    if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0) ||
        (n == 4 && memcmp(s, "null", 4) == 0)) {
        return 0;
    }
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') i++;
    else if (!j_digit_run(s, n, &i)) return -1;
    if (i < n && s[i] == '.' && (++i, !j_digit_run(s, n, &i))) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (!j_digit_run(s, n, &i)) return -1;
    }
    return i == n ? 0 : -1;
}

static int j_value(struct json *j, int depth);

/* An object or an array, at its opening bracket. */
static int j_container(struct json *j, int depth, int object) {
    size_t t = j_push(j, object ? JOBJECT : JARRAY);
    if (t == JSON_NONE || depth >= JSON_MAX_DEPTH) return -1;
    char close = object ? '}' : ']';
    j->pos++;
    j_space(j);
    if (j->pos < j->len && j->text[j->pos] == close) {
        j->pos++;
    } else {
        for (;;) {
            if (object) {
                j_space(j);
                if (j->pos >= j->len || j->text[j->pos] != '"' || j_string(j) != 0) return -1;
                j_space(j);
                if (j->pos >= j->len || j->text[j->pos] != ':') return -1;
                j->pos++;
            }
            if (j_value(j, depth + 1) != 0) return -1;
            j->toks[t].count++;
            j_space(j);
            if (j->pos >= j->len) return -1;
            char c = j->text[j->pos++];
            if (c == close) break;
            if (c != ',') return -1;
        }
    }
    j->toks[t].end = j->pos;
    j->toks[t].next = j->n;
    return 0;
}

static int j_value(struct json *j, int depth) {
    j_space(j);
    if (j->pos >= j->len) return -1;
    char c = j->text[j->pos];
    if (c == '{' || c == '[') return j_container(j, depth, c == '{');
    if (c == '"') return j_string(j);
    return j_primitive(j);
}

/* Parses one JSON value filling the whole text; 0 on success. The tokens
 * are on the heap: free j->toks in any case. */
static int j_parse(struct json *j, const char *text, size_t len) {
    memset(j, 0, sizeof *j);
    if (!text || len == 0 || len > JSON_MAX_LEN) return -1;
    j->text = text;
    j->len = len;
    j->cap = len / 2 + 2; /* every token takes two bytes but the last */
    j->toks = calloc(j->cap, sizeof *j->toks);
    if (!j->toks || j_value(j, 0) != 0) return -1;
    j_space(j);
    return j->pos == j->len ? 0 : -1;
}

/* The value of member key of object o; JSON_NONE when o is no object, or
 * the key is absent or repeated. */
static size_t j_member(const struct json *j, size_t o, const char *key) {
    if (o == JSON_NONE || j->toks[o].kind != JOBJECT) return JSON_NONE;
    size_t found = JSON_NONE, k = o + 1, n = strlen(key);
    for (size_t m = 0; m < j->toks[o].count; m++) {
        const struct jtok *kt = &j->toks[k];
        if (kt->end - kt->start == n && memcmp(j->text + kt->start, key, n) == 0) {
            if (found != JSON_NONE) return JSON_NONE;
            found = k + 1;
        }
        k = j->toks[k + 1].next;
    }
    return found;
}

/* Element i of array a (i < its count). */
static size_t j_element(const struct json *j, size_t a, size_t i) {
    size_t e = a + 1;
    while (i-- > 0) e = j->toks[e].next;
    return e;
}

/* String t, unescaped, into out: 0, or -1 when t is no string, holds a
 * character outside printable ASCII or does not fit in cap - 1 bytes. */
static int j_text(const struct json *j, size_t t, char *out, size_t cap) {
    if (t == JSON_NONE || j->toks[t].kind != JSTRING) return -1;
    size_t n = 0;
    for (size_t i = j->toks[t].start; i < j->toks[t].end; i++) {
        unsigned c = (unsigned char)j->text[i];
        if (c == '\\') {
            char e = j->text[++i];
            if (e == 'u') {
                c = 0;
                for (size_t k = 1; k <= 4; k++) c = c * 16 + (unsigned)j_hex(j->text[i + k]);
                i += 4;
            } else {
                c = (unsigned char)e; /* \" \\ \/; the others are control bytes */
                if (strchr("bfnrt", e)) c = 0;
            }
        }
        if (c < 0x20 || c > 0x7e || n + 1 >= cap) return -1;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return 0;
}

/* A decimal number of 1 to 20 digits within uint64_t, written as a JSON
 * string or number: its digits as written into out (cap >= 21) and its
 * value into *value. */
static int j_digits(const struct json *j, size_t t, char *out, size_t cap, uint64_t *value) {
    if (t == JSON_NONE) return -1;
    const struct jtok *tok = &j->toks[t];
    if (tok->kind != JSTRING && tok->kind != JPRIMITIVE) return -1;
    size_t n = tok->end - tok->start;
    if (n == 0 || n > 20 || n >= cap) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = j->text[tok->start + i];
        if (c < '0' || c > '9') return -1;
        unsigned d = (unsigned)(c - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
        out[i] = c;
    }
    out[n] = '\0';
    *value = v;
    return 0;
}

/* ---- A gateway's sub-devices (PROTOCOL.md §6) and time (§7) ------------ */

/* The platform's reply codes for sub-device sessions. */
#define CODE_SUCCESS 200
#define CODE_BAD_REQUEST 460
#define CODE_TOO_MANY_SUBDEVICES 428
#define CODE_NO_TOPOLOGY 6401
#define CODE_DEVICE_NOT_FOUND 6100
#define CODE_INVALID_SIGN 6287

static const char *code_message(int code) {
    switch (code) {
    case CODE_SUCCESS: return "success";
    case CODE_BAD_REQUEST: return "request parameter error";
    case CODE_TOO_MANY_SUBDEVICES: return "too many subdevices under gateway";
    case CODE_NO_TOPOLOGY: return "topo relation not exist";
    case CODE_DEVICE_NOT_FOUND: return "device not found";
    case CODE_INVALID_SIGN: return "invalid sign";
    default: return "server error";
    }
}

/* Whether topic is the topic of kind for device pk/dn; reply, when given,
 * receives the topic of kind + 1 (its reply). */
static int is_topic(uint32_t kind, const char *pk, const char *dn, const char *topic,
                    char reply[ALIYUN_MQTT_TOPIC_SIZE]) {
    char want[ALIYUN_MQTT_TOPIC_SIZE];
    if (aliyun_mqtt_topic(kind, pk, dn, want, sizeof want, NULL) != ALIYUN_MQTT_OK) return 0;
    if (strcmp(want, topic) != 0) return 0;
    if (!reply) return 1;
    return aliyun_mqtt_topic(kind + 1, pk, dn, reply, ALIYUN_MQTT_TOPIC_SIZE, NULL) ==
           ALIYUN_MQTT_OK;
}

static long long epoch_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Publishes payload to one client at QoS 0, as the platform answers. */
static void publish_to(const char *client_id, const char *topic, const char *payload) {
    int rc = mosquitto_broker_publish_copy(client_id, topic, (int)strlen(payload), payload, 0,
                                           false, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        mosquitto_log_printf(MOSQ_LOG_WARNING, LOG_PREFIX "publish on %s failed: %d", topic, rc);
    }
}

/* {"id":..,"code":..,"message":..,"data":..}: data is the one sub-device
 * (an object, {} when unnamed) or, with as_list, the array of them. */
static void send_gateway_reply(const char *client_id, const char *topic, const char *id, int code,
                               const struct subdev_ref *devs, size_t n, int as_list) {
    size_t cap = 160 + n * (sizeof(struct subdev_ref) + 40);
    char *out = malloc(cap);
    if (!out) return;
    size_t len = (size_t)snprintf(out, cap,
                                  "{\"id\":\"%s\",\"code\":%d,\"message\":\"%s\",\"data\":%s", id,
                                  code, code_message(code), as_list ? "[" : "");
    for (size_t i = 0; i < n; i++) {
        if (!devs[i].product_key[0]) continue;
        len += (size_t)snprintf(out + len, cap - len, "%s{\"productKey\":\"%s\",\"deviceName\":\"%s\"}",
                                as_list && out[len - 1] == '}' ? "," : "", devs[i].product_key,
                                devs[i].device_name);
        if (!as_list) break;
    }
    if (!as_list && (n == 0 || !devs[0].product_key[0])) len += (size_t)snprintf(out + len, cap - len, "{}");
    snprintf(out + len, cap - len, "%s}", as_list ? "]" : "");
    publish_to(client_id, topic, out);
    free(out);
}

/* hmacmd5, hmacsha1 or hmacsha256, in any case (PROTOCOL.md §6: the SDKs
 * send hmacSha256): the library's name, lowered first. */
static int sign_method_named(const char *name, uint32_t *out) {
    char lower[ALIYUN_MQTT_SIGN_METHOD_NAME_MAX_LEN + 1];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof lower; i++) lower[i] = (char)tolower((unsigned char)name[i]);
    if (name[i]) return -1;
    lower[i] = '\0';
    if (aliyun_mqtt_sign_method_from_name(lower, out) != ALIYUN_MQTT_OK) return -1;
    return *out == ALIYUN_MQTT_SHA256 ? -1 : 0;
}

/* The sub-device named by entry e (its productKey and deviceName) into
 * *who; a reply code: CODE_SUCCESS when both are valid. */
static int read_subdev(const struct json *j, size_t e, struct subdev_ref *who) {
    memset(who, 0, sizeof *who);
    char pk[ALIYUN_MQTT_PRODUCT_KEY_SIZE], dn[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    if (j_text(j, j_member(j, e, "productKey"), pk, sizeof pk) != 0 ||
        j_text(j, j_member(j, e, "deviceName"), dn, sizeof dn) != 0 ||
        check_device(pk, dn, "x") != ALIYUN_MQTT_OK) {
        return CODE_BAD_REQUEST;
    }
    strcpy(who->product_key, pk);
    strcpy(who->device_name, dn);
    return CODE_SUCCESS;
}

/* Checks one sub-device of a login (entry e; method_tok the batch's
 * signMethod, or JSON_NONE) against the secrets file: the reply code. */
static int check_login(const struct plugin *p, const struct session *gw, const struct json *j,
                       size_t e, size_t method_tok, struct subdev_ref *who) {
    int code = read_subdev(j, e, who);
    if (code != CODE_SUCCESS) return code;
    char cid[ALIYUN_MQTT_SUBDEV_CLIENT_ID_MAX_LEN + 1], ts[21], sign[ALIYUN_MQTT_PASSWORD_SIZE];
    char method[16];
    uint64_t ts_ms;
    size_t m = j_member(j, e, "signMethod");
    if (m == JSON_NONE) m = method_tok;
    uint32_t sign_method;
    /* The timestamp is signed as written: one with leading zeros, which
     * the library never writes, is refused with the parameters. */
    if (j_text(j, j_member(j, e, "clientId"), cid, sizeof cid) != 0 || !cid[0] ||
        j_digits(j, j_member(j, e, "timestamp"), ts, sizeof ts, &ts_ms) != 0 ||
        (ts[0] == '0' && ts[1]) || j_text(j, j_member(j, e, "sign"), sign, sizeof sign) != 0 ||
        j_text(j, m, method, sizeof method) != 0 || sign_method_named(method, &sign_method) != 0) {
        return CODE_BAD_REQUEST;
    }
    /* A device is never in its own topology. */
    if (strcmp(who->product_key, gw->product_key) == 0 &&
        strcmp(who->device_name, gw->device_name) == 0) {
        return CODE_NO_TOPOLOGY;
    }
    const struct device *dev =
        table_find(&p->tables.devices, (struct key){who->product_key, who->device_name});
    if (!dev) return CODE_DEVICE_NOT_FOUND;
    /* The sign the library makes for these fields, read back out of the
     * login payload it writes. */
    aliyun_mqtt_subdev sub;
    memset(&sub, 0, sizeof sub);
    sub.product_key = who->product_key;
    sub.device_name = who->device_name;
    sub.device_secret = dev->device_secret;
    sub.client_id = cid;
    sub.timestamp_ms = ts_ms;
    char payload[ALIYUN_MQTT_SUBDEV_LOGIN_SIZE];
    char want[ALIYUN_MQTT_PASSWORD_SIZE] = "";
    if (aliyun_mqtt_subdev_login(0, sign_method, &sub, payload, sizeof payload, NULL) !=
        ALIYUN_MQTT_OK) {
        code = CODE_BAD_REQUEST; /* e.g. a client id the library refuses */
    } else {
        const char *at = strstr(payload, "\"sign\":\"");
        size_t n = at ? strcspn(at + 8, "\"") : 0;
        if (n > 0 && n < sizeof want) {
            memcpy(want, at + 8, n);
            want[n] = '\0';
        }
        for (char *c = sign; *c; c++) {
            if (*c >= 'A' && *c <= 'F') *c = (char)(*c - 'A' + 'a');
        }
        code = want[0] && same_string(want, sign) ? CODE_SUCCESS : CODE_INVALID_SIGN;
    }
    memset(payload, 0, sizeof payload);
    memset(want, 0, sizeof want);
    return code;
}

static size_t find_subdev(const struct session *s, const struct subdev_ref *who) {
    for (size_t i = 0; i < s->sub_count; i++) {
        if (strcmp(s->subs[i].product_key, who->product_key) == 0 &&
            strcmp(s->subs[i].device_name, who->device_name) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

static void remove_subdev(struct session *s, size_t i) {
    s->subs[i] = s->subs[--s->sub_count];
}

/* Logs in the checked sub-devices who[0..n) under gateway gw: all, or
 * none when gw would hold more than max_subdevices. A sub-device that
 * another gateway holds moves to gw. Returns the reply code. */
static int log_in(struct plugin *p, struct session *gw, const struct subdev_ref *who, size_t n) {
    size_t fresh = 0;
    for (size_t i = 0; i < n; i++) fresh += find_subdev(gw, &who[i]) == SIZE_MAX;
    if (gw->sub_count + fresh > p->max_subdevices) return CODE_TOO_MANY_SUBDEVICES;
    if (gw->sub_count + fresh > gw->sub_cap) {
        size_t cap = gw->sub_cap ? gw->sub_cap : 8;
        while (cap < gw->sub_count + fresh) cap *= 2;
        struct subdev_ref *grown = realloc(gw->subs, cap * sizeof *grown);
        if (!grown) return 500;
        gw->subs = grown;
        gw->sub_cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < p->sessions.slot_count; k++) {
            struct session *other = &p->sessions.slots[k];
            size_t at;
            if (other == gw || !other->client || !other->sub_count) continue;
            if ((at = find_subdev(other, &who[i])) != SIZE_MAX) remove_subdev(other, at);
        }
        if (find_subdev(gw, &who[i]) == SIZE_MAX) gw->subs[gw->sub_count++] = who[i];
        mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "gateway %s/%s: sub-device %s/%s logged in",
                             gw->product_key, gw->device_name, who[i].product_key,
                             who[i].device_name);
    }
    return CODE_SUCCESS;
}

static void log_refused(const struct session *gw, const char *what, int code,
                        const struct subdev_ref *who) {
    mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "gateway %s/%s: %s of %s/%s refused: %d %s",
                         gw->product_key, gw->device_name, what,
                         who->product_key[0] ? who->product_key : "?",
                         who->product_key[0] ? who->device_name : "?", code, code_message(code));
}

/* A login (one sub-device: batch 0) or batch login; replies on reply. */
static void on_login(struct plugin *p, struct session *gw, const struct json *j, int batch,
                     const char *id, const char *client_id, const char *reply) {
    size_t params = j_member(j, 0, "params");
    size_t list = batch ? j_member(j, params, "deviceList") : params;
    size_t n = batch ? (list != JSON_NONE && j->toks[list].kind == JARRAY ? j->toks[list].count : 0)
                     : (list != JSON_NONE);
    struct subdev_ref who[ALIYUN_MQTT_SUBDEV_BATCH_MAX];
    if (n == 0 || n > ALIYUN_MQTT_SUBDEV_BATCH_MAX) {
        struct subdev_ref none;
        memset(&none, 0, sizeof none);
        log_refused(gw, batch ? "batch login" : "login", CODE_BAD_REQUEST, &none);
        send_gateway_reply(client_id, reply, id, CODE_BAD_REQUEST, NULL, 0, batch);
        return;
    }
    size_t method = batch ? j_member(j, params, "signMethod") : JSON_NONE;
    int code = CODE_SUCCESS;
    size_t failed = 0;
    struct subdev_ref bad[ALIYUN_MQTT_SUBDEV_BATCH_MAX];
    for (size_t i = 0; i < n; i++) {
        size_t e = batch ? j_element(j, list, i) : list;
        int c = check_login(p, gw, j, e, method, &who[i]);
        if (c == CODE_SUCCESS) continue;
        log_refused(gw, "login", c, &who[i]);
        if (code == CODE_SUCCESS) code = c;
        bad[failed++] = who[i];
    }
    if (code == CODE_SUCCESS) {
        code = log_in(p, gw, who, n);
        if (code != CODE_SUCCESS) log_refused(gw, "login", code, &who[0]);
    }
    /* Success names every sub-device; a refusal the ones refused (all of
     * them when the gateway would hold too many). */
    if (code == CODE_SUCCESS || failed == 0) {
        send_gateway_reply(client_id, reply, id, code, who, n, batch);
    } else {
        send_gateway_reply(client_id, reply, id, code, bad, failed, batch);
    }
}

/* A logout or batch logout: the named sub-devices leave gw. A sub-device
 * gw does not hold is no error; one not in the secrets file is. */
static void on_logout(struct plugin *p, struct session *gw, const struct json *j, int batch,
                      const char *id, const char *client_id, const char *reply) {
    size_t params = j_member(j, 0, "params");
    size_t n = batch ? (params != JSON_NONE && j->toks[params].kind == JARRAY ? j->toks[params].count : 0)
                     : (params != JSON_NONE);
    struct subdev_ref who[ALIYUN_MQTT_SUBDEV_BATCH_MAX];
    int code = n == 0 || n > ALIYUN_MQTT_SUBDEV_BATCH_MAX ? CODE_BAD_REQUEST : CODE_SUCCESS;
    for (size_t i = 0; code == CODE_SUCCESS && i < n; i++) {
        code = read_subdev(j, batch ? j_element(j, params, i) : params, &who[i]);
        if (code == CODE_SUCCESS &&
            !table_find(&p->tables.devices, (struct key){who[i].product_key, who[i].device_name})) {
            code = CODE_DEVICE_NOT_FOUND;
        }
        if (code != CODE_SUCCESS) {
            log_refused(gw, "logout", code, &who[i]);
            send_gateway_reply(client_id, reply, id, code, &who[i], 1, batch);
            return;
        }
    }
    if (code != CODE_SUCCESS) {
        send_gateway_reply(client_id, reply, id, code, NULL, 0, batch);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t at = find_subdev(gw, &who[i]);
        if (at != SIZE_MAX) remove_subdev(gw, at);
        mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "gateway %s/%s: sub-device %s/%s logged out%s",
                             gw->product_key, gw->device_name, who[i].product_key,
                             who[i].device_name, at == SIZE_MAX ? " (was not logged in)" : "");
    }
    send_gateway_reply(client_id, reply, id, CODE_SUCCESS, who, n, batch);
}

/* PROTOCOL.md §7: answers {"deviceSendTime":".."} on the response topic
 * with the broker's clock. A malformed request gets no answer. */
static void on_ntp(const struct json *j, int parsed, long long received, const char *client_id,
                   const char *response) {
    char sent[21];
    uint64_t value;
    if (!parsed || j_digits(j, j_member(j, 0, "deviceSendTime"), sent, sizeof sent, &value) != 0) {
        char shown[4 * LOG_FIELD_MAX + 4];
        mosquitto_log_printf(MOSQ_LOG_NOTICE,
                             LOG_PREFIX "ntp: client_id=\"%s\" sent no deviceSendTime: not answered",
                             log_field(shown, client_id));
        return;
    }
    char out[128];
    snprintf(out, sizeof out,
             "{\"deviceSendTime\":\"%s\",\"serverRecvTime\":\"%lld\",\"serverSendTime\":\"%lld\"}",
             sent, received, epoch_ms());
    publish_to(client_id, response, out);
}

/* Every PUBLISH a client sends, after its ACL check: the gateway's session
 * messages and NTP requests are answered; each message then goes on like
 * any other. */
static int on_message(int event, void *event_data, void *userdata) {
    (void)event;
    const struct mosquitto_evt_message *ev = event_data;
    struct plugin *p = userdata;
    long long received = epoch_ms();
    struct session *s = session_find(&p->sessions, ev->client);
    if (!s || s->rights != RIGHTS_DEVICE || !ev->topic || strncmp(ev->topic, "/ext/", 5) != 0) {
        return MOSQ_ERR_SUCCESS;
    }
    const char *client_id = mosquitto_client_id(ev->client);
    char reply[ALIYUN_MQTT_TOPIC_SIZE];
    static const uint32_t kinds[] = {ALIYUN_MQTT_TOPIC_LOGIN, ALIYUN_MQTT_TOPIC_BATCH_LOGIN, ALIYUN_MQTT_TOPIC_LOGOUT, ALIYUN_MQTT_TOPIC_BATCH_LOGOUT};
    uint32_t kind = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && !kind; i++) {
        if (is_topic(kinds[i], s->product_key, s->device_name, ev->topic, reply)) kind = kinds[i];
    }
    /* NTP: the gateway's own, or a sub-device's through its gateway. */
    int ntp = is_topic(ALIYUN_MQTT_TOPIC_NTP_REQUEST, s->product_key, s->device_name, ev->topic, NULL);
    for (size_t i = 0; !ntp && i < s->sub_count; i++) {
        ntp = is_topic(ALIYUN_MQTT_TOPIC_NTP_REQUEST, s->subs[i].product_key, s->subs[i].device_name, ev->topic,
                       NULL);
    }
    if (!kind && !ntp) return MOSQ_ERR_SUCCESS;
    struct json j;
    int parsed = j_parse(&j, ev->payload, ev->payloadlen) == 0 && j.toks[0].kind == JOBJECT;
    if (ntp) {
        /* The response topic is the request's with its last level changed. */
        snprintf(reply, sizeof reply, "%.*s/response",
                 (int)(strrchr(ev->topic, '/') - ev->topic), ev->topic);
        on_ntp(&j, parsed, received, client_id, reply);
    } else {
        char id[21] = "0";
        uint64_t value;
        if (!parsed || j_digits(&j, j_member(&j, 0, "id"), id, sizeof id, &value) != 0 ||
            value > UINT32_MAX) {
            strcpy(id, "0");
            parsed = 0;
        }
        int batch = kind == ALIYUN_MQTT_TOPIC_BATCH_LOGIN || kind == ALIYUN_MQTT_TOPIC_BATCH_LOGOUT;
        if (!parsed) {
            struct subdev_ref none;
            memset(&none, 0, sizeof none);
            log_refused(s, "message", CODE_BAD_REQUEST, &none);
            send_gateway_reply(client_id, reply, id, CODE_BAD_REQUEST, NULL, 0, batch);
        } else if (kind == ALIYUN_MQTT_TOPIC_LOGIN || kind == ALIYUN_MQTT_TOPIC_BATCH_LOGIN) {
            on_login(p, s, &j, batch, id, client_id, reply);
        } else {
            on_logout(p, s, &j, batch, id, client_id, reply);
        }
    }
    free(j.toks);
    return MOSQ_ERR_SUCCESS;
}

static const char *access_name(int access) {
    switch (access) {
    case MOSQ_ACL_READ: return "receive";
    case MOSQ_ACL_WRITE: return "publish";
    case MOSQ_ACL_SUBSCRIBE: return "subscribe";
    default: return "use";
    }
}

/* Every publish (WRITE), subscription (SUBSCRIBE) and delivery (READ). */
static int on_acl_check(int event, void *event_data, void *userdata) {
    (void)event;
    const struct mosquitto_evt_acl_check *ev = event_data;
    struct plugin *p = userdata;
    /* Dropping a subscription grants nothing. */
    if (ev->access == MOSQ_ACL_UNSUBSCRIBE) return MOSQ_ERR_SUCCESS;
    struct session *s = session_find(&p->sessions, ev->client);
    int allowed = 0;
    if (s && ev->topic && s->rights == RIGHTS_DEVICE) {
        allowed = session_may_use(s, ev->topic, ev->access);
    } else if (s && ev->topic && s->rights == RIGHTS_REGISTER) {
        /* Its reply passes no check in Mosquitto 2.0.11; a broker that
         * checks it finds it allowed. No device may publish there. */
        allowed = ev->access == MOSQ_ACL_READ && strcmp(ev->topic, s->reply_topic) == 0;
    }
    if (allowed) return MOSQ_ERR_SUCCESS;
    if (ev->access != MOSQ_ACL_READ) {
        char id[4 * LOG_FIELD_MAX + 4], topic[4 * LOG_FIELD_MAX + 4];
        mosquitto_log_printf(MOSQ_LOG_NOTICE, LOG_PREFIX "denied: client_id=\"%s\" may not %s \"%s\"",
                             log_field(id, mosquitto_client_id(ev->client)),
                             access_name(ev->access), log_field(topic, ev->topic));
    }
    return MOSQ_ERR_ACL_DENIED;
}

static int on_disconnect(int event, void *event_data, void *userdata) {
    (void)event;
    const struct mosquitto_evt_disconnect *ev = event_data;
    struct plugin *p = userdata;
    const struct session *s = session_find(&p->sessions, ev->client);
    if (s && s->sub_count) {
        mosquitto_log_printf(MOSQ_LOG_NOTICE,
                             LOG_PREFIX "gateway %s/%s disconnected: its %zu sub-devices are "
                                        "logged out",
                             s->product_key, s->device_name, s->sub_count);
    }
    session_drop(&p->sessions, ev->client);
    return MOSQ_ERR_SUCCESS;
}

/* Closes the registration sessions whose time has come. Kicking a client
 * raises its DISCONNECT event, which changes the session table, so each
 * round picks a few and closes them after the scan. */
static int on_tick(int event, void *event_data, void *userdata) {
    (void)event;
    (void)event_data;
    struct plugin *p = userdata;
    p->rechecking = 0; /* the clients were checked again in the reload's loop round */
    struct sessions *s = &p->sessions;
    const struct mosquitto *due[16];
    size_t n;
    do {
        long long now = now_ms();
        n = 0;
        for (size_t i = 0; i < s->slot_count && s->registrations && n < 16; i++) {
            const struct session *slot = &s->slots[i];
            if (slot->client && slot->rights == RIGHTS_REGISTER && slot->close_at <= now) {
                due[n++] = slot->client;
            }
        }
        for (size_t i = 0; i < n; i++) {
            char id[ALIYUN_MQTT_VERIFY_CLIENT_ID_MAX_LEN + 1];
            const char *cid = mosquitto_client_id(due[i]);
            int have_id = cid && strlen(cid) < sizeof id;
            if (have_id) strcpy(id, cid);
            session_drop(s, due[i]);
            if (have_id && mosquitto_kick_client_by_clientid(id, false) == MOSQ_ERR_SUCCESS) {
                char shown[4 * LOG_FIELD_MAX + 4];
                mosquitto_log_printf(MOSQ_LOG_NOTICE,
                                     LOG_PREFIX "registration session client_id=\"%s\" closed",
                                     log_field(shown, id));
            }
        }
    } while (n == 16);
    return MOSQ_ERR_SUCCESS;
}

/* SIGHUP: the files again, all or nothing. */
static int on_reload(int event, void *event_data, void *userdata) {
    (void)event;
    (void)event_data; /* Mosquitto 2.0.11 passes no options with it */
    struct plugin *p = userdata;
    p->rechecking = 1;
    struct tables fresh;
    if (load_tables(p->secrets_path, p->products_path, p->tokens_path, &fresh) !=
        MOSQ_ERR_SUCCESS) {
        mosquitto_log_printf(MOSQ_LOG_ERR,
                             LOG_PREFIX "reload failed (see above): the previous tables stay "
                                        "(%zu devices, %zu products, %zu tokens)",
                             p->tables.devices.count, p->tables.products.count,
                             p->tables.tokens.count);
        return MOSQ_ERR_SUCCESS;
    }
    free_tables(&p->tables);
    p->tables = fresh;
    mosquitto_log_printf(MOSQ_LOG_NOTICE,
                         LOG_PREFIX "reloaded: %zu devices, %zu products, %zu tokens",
                         p->tables.devices.count, p->tables.products.count,
                         p->tables.tokens.count);
    return MOSQ_ERR_SUCCESS;
}

static const struct {
    int event;
    MOSQ_FUNC_generic_callback cb;
} CALLBACKS[] = {
    {MOSQ_EVT_BASIC_AUTH, on_basic_auth}, {MOSQ_EVT_ACL_CHECK, on_acl_check},
    {MOSQ_EVT_MESSAGE, on_message},       {MOSQ_EVT_DISCONNECT, on_disconnect},
    {MOSQ_EVT_TICK, on_tick},             {MOSQ_EVT_RELOAD, on_reload},
};
#define CALLBACK_COUNT (sizeof CALLBACKS / sizeof CALLBACKS[0])

static void free_plugin(struct plugin *p) {
    free_tables(&p->tables);
    for (size_t i = 0; i < p->sessions.slot_count; i++) free(p->sessions.slots[i].subs);
    /* The grants hold device tokens. */
    if (p->grants) memset(p->grants, 0, p->grant_capacity * sizeof *p->grants);
    free(p->grants);
    free(p->sessions.slots);
    free(p->secrets_path);
    free(p->products_path);
    free(p->tokens_path);
    free(p);
}

/* A count of 1 or more, in decimal digits only, at most limit. */
static int parse_count(const char *value, size_t limit, size_t *out) {
    if (value[0] < '0' || value[0] > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (errno != 0 || *end != '\0' || n == 0 || n > limit) return -1;
    *out = (size_t)n;
    return 0;
}

/* "true" or "false". */
static int parse_bool(const char *value, int *out) {
    if (strcmp(value, "true") == 0) *out = 1;
    else if (strcmp(value, "false") == 0) *out = 0;
    else return -1;
    return 0;
}

static int bad_option(const char *key, const char *value, const char *want) {
    mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "plugin_opt_%s %s: not %s", key, value, want);
    return MOSQ_ERR_INVAL;
}

/* Reads the plugin_opt_ options into p. */
static int read_options(struct plugin *p, const struct mosquitto_opt *options, int option_count) {
    const char *secrets = NULL, *products = NULL, *tokens = NULL;
    for (int i = 0; i < option_count; i++) {
        const char *key = options[i].key, *value = options[i].value;
        if (strcmp(key, "secrets_file") == 0) secrets = value;
        else if (strcmp(key, "products_file") == 0) products = value;
        else if (strcmp(key, "tokens_file") == 0) tokens = value;
        else if (strcmp(key, "max_grants") == 0) {
            if (parse_count(value, SIZE_MAX / sizeof(struct grant), &p->max_grants) != 0) {
                return bad_option(key, value, "a count of 1 or more");
            }
        } else if (strcmp(key, "max_sessions") == 0) {
            if (parse_count(value, SIZE_MAX / (4 * sizeof(struct session)), &p->sessions.max) != 0) {
                return bad_option(key, value, "a count of 1 or more");
            }
        } else if (strcmp(key, "max_subdevices") == 0) {
            if (parse_count(value, SIZE_MAX / (4 * sizeof(struct subdev_ref)), &p->max_subdevices) !=
                0) {
                return bad_option(key, value, "a count of 1 or more");
            }
        } else if (strcmp(key, "check_secure_mode") == 0) {
            if (parse_bool(value, &p->check_secure_mode) != 0) {
                return bad_option(key, value, "true or false");
            }
        } else if (strcmp(key, "listener_tls") == 0) {
            if (parse_bool(value, &p->listener_tls) != 0) {
                return bad_option(key, value, "true or false");
            }
        }
    }
    if (!secrets) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "plugin_opt_secrets_file is required");
        return MOSQ_ERR_INVAL;
    }
    if (p->check_secure_mode && p->listener_tls < 0) {
        mosquitto_log_printf(MOSQ_LOG_ERR, LOG_PREFIX "plugin_opt_check_secure_mode true needs "
                                           "plugin_opt_listener_tls true or false");
        return MOSQ_ERR_INVAL;
    }
    p->secrets_path = strdup(secrets);
    p->products_path = products ? strdup(products) : NULL;
    p->tokens_path = tokens ? strdup(tokens) : NULL;
    if (!p->secrets_path || (products && !p->products_path) || (tokens && !p->tokens_path)) {
        return MOSQ_ERR_NOMEM;
    }
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
                          struct mosquitto_opt *options, int option_count) {
    struct plugin *p = calloc(1, sizeof *p);
    if (!p) return MOSQ_ERR_NOMEM;
    p->id = identifier;
    p->max_grants = DEFAULT_MAX_GRANTS;
    p->sessions.max = DEFAULT_MAX_SESSIONS;
    p->max_subdevices = DEFAULT_MAX_SUBDEVICES;
    p->listener_tls = -1;
    int rc = read_options(p, options, option_count);
    if (rc == MOSQ_ERR_SUCCESS) {
        rc = load_tables(p->secrets_path, p->products_path, p->tokens_path, &p->tables);
    }
    size_t registered_count = 0;
    for (; rc == MOSQ_ERR_SUCCESS && registered_count < CALLBACK_COUNT; registered_count++) {
        rc = mosquitto_callback_register(identifier, CALLBACKS[registered_count].event,
                                         CALLBACKS[registered_count].cb, NULL, p);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
        /* The callback that failed is not registered; those before it are. */
        for (size_t i = 0; i + 1 < registered_count; i++) {
            mosquitto_callback_unregister(identifier, CALLBACKS[i].event, CALLBACKS[i].cb, NULL);
        }
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
        for (size_t i = 0; i < CALLBACK_COUNT; i++) {
            mosquitto_callback_unregister(p->id, CALLBACKS[i].event, CALLBACKS[i].cb, NULL);
        }
        free_plugin(p);
    }
    return MOSQ_ERR_SUCCESS;
}
