package dev.jaccel.hook.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
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
 * else touches these MemorySegments. Every call captures errno (Linker.Option.captureCallState)
 * and a failure becomes a {@link PosixException}. Handles are looked up once; calls of the same
 * shape share a descriptor, so the linker spins one invoker per shape.
 *
 * <p>Constants and struct layouts are Linux x86-64/aarch64 ABI facts (linux/openat2.h,
 * linux/stat.h, sys/mount.h, asm-generic/fcntl.h, asm-generic/unistd.h for aarch64 and
 * arch/x86/entry/syscalls/syscall_64.tbl; openat2 and close_range have the same number on both).
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

    public static final int EEXIST = 17;
    public static final int ENOENT = 2;
    public static final int ENOSYS = 38;
    public static final int EXDEV = 18;

    private static final long SYS_OPENAT2 = 437;
    private static final long SYS_CLOSE_RANGE = 436;
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final int STATX_TYPE_MODE = 0x3;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** struct open_how { u64 flags; u64 mode; u64 resolve; } */
    private static final StructLayout OPEN_HOW = MemoryLayout.structLayout(
            JAVA_LONG.withName("flags"), JAVA_LONG.withName("mode"), JAVA_LONG.withName("resolve"));
    /** struct statx is 256 bytes; stx_mode (u16) at 28, stx_rdev_major/minor (u32) at 128/132. */
    private static final long STATX_SIZE = 256;

    /**
     * Handles are grouped by the path that needs them, each group linked on first use: the runtime
     * shim only pays for exec, the runtime-namespace hook only for the file calls (linking a new
     * descriptor shape costs milliseconds at start-up; java-ffm-and-startup.md §2.2).
     */
    private static final class FileCalls {
        static final MethodHandle OPENAT2 = downcall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), 1);
        static final MethodHandle MKNODAT = downcall("mknodat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG), -1);
        static final MethodHandle MKDIRAT = downcall("mkdirat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
        static final MethodHandle SYMLINKAT = downcall("symlinkat",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), -1);
        static final MethodHandle READLINKAT = downcall("readlinkat",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), -1);
        static final MethodHandle STATX = downcall("statx",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), -1);
        static final MethodHandle CLOSE = downcall("close",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    }

    private static final class Mounts {
        static final MethodHandle MOUNT = downcall("mount",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), -1);
    }

    private static final class Exec {
        static final MethodHandle CLOSE_RANGE = downcall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT), 1);
        static final MethodHandle SIGPROCMASK = downcall("sigprocmask",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), -1);
        static final MethodHandle EXECVE = downcall("execve",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), -1);
    }

    private static final class Errors {
        static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return firstVariadic < 0
                ? LINKER.downcallHandle(symbol, fd, ERRNO)
                : LINKER.downcallHandle(symbol, fd, ERRNO, Linker.Option.firstVariadicArg(firstVariadic));
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
            long fd = (long) FileCalls.OPENAT2.invokeExact(state, SYS_OPENAT2, dirfd, arena.allocateFrom(path), how,
                    OPEN_HOW.byteSize());
            if (fd < 0) {
                throw new PosixException("openat2", path, errno(state));
            }
            return (int) fd;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("openat2", t);
        }
    }

    /** mknodat(2): creates a node; never follows a final symlink and fails with EEXIST if anything is there. */
    public static void mknodat(int dirfd, String name, int mode, int major, int minor) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) FileCalls.MKNODAT.invokeExact(state, dirfd, arena.allocateFrom(name), mode, makedev(major, minor));
            check(rc, state, "mknodat", name);
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("mknodat", t);
        }
    }

    public static void mkdirat(int dirfd, String name, int mode) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) FileCalls.MKDIRAT.invokeExact(state, dirfd, arena.allocateFrom(name), mode);
            check(rc, state, "mkdirat", name);
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("mkdirat", t);
        }
    }

    public static void symlinkat(String target, int dirfd, String name) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) FileCalls.SYMLINKAT.invokeExact(state, arena.allocateFrom(target), dirfd, arena.allocateFrom(name));
            check(rc, state, "symlinkat", name);
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("symlinkat", t);
        }
    }

    public static String readlinkat(int dirfd, String name) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(4096);
            long n = (long) FileCalls.READLINKAT.invokeExact(state, dirfd, arena.allocateFrom(name), buf, 4096L);
            if (n < 0) {
                throw new PosixException("readlinkat", name, errno(state));
            }
            return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("readlinkat", t);
        }
    }

    /** statx(2) of {@code name} under {@code dirfd} without following a final symlink ("" = dirfd itself). */
    public static Stat lstatat(int dirfd, String name) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int flags = AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? AT_EMPTY_PATH : 0);
            int rc = (int) FileCalls.STATX.invokeExact(state, dirfd, arena.allocateFrom(name), flags, STATX_TYPE_MODE, buf);
            check(rc, state, "statx", name.isEmpty() ? "fd " + dirfd : name);
            return new Stat(Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28)),
                    buf.get(JAVA_INT, 128), buf.get(JAVA_INT, 132));
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("statx", t);
        }
    }

    /** mount(2); {@code source}/{@code fstype} may be null. */
    public static void mount(String source, String target, String fstype, long flags) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            // locals: a conditional expression passed to invokeExact would be typed Object
            MemorySegment src = source == null ? MemorySegment.NULL : arena.allocateFrom(source);
            MemorySegment type = fstype == null ? MemorySegment.NULL : arena.allocateFrom(fstype);
            int rc = (int) Mounts.MOUNT.invokeExact(state, src, arena.allocateFrom(target), type, flags,
                    MemorySegment.NULL);
            check(rc, state, "mount", (source == null ? "" : source + " on ") + target);
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("mount", t);
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) FileCalls.CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw unexpected("close", t);
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
            MemorySegment empty = arena.allocate(128); // sigset_t, zeroed
            int ignored = (int) Exec.SIGPROCMASK.invokeExact(state, 2 /* SIG_SETMASK */, empty, MemorySegment.NULL);
            long ignored2 = (long) Exec.CLOSE_RANGE.invokeExact(state, SYS_CLOSE_RANGE, firstCloseOnExec, -1,
                    CLOSE_RANGE_CLOEXEC);
            int rc = (int) Exec.EXECVE.invokeExact(state, arena.allocateFrom(path), strings(arena, argv), strings(arena, env));
            return new PosixException("execve", path, rc < 0 ? errno(state) : 0);
        } catch (Throwable t) {
            throw unexpected("execve", t);
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Errors.STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
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

    private static void check(int rc, MemorySegment state, String call, String subject) throws PosixException {
        if (rc != 0) {
            throw new PosixException(call, subject, errno(state));
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO_HANDLE.get(state, 0L);
    }

    private static IllegalStateException unexpected(String call, Throwable t) {
        return new IllegalStateException("calling " + call + " through FFM failed", t);
    }
}
