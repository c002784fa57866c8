package dev.jaccel.hook.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one binding of libc in jaccel: the few system calls the shim and the hook need that the JDK
 * does not offer (openat2 with {@code RESOLVE_IN_ROOT}, mknodat, statx, mount, execve). Nothing
 * else touches these MemorySegments.
 *
 * <p>Every call goes through libc's {@code syscall(2)} with ONE downcall handle of one shape
 * ({@code long syscall(long nr, long a1..a5)}): linking a downcall costs milliseconds per distinct
 * descriptor at start-up and this runs in every container start (docs/jvm-startup.md §2.2),
 * while pointers and ints pass as longs to the kernel all the same. errno is captured with
 * {@code Linker.Option.captureCallState}; a failure becomes a {@link PosixException}.
 *
 * <p>Numbers, constants and struct layouts are Linux ABI facts: arch/x86/entry/syscalls/syscall_64.tbl
 * and include/uapi/asm-generic/unistd.h (aarch64), linux/openat2.h, linux/stat.h, linux/mount.h,
 * asm-generic/fcntl.h.
 */
@SuppressWarnings("restricted")   // FFM downcalls are this class's purpose; the JVM runs with --enable-native-access
public final class Libc {
    public static final int AT_FDCWD = -100;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;

    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_IN_ROOT = 0x10;

    public static final int S_IFMT = 0170000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_EMPTY_PATH = 0x1000;

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;

    /** unshare(2)/clone(2): the filesystem attributes (root, cwd, umask); setns(2): a mount namespace. */
    public static final long CLONE_FS = 0x0000_0200L;
    public static final long CLONE_NEWNS = 0x0002_0000L;

    public static final int EEXIST = 17;
    public static final int ENOENT = 2;
    public static final int ENOSYS = 38;
    public static final int EXDEV = 18;

    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final int STATX_TYPE_MODE = 0x3;
    private static final int SIG_SETMASK = 2;
    /** The kernel's sigset_t is 64 bits (rt_sigprocmask's last argument). */
    private static final long KERNEL_SIGSET_SIZE = 8;

    /** System call numbers, x86-64 and aarch64. */
    private enum Nr {
        OPENAT2(437, 437), CLOSE_RANGE(436, 436), MKNODAT(259, 33), MKDIRAT(258, 34), SYMLINKAT(266, 36),
        READLINKAT(267, 78), STATX(332, 291), MOUNT(165, 40), CLOSE(3, 57), EXECVE(59, 221), RT_SIGPROCMASK(14, 135),
        UNSHARE(272, 97), SETNS(308, 268), UMASK(95, 166);

        final long number;

        Nr(long x86, long arm) {
            this.number = "aarch64".equals(System.getProperty("os.arch")) ? arm : x86;
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall")),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));

    /** struct open_how { u64 flags; u64 mode; u64 resolve; } */
    private static final StructLayout OPEN_HOW = MemoryLayout.structLayout(
            JAVA_LONG.withName("flags"), JAVA_LONG.withName("mode"), JAVA_LONG.withName("resolve"));
    /** struct statx is 256 bytes; stx_mode (u16) at 28, stx_rdev_major/minor (u32) at 128/132. */
    private static final long STATX_SIZE = 256;

    private Libc() {
    }

    /** One system call; -1 with errno in {@code state} on failure, as libc's syscall(2) returns it. */
    private static long sys(MemorySegment state, Nr nr, long a, long b, long c, long d, long e) {
        try {
            return (long) SYSCALL.invokeExact(state, nr.number, a, b, c, d, e);
        } catch (Throwable t) {
            throw new IllegalStateException("calling " + nr.name().toLowerCase(java.util.Locale.ROOT)
                    + " through FFM failed", t);
        }
    }

    private static long ptr(MemorySegment s) {
        return s.address();
    }

    /** What a node is: type and permission bits ({@code st_mode}) and, for devices, major:minor. */
    public record Stat(int mode, int rdevMajor, int rdevMinor) {
        public int type() {
            return mode & S_IFMT;
        }
    }

    /**
     * openat2(2): opens {@code path} relative to {@code dirfd} with {@code resolve} flags; the
     * kernel does the confinement (RESOLVE_IN_ROOT: ".." and absolute symlinks stay under dirfd).
     */
    public static int openat2(int dirfd, String path, int flags, int mode, long resolve) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment how = arena.allocate(OPEN_HOW);
            how.set(JAVA_LONG, 0, flags | O_CLOEXEC);
            how.set(JAVA_LONG, 8, mode);
            how.set(JAVA_LONG, 16, resolve);
            MemorySegment state = arena.allocate(CALL_STATE);
            long fd = sys(state, Nr.OPENAT2, dirfd, ptr(arena.allocateFrom(path)), ptr(how), OPEN_HOW.byteSize(), 0);
            if (fd < 0) {
                throw new PosixException("openat2", path, errno(state));
            }
            return (int) fd;
        }
    }

    /** mknodat(2): creates a node; never follows a final symlink and fails with EEXIST if anything is there. */
    public static void mknodat(int dirfd, String name, int mode, int major, int minor) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long rc = sys(state, Nr.MKNODAT, dirfd, ptr(arena.allocateFrom(name)), mode, makedev(major, minor), 0);
            check(rc, state, "mknodat", name);
        }
    }

    public static void mkdirat(int dirfd, String name, int mode) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long rc = sys(state, Nr.MKDIRAT, dirfd, ptr(arena.allocateFrom(name)), mode, 0, 0);
            check(rc, state, "mkdirat", name);
        }
    }

    public static void symlinkat(String target, int dirfd, String name) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long rc = sys(state, Nr.SYMLINKAT, ptr(arena.allocateFrom(target)), dirfd, ptr(arena.allocateFrom(name)), 0, 0);
            check(rc, state, "symlinkat", name);
        }
    }

    public static String readlinkat(int dirfd, String name) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(4096);
            long n = sys(state, Nr.READLINKAT, dirfd, ptr(arena.allocateFrom(name)), ptr(buf), 4096, 0);
            if (n < 0) {
                throw new PosixException("readlinkat", name, errno(state));
            }
            return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** statx(2) of {@code name} under {@code dirfd} without following a final symlink ("" = dirfd itself). */
    public static Stat lstatat(int dirfd, String name) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
            long rc = sys(state, Nr.STATX, dirfd, ptr(arena.allocateFrom(name)), flags, STATX_TYPE_MODE, ptr(buf));
            check(rc, state, "statx", name.isEmpty() ? "fd " + dirfd : name);
            return new Stat(Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28)),
                    buf.get(JAVA_INT, 128), buf.get(JAVA_INT, 132));
        }
    }

    /** mount(2); {@code source}/{@code fstype} may be null. */
    public static void mount(String source, String target, String fstype, long flags) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long src = source == null ? 0 : ptr(arena.allocateFrom(source));
            long type = fstype == null ? 0 : ptr(arena.allocateFrom(fstype));
            long rc = sys(state, Nr.MOUNT, src, ptr(arena.allocateFrom(target)), type, flags, 0);
            check(rc, state, "mount", (source == null ? "" : source + " on ") + target);
        }
    }

    /** unshare(2) of the calling thread's {@code flags} (e.g. {@link #CLONE_FS}: its own root, cwd and umask). */
    public static void unshare(long flags) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check(sys(state, Nr.UNSHARE, flags, 0, 0, 0, 0), state, "unshare", "flags 0x" + Long.toHexString(flags));
        }
    }

    /** setns(2): moves the calling thread into the namespace {@code fd} refers to. */
    public static void setns(int fd, long nstype) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check(sys(state, Nr.SETNS, fd, nstype, 0, 0, 0), state, "setns", "fd " + fd);
        }
    }

    /** umask(2) of the calling thread's filesystem attributes; returns the previous mask. */
    public static int umask(int mask) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) sys(arena.allocate(CALL_STATE), Nr.UMASK, mask, 0, 0, 0, 0);
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            sys(arena.allocate(CALL_STATE), Nr.CLOSE, fd, 0, 0, 0, 0);
        }
    }

    /**
     * Replaces this process with {@code path} (same pid, so signals and the exit status go straight
     * to and from the runtime). Before that: the signal mask is cleared (the JVM's threads block
     * some signals and execve keeps the mask), and every fd from {@code firstCloseOnExec} up is
     * marked close-on-exec so the JVM's own files (jars, the perf map) do not leak into the runtime.
     * Returns only by throwing.
     */
    public static PosixException execve(String path, List<String> argv, List<String> env, int firstCloseOnExec) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment empty = arena.allocate(KERNEL_SIGSET_SIZE); // zeroed: nothing blocked
            sys(state, Nr.RT_SIGPROCMASK, SIG_SETMASK, ptr(empty), 0, KERNEL_SIGSET_SIZE, 0);
            sys(state, Nr.CLOSE_RANGE, firstCloseOnExec, 0xFFFF_FFFFL, CLOSE_RANGE_CLOEXEC, 0, 0);
            long rc = sys(state, Nr.EXECVE, ptr(arena.allocateFrom(path)), ptr(strings(arena, argv)),
                    ptr(strings(arena, env)), 0, 0);
            return new PosixException("execve", path, rc < 0 ? errno(state) : 0);
        }
    }

    /** strerror(3)'s text, linked only when an error is reported. */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Errors.STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static final class Errors {
        static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** glibc's makedev encoding of a dev_t. */
    static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0x00000fffL) << 8) | ((ma & 0xfffff000L) << 32) | (mi & 0x000000ffL) | ((mi & 0xffffff00L) << 12);
    }

    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(long rc, MemorySegment state, String call, String subject) throws PosixException {
        if (rc != 0) {
            throw new PosixException(call, subject, errno(state));
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO_HANDLE.get(state, 0L);
    }

}
