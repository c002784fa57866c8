/*
 * jaccel-runtime: the runc shim engines are configured with (Docker runtimes.<name>.path,
 * containerd BinaryName, CRI-O runtime_path), installed as bin/jaccel-runtime. It receives runc's
 * arguments and does one thing: when bin/jaccel would `exec` the real runtime without a JVM, it
 * does that exec itself, without the two shell starts and the grep the launcher costs (each is paid
 * on every container start: docs/design.md, "Start latency"). In every other case, and whenever in
 * doubt, it execs the launcher, `bin/jaccel runtime ARGS...`, which repeats its own checks and owns
 * every error message and the JVM path. A create/run whose spec may ask for a device is first
 * offered to jaccel's start service (start_service.h), a resident JVM that edits the spec as the
 * launcher's would; when there is none, or it declines, the launcher runs as before.
 *
 * bin/jaccel is the source of truth for each rule below (its `runtime` block, real_runtime, on_path,
 * may_request_devices and CONFIG_WIDENS); this program may send more cases to the launcher than
 * those rules require, never fewer. LauncherEndToEndTest and RuntimeFrontEndToEndTest run the same
 * tables through both. Exit status: the runtime's or the launcher's; 4 when the launcher is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "start_service.h"

/* a spec or config.toml larger than this is not read here: the launcher decides */
#define FILE_CAP ((size_t)64 << 20)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* [ -f P ] && [ -x P ], as the launcher tests a runtime (effective ids, like test(1)) */
static bool executable_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && faccessat(AT_FDCWD, p, X_OK, AT_EACCESS) == 0;
}

/* on_path: the first DIR/NAME on PATH (unset or empty: the launcher's default) that is an
 * executable file; empty components are skipped, as the launcher skips them */
static bool on_path(const char *name, char *out, size_t size) {
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0') {
        path = DEFAULT_PATH;
    }
    for (const char *dir = path; *dir != '\0';) {
        size_t n = strcspn(dir, ":");
        if (n > 0) {
            int w = snprintf(out, size, "%.*s/%s", (int)n, dir, name);
            if (w > 0 && (size_t)w < size && executable_file(out)) {
                return true;
            }
        }
        dir += n;
        if (*dir == ':') {
            dir++;
        }
    }
    return false;
}

/* real_runtime: JACCEL_RUNTIME (with a '/': that file; else a name on PATH), unset or empty: runc,
 * then crun on PATH */
static bool real_runtime(char *out, size_t size) {
    const char *rt = getenv("JACCEL_RUNTIME");
    if (rt != NULL && strchr(rt, '/') != NULL) {
        if (!executable_file(rt) || strlen(rt) >= size) {
            return false;
        }
        strcpy(out, rt);
        return true;
    }
    if (rt != NULL && *rt != '\0') {
        return on_path(rt, out, size);
    }
    return on_path("runc", out, size) || on_path("crun", out, size);
}

/*
 * The whole of a regular file up to FILE_CAP, NUL-terminated, or NULL (missing, unreadable, not a
 * regular file, too large). It must also be text grep reads line by line as this program does: no
 * NUL and valid UTF-8 (else grep may call it binary and print no matches, which the launcher reads
 * as "may request"), so anything else is NULL too.
 */
static char *read_text(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= FILE_CAP) {
        size_t cap = (size_t)st.st_size + 1;   /* one byte more: a file that grew shows as too large */
        buf = malloc(cap + 1);
        while (buf != NULL) {
            ssize_t r = read(fd, buf + n, cap - n);
            if (r < 0 && errno == EINTR) {
                continue;
            }
            if (r < 0 || (n += (size_t)r) == cap) {
                free(buf);
                buf = NULL;
            } else if (r == 0) {
                break;
            }
        }
    }
    close(fd);
    if (buf == NULL) {
        return NULL;
    }
    buf[n] = '\0';
    for (size_t i = 0; i < n;) {   /* UTF-8 (RFC 3629): no overlong forms, surrogates or > U+10FFFF */
        unsigned char c = (unsigned char)buf[i];
        size_t more = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                : c >= 0xF0 && c <= 0xF4 ? 3 : 4;
        bool ok = c != 0 && more < 4 && i + more < n;
        for (size_t k = 1; ok && k <= more; k++) {
            ok = ((unsigned char)buf[i + k] & 0xC0) == 0x80;
        }
        if (ok && more > 0) {
            unsigned char d = (unsigned char)buf[i + 1];
            ok = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d > 0x9F)
                    && !(c == 0xF0 && d < 0x90) && !(c == 0xF4 && d > 0x8F);
        }
        if (!ok) {
            free(buf);
            return NULL;
        }
        i += more + 1;
    }
    *len = n;
    return buf;
}

enum widens { WIDENS_NO, WIDENS_YES, WIDENS_UNSURE };

/*
 * CONFIG_WIDENS: JACCEL_CONFIG (unset or empty: /etc/jaccel/config.toml) has a line matching
 * ^[[:space:]]*("?swarm-resource|"?annotation-prefixes). A file that is not there widens nothing;
 * one that is there but cannot be read is unsure (the launcher's grep would say no: it decides).
 * Non-ASCII bytes count as [[:space:]] here (a UTF-8 locale has more spaces): more matches, never fewer.
 */
static enum widens config_widens(void) {
    const char *path = getenv("JACCEL_CONFIG");
    if (path == NULL || *path == '\0') {
        path = "/etc/jaccel/config.toml";
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        return errno == ENOENT || errno == ENOTDIR ? WIDENS_NO : WIDENS_UNSURE;
    }
    size_t n;
    char *text = read_text(path, &n);
    if (text == NULL) {
        return WIDENS_UNSURE;
    }
    enum widens result = WIDENS_NO;
    for (char *line = text; line != NULL && result == WIDENS_NO;) {
        char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f' || *p == '\r' || (unsigned char)*p >= 0x80) {
            p++;
        }
        if (*p == '"') {
            p++;
        }
        if (strncmp(p, "swarm-resource", 14) == 0 || strncmp(p, "annotation-prefixes", 19) == 0) {
            result = WIDENS_YES;
        }
        line = strchr(line, '\n');
        if (line != NULL) {
            line++;
        }
    }
    free(text);
    return result;
}

enum token { NONE, NOTHING, LEGACY, REQUEST };

/* may_request_devices' grep -oE alternatives: at one position, the kind of the longest that matches
 * and its length (grep's leftmost-longest) */
static enum token token_at(const char *s, size_t *len) {
    static const struct { const char *text; enum token kind; } literals[] = {
        {"\"NVIDIA_VISIBLE_DEVICES=void\"", NOTHING},
        {"\"NVIDIA_VISIBLE_DEVICES=\"", NOTHING},
        {"NVIDIA_VISIBLE_DEVICES", REQUEST},
        {"CUDA_VERSION", LEGACY},
        {"AWS_NEURON_VISIBLE_DEVICES", REQUEST},
        {"NEURON_RT_VISIBLE_CORES", REQUEST},
        {"nvidia.com", REQUEST},
        {"aws.amazon.com", REQUEST},
        {"cdi.k8s.io", REQUEST},
        {"nvidia-container-devices", REQUEST},
    };
    enum token kind = NONE;
    *len = 0;
    for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        size_t n = strlen(literals[i].text);
        if (n > *len && strncmp(s, literals[i].text, n) == 0) {
            kind = literals[i].kind;
            *len = n;
        }
    }
    /* \u00([4-7][0-9a-fA-F]|3[0-9]|2[d-fD-F]): an escaped letter, digit or . - / */
    if (*len < 6 && strncmp(s, "\\u00", 4) == 0) {
        char a = s[4], b = s[5];
        bool hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
        if ((a >= '4' && a <= '7' && hex) || (a == '3' && b >= '0' && b <= '9')
                || (a == '2' && ((b >= 'd' && b <= 'f') || (b >= 'D' && b <= 'F')))) {
            kind = REQUEST;
            *len = 6;
        }
    }
    return kind;
}

/*
 * may_request_devices: true unless the spec at PATH certainly asks for no device. grep -o reports
 * matches left to right, each search going on after the previous match, so a quoted
 * "NVIDIA_VISIBLE_DEVICES=void" hides the bare name inside it. Any match but those quoted "nothing"
 * forms and CUDA_VERSION is a request; CUDA_VERSION (a legacy image: all GPUs) is one unless a
 * "nothing" form was seen. No match: no request. The tokens hold no newline, so grep's lines need
 * no splitting here.
 */
static bool may_request_devices(const char *path) {
    if (config_widens() != WIDENS_NO) {
        return true;
    }
    size_t n;
    char *spec = read_text(path, &n);
    if (spec == NULL) {
        return true;
    }
    bool matched = false, nothing = false, request = false;
    for (size_t i = 0; i < n && !request;) {
        size_t len;
        enum token t = token_at(spec + i, &len);
        if (t == NONE) {
            i++;
            continue;
        }
        matched = true;
        nothing |= t == NOTHING;
        request = t == REQUEST;
        i += len;
    }
    free(spec);
    return request || (matched && !nothing);
}

/* bin/jaccel runtime ARGS...: beside this program's own file (installed: bin/), else the source
 * checkout's (this program in hook/target/native/). Only /proc/self/exe chooses, no variable. */
static void exec_launcher(char **argv, int argc) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char beside[PATH_MAX + 16] = "", checkout[PATH_MAX + 32] = "";
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(beside, sizeof beside, "%s/jaccel", self);
            snprintf(checkout, sizeof checkout, "%s/../../../bin/jaccel", self);
        }
    }
    char *launcher = *beside != '\0' && executable_file(beside) ? beside
            : *checkout != '\0' && executable_file(checkout) ? checkout : NULL;
    if (launcher == NULL) {
        fprintf(stderr, "jaccel-runtime: the launcher is missing: neither %s nor %s is an executable file;"
                " reinstall jaccel\n", *beside ? beside : "<dir>/jaccel", *checkout ? checkout : "<dir>/../../../bin/jaccel");
        exit(4);
    }
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (args == NULL) {
        fprintf(stderr, "jaccel-runtime: out of memory\n");
        exit(4);
    }
    static char runtime_word[] = "runtime";
    args[0] = launcher;
    args[1] = runtime_word;
    for (int i = 1; i < argc; i++) {
        args[i + 1] = argv[i];
    }
    execv(launcher, args);
    fprintf(stderr, "jaccel-runtime: cannot run %s: %s\n", launcher, strerror(errno));
    exit(4);
}

static bool any_of(const char *a, const char *const *set) {
    for (; *set != NULL; set++) {
        if (strcmp(a, *set) == 0) {
            return true;
        }
    }
    return false;
}

int main(int argc, char **argv) {
    if (argc < 1) {   /* execve with an empty argv: give it a name, so argv[0] can be replaced */
        static char name[] = "jaccel-runtime";
        static char *named[] = {name, NULL};
        argc = 1;
        argv = named;
    }
    /* bin/jaccel unsets these at its top, before it execs the runtime: the runtime must see the same */
    static const char *const unset[] = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS",
            "LD_PRELOAD", "LD_LIBRARY_PATH", "JACCEL_STATE", "CDPATH", NULL};
    for (const char *const *v = unset; *v != NULL; v++) {
        unsetenv(*v);
    }

    /* runc's grammar, as bin/jaccel's runtime block reads it (and RuntimeArgs; RuncCommandLines) */
    static const char *const global_valued[] = {"-root", "--root", "-log", "--log", "-log-format",
            "--log-format", "-criu", "--criu", "-rootless", "--rootless", NULL};
    static const char *const bundle_flags[] = {"--bundle", "-bundle", "--b", "-b", NULL};
    static const char *const sub_valued[] = {"--console-socket", "-console-socket", "--pid-file",
            "-pid-file", "--preserve-fds", "-preserve-fds", NULL};
    const char *sub = "", *bundle = "";
    enum { GLOBAL, SUBCOMMAND, ARGS } phase = GLOBAL;
    enum { NOTHING_EXPECTED, SKIP, BUNDLE } expect = NOTHING_EXPECTED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (expect != NOTHING_EXPECTED) {
            if (expect == BUNDLE) {
                bundle = a;
            }
            expect = NOTHING_EXPECTED;
            continue;
        }
        if (phase == GLOBAL) {
            if (strcmp(a, "--") == 0) {
                phase = SUBCOMMAND;
            } else if (any_of(a, global_valued)) {
                expect = SKIP;
            } else if (a[0] != '-' || strcmp(a, "-") == 0) {
                sub = a;
                phase = ARGS;
            }
        } else if (phase == SUBCOMMAND) {
            sub = a;
            phase = ARGS;
        } else if (strcmp(a, "--") == 0) {
            break;
        } else if (any_of(a, bundle_flags)) {
            expect = BUNDLE;
        } else if (any_of(a, sub_valued)) {
            expect = SKIP;
        } else {
            const char *eq = strchr(a, '=');
            if (eq != NULL) {   /* --bundle=DIR: the flag is the text before the first '=' */
                char flag[16];
                size_t n = (size_t)(eq - a);
                if (n < sizeof flag) {
                    memcpy(flag, a, n);
                    flag[n] = '\0';
                    if (any_of(flag, bundle_flags)) {
                        bundle = eq + 1;
                    }
                }
            }
        }
    }

    char runtime[PATH_MAX];
    if (strcmp(sub, "configure") == 0 || !real_runtime(runtime, sizeof runtime)) {
        exec_launcher(argv, argc);
    }
    if (strcmp(sub, "create") == 0 || strcmp(sub, "run") == 0) {
        char spec[PATH_MAX];
        int w = snprintf(spec, sizeof spec, "%s/config.json", *bundle != '\0' ? bundle : ".");
        if (w < 0 || (size_t)w >= sizeof spec || may_request_devices(spec)) {
            /* the start service edits the spec as the launcher's JVM would, without a JVM start */
            static char runtime_word[] = "runtime";
            argv[0] = runtime_word;
            int code = start_service_run((const char *const *)argv, (size_t)argc, "", 0);
            if (code == START_SERVICE_UNAVAILABLE) {
                exec_launcher(argv, argc);   /* it passes argv[1..] on */
            }
            if (code != 0) {
                return code;   /* its message is on stderr already, as the launcher's JVM would print it */
            }
        }
    }
    argv[0] = runtime;
    execv(runtime, argv);
    exec_launcher(argv, argc);   /* it runs the runtime as a script or says why it cannot */
    return 4;
}
