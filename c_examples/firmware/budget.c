/* Footprint image: the smallest firmware that signs one device with
 * aliyun_mqtt_sign (with no sign method built in: aliyun_mqtt_signed_content
 * and aliyun_mqtt_sign_from_digest) and prints the password. Built with FW_NO_CALL=1 it does
 * the same without the call: the difference of the two images is what the
 * library adds to flash (see tests/firmware_footprint.py). */
#include <stdint.h>

#include "aliyun_mqtt_sign.h"
#include "semihost.h"

static aliyun_mqtt_credentials cred;

/* A build with no sign method signs in two phases, with a digest computed
 * outside (as an HMAC peripheral or a secure element would). */
#if defined(FW_DIGEST) && !(FW_HMAC_MD5 || FW_HMAC_SHA1 || FW_HMAC_SHA256 || FW_SHA256)
#define FW_NO_METHOD 1
#else
#define FW_NO_METHOD 0
#endif
#if FW_NO_METHOD
static const uint8_t digest[] = {FW_DIGEST};
static char content[ALIYUN_MQTT_SIGNED_CONTENT_SIZE];
#endif

int main(void) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    dev.client_id = "SN1928339";
    dev.timestamp_ms = 1539421321846ull;
    insn_mark_begin();
#if FW_NO_CALL
    /* Everything but the call: the device (and the digest) still have to
     * exist. */
    __asm__ volatile("" : : "r"(&dev) : "memory");
#if FW_NO_METHOD
    __asm__ volatile("" : : "r"(digest), "r"(content) : "memory");
#endif
    aliyun_mqtt_status st = ALIYUN_MQTT_OK;
#elif FW_NO_METHOD
    dev.device_secret = NULL;
    aliyun_mqtt_status st = aliyun_mqtt_signed_content(&dev, content, sizeof content, NULL);
    /* ... the element MACs `content` here ... */
    if (st == ALIYUN_MQTT_OK) st = aliyun_mqtt_sign_from_digest(&dev, digest, sizeof digest, &cred);
#else
    aliyun_mqtt_status st = aliyun_mqtt_sign(&dev, &cred);
#endif
    insn_mark_end();
    if (st != ALIYUN_MQTT_OK) return 1;
    sh_write(cred.password);
    sh_write("\n");
    return 0;
}
