/* 8 threads x 100 000 signs of distinct devices through the C ABI, every
 * result checked against OpenSSL (an independent HMAC/SHA implementation)
 * and against the expected client identifier and user name. The library
 * keeps no state, so nothing may leak between threads. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aliyun_mqtt_sign.h"

#define THREADS 8
#define SIGNS 100000

struct job {
    int id;
    long failures;
    long done;
};

static void hex(const unsigned char *d, unsigned n, char *out) {
    for (unsigned i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void *work(void *arg) {
    struct job *job = arg;
    for (int i = 0; i < SIGNS; i++) {
        char pk[16], dn[33], ds[40], cid[24], content[160];
        snprintf(pk, sizeof pk, "pk%dx%d", job->id, i % 7);
        snprintf(dn, sizeof dn, "dev-%d-%06d", job->id, i);
        snprintf(ds, sizeof ds, "s3cr3t-%d-%d-%x", job->id, i, (unsigned)(i * 2654435761u));
        snprintf(cid, sizeof cid, "c%d.%d", job->id, i);
        uint64_t ts = 1700000000000ull + (uint64_t)i;
        uint32_t method = 1 + (uint32_t)(i % 4);

        aliyun_mqtt_device dev = aliyun_mqtt_device_default();
        dev.product_key = pk;
        dev.device_name = dn;
        dev.device_secret = ds;
        dev.client_id = cid;
        dev.timestamp_ms = ts;
        dev.sign_method = method;
        aliyun_mqtt_credentials cred;
        if (aliyun_mqtt_sign(&dev, &cred) != ALIYUN_MQTT_OK) {
            job->failures++;
            continue;
        }

        int n = snprintf(content, sizeof content, "clientId%sdeviceName%sproductKey%stimestamp%llu",
                         cid, dn, pk, (unsigned long long)ts);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned md_len = 0;
        const char *name;
        if (method == ALIYUN_MQTT_SHA256) {
            char joined[224];
            int m = snprintf(joined, sizeof joined, "%s%s", content, ds);
            EVP_Digest(joined, (size_t)m, md, &md_len, EVP_sha256(), NULL);
            name = "sha256";
        } else {
            const EVP_MD *evp = method == ALIYUN_MQTT_HMAC_MD5    ? EVP_md5()
                                : method == ALIYUN_MQTT_HMAC_SHA1 ? EVP_sha1()
                                                                  : EVP_sha256();
            HMAC(evp, ds, (int)strlen(ds), (const unsigned char *)content, (size_t)n, md, &md_len);
            name = method == ALIYUN_MQTT_HMAC_MD5    ? "hmacmd5"
                   : method == ALIYUN_MQTT_HMAC_SHA1 ? "hmacsha1"
                                                     : "hmacsha256";
        }
        char want_pw[65], want_cid[128], want_user[64];
        hex(md, md_len, want_pw);
        snprintf(want_cid, sizeof want_cid, "%s|securemode=2,signmethod=%s,timestamp=%llu|", cid,
                 name, (unsigned long long)ts);
        snprintf(want_user, sizeof want_user, "%s&%s", dn, pk);
        if (strcmp(cred.password, want_pw) != 0 || strcmp(cred.client_id, want_cid) != 0 ||
            strcmp(cred.username, want_user) != 0) {
            if (job->failures++ < 3) {
                fprintf(stderr, "thread %d sign %d: %s / %s\n", job->id, i, cred.password, want_pw);
            }
        }
        job->done++;
    }
    return NULL;
}

int main(void) {
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    for (int t = 0; t < THREADS; t++) {
        jobs[t] = (struct job){.id = t, .failures = 0, .done = 0};
        if (pthread_create(&threads[t], NULL, work, &jobs[t]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    long failures = 0, done = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        failures += jobs[t].failures;
        done += jobs[t].done;
    }
    printf("%d threads x %d signs: %ld checked against OpenSSL, %ld wrong\n", THREADS, SIGNS, done,
           failures);
    return failures == 0 && done == (long)THREADS * SIGNS ? 0 : 1;
}
