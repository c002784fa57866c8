/* The start service's client: see start_service.h; the request's layout is StartRequest.java's. */
#define _GNU_SOURCE
#include "start_service.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/jaccel/start.sock"
#define VERSION "jaccel-start-1"
/* the service runs the same code as the JVM path, whose slowest step (jaccel-inject) has 10 s */
#define ANSWER_SECONDS 30
#define RESPONSE_CAP ((size_t)1 << 20)

/* the variables that choose what the container path reads (StartService.HOST_KEYS), and JACCEL_DEBUG */
static const char *const SENT_VARIABLES[] = {"JACCEL_CONFIG", "JACCEL_SNAPSHOT", "JACCEL_HOST_ROOT",
        "JACCEL_NVML_LIBRARY", "JACCEL_NRT_LIBRARY", "JACCEL_DEBUG", NULL};

struct buffer {
    char *data;
    size_t len, cap;
    bool failed;
};

static void append(struct buffer *b, const void *data, size_t n) {
    if (b->failed) {
        return;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap == 0 ? 4096 : b->cap;
        while (cap < b->len + n) {
            cap *= 2;
        }
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

static void field(struct buffer *b, const char *s) {
    append(b, s, strlen(s) + 1);
}

static void number(struct buffer *b, size_t n) {
    char text[32];
    snprintf(text, sizeof text, "%zu", n);
    field(b, text);
}

static bool namespace_link(const char *kind, char *out, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", kind);
    ssize_t n = readlink(path, out, size - 1);
    if (n <= 0) {
        return false;
    }
    out[n] = '\0';
    return true;
}

static bool send_all(int fd, const char *data, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        data += w;
        n -= (size_t)w;
    }
    return true;
}

static int connected(const char *socket_path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof addr.sun_path) {
        return -1;
    }
    strcpy(addr.sun_path, socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    while (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    /* the service must be this user's (root's, for an engine): anyone else could answer "done" */
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != geteuid()) {
        close(fd);
        return -1;
    }
    return fd;
}

static int failed(const char *socket_path, const char *why) {
    fprintf(stderr, "jaccel: the start service at %s %s; the container was not started (see `journalctl -u "
            "jaccel-serve`, or stop the service to use jaccel without it)\n", socket_path, why);
    return 4;
}

int start_service_run(const char *const *args, size_t nargs, const char *input, size_t input_len) {
    const char *socket_path = getenv("JACCEL_SOCKET");
    if (socket_path == NULL || *socket_path == '\0') {
        socket_path = DEFAULT_SOCKET;
    }
    char mnt[128], pid[128], cwd[PATH_MAX];
    if (!namespace_link("mnt", mnt, sizeof mnt) || !namespace_link("pid", pid, sizeof pid)
            || getcwd(cwd, sizeof cwd) == NULL) {
        return START_SERVICE_UNAVAILABLE;
    }
    int fd = connected(socket_path);
    if (fd < 0) {
        return START_SERVICE_UNAVAILABLE;
    }

    struct buffer request = {0};
    field(&request, VERSION);
    field(&request, mnt);
    field(&request, pid);
    field(&request, cwd);
    size_t nvars = 0;
    for (const char *const *v = SENT_VARIABLES; *v != NULL; v++) {
        nvars += getenv(*v) != NULL;
    }
    number(&request, nvars);
    for (const char *const *v = SENT_VARIABLES; *v != NULL; v++) {
        const char *value = getenv(*v);
        if (value != NULL) {
            append(&request, *v, strlen(*v));
            append(&request, "=", 1);
            field(&request, value);
        }
    }
    number(&request, nargs);
    for (size_t i = 0; i < nargs; i++) {
        field(&request, args[i]);
    }
    append(&request, input, input_len);
    /* the service reads the request up to its end: until the shutdown it has done nothing */
    bool sent = !request.failed && send_all(fd, request.data, request.len) && shutdown(fd, SHUT_WR) == 0;
    free(request.data);
    if (!sent) {
        close(fd);
        return START_SERVICE_UNAVAILABLE;
    }

    struct timeval timeout = {.tv_sec = ANSWER_SECONDS};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    struct buffer response = {0};
    char chunk[4096];
    for (;;) {
        ssize_t r = recv(fd, chunk, sizeof chunk, 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            int e = errno;
            close(fd);
            free(response.data);
            return failed(socket_path, e == EAGAIN || e == EWOULDBLOCK ? "did not answer in 30 s" : "broke off its answer");
        }
        if (r == 0) {
            break;
        }
        append(&response, chunk, (size_t)r);
        if (response.failed || response.len > RESPONSE_CAP) {
            close(fd);
            free(response.data);
            return failed(socket_path, "sent an answer too large to read");
        }
    }
    close(fd);
    append(&response, "", 1);   /* NUL-terminated from here on */
    if (response.failed) {
        free(response.data);
        return failed(socket_path, "sent an answer too large to read");
    }
    char *text = response.data;
    char *nl = strchr(text, '\n');
    /* "declined WHY\n": nothing was done; "exit N\n" then the command's stderr */
    int code;
    char *end = NULL;
    long n = nl != NULL && strncmp(text, "exit ", 5) == 0 && text[5] >= '0' && text[5] <= '9'
            ? strtol(text + 5, &end, 10) : -1;
    if (nl != NULL && strncmp(text, "declined ", 9) == 0) {
        code = START_SERVICE_UNAVAILABLE;
    } else if (end == nl && n >= 0 && n <= 255) {
        code = (int)n;
        size_t said = response.len - 1 - (size_t)(nl + 1 - text);
        if (said > 0 && write(STDERR_FILENO, nl + 1, said) < 0) {
            /* nowhere left to tell it */
        }
    } else {
        code = failed(socket_path, response.len <= 1 ? "closed the connection without an answer"
                : "sent an answer that is not jaccel's");
    }
    free(response.data);
    return code;
}
