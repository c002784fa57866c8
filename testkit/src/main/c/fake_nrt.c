/*
 * Fake libnrt.so.1 (testkit/README.md): the discovery ABI of the AWS Neuron runtime (symbol names, struct
 * layouts, NRT_STATUS codes) driven by the JSON file named in FAKE_NRT_CONFIG.
 *
 * Layouts and codes follow the public headers of aws-neuron/aws-neuron-sdk
 * (src/libnrt/include/nrt/nrt.h, nrt_version.h, nrt_status.h) as summarised in
 * docs/neuron-semantics.md §1.2-§1.4; the _Static_asserts pin every offset.
 *
 * Built twice by build.sh: the current ABI (libnrt.so.1) and, with -DFAKE_NRT_2022_ABI, the first
 * public header of 2022 (legacy/libnrt.so.1), which exported only nrt_init, nrt_close,
 * nrt_get_total_nc_count and nrt_get_visible_nc_count.
 *
 * The config is read once, at the first call of any function. A missing or bad config makes every
 * call return NRT_FAILURE and prints one line to stderr. fake_nrt_calls(name) (testkit only, not
 * a libnrt symbol) counts the calls of each function so a test can prove one was never made.
 */
#include "fake_json.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int NRT_STATUS;

enum {
    NRT_SUCCESS = 0,
    NRT_FAILURE = 1,
    NRT_INVALID = 2,
    NRT_INVALID_HANDLE = 3,
    NRT_RESOURCE = 4,
    NRT_TIMEOUT = 5,
    NRT_HW_ERROR = 6,
    NRT_QUEUE_FULL = 7,
    NRT_LOAD_NOT_ENOUGH_NC = 9,
    NRT_UNSUPPORTED_NEFF_VERSION = 10,
    NRT_FAIL_HOST_MEM_ALLOC = 11,
    NRT_UNINITIALIZED = 13,
    NRT_CLOSED = 14,
    NRT_QUEUE_EMPTY = 15,
    NRT_EXEC_UNIT_UNRECOVERABLE = 101,
    NRT_EXEC_BAD_INPUT = 1002,
    NRT_EXEC_COMPLETED_WITH_NUM_ERR = 1003,
    NRT_EXEC_COMPLETED_WITH_ERR = 1004,
    NRT_EXEC_NC_BUSY = 1005,
    NRT_EXEC_OOB = 1006,
    NRT_COLL_PENDING = 1100,
    NRT_EXEC_HW_ERR_COLLECTIVES = 1200,
    NRT_EXEC_HW_ERR_HBM_UE = 1201,
    NRT_EXEC_HW_ERR_NC_UE = 1202,
    NRT_EXEC_HW_ERR_DMA_ABORT = 1203,
    NRT_EXEC_SW_NQ_OVERFLOW = 1204,
    NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE = 1205,
    NRT_NETWORK_PROXY_FAILURE = 1206
};

static const struct {
    int code;
    const char *name;   /* the config spelling: NRT_STATUS name without NRT_ */
    const char *text;   /* what nrt_get_status_as_str returns (the fake's own wording) */
} STATUSES[] = {
    {NRT_SUCCESS, "SUCCESS", "success"},
    {NRT_FAILURE, "FAILURE", "non-specific failure"},
    {NRT_INVALID, "INVALID", "invalid NEFF, instruction or input"},
    {NRT_INVALID_HANDLE, "INVALID_HANDLE", "invalid handle"},
    {NRT_RESOURCE, "RESOURCE", "failed to allocate a resource"},
    {NRT_TIMEOUT, "TIMEOUT", "operation timed out"},
    {NRT_HW_ERROR, "HW_ERROR", "hardware failure"},
    {NRT_QUEUE_FULL, "QUEUE_FULL", "execution queue full"},
    {NRT_LOAD_NOT_ENOUGH_NC, "LOAD_NOT_ENOUGH_NC", "not enough NeuronCores for the model"},
    {NRT_UNSUPPORTED_NEFF_VERSION, "UNSUPPORTED_NEFF_VERSION", "unsupported NEFF version"},
    {NRT_FAIL_HOST_MEM_ALLOC, "FAIL_HOST_MEM_ALLOC", "host memory allocation failed"},
    {NRT_UNINITIALIZED, "UNINITIALIZED", "runtime not initialized"},
    {NRT_CLOSED, "CLOSED", "runtime closed"},
    {NRT_QUEUE_EMPTY, "QUEUE_EMPTY", "queue empty"},
    {NRT_EXEC_UNIT_UNRECOVERABLE, "EXEC_UNIT_UNRECOVERABLE", "execution unit unrecoverable"},
    {NRT_EXEC_BAD_INPUT, "EXEC_BAD_INPUT", "bad input"},
    {NRT_EXEC_COMPLETED_WITH_NUM_ERR, "EXEC_COMPLETED_WITH_NUM_ERR", "completed with numerical errors (NaN)"},
    {NRT_EXEC_COMPLETED_WITH_ERR, "EXEC_COMPLETED_WITH_ERR", "completed with errors"},
    {NRT_EXEC_NC_BUSY, "EXEC_NC_BUSY", "NeuronCore busy"},
    {NRT_EXEC_OOB, "EXEC_OOB", "out-of-bounds access"},
    {NRT_COLL_PENDING, "COLL_PENDING", "collective operation pending"},
    {NRT_EXEC_HW_ERR_COLLECTIVES, "EXEC_HW_ERR_COLLECTIVES", "hardware error in collectives"},
    {NRT_EXEC_HW_ERR_HBM_UE, "EXEC_HW_ERR_HBM_UE", "uncorrectable HBM error"},
    {NRT_EXEC_HW_ERR_NC_UE, "EXEC_HW_ERR_NC_UE", "uncorrectable NeuronCore error"},
    {NRT_EXEC_HW_ERR_DMA_ABORT, "EXEC_HW_ERR_DMA_ABORT", "DMA abort"},
    {NRT_EXEC_SW_NQ_OVERFLOW, "EXEC_SW_NQ_OVERFLOW", "notification queue overflow"},
    {NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE, "EXEC_HW_ERR_REPAIRABLE_HBM_UE", "repairable uncorrectable HBM error"},
    {NRT_NETWORK_PROXY_FAILURE, "NETWORK_PROXY_FAILURE", "network proxy failure"},
};

/* nrt_version.h: RT_VERSION_DETAIL_LEN 128, GIT_HASH_LEN 64 */
typedef struct nrt_version {
    uint64_t rt_major;
    uint64_t rt_minor;
    uint64_t rt_patch;
    uint64_t rt_maintenance;
    char rt_detail[128];
    char git_hash[64];
} nrt_version_t;

_Static_assert(offsetof(nrt_version_t, rt_major) == 0, "rt_major @0");
_Static_assert(offsetof(nrt_version_t, rt_minor) == 8, "rt_minor @8");
_Static_assert(offsetof(nrt_version_t, rt_patch) == 16, "rt_patch @16");
_Static_assert(offsetof(nrt_version_t, rt_maintenance) == 24, "rt_maintenance @24");
_Static_assert(offsetof(nrt_version_t, rt_detail) == 32, "rt_detail @32");
_Static_assert(offsetof(nrt_version_t, git_hash) == 160, "git_hash @160");
_Static_assert(sizeof(nrt_version_t) == 224, "nrt_version_t is 224 bytes");

/* nrt.h: nrt_instance_info_t */
typedef struct nrt_instance_info {
    uint32_t family;
    uint32_t size;
    char arch_name[16];
    char device_revision[8];
} nrt_instance_info_t;

_Static_assert(offsetof(nrt_instance_info_t, family) == 0, "family @0");
_Static_assert(offsetof(nrt_instance_info_t, size) == 4, "size @4");
_Static_assert(offsetof(nrt_instance_info_t, arch_name) == 8, "arch_name @8");
_Static_assert(offsetof(nrt_instance_info_t, device_revision) == 24, "device_revision @24");
_Static_assert(sizeof(nrt_instance_info_t) == 32, "nrt_instance_info_t is 32 bytes");

/* NRT_INSTANCE_* and NRT_INSTANCE_SIZE_*: position = numeric value */
__attribute__((unused)) static const char *const FAMILIES[] = {
    "UNKNOWN", "INF1", "TRN1", "TRN1N", "INF2", "TRN2", "TRN2N", "INF2E", "TRN2P", "TRN2U",
    "TRN2E", "TRN2EU", "TRN2AC", "TRN2UAC", "TRN3", "TRN3PDS98"};
__attribute__((unused)) static const char *const SIZES[] = {
    "1XL", "2XL", "4XL", "6XL", "8XL", "24XL", "32XL", "48XL", "3XL", "UNKNOWN"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- config, read once at the first call ---- */

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static fj_value *config;   /* NULL after a failed load: every call then returns NRT_FAILURE */

static void load_config(void) {
    const char *path = getenv("FAKE_NRT_CONFIG");
    char err[300] = "";
    if (!path || !*path) {
        fprintf(stderr, "fake libnrt: FAKE_NRT_CONFIG is not set; every call returns NRT_FAILURE\n");
        return;
    }
    config = fj_parse_file(path, err, sizeof err);
    if (!config) {
        fprintf(stderr, "fake libnrt: %s; every call returns NRT_FAILURE\n", err);
    }
}

/* ---- call counters (testkit only) ---- */

static const char *const COUNTED[] = {
    "nrt_init", "nrt_close", "nrt_get_version", "nrt_get_total_nc_count", "nrt_get_total_vnc_count",
    "nrt_get_visible_nc_count", "nrt_get_visible_vnc_count", "nrt_get_instance_info",
    "nrt_get_status_as_str"};
static unsigned long calls[COUNT_OF(COUNTED)];
static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;

static void count_call(const char *function) {
    pthread_mutex_lock(&calls_lock);
    for (size_t i = 0; i < COUNT_OF(COUNTED); i++) {
        if (strcmp(COUNTED[i], function) == 0) calls[i]++;
    }
    pthread_mutex_unlock(&calls_lock);
}

__attribute__((visibility("default")))
long fake_nrt_calls(const char *function) {
    long n = -1;   /* -1: not a function the fake counts */
    pthread_mutex_lock(&calls_lock);
    for (size_t i = 0; function && i < COUNT_OF(COUNTED); i++) {
        if (strcmp(COUNTED[i], function) == 0) n = (long) calls[i];
    }
    pthread_mutex_unlock(&calls_lock);
    return n;
}

static int status_of(const char *name) {
    for (size_t i = 0; i < COUNT_OF(STATUSES); i++) {
        if (strcmp(STATUSES[i].name, name) == 0) return STATUSES[i].code;
    }
    fprintf(stderr, "fake libnrt: unknown NRT_STATUS name \"%s\" in config, using FAILURE\n", name);
    return NRT_FAILURE;
}

/*
 * Every function starts here: counts the call, loads the config once, and returns what the
 * config's "errors" map says this function returns (a status name, or a number returned as is).
 */
static NRT_STATUS enter(const char *function) {
    count_call(function);
    pthread_once(&config_once, load_config);
    if (!config) return NRT_FAILURE;
    const fj_value *e = fj_get(fj_get(config, "errors"), function);
    if (!e) return NRT_SUCCESS;
    if (e->type == FJ_NUMBER) return (NRT_STATUS) e->integer;
    return status_of(fj_str(e, "FAILURE"));
}

__attribute__((unused)) static uint32_t index_of(const char *const *names, size_t n, const char *name, uint32_t unknown) {
    for (size_t i = 0; name && i < n; i++) {
        if (strcmp(names[i], name) == 0) return (uint32_t) i;
    }
    if (name) fprintf(stderr, "fake libnrt: unknown instance family or size \"%s\" in config\n", name);
    return unknown;
}

/* Copies s into a fixed char array, always NUL-terminated (truncated like the C library would). */
__attribute__((unused)) static void put_string(char *dst, size_t capacity, const char *s) {
    size_t n = strlen(s);
    if (n >= capacity) n = capacity - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* ---- the ABI ---- */

/* nrt_framework_type_t is a C enum: an int on the Linux ABIs */
NRT_STATUS nrt_init(int framework, const char *fw_version, const char *fal_version) {
    NRT_STATUS rc = enter("nrt_init");
    if (rc != NRT_SUCCESS) return rc;
    if (!fj_bool(fj_get(config, "allowInit"), 0)) {
        fprintf(stderr, "fake libnrt: nrt_init refused (config lacks \"allowInit\": true): "
                        "discovery must never call nrt_init\n");
        return NRT_FAILURE;
    }
    return NRT_SUCCESS;
}

void nrt_close(void) {
    enter("nrt_close");
}

static NRT_STATUS get_count(const char *function, const char *key, uint32_t *count) {
    NRT_STATUS rc = enter(function);
    if (rc != NRT_SUCCESS) return rc;
    if (!count) return NRT_INVALID;
    *count = (uint32_t) fj_int(fj_get(config, key), 0);
    return NRT_SUCCESS;
}

NRT_STATUS nrt_get_total_nc_count(uint32_t *nc_count) {
    return get_count("nrt_get_total_nc_count", "totalVncCount", nc_count);
}

NRT_STATUS nrt_get_visible_nc_count(uint32_t *nc_count) {
    return get_count("nrt_get_visible_nc_count", "visibleVncCount", nc_count);
}

#ifndef FAKE_NRT_2022_ABI

NRT_STATUS nrt_get_total_vnc_count(uint32_t *vnc_count) {
    return get_count("nrt_get_total_vnc_count", "totalVncCount", vnc_count);
}

NRT_STATUS nrt_get_visible_vnc_count(uint32_t *vnc_count) {
    return get_count("nrt_get_visible_vnc_count", "visibleVncCount", vnc_count);
}

/*
 * Fills only the fields that fit in `size` bytes (a caller built against an older, shorter struct
 * gets its prefix); a size below the four numbers is INVALID.
 */
NRT_STATUS nrt_get_version(nrt_version_t *ver, size_t size) {
    NRT_STATUS rc = enter("nrt_get_version");
    if (rc != NRT_SUCCESS) return rc;
    if (!ver || size < offsetof(nrt_version_t, rt_detail)) return NRT_INVALID;
    const fj_value *v = fj_get(config, "version");
    nrt_version_t full;
    memset(&full, 0, sizeof full);
    full.rt_major = (uint64_t) fj_int(fj_get(v, "major"), 0);
    full.rt_minor = (uint64_t) fj_int(fj_get(v, "minor"), 0);
    full.rt_patch = (uint64_t) fj_int(fj_get(v, "patch"), 0);
    full.rt_maintenance = (uint64_t) fj_int(fj_get(v, "maintenance"), 0);
    put_string(full.rt_detail, sizeof full.rt_detail, fj_str(fj_get(v, "detail"), ""));
    put_string(full.git_hash, sizeof full.git_hash, fj_str(fj_get(v, "gitHash"), ""));
    size_t n = size < sizeof full ? size : sizeof full;
    if (n < sizeof full) {
        /* whole fields only */
        n = n >= offsetof(nrt_version_t, git_hash) ? offsetof(nrt_version_t, git_hash)
                                                  : offsetof(nrt_version_t, rt_detail);
    }
    memcpy(ver, &full, n);
    return NRT_SUCCESS;
}

NRT_STATUS nrt_get_instance_info(nrt_instance_info_t *info, size_t instance_info_len) {
    NRT_STATUS rc = enter("nrt_get_instance_info");
    if (rc != NRT_SUCCESS) return rc;
    if (!info || instance_info_len < sizeof *info) return NRT_INVALID;
    const fj_value *i = fj_get(config, "instanceInfo");
    memset(info, 0, sizeof *info);
    info->family = index_of(FAMILIES, COUNT_OF(FAMILIES), fj_str(fj_get(i, "family"), NULL), 0);
    info->size = index_of(SIZES, COUNT_OF(SIZES), fj_str(fj_get(i, "size"), NULL), COUNT_OF(SIZES) - 1);
    put_string(info->arch_name, sizeof info->arch_name, fj_str(fj_get(i, "archName"), ""));
    put_string(info->device_revision, sizeof info->device_revision, fj_str(fj_get(i, "deviceRevision"), ""));
    return NRT_SUCCESS;
}

/* Pure: needs no config, never fails; unknown codes get a generic text, as a C switch default would. */
const char *nrt_get_status_as_str(NRT_STATUS status) {
    count_call("nrt_get_status_as_str");
    for (size_t i = 0; i < COUNT_OF(STATUSES); i++) {
        if (STATUSES[i].code == status) return STATUSES[i].text;
    }
    return "unknown status";
}

#endif
