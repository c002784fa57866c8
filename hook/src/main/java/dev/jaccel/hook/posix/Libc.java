package dev.jaccel.hook.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one binding of libc in jaccel: {@code execve(2)} for the runc shim when it is started without
 * bin/jaccel (the launcher execs the runtime itself, so the container path links nothing; the
 * hook's system calls are jaccel-inject's, see {@code Injector}). Nothing else touches these
 * MemorySegments.
 *
 * <p>Calls go through libc's {@code syscall(2)} with ONE downcall handle of one shape
 * ({@code long syscall(long nr, long a1..a5)}), linked when this class is first used: linking costs
 * milliseconds per descriptor (docs/jvm-startup.md). errno is captured with
 * {@code Linker.Option.captureCallState}. Numbers and constants are Linux ABI facts:
 * arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h (aarch64).
 */
@SuppressWarnings("restricted")   // FFM downcalls are this class's purpose; the JVM runs with --enable-native-access
public final class Libc {
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final int SIG_SETMASK = 2;
    /** The kernel's sigset_t is 64 bits (rt_sigprocmask's last argument). */
    private static final long KERNEL_SIGSET_SIZE = 8;

    /** System call numbers, x86-64 and aarch64. */
    private enum Nr {
        CLOSE_RANGE(436, 436), EXECVE(59, 221), RT_SIGPROCMASK(14, 135);

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

    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO_HANDLE.get(state, 0L);
    }
}
