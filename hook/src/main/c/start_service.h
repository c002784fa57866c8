/*
 * The client side of jaccel's start service (`jaccel serve`, docs/design.md "The start service"):
 * a resident jaccel JVM that runs the container path's commands for the native fronts, so a GPU
 * container start does not start a JVM of its own.
 */
#ifndef JACCEL_START_SERVICE_H
#define JACCEL_START_SERVICE_H

#include <stddef.h>

/* returned when the service is not there or declined the request: nothing was done, run the JVM */
#define START_SERVICE_UNAVAILABLE (-1)

/*
 * Runs `jaccel ARGS...` (the container path: hook STAGE, or runtime RUNC-ARGS) in the service at
 * $JACCEL_SOCKET (unset or empty: /run/jaccel/start.sock), INPUT as its standard input. Returns its
 * exit status, after copying what it printed to this process's stderr; START_SERVICE_UNAVAILABLE when
 * there is no service to ask, it runs as another user than this process, or it declined. Once the
 * request has been sent, a service that does not answer is a failure (4, with a message naming
 * the socket), never a reason to do the work again through the JVM: it may have done it.
 */
int start_service_run(const char *const *args, size_t nargs, const char *input, size_t input_len);

#endif
