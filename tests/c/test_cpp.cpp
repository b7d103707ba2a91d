// C++ firmware can include the header as is: extern "C" linkage, typed enums,
// structs usable as values. Built with g++ -Wall -Wextra -Wpedantic -Werror.
#include <cstdio>
#include <cstring>
#include <string>

#include "aliyun_mqtt_sign.h"

static_assert(ALIYUN_MQTT_PASSWORD_SIZE == 65, "64 hex digits and a NUL");
static_assert(sizeof(aliyun_mqtt_credentials{}.client_id) == ALIYUN_MQTT_CLIENT_ID_SIZE, "array size");

int main() {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    dev.client_id = "SN1928339";
    dev.timestamp_ms = 1539421321846ULL;
    dev.sign_method = ALIYUN_MQTT_HMAC_SHA1;
    dev.secure_mode = ALIYUN_MQTT_SECURE_TCP;

    aliyun_mqtt_credentials cred{};
    const aliyun_mqtt_status st = aliyun_mqtt_sign(&dev, &cred);
    int bad = 0;
    bad += st != ALIYUN_MQTT_OK;
    bad += std::string(cred.client_id) !=
           "SN1928339|securemode=3,signmethod=hmacsha1,timestamp=1539421321846|";
    bad += std::string(cred.username) != "light1983432&a14Xib5kdYd";
    bad += std::string(cred.password) != "b2488041f64f425016b467ee1c94959ebd592ad1";

    std::size_t needed = 0;
    bad += aliyun_mqtt_host("a14Xib5kdYd", "cn-shanghai", nullptr, 0, &needed) !=
           ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL;
    std::string host(needed + 1, '\0');
    bad += aliyun_mqtt_host("a14Xib5kdYd", "cn-shanghai", &host[0], host.size(), &needed) !=
           ALIYUN_MQTT_OK;
    host.resize(needed);
    bad += host != "a14Xib5kdYd.iot-as-mqtt.cn-shanghai.aliyuncs.com";

    std::printf("C++: %s, %d failed\n", aliyun_mqtt_version(), bad);
    return bad == 0 ? 0 : 1;
}
