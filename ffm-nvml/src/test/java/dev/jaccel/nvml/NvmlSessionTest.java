package dev.jaccel.nvml;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.testkit.FakeLibraries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed API over the fake: every bound function, its values, and its error paths. */
@SuppressWarnings("restricted") // raw FFM on the fake is the point of this test
class NvmlSessionTest {

    @BeforeEach
    void configure() {
        FakeNvml.configure(FakeNvml.FOUR_GPUS);
    }

    /** The fake seen through a lookup that hides some names, as an older driver would. */
    private static NvmlLibrary withoutSymbols(Predicate<String> hidden) {
        SymbolLookup fake = SymbolLookup.libraryLookup(FakeLibraries.nvml(), Arena.global());
        return new NvmlLibrary("filtered fake", name -> hidden.test(name) ? Optional.empty() : fake.find(name),
                Optional.empty());
    }

    @Test
    void systemFacts() throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals("580.95.05", s.driverVersion());
            assertEquals("13.580.95.05", s.nvmlVersion());
            assertEquals(new CudaVersion(13, 0), s.cudaDriverVersion());
            assertEquals("13.0", s.cudaDriverVersion().toString());
            assertEquals(Optional.of(new CudaVersion(13, 0)), s.cudaDriverVersionFromLibcuda());
            assertEquals(4, s.deviceCount());
        }
    }

    @ParameterizedTest(name = "{0} = {1}.{2}")
    @CsvSource({"13000, 13, 0", "12080, 12, 8", "12040, 12, 4", "11020, 11, 2"})
    void cudaVersionDecoding(int encoded, int major, int minor) {
        assertEquals(major, CudaVersion.ofEncoded(encoded).major());
        assertEquals(minor, CudaVersion.ofEncoded(encoded).minor());
        assertEquals(encoded, CudaVersion.ofEncoded(encoded).encoded());
        assertEquals(CudaVersion.ofEncoded(encoded), CudaVersion.parse(major + "." + minor));
    }

    @Test
    void libcudaMissingIsEmptyForV2Only() throws Exception {
        FakeNvml.configure(FakeNvml.FOUR_GPUS.replace("\"init\": \"SUCCESS\",",
                "\"init\": \"SUCCESS\", \"errors\": {\"nvmlSystemGetCudaDriverVersion_v2\": \"LIBRARY_NOT_FOUND\"},"));
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals(Optional.empty(), s.cudaDriverVersionFromLibcuda());
            assertEquals("13.0", s.cudaDriverVersion().toString());
        }
    }

    @Test
    void everyFactOfAFullyDescribedGpu() throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlDevice d = s.device(0);
            assertFalse(d.isMig());
            assertFalse(d.isMigDeviceHandle());
            assertEquals(0, d.index());
            assertEquals("GPU-00000000-0000-4000-8000-000000000000", d.uuid());
            assertEquals("NVIDIA H100 80GB HBM3", d.name());
            assertEquals(Optional.of("1650924060001"), d.serial());
            assertEquals(Optional.of(3), d.minorNumber(), "minor 3, index 0");
            assertEquals(new PciInfo("00000000:3B:00.0", "0000:3B:00.0", 0, 0x3B, 0, 0x233010DE, 0x16C110DE), d.pciInfo());
            assertEquals("0000:3b:00.0", d.pciInfo().sysfsBusId());
            assertEquals(Optional.of(new MemoryInfo(85520809984L, 536870912L, 85520809984L - 536870912L - 1048576L, 1048576L)),
                    d.memory());
            assertEquals("9.0", d.computeCapability().toString());
            assertEquals(Architecture.HOPPER, d.architecture());
            assertEquals(9, d.architectureValue());
            assertEquals(Brand.NVIDIA, d.brand());
            assertEquals(Optional.of(true), d.persistenceMode());
            assertEquals(Optional.of(35), d.temperatureCelsius());
            assertEquals(Optional.of(70123), d.powerUsageMilliwatts());
            assertEquals(Optional.of(700000), d.powerLimitMilliwatts());
            assertEquals(Optional.of(new Utilization(40, 10)), d.utilization());
            assertEquals(Optional.of(1), d.numaNode());
            assertEquals(List.of(new ProcessInfo(100, Optional.of(4096L), Optional.empty(), Optional.empty()),
                    new ProcessInfo(101, Optional.empty(), Optional.empty(), Optional.empty())), d.computeProcesses());
            assertEquals(Optional.of(new MigMode(false, false)), d.migMode());
            assertEquals(0, d.maxMigDeviceCount());
            assertEquals(List.of(), d.migDevices());
        }
    }

    @Test
    void factsTheBoardLacksAreEmpty() throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlDevice d = s.device(1);
            assertEquals(Optional.empty(), d.serial(), "NOT_SUPPORTED through the errors map");
            assertEquals(Optional.of(false), d.persistenceMode());
            assertEquals(Optional.empty(), d.temperatureCelsius());
            assertEquals(Optional.empty(), d.numaNode());
            assertEquals(Optional.empty(), d.utilization(), "not reported on a MIG-enabled GPU");
            assertEquals(Brand.TESLA, d.brand());
            assertEquals(Architecture.AMPERE, d.architecture());
            assertEquals("0000:AF:00.0", d.pciInfo().busIdLegacy());
        }
    }

    @Test
    void migDevicesOfAMigGpu() throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlDevice gpu = s.device(1);
            assertEquals(Optional.of(new MigMode(true, true)), gpu.migMode());
            assertEquals(7, gpu.maxMigDeviceCount());
            List<NvmlDevice> migs = gpu.migDevices();
            assertEquals(2, migs.size());
            NvmlDevice first = migs.get(0);
            assertTrue(first.isMig());
            assertTrue(first.isMigDeviceHandle());
            assertEquals(0, first.index());
            assertEquals("MIG-aaaaaaaa-0000-5000-8000-000000000001", first.uuid());
            assertEquals("NVIDIA A100-SXM4-40GB MIG 3g.20gb", first.name());
            assertEquals(1, first.gpuInstanceId());
            assertEquals(0, first.computeInstanceId());
            assertEquals(20937965568L, first.memory().orElseThrow().total());
            assertEquals(gpu, first.parent());
            assertEquals(List.of(new ProcessInfo(200, Optional.of(8192L), Optional.of(1), Optional.of(0))),
                    first.computeProcesses(), "a MIG handle sees its own instance's processes");
            assertEquals(2, migs.get(1).gpuInstanceId());
            assertEquals(1, migs.get(1).computeInstanceId());
            assertEquals(Optional.of(migs.get(1)), s.deviceByUuid("MIG-aaaaaaaa-0000-5000-8000-000000000002"));
            NvmlException e = assertThrows(NvmlException.class, gpu::gpuInstanceId);
            assertEquals(NvmlReturn.INVALID_ARGUMENT, e.returnCode());
        }
    }

    @Test
    void sparseMigIndicesAreSkippedNotTheEndOfTheWalk() throws Exception {
        FakeNvml.configure(FakeNvml.FOUR_GPUS.replace(
                "\"gpuInstanceId\": 1, \"computeInstanceId\": 0, \"memoryTotal\": 20937965568, \"memoryUsed\": 4096}",
                "\"gpuInstanceId\": 1, \"computeInstanceId\": 0, \"memoryTotal\": 20937965568, \"memoryUsed\": 4096,"
                        + " \"errors\": {\"nvmlDeviceGetMigDeviceHandleByIndex\": \"NOT_FOUND\"}}"));
        try (NvmlSession s = FakeNvml.library().openSession()) {
            List<NvmlDevice> migs = s.device(1).migDevices();
            assertEquals(List.of("MIG-aaaaaaaa-0000-5000-8000-000000000002"), List.of(migs.getFirst().uuid()));
            assertEquals(1, migs.size());
        }
    }

    @Test
    void gpusTheCallerMayNotOpenAreReportedByDevicesAndNamedByDevice() throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlDevices devices = s.devices();
            assertEquals(2, devices.size());
            assertEquals(List.of(0, 1), List.of(devices.get(0).index(), devices.get(1).index()));
            assertFalse(devices.complete());
            assertEquals(List.of(2, 3), List.copyOf(devices.failures().keySet()), "left out, and said so");
            assertEquals(NvmlReturn.NO_PERMISSION, devices.failures().get(2).returnCode());
            assertEquals(NvmlReturn.GPU_IS_LOST, devices.failures().get(3).returnCode());
            NvmlException denied = assertThrows(NvmlException.class, () -> s.device(2));
            assertEquals(NvmlReturn.NO_PERMISSION, denied.returnCode());
            assertEquals(4, denied.code());
            assertEquals("nvmlDeviceGetHandleByIndex_v2", denied.function());
            assertTrue(denied.getMessage().contains("Insufficient Permissions"), denied.getMessage());
            NvmlException lost = assertThrows(NvmlException.class, () -> s.device(3));
            assertEquals(NvmlReturn.GPU_IS_LOST, lost.returnCode());
            assertEquals(NvmlReturn.INVALID_ARGUMENT, assertThrows(NvmlException.class, () -> s.device(4)).returnCode());
        }
    }

    @Test
    void aGpuTheDriverLostFailsEveryCall() throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlException e = assertThrows(NvmlException.class,
                    () -> s.deviceByUuid("GPU-33333333-3333-4333-8333-333333333333"));
            assertEquals(NvmlReturn.GPU_IS_LOST, e.returnCode());
            assertEquals("nvmlDeviceGetHandleByUUID", e.function());
        }
    }

    @ParameterizedTest(name = "\"{0}\" → index {1}")
    @CsvSource({"00000000:3B:00.0, 0", "0000:3b:00.0, 0", "3b:00.0, 0", "0000:AF:00.0, 1", "af:00.0, 1"})
    void lookupByBusIdInEverySpelling(String busId, int index) throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals(index, s.deviceByPciBusId(busId).orElseThrow().index());
        }
    }

    @Test
    void unknownIdsAreEmptyAndMalformedOnesAreErrors() throws Exception {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals(Optional.empty(), s.deviceByUuid("GPU-99999999-9999-4999-8999-999999999999"));
            assertEquals(Optional.empty(), s.deviceByPciBusId("0000:01:00.0"));
            assertEquals(NvmlReturn.INVALID_ARGUMENT,
                    assertThrows(NvmlException.class, () -> s.deviceByPciBusId("not a bus id")).returnCode());
            assertEquals(NvmlReturn.NO_PERMISSION,
                    assertThrows(NvmlException.class, () -> s.deviceByPciBusId("0000:5d:00.0")).returnCode());
        }
    }

    @Test
    void stringGettersGrowTheirBufferOnInsufficientSize() throws Exception {
        NvmlLibrary lib = FakeNvml.library();
        try (NvmlSession s = lib.openSession()) {
            var h = s.device(0).handle();
            assertEquals("GPU-00000000-0000-4000-8000-000000000000", lib.string(NvmlLibrary.Fn.UUID, h, 4));
            assertEquals("1650924060001", lib.string(NvmlLibrary.Fn.SERIAL, h, 2));
        }
    }

    @ParameterizedTest(name = "init {0}")
    @CsvSource({"DRIVER_NOT_LOADED, 9", "NO_PERMISSION, 4", "OPERATING_SYSTEM, 17", "LIB_RM_VERSION_MISMATCH, 18",
            "UNKNOWN, 999"})
    void initFailuresAreTyped(String name, int code) {
        FakeNvml.configure("{\"init\": \"" + name + "\"}");
        NvmlException e = assertThrows(NvmlException.class, () -> FakeNvml.library().openSession());
        assertEquals(code, e.code());
        assertEquals(name, e.returnCode().name());
        assertEquals("nvmlInit_v2", e.function());
    }

    @Test
    void missingLibraryIsLibraryUnavailable() {
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> NvmlLibrary.load("/nonexistent/libnvidia-ml.so.1"));
        assertEquals(LibraryUnavailableException.Reason.NOT_FOUND, e.reason());
        assertEquals("NVML", e.library());
        assertTrue(e.getMessage().contains("/nonexistent/libnvidia-ml.so.1"), e.getMessage());
        assertTrue(e.getMessage().contains("install the NVIDIA driver"), e.getMessage());
    }

    @Test
    void theSameLibraryLoadsOnceAndKnowsItsFile() throws Exception {
        NvmlLibrary a = FakeNvml.library();
        assertTrue(a == FakeNvml.library());
        assertEquals(Optional.of(FakeLibraries.nvml().toRealPath()), a.file());
    }

    @Test
    void aMissingSymbolIsFunctionNotFound() throws Exception {
        NvmlLibrary lib = withoutSymbols(name -> name.startsWith("nvmlDeviceGetSerial"));
        try (NvmlSession s = lib.openSession()) {
            NvmlException e = assertThrows(NvmlException.class, () -> s.device(0).serial());
            assertEquals(NvmlReturn.FUNCTION_NOT_FOUND, e.returnCode());
            assertEquals("nvmlDeviceGetSerial", e.function());
            assertEquals("GPU-00000000-0000-4000-8000-000000000000", s.device(0).uuid(), "the rest still works");
        }
    }

    @ParameterizedTest(name = "without {0}")
    @ValueSource(strings = {"_v2", "_v3"})
    void legacyNamesAreUsedWhereVersionedOnesAreMissing(String suffix) throws Exception {
        NvmlLibrary lib = withoutSymbols(name -> name.endsWith("_v2") || name.endsWith(suffix));
        assertEquals(Optional.of("nvmlInit"), lib.boundName(NvmlLibrary.Fn.INIT));
        try (NvmlSession s = lib.openSession()) {
            assertEquals(3, s.deviceCount(), "v1 count skips the GPU without permission");
            NvmlDevice d = s.device(0);
            assertEquals("00000000:3B:00.0", d.pciInfo().busId(), "rebuilt from the v1 struct's bus id");
            MemoryInfo m = d.memory().orElseThrow();
            assertEquals(0L, m.reserved(), "v1 has no reserved field");
            assertEquals(1048576L + 536870912L, m.used());
            List<ProcessInfo> p = d.computeProcesses();
            if (suffix.equals("_v3")) {
                assertEquals(Optional.of("nvmlDeviceGetComputeRunningProcesses"),
                        lib.boundName(NvmlLibrary.Fn.COMPUTE_PROCESSES));
                assertEquals(Optional.empty(), p.get(0).gpuInstanceId());
            }
            assertEquals(List.of(100, 101), p.stream().map(ProcessInfo::pid).toList());
            assertEquals(Optional.of(4096L), p.get(0).usedGpuMemory());
        }
    }

    @Test
    void versionedNamesArePreferred() {
        NvmlLibrary lib = FakeNvml.library();
        assertEquals(Optional.of("nvmlInit_v2"), lib.boundName(NvmlLibrary.Fn.INIT));
        assertEquals(Optional.of("nvmlDeviceGetCount_v2"), lib.boundName(NvmlLibrary.Fn.COUNT));
        assertEquals(Optional.of("nvmlDeviceGetPciInfo_v3"), lib.boundName(NvmlLibrary.Fn.PCI_INFO));
        assertEquals(Optional.of("nvmlDeviceGetMemoryInfo_v2"), lib.boundName(NvmlLibrary.Fn.MEMORY_INFO));
        assertEquals(Optional.of("nvmlDeviceGetComputeRunningProcesses_v3"), lib.boundName(NvmlLibrary.Fn.COMPUTE_PROCESSES));
        assertEquals(Optional.of("nvmlDeviceGetHandleByPciBusId_v2"), lib.boundName(NvmlLibrary.Fn.HANDLE_BY_PCI_BUS_ID));
    }

    @Test
    void sessionsAreIndependentAndCloseOnce() throws Exception {
        NvmlLibrary lib = FakeNvml.library();
        NvmlSession a = lib.openSession();
        NvmlSession b = lib.openSession();
        NvmlDevice inB = b.device(0);
        a.close();
        a.close();   // a second close must not take b's init reference with it
        assertFalse(a.isOpen());
        assertEquals("GPU-00000000-0000-4000-8000-000000000000", inB.uuid(), "b still works after a closed twice");
        assertThrows(IllegalStateException.class, a::driverVersion);
        b.close();
        assertEquals(NvmlReturn.UNINITIALIZED.code(), lib.shutdown(), "every init was given back, no more");
        assertThrows(IllegalStateException.class, inB::uuid);
    }

    @Test
    void errorStringAndReturnCodes() {
        NvmlLibrary lib = FakeNvml.library();
        assertEquals("Driver/library version mismatch", lib.errorString(18));
        assertEquals(NvmlReturn.UNKNOWN, NvmlReturn.of(999));
        assertEquals(NvmlReturn.UNRECOGNIZED, NvmlReturn.of(31));
        assertEquals(NvmlReturn.ARGUMENT_VERSION_MISMATCH, NvmlReturn.of(25));
        NvmlException e = new NvmlException(31, "nvmlFoo", "");
        assertEquals(31, e.code());
        assertNotEquals(NvmlReturn.UNKNOWN, e.returnCode());
    }

    @ParameterizedTest(name = "architecture {0} → {1}")
    @CsvSource({"9, HOPPER", "10, BLACKWELL", "13, RUBIN", "12, UNKNOWN", "-1, UNKNOWN", "8, ADA"})
    void architecturesMapWithoutFailingOnNewValues(int value, Architecture expected) {
        assertEquals(expected, Architecture.of(value));
    }

    @ParameterizedTest(name = "brand {0} → {1}")
    @CsvSource({"14, NVIDIA", "2, TESLA", "13, NVIDIA_RTX", "17, UNKNOWN", "99, UNKNOWN"})
    void brandsMapWithoutFailingOnNewValues(int value, Brand expected) {
        assertEquals(expected, Brand.of(value));
    }
}
