/*
 * The C floor for the per-call JMH benchmarks (NvmlCallBenchmark): dlopen()s an NVML library
 * (the fake, or a real libnvidia-ml.so.1), calls the same three functions the benchmark calls,
 * through dlsym'd pointers exactly as an FFM downcall does, and prints one JSON object with the
 * mean ns per call of each. Usage: nvml-call-floor LIBRARY [ITERATIONS] [ROUNDS]
 * The library reads its config at init as usual (FAKE_NVML_CONFIG for the fake).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*init_fn)(void);
typedef int (*count_fn)(unsigned int *);
typedef int (*handle_fn)(unsigned int, void **);
typedef int (*memory_fn)(void *, void *);
typedef int (*uuid_fn)(void *, char *, unsigned int);

/* nvmlMemory_v2_t (nvml.h): version, 4 bytes padding, total, reserved, free, used */
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} memory_v2;

#define MEMORY_V2_VERSION (unsigned int)(sizeof(memory_v2) | (2u << 24))   /* 0x02000028 */
#define UUID_BUFFER 96                                                    /* NVML_DEVICE_UUID_V2_BUFFER_SIZE */

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void *symbol(void *lib, const char *path, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "nvml-call-floor: %s has no symbol %s\n", path, name);
        exit(4);
    }
    return p;
}

static void check(int rc, const char *what) {
    if (rc != 0) {
        fprintf(stderr, "nvml-call-floor: %s returned %d\n", what, rc);
        exit(4);
    }
}

/* Runs `rounds` timed rounds of `n` calls and keeps the fastest round: the floor, not the noise. */
#define MEASURE(result, n, rounds, body)                                   \
    do {                                                                   \
        double best = 1e300;                                               \
        for (long r = 0; r < (rounds); r++) {                              \
            double t0 = now_ns();                                          \
            for (long i = 0; i < (n); i++) { body; }                       \
            double per = (now_ns() - t0) / (double)(n);                    \
            if (per < best) best = per;                                    \
        }                                                                  \
        (result) = best;                                                   \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: nvml-call-floor LIBRARY [ITERATIONS] [ROUNDS]\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 2000000;
    long rounds = argc > 3 ? atol(argv[3]) : 5;
    if (n <= 0 || rounds <= 0) {
        fprintf(stderr, "nvml-call-floor: ITERATIONS and ROUNDS must be positive\n");
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "nvml-call-floor: cannot load %s: %s\n", argv[1], dlerror());
        return 4;
    }
    init_fn init = (init_fn)symbol(lib, argv[1], "nvmlInit_v2");
    count_fn count = (count_fn)symbol(lib, argv[1], "nvmlDeviceGetCount_v2");
    handle_fn handle = (handle_fn)symbol(lib, argv[1], "nvmlDeviceGetHandleByIndex_v2");
    memory_fn memory = (memory_fn)symbol(lib, argv[1], "nvmlDeviceGetMemoryInfo_v2");
    uuid_fn uuid = (uuid_fn)symbol(lib, argv[1], "nvmlDeviceGetUUID");

    check(init(), "nvmlInit_v2");
    unsigned int devices = 0;
    check(count(&devices), "nvmlDeviceGetCount_v2");
    if (devices == 0) {
        fprintf(stderr, "nvml-call-floor: the library reports no GPU\n");
        return 3;
    }
    void *device = NULL;
    check(handle(0, &device), "nvmlDeviceGetHandleByIndex_v2");

    volatile unsigned long long sink = 0;   /* keeps every result observable */
    memory_v2 mem;
    char buf[UUID_BUFFER];
    double count_ns, memory_ns, uuid_ns;
    MEASURE(count_ns, n, rounds, { unsigned int c; count(&c); sink += c; });
    MEASURE(memory_ns, n, rounds, {
        mem.version = MEMORY_V2_VERSION;
        memory(device, &mem);
        sink += mem.total;
    });
    MEASURE(uuid_ns, n, rounds, { uuid(device, buf, sizeof buf); sink += (unsigned char)buf[4]; });
    /* the UUID as a string is what a caller wants: add the strlen a C caller would do */
    double uuid_strlen_ns;
    MEASURE(uuid_strlen_ns, n, rounds, { uuid(device, buf, sizeof buf); sink += strlen(buf); });

    printf("{\"library\": \"%s\", \"iterations\": %ld, \"rounds\": %ld, \"statistic\": \"best round mean\",\n"
           " \"nsPerCall\": {\"nvmlDeviceGetCount_v2\": %.2f, \"nvmlDeviceGetMemoryInfo_v2\": %.2f,"
           " \"nvmlDeviceGetUUID\": %.2f, \"nvmlDeviceGetUUID+strlen\": %.2f}}\n",
           argv[1], n, rounds, count_ns, memory_ns, uuid_ns, uuid_strlen_ns);
    (void)sink;
    return 0;
}
