package dev.jaccel.nvml;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fake's ABI through raw downcalls, independent of {@link NvmlLibrary}: every symbol a
 * consumer binds is exported under its versioned and legacy names, structs land at the offsets
 * of the NVML 13.3.29 header (docs/nvml.md §4.2), and the codes match testkit/README.md. A symbol that
 * goes missing or a field that moves fails here.
 */
class FakeNvmlAbiTest {
    private static final SymbolLookup NVML = RawNvml.NVML;
    private static final byte POISON = RawNvml.POISON;

    private RawNvml raw;
    private Arena arena;

    @BeforeEach
    void setUp() {
        FakeNvml.configure(FakeNvml.FOUR_GPUS);
        raw = new RawNvml();
        arena = raw.arena;
    }

    @AfterEach
    void tearDown() {
        raw.close();
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return RawNvml.handle(name, fd);
    }

    private static int call(String name, FunctionDescriptor fd, Object... args) throws Throwable {
        return RawNvml.call(name, fd, args);
    }

    private void init() throws Throwable {
        raw.init();
    }

    private MemorySegment poisoned(long size) {
        return raw.poisoned(size);
    }

    private MemorySegment byIndex(int index) throws Throwable {
        return raw.byIndex(index);
    }

    private MemorySegment byUuid(String uuid) throws Throwable {
        return raw.byUuid(uuid);
    }

    @ParameterizedTest(name = "{0} is exported")
    @ValueSource(strings = {
            "nvmlInit_v2", "nvmlInit", "nvmlInitWithFlags", "nvmlShutdown", "nvmlErrorString",
            "nvmlSystemGetDriverVersion", "nvmlSystemGetNVMLVersion", "nvmlSystemGetCudaDriverVersion",
            "nvmlSystemGetCudaDriverVersion_v2", "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount",
            "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex", "nvmlDeviceGetHandleByUUID",
            "nvmlDeviceGetHandleByPciBusId_v2", "nvmlDeviceGetHandleByPciBusId", "nvmlDeviceGetIndex",
            "nvmlDeviceGetUUID", "nvmlDeviceGetName", "nvmlDeviceGetSerial", "nvmlDeviceGetMinorNumber",
            "nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2", "nvmlDeviceGetPciInfo",
            "nvmlDeviceGetMemoryInfo", "nvmlDeviceGetMemoryInfo_v2", "nvmlDeviceGetCudaComputeCapability",
            "nvmlDeviceGetArchitecture", "nvmlDeviceGetBrand", "nvmlDeviceGetPersistenceMode",
            "nvmlDeviceGetTemperature", "nvmlDeviceGetPowerUsage", "nvmlDeviceGetEnforcedPowerLimit",
            "nvmlDeviceGetPowerManagementLimit", "nvmlDeviceGetUtilizationRates", "nvmlDeviceGetNumaNodeId",
            "nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2",
            "nvmlDeviceGetComputeRunningProcesses", "nvmlDeviceGetMigMode", "nvmlDeviceGetMaxMigDeviceCount",
            "nvmlDeviceGetMigDeviceHandleByIndex", "nvmlDeviceIsMigDeviceHandle", "nvmlDeviceGetGpuInstanceId",
            "nvmlDeviceGetComputeInstanceId", "nvmlDeviceGetDeviceHandleFromMigDeviceHandle"})
    void symbolIsExported(String name) {
        assertTrue(NVML.find(name).isPresent(), name);
    }

    @Test
    void everyFunctionOfTheBindingIsExportedUnderEachOfItsNames() {
        for (NvmlLibrary.Fn fn : NvmlLibrary.Fn.values()) {
            for (NvmlLibrary.Name name : fn.names) {
                assertTrue(NVML.find(name.symbol()).isPresent(), fn + " as " + name.symbol());
            }
        }
    }

    /** The binding's header: each name's C prototype and its declared downcall shape say the same thing. */
    @Test
    void everyPrototypeMatchesItsShape() {
        for (NvmlLibrary.Fn fn : NvmlLibrary.Fn.values()) {
            for (NvmlLibrary.Name name : fn.names) {
                assertEquals(name.shape().name(), shapeOf(name.prototype()), name.prototype());
                assertTrue(name.prototype().contains(" " + name.symbol() + "(") || name.prototype().contains("*" + name.symbol() + "("),
                        name.prototype() + " declares " + name.symbol());
            }
        }
    }

    /** {@code I} for int-sized C types (enums, unsigned int, nvmlReturn_t), {@code J} for 64-bit, {@code P} for pointers and handles. */
    private static String shapeOf(String prototype) {
        int open = prototype.indexOf('(');
        String head = prototype.substring(0, open);
        String result = head.contains("*") ? "P" : "I";
        StringBuilder shape = new StringBuilder(result).append('_');
        String params = prototype.substring(open + 1, prototype.lastIndexOf(')')).strip();
        if (!params.equals("void")) {
            for (String p : params.split(",")) {
                String param = p.strip();
                if (param.contains("*") || param.startsWith("nvmlDevice_t ") || param.startsWith("nvmlEventSet_t ")) {
                    shape.append('P');
                } else if (param.startsWith("unsigned long long ")) {
                    shape.append('J');
                } else {
                    shape.append('I');
                }
            }
        }
        return shape.toString();
    }

    @ParameterizedTest(name = "{0} before init: UNINITIALIZED")
    @ValueSource(strings = {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount", "nvmlSystemGetCudaDriverVersion",
            "nvmlSystemGetCudaDriverVersion_v2"})
    void systemCallsBeforeInitAreUninitialized(String name) throws Throwable {
        assertEquals(1, call(name, FunctionDescriptor.of(JAVA_INT, ADDRESS), arena.allocate(JAVA_INT)));
    }

    @ParameterizedTest(name = "{0} before init: UNINITIALIZED")
    @ValueSource(strings = {"nvmlSystemGetDriverVersion", "nvmlSystemGetNVMLVersion"})
    void stringCallsBeforeInitAreUninitialized(String name) throws Throwable {
        assertEquals(1, call(name, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), arena.allocate(80), 80));
    }

    @Test
    void handleLookupsBeforeInitAreUninitializedAndShutdownWithoutInitToo() throws Throwable {
        MemorySegment out = arena.allocate(ADDRESS);
        assertEquals(1, call("nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), 0, out));
        assertEquals(1, call("nvmlDeviceGetHandleByUUID", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                arena.allocateFrom("GPU-00000000-0000-4000-8000-000000000000"), out));
        assertEquals(1, call("nvmlShutdown", FunctionDescriptor.of(JAVA_INT)));
    }

    @Test
    void errorStringIsStaticAndWorksWithoutInit() throws Throwable {
        MethodHandle errorString = handle("nvmlErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MemorySegment a = (MemorySegment) errorString.invokeExact(18);
        MemorySegment b = (MemorySegment) errorString.invokeExact(18);
        assertEquals(a.address(), b.address(), "one static string per code");
        assertEquals("Driver/library version mismatch", a.reinterpret(100).getString(0));
        assertEquals("Unknown Error", ((MemorySegment) errorString.invokeExact(999)).reinterpret(100).getString(0));
    }

    @ParameterizedTest(name = "init {0} gives {1} from {2}")
    @CsvSource({
            "DRIVER_NOT_LOADED, 9, nvmlInit_v2", "NO_PERMISSION, 4, nvmlInit",
            "OPERATING_SYSTEM, 17, nvmlInit_v2", "LIB_RM_VERSION_MISMATCH, 18, nvmlInit_v2",
            "UNKNOWN, 999, nvmlInit"})
    void initFailureIsConfigurable(String name, int code, String function) throws Throwable {
        FakeNvml.configure("{\"init\": \"" + name + "\", \"devices\": []}");
        assertEquals(code, call(function, FunctionDescriptor.of(JAVA_INT)));
        assertEquals(code, call("nvmlInitWithFlags", FunctionDescriptor.of(JAVA_INT, JAVA_INT), 1));
        assertEquals(1, call("nvmlShutdown", FunctionDescriptor.of(JAVA_INT)), "a failed init holds no reference");
    }

    @ParameterizedTest(name = "config \"{0}\": UNKNOWN")
    @ValueSource(strings = {"{not json", "{\"devices\": 3}", "{\"devices\": [{\"name\": \"no uuid\"}]}"})
    void badConfigMakesInitFailWithUnknown(String config) throws Throwable {
        FakeNvml.configure(config);
        assertEquals(999, call("nvmlInit_v2", FunctionDescriptor.of(JAVA_INT)));
    }

    @Test
    void pciInfoV3LandsAtTheHeaderOffsets() throws Throwable {
        init();
        MemorySegment pci = poisoned(80);
        assertEquals(0, call("nvmlDeviceGetPciInfo_v3", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), byIndex(0), pci));
        assertEquals("0000:3B:00.0", pci.getString(0));             // busIdLegacy[16] @0
        assertEquals(0, pci.get(JAVA_INT, 16));                      // domain @16
        assertEquals(0x3B, pci.get(JAVA_INT, 20));                   // bus @20
        assertEquals(0, pci.get(JAVA_INT, 24));                      // device @24
        assertEquals(0x233010DE, pci.get(JAVA_INT, 28));             // pciDeviceId @28
        assertEquals(0x16C110DE, pci.get(JAVA_INT, 32));             // pciSubSystemId @32
        assertEquals("00000000:3B:00.0", pci.getString(36));         // busId[32] @36
        for (long i = 68; i < 80; i++) {
            assertEquals(POISON, pci.get(JAVA_BYTE, i), "68 bytes, nothing past them");
        }
        assertEquals(68, NvmlLibrary.PCI_INFO.byteSize());
        assertEquals(36, NvmlLibrary.PCI_INFO.byteOffset(MemoryLayout.PathElement.groupElement("busId")));
    }

    @Test
    void legacyPciInfoWritesTheFiftyTwoByteV1Struct() throws Throwable {
        init();
        MemorySegment pci = poisoned(68);
        assertEquals(0, call("nvmlDeviceGetPciInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), byIndex(0), pci));
        assertEquals("0000:3B:00.0", pci.getString(0));
        assertEquals(0x3B, pci.get(JAVA_INT, 20));
        assertEquals(0x233010DE, pci.get(JAVA_INT, 28));
        for (long i = 36; i < 52; i++) {
            assertEquals(0, pci.get(JAVA_BYTE, i), "reserved words are zero");
        }
        for (long i = 52; i < 68; i++) {
            assertEquals(POISON, pci.get(JAVA_BYTE, i), "the v1 struct is 52 bytes");
        }
        assertEquals(52, NvmlLibrary.PCI_INFO_V1.byteSize());
    }

    @Test
    void memoryV1IsTotalFreeUsed() throws Throwable {
        init();
        MemorySegment m = poisoned(24);
        assertEquals(0, call("nvmlDeviceGetMemoryInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), byIndex(0), m));
        long used = 1048576L + 536870912L;   // v1 used includes reserved
        assertEquals(85520809984L, m.get(JAVA_LONG, 0));
        assertEquals(85520809984L - used, m.get(JAVA_LONG, 8));
        assertEquals(used, m.get(JAVA_LONG, 16));
    }

    @ParameterizedTest(name = "version 0x{0}: ARGUMENT_VERSION_MISMATCH")
    @ValueSource(strings = {"0", "01000028", "02000018", "03000028"})
    void memoryV2ChecksTheStructVersion(String version) throws Throwable {
        init();
        MemorySegment m = poisoned(40);
        m.set(JAVA_INT, 0, Integer.parseUnsignedInt(version, 16));
        assertEquals(25, call("nvmlDeviceGetMemoryInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), byIndex(0), m));
    }

    @Test
    void memoryV2LandsAtTheHeaderOffsets() throws Throwable {
        init();
        MemorySegment m = poisoned(40);
        m.set(JAVA_INT, 0, 0x02000028);
        assertEquals(0x02000028, NvmlLibrary.MEMORY_V2_VERSION);
        assertEquals(0, call("nvmlDeviceGetMemoryInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), byIndex(0), m));
        assertEquals(85520809984L, m.get(JAVA_LONG, 8));                           // total @8 (4-byte hole @4)
        assertEquals(536870912L, m.get(JAVA_LONG, 16));                            // reserved @16
        assertEquals(85520809984L - 536870912L - 1048576L, m.get(JAVA_LONG, 24));  // free @24
        assertEquals(1048576L, m.get(JAVA_LONG, 32));                              // used @32
    }

    @ParameterizedTest(name = "{0}: stride {1}")
    @CsvSource({"nvmlDeviceGetComputeRunningProcesses_v3, 24", "nvmlDeviceGetComputeRunningProcesses_v2, 24",
            "nvmlDeviceGetComputeRunningProcesses, 16"})
    void processListsUseTheirStride(String name, int stride) throws Throwable {
        init();
        FunctionDescriptor fd = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        MemorySegment gpu = byIndex(0);
        MemorySegment count = arena.allocate(JAVA_INT);
        count.set(JAVA_INT, 0, 0);
        assertEquals(7, call(name, fd, gpu, count, MemorySegment.NULL), "INSUFFICIENT_SIZE with the count");
        assertEquals(2, count.get(JAVA_INT, 0));
        count.set(JAVA_INT, 0, 2);
        assertEquals(2, call(name, fd, gpu, count, MemorySegment.NULL), "INVALID_ARGUMENT: no array");
        count.set(JAVA_INT, 0, 4);
        MemorySegment infos = poisoned(4L * 24);
        assertEquals(0, call(name, fd, gpu, count, infos));
        assertEquals(2, count.get(JAVA_INT, 0));
        assertEquals(100, infos.get(JAVA_INT, 0));
        assertEquals(4096L, infos.get(JAVA_LONG, 8));
        assertEquals(101, infos.get(JAVA_INT, stride));
        assertEquals(-1L, infos.get(JAVA_LONG, stride + 8), "NVML_VALUE_NOT_AVAILABLE");
        if (stride == 24) {
            assertEquals(-1, infos.get(JAVA_INT, 16), "no GPU instance without MIG");
            assertEquals(-1, infos.get(JAVA_INT, 20));
        }
        assertEquals(POISON, infos.get(JAVA_BYTE, 2L * stride), "nothing past the second entry");
    }

    @Test
    void utilizationIsTwoUints() throws Throwable {
        init();
        MemorySegment u = poisoned(8);
        assertEquals(0, call("nvmlDeviceGetUtilizationRates", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), byIndex(0), u));
        assertEquals(40, u.get(JAVA_INT, 0));
        assertEquals(10, u.get(JAVA_INT, 4));
        assertEquals(3, call("nvmlDeviceGetUtilizationRates", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), byIndex(1), u),
                "NOT_SUPPORTED on a MIG-enabled GPU");
    }

    @ParameterizedTest(name = "{0} with {1} bytes: {2}")
    @CsvSource({"nvmlDeviceGetUUID, 40, 7", "nvmlDeviceGetUUID, 41, 0", "nvmlDeviceGetName, 21, 7",
            "nvmlDeviceGetName, 22, 0", "nvmlDeviceGetSerial, 13, 7", "nvmlDeviceGetSerial, 14, 0"})
    void stringGettersNeedRoomForTheNul(String name, int length, int code) throws Throwable {
        init();
        assertEquals(code, call(name, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), byIndex(0),
                arena.allocate(length), length));
    }

    @ParameterizedTest(name = "{0} with {1} bytes: {2}")
    @CsvSource({"nvmlSystemGetDriverVersion, 9, 7", "nvmlSystemGetDriverVersion, 10, 0",
            "nvmlSystemGetNVMLVersion, 12, 7", "nvmlSystemGetNVMLVersion, 13, 0"})
    void systemStringsNeedRoomForTheNul(String name, int length, int code) throws Throwable {
        init();
        assertEquals(code, call(name, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), arena.allocate(length), length));
    }

    @Test
    void nullOutPointersAreInvalidArguments() throws Throwable {
        init();
        MemorySegment gpu = byIndex(0);
        FunctionDescriptor pp = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        assertEquals(2, call("nvmlDeviceGetCount_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS), MemorySegment.NULL));
        assertEquals(2, call("nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), 0, MemorySegment.NULL));
        assertEquals(2, call("nvmlDeviceGetUUID", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), gpu, MemorySegment.NULL, 96));
        for (String fn : new String[] {"nvmlDeviceGetMemoryInfo", "nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetMinorNumber",
                "nvmlDeviceGetIndex", "nvmlDeviceGetBrand", "nvmlDeviceGetArchitecture", "nvmlDeviceIsMigDeviceHandle"}) {
            assertEquals(2, call(fn, pp, gpu, MemorySegment.NULL), fn);
        }
        assertEquals(2, call("nvmlDeviceGetMinorNumber", pp, MemorySegment.ofAddress(0x1234), arena.allocate(JAVA_INT)),
                "a handle the library never gave out");
    }

    @Test
    void countsAndIndicesFollowTheVersionedAndLegacySemantics() throws Throwable {
        init();
        MemorySegment n = arena.allocate(JAVA_INT);
        assertEquals(0, call("nvmlDeviceGetCount_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS), n));
        assertEquals(4, n.get(JAVA_INT, 0), "v2 counts GPUs the caller may not open");
        assertEquals(0, call("nvmlDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS), n));
        assertEquals(3, n.get(JAVA_INT, 0), "v1 skips them");
        MemorySegment out = arena.allocate(ADDRESS);
        FunctionDescriptor ip = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
        assertEquals(4, call("nvmlDeviceGetHandleByIndex_v2", ip, 2, out), "NO_PERMISSION");
        assertEquals(15, call("nvmlDeviceGetHandleByIndex_v2", ip, 3, out), "GPU_IS_LOST");
        assertEquals(2, call("nvmlDeviceGetHandleByIndex_v2", ip, 4, out), "past the end");
        assertEquals(15, call("nvmlDeviceGetHandleByIndex", ip, 2, out), "legacy index 2 is the lost GPU 3");
    }

    @ParameterizedTest(name = "bus id \"{0}\" finds index {1}")
    @CsvSource({"00000000:3B:00.0, 0", "0000:3b:00.0, 0", "3b:00.0, 0", "0000:3B:00, 0", "00000000:3b:00, 0",
            "00000000:AF:00.0, 1", "af:00.0, 1"})
    void busIdSpellings(String busId, int index) throws Throwable {
        init();
        MemorySegment out = arena.allocate(ADDRESS);
        assertEquals(0, call("nvmlDeviceGetHandleByPciBusId_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                arena.allocateFrom(busId), out));
        assertEquals(byIndex(index).address(), out.get(ADDRESS, 0).address());
    }

    @ParameterizedTest(name = "bus id \"{0}\": {1} (v2) / {2} (legacy)")
    @CsvSource({"0000:3c:00.0, 6, 6", "zz:00.0, 2, 2", "3b, 2, 2", "3b:00, 2, 2", "'', 2, 2", "0000:5d:00.0, 4, 6"})
    void busIdFailures(String busId, int v2, int legacy) throws Throwable {
        init();
        MemorySegment out = arena.allocate(ADDRESS);
        FunctionDescriptor pp = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        assertEquals(v2, call("nvmlDeviceGetHandleByPciBusId_v2", pp, arena.allocateFrom(busId), out));
        assertEquals(legacy, call("nvmlDeviceGetHandleByPciBusId", pp, arena.allocateFrom(busId), out));
    }

    @Test
    void uuidLookupFindsGpusAndMigDevices() throws Throwable {
        init();
        MemorySegment out = arena.allocate(ADDRESS);
        FunctionDescriptor pp = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        assertEquals(byIndex(1).address(), byUuid("GPU-11111111-1111-4111-8111-111111111111").address());
        assertEquals(6, call("nvmlDeviceGetHandleByUUID", pp, arena.allocateFrom("GPU-99999999-9999-4999-8999-999999999999"), out));
        assertEquals(2, call("nvmlDeviceGetHandleByUUID", pp, arena.allocateFrom(""), out));
        assertEquals(15, call("nvmlDeviceGetHandleByUUID", pp, arena.allocateFrom("GPU-33333333-3333-4333-8333-333333333333"), out));
        MemorySegment mig = byUuid("MIG-aaaaaaaa-0000-5000-8000-000000000002");
        MemorySegment isMig = arena.allocate(JAVA_INT);
        assertEquals(0, call("nvmlDeviceIsMigDeviceHandle", pp, mig, isMig));
        assertEquals(1, isMig.get(JAVA_INT, 0));
    }

    @Test
    void migEnumerationIsDenseWithNotFoundPastTheEnd() throws Throwable {
        init();
        FunctionDescriptor pp = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        FunctionDescriptor pip = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
        MemorySegment gpu = byIndex(1);
        MemorySegment v = arena.allocate(JAVA_INT);
        MemorySegment w = arena.allocate(JAVA_INT);
        assertEquals(0, call("nvmlDeviceGetMigMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), gpu, v, w));
        assertEquals(1, v.get(JAVA_INT, 0));
        assertEquals(1, w.get(JAVA_INT, 0));
        assertEquals(0, call("nvmlDeviceGetMaxMigDeviceCount", pp, gpu, v));
        assertEquals(7, v.get(JAVA_INT, 0));
        MemorySegment out = arena.allocate(ADDRESS);
        assertEquals(0, call("nvmlDeviceGetMigDeviceHandleByIndex", pip, gpu, 1, out));
        MemorySegment mig = out.get(ADDRESS, 0);
        assertEquals(6, call("nvmlDeviceGetMigDeviceHandleByIndex", pip, gpu, 2, out), "NOT_FOUND past the end");
        assertEquals(0, call("nvmlDeviceGetGpuInstanceId", pp, mig, v));
        assertEquals(2, v.get(JAVA_INT, 0));
        assertEquals(0, call("nvmlDeviceGetComputeInstanceId", pp, mig, v));
        assertEquals(1, v.get(JAVA_INT, 0));
        assertEquals(0, call("nvmlDeviceGetIndex", pp, mig, v));
        assertEquals(1, v.get(JAVA_INT, 0), "a MIG handle's index is its index under the parent");
        assertEquals(0, call("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", pp, mig, out));
        assertEquals(gpu.address(), out.get(ADDRESS, 0).address());
        assertEquals(2, call("nvmlDeviceGetGpuInstanceId", pp, gpu, v), "a GPU handle has no GPU instance");
        assertEquals(2, call("nvmlDeviceGetMigDeviceHandleByIndex", pip, byIndex(0), 0, out), "MIG is off on GPU 0");
        assertEquals(0, call("nvmlDeviceGetMaxMigDeviceCount", pp, byIndex(0), v));
        assertEquals(0, v.get(JAVA_INT, 0));
        assertEquals(3, call("nvmlDeviceGetMigMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                byUuid("GPU-22222222-2222-4222-8222-222222222222"), v, w), "NOT_SUPPORTED without MIG");
    }

    @Test
    void migHandlesAnswerUuidAndMemory() throws Throwable {
        init();
        MemorySegment mig = byUuid("MIG-aaaaaaaa-0000-5000-8000-000000000001");
        MemorySegment buf = arena.allocate(96);
        assertEquals(0, call("nvmlDeviceGetUUID", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), mig, buf, 96));
        assertEquals("MIG-aaaaaaaa-0000-5000-8000-000000000001", buf.getString(0));
        MemorySegment m = arena.allocate(40);
        m.set(JAVA_INT, 0, 0x02000028);
        assertEquals(0, call("nvmlDeviceGetMemoryInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), mig, m));
        assertEquals(20937965568L, m.get(JAVA_LONG, 8));
        assertEquals(4096L, m.get(JAVA_LONG, 32));
    }

    @Test
    void initIsReferenceCountedAndTheConfigIsReadAtTheFirstInit() throws Throwable {
        init();
        init();
        FakeNvml.configure("{\"init\": \"DRIVER_NOT_LOADED\"}");
        assertEquals(0, call("nvmlInit_v2", FunctionDescriptor.of(JAVA_INT)), "a live init: the file is not read again");
        raw.countInit();
        MemorySegment buf = arena.allocate(80);
        assertEquals(0, call("nvmlSystemGetDriverVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), buf, 80));
        assertNotEquals("", buf.getString(0));
    }
}
