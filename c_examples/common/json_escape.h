/* JSON string escaping shared by the command line tool (c_examples/sign_demo.c)
 * and the Mosquitto plugin (c_examples/mosquitto_plugin/aliyun_auth.c). */
#ifndef ALIYUN_MQTT_EXAMPLES_JSON_ESCAPE_H
#define ALIYUN_MQTT_EXAMPLES_JSON_ESCAPE_H

#include <stddef.h>

/* Writes as much of s as fits in out[0..cap], JSON-escaped and without the
 * quotes: '"' and '\\' as \" and \\, the other bytes below 0x20 as \u00XX,
 * every other byte as it is; out is NUL-terminated (cap > 0). A byte's
 * escape is written whole or not at all, so with cap >= 7 every call makes
 * progress. Returns the part of s not written ("" when all of it was). */
const char *json_escape(char *out, size_t cap, const char *s);

#endif
