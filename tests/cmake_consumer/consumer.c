/* Signs the first golden device of PROTOCOL.md §1.8; exit 0 only on the expected password. */
#include <stdio.h>
#include <string.h>

#include <aliyun_mqtt_sign.h>

int main(void) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "pk";
    dev.device_name = "device";
    dev.device_secret = "secret";
    dev.client_id = "12345";
    dev.timestamp_ms = 789;
    dev.sign_method = ALIYUN_MQTT_HMAC_SHA1;
    char password[ALIYUN_MQTT_PASSWORD_SIZE];
    size_t len = 0;
    aliyun_mqtt_status st = aliyun_mqtt_password(&dev, password, sizeof password, &len);
    printf("%s %s\n", aliyun_mqtt_status_name(st), password);
    return st == ALIYUN_MQTT_OK && len == 40 &&
                   strcmp(password, "fafd82a3d602b37fb0fa8b7892f24a477f851a14") == 0
               ? 0
               : 1;
}
