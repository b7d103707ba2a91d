/* Signing with a key the firmware never reads (PROTOCOL.md §1.3).
 *
 * The DeviceSecret lives in a secure element (ATECC608, SE050, an eFuse
 * HMAC peripheral, a TrustZone service...). The library writes the exact
 * bytes to MAC, the element computes the MAC, and the library turns it into
 * the CONNECT fields: aliyun_mqtt_signed_content, then
 * aliyun_mqtt_sign_from_digest. The device structure carries no secret.
 *
 * Here the "element" is a callback over OpenSSL holding the key in its own
 * context; on a device it would be the driver call of the chip.
 *
 *   secure_element PK DN DS [METHOD [TIMESTAMP_MS]]
 *
 * prints client_id=, username=, password= lines. METHOD is hmacmd5,
 * hmacsha1, hmacsha256 (the default) or sha256. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aliyun_mqtt_sign.h"

/* The element's interface: MAC `len` bytes of `msg` by `method` into `mac`
 * (at least 32 bytes); returns the MAC's length, or 0 on failure. */
typedef size_t (*element_mac_fn)(void *element, uint32_t method, const uint8_t *msg, size_t len,
                                 uint8_t mac[32]);

/* A stand-in element: the key stays in here. */
struct element {
    unsigned char key[64];
    int key_len;
};

static size_t openssl_mac(void *ctx, uint32_t method, const uint8_t *msg, size_t len,
                          uint8_t mac[32]) {
    const struct element *e = ctx;
    unsigned int n = 0;
    if (method == ALIYUN_MQTT_SHA256) {
        /* sha256: SHA-256 over the content followed by the secret. */
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
                 EVP_DigestUpdate(md, msg, len) && EVP_DigestUpdate(md, e->key, (size_t)e->key_len) &&
                 EVP_DigestFinal_ex(md, mac, &n);
        EVP_MD_CTX_free(md);
        return ok ? n : 0;
    }
    const EVP_MD *md = method == ALIYUN_MQTT_HMAC_MD5    ? EVP_md5()
                       : method == ALIYUN_MQTT_HMAC_SHA1 ? EVP_sha1()
                                                         : EVP_sha256();
    return HMAC(md, e->key, e->key_len, msg, len, mac, &n) ? n : 0;
}

/* The two phases around the element's MAC. */
static aliyun_mqtt_status sign_with_element(const aliyun_mqtt_device *dev, element_mac_fn mac_fn,
                                            void *element, aliyun_mqtt_credentials *out) {
    char content[ALIYUN_MQTT_SIGNED_CONTENT_SIZE];
    size_t len = 0;
    aliyun_mqtt_status st = aliyun_mqtt_signed_content(dev, content, sizeof content, &len);
    if (st != ALIYUN_MQTT_OK) return st;
    uint8_t mac[32];
    size_t mac_len = mac_fn(element, dev->sign_method, (const uint8_t *)content, len, mac);
    /* A MAC of the wrong length is refused with ALIYUN_MQTT_ERR_INVALID_DIGEST. */
    return aliyun_mqtt_sign_from_digest(dev, mac, mac_len, out);
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: secure_element PK DN DS [METHOD [TIMESTAMP_MS]]\n");
        return 2;
    }
    /* Provisioning: the secret goes into the element, never into `dev`. */
    struct element element;
    size_t key_len = strlen(argv[3]);
    if (key_len > sizeof element.key) {
        fprintf(stderr, "secret too long\n");
        return 2;
    }
    memcpy(element.key, argv[3], key_len);
    element.key_len = (int)key_len;

    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = argv[1];
    dev.device_name = argv[2];
    dev.device_secret = NULL;
    if (argc > 4 && aliyun_mqtt_sign_method_from_name(argv[4], &dev.sign_method) != ALIYUN_MQTT_OK) {
        fprintf(stderr, "unknown method: %s\n", argv[4]);
        return 2;
    }
    if (argc > 5) dev.timestamp_ms = strtoull(argv[5], NULL, 10);

    aliyun_mqtt_credentials cred;
    aliyun_mqtt_status st = sign_with_element(&dev, openssl_mac, &element, &cred);
    memset(&element, 0, sizeof element);
    if (st != ALIYUN_MQTT_OK) {
        fprintf(stderr, "secure_element: %s\n", aliyun_mqtt_status_str(st));
        return 1;
    }
    printf("client_id=%s\nusername=%s\npassword=%s\n", cred.client_id, cred.username,
           cred.password);
    return 0;
}
