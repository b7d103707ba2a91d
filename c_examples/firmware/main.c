/* Firmware test image: signs the golden devices of PROTOCOL.md §1.8 with every sign method,
 * checks each result (a disabled method must be refused), measures the peak
 * stack of each library call by painting the stack, and reports over
 * semihosting (Arm or RISC-V: startup.c of c_examples/firmware or
 * c_examples/firmware_riscv). Exit status 0 only when every check passed.
 *
 * FW_HMAC_MD5, FW_HMAC_SHA1, FW_HMAC_SHA256, FW_SHA256 (0 or 1) say which
 * methods the linked library was built with. */
#include <stdint.h>
#include <string.h>

#include "aliyun_mqtt_sign.h"
#include "semihost.h"

static int failures;

static void put_u32(uint32_t v) {
    char buf[11];
    char *p = buf + sizeof buf - 1;
    *p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sh_write(p);
}

static void check(int ok, const char *what) {
    if (!ok) {
        failures++;
        sh_write("FAIL ");
        sh_write(what);
        sh_write("\n");
    }
}

/* ---- stack painting -------------------------------------------------- */

extern uint32_t _stack_bottom[];
#define PAINT 0xC0FFEE42u

static aliyun_mqtt_device g_dev;
static aliyun_mqtt_credentials g_cred;
static char g_buf[ALIYUN_MQTT_CLIENT_ID_SIZE];

static aliyun_mqtt_status call_sign(void) { return aliyun_mqtt_sign(&g_dev, &g_cred); }
static aliyun_mqtt_status call_client_id(void) {
    return aliyun_mqtt_client_id(&g_dev, g_buf, sizeof g_buf, NULL);
}
static aliyun_mqtt_status call_username(void) {
    return aliyun_mqtt_username(&g_dev, g_buf, sizeof g_buf, NULL);
}
static aliyun_mqtt_status call_password(void) {
    return aliyun_mqtt_password(&g_dev, g_buf, sizeof g_buf, NULL);
}
static aliyun_mqtt_status call_host(void) {
    return aliyun_mqtt_host(g_dev.product_key, "cn-shanghai", g_buf, sizeof g_buf, NULL);
}

/* Bytes of stack below this frame that `call` touched (the one-word thunk
 * frame included, so the figure errs on the high side). */
static __attribute__((noinline)) uint32_t stack_used(aliyun_mqtt_status (*call)(void),
                                                     aliyun_mqtt_status *status) {
    uint32_t sp;
#if defined(__riscv)
    __asm__ volatile("mv %0, sp" : "=r"(sp));
#else
    __asm__ volatile("mov %0, sp" : "=r"(sp));
#endif
    volatile uint32_t *limit = (volatile uint32_t *)(sp - 16);
    for (volatile uint32_t *p = _stack_bottom; p < limit; p++) *p = PAINT;
    *status = call();
    volatile uint32_t *p = _stack_bottom;
    while (p < limit && *p == PAINT) p++;
    return sp - (uint32_t)(uintptr_t)p;
}

static uint32_t peak[5];
static const char *const peak_names[5] = {"aliyun_mqtt_sign", "aliyun_mqtt_client_id",
                                          "aliyun_mqtt_username", "aliyun_mqtt_password",
                                          "aliyun_mqtt_host"};

#ifdef FW_DIGEST
/* Two-phase signing with the digest the test computed (hmacsha256 of the
 * second golden device's content). */
static const uint8_t fw_digest[] = {FW_DIGEST};
static char g_content[ALIYUN_MQTT_SIGNED_CONTENT_SIZE];
static aliyun_mqtt_status call_signed_content(void) {
    return aliyun_mqtt_signed_content(&g_dev, g_content, sizeof g_content, NULL);
}
static aliyun_mqtt_status call_sign_from_digest(void) {
    return aliyun_mqtt_sign_from_digest(&g_dev, fw_digest, sizeof fw_digest, &g_cred);
}
#endif

static void measure_all(void) {
    aliyun_mqtt_status (*const calls[5])(void) = {call_sign, call_client_id, call_username,
                                                  call_password, call_host};
    for (int i = 0; i < 5; i++) {
        aliyun_mqtt_status st;
        uint32_t used = stack_used(calls[i], &st);
        check(st == ALIYUN_MQTT_OK, peak_names[i]);
        if (used > peak[i]) peak[i] = used;
    }
}

/* One "STACK <method> <function> <bytes>" line per function, then reset. */
static void report_stack(const char *method) {
    for (int i = 0; i < 5; i++) {
        sh_write("STACK ");
        sh_write(method);
        sh_write(" ");
        sh_write(peak_names[i]);
        sh_write(" ");
        put_u32(peak[i]);
        sh_write("\n");
        peak[i] = 0;
    }
}

/* ---- the library's mem* functions ------------------------------------ */

/* The library carries small weak mem* functions (src/mem.rs), which this
 * image links: every length up to 40 at every alignment of both pointers,
 * against byte loops through volatile pointers (which the compiler cannot
 * turn into calls of the functions under test). */
#if defined(__arm__)
void __aeabi_memcpy(void *dst, const void *src, size_t n);
void __aeabi_memcpy4(void *dst, const void *src, size_t n);
void __aeabi_memset(void *dst, size_t n, int c);
void __aeabi_memset4(void *dst, size_t n, int c);
void __aeabi_memclr(void *dst, size_t n);
void __aeabi_memclr4(void *dst, size_t n);
#endif

static void check_mem(void) {
    static uint32_t a_words[16], b_words[16];
    unsigned char *a = (unsigned char *)a_words, *b = (unsigned char *)b_words;
    volatile unsigned char *va = a, *vb = b;
    int bad = 0;
    for (unsigned n = 0; n <= 40; n++) {
        for (unsigned da = 0; da < 4; da++) {
            for (unsigned sa = 0; sa < 4; sa++) {
                for (unsigned op = 0; op < 7; op++) {
                    for (unsigned i = 0; i < 64; i++) {
                        va[i] = (unsigned char)(i * 7 + 1);
                        vb[i] = (unsigned char)(i * 13 + 5);
                    }
                    unsigned char *d = a + da;
                    const unsigned char *src = b + sa;
                    int c = 0, expect_c = 0;
                    if (op == 0) {
                        memcpy(d, src, n);
                    } else if (op == 1) {
                        memset(d, 0xA5, n);
                    } else if (op == 2) {
                        /* Equal, then a difference at the last byte. */
                        for (unsigned i = 0; i < n; i++) va[da + i] = vb[sa + i];
                        c = memcmp(d, src, n);
                        if (n > 0) {
                            va[da + n - 1] = (unsigned char)(vb[sa + n - 1] + 1);
                            c = (c == 0) && memcmp(d, src, n) > 0 && memcmp(src, d, n) < 0 ? 0 : 1;
                        }
                    }
#if defined(__arm__)
                    else if (op == 3) {
                        __aeabi_memcpy(d, src, n);
                    } else if (op == 4) {
                        __aeabi_memset(d, n, 0x1A5); /* only the low byte counts */
                    } else if (op == 5) {
                        __aeabi_memclr(d, n);
                    } else if (op == 6 && da == 0 && sa == 0) {
                        __aeabi_memcpy4(d, src, n);
                        __aeabi_memset4(a + 40, 8, 0x3C);
                        __aeabi_memclr4(a + 48, 12);
                    }
#endif
                    /* The expected bytes, recomputed. */
                    for (unsigned i = 0; i < 64; i++) {
                        unsigned char want = (unsigned char)(i * 7 + 1);
                        unsigned k = i - da;
                        int inside = i >= da && k < n;
                        if ((op == 0 || op == 3 || (op == 6 && da == 0 && sa == 0)) && inside)
                            want = (unsigned char)((sa + k) * 13 + 5);
                        if ((op == 1 || op == 4) && inside) want = 0xA5;
                        if (op == 5 && inside) want = 0;
                        if (op == 2) {
                            want = va[i]; /* compared, not written: checked by c */
                        }
                        if (op == 6 && da == 0 && sa == 0) {
                            if (i >= 40 && i < 48) want = 0x3C;
                            if (i >= 48 && i < 60) want = 0;
                        }
#if !defined(__arm__)
                        if (op >= 3) want = (unsigned char)(i * 7 + 1);
#endif
                        if (va[i] != want) bad = 1;
                    }
                    if (c != expect_c) bad = 1;
                }
            }
        }
    }
    check(!bad, "mem functions");
}

/* ---- the checks ------------------------------------------------------ */

struct method_case {
    uint32_t method;
    int enabled;
    const char *name;
    const char *password; /* the second golden device of PROTOCOL.md §1.8 */
};

static const struct method_case methods[] = {
    {ALIYUN_MQTT_HMAC_MD5, FW_HMAC_MD5, "hmacmd5", "56e22c4a903e6035658c6694db63d57a"},
    {ALIYUN_MQTT_HMAC_SHA1, FW_HMAC_SHA1, "hmacsha1", "b2488041f64f425016b467ee1c94959ebd592ad1"},
    {ALIYUN_MQTT_HMAC_SHA256, FW_HMAC_SHA256, "hmacsha256",
     "e6ad631b665206c0bf2efbe1b48ac4d84ff2a61fe89bac30065e17975a482c40"},
    {ALIYUN_MQTT_SHA256, FW_SHA256, "sha256",
     "0a86f987767b46d29b25cf8006c38206fc4a5ad14400298ce080b01154c8e837"},
};

static aliyun_mqtt_device golden2(void) {
    aliyun_mqtt_device dev = aliyun_mqtt_device_default();
    dev.product_key = "a14Xib5kdYd";
    dev.device_name = "light1983432";
    dev.device_secret = "oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq";
    dev.client_id = "SN1928339";
    dev.timestamp_ms = 1539421321846ull;
    dev.secure_mode = ALIYUN_MQTT_SECURE_TCP;
    return dev;
}

/* The longest valid device: every field at its maximum. */
static const char long_pk[] = "PPPPPPPPPPPPPPPPPPPP";
static const char long_dn[] = "dddddddddddddddddddddddddddddddd";
static const char long_ds[] = "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss";
static const char long_cid[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
static char long_extra[ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN + 1]; /* "k=vvv...", filled in main */

int main(void) {
    sh_write("aliyun-mqtt-sign firmware test, library ");
    sh_write(aliyun_mqtt_version());
    sh_write("\n");
    check_mem();
    memset(long_extra, 'v', ALIYUN_MQTT_EXTRA_PARAMS_MAX_LEN);
    long_extra[0] = 'k';
    long_extra[1] = '=';

    for (unsigned i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        const struct method_case *m = &methods[i];
        g_dev = golden2();
        g_dev.sign_method = m->method;
        memset(&g_cred, 0x5A, sizeof g_cred);
        /* tests/qemu_insn counts each enabled method's sign, in order. */
        if (m->enabled) insn_mark_begin();
        aliyun_mqtt_status st = aliyun_mqtt_sign(&g_dev, &g_cred);
        if (m->enabled) insn_mark_end();
        if (!m->enabled) {
            check(st == ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD, m->name);
            check(g_cred.password[0] == '\0', "disabled method leaves \"\"");
            sh_write(m->name);
            sh_write(": disabled, refused\n");
            continue;
        }
        check(st == ALIYUN_MQTT_OK, m->name);
        check(strcmp(g_cred.password, m->password) == 0, m->name);
        check(strcmp(g_cred.username, "light1983432&a14Xib5kdYd") == 0, "username");
        check(strncmp(g_cred.client_id, "SN1928339|securemode=3,signmethod=", 34) == 0 &&
                  strncmp(g_cred.client_id + 34, m->name, strlen(m->name)) == 0 &&
                  strcmp(g_cred.client_id + 34 + strlen(m->name), ",timestamp=1539421321846|") == 0,
              "client id");
        sh_write(m->name);
        sh_write(": ");
        sh_write(g_cred.client_id);
        sh_write(" ");
        sh_write(g_cred.password);
        sh_write("\n");
        measure_all();

        /* The longest device, for the stack peak. */
        g_dev.product_key = long_pk;
        g_dev.device_name = long_dn;
        g_dev.device_secret = long_ds;
        g_dev.client_id = long_cid;
        g_dev.extra_params = long_extra;
        g_dev.timestamp_ms = UINT64_MAX;
        check(aliyun_mqtt_sign(&g_dev, &g_cred) == ALIYUN_MQTT_OK, "longest device");
        measure_all();
        report_stack(m->name);
    }

    /* the first golden device of PROTOCOL.md §1.8. */
    if (FW_HMAC_SHA1) {
        aliyun_mqtt_device dev = aliyun_mqtt_device_default();
        dev.product_key = "pk";
        dev.device_name = "device";
        dev.device_secret = "secret";
        dev.client_id = "12345";
        dev.timestamp_ms = 789;
        dev.sign_method = ALIYUN_MQTT_HMAC_SHA1;
        char pw[ALIYUN_MQTT_PASSWORD_SIZE];
        size_t n = 0;
        check(aliyun_mqtt_password(&dev, pw, sizeof pw, &n) == ALIYUN_MQTT_OK && n == 40 &&
                  strcmp(pw, "fafd82a3d602b37fb0fa8b7892f24a477f851a14") == 0,
              "golden vector 1");
    }

#ifdef FW_DIGEST
    /* Two phases, the secret outside the library: the content, then the
     * fields from the digest. Works in a build with no sign method too. */
    g_dev = golden2();
    g_dev.device_secret = NULL;
    g_dev.sign_method = ALIYUN_MQTT_HMAC_SHA256;
    aliyun_mqtt_status two;
    uint32_t content_stack = stack_used(call_signed_content, &two);
    check(two == ALIYUN_MQTT_OK &&
              strcmp(g_content, "clientIdSN1928339deviceNamelight1983432productKeya14Xib5kdYd"
                                "timestamp1539421321846") == 0,
          "signed content");
    memset(&g_cred, 0x5A, sizeof g_cred);
    uint32_t digest_stack = stack_used(call_sign_from_digest, &two);
    check(two == ALIYUN_MQTT_OK && strcmp(g_cred.password, methods[2].password) == 0,
          "password from digest");
    sh_write("two-phase: ");
    sh_write(g_content);
    sh_write(" -> ");
    sh_write(g_cred.password);
    check(aliyun_mqtt_sign_from_digest(&g_dev, fw_digest, 20, &g_cred) ==
              ALIYUN_MQTT_ERR_INVALID_DIGEST,
          "digest of the wrong length");
    sh_write("\nSTACK two-phase aliyun_mqtt_signed_content ");
    put_u32(content_stack);
    sh_write("\nSTACK two-phase aliyun_mqtt_sign_from_digest ");
    put_u32(digest_stack);
    sh_write("\n");
#endif

    /* The buffer rule holds on the target too. */
    g_dev = golden2();
    g_dev.sign_method = ALIYUN_MQTT_HMAC_SHA256;
    char small[8];
    memset(small, 0x5A, sizeof small);
    size_t needed = 0;
    aliyun_mqtt_status st = aliyun_mqtt_client_id(&g_dev, small, 5, &needed);
    check(st == ALIYUN_MQTT_ERR_BUFFER_TOO_SMALL && needed == 69 && small[0] == '\0' &&
              small[5] == 0x5A,
          "buffer too small");
    check(aliyun_mqtt_host("a14Xib5kdYd", "cn-shanghai", g_buf, sizeof g_buf, NULL) ==
                  ALIYUN_MQTT_OK &&
              strcmp(g_buf, "a14Xib5kdYd.iot-as-mqtt.cn-shanghai.aliyuncs.com") == 0,
          "host");
    g_dev.secure_mode = 7;
    check(aliyun_mqtt_sign(&g_dev, &g_cred) == (FW_HMAC_SHA256 ? ALIYUN_MQTT_ERR_INVALID_SECURE_MODE
                                                               : ALIYUN_MQTT_ERR_INVALID_SIGN_METHOD),
          "secure mode");

    sh_write(failures == 0 ? "ALL OK\n" : "FAILED\n");
    return failures == 0 ? 0 : 1;
}
