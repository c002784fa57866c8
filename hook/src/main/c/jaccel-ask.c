/*
 * jaccel-ask ARGS...: runs `jaccel ARGS...` in the start service (start_service.h) for bin/jaccel,
 * which has already read a hook's state from its stdin and passes it here in JACCEL_STATE. Exit
 * status: the command's, or 100 when there is no service to ask or it declined, and bin/jaccel
 * goes on to start jaccel's JVM itself (nothing was done).
 */
#define _GNU_SOURCE
#include "start_service.h"

#include <stdlib.h>
#include <string.h>

#define ASK_THE_JVM 100

int main(int argc, char **argv) {
    if (argc < 2) {
        return ASK_THE_JVM;
    }
    const char *state = getenv("JACCEL_STATE");
    if (state == NULL) {
        state = "";
    }
    int code = start_service_run((const char *const *)argv + 1, (size_t)argc - 1, state, strlen(state));
    return code == START_SERVICE_UNAVAILABLE ? ASK_THE_JVM : code;
}
