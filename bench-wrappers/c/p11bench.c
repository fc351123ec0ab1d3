/*
 * p11bench.c - PKCS#11 throughput baseline in plain C (figure prefix "c").
 *
 * Loads the module with dlopen + C_GetFunctionList, finds the token by label,
 * logs in and measures four figures against session objects:
 *
 *   c_kwp_wrap_per_s            C_WrapKey, CKM_AES_KEY_WRAP_PAD, AES-256 under AES-256
 *   c_translate_per_s           C_UnwrapKey (under A) + C_WrapKey (under B) + C_DestroyObject
 *   c_translate_per_s_2threads  the same on two threads, one session each, total rate
 *   c_ecdsa_p384_per_s          C_SignInit + C_Sign, raw CKM_ECDSA over a 48-byte digest
 *
 * Each figure: warm-up, then BENCH_ROUNDS timed rounds of BENCH_ROUND_MS each;
 * prints "<name>=<best>" and "<name>_median=<median>" on stdout (per-round rates
 * on stderr). The Java benchmarks in ../iaik and ../jdk follow the same method.
 *
 * Usage: p11bench [module-path]   (else $HSMC_PKCS11_MODULE, else SoftHSM2)
 * Env:   BENCH_TOKEN_LABEL (bench), BENCH_USER_PIN (123456),
 *        BENCH_ROUNDS (3, at most 16), BENCH_ROUND_MS (1500),
 *        BENCH_WARMUP (3000 ops per thread),
 *        BENCH_BREAKDOWN=1 to also print the mean latency of each call of a
 *        translation on stderr.
 *
 * Build: gcc -O2 -std=gnu11 -I/usr/include/p11-kit-1 -o p11bench p11bench.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#define MAX_THREADS 2
#define DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"

static CK_FUNCTION_LIST_PTR p11;

/* ---- error handling ------------------------------------------------------ */

static void die(const char *what, CK_RV rv)
{
    fprintf(stderr, "p11bench: %s failed: CKR 0x%08lX\n", what, (unsigned long)rv);
    exit(1);
}

/* Every PKCS#11 call goes through CK(): any error ends the run. */
#define CK(call)                                   \
    do {                                           \
        CK_RV rv_ = (call);                        \
        if (rv_ != CKR_OK) die(#call, rv_);        \
    } while (0)

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return (v && *v) ? strtol(v, NULL, 10) : dflt;
}

static const char *env_str(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return (v && *v) ? v : dflt;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- templates and key material (read-only once set up) ------------------ */

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS class_secret = CKO_SECRET_KEY;
static CK_KEY_TYPE type_aes = CKK_AES;
static CK_ULONG aes256_len = 32;
/* DER OID 1.3.132.0.34 (secp384r1) */
static CK_BYTE p384_oid[] = { 0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22 };

static CK_MECHANISM kwp = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
static CK_MECHANISM ecdsa = { CKM_ECDSA, NULL, 0 };

/* Template for the object created by C_UnwrapKey in a translation. */
static CK_ATTRIBUTE unwrap_tmpl[] = {
    { CKA_CLASS, &class_secret, sizeof class_secret },
    { CKA_KEY_TYPE, &type_aes, sizeof type_aes },
    { CKA_TOKEN, &no, sizeof no },
    { CKA_PRIVATE, &yes, sizeof yes },
    { CKA_SENSITIVE, &yes, sizeof yes },
    { CKA_EXTRACTABLE, &yes, sizeof yes },
};
#define N_ATTRS(a) (sizeof(a) / sizeof((a)[0]))

static struct {
    CK_OBJECT_HANDLE kek_a, kek_b; /* AES-256 wrapping keys, not extractable */
    CK_OBJECT_HANDLE payload;      /* AES-256 sensitive, extractable */
    CK_OBJECT_HANDLE ec_priv, ec_pub;
    CK_BYTE blob[64];              /* payload wrapped under kek_a (KWP) */
    CK_ULONG blob_len;
    CK_BYTE digest[48];
} k;

static CK_OBJECT_HANDLE gen_aes(CK_SESSION_HANDLE s, CK_BBOOL extractable, CK_BBOOL wraps)
{
    CK_ATTRIBUTE t[] = {
        { CKA_CLASS, &class_secret, sizeof class_secret },
        { CKA_KEY_TYPE, &type_aes, sizeof type_aes },
        { CKA_VALUE_LEN, &aes256_len, sizeof aes256_len },
        { CKA_TOKEN, &no, sizeof no },
        { CKA_PRIVATE, &yes, sizeof yes },
        { CKA_SENSITIVE, &yes, sizeof yes },
        { CKA_EXTRACTABLE, &extractable, sizeof extractable },
        { CKA_WRAP, &wraps, sizeof wraps },
        { CKA_UNWRAP, &wraps, sizeof wraps },
    };
    CK_MECHANISM gen = { CKM_AES_KEY_GEN, NULL, 0 };
    CK_OBJECT_HANDLE h;
    CK(p11->C_GenerateKey(s, &gen, t, N_ATTRS(t), &h));
    return h;
}

static void setup_keys(CK_SESSION_HANDLE s)
{
    k.kek_a = gen_aes(s, CK_FALSE, CK_TRUE);
    k.kek_b = gen_aes(s, CK_FALSE, CK_TRUE);
    k.payload = gen_aes(s, CK_TRUE, CK_FALSE);

    k.blob_len = sizeof k.blob;
    CK(p11->C_WrapKey(s, &kwp, k.kek_a, k.payload, k.blob, &k.blob_len));

    CK_ATTRIBUTE pub[] = {
        { CKA_TOKEN, &no, sizeof no },
        { CKA_VERIFY, &yes, sizeof yes },
        { CKA_EC_PARAMS, p384_oid, sizeof p384_oid },
    };
    CK_ATTRIBUTE priv[] = {
        { CKA_TOKEN, &no, sizeof no },
        { CKA_PRIVATE, &yes, sizeof yes },
        { CKA_SENSITIVE, &yes, sizeof yes },
        { CKA_SIGN, &yes, sizeof yes },
    };
    CK_MECHANISM gen = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
    CK(p11->C_GenerateKeyPair(s, &gen, pub, N_ATTRS(pub), priv, N_ATTRS(priv),
                              &k.ec_pub, &k.ec_priv));

    for (size_t i = 0; i < sizeof k.digest; i++) k.digest[i] = (CK_BYTE)(i * 7 + 1);
}

/* ---- the measured operations --------------------------------------------- */

typedef void (*op_fn)(CK_SESSION_HANDLE s);

static void op_wrap(CK_SESSION_HANDLE s)
{
    CK_BYTE out[64];
    CK_ULONG len = sizeof out;
    CK(p11->C_WrapKey(s, &kwp, k.kek_a, k.payload, out, &len));
}

/* One translation; writes the blob re-wrapped under kek_b when out != NULL. */
static void translate(CK_SESSION_HANDLE s, CK_BYTE *out, CK_ULONG *out_len)
{
    CK_BYTE buf[64];
    CK_ULONG len = sizeof buf;
    CK_OBJECT_HANDLE h;
    CK(p11->C_UnwrapKey(s, &kwp, k.kek_a, k.blob, k.blob_len,
                        unwrap_tmpl, N_ATTRS(unwrap_tmpl), &h));
    CK(p11->C_WrapKey(s, &kwp, k.kek_b, h, buf, &len));
    CK(p11->C_DestroyObject(s, h));
    if (out) {
        memcpy(out, buf, len);
        *out_len = len;
    }
}

static void op_translate(CK_SESSION_HANDLE s) { translate(s, NULL, NULL); }

static void op_ecdsa(CK_SESSION_HANDLE s)
{
    CK_BYTE sig[132];
    CK_ULONG len = sizeof sig;
    CK(p11->C_SignInit(s, &ecdsa, k.ec_priv));
    CK(p11->C_Sign(s, k.digest, sizeof k.digest, sig, &len));
}

/* Checks that the set-up works before timing anything: a translated blob must
 * unwrap under B and re-wrap under A to the original (KWP is deterministic). */
static void self_check(CK_SESSION_HANDLE s)
{
    CK_BYTE under_b[64], back[64];
    CK_ULONG under_b_len = 0, back_len = sizeof back;
    CK_OBJECT_HANDLE h;

    translate(s, under_b, &under_b_len);
    CK(p11->C_UnwrapKey(s, &kwp, k.kek_b, under_b, under_b_len,
                        unwrap_tmpl, N_ATTRS(unwrap_tmpl), &h));
    CK(p11->C_WrapKey(s, &kwp, k.kek_a, h, back, &back_len));
    CK(p11->C_DestroyObject(s, h));
    if (k.blob_len != 40 || back_len != k.blob_len || memcmp(back, k.blob, back_len) != 0) {
        fprintf(stderr, "p11bench: self-check failed: translation does not round-trip\n");
        exit(1);
    }

    CK_BYTE sig[132];
    CK_ULONG sig_len = sizeof sig;
    CK(p11->C_SignInit(s, &ecdsa, k.ec_priv));
    CK(p11->C_Sign(s, k.digest, sizeof k.digest, sig, &sig_len));
    if (sig_len != 96) {
        fprintf(stderr, "p11bench: self-check failed: P-384 signature is %lu bytes\n",
                (unsigned long)sig_len);
        exit(1);
    }
}

/* ---- timing harness ------------------------------------------------------ */

static struct {
    long rounds, round_ms, warmup;
} cfg;

struct worker {
    pthread_t tid;
    op_fn op;
    CK_SESSION_HANDLE session;
    long warmup;         /* > 0: run this many ops, untimed */
    long long deadline;  /* otherwise: run until this CLOCK_MONOTONIC time */
    long long ops, end;  /* results */
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (w->warmup > 0) {
        for (long i = 0; i < w->warmup; i++) w->op(w->session);
        return NULL;
    }
    long long ops = 0, t;
    do {
        w->op(w->session);
        ops++;
    } while ((t = now_ns()) < w->deadline);
    w->ops = ops;
    w->end = t;
    return NULL;
}

/* Runs op on one thread per session; warmup > 0 runs a fixed count, otherwise
 * runs one timed round and returns the total rate in ops per second. */
static long long run_threads(op_fn op, const CK_SESSION_HANDLE *sessions, int n, long warmup)
{
    struct worker w[MAX_THREADS];
    long long start = now_ns();
    for (int i = 0; i < n; i++) {
        w[i] = (struct worker){ .op = op, .session = sessions[i], .warmup = warmup,
                                .deadline = start + cfg.round_ms * 1000000LL };
        if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
            fprintf(stderr, "p11bench: pthread_create failed\n");
            exit(1);
        }
    }
    long long ops = 0, end = start;
    for (int i = 0; i < n; i++) {
        pthread_join(w[i].tid, NULL);
        ops += w[i].ops;
        if (w[i].end > end) end = w[i].end;
    }
    return warmup > 0 ? 0 : (ops * 1000000000LL + (end - start) / 2) / (end - start);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Warm-up, timed rounds, then "<name>=<best>" and "<name>_median=<median>". */
static void report(const char *name, op_fn op, const CK_SESSION_HANDLE *sessions, int n)
{
    long long rates[16];
    long rounds = cfg.rounds > 16 ? 16 : cfg.rounds;

    run_threads(op, sessions, n, cfg.warmup);
    fprintf(stderr, "[c] %-28s rounds:", name);
    for (long r = 0; r < rounds; r++) {
        rates[r] = run_threads(op, sessions, n, 0);
        fprintf(stderr, " %lld", rates[r]);
    }
    fprintf(stderr, "\n");
    qsort(rates, rounds, sizeof rates[0], cmp_ll);
    printf("%s=%lld\n%s_median=%lld\n", name, rates[rounds - 1], name, rates[rounds / 2]);
    fflush(stdout);
}

/* Mean latency of each call of a translation (diagnostic, stderr only). */
static void breakdown(CK_SESSION_HANDLE s)
{
    long long t_unwrap = 0, t_wrap = 0, t_destroy = 0, n = 0;
    long long stop = now_ns() + cfg.round_ms * 1000000LL;
    while (now_ns() < stop) {
        CK_BYTE buf[64];
        CK_ULONG len = sizeof buf;
        CK_OBJECT_HANDLE h;
        long long t0 = now_ns();
        CK(p11->C_UnwrapKey(s, &kwp, k.kek_a, k.blob, k.blob_len,
                            unwrap_tmpl, N_ATTRS(unwrap_tmpl), &h));
        long long t1 = now_ns();
        CK(p11->C_WrapKey(s, &kwp, k.kek_b, h, buf, &len));
        long long t2 = now_ns();
        CK(p11->C_DestroyObject(s, h));
        long long t3 = now_ns();
        t_unwrap += t1 - t0;
        t_wrap += t2 - t1;
        t_destroy += t3 - t2;
        n++;
    }
    fprintf(stderr, "[c] breakdown per translation (mean us): C_UnwrapKey %.2f, "
            "C_WrapKey %.2f, C_DestroyObject %.2f\n",
            t_unwrap / 1e3 / n, t_wrap / 1e3 / n, t_destroy / 1e3 / n);
}

/* ---- module, token, sessions --------------------------------------------- */

static CK_SLOT_ID find_slot(const char *label)
{
    CK_ULONG n = 0;
    CK(p11->C_GetSlotList(CK_TRUE, NULL, &n));
    CK_SLOT_ID *slots = calloc(n ? n : 1, sizeof *slots);
    CK(p11->C_GetSlotList(CK_TRUE, slots, &n));

    /* Token labels are 32 bytes, blank-padded, not NUL-terminated. */
    char want[32];
    memset(want, ' ', sizeof want);
    memcpy(want, label, strlen(label) < sizeof want ? strlen(label) : sizeof want);

    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        CK(p11->C_GetTokenInfo(slots[i], &ti));
        if (memcmp(ti.label, want, sizeof want) == 0) {
            CK_SLOT_ID id = slots[i];
            free(slots);
            return id;
        }
    }
    fprintf(stderr, "p11bench: no token labelled '%s'\n", label);
    exit(1);
}

static CK_SESSION_HANDLE open_session(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE s;
    CK(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s));
    return s;
}

int main(int argc, char **argv)
{
    const char *module = argc > 1 ? argv[1] : env_str("HSMC_PKCS11_MODULE", DEFAULT_MODULE);
    const char *label = env_str("BENCH_TOKEN_LABEL", "bench");
    const char *pin = env_str("BENCH_USER_PIN", "123456");
    cfg.rounds = env_long("BENCH_ROUNDS", 3);
    cfg.round_ms = env_long("BENCH_ROUND_MS", 1500);
    cfg.warmup = env_long("BENCH_WARMUP", 3000);
    if (cfg.rounds < 1 || cfg.round_ms < 1 || cfg.warmup < 1) {
        fprintf(stderr, "p11bench: BENCH_ROUNDS, BENCH_ROUND_MS and BENCH_WARMUP must be >= 1\n");
        return 2;
    }

    void *lib = dlopen(module, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "p11bench: dlopen: %s\n", dlerror());
        return 1;
    }
    CK_C_GetFunctionList get_list = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    if (!get_list) {
        fprintf(stderr, "p11bench: %s has no C_GetFunctionList\n", module);
        return 1;
    }
    CK(get_list(&p11));

    /* Multi-threaded use: let the module use native OS locking. */
    CK_C_INITIALIZE_ARGS init = { .flags = CKF_OS_LOCKING_OK };
    CK(p11->C_Initialize(&init));

    CK_SLOT_ID slot = find_slot(label);
    CK_SESSION_HANDLE main_s = open_session(slot);
    CK(p11->C_Login(main_s, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin)));

    /* Keys are session objects of main_s; login state and session objects are
     * shared by all sessions of the application, so the workers see them. */
    setup_keys(main_s);
    self_check(main_s);

    CK_SESSION_HANDLE two[2] = { open_session(slot), open_session(slot) };

    report("c_kwp_wrap_per_s", op_wrap, &main_s, 1);
    report("c_translate_per_s", op_translate, &main_s, 1);
    report("c_translate_per_s_2threads", op_translate, two, 2);
    report("c_ecdsa_p384_per_s", op_ecdsa, &main_s, 1);
    if (env_long("BENCH_BREAKDOWN", 0)) breakdown(main_s);

    CK(p11->C_CloseSession(two[0]));
    CK(p11->C_CloseSession(two[1]));
    CK(p11->C_Logout(main_s));
    CK(p11->C_CloseSession(main_s)); /* also destroys its session objects */
    CK(p11->C_Finalize(NULL));
    dlclose(lib);
    return 0;
}
