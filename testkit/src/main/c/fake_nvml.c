/*
 * Fake libnvidia-ml.so.1 (testkit/README.md): the real NVML ABI (symbol names, both versioned and legacy,
 * struct layouts, return codes) driven by the JSON file named in FAKE_NVML_CONFIG. Facts about the
 * ABI come from docs/nvml.md (NVML 13.3.29 header, go-nvml @ 2f9e261).
 *
 * Config (testkit/README.md keys, then the optional extras this fake also reads):
 *   top level: driverVersion, nvmlVersion, cudaDriverVersion (int, 1000*major + 10*minor), init,
 *              devices[];
 *              extras: "errors" {system function name -> code} for nvmlSystem* calls and
 *              nvmlDeviceGetCount*, e.g. {"nvmlSystemGetCudaDriverVersion_v2": "LIBRARY_NOT_FOUND"}.
 *   device:    uuid, name, brand, architecture (name or number), computeCapability "M.m", pciBusId,
 *              pciDeviceId ("0x233010DE" or number), minor, memoryTotal, memoryUsed, serial,
 *              persistenceMode (bool), migMode (enabled|disabled|unsupported), migDevices[], errors;
 *              extras: pciSubSystemId, memoryReserved (bytes, _v2 only), migModePending,
 *              maxMigDeviceCount (default 7 when MIG is enabled, else 0), temperature (C),
 *              powerUsage and powerLimit (mW), utilization {gpu, memory} (percent), numaNode,
 *              processes [{pid, usedGpuMemory, gpuInstanceId, computeInstanceId}].
 *              topology: numaNode, pciSwitch (a group name), nvlinks {peer index: links}.
 *   MIG device: uuid, gpuInstanceId, computeInstanceId, memoryTotal, profile ("1g.10gb": the name
 *              becomes "<parent name> MIG <profile>"); extras: name (wins over profile), memoryUsed, errors.
 *   top level: events [{device, xid, afterMs}], XID critical errors delivered through event sets.
 *   An absent optional fact (serial, minor, temperature, ...) makes its getter return NOT_SUPPORTED,
 *   as a real driver does for a fact the board does not have.
 *   errors: function name (exactly as exported: versioned or legacy) -> code name. The extra key "*"
 *   applies to every device call of that device, handle lookups included (a GPU_IS_LOST board).
 *
 * Behaviour: reference-counted init (the config is read when the count goes 0 -> 1 and freed when
 * it drops back to 0); UNINITIALIZED before init; one mutex around every call (NVML is thread-safe);
 * handles are addresses into the device tables and are checked before use, so a stale or foreign
 * handle gives INVALID_ARGUMENT, never a crash. Init flags are accepted and ignored.
 */
#include "fake_json.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef int nvmlReturn_t;

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_ALREADY_INITIALIZED = 5,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_INSUFFICIENT_POWER = 8,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_IRQ_ISSUE = 11,
    NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_CORRUPTED_INFOROM = 14,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_RESET_REQUIRED = 16,
    NVML_ERROR_OPERATING_SYSTEM = 17,
    NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
    NVML_ERROR_IN_USE = 19,
    NVML_ERROR_MEMORY = 20,
    NVML_ERROR_NO_DATA = 21,
    NVML_ERROR_VGPU_ECC_NOT_SUPPORTED = 22,
    NVML_ERROR_INSUFFICIENT_RESOURCES = 23,
    NVML_ERROR_FREQ_NOT_SUPPORTED = 24,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_DEPRECATED = 26,
    NVML_ERROR_NOT_READY = 27,
    NVML_ERROR_GPU_NOT_FOUND = 28,
    NVML_ERROR_INVALID_STATE = 29,
    NVML_ERROR_RESET_TYPE_NOT_SUPPORTED = 30,
    NVML_ERROR_UNKNOWN = 999
};

static const struct {
    int code;
    const char *name;    /* the config spelling: nvmlReturn_t name without NVML_ERROR_ */
    const char *text;    /* what nvmlErrorString returns */
} RETURN_CODES[] = {
    {NVML_SUCCESS, "SUCCESS", "Success"},
    {NVML_ERROR_UNINITIALIZED, "UNINITIALIZED", "Uninitialized"},
    {NVML_ERROR_INVALID_ARGUMENT, "INVALID_ARGUMENT", "Invalid Argument"},
    {NVML_ERROR_NOT_SUPPORTED, "NOT_SUPPORTED", "Not Supported"},
    {NVML_ERROR_NO_PERMISSION, "NO_PERMISSION", "Insufficient Permissions"},
    {NVML_ERROR_ALREADY_INITIALIZED, "ALREADY_INITIALIZED", "Already Initialized"},
    {NVML_ERROR_NOT_FOUND, "NOT_FOUND", "Not Found"},
    {NVML_ERROR_INSUFFICIENT_SIZE, "INSUFFICIENT_SIZE", "Insufficient Size"},
    {NVML_ERROR_INSUFFICIENT_POWER, "INSUFFICIENT_POWER", "Insufficient External Power"},
    {NVML_ERROR_DRIVER_NOT_LOADED, "DRIVER_NOT_LOADED", "Driver Not Loaded"},
    {NVML_ERROR_TIMEOUT, "TIMEOUT", "Timeout"},
    {NVML_ERROR_IRQ_ISSUE, "IRQ_ISSUE", "Interrupt Request Issue"},
    {NVML_ERROR_LIBRARY_NOT_FOUND, "LIBRARY_NOT_FOUND", "NVML Shared Library Not Found"},
    {NVML_ERROR_FUNCTION_NOT_FOUND, "FUNCTION_NOT_FOUND", "Function Not Found"},
    {NVML_ERROR_CORRUPTED_INFOROM, "CORRUPTED_INFOROM", "Corrupted infoROM"},
    {NVML_ERROR_GPU_IS_LOST, "GPU_IS_LOST", "GPU is lost"},
    {NVML_ERROR_RESET_REQUIRED, "RESET_REQUIRED", "GPU requires restart"},
    {NVML_ERROR_OPERATING_SYSTEM, "OPERATING_SYSTEM", "GPU access blocked by the operating system"},
    {NVML_ERROR_LIB_RM_VERSION_MISMATCH, "LIB_RM_VERSION_MISMATCH", "Driver/library version mismatch"},
    {NVML_ERROR_IN_USE, "IN_USE", "GPU is in use"},
    {NVML_ERROR_MEMORY, "MEMORY", "Insufficient Memory"},
    {NVML_ERROR_NO_DATA, "NO_DATA", "No data"},
    {NVML_ERROR_VGPU_ECC_NOT_SUPPORTED, "VGPU_ECC_NOT_SUPPORTED", "vGPU ECC not supported"},
    {NVML_ERROR_INSUFFICIENT_RESOURCES, "INSUFFICIENT_RESOURCES", "Insufficient resources"},
    {NVML_ERROR_FREQ_NOT_SUPPORTED, "FREQ_NOT_SUPPORTED", "Frequency not supported"},
    {NVML_ERROR_ARGUMENT_VERSION_MISMATCH, "ARGUMENT_VERSION_MISMATCH", "Argument version mismatch"},
    {NVML_ERROR_DEPRECATED, "DEPRECATED", "Deprecated"},
    {NVML_ERROR_NOT_READY, "NOT_READY", "Not ready"},
    {NVML_ERROR_GPU_NOT_FOUND, "GPU_NOT_FOUND", "GPU not found"},
    {NVML_ERROR_INVALID_STATE, "INVALID_STATE", "Invalid state"},
    {NVML_ERROR_RESET_TYPE_NOT_SUPPORTED, "RESET_TYPE_NOT_SUPPORTED", "Reset type not supported"},
    {NVML_ERROR_UNKNOWN, "UNKNOWN", "Unknown Error"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the device tables built from the config at init ---- */

typedef struct fake_dev fake_dev;
typedef fake_dev *nvmlDevice_t;

struct fake_dev {
    int is_mig;
    unsigned index;          /* NVML index; for a MIG device its index under the parent */
    const fj_value *json;    /* this device's config object */
    const fj_value *errors;  /* its "errors" object, or NULL: looked up once, consulted on every call */
    fake_dev *parent;        /* MIG: the GPU */
    fake_dev *migs;          /* GPU: its MIG devices, dense */
    size_t mig_count;
};

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;
static fj_value *config;
static fake_dev *gpus;
static size_t gpu_count;

static int code_of(const char *name, int fallback) {
    if (!name) return fallback;
    for (size_t i = 0; i < COUNT_OF(RETURN_CODES); i++) {
        if (strcmp(RETURN_CODES[i].name, name) == 0) return RETURN_CODES[i].code;
    }
    fprintf(stderr, "fake NVML: unknown return code name \"%s\" in config, using UNKNOWN\n", name);
    return NVML_ERROR_UNKNOWN;
}

static void free_event_sets(void);

static void free_tables(void) {
    free_event_sets();  /* event sets die with the last session too */
    for (size_t i = 0; i < gpu_count; i++) free(gpus[i].migs);
    free(gpus);
    gpus = NULL;
    gpu_count = 0;
    fj_free(config);
    config = NULL;
}

/* Builds the handle tables; returns 0 and a message when the config has the wrong shape. */
static int build_tables(fj_value *loaded, char *err, size_t errlen) {
    const fj_value *devices = fj_get(loaded, "devices");
    if (devices && devices->type != FJ_ARRAY) {
        snprintf(err, errlen, "\"devices\" must be an array");
        return 0;
    }
    size_t n = fj_len(devices);
    fake_dev *table = calloc(n ? n : 1, sizeof *table);
    if (!table) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const fj_value *d = fj_at(devices, i);
        if (!d || d->type != FJ_OBJECT || !fj_str(fj_get(d, "uuid"), NULL)) {
            snprintf(err, errlen, "devices[%zu] must be an object with a \"uuid\" string", i);
            for (size_t k = 0; k < i; k++) free(table[k].migs);
            free(table);
            return 0;
        }
        table[i].index = (unsigned) i;
        table[i].json = d;
        table[i].errors = fj_get(d, "errors");
        const fj_value *migs = fj_get(d, "migDevices");
        size_t m = fj_len(migs);
        table[i].migs = calloc(m ? m : 1, sizeof(fake_dev));
        table[i].mig_count = m;
        for (size_t j = 0; j < m && table[i].migs; j++) {
            table[i].migs[j].is_mig = 1;
            table[i].migs[j].index = (unsigned) j;
            table[i].migs[j].json = fj_at(migs, j);
            table[i].migs[j].errors = fj_get(table[i].migs[j].json, "errors");
            table[i].migs[j].parent = &table[i];
        }
    }
    config = loaded;
    gpus = table;
    gpu_count = n;
    return 1;
}

/* A handle is valid only if it points at an entry of the current tables. */
static fake_dev *resolve(nvmlDevice_t h) {
    if (!h) return NULL;
    for (size_t i = 0; i < gpu_count; i++) {
        if (h == &gpus[i]) return h;
        if (gpus[i].mig_count && h >= gpus[i].migs && h < gpus[i].migs + gpus[i].mig_count) return h;
    }
    return NULL;
}

/* The code the config forces for this function on this device, or SUCCESS. */
static nvmlReturn_t forced(const fj_value *errors, const char *fn) {
    if (!errors || errors->count == 0) return NVML_SUCCESS;
    const char *name = fj_str(fj_get(errors, fn), NULL);
    if (!name) name = fj_str(fj_get(errors, "*"), NULL);
    return name ? code_of(name, NVML_SUCCESS) : NVML_SUCCESS;
}

/* Every device call: the lock is held by the caller; checks init, the handle and forced errors. */
static nvmlReturn_t enter_device(const char *fn, nvmlDevice_t h, fake_dev **d) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    *d = resolve(h);
    if (!*d) return NVML_ERROR_INVALID_ARGUMENT;
    return forced((*d)->errors, fn);
}

static nvmlReturn_t enter_system(const char *fn) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    return forced(fj_get(config, "errors"), fn);
}

/* Runs expr with the lock held once the common checks passed. */
#define DEVICE_CALL(fn, handle, expr) do {                                  \
        pthread_mutex_lock(&state_lock);                                    \
        fake_dev *d = NULL;                                                 \
        nvmlReturn_t rc_ = enter_device(fn, handle, &d);                    \
        if (rc_ == NVML_SUCCESS) rc_ = (expr);                              \
        pthread_mutex_unlock(&state_lock);                                  \
        return rc_;                                                         \
    } while (0)

#define SYSTEM_CALL(fn, expr) do {                                          \
        pthread_mutex_lock(&state_lock);                                    \
        nvmlReturn_t rc_ = enter_system(fn);                                \
        if (rc_ == NVML_SUCCESS) rc_ = (expr);                              \
        pthread_mutex_unlock(&state_lock);                                  \
        return rc_;                                                         \
    } while (0)

/* Copies s into buf like NVML's string getters: INSUFFICIENT_SIZE when it does not fit. */
static nvmlReturn_t copy_string(const char *s, char *buf, unsigned length) {
    if (!buf) return NVML_ERROR_INVALID_ARGUMENT;
    if (!s) return NVML_ERROR_NOT_SUPPORTED;
    size_t n = strlen(s);
    if (n + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(buf, s, n + 1);
    return NVML_SUCCESS;
}

static nvmlReturn_t put_uint(const fj_value *v, unsigned *out) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (!v || v->type != FJ_NUMBER) return NVML_ERROR_NOT_SUPPORTED;
    *out = (unsigned) v->integer;
    return NVML_SUCCESS;
}

static const char *str_of(const fake_dev *d, const char *key) {
    return fj_str(fj_get(d->json, key), NULL);
}

/* ---- init and shutdown ---- */

static nvmlReturn_t init_with_flags(unsigned int flags) {
    (void) flags; /* NO_GPUS / NO_ATTACH / FORCE_INIT change nothing in a fake without attach costs */
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = NVML_SUCCESS;
    if (init_count == 0) {
        const char *path = getenv("FAKE_NVML_CONFIG");
        char err[300] = "";
        fj_value *loaded = NULL;
        if (!path || !*path) {
            fprintf(stderr, "fake NVML: FAKE_NVML_CONFIG is not set\n");
            rc = NVML_ERROR_UNKNOWN;
        } else if (!(loaded = fj_parse_file(path, err, sizeof err))) {
            fprintf(stderr, "fake NVML: %s\n", err);
            rc = NVML_ERROR_UNKNOWN;
        } else if ((rc = code_of(fj_str(fj_get(loaded, "init"), "SUCCESS"), NVML_SUCCESS)) == NVML_SUCCESS
                   && !build_tables(loaded, err, sizeof err)) {
            fprintf(stderr, "fake NVML: %s: %s\n", path, err);
            rc = NVML_ERROR_UNKNOWN;
        }
        if (rc != NVML_SUCCESS) fj_free(loaded);
    }
    if (rc == NVML_SUCCESS) init_count++;
    pthread_mutex_unlock(&state_lock);
    return rc;
}

nvmlReturn_t nvmlInit_v2(void) { return init_with_flags(0); }
nvmlReturn_t nvmlInit(void) { return init_with_flags(0); }
nvmlReturn_t nvmlInitWithFlags(unsigned int flags) { return init_with_flags(flags); }

nvmlReturn_t nvmlShutdown(void) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = NVML_SUCCESS;
    if (init_count == 0) {
        rc = NVML_ERROR_UNINITIALIZED;
    } else if (--init_count == 0) {
        free_tables();  /* handles die with the last session, as in NVML */
    }
    pthread_mutex_unlock(&state_lock);
    return rc;
}

__attribute__((destructor)) static void unload(void) {
    free_tables();
}

const char *nvmlErrorString(nvmlReturn_t result) {
    for (size_t i = 0; i < COUNT_OF(RETURN_CODES); i++) {
        if (RETURN_CODES[i].code == result) return RETURN_CODES[i].text;
    }
    return "Unknown Error";
}

/* ---- system queries ---- */

static nvmlReturn_t cuda_version(int *v) {
    if (!v) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *c = fj_get(config, "cudaDriverVersion");
    if (!c || c->type != FJ_NUMBER) return NVML_ERROR_LIBRARY_NOT_FOUND;
    *v = (int) c->integer;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    SYSTEM_CALL("nvmlSystemGetDriverVersion", copy_string(fj_str(fj_get(config, "driverVersion"), ""), version, length));
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length) {
    SYSTEM_CALL("nvmlSystemGetNVMLVersion", copy_string(fj_str(fj_get(config, "nvmlVersion"), ""), version, length));
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *cudaDriverVersion) {
    SYSTEM_CALL("nvmlSystemGetCudaDriverVersion", cuda_version(cudaDriverVersion));
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion) {
    SYSTEM_CALL("nvmlSystemGetCudaDriverVersion_v2", cuda_version(cudaDriverVersion));
}

/* ---- enumeration and handle lookups ---- */

/* A GPU the caller may not open: the v1 count and v1 index space skip it (docs/nvml.md §1.2). */
static int restricted(const fake_dev *g) {
    const fj_value *errors = g->errors;
    return forced(errors, "nvmlDeviceGetHandleByIndex_v2") == NVML_ERROR_NO_PERMISSION
           || forced(errors, "nvmlDeviceGetHandleByIndex") == NVML_ERROR_NO_PERMISSION;
}

static nvmlReturn_t count_devices(unsigned *count, int skip_restricted) {
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned n = 0;
    for (size_t i = 0; i < gpu_count; i++) {
        if (!skip_restricted || !restricted(&gpus[i])) n++;
    }
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount) {
    SYSTEM_CALL("nvmlDeviceGetCount_v2", count_devices(deviceCount, 0));
}

nvmlReturn_t nvmlDeviceGetCount(unsigned int *deviceCount) {
    SYSTEM_CALL("nvmlDeviceGetCount", count_devices(deviceCount, 1));
}

/* Hands out a found device's handle unless the config forces an error for this lookup. */
static nvmlReturn_t hand_out(fake_dev *found, const char *fn, nvmlDevice_t *device) {
    nvmlReturn_t rc = forced(found->errors, fn);
    if (rc == NVML_SUCCESS) *device = found;
    return rc;
}

static nvmlReturn_t by_index(unsigned index, nvmlDevice_t *device, int legacy, const char *fn) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    if (!device) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned seen = 0;
    for (size_t i = 0; i < gpu_count; i++) {
        if (legacy && restricted(&gpus[i])) continue;
        if (seen++ == index) return hand_out(&gpus[i], fn, device);
    }
    return NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = by_index(index, device, 0, "nvmlDeviceGetHandleByIndex_v2");
    pthread_mutex_unlock(&state_lock);
    return rc;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = by_index(index, device, 1, "nvmlDeviceGetHandleByIndex");
    pthread_mutex_unlock(&state_lock);
    return rc;
}

static nvmlReturn_t by_uuid(const char *uuid, nvmlDevice_t *device) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    if (!uuid || !device || !*uuid) return NVML_ERROR_INVALID_ARGUMENT;
    for (size_t i = 0; i < gpu_count; i++) {
        if (strcmp(str_of(&gpus[i], "uuid"), uuid) == 0) return hand_out(&gpus[i], "nvmlDeviceGetHandleByUUID", device);
        for (size_t j = 0; j < gpus[i].mig_count; j++) {
            const char *mig = str_of(&gpus[i].migs[j], "uuid");
            if (mig && strcmp(mig, uuid) == 0) return hand_out(&gpus[i].migs[j], "nvmlDeviceGetHandleByUUID", device);
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = by_uuid(uuid, device);
    pthread_mutex_unlock(&state_lock);
    return rc;
}

typedef struct { unsigned domain, bus, device, function; } bdf;

static int is_hex(const char *s, size_t n) {
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 0;
    }
    return 1;
}

/* Parses hex "domain:bus:device.function", "domain:bus:device" or "bus:device.function" (NVML's
 * documented spellings; any case, 4- or 8-digit domain). Returns 0 when malformed. */
static int parse_bdf(const char *s, bdf *out) {
    char copy[64];
    if (!s || strlen(s) >= sizeof copy) return 0;
    strcpy(copy, s);
    char *parts[3];
    int colons = 0;
    parts[0] = copy;
    for (char *p = copy; *p; p++) {
        if (*p == ':') {
            if (colons == 2) return 0;
            *p = '\0';
            parts[++colons] = p + 1;
        }
    }
    if (colons == 0) return 0;
    char *last = parts[colons];
    char *dot = strchr(last, '.');
    unsigned fn = 0;
    if (dot) {
        *dot = '\0';
        if (!is_hex(dot + 1, strlen(dot + 1)) || strlen(dot + 1) > 1) return 0;
        fn = (unsigned) strtoul(dot + 1, NULL, 16);
    } else if (colons == 1) {
        return 0;  /* "bus:device" names no function and no domain: not an NVML spelling */
    }
    for (int i = 0; i <= colons; i++) {
        size_t len = strlen(parts[i]);
        if (!is_hex(parts[i], len) || len > (i == 0 && colons == 2 ? 8u : 2u)) return 0;
    }
    out->domain = colons == 2 ? (unsigned) strtoul(parts[0], NULL, 16) : 0;
    out->bus = (unsigned) strtoul(parts[colons - 1], NULL, 16);
    out->device = (unsigned) strtoul(parts[colons], NULL, 16);
    out->function = fn;
    return out->device < 32 && out->function < 8;
}

static nvmlReturn_t by_bus_id(const char *busId, nvmlDevice_t *device, const char *fn) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    bdf want, have;
    if (!busId || !device || !parse_bdf(busId, &want)) return NVML_ERROR_INVALID_ARGUMENT;
    for (size_t i = 0; i < gpu_count; i++) {
        if (parse_bdf(str_of(&gpus[i], "pciBusId"), &have) && have.domain == want.domain
            && have.bus == want.bus && have.device == want.device && have.function == want.function) {
            /* a GPU the v2 lookup refuses with NO_PERMISSION was NOT_FOUND to v1 (docs/nvml.md §1.2) */
            if (strcmp(fn, "nvmlDeviceGetHandleByPciBusId") == 0
                && forced(gpus[i].errors, "nvmlDeviceGetHandleByPciBusId_v2") == NVML_ERROR_NO_PERMISSION) {
                return NVML_ERROR_NOT_FOUND;
            }
            return hand_out(&gpus[i], fn, device);
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char *pciBusId, nvmlDevice_t *device) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = by_bus_id(pciBusId, device, "nvmlDeviceGetHandleByPciBusId_v2");
    pthread_mutex_unlock(&state_lock);
    return rc;
}

nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char *pciBusId, nvmlDevice_t *device) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = by_bus_id(pciBusId, device, "nvmlDeviceGetHandleByPciBusId");
    pthread_mutex_unlock(&state_lock);
    return rc;
}

/* ---- identity ---- */

static nvmlReturn_t get_index(fake_dev *d, unsigned *index) {
    if (!index) return NVML_ERROR_INVALID_ARGUMENT;
    *index = d->index;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index) {
    DEVICE_CALL("nvmlDeviceGetIndex", device, get_index(d, index));
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    DEVICE_CALL("nvmlDeviceGetUUID", device, copy_string(str_of(d, "uuid"), uuid, length));
}

/* A MIG device's name is "<parent name> MIG <profile>", as the driver reports it (e.g.
 * "NVIDIA A100-SXM4-40GB MIG 1g.5gb"); an explicit MIG "name" wins over the profile. */
static nvmlReturn_t device_name(fake_dev *d, char *name, unsigned length) {
    const char *profile = d->is_mig ? str_of(d, "profile") : NULL;
    if (str_of(d, "name") || !profile) return copy_string(str_of(d, "name"), name, length);
    char built[256];
    snprintf(built, sizeof built, "%s MIG %s", fj_str(fj_get(d->parent->json, "name"), ""), profile);
    return copy_string(built, name, length);
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    DEVICE_CALL("nvmlDeviceGetName", device, device_name(d, name, length));
}

nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned int length) {
    DEVICE_CALL("nvmlDeviceGetSerial", device,
                d->is_mig ? NVML_ERROR_NOT_SUPPORTED : copy_string(str_of(d, "serial"), serial, length));
}

nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int *minorNumber) {
    DEVICE_CALL("nvmlDeviceGetMinorNumber", device,
                d->is_mig ? NVML_ERROR_NOT_SUPPORTED : put_uint(fj_get(d->json, "minor"), minorNumber));
}

/* ---- PCI ---- */

/* nvmlPciInfo_t (68 B): 0 busIdLegacy[16], 16 domain, 20 bus, 24 device, 28 pciDeviceId,
 * 32 pciSubSystemId, 36 busId[32]. The v1 struct (52 B) had busId[16] first and 4 reserved uints
 * where v2/v3 have busId[32], so the legacy symbol writes only 52 bytes. */
typedef struct {
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

typedef struct {
    char busId[16];
    unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
    unsigned int reserved0, reserved1, reserved2, reserved3;
} nvmlPciInfo_v1_t;

_Static_assert(sizeof(nvmlPciInfo_t) == 68, "nvmlPciInfo_t is 68 bytes");
_Static_assert(sizeof(nvmlPciInfo_v1_t) == 52, "the v1 nvmlPciInfo_t was 52 bytes");

static unsigned hex_or_number(const fj_value *v) {
    if (!v) return 0;
    if (v->type == FJ_NUMBER) return (unsigned) v->integer;
    const char *s = fj_str(v, "0");
    return (unsigned) strtoul(s, NULL, 0);
}

static nvmlReturn_t pci_info(fake_dev *d, nvmlPciInfo_t *pci, int v1) {
    if (!pci) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->is_mig) return NVML_ERROR_NOT_SUPPORTED;
    bdf b;
    if (!parse_bdf(str_of(d, "pciBusId"), &b)) return NVML_ERROR_NOT_SUPPORTED;
    nvmlPciInfo_t info;
    memset(&info, 0, sizeof info);
    snprintf(info.busIdLegacy, sizeof info.busIdLegacy, "%04X:%02X:%02X.%X", b.domain & 0xFFFF, b.bus, b.device, b.function);
    info.domain = b.domain;
    info.bus = b.bus;
    info.device = b.device;
    info.pciDeviceId = hex_or_number(fj_get(d->json, "pciDeviceId"));
    info.pciSubSystemId = hex_or_number(fj_get(d->json, "pciSubSystemId"));
    snprintf(info.busId, sizeof info.busId, "%08X:%02X:%02X.%X", b.domain, b.bus, b.device, b.function);
    if (v1) {
        nvmlPciInfo_v1_t old;
        memset(&old, 0, sizeof old);
        memcpy(&old, &info, 36);  /* busId[16] + 5 uints: the shared prefix */
        memcpy(pci, &old, sizeof old);
    } else {
        memcpy(pci, &info, sizeof info);
    }
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEVICE_CALL("nvmlDeviceGetPciInfo_v3", device, pci_info(d, pci, 0));
}

nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEVICE_CALL("nvmlDeviceGetPciInfo_v2", device, pci_info(d, pci, 0));
}

nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEVICE_CALL("nvmlDeviceGetPciInfo", device, pci_info(d, pci, 1));
}

/* ---- memory ---- */

typedef struct {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

typedef struct {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;

#define NVML_STRUCT_VERSION(size, v) ((unsigned) (size) | ((unsigned) (v) << 24))
#define nvmlMemory_v2 NVML_STRUCT_VERSION(sizeof(nvmlMemory_v2_t), 2)

_Static_assert(sizeof(nvmlMemory_t) == 24, "nvmlMemory_t is 24 bytes");
_Static_assert(sizeof(nvmlMemory_v2_t) == 40, "nvmlMemory_v2_t is 40 bytes");
_Static_assert(nvmlMemory_v2 == 0x02000028, "nvmlMemory_v2 is 0x02000028");

static nvmlReturn_t memory(fake_dev *d, unsigned long long *total, unsigned long long *reserved,
                           unsigned long long *used) {
    const fj_value *t = fj_get(d->json, "memoryTotal");
    if (!t || t->type != FJ_NUMBER) return NVML_ERROR_NOT_SUPPORTED;
    *total = (unsigned long long) t->integer;
    *reserved = (unsigned long long) fj_int(fj_get(d->json, "memoryReserved"), 0);
    *used = (unsigned long long) fj_int(fj_get(d->json, "memoryUsed"), 0);
    return NVML_SUCCESS;
}

static nvmlReturn_t memory_v1(fake_dev *d, nvmlMemory_t *out) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned long long total, reserved, used;
    nvmlReturn_t rc = memory(d, &total, &reserved, &used);
    if (rc != NVML_SUCCESS) return rc;
    out->total = total;
    out->used = used + reserved;  /* v1 "used" counts the reserved memory too */
    out->free = total - out->used;
    return NVML_SUCCESS;
}

static nvmlReturn_t memory_v2(fake_dev *d, nvmlMemory_v2_t *out) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (out->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    unsigned long long total, reserved, used;
    nvmlReturn_t rc = memory(d, &total, &reserved, &used);
    if (rc != NVML_SUCCESS) return rc;
    out->total = total;
    out->reserved = reserved;
    out->used = used;
    out->free = total - reserved - used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    DEVICE_CALL("nvmlDeviceGetMemoryInfo", device, memory_v1(d, memory));
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    DEVICE_CALL("nvmlDeviceGetMemoryInfo_v2", device, memory_v2(d, memory));
}

/* ---- properties ---- */

static fake_dev *gpu_of(fake_dev *d) {
    return d->is_mig ? d->parent : d;
}

static nvmlReturn_t compute_capability(fake_dev *d, int *major, int *minor) {
    if (!major || !minor) return NVML_ERROR_INVALID_ARGUMENT;
    const char *cc = str_of(gpu_of(d), "computeCapability");
    int ma, mi;
    if (!cc || sscanf(cc, "%d.%d", &ma, &mi) != 2) return NVML_ERROR_NOT_SUPPORTED;
    *major = ma;
    *minor = mi;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor) {
    DEVICE_CALL("nvmlDeviceGetCudaComputeCapability", device, compute_capability(d, major, minor));
}

typedef struct { const char *name; unsigned value; } named_value;

/* nvmlDeviceArchitecture_t (docs/nvml.md §4.3) */
static const named_value ARCHITECTURES[] = {
    {"KEPLER", 2}, {"MAXWELL", 3}, {"PASCAL", 4}, {"VOLTA", 5}, {"TURING", 6}, {"AMPERE", 7},
    {"ADA", 8}, {"HOPPER", 9}, {"BLACKWELL", 10}, {"T23X", 11}, {"RUBIN", 13}, {"UNKNOWN", 0xFFFFFFFFu},
};

/* nvmlBrandType_t (docs/nvml.md §4.3) */
static const named_value BRANDS[] = {
    {"UNKNOWN", 0}, {"QUADRO", 1}, {"TESLA", 2}, {"NVS", 3}, {"GRID", 4}, {"GEFORCE", 5}, {"TITAN", 6},
    {"NVIDIA_VAPPS", 7}, {"NVIDIA_VPC", 8}, {"NVIDIA_VCS", 9}, {"NVIDIA_VWS", 10},
    {"NVIDIA_CLOUD_GAMING", 11}, {"NVIDIA_VGAMING", 11}, {"QUADRO_RTX", 12}, {"NVIDIA_RTX", 13},
    {"NVIDIA", 14}, {"GEFORCE_RTX", 15}, {"TITAN_RTX", 16},
};

static nvmlReturn_t enum_value(const fj_value *v, const named_value *table, size_t n, unsigned *out) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (!v) return NVML_ERROR_NOT_SUPPORTED;
    if (v->type == FJ_NUMBER) {
        *out = (unsigned) v->integer;
        return NVML_SUCCESS;
    }
    const char *name = fj_str(v, "");
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(table[i].name, name) == 0) {
            *out = table[i].value;
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_UNKNOWN;
}

nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, unsigned int *arch) {
    DEVICE_CALL("nvmlDeviceGetArchitecture", device,
                enum_value(fj_get(gpu_of(d)->json, "architecture"), ARCHITECTURES, COUNT_OF(ARCHITECTURES), arch));
}

nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device, unsigned int *type) {
    DEVICE_CALL("nvmlDeviceGetBrand", device,
                enum_value(fj_get(gpu_of(d)->json, "brand"), BRANDS, COUNT_OF(BRANDS), type));
}

static nvmlReturn_t persistence(fake_dev *d, unsigned *mode) {
    if (!mode) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *p = fj_get(d->json, "persistenceMode");
    if (d->is_mig || !p || p->type != FJ_BOOL) return NVML_ERROR_NOT_SUPPORTED;
    *mode = p->boolean ? 1 : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, unsigned int *mode) {
    DEVICE_CALL("nvmlDeviceGetPersistenceMode", device, persistence(d, mode));
}

static nvmlReturn_t gpu_uint(fake_dev *d, const char *key, unsigned *out) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->is_mig) return NVML_ERROR_NOT_SUPPORTED;
    return put_uint(fj_get(d->json, key), out);
}

static nvmlReturn_t temperature(fake_dev *d, unsigned sensor, unsigned *temp) {
    if (sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;  /* NVML_TEMPERATURE_GPU is the only sensor */
    return gpu_uint(d, "temperature", temp);
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, unsigned int sensorType, unsigned int *temp) {
    DEVICE_CALL("nvmlDeviceGetTemperature", device, temperature(d, sensorType, temp));
}

/* nvmlTemperature_v1_t: {version, sensorType (in), temperature (out)}, 12 bytes */
typedef struct {
    unsigned int version;
    unsigned int sensorType;
    int temperature;
} nvmlTemperature_t;

#define nvmlTemperature_v1 NVML_STRUCT_VERSION(sizeof(nvmlTemperature_t), 1)
_Static_assert(sizeof(nvmlTemperature_t) == 12, "nvmlTemperature_t is 12 bytes");
_Static_assert(nvmlTemperature_v1 == 0x0100000C, "nvmlTemperature_v1 is 0x0100000C");

static nvmlReturn_t temperature_v(fake_dev *d, nvmlTemperature_t *t) {
    if (!t) return NVML_ERROR_INVALID_ARGUMENT;
    if (t->version != nvmlTemperature_v1) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    unsigned value;
    nvmlReturn_t rc = temperature(d, t->sensorType, &value);
    if (rc == NVML_SUCCESS) t->temperature = (int) value;
    return rc;
}

nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t device, nvmlTemperature_t *temperature) {
    DEVICE_CALL("nvmlDeviceGetTemperatureV", device, temperature_v(d, temperature));
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    DEVICE_CALL("nvmlDeviceGetPowerUsage", device, gpu_uint(d, "powerUsage", power));
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    DEVICE_CALL("nvmlDeviceGetEnforcedPowerLimit", device, gpu_uint(d, "powerLimit", limit));
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit) {
    DEVICE_CALL("nvmlDeviceGetPowerManagementLimit", device, gpu_uint(d, "powerLimit", limit));
}

nvmlReturn_t nvmlDeviceGetNumaNodeId(nvmlDevice_t device, unsigned int *node) {
    DEVICE_CALL("nvmlDeviceGetNumaNodeId", device, gpu_uint(d, "numaNode", node));
}

typedef struct {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

static int mig_enabled(const fake_dev *g) {
    const char *mode = str_of(g, "migMode");
    return mode && strcmp(mode, "enabled") == 0;
}

static nvmlReturn_t utilization(fake_dev *d, nvmlUtilization_t *u) {
    if (!u) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *cfg = fj_get(d->json, "utilization");
    /* NOT_SUPPORTED on MIG-enabled GPUs (docs/nvml.md §8) */
    if (d->is_mig || mig_enabled(d) || !cfg) return NVML_ERROR_NOT_SUPPORTED;
    u->gpu = (unsigned) fj_int(fj_get(cfg, "gpu"), 0);
    u->memory = (unsigned) fj_int(fj_get(cfg, "memory"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization_out) {
    DEVICE_CALL("nvmlDeviceGetUtilizationRates", device, utilization(d, utilization_out));
}

/* ---- running compute processes: v3/v2 use the 24-byte nvmlProcessInfo_t, v1 a 16-byte one ---- */

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
} nvmlProcessInfo_v1_t;

_Static_assert(sizeof(nvmlProcessInfo_t) == 24, "nvmlProcessInfo_t is 24 bytes");
_Static_assert(sizeof(nvmlProcessInfo_v1_t) == 16, "nvmlProcessInfo_v1_t is 16 bytes");

static int process_visible(const fake_dev *d, const fj_value *p) {
    if (!d->is_mig) return 1;
    return fj_int(fj_get(p, "gpuInstanceId"), -1) == fj_int(fj_get(d->json, "gpuInstanceId"), -2)
           && fj_int(fj_get(p, "computeInstanceId"), -1) == fj_int(fj_get(d->json, "computeInstanceId"), -2);
}

static nvmlReturn_t processes(fake_dev *d, unsigned *count, void *infos, int v1) {
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *list = fj_get(gpu_of(d)->json, "processes");
    unsigned n = 0;
    for (size_t i = 0; i < fj_len(list); i++) n += (unsigned) process_visible(d, fj_at(list, i));
    if (*count < n) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    if (n > 0 && !infos) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned k = 0;
    for (size_t i = 0; i < fj_len(list); i++) {
        const fj_value *p = fj_at(list, i);
        if (!process_visible(d, p)) continue;
        unsigned pid = (unsigned) fj_int(fj_get(p, "pid"), 0);
        unsigned long long used = (unsigned long long) fj_int(fj_get(p, "usedGpuMemory"), -1);
        if (v1) {
            nvmlProcessInfo_v1_t *out = (nvmlProcessInfo_v1_t *) infos + k;
            memset(out, 0, sizeof *out);
            out->pid = pid;
            out->usedGpuMemory = used;
        } else {
            nvmlProcessInfo_t *out = (nvmlProcessInfo_t *) infos + k;
            memset(out, 0, sizeof *out);
            out->pid = pid;
            out->usedGpuMemory = used;
            out->gpuInstanceId = (unsigned) fj_int(fj_get(p, "gpuInstanceId"), 0xFFFFFFFFll);
            out->computeInstanceId = (unsigned) fj_int(fj_get(p, "computeInstanceId"), 0xFFFFFFFFll);
        }
        k++;
    }
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
    DEVICE_CALL("nvmlDeviceGetComputeRunningProcesses_v3", device, processes(d, infoCount, infos, 0));
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
    DEVICE_CALL("nvmlDeviceGetComputeRunningProcesses_v2", device, processes(d, infoCount, infos, 0));
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_v1_t *infos) {
    DEVICE_CALL("nvmlDeviceGetComputeRunningProcesses", device, processes(d, infoCount, infos, 1));
}

/* ---- MIG ---- */

static nvmlReturn_t mig_mode(fake_dev *d, unsigned *current, unsigned *pending) {
    if (!current || !pending) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->is_mig) return NVML_ERROR_NOT_SUPPORTED;
    const char *mode = str_of(d, "migMode");
    if (!mode || strcmp(mode, "unsupported") == 0) return NVML_ERROR_NOT_SUPPORTED;
    const char *next = fj_str(fj_get(d->json, "migModePending"), mode);
    *current = strcmp(mode, "enabled") == 0;
    *pending = strcmp(next, "enabled") == 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode, unsigned int *pendingMode) {
    DEVICE_CALL("nvmlDeviceGetMigMode", device, mig_mode(d, currentMode, pendingMode));
}

static unsigned max_migs(const fake_dev *g) {
    if (!mig_enabled(g)) return 0;
    long long max = fj_int(fj_get(g->json, "maxMigDeviceCount"), 7);
    return max < (long long) g->mig_count ? (unsigned) g->mig_count : (unsigned) max;
}

static nvmlReturn_t max_mig_count(fake_dev *d, unsigned *count) {
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->is_mig) return NVML_ERROR_INVALID_ARGUMENT;
    *count = max_migs(d);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count) {
    DEVICE_CALL("nvmlDeviceGetMaxMigDeviceCount", device, max_mig_count(d, count));
}

static nvmlReturn_t mig_by_index(fake_dev *d, unsigned index, nvmlDevice_t *mig) {
    if (!mig || d->is_mig) return NVML_ERROR_INVALID_ARGUMENT;
    const char *mode = str_of(d, "migMode");
    if (!mode || strcmp(mode, "unsupported") == 0) return NVML_ERROR_NOT_SUPPORTED;
    if (!mig_enabled(d)) return NVML_ERROR_INVALID_ARGUMENT;
    if (index >= d->mig_count) return NVML_ERROR_NOT_FOUND;  /* dense: one past the end is NOT_FOUND */
    return hand_out(&d->migs[index], "nvmlDeviceGetMigDeviceHandleByIndex", mig);
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *migDevice) {
    DEVICE_CALL("nvmlDeviceGetMigDeviceHandleByIndex", device, mig_by_index(d, index, migDevice));
}

static nvmlReturn_t is_mig_handle(fake_dev *d, unsigned *is_mig) {
    if (!is_mig) return NVML_ERROR_INVALID_ARGUMENT;
    *is_mig = (unsigned) d->is_mig;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int *isMigDevice) {
    DEVICE_CALL("nvmlDeviceIsMigDeviceHandle", device, is_mig_handle(d, isMigDevice));
}

static nvmlReturn_t mig_uint(fake_dev *d, const char *key, unsigned *out) {
    if (!out || !d->is_mig) return NVML_ERROR_INVALID_ARGUMENT;
    return put_uint(fj_get(d->json, key), out);
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id) {
    DEVICE_CALL("nvmlDeviceGetGpuInstanceId", device, mig_uint(d, "gpuInstanceId", id));
}

nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int *id) {
    DEVICE_CALL("nvmlDeviceGetComputeInstanceId", device, mig_uint(d, "computeInstanceId", id));
}

static nvmlReturn_t parent_of(fake_dev *d, nvmlDevice_t *parent) {
    if (!parent || !d->is_mig) return NVML_ERROR_INVALID_ARGUMENT;
    *parent = d->parent;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t migDevice, nvmlDevice_t *device) {
    DEVICE_CALL("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", migDevice, parent_of(d, device));
}

/* ---- topology: common PCIe ancestor from "pciSwitch" and "numaNode" ---- */

enum {
    NVML_TOPOLOGY_INTERNAL = 0,
    NVML_TOPOLOGY_SINGLE = 10,
    NVML_TOPOLOGY_NODE = 40,
    NVML_TOPOLOGY_SYSTEM = 50
};

/* Both handles checked, and the forced errors of both devices (a lost peer fails the call too). */
static nvmlReturn_t enter_pair(const char *fn, nvmlDevice_t h1, nvmlDevice_t h2, fake_dev **a, fake_dev **b) {
    nvmlReturn_t rc = enter_device(fn, h1, a);
    if (rc != NVML_SUCCESS) return rc;
    *b = resolve(h2);
    if (!*b) return NVML_ERROR_INVALID_ARGUMENT;
    return forced((*b)->errors, fn);
}

static int same_number(const fake_dev *a, const fake_dev *b, const char *key) {
    const fj_value *x = fj_get(a->json, key), *y = fj_get(b->json, key);
    return x && y && x->type == FJ_NUMBER && y->type == FJ_NUMBER && x->integer == y->integer;
}

static int same_string(const fake_dev *a, const fake_dev *b, const char *key) {
    const char *x = str_of(a, key), *y = str_of(b, key);
    return x && y && strcmp(x, y) == 0;
}

static nvmlReturn_t common_ancestor(fake_dev *a, fake_dev *b, unsigned *level) {
    if (!level) return NVML_ERROR_INVALID_ARGUMENT;
    if (a->is_mig || b->is_mig) return NVML_ERROR_NOT_SUPPORTED;  /* a PCIe question: physical GPUs only */
    if (a == b) *level = NVML_TOPOLOGY_INTERNAL;
    else if (same_string(a, b, "pciSwitch")) *level = NVML_TOPOLOGY_SINGLE;
    else if (same_number(a, b, "numaNode")) *level = NVML_TOPOLOGY_NODE;
    else *level = NVML_TOPOLOGY_SYSTEM;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(nvmlDevice_t device1, nvmlDevice_t device2, unsigned int *pathInfo) {
    pthread_mutex_lock(&state_lock);
    fake_dev *a = NULL, *b = NULL;
    nvmlReturn_t rc = enter_pair("nvmlDeviceGetTopologyCommonAncestor", device1, device2, &a, &b);
    if (rc == NVML_SUCCESS) rc = common_ancestor(a, b, pathInfo);
    pthread_mutex_unlock(&state_lock);
    return rc;
}

/* ---- NVLink: "nvlinks" {peer index: link count}, links numbered from 0 in the object's order ---- */

/* Links the fake reports per GPU: those of "nvlinks" are active, the rest up to this many inactive
 * (an H100 has 18); a link index at or past it is INVALID_ARGUMENT, which ends a caller's scan. */
#define FAKE_NVLINK_MAX_LINKS 18u

enum { NVML_P2P_CAPS_INDEX_NVLINK = 2, NVML_P2P_CAPS_INDEX_UNKNOWN = 5 };
enum { NVML_P2P_STATUS_OK = 0, NVML_P2P_STATUS_NOT_SUPPORTED = 5 };

/* The peer GPU of an active link, NULL for an inactive one; NOT_SUPPORTED without "nvlinks". */
static nvmlReturn_t nvlink_peer(fake_dev *d, unsigned link, fake_dev **peer) {
    const fj_value *links = fj_get(d->json, "nvlinks");
    if (d->is_mig || !links || links->type != FJ_OBJECT) return NVML_ERROR_NOT_SUPPORTED;
    unsigned total = 0;
    *peer = NULL;
    for (size_t i = 0; i < links->count; i++) {
        unsigned n = (unsigned) fj_int(links->items[i], 0);
        if (link >= total && link < total + n) {
            unsigned long index = strtoul(links->keys[i], NULL, 10);
            if (index >= gpu_count) return NVML_ERROR_UNKNOWN;  /* a config naming no GPU */
            *peer = &gpus[index];
            return NVML_SUCCESS;
        }
        total += n;
    }
    return link < (total > FAKE_NVLINK_MAX_LINKS ? total : FAKE_NVLINK_MAX_LINKS)
           ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}

static nvmlReturn_t nvlink_state(fake_dev *d, unsigned link, unsigned *active) {
    if (!active) return NVML_ERROR_INVALID_ARGUMENT;
    fake_dev *peer;
    nvmlReturn_t rc = nvlink_peer(d, link, &peer);
    if (rc == NVML_SUCCESS) *active = peer != NULL;
    return rc;
}

nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link, unsigned int *isActive) {
    DEVICE_CALL("nvmlDeviceGetNvLinkState", device, nvlink_state(d, link, isActive));
}

static nvmlReturn_t nvlink_remote_pci(fake_dev *d, unsigned link, nvmlPciInfo_t *pci, int v1) {
    if (!pci) return NVML_ERROR_INVALID_ARGUMENT;
    fake_dev *peer;
    nvmlReturn_t rc = nvlink_peer(d, link, &peer);
    if (rc != NVML_SUCCESS) return rc;
    if (!peer) return NVML_ERROR_NOT_SUPPORTED;  /* an inactive link has no remote end */
    return pci_info(peer, pci, v1);
}

nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t device, unsigned int link, nvmlPciInfo_t *pci) {
    DEVICE_CALL("nvmlDeviceGetNvLinkRemotePciInfo_v2", device, nvlink_remote_pci(d, link, pci, 0));
}

/* The legacy name wrote the v1 (52-byte) nvmlPciInfo_t, like the legacy nvmlDeviceGetPciInfo. */
nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo(nvmlDevice_t device, unsigned int link, nvmlPciInfo_t *pci) {
    DEVICE_CALL("nvmlDeviceGetNvLinkRemotePciInfo", device, nvlink_remote_pci(d, link, pci, 1));
}

static int nvlinked(const fake_dev *a, const fake_dev *b) {
    const fj_value *links = fj_get(a->json, "nvlinks");
    for (size_t i = 0; links && links->type == FJ_OBJECT && i < links->count; i++) {
        unsigned long index = strtoul(links->keys[i], NULL, 10);
        if (index < gpu_count && &gpus[index] == b && fj_int(links->items[i], 0) > 0) return 1;
    }
    return 0;
}

/* NVLINK: OK when a link joins the two (either side's "nvlinks"); the PCIe capabilities (read, write,
 * atomics, pci): OK when linked or behind the same "pciSwitch"; otherwise the status NOT_SUPPORTED. */
static nvmlReturn_t p2p_status(fake_dev *a, fake_dev *b, unsigned caps, unsigned *status) {
    if (!status || caps >= NVML_P2P_CAPS_INDEX_UNKNOWN || a == b) return NVML_ERROR_INVALID_ARGUMENT;
    if (a->is_mig || b->is_mig) return NVML_ERROR_NOT_SUPPORTED;
    int linked = nvlinked(a, b) || nvlinked(b, a);
    int ok = caps == NVML_P2P_CAPS_INDEX_NVLINK ? linked : linked || same_string(a, b, "pciSwitch");
    *status = ok ? NVML_P2P_STATUS_OK : NVML_P2P_STATUS_NOT_SUPPORTED;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetP2PStatus(nvmlDevice_t device1, nvmlDevice_t device2, unsigned int p2pIndex,
                                    unsigned int *p2pStatus) {
    pthread_mutex_lock(&state_lock);
    fake_dev *a = NULL, *b = NULL;
    nvmlReturn_t rc = enter_pair("nvmlDeviceGetP2PStatus", device1, device2, &a, &b);
    if (rc == NVML_SUCCESS) rc = p2p_status(a, b, p2pIndex, p2pStatus);
    pthread_mutex_unlock(&state_lock);
    return rc;
}

/* ---- events: top-level "events" [{device, xid, afterMs}], XID critical errors only ---- */

#define nvmlEventTypeXidCriticalError 0x0000000000000008ULL
#define FAKE_SUPPORTED_EVENTS nvmlEventTypeXidCriticalError

typedef struct {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlEventData_t;

/* the struct of the legacy nvmlEventSetWait: no instance ids */
typedef struct {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;
} nvmlEventData_v1_t;

_Static_assert(sizeof(nvmlEventData_t) == 32, "nvmlEventData_t is 32 bytes");
_Static_assert(sizeof(nvmlEventData_v1_t) == 24, "the v1 nvmlEventData_t was 24 bytes");

typedef struct fake_event_set fake_event_set;
typedef fake_event_set *nvmlEventSet_t;

struct fake_event_set {
    fake_event_set *next;
    struct timespec created;          /* CLOCK_MONOTONIC; "afterMs" counts from here */
    unsigned long long *registered;   /* event mask per GPU index */
    unsigned char *delivered;         /* per entry of "events": each is delivered once */
};

static fake_event_set *event_sets;

static void free_event_sets(void) {
    while (event_sets) {
        fake_event_set *next = event_sets->next;
        free(event_sets->registered);
        free(event_sets->delivered);
        free(event_sets);
        event_sets = next;
    }
}

static fake_event_set *find_set(nvmlEventSet_t set) {
    for (fake_event_set *s = event_sets; s; s = s->next) {
        if (s == set) return s;
    }
    return NULL;
}

static nvmlReturn_t create_set(nvmlEventSet_t *out) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = forced(fj_get(config, "errors"), "nvmlEventSetCreate");
    if (rc != NVML_SUCCESS) return rc;
    size_t events = fj_len(fj_get(config, "events"));
    fake_event_set *s = calloc(1, sizeof *s);
    if (s) {
        s->registered = calloc(gpu_count ? gpu_count : 1, sizeof *s->registered);
        s->delivered = calloc(events ? events : 1, 1);
    }
    if (!s || !s->registered || !s->delivered) {
        if (s) {
            free(s->registered);
            free(s->delivered);
        }
        free(s);
        return NVML_ERROR_MEMORY;
    }
    clock_gettime(CLOCK_MONOTONIC, &s->created);
    s->next = event_sets;
    event_sets = s;
    *out = s;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = create_set(set);
    pthread_mutex_unlock(&state_lock);
    return rc;
}

static nvmlReturn_t supported_events(fake_dev *d, unsigned long long *types) {
    if (!types) return NVML_ERROR_INVALID_ARGUMENT;
    *types = d->is_mig ? 0 : FAKE_SUPPORTED_EVENTS;  /* events are registered on GPUs, not MIG devices */
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device, unsigned long long *eventTypes) {
    DEVICE_CALL("nvmlDeviceGetSupportedEventTypes", device, supported_events(d, eventTypes));
}

/* As the header says: NOT_SUPPORTED registers none of the types and leaves the set usable. */
static nvmlReturn_t register_events(fake_dev *d, unsigned long long types, nvmlEventSet_t set) {
    fake_event_set *s = find_set(set);
    if (!s || types == 0) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->is_mig || (types & ~FAKE_SUPPORTED_EVENTS) != 0) return NVML_ERROR_NOT_SUPPORTED;
    s->registered[d->index] |= types;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long eventTypes, nvmlEventSet_t set) {
    DEVICE_CALL("nvmlDeviceRegisterEvents", device, register_events(d, eventTypes, set));
}

static long long ms_between(const struct timespec *from, const struct timespec *to) {
    return (to->tv_sec - from->tv_sec) * 1000LL + (to->tv_nsec - from->tv_nsec) / 1000000LL;
}

static void add_ms(struct timespec *t, long long ms) {
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

static int earlier(const struct timespec *a, const struct timespec *b) {
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* One look at the set: SUCCESS with the data of an event that is due, a forced error of a registered
 * device, or TIMEOUT with *next_ms = how long until the next undelivered event (-1: none). */
static nvmlReturn_t take_event(fake_event_set *s, const char *fn, void *data, int v1, long long *next_ms) {
    for (size_t g = 0; g < gpu_count; g++) {
        if (!s->registered[g]) continue;
        nvmlReturn_t rc = forced(gpus[g].errors, fn);
        if (rc != NVML_SUCCESS) return rc;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long age = ms_between(&s->created, &now);
    const fj_value *events = fj_get(config, "events");
    *next_ms = -1;
    for (size_t i = 0; i < fj_len(events); i++) {
        const fj_value *e = fj_at(events, i);
        long long g = fj_int(fj_get(e, "device"), -1);
        if (s->delivered[i] || g < 0 || (size_t) g >= gpu_count
            || !(s->registered[g] & nvmlEventTypeXidCriticalError)) continue;
        long long due = fj_int(fj_get(e, "afterMs"), 0) - age;
        if (due > 0) {
            if (*next_ms < 0 || due < *next_ms) *next_ms = due;
            continue;
        }
        s->delivered[i] = 1;
        unsigned long long xid = (unsigned long long) fj_int(fj_get(e, "xid"), 999);
        if (v1) {
            nvmlEventData_v1_t *out = data;
            out->device = &gpus[g];
            out->eventType = nvmlEventTypeXidCriticalError;
            out->eventData = xid;
        } else {
            nvmlEventData_t *out = data;
            out->device = &gpus[g];
            out->eventType = nvmlEventTypeXidCriticalError;
            out->eventData = xid;
            out->gpuInstanceId = 0xFFFFFFFFu;
            out->computeInstanceId = 0xFFFFFFFFu;
        }
        return NVML_SUCCESS;
    }
    return NVML_ERROR_TIMEOUT;
}

/* Waits without holding the lock, so other threads' calls (and nvmlShutdown) go on meanwhile. */
static nvmlReturn_t wait_event(nvmlEventSet_t set, void *data, unsigned timeout_ms, int v1, const char *fn) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    add_ms(&deadline, timeout_ms);
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc;
    for (;;) {
        fake_event_set *s;
        if (init_count == 0) rc = NVML_ERROR_UNINITIALIZED;
        else if (!data || !(s = find_set(set))) rc = NVML_ERROR_INVALID_ARGUMENT;
        else rc = forced(fj_get(config, "errors"), fn);
        long long next_ms = -1;
        if (rc == NVML_SUCCESS) rc = take_event(s, fn, data, v1, &next_ms);
        if (rc != NVML_ERROR_TIMEOUT) break;
        struct timespec now, until = deadline;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!earlier(&now, &deadline)) break;
        if (next_ms >= 0) {
            struct timespec due = now;
            add_ms(&due, next_ms);
            if (earlier(&due, &until)) until = due;
        }
        pthread_mutex_unlock(&state_lock);
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
        pthread_mutex_lock(&state_lock);
    }
    pthread_mutex_unlock(&state_lock);
    return rc;
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
    return wait_event(set, data, timeoutms, 0, "nvmlEventSetWait_v2");
}

nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_v1_t *data, unsigned int timeoutms) {
    return wait_event(set, data, timeoutms, 1, "nvmlEventSetWait");
}

static nvmlReturn_t free_set(nvmlEventSet_t set) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    nvmlReturn_t rc = forced(fj_get(config, "errors"), "nvmlEventSetFree");
    if (rc != NVML_SUCCESS) return rc;  /* the set stays allocated; the last shutdown frees it */
    for (fake_event_set **p = &event_sets; *p; p = &(*p)->next) {
        if (*p == set) {
            fake_event_set *s = *p;
            *p = s->next;
            free(s->registered);
            free(s->delivered);
            free(s);
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = free_set(set);
    pthread_mutex_unlock(&state_lock);
    return rc;
}

/* ---- monitoring: clocks, ECC, PCIe, energy, fans, thresholds, clock-event reasons, codecs,
 * retired pages and remapped rows. Each fact is an optional device key; an absent one, or any of
 * them on a MIG handle, is NOT_SUPPORTED. ---- */

/* The member at position `index` of the names of a nested object, e.g. clocks["sm"]. */
static const fj_value *gpu_member(fake_dev *d, const char *object, const char *const *names, size_t count,
                                  unsigned index) {
    if (d->is_mig || index >= count) return NULL;
    return fj_get(fj_get(d->json, object), names[index]);
}

static nvmlReturn_t member_uint(fake_dev *d, const char *object, const char *const *names, size_t count,
                                unsigned index, unsigned *out) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (index >= count && !d->is_mig) return NVML_ERROR_INVALID_ARGUMENT;
    return put_uint(gpu_member(d, object, names, count, index), out);
}

static nvmlReturn_t put_ull(const fj_value *v, unsigned long long *out) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (!v || v->type != FJ_NUMBER) return NVML_ERROR_NOT_SUPPORTED;
    *out = (unsigned long long) v->integer;
    return NVML_SUCCESS;
}

/* nvmlClockType_t: GRAPHICS 0, SM 1, MEM 2, VIDEO 3 */
static const char *const CLOCKS[] = {"graphics", "sm", "memory", "video"};

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, unsigned int type, unsigned int *clock) {
    DEVICE_CALL("nvmlDeviceGetClockInfo", device, member_uint(d, "clocks", CLOCKS, COUNT_OF(CLOCKS), type, clock));
}

nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, unsigned int type, unsigned int *clock) {
    DEVICE_CALL("nvmlDeviceGetMaxClockInfo", device, member_uint(d, "maxClocks", CLOCKS, COUNT_OF(CLOCKS), type, clock));
}

static nvmlReturn_t ecc_mode(fake_dev *d, unsigned *current, unsigned *pending) {
    if (!current || !pending) return NVML_ERROR_INVALID_ARGUMENT;
    const char *mode = d->is_mig ? NULL : str_of(d, "eccMode");
    if (!mode) return NVML_ERROR_NOT_SUPPORTED;
    *current = *pending = strcmp(mode, "enabled") == 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, unsigned int *current, unsigned int *pending) {
    DEVICE_CALL("nvmlDeviceGetEccMode", device, ecc_mode(d, current, pending));
}

/* nvmlMemoryErrorType_t CORRECTED 0 / UNCORRECTED 1; nvmlEccCounterType_t VOLATILE 0 / AGGREGATE 1 */
static const char *const ECC_ERRORS[] = {"corrected", "uncorrected"};
static const char *const ECC_COUNTERS[] = {"volatile", "aggregate"};

static nvmlReturn_t ecc_errors(fake_dev *d, unsigned type, unsigned counter, unsigned long long *count) {
    if (!count || type >= COUNT_OF(ECC_ERRORS) || counter >= COUNT_OF(ECC_COUNTERS)) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *errors = gpu_member(d, "eccErrors", ECC_COUNTERS, COUNT_OF(ECC_COUNTERS), counter);
    return put_ull(fj_get(errors, ECC_ERRORS[type]), count);
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, unsigned int errorType, unsigned int counterType,
                                         unsigned long long *eccCounts) {
    DEVICE_CALL("nvmlDeviceGetTotalEccErrors", device, ecc_errors(d, errorType, counterType, eccCounts));
}

static const char *const PCIE_FACTS[] = {"linkGen", "linkWidth", "maxLinkGen", "maxLinkWidth", "replayCounter"};

static nvmlReturn_t pcie_fact(fake_dev *d, unsigned fact, unsigned *out) {
    return member_uint(d, "pcie", PCIE_FACTS, COUNT_OF(PCIE_FACTS), fact, out);
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int *currLinkGen) {
    DEVICE_CALL("nvmlDeviceGetCurrPcieLinkGeneration", device, pcie_fact(d, 0, currLinkGen));
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int *currLinkWidth) {
    DEVICE_CALL("nvmlDeviceGetCurrPcieLinkWidth", device, pcie_fact(d, 1, currLinkWidth));
}

nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t device, unsigned int *maxLinkGen) {
    DEVICE_CALL("nvmlDeviceGetMaxPcieLinkGeneration", device, pcie_fact(d, 2, maxLinkGen));
}

nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t device, unsigned int *maxLinkWidth) {
    DEVICE_CALL("nvmlDeviceGetMaxPcieLinkWidth", device, pcie_fact(d, 3, maxLinkWidth));
}

nvmlReturn_t nvmlDeviceGetPcieReplayCounter(nvmlDevice_t device, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetPcieReplayCounter", device, pcie_fact(d, 4, value));
}

/* nvmlPcieUtilCounter_t: TX_BYTES 0, RX_BYTES 1, in KB/s */
static const char *const PCIE_THROUGHPUT[] = {"txKBps", "rxKBps"};

nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, unsigned int counter, unsigned int *value) {
    DEVICE_CALL("nvmlDeviceGetPcieThroughput", device,
                member_uint(d, "pcie", PCIE_THROUGHPUT, COUNT_OF(PCIE_THROUGHPUT), counter, value));
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
    DEVICE_CALL("nvmlDeviceGetTotalEnergyConsumption", device,
                d->is_mig ? NVML_ERROR_NOT_SUPPORTED : put_ull(fj_get(d->json, "energy"), energy));
}

static const char *const POWER_LIMITS[] = {"min", "max"};

static nvmlReturn_t power_constraints(fake_dev *d, unsigned *min, unsigned *max) {
    if (!min || !max) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = member_uint(d, "powerLimitConstraints", POWER_LIMITS, 2, 0, min);
    return rc == NVML_SUCCESS ? member_uint(d, "powerLimitConstraints", POWER_LIMITS, 2, 1, max) : rc;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int *minLimit,
                                                          unsigned int *maxLimit) {
    DEVICE_CALL("nvmlDeviceGetPowerManagementLimitConstraints", device, power_constraints(d, minLimit, maxLimit));
}

/* "fans": [percent per fan] */
static nvmlReturn_t fan_count(fake_dev *d, unsigned *count) {
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *fans = fj_get(d->json, "fans");
    if (d->is_mig || !fans || fans->type != FJ_ARRAY) return NVML_ERROR_NOT_SUPPORTED;
    *count = (unsigned) fans->count;
    return NVML_SUCCESS;
}

static nvmlReturn_t fan_speed(fake_dev *d, unsigned fan, unsigned *speed) {
    unsigned count;
    nvmlReturn_t rc = fan_count(d, &count);
    if (rc != NVML_SUCCESS || !speed) return rc == NVML_SUCCESS ? NVML_ERROR_INVALID_ARGUMENT : rc;
    if (fan >= count) return NVML_ERROR_INVALID_ARGUMENT;
    return put_uint(fj_at(fj_get(d->json, "fans"), fan), speed);
}

nvmlReturn_t nvmlDeviceGetNumFans(nvmlDevice_t device, unsigned int *numFans) {
    DEVICE_CALL("nvmlDeviceGetNumFans", device, fan_count(d, numFans));
}

nvmlReturn_t nvmlDeviceGetFanSpeed_v2(nvmlDevice_t device, unsigned int fan, unsigned int *speed) {
    DEVICE_CALL("nvmlDeviceGetFanSpeed_v2", device, fan_speed(d, fan, speed));
}

/* the first fan; the legacy name predates several fans per board */
nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed) {
    DEVICE_CALL("nvmlDeviceGetFanSpeed", device, fan_speed(d, 0, speed));
}

/* nvmlTemperatureThresholds_t: SHUTDOWN 0, SLOWDOWN 1, MEM_MAX 2, GPU_MAX 3 (the rest are acoustic/GPS) */
static const char *const THRESHOLDS[] = {"shutdown", "slowdown", "memMax", "gpuMax"};

nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, unsigned int thresholdType, unsigned int *temp) {
    DEVICE_CALL("nvmlDeviceGetTemperatureThreshold", device,
                member_uint(d, "temperatureThresholds", THRESHOLDS, COUNT_OF(THRESHOLDS), thresholdType, temp));
}

/* "clocksEventReasons": the nvmlClocksEventReason* mask (the throttle-reason name is the pre-13.0 one) */
static nvmlReturn_t clock_reasons(fake_dev *d, unsigned long long *reasons) {
    return d->is_mig ? NVML_ERROR_NOT_SUPPORTED : put_ull(fj_get(d->json, "clocksEventReasons"), reasons);
}

nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *clocksEventReasons) {
    DEVICE_CALL("nvmlDeviceGetCurrentClocksEventReasons", device, clock_reasons(d, clocksEventReasons));
}

nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *clocksThrottleReasons) {
    DEVICE_CALL("nvmlDeviceGetCurrentClocksThrottleReasons", device, clock_reasons(d, clocksThrottleReasons));
}

nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, unsigned int *pState) {
    DEVICE_CALL("nvmlDeviceGetPerformanceState", device, gpu_uint(d, "performanceState", pState));
}

/* "encoderUtilization" / "decoderUtilization": {"percent", "samplingPeriodUs"} */
static const char *const CODEC[] = {"percent", "samplingPeriodUs"};

static nvmlReturn_t codec(fake_dev *d, const char *key, unsigned *utilization, unsigned *period) {
    if (!utilization || !period) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t rc = member_uint(d, key, CODEC, 2, 0, utilization);
    return rc == NVML_SUCCESS ? member_uint(d, key, CODEC, 2, 1, period) : rc;
}

nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, unsigned int *utilization, unsigned int *samplingPeriodUs) {
    DEVICE_CALL("nvmlDeviceGetEncoderUtilization", device, codec(d, "encoderUtilization", utilization, samplingPeriodUs));
}

nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, unsigned int *utilization, unsigned int *samplingPeriodUs) {
    DEVICE_CALL("nvmlDeviceGetDecoderUtilization", device, codec(d, "decoderUtilization", utilization, samplingPeriodUs));
}

/* "retiredPages": {"multipleSingleBitEcc": [{address, timestamp}], "doubleBitEcc": [...], "pending": bool};
 * nvmlPageRetirementCause_t MULTIPLE_SINGLE_BIT_ECC_ERRORS 0, DOUBLE_BIT_ECC_ERROR 1 */
static const char *const RETIREMENT_CAUSES[] = {"multipleSingleBitEcc", "doubleBitEcc"};

static nvmlReturn_t retired_pages(fake_dev *d, unsigned cause, unsigned *count, unsigned long long *addresses,
                                  unsigned long long *timestamps) {
    if (!count || cause >= COUNT_OF(RETIREMENT_CAUSES)) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *pages = fj_get(d->json, "retiredPages");
    if (d->is_mig || !pages) return NVML_ERROR_NOT_SUPPORTED;
    const fj_value *list = fj_get(pages, RETIREMENT_CAUSES[cause]);
    unsigned n = (unsigned) fj_len(list);
    if (*count < n) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    if (n > 0 && !addresses) return NVML_ERROR_INVALID_ARGUMENT;
    for (unsigned i = 0; i < n; i++) {
        addresses[i] = (unsigned long long) fj_int(fj_get(fj_at(list, i), "address"), 0);
        if (timestamps) timestamps[i] = (unsigned long long) fj_int(fj_get(fj_at(list, i), "timestamp"), 0);
    }
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPages_v2(nvmlDevice_t device, unsigned int cause, unsigned int *pageCount,
                                          unsigned long long *addresses, unsigned long long *timestamps) {
    DEVICE_CALL("nvmlDeviceGetRetiredPages_v2", device, retired_pages(d, cause, pageCount, addresses, timestamps));
}

nvmlReturn_t nvmlDeviceGetRetiredPages(nvmlDevice_t device, unsigned int cause, unsigned int *pageCount,
                                       unsigned long long *addresses) {
    DEVICE_CALL("nvmlDeviceGetRetiredPages", device, retired_pages(d, cause, pageCount, addresses, NULL));
}

static nvmlReturn_t pages_pending(fake_dev *d, unsigned *pending) {
    if (!pending) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *pages = fj_get(d->json, "retiredPages");
    if (d->is_mig || !pages) return NVML_ERROR_NOT_SUPPORTED;
    *pending = (unsigned) fj_bool(fj_get(pages, "pending"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(nvmlDevice_t device, unsigned int *isPending) {
    DEVICE_CALL("nvmlDeviceGetRetiredPagesPendingStatus", device, pages_pending(d, isPending));
}

/* "remappedRows": {correctable, uncorrectable, pending, failed}; NOT_SUPPORTED with MIG on (nvml.h) */
static nvmlReturn_t remapped_rows(fake_dev *d, unsigned *corr, unsigned *unc, unsigned *pending, unsigned *failed) {
    if (!corr || !unc || !pending || !failed) return NVML_ERROR_INVALID_ARGUMENT;
    const fj_value *rows = fj_get(d->json, "remappedRows");
    if (d->is_mig || mig_enabled(d) || !rows) return NVML_ERROR_NOT_SUPPORTED;
    *corr = (unsigned) fj_int(fj_get(rows, "correctable"), 0);
    *unc = (unsigned) fj_int(fj_get(rows, "uncorrectable"), 0);
    *pending = (unsigned) fj_bool(fj_get(rows, "pending"), 0);
    *failed = (unsigned) fj_bool(fj_get(rows, "failed"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int *corrRows, unsigned int *uncRows,
                                       unsigned int *isPending, unsigned int *failureOccurred) {
    DEVICE_CALL("nvmlDeviceGetRemappedRows", device, remapped_rows(d, corrRows, uncRows, isPending, failureOccurred));
}
