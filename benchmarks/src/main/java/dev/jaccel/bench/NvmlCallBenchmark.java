package dev.jaccel.bench;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.jaccel.bench.nvml.JnaDirectNvml;
import dev.jaccel.bench.nvml.JnaNvml;
import dev.jaccel.bench.nvml.RawFfmNvml;
import dev.jaccel.nvml.NvmlDevice;
import dev.jaccel.nvml.NvmlException;
import dev.jaccel.nvml.NvmlLibrary;
import dev.jaccel.nvml.NvmlSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Steady-state cost of one NVML call from Java: jaccel's FFM binding ({@code dev.jaccel.nvml}),
 * bare FFM downcalls, JNA interface mapping and JNA direct mapping, on the same library and GPU.
 * The C floor for the same calls is {@code benchmarks/src/main/c/nvml_call_floor.c}
 * (scripts/bench.sh runs both).
 *
 * <p>Each variant does the whole job a caller wants: the count as an int, the total memory as a
 * long, the UUID as a {@code String}. The binding adds what product code needs on top of the
 * downcall (a session hold, scratch memory, NVML codes mapped to exceptions).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NvmlCallBenchmark {

    /** jaccel's binding: one open session (NVML init held), the device of index 0. */
    @State(Scope.Thread)
    public static class Binding {
        NvmlSession session;
        NvmlDevice device;

        @Setup
        public void setUp() throws NvmlException {
            session = NvmlLibrary.load(BenchHost.nvmlLibrary()).openSession();
            device = session.device(0);
        }

        @TearDown
        public void tearDown() {
            session.close();
        }
    }

    /** FFM without the binding: static final handles, buffers owned by the caller. */
    @State(Scope.Thread)
    public static class RawFfm {
        Arena arena;
        MemorySegment count;
        MemorySegment device;
        MemorySegment memory;
        MemorySegment uuid;

        @Setup
        public void setUp() throws Throwable {
            BenchHost.context();
            arena = Arena.ofConfined();
            count = arena.allocate(ValueLayout.JAVA_INT);
            memory = arena.allocate(RawFfmNvml.MEMORY_V2_SIZE, 8);
            uuid = arena.allocate(RawFfmNvml.UUID_BUFFER_SIZE);
            MemorySegment handle = arena.allocate(ValueLayout.ADDRESS);
            check((int) RawFfmNvml.INIT_V2.invokeExact(), "nvmlInit_v2");
            check((int) RawFfmNvml.GET_HANDLE_BY_INDEX_V2.invokeExact(0, handle), "nvmlDeviceGetHandleByIndex_v2");
            device = handle.get(ValueLayout.ADDRESS, 0);
        }

        @TearDown
        public void tearDown() {
            arena.close();
        }
    }

    /** JNA interface mapping, the common way Java code binds NVML today. */
    @State(Scope.Thread)
    public static class Jna {
        JnaNvml nvml;
        Pointer device;
        final IntByReference count = new IntByReference();
        final JnaNvml.MemoryV2 memory = new JnaNvml.MemoryV2();
        final byte[] uuid = new byte[RawFfmNvml.UUID_BUFFER_SIZE];

        @Setup
        public void setUp() {
            nvml = JnaNvml.load(BenchHost.nvmlLibrary());
            check(nvml.nvmlInit_v2(), "nvmlInit_v2");
            PointerByReference handle = new PointerByReference();
            check(nvml.nvmlDeviceGetHandleByIndex_v2(0, handle), "nvmlDeviceGetHandleByIndex_v2");
            device = handle.getValue();
        }
    }

    /** JNA direct mapping (static natives, primitive arrays): JNA's fastest style. */
    @State(Scope.Thread)
    public static class JnaDirect {
        Pointer device;
        final int[] count = new int[1];
        final long[] memory = new long[(int) RawFfmNvml.MEMORY_V2_SIZE / Long.BYTES];
        final byte[] uuid = new byte[RawFfmNvml.UUID_BUFFER_SIZE];

        @Setup
        public void setUp() {
            JnaDirectNvml.register(BenchHost.nvmlLibrary());
            check(JnaDirectNvml.nvmlInit_v2(), "nvmlInit_v2");
            long[] handle = new long[1];
            check(JnaDirectNvml.nvmlDeviceGetHandleByIndex_v2(0, handle), "nvmlDeviceGetHandleByIndex_v2");
            device = new Pointer(handle[0]);
        }
    }

    @Benchmark
    public int count_ffmBinding(Binding s) throws NvmlException {
        return s.session.deviceCount();
    }

    @Benchmark
    public long memoryInfo_ffmBinding(Binding s) throws NvmlException {
        return s.device.memory().orElseThrow().total();
    }

    @Benchmark
    public String uuid_ffmBinding(Binding s) throws NvmlException {
        return s.device.uuid();
    }

    @Benchmark
    public int count_ffmRaw(RawFfm s) throws Throwable {
        int rc = (int) RawFfmNvml.GET_COUNT_V2.invokeExact(s.count);
        return rc | s.count.get(ValueLayout.JAVA_INT, 0);
    }

    @Benchmark
    public int count_jna(Jna s) {
        int rc = s.nvml.nvmlDeviceGetCount_v2(s.count);
        return rc | s.count.getValue();
    }

    @Benchmark
    public int count_jnaDirect(JnaDirect s) {
        int rc = JnaDirectNvml.nvmlDeviceGetCount_v2(s.count);
        return rc | s.count[0];
    }

    @Benchmark
    public long memoryInfo_ffmRaw(RawFfm s) throws Throwable {
        s.memory.set(ValueLayout.JAVA_INT, 0, RawFfmNvml.MEMORY_V2_VERSION);
        int rc = (int) RawFfmNvml.GET_MEMORY_INFO_V2.invokeExact(s.device, s.memory);
        return rc + s.memory.get(ValueLayout.JAVA_LONG, RawFfmNvml.MEMORY_V2_TOTAL_OFFSET);
    }

    @Benchmark
    public long memoryInfo_jna(Jna s) {
        s.memory.version = JnaNvml.MemoryV2.VERSION;
        int rc = s.nvml.nvmlDeviceGetMemoryInfo_v2(s.device, s.memory);
        return rc + s.memory.total;
    }

    @Benchmark
    public long memoryInfo_jnaDirect(JnaDirect s) {
        s.memory[0] = JnaNvml.MemoryV2.VERSION;   // version is the low int of element 0 (little-endian)
        int rc = JnaDirectNvml.nvmlDeviceGetMemoryInfo_v2(s.device, s.memory);
        return rc + s.memory[1];
    }

    @Benchmark
    public String uuid_ffmRaw(RawFfm s) throws Throwable {
        int rc = (int) RawFfmNvml.GET_UUID.invokeExact(s.device, s.uuid, RawFfmNvml.UUID_BUFFER_SIZE);
        return rc == 0 ? s.uuid.getString(0) : null;
    }

    @Benchmark
    public String uuid_jna(Jna s) {
        int rc = s.nvml.nvmlDeviceGetUUID(s.device, s.uuid, s.uuid.length);
        return rc == 0 ? Native.toString(s.uuid, "US-ASCII") : null;
    }

    @Benchmark
    public String uuid_jnaDirect(JnaDirect s) {
        int rc = JnaDirectNvml.nvmlDeviceGetUUID(s.device, s.uuid, s.uuid.length);
        return rc == 0 ? Native.toString(s.uuid, "US-ASCII") : null;
    }

    static void check(int rc, String function) {
        if (rc != 0) {
            throw new IllegalStateException(function + " returned " + rc + " (is " + BenchHost.ENV_FAKE_NVML_CONFIG
                    + " / JACCEL_NVML_LIBRARY set? run through scripts/bench.sh)");
        }
    }
}
