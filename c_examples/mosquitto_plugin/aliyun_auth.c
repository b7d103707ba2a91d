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
 * aliyun_mqtt_explain (given the secret, never printed), then the status. */
#define _POSIX_C_SOURCE 200809L /* getline, fileno, fstat, clock_gettime */

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

#define LOG_PREFIX "aliyun-auth: "
#define DEFAULT_MAX_GRANTS 10000
#define DEFAULT_MAX_SESSIONS 100000
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

/* Whether pk and dn are a valid ProductKey and DeviceName, by the
 * library's own checks (a size query writes nothing). */
static aliyun_mqtt_status check_device(const char *pk, const char *dn, const char *ds) {
    aliyun_mqtt_device d = aliyun_mqtt_device_default();
    d.product_key = pk;
    d.device_name = dn;
    d.device_secret = ds;
    size_t needed = 0;
    aliyun_mqtt_status st = aliyun_mqtt_username(&d, NULL, 0, &needed);
    return st == ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL ? ALIYUN_MQTT_OK : st;
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
    size_t needed = 0;
    aliyun_mqtt_status st = aliyun_mqtt_register_body(&reg, NULL, 0, &needed);
    if (st != ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL) return aliyun_mqtt_status_str(st);
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

struct session {
    const struct mosquitto *client; /* the key; NULL in a free slot */
    unsigned char rights;
    char product_key[ALIYUN_MQTT_PRODUCT_KEY_SIZE];
    char device_name[ALIYUN_MQTT_DEVICE_NAME_SIZE];
    const char *reply_topic; /* RIGHTS_REGISTER: /ext/register or /ext/regnwl */
    long long close_at;      /* RIGHTS_REGISTER: when the broker closes it (ms) */
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
    } else if (slot->rights == RIGHTS_REGISTER) {
        s->registrations--;
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

/* Who a device session is. A gateway would add its sub-devices here, and
 * device_may_use would look them up. */
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
        const struct identity id = {s->product_key, s->device_name};
        allowed = device_may_use(&id, ev->topic, ev->access);
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
    {MOSQ_EVT_DISCONNECT, on_disconnect}, {MOSQ_EVT_TICK, on_tick},
    {MOSQ_EVT_RELOAD, on_reload},
};
#define CALLBACK_COUNT (sizeof CALLBACKS / sizeof CALLBACKS[0])

static void free_plugin(struct plugin *p) {
    free_tables(&p->tables);
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
