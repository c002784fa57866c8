/*
 * Fake libnvidia-ml.so.1 (testkit.md): the real NVML ABI (symbol names, both versioned and legacy,
 * struct layouts, return codes) driven by the JSON file named in FAKE_NVML_CONFIG.
 */
#include "fake_json.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- config and init state: loaded when the init count goes from 0 to 1 ---- */

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;
static fj_value *config;

static int code_of(const char *name, int fallback) {
    if (!name) return fallback;
    for (size_t i = 0; i < COUNT_OF(RETURN_CODES); i++) {
        if (strcmp(RETURN_CODES[i].name, name) == 0) return RETURN_CODES[i].code;
    }
    fprintf(stderr, "fake NVML: unknown return code name \"%s\" in config, using UNKNOWN\n", name);
    return NVML_ERROR_UNKNOWN;
}

static int is_initialized(void) {
    pthread_mutex_lock(&state_lock);
    int live = init_count > 0;
    pthread_mutex_unlock(&state_lock);
    return live;
}

/* Copies s into buf like NVML's string getters: INSUFFICIENT_SIZE when it does not fit. */
static nvmlReturn_t copy_string(const char *s, char *buf, unsigned length) {
    if (!buf) return NVML_ERROR_INVALID_ARGUMENT;
    size_t n = strlen(s);
    if (n + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(buf, s, n + 1);
    return NVML_SUCCESS;
}

static nvmlReturn_t init_with_flags(unsigned int flags) {
    pthread_mutex_lock(&state_lock);
    nvmlReturn_t rc = NVML_SUCCESS;
    if (init_count == 0) {
        const char *path = getenv("FAKE_NVML_CONFIG");
        char err[300];
        fj_value *loaded = NULL;
        if (!path || !*path) {
            fprintf(stderr, "fake NVML: FAKE_NVML_CONFIG is not set\n");
            rc = NVML_ERROR_UNKNOWN;
        } else if (!(loaded = fj_parse_file(path, err, sizeof err))) {
            fprintf(stderr, "fake NVML: %s\n", err);
            rc = NVML_ERROR_UNKNOWN;
        } else {
            rc = code_of(fj_str(fj_get(loaded, "init"), "SUCCESS"), NVML_SUCCESS);
        }
        if (rc == NVML_SUCCESS) {
            fj_free(config);
            config = loaded;
        } else {
            fj_free(loaded);
        }
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
    } else {
        init_count--;
    }
    pthread_mutex_unlock(&state_lock);
    return rc;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    for (size_t i = 0; i < COUNT_OF(RETURN_CODES); i++) {
        if (RETURN_CODES[i].code == result) return RETURN_CODES[i].text;
    }
    return "Unknown Error";
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    if (!is_initialized()) return NVML_ERROR_UNINITIALIZED;
    return copy_string(fj_str(fj_get(config, "driverVersion"), ""), version, length);
}
