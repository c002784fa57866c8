package dev.jaccel.nvml;

import dev.jaccel.testkit.FakeLibraries;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fake NVML through raw downcalls, independent of {@link NvmlLibrary}, for the ABI tests: one
 * per test, it balances its inits on {@link #close()}.
 */
@SuppressWarnings("restricted") // raw FFM on the fake is the point of the ABI tests
final class RawNvml implements AutoCloseable {
    static final SymbolLookup NVML = SymbolLookup.libraryLookup(FakeLibraries.nvml(), Arena.global());
    static final byte POISON = (byte) 0xAA;
    static final FunctionDescriptor I_P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    static final FunctionDescriptor I_PP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    static final FunctionDescriptor I_PPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    static final FunctionDescriptor I_PIP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    private static final Linker LINKER = Linker.nativeLinker();

    final Arena arena = Arena.ofConfined();
    private int inits;

    static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(NVML.find(name).orElseThrow(() -> new AssertionError(name + " is not exported")), fd);
    }

    static int call(String name, FunctionDescriptor fd, Object... args) throws Throwable {
        return (int) handle(name, fd).invokeWithArguments(args);
    }

    void init() throws Throwable {
        assertEquals(0, call("nvmlInit_v2", FunctionDescriptor.of(JAVA_INT)));
        inits++;
    }

    /** Counts an init made by the test itself, so {@link #close()} balances it. */
    void countInit() {
        inits++;
    }

    MemorySegment poisoned(long size) {
        MemorySegment s = arena.allocate(size, 8);
        s.fill(POISON);
        return s;
    }

    MemorySegment byIndex(int index) throws Throwable {
        MemorySegment out = arena.allocate(ADDRESS);
        assertEquals(0, call("nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), index, out));
        return out.get(ADDRESS, 0);
    }

    MemorySegment byUuid(String uuid) throws Throwable {
        MemorySegment out = arena.allocate(ADDRESS);
        assertEquals(0, call("nvmlDeviceGetHandleByUUID", I_PP, arena.allocateFrom(uuid), out));
        return out.get(ADDRESS, 0);
    }

    MemorySegment intOut() {
        return arena.allocate(JAVA_INT);
    }

    @Override
    public void close() {
        try {
            while (inits-- > 0) {
                assertEquals(0, call("nvmlShutdown", FunctionDescriptor.of(JAVA_INT)));
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            arena.close();
        }
    }
}
