/* Footprint image: the smallest firmware that signs one device with
 * aliyun_mqtt_sign and prints the password. Built with FW_NO_CALL=1 it does
 * the same without the call: the difference of the two images is what the
 * library adds to flash (see tests/firmware_footprint.py). */
#include "aliyun_mqtt_sign.h"
#include "semihost.h"

static aliyun_mqtt_credentials cred;

int main(void) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    dev.client_id = "SN1928339";
    dev.timestamp_ms = 1539421321846ull;
    insn_mark_begin();
#if FW_NO_CALL
    /* Everything but the call: the device still has to exist. */
    __asm__ volatile("" : : "r"(&dev) : "memory");
    aliyun_mqtt_status st = ALIYUN_MQTT_OK;
#else
    aliyun_mqtt_status st = aliyun_mqtt_sign(&dev, &cred);
#endif
    insn_mark_end();
    if (st != ALIYUN_MQTT_OK) return 1;
    sh_write(cred.password);
    sh_write("\n");
    return 0;
}
