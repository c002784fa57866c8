/*
 * jaccel-inject: the privileged, single-threaded half of jaccel's OCI hook (docs/design.md,
 * "Injection"). The JVM decides what a container gets; this program does the few system calls that
 * need a single thread or cost a JVM too much to link (FFM linking costs more than a JVM start:
 * docs/perf/README.md):
 *
 *   jaccel-inject --pid PID ROOTFS    joins the mount namespace of PID (setns(2) needs a thread
 *                                     that shares its filesystem attributes with no other), then
 *   jaccel-inject ROOTFS              (already in the container's namespace: createContainer)
 *
 * reads requests on stdin, each a sequence of NUL-terminated fields, and applies them in order:
 *
 *   node  PATH MAJOR MINOR MODE       a character device, mode exactly MODE (umask 0)
 *   mount SOURCE PATH FLAGS KIND      a bind mount of the host's SOURCE onto PATH (KIND "file" or
 *                                     "dir"), then remounted with FLAGS (MS_RDONLY|MS_NOSUID|...)
 *   end                               the request is complete: nothing is applied without it
 *
 * Every PATH is inside ROOTFS and is resolved by the kernel with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) (openat2(2)): an absolute symlink or ".." in the image stays under ROOTFS,
 * "/proc/1/root" links are refused. Final components are created with calls that never follow a
 * symlink and fail if something else is there (mknodat, mkdirat, O_CREAT|O_EXCL|O_NOFOLLOW); a
 * bind mount lands on the very inode that was made or checked (mount(2) onto /proc/self/fd/N).
 * Nothing of the image is read or executed. Exit status: 0 done; 2 bad request or a path the image
 * made unusable (one line on stderr says which); 4 a system call the host refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_REQUEST (1 << 20)
#define MAX_FIELDS 4096
#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static const char *rootfs_name;

static void fail(int code, const char *fmt, ...) {
    va_list ap;
    fputs("jaccel-inject: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

static int openat2_(int dirfd, const char *path, int flags, mode_t mode, unsigned long long resolve) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long) (flags | O_CLOEXEC);
    how.mode = mode;
    how.resolve = resolve;
    return (int) syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* "/a/b/c" -> components; refuses "..", drops "" and "." (a plan never needs them). */
static int split(char *path, char **parts, int max) {
    int n = 0;
    for (char *save = NULL, *p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, ".") == 0) {
            continue;
        }
        if (strcmp(p, "..") == 0) {
            fail(2, "'..' is not allowed in a path inside the container root");
        }
        if (n == max) {
            fail(2, "path with more than %d components", max);
        }
        parts[n++] = p;
    }
    return n;
}

/* An O_PATH fd of the folder parts[0..n) under root, made (0755) where missing. */
static int folder(int root, char **parts, int n, const char *shown) {
    int dir = openat2_(root, ".", O_PATH | O_DIRECTORY, 0, IN_ROOT);
    if (dir < 0) {
        fail(4, "cannot open the container root %s: %s", rootfs_name, strerror(errno));
    }
    for (int i = 0; i < n; i++) {
        int next = openat2_(dir, parts[i], O_PATH | O_DIRECTORY, 0, IN_ROOT);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(dir, parts[i], 0755) != 0 && errno != EEXIST) {
                fail(2, "cannot make the folder of %s in %s: %s", shown, rootfs_name, strerror(errno));
            }
            next = openat2_(dir, parts[i], O_PATH | O_DIRECTORY, 0, IN_ROOT);
        }
        if (next < 0) {
            fail(2, "the folder of %s in %s does not resolve inside the root (%s): a symlink out of it?",
                 shown, rootfs_name, strerror(errno));
        }
        close(dir);
        dir = next;
    }
    return dir;
}

struct target {
    int parent;
    char *name;
};

static struct target parent_of(int root, const char *path) {
    static char copy[4096];
    static char *parts[256];
    if (strlen(path) >= sizeof copy) {
        fail(2, "path too long: %.80s...", path);
    }
    strcpy(copy, path);
    int n = split(copy, parts, 256);
    if (n == 0) {
        fail(2, "'%s' names no file", path);
    }
    struct target t = {folder(root, parts, n - 1, path), parts[n - 1]};
    return t;
}

static void node(int root, const char *path, unsigned major, unsigned minor, mode_t mode) {
    struct target t = parent_of(root, path);
    if (mknodat(t.parent, t.name, S_IFCHR | (mode & 07777), makedev(major, minor)) != 0) {
        struct stat st;
        if (errno != EEXIST || fstatat(t.parent, t.name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISCHR(st.st_mode)
            || major(st.st_rdev) != major || minor(st.st_rdev) != minor) {
            fail(2, "cannot create %s (%u:%u) in %s: %s", path, major, minor, rootfs_name,
                 errno == EEXIST ? "something else is there, not replaced" : strerror(errno));
        }
    }
    close(t.parent);
}

/* An O_PATH fd of the mount target: a regular file or folder that is there or made now, never a symlink. */
static int mount_target(int root, const char *path, int is_dir) {
    struct target t = parent_of(root, path);
    struct stat st;
    if (is_dir) {
        if (mkdirat(t.parent, t.name, 0755) != 0 && errno != EEXIST) {
            fail(2, "cannot make %s in %s: %s", path, rootfs_name, strerror(errno));
        }
    } else {
        int fd = openat2_(t.parent, t.name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY, 0644, RESOLVE_NO_SYMLINKS);
        if (fd >= 0) {
            close(fd);
        } else if (errno != EEXIST) {
            fail(2, "cannot make %s in %s: %s", path, rootfs_name, strerror(errno));
        }
    }
    if (fstatat(t.parent, t.name, &st, AT_SYMLINK_NOFOLLOW) != 0 || (is_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
        fail(2, "%s in %s is not a %s (a symlink in the image?): not mounted", path, rootfs_name,
             is_dir ? "folder" : "regular file");
    }
    int fd = openat2_(t.parent, t.name, O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
    if (fd < 0) {
        fail(2, "cannot open %s in %s: %s", path, rootfs_name, strerror(errno));
    }
    close(t.parent);
    return fd;
}

static void bind(int root, const char *source, const char *path, unsigned long flags, int is_dir) {
    char via[64];
    int fd = mount_target(root, path, is_dir);
    snprintf(via, sizeof via, "/proc/self/fd/%d", fd);
    if (mount(source, via, NULL, MS_BIND, NULL) != 0) {
        fail(4, "cannot bind-mount %s on %s: %s", source, path, strerror(errno));
    }
    close(fd);
    /* the fd above names the file under the new mount; a fresh one names the mount itself */
    struct target t = parent_of(root, path);
    fd = openat2_(t.parent, t.name, O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
    close(t.parent);
    if (fd < 0) {
        fail(4, "cannot reopen %s after mounting it: %s", path, strerror(errno));
    }
    snprintf(via, sizeof via, "/proc/self/fd/%d", fd);
    if (mount(NULL, via, NULL, MS_REMOUNT | MS_BIND | flags, NULL) != 0) {
        fail(4, "cannot remount %s with flags 0x%lx: %s", path, flags, strerror(errno));
    }
    close(fd);
}

static unsigned long number(const char *s, const char *what, unsigned long max) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end || v > max) {
        fail(2, "%s '%.40s' is not a number up to %lu", what, s, max);
    }
    return v;
}

int main(int argc, char **argv) {
    long pid = 0;
    int arg = 1;
    if (argc == 4 && strcmp(argv[1], "--pid") == 0) {
        pid = (long) number(argv[2], "--pid", 4194304);
        arg = 3;
    }
    if (argc != arg + 1 || argv[arg][0] != '/') {
        fail(2, "usage: jaccel-inject [--pid PID] ROOTFS < requests (run by jaccel hook, not by hand)");
    }
    rootfs_name = argv[arg];

    /* the whole request first: nothing is applied from a request the JVM did not finish */
    static char buf[MAX_REQUEST + 1];
    size_t len = 0;
    for (ssize_t n; (n = read(0, buf + len, MAX_REQUEST - len)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail(4, "cannot read the request: %s", strerror(errno));
        }
        len += (size_t) n;
        if (len == MAX_REQUEST) {
            fail(2, "request larger than %d bytes", MAX_REQUEST);
        }
    }
    static char *field[MAX_FIELDS];
    int fields = 0;
    for (size_t i = 0; i < len;) {
        if (fields == MAX_FIELDS) {
            fail(2, "request with more than %d fields", MAX_FIELDS);
        }
        field[fields++] = buf + i;
        char *nul = memchr(buf + i, '\0', len - i);
        if (!nul) {
            fail(2, "request does not end with a NUL");
        }
        i = (size_t) (nul - buf) + 1;
    }
    if (fields == 0 || strcmp(field[fields - 1], "end") != 0) {
        fail(2, "incomplete request (no 'end'): nothing applied");
    }

    if (pid > 0) {
        char ns[64];
        snprintf(ns, sizeof ns, "/proc/%ld/ns/mnt", pid);
        int fd = open(ns, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNS) != 0) {
            fail(4, "cannot join the mount namespace of pid %ld: %s", pid, strerror(errno));
        }
        close(fd);
    }
    umask(0);
    int root = open(rootfs_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
        fail(4, "cannot open the container root %s: %s", rootfs_name, strerror(errno));
    }
    for (int i = 0; i < fields - 1;) {
        const char *op = field[i];
        if (strcmp(op, "node") == 0 && i + 4 < fields) {
            node(root, field[i + 1], (unsigned) number(field[i + 2], "major", 0xfffff),
                 (unsigned) number(field[i + 3], "minor", 0xfffff), (mode_t) number(field[i + 4], "mode", 07777));
            i += 5;
        } else if (strcmp(op, "mount") == 0 && i + 4 < fields) {
            const char *kind = field[i + 4];
            if (field[i + 1][0] != '/' || (strcmp(kind, "file") != 0 && strcmp(kind, "dir") != 0)) {
                fail(2, "bad mount request for %.80s", field[i + 2]);
            }
            unsigned long flags = number(field[i + 3], "mount flags", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
            bind(root, field[i + 1], field[i + 2], flags, strcmp(kind, "dir") == 0);
            i += 5;
        } else {
            fail(2, "unknown or truncated request '%.20s'", op);
        }
    }
    return 0;
}
