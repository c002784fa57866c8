package dev.jaccel.nvml;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one binding to {@code libnvidia-ml.so.1}: nothing else in jaccel touches NVML's memory.
 *
 * <p>Downcall handles are {@code static final} and shared by descriptor shape (the function's
 * address is their first argument), so one handle serves every function of that shape and every
 * loaded copy of the library. Symbols are resolved on first use, newest versioned name first,
 * then the legacy names the real library still exports (docs/nvml.md §1.2); a symbol that is not
 * there is an {@link NvmlException} with {@code FUNCTION_NOT_FOUND}, as libnvidia-container does.
 * Scratch memory comes from a confined arena per call, so instances are thread-safe (NVML is).
 * Device handles travel as {@code long} addresses: opaque, compared by value, never dereferenced.
 *
 * <p>Layouts and offsets: gcc {@code offsetof} on the NVML 13.3.29 header (docs/nvml.md §4.2).
 */
@SuppressWarnings("restricted") // the one class that links NVML: native access is its job
public final class NvmlLibrary {
    /** The name every NVML consumer loads; never the unversioned development link {@code libnvidia-ml.so}. */
    public static final String SONAME = "libnvidia-ml.so.1";

    // buffer sizes including the NUL (docs/nvml.md §3)
    static final int VERSION_BUFFER = 80;
    static final int UUID_BUFFER = 96;
    static final int NAME_BUFFER = 96;
    static final int SERIAL_BUFFER = 30;
    private static final int MAX_STRING_BUFFER = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle I_ = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle I_P = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle I_PI = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle I_IP = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle I_PP = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle I_PPI = LINKER.downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle I_PPP = LINKER.downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle I_PIP = LINKER.downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle P_I = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS, JAVA_INT));

    static final StructLayout PCI_INFO = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("busIdLegacy"),
            JAVA_INT.withName("domain"), JAVA_INT.withName("bus"), JAVA_INT.withName("device"),
            JAVA_INT.withName("pciDeviceId"), JAVA_INT.withName("pciSubSystemId"),
            MemoryLayout.sequenceLayout(32, JAVA_BYTE).withName("busId"));                  // 68 B
    /** The v1 struct behind the legacy {@code nvmlDeviceGetPciInfo}: {@code busId[16]}, 5 uints, 4 reserved. */
    static final StructLayout PCI_INFO_V1 = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("busId"),
            JAVA_INT.withName("domain"), JAVA_INT.withName("bus"), JAVA_INT.withName("device"),
            JAVA_INT.withName("pciDeviceId"), JAVA_INT.withName("pciSubSystemId"),
            MemoryLayout.sequenceLayout(4, JAVA_INT).withName("reserved"));                  // 52 B
    static final StructLayout MEMORY = MemoryLayout.structLayout(
            JAVA_LONG.withName("total"), JAVA_LONG.withName("free"), JAVA_LONG.withName("used")); // 24 B
    static final StructLayout MEMORY_V2 = MemoryLayout.structLayout(
            JAVA_INT.withName("version"), MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("total"), JAVA_LONG.withName("reserved"),
            JAVA_LONG.withName("free"), JAVA_LONG.withName("used"));                         // 40 B
    /** {@code NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | 2 << 24}. */
    static final int MEMORY_V2_VERSION = (int) MEMORY_V2.byteSize() | 2 << 24;
    static final StructLayout UTILIZATION = MemoryLayout.structLayout(
            JAVA_INT.withName("gpu"), JAVA_INT.withName("memory"));                          // 8 B
    static final StructLayout PROCESS_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("pid"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("usedGpuMemory"),
            JAVA_INT.withName("gpuInstanceId"), JAVA_INT.withName("computeInstanceId"));     // 24 B
    static final StructLayout PROCESS_INFO_V1 = MemoryLayout.structLayout(
            JAVA_INT.withName("pid"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("usedGpuMemory")); // 16 B

    private static final long PCI_BUS_ID_LEGACY = PCI_INFO.byteOffset(groupElement("busIdLegacy"));
    private static final long PCI_BUS_ID = PCI_INFO.byteOffset(groupElement("busId"));
    private static final VarHandle PCI_DOMAIN = field(PCI_INFO, "domain");
    private static final VarHandle PCI_BUS = field(PCI_INFO, "bus");
    private static final VarHandle PCI_DEVICE = field(PCI_INFO, "device");
    private static final VarHandle PCI_DEVICE_ID = field(PCI_INFO, "pciDeviceId");
    private static final VarHandle PCI_SUBSYSTEM_ID = field(PCI_INFO, "pciSubSystemId");
    private static final VarHandle MEM_TOTAL = field(MEMORY, "total");
    private static final VarHandle MEM_FREE = field(MEMORY, "free");
    private static final VarHandle MEM_USED = field(MEMORY, "used");
    private static final VarHandle MEM2_VERSION = field(MEMORY_V2, "version");
    private static final VarHandle MEM2_TOTAL = field(MEMORY_V2, "total");
    private static final VarHandle MEM2_RESERVED = field(MEMORY_V2, "reserved");
    private static final VarHandle MEM2_FREE = field(MEMORY_V2, "free");
    private static final VarHandle MEM2_USED = field(MEMORY_V2, "used");
    private static final VarHandle UTIL_GPU = field(UTILIZATION, "gpu");
    private static final VarHandle UTIL_MEMORY = field(UTILIZATION, "memory");

    private static final long NOT_AVAILABLE = -1L;   // NVML_VALUE_NOT_AVAILABLE in a 64-bit field
    private static final int NO_INSTANCE = -1;       // 0xFFFFFFFF: no GPU/compute instance (no MIG)

    /** Every function this binding calls: its names, newest first. */
    enum Fn {
        INIT("nvmlInit_v2", "nvmlInit"),
        SHUTDOWN("nvmlShutdown"),
        ERROR_STRING("nvmlErrorString"),
        DRIVER_VERSION("nvmlSystemGetDriverVersion"),
        NVML_VERSION("nvmlSystemGetNVMLVersion"),
        CUDA_DRIVER_VERSION("nvmlSystemGetCudaDriverVersion"),
        CUDA_DRIVER_VERSION_V2("nvmlSystemGetCudaDriverVersion_v2"),
        COUNT("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"),
        HANDLE_BY_INDEX("nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"),
        HANDLE_BY_UUID("nvmlDeviceGetHandleByUUID"),
        HANDLE_BY_PCI_BUS_ID("nvmlDeviceGetHandleByPciBusId_v2", "nvmlDeviceGetHandleByPciBusId"),
        INDEX("nvmlDeviceGetIndex"),
        UUID("nvmlDeviceGetUUID"),
        NAME("nvmlDeviceGetName"),
        SERIAL("nvmlDeviceGetSerial"),
        MINOR_NUMBER("nvmlDeviceGetMinorNumber"),
        PCI_INFO("nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2", "nvmlDeviceGetPciInfo"),
        MEMORY_INFO("nvmlDeviceGetMemoryInfo_v2", "nvmlDeviceGetMemoryInfo"),
        COMPUTE_CAPABILITY("nvmlDeviceGetCudaComputeCapability"),
        ARCHITECTURE("nvmlDeviceGetArchitecture"),
        BRAND("nvmlDeviceGetBrand"),
        PERSISTENCE_MODE("nvmlDeviceGetPersistenceMode"),
        TEMPERATURE("nvmlDeviceGetTemperature"),
        POWER_USAGE("nvmlDeviceGetPowerUsage"),
        POWER_LIMIT("nvmlDeviceGetEnforcedPowerLimit", "nvmlDeviceGetPowerManagementLimit"),
        UTILIZATION("nvmlDeviceGetUtilizationRates"),
        NUMA_NODE("nvmlDeviceGetNumaNodeId"),
        COMPUTE_PROCESSES("nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2",
                "nvmlDeviceGetComputeRunningProcesses"),
        MIG_MODE("nvmlDeviceGetMigMode"),
        MAX_MIG_DEVICE_COUNT("nvmlDeviceGetMaxMigDeviceCount"),
        MIG_HANDLE_BY_INDEX("nvmlDeviceGetMigDeviceHandleByIndex"),
        IS_MIG_HANDLE("nvmlDeviceIsMigDeviceHandle"),
        GPU_INSTANCE_ID("nvmlDeviceGetGpuInstanceId"),
        COMPUTE_INSTANCE_ID("nvmlDeviceGetComputeInstanceId"),
        PARENT_OF_MIG("nvmlDeviceGetDeviceHandleFromMigDeviceHandle");

        final List<String> names;

        Fn(String... names) {
            this.names = List.of(names);
        }
    }

    /** A resolved symbol: which of {@link Fn#names} it is (0 = newest), or none. */
    record Symbol(Fn fn, int variant, MemorySegment address) {
        String name() {
            return fn.names.get(variant);
        }
    }

    private static final ConcurrentHashMap<String, NvmlLibrary> LOADED = new ConcurrentHashMap<>();

    private final String source;
    private final SymbolLookup lookup;
    private final Optional<Path> file;
    private final AtomicReferenceArray<Symbol> symbols = new AtomicReferenceArray<>(Fn.values().length);

    NvmlLibrary(String source, SymbolLookup lookup, Optional<Path> file) {
        this.source = source;
        this.lookup = lookup;
        this.file = file;
    }

    /** {@code libnvidia-ml.so.1} through the system search (ld.so.cache, LD_LIBRARY_PATH). */
    public static NvmlLibrary system() throws NvmlException {
        return load(SONAME);
    }

    /**
     * Loads NVML from a bare library name (system search) or a path (containing a {@code /}).
     * The same name or path gives the same instance; the library stays loaded for the life of the
     * JVM (unloading it under a live session would pull code from under other threads).
     */
    public static NvmlLibrary load(String nameOrPath) throws NvmlException {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        String key = nameOrPath.contains("/") ? Path.of(nameOrPath).toAbsolutePath().normalize().toString() : nameOrPath;
        NvmlLibrary existing = LOADED.get(key);
        if (existing != null) {
            return existing;
        }
        NvmlLibrary loaded;
        try {
            if (key.contains("/")) {
                Path path = Path.of(key);
                loaded = new NvmlLibrary(key, SymbolLookup.libraryLookup(path, Arena.global()), realPath(path));
            } else {
                loaded = new NvmlLibrary(key, SymbolLookup.libraryLookup(key, Arena.global()), mappedFile(key));
            }
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new NvmlException(NvmlReturn.LIBRARY_NOT_FOUND.code(), "dlopen",
                    "cannot load " + nameOrPath + ": " + e.getMessage());
        }
        NvmlLibrary raced = LOADED.putIfAbsent(key, loaded);
        return raced != null ? raced : loaded;
    }

    /** What was loaded: the name or absolute path given. */
    public String source() {
        return source;
    }

    /**
     * The file behind the library with symlinks resolved, e.g. {@code /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.580.95.05}:
     * its suffix is the userspace driver version (docs/nvml.md §1.1). Empty when it cannot be found.
     */
    public Optional<Path> file() {
        return file;
    }

    /** Opens a session: one {@code nvmlInit_v2}, undone by {@link NvmlSession#close()}. */
    public NvmlSession openSession() throws NvmlException {
        return NvmlSession.open(this);
    }

    private static Optional<Path> realPath(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A library found by the system search: its file as the dynamic linker mapped it. */
    private static Optional<Path> mappedFile(String name) {
        String stem = name.contains(".so") ? name.substring(0, name.indexOf(".so") + 3) : name;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8)) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                Path p = Path.of(line.substring(slash).trim());
                Path fileName = p.getFileName();
                if (fileName != null && fileName.toString().startsWith(stem)) {
                    return Optional.of(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    // ---- symbols ----

    Symbol symbol(Fn fn) throws NvmlException {
        Symbol s = symbols.get(fn.ordinal());
        if (s == null) {
            s = new Symbol(fn, -1, null);
            for (int i = 0; i < fn.names.size(); i++) {
                Optional<MemorySegment> address = lookup.find(fn.names.get(i));
                if (address.isPresent()) {
                    s = new Symbol(fn, i, address.get());
                    break;
                }
            }
            symbols.compareAndSet(fn.ordinal(), null, s);
        }
        if (s.address() == null) {
            throw new NvmlException(NvmlReturn.FUNCTION_NOT_FOUND.code(), fn.names.getFirst(),
                    source + " exports none of " + String.join(", ", fn.names));
        }
        return s;
    }

    /** The symbol name this library answers {@code fn} with, or empty when it has none. */
    Optional<String> boundName(Fn fn) {
        try {
            return Optional.of(symbol(fn).name());
        } catch (NvmlException e) {
            return Optional.empty();
        }
    }

    private void check(int rc, Symbol s) throws NvmlException {
        if (rc != 0) {
            throw new NvmlException(rc, s.name(), errorString(rc));
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    private static VarHandle field(StructLayout layout, String name) {
        return layout.varHandle(groupElement(name));
    }

    // ---- init and system ----

    void init() throws NvmlException {
        Symbol s = symbol(Fn.INIT);
        int rc;
        try {
            rc = (int) I_.invokeExact(s.address());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(rc, s);
    }

    /** {@code nvmlShutdown}; returns the raw code (UNINITIALIZED for an unbalanced call). */
    int shutdown() throws NvmlException {
        Symbol s = symbol(Fn.SHUTDOWN);
        try {
            return (int) I_.invokeExact(s.address());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code nvmlErrorString}: a static string, read through a bounded reinterpretation, never freed. */
    public String errorString(int code) {
        try {
            Symbol s = symbol(Fn.ERROR_STRING);
            MemorySegment text = (MemorySegment) P_I.invokeExact(s.address(), code);
            return text.equals(MemorySegment.NULL) ? "" : text.reinterpret(1024).getString(0);
        } catch (NvmlException e) {
            return "";
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String driverVersion() throws NvmlException {
        return systemString(Fn.DRIVER_VERSION, VERSION_BUFFER);
    }

    String nvmlVersion() throws NvmlException {
        return systemString(Fn.NVML_VERSION, VERSION_BUFFER);
    }

    int cudaDriverVersion() throws NvmlException {
        return systemInt(Fn.CUDA_DRIVER_VERSION);
    }

    int cudaDriverVersionV2() throws NvmlException {
        return systemInt(Fn.CUDA_DRIVER_VERSION_V2);
    }

    int deviceCount() throws NvmlException {
        return systemInt(Fn.COUNT);
    }

    private String systemString(Fn fn, int size) throws NvmlException {
        Symbol s = symbol(fn);
        for (int n = size; ; n *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(n);
                int rc = (int) I_PI.invokeExact(s.address(), buffer, n);
                if (rc == NvmlReturn.INSUFFICIENT_SIZE.code() && n < MAX_STRING_BUFFER) {
                    continue;
                }
                check(rc, s);
                return buffer.getString(0);
            } catch (NvmlException e) {
                throw e;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    private int systemInt(Fn fn) throws NvmlException {
        Symbol s = symbol(fn);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc = (int) I_P.invokeExact(s.address(), out);
            check(rc, s);
            return out.get(JAVA_INT, 0);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- handles ----

    long handleByIndex(int index) throws NvmlException {
        Symbol s = symbol(Fn.HANDLE_BY_INDEX);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) I_IP.invokeExact(s.address(), index, out);
            check(rc, s);
            return out.get(ADDRESS, 0).address();
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long handleByUuid(String uuid) throws NvmlException {
        return handleByString(Fn.HANDLE_BY_UUID, uuid);
    }

    long handleByPciBusId(String busId) throws NvmlException {
        return handleByString(Fn.HANDLE_BY_PCI_BUS_ID, busId);
    }

    private long handleByString(Fn fn, String key) throws NvmlException {
        Symbol s = symbol(fn);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) I_PP.invokeExact(s.address(), arena.allocateFrom(key), out);
            check(rc, s);
            return out.get(ADDRESS, 0).address();
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long migHandleByIndex(long device, int index) throws NvmlException {
        Symbol s = symbol(Fn.MIG_HANDLE_BY_INDEX);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) I_PIP.invokeExact(s.address(), MemorySegment.ofAddress(device), index, out);
            check(rc, s);
            return out.get(ADDRESS, 0).address();
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long parentOfMig(long mig) throws NvmlException {
        Symbol s = symbol(Fn.PARENT_OF_MIG);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) I_PP.invokeExact(s.address(), MemorySegment.ofAddress(mig), out);
            check(rc, s);
            return out.get(ADDRESS, 0).address();
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- per-device scalars and strings ----

    private int deviceInt(Fn fn, long device) throws NvmlException {
        Symbol s = symbol(fn);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc = (int) I_PP.invokeExact(s.address(), MemorySegment.ofAddress(device), out);
            check(rc, s);
            return out.get(JAVA_INT, 0);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A string getter: starts at the documented size and grows on INSUFFICIENT_SIZE (up to 4 KiB). */
    String deviceString(Fn fn, long device, int size) throws NvmlException {
        Symbol s = symbol(fn);
        for (int n = size; ; n *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(n);
                int rc = (int) I_PPI.invokeExact(s.address(), MemorySegment.ofAddress(device), buffer, n);
                if (rc == NvmlReturn.INSUFFICIENT_SIZE.code() && n < MAX_STRING_BUFFER) {
                    continue;
                }
                check(rc, s);
                return buffer.getString(0);
            } catch (NvmlException e) {
                throw e;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    int index(long device) throws NvmlException {
        return deviceInt(Fn.INDEX, device);
    }

    String uuid(long device) throws NvmlException {
        return deviceString(Fn.UUID, device, UUID_BUFFER);
    }

    String name(long device) throws NvmlException {
        return deviceString(Fn.NAME, device, NAME_BUFFER);
    }

    String serial(long device) throws NvmlException {
        return deviceString(Fn.SERIAL, device, SERIAL_BUFFER);
    }

    int minorNumber(long device) throws NvmlException {
        return deviceInt(Fn.MINOR_NUMBER, device);
    }

    int architecture(long device) throws NvmlException {
        return deviceInt(Fn.ARCHITECTURE, device);
    }

    int brand(long device) throws NvmlException {
        return deviceInt(Fn.BRAND, device);
    }

    boolean persistenceMode(long device) throws NvmlException {
        return deviceInt(Fn.PERSISTENCE_MODE, device) != 0;
    }

    int powerUsageMilliwatts(long device) throws NvmlException {
        return deviceInt(Fn.POWER_USAGE, device);
    }

    int powerLimitMilliwatts(long device) throws NvmlException {
        return deviceInt(Fn.POWER_LIMIT, device);
    }

    int numaNode(long device) throws NvmlException {
        return deviceInt(Fn.NUMA_NODE, device);
    }

    int maxMigDeviceCount(long device) throws NvmlException {
        return deviceInt(Fn.MAX_MIG_DEVICE_COUNT, device);
    }

    boolean isMigHandle(long device) throws NvmlException {
        return deviceInt(Fn.IS_MIG_HANDLE, device) != 0;
    }

    int gpuInstanceId(long mig) throws NvmlException {
        return deviceInt(Fn.GPU_INSTANCE_ID, mig);
    }

    int computeInstanceId(long mig) throws NvmlException {
        return deviceInt(Fn.COMPUTE_INSTANCE_ID, mig);
    }

    /** {@code nvmlDeviceGetTemperature(dev, NVML_TEMPERATURE_GPU, &degC)}. */
    int temperatureCelsius(long device) throws NvmlException {
        Symbol s = symbol(Fn.TEMPERATURE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc = (int) I_PIP.invokeExact(s.address(), MemorySegment.ofAddress(device), 0, out);
            check(rc, s);
            return out.get(JAVA_INT, 0);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private int[] devicePair(Fn fn, long device) throws NvmlException {
        Symbol s = symbol(fn);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(JAVA_INT);
            MemorySegment b = arena.allocate(JAVA_INT);
            int rc = (int) I_PPP.invokeExact(s.address(), MemorySegment.ofAddress(device), a, b);
            check(rc, s);
            return new int[] {a.get(JAVA_INT, 0), b.get(JAVA_INT, 0)};
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    ComputeCapability computeCapability(long device) throws NvmlException {
        int[] v = devicePair(Fn.COMPUTE_CAPABILITY, device);
        return new ComputeCapability(v[0], v[1]);
    }

    MigMode migMode(long device) throws NvmlException {
        int[] v = devicePair(Fn.MIG_MODE, device);
        return new MigMode(v[0] == 1, v[1] == 1);
    }

    // ---- structs ----

    private MemorySegment deviceStruct(Fn fn, long device, Arena arena, MemorySegment out) throws NvmlException {
        Symbol s = symbol(fn);
        int rc;
        try {
            rc = (int) I_PP.invokeExact(s.address(), MemorySegment.ofAddress(device), out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(rc, s);
        return out;
    }

    PciInfo pciInfo(long device) throws NvmlException {
        Symbol s = symbol(Fn.PCI_INFO);
        try (Arena arena = Arena.ofConfined()) {
            // the legacy symbol fills the 52-byte v1 struct, whose first 36 bytes match v3
            boolean v1 = s.name().equals("nvmlDeviceGetPciInfo");
            MemorySegment pci = deviceStruct(Fn.PCI_INFO, device, arena, arena.allocate(PCI_INFO));
            String legacy = pci.getString(PCI_BUS_ID_LEGACY);
            String busId = v1 ? PciBusId.nvml(legacy) : pci.getString(PCI_BUS_ID);
            return new PciInfo(busId, legacy, (int) PCI_DOMAIN.get(pci, 0L), (int) PCI_BUS.get(pci, 0L),
                    (int) PCI_DEVICE.get(pci, 0L), (int) PCI_DEVICE_ID.get(pci, 0L),
                    (int) PCI_SUBSYSTEM_ID.get(pci, 0L));
        }
    }

    MemoryInfo memoryInfo(long device) throws NvmlException {
        Symbol s = symbol(Fn.MEMORY_INFO);
        try (Arena arena = Arena.ofConfined()) {
            if (s.variant() == 0) {
                MemorySegment m = arena.allocate(MEMORY_V2);
                MEM2_VERSION.set(m, 0L, MEMORY_V2_VERSION);
                deviceStruct(Fn.MEMORY_INFO, device, arena, m);
                return new MemoryInfo((long) MEM2_TOTAL.get(m, 0L), (long) MEM2_RESERVED.get(m, 0L),
                        (long) MEM2_FREE.get(m, 0L), (long) MEM2_USED.get(m, 0L));
            }
            MemorySegment m = deviceStruct(Fn.MEMORY_INFO, device, arena, arena.allocate(MEMORY));
            return new MemoryInfo((long) MEM_TOTAL.get(m, 0L), 0L, (long) MEM_FREE.get(m, 0L),
                    (long) MEM_USED.get(m, 0L));
        }
    }

    Utilization utilization(long device) throws NvmlException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment u = deviceStruct(Fn.UTILIZATION, device, arena, arena.allocate(UTILIZATION));
            return new Utilization((int) UTIL_GPU.get(u, 0L), (int) UTIL_MEMORY.get(u, 0L));
        }
    }

    /**
     * Running compute processes. Asks for the count first, then over-allocates (processes can
     * start between the two calls) and retries while the driver still says INSUFFICIENT_SIZE.
     * The stride follows the symbol found: 24 bytes for {@code _v3}/{@code _v2}, 16 for the legacy name.
     */
    List<ProcessInfo> computeProcesses(long device) throws NvmlException {
        Symbol s = symbol(Fn.COMPUTE_PROCESSES);
        boolean v1 = s.variant() == 2;
        StructLayout element = v1 ? PROCESS_INFO_V1 : PROCESS_INFO;
        int capacity = 0;
        for (int attempt = 0; ; attempt++) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment count = arena.allocate(JAVA_INT);
                count.set(JAVA_INT, 0, capacity);
                MemorySegment infos = capacity == 0 ? MemorySegment.NULL
                        : arena.allocate(element.byteSize() * capacity, element.byteAlignment());
                int rc = (int) I_PPP.invokeExact(s.address(), MemorySegment.ofAddress(device), count, infos);
                if (rc == NvmlReturn.INSUFFICIENT_SIZE.code() && attempt < 8) {
                    capacity = Math.max(capacity * 2, count.get(JAVA_INT, 0) * 2);
                    continue;
                }
                check(rc, s);
                int n = count.get(JAVA_INT, 0);
                List<ProcessInfo> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long base = i * element.byteSize();
                    int pid = infos.get(JAVA_INT, base);
                    long used = infos.get(JAVA_LONG, base + 8);
                    OptionalLong memory = used == NOT_AVAILABLE ? OptionalLong.empty() : OptionalLong.of(used);
                    OptionalInt gi = OptionalInt.empty();
                    OptionalInt ci = OptionalInt.empty();
                    if (!v1) {
                        int g = infos.get(JAVA_INT, base + 16);
                        int c = infos.get(JAVA_INT, base + 20);
                        gi = g == NO_INSTANCE ? OptionalInt.empty() : OptionalInt.of(g);
                        ci = c == NO_INSTANCE ? OptionalInt.empty() : OptionalInt.of(c);
                    }
                    out.add(new ProcessInfo(pid, memory, gi, ci));
                }
                return out;
            } catch (NvmlException e) {
                throw e;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }
}
