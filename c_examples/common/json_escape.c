/* See json_escape.h. */
#include "json_escape.h"

#include <stdio.h>

const char *json_escape(char *out, size_t cap, const char *s) {
    if (cap == 0) return s;
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[7];
        size_t len;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            len = 2;
        } else if (c < 0x20) {
            len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", c);
        } else {
            esc[0] = (char)c;
            len = 1;
        }
        if (len >= cap - n) break; /* the escape and the NUL must fit */
        for (size_t i = 0; i < len; i++) out[n++] = esc[i];
    }
    out[n] = '\0';
    return s;
}
