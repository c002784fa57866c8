package dev.jaccel.bench.nvml;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Bare FFM downcalls to the same functions, with caller-owned buffers and nothing around them:
 * the FFM floor that jaccel's binding ({@code dev.jaccel.nvml}) is measured against, so the report
 * can tell the cost of the JVM's downcall from the cost of the binding's own work (error mapping,
 * scratch arenas, strings). Benchmark comparison only; product code goes through the binding.
 *
 * <p>The library is named by the system property {@code jaccel.bench.nvml} (set from the
 * environment by {@link dev.jaccel.bench.BenchHost} before this class initialises), because the
 * handles are {@code static final} constants the JIT can inline.
 */
@SuppressWarnings("restricted")
public final class RawFfmNvml {
    public static final String LIBRARY_PROPERTY = "jaccel.bench.nvml";
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup NVML = SymbolLookup.libraryLookup(
            System.getProperty(LIBRARY_PROPERTY, "libnvidia-ml.so.1"), Arena.global());

    public static final MethodHandle INIT_V2 = handle("nvmlInit_v2", FunctionDescriptor.of(JAVA_INT));
    public static final MethodHandle GET_COUNT_V2 = handle("nvmlDeviceGetCount_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final MethodHandle GET_HANDLE_BY_INDEX_V2 = handle("nvmlDeviceGetHandleByIndex_v2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    public static final MethodHandle GET_MEMORY_INFO_V2 = handle("nvmlDeviceGetMemoryInfo_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final MethodHandle GET_UUID = handle("nvmlDeviceGetUUID",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    /** {@code nvmlMemory_v2_t.version}: size 40 | struct version 2 << 24. */
    public static final int MEMORY_V2_VERSION = 0x02000028;
    public static final long MEMORY_V2_SIZE = 40;
    public static final long MEMORY_V2_TOTAL_OFFSET = 8;
    /** NVML_DEVICE_UUID_V2_BUFFER_SIZE */
    public static final int UUID_BUFFER_SIZE = 96;

    private RawFfmNvml() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment address = NVML.find(name)
                .orElseThrow(() -> new IllegalStateException("the NVML library has no symbol " + name));
        return LINKER.downcallHandle(address, descriptor);
    }
}
