/* Secret hygiene: after each call that handles a DeviceSecret or
 * ProductSecret, the stack the call used holds no trace of the key: not
 * the secret, not K ^ ipad or K ^ opad (the HMAC key blocks), not the
 * ipad/opad padding, not the signed content.
 *
 * Method: paint() fills a large stack region below main's frame with a
 * pattern; the call under test runs in that region; snapshot(), called
 * from main like the call, copies the same region (its own uninitialised
 * locals) to a static buffer, which is then searched. Built
 * without optimisation and without sanitizers so that the frames really
 * overlap; a positive control (a function that leaves the secret on its
 * stack) must be found, or the method is broken and the test fails. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "aliyun_mqtt_sign.h"

#define REGION 32768
#define WINDOW 8

static const char SECRET[] = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
static const char PRODUCT_SECRET[] = "Ks3ProdSecretValue9xyzKs3ProdSec";
static int failures = 0;

__attribute__((noinline)) static void paint(void) {
    volatile unsigned char region[REGION];
    for (size_t i = 0; i < REGION; i++) region[i] = 0xE7;
    (void)region[0];
}

static unsigned char snap[REGION];

/* Copies the stack region the last call used (this function's own
 * uninitialised locals, at the same depth) into `snap`. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
__attribute__((noinline)) static void snapshot(void) {
    volatile unsigned char region[REGION];
    /* Reading the stale stack is the point of the probe. */
    // cppcheck-suppress [uninitvar, legacyUninitvar]
    for (size_t i = 0; i < REGION; i++) snap[i] = region[i];
}
#pragma GCC diagnostic pop

/* Counts the positions in `snap` where any WINDOW-byte slice of `pat`
 * occurs. */
static size_t scan(const unsigned char *pat, size_t n) {
    size_t hits = 0;
    for (size_t off = 0; off + WINDOW <= n; off += WINDOW / 2) {
        for (size_t i = 0; i + WINDOW <= REGION; i++) {
            if (memcmp(snap + i, pat + off, WINDOW) == 0) hits++;
        }
    }
    return hits;
}

/* `pat` and `pat` with each 4-byte group reversed (how a big-endian
 * message schedule word of SHA-1/SHA-256 sits in little-endian memory). */
static size_t scan_both(const unsigned char *pat, size_t n) {
    unsigned char swapped[128];
    size_t m = n < sizeof swapped ? n & ~(size_t)3 : sizeof swapped;
    for (size_t i = 0; i < m; i++) swapped[i] = pat[(i & ~(size_t)3) + 3 - (i & 3)];
    return scan(pat, n) + scan(swapped, m);
}

/* The traces of key `key`: itself, K ^ ipad, K ^ opad (64-byte blocks,
 * zero-padded key), and the content string, in either byte order. */
static size_t traces(const char *key, const char *content) {
    unsigned char block[64];
    size_t n = strlen(key), hits = scan_both((const unsigned char *)key, n);
    for (int pad = 0; pad < 2; pad++) {
        memset(block, 0, sizeof block);
        memcpy(block, key, n);
        for (size_t i = 0; i < sizeof block; i++) block[i] ^= pad ? 0x5c : 0x36;
        hits += scan_both(block, sizeof block);
    }
    hits += scan_both((const unsigned char *)content, strlen(content));
    return hits;
}

/* The positive control: leaves the secret and K ^ ipad on its stack. */
__attribute__((noinline)) static void leaky(void) {
    volatile unsigned char copy[256];
    for (size_t i = 0; i < 64; i++) {
        copy[i] = (unsigned char)(i < strlen(SECRET) ? SECRET[i] : 0);
        copy[64 + i] = (unsigned char)((i < strlen(SECRET) ? SECRET[i] : 0) ^ 0x36);
    }
    (void)copy[0];
}

static void expect_clean(const char *what, size_t hits) {
    printf("%-40s %zu traces\n", what, hits);
    if (hits != 0) failures++;
}

static aliyun_mqtt_device golden(void) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = SECRET;
    dev.client_id = "SN1928339";
    dev.timestamp_ms = UINT64_C(1539421321846);
    return dev;
}

int main(void) {
    static const char content[] = "clientIdSN1928339deviceNamelight1983432productKeya14Xib5kdYd";
    static const char reg_content[] = "deviceNamesensor-0001productKeya1B2c3D4e5Frandomabcdefghij12345";

    paint();
    leaky();
    snapshot();
    size_t control = traces(SECRET, content);
    printf("%-40s %zu traces (must be > 0)\n", "control: leaky()", control);
    if (control == 0) {
        printf("the stack probe found nothing it was shown: the method does not work here\n");
        return 1;
    }

    static const uint32_t methods[] = {ALIYUN_MQTT_HMAC_MD5, ALIYUN_MQTT_HMAC_SHA1,
                                       ALIYUN_MQTT_HMAC_SHA256, ALIYUN_MQTT_SHA256};
    static const char *names[] = {"aliyun_mqtt_sign hmacmd5", "aliyun_mqtt_sign hmacsha1",
                                  "aliyun_mqtt_sign hmacsha256", "aliyun_mqtt_sign sha256"};
    static aliyun_mqtt_credentials cred; /* outputs off the probed stack */
    static char buf[ALIYUN_MQTT_AUTH_BODY_SIZE];
    for (int m = 0; m < 4; m++) {
        aliyun_mqtt_device dev = golden();
        dev.sign_method = methods[m];
        paint();
        if (aliyun_mqtt_sign(&dev, &cred) != ALIYUN_MQTT_OK) return 1;
        snapshot();
        expect_clean(names[m], traces(SECRET, content));
    }
    aliyun_mqtt_device dev = golden();
    paint();
    if (aliyun_mqtt_password(&dev, buf, sizeof buf, NULL) != ALIYUN_MQTT_OK) return 1;
    snapshot();
    expect_clean("aliyun_mqtt_password", traces(SECRET, content));
    paint();
    if (aliyun_mqtt_auth_body(&dev, buf, sizeof buf, NULL) != ALIYUN_MQTT_OK) return 1;
    snapshot();
    expect_clean("aliyun_mqtt_auth_body", traces(SECRET, content));
    paint();
    if (aliyun_mqtt_sign(&dev, &cred) != ALIYUN_MQTT_OK) return 1;
    paint();
    if (aliyun_mqtt_verify(cred.client_id, cred.username, cred.password, SECRET, NULL) !=
        ALIYUN_MQTT_OK) {
        return 1;
    }
    snapshot();
    expect_clean("aliyun_mqtt_verify", traces(SECRET, content));

    aliyun_mqtt_registration reg = aliyun_mqtt_registration_default();
    reg.product_key = "a1B2c3D4e5F";
    reg.device_name = "sensor-0001";
    reg.product_secret = PRODUCT_SECRET;
    reg.random = "abcdefghij12345";
    paint();
    if (aliyun_mqtt_register_sign(&reg, &cred) != ALIYUN_MQTT_OK) return 1;
    snapshot();
    expect_clean("aliyun_mqtt_register_sign", traces(PRODUCT_SECRET, reg_content));
    paint();
    if (aliyun_mqtt_register_body(&reg, buf, sizeof buf, NULL) != ALIYUN_MQTT_OK) return 1;
    snapshot();
    expect_clean("aliyun_mqtt_register_body", traces(PRODUCT_SECRET, reg_content));

    printf("%d calls left traces\n", failures);
    return failures == 0 ? 0 : 1;
}
