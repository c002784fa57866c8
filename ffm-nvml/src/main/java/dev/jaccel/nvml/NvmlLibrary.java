package dev.jaccel.nvml;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.core.model.PciBusId;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>{@link Fn} is the header: every function this binding calls, each name it may go by (newest
 * first, then the legacy names the real library still exports, docs/nvml.md §1.2), the C prototype of
 * each name as in NVML's {@code nvml.h} (NVIDIA/go-nvml {@code gen/nvml/nvml.h} at 2f9e261, NVML 13.3.29) and the
 * {@link Shape} of its downcall. A name whose arguments or struct layout differ from the newest
 * one is marked {@link Abi#V1}, and the code that reads the result branches on that, never on a
 * position in the list. A symbol is resolved on first use; one that is missing is an
 * {@link NvmlException} with {@code FUNCTION_NOT_FOUND}, as libnvidia-container does.
 *
 * <p>Downcall handles are {@code static final}, one per shape (the function's address is their
 * first argument), so one handle serves every function of that shape and every loaded copy of the
 * library. Scratch memory for out-parameters and structs is one small segment per thread, reused by
 * every call of that thread (a downcall never calls back into Java, so calls cannot nest): a call
 * allocates no native memory. Device handles are opaque addresses, compared by value, never
 * dereferenced. Instances are thread-safe, as NVML is.
 *
 * <p>Struct offsets: gcc {@code offsetof} on the same header (docs/nvml.md §4.2); the ABI tests
 * ({@code FakeNvmlAbiTest}) check each against the fake, which declares the C structs itself.
 */
@SuppressWarnings("restricted") // the one class that links NVML: native access is its job
public final class NvmlLibrary {
    /** The name every NVML consumer loads; never the unversioned development link {@code libnvidia-ml.so}. */
    public static final String SONAME = "libnvidia-ml.so.1";
    /** The library in messages. */
    static final String LIBRARY = "NVML";

    // buffer sizes including the NUL (docs/nvml.md §3; the _V2 sizes for UUID and name)
    static final int VERSION_BUFFER = 80;
    static final int UUID_BUFFER = 96;
    static final int NAME_BUFFER = 96;
    static final int SERIAL_BUFFER = 30;
    private static final int MAX_STRING_BUFFER = 4096;

    /** Downcall shapes: {@code I} int (every C enum, {@code unsigned int}, {@code nvmlReturn_t}), {@code J} 64-bit, {@code P} pointer or handle. */
    enum Shape {
        I_(JAVA_INT),
        I_P(JAVA_INT, ADDRESS),
        I_PI(JAVA_INT, ADDRESS, JAVA_INT),
        I_IP(JAVA_INT, JAVA_INT, ADDRESS),
        I_PP(JAVA_INT, ADDRESS, ADDRESS),
        I_PPI(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT),
        I_PPP(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
        I_PIP(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
        I_PPIP(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS),
        I_PJP(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS),
        I_PIIP(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
        I_PIPP(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
        I_PIPPP(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
        I_PPPPP(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
        P_I(ADDRESS, JAVA_INT);

        final FunctionDescriptor descriptor;

        Shape(MemoryLayout result, MemoryLayout... arguments) {
            this.descriptor = FunctionDescriptor.of(result, arguments);
        }
    }

    /** Whether a name speaks the newest ABI of its function or the first one (older struct or arguments). */
    enum Abi { CURRENT, V1 }

    /** One exported name of a function: its symbol, prototype, shape and ABI. */
    record Name(String symbol, Shape shape, Abi abi, String prototype) {
    }

    private static Name current(String symbol, Shape shape, String prototype) {
        return new Name(symbol, shape, Abi.CURRENT, prototype);
    }

    private static Name v1(String symbol, Shape shape, String prototype) {
        return new Name(symbol, shape, Abi.V1, prototype);
    }

    /** Every function this binding calls: its names, newest first, each with its C prototype. */
    enum Fn {
        INIT(current("nvmlInit_v2", Shape.I_, "nvmlReturn_t nvmlInit_v2(void)"),
                // same ABI; v1 attached every GPU at init and failed if one was bad
                current("nvmlInit", Shape.I_, "nvmlReturn_t nvmlInit(void)")),
        SHUTDOWN(current("nvmlShutdown", Shape.I_, "nvmlReturn_t nvmlShutdown(void)")),
        ERROR_STRING(current("nvmlErrorString", Shape.P_I, "const char *nvmlErrorString(nvmlReturn_t result)")),
        DRIVER_VERSION(current("nvmlSystemGetDriverVersion", Shape.I_PI,
                "nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)")),
        NVML_VERSION(current("nvmlSystemGetNVMLVersion", Shape.I_PI,
                "nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length)")),
        // two functions, not two names of one: v1 may report a supported version without libcuda
        CUDA_DRIVER_VERSION(current("nvmlSystemGetCudaDriverVersion", Shape.I_P,
                "nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *cudaDriverVersion)")),
        CUDA_DRIVER_VERSION_V2(current("nvmlSystemGetCudaDriverVersion_v2", Shape.I_P,
                "nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion)")),
        COUNT(current("nvmlDeviceGetCount_v2", Shape.I_P, "nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)"),
                // same ABI; v1 leaves out the GPUs the caller may not open
                current("nvmlDeviceGetCount", Shape.I_P, "nvmlReturn_t nvmlDeviceGetCount(unsigned int *deviceCount)")),
        HANDLE_BY_INDEX(current("nvmlDeviceGetHandleByIndex_v2", Shape.I_IP,
                        "nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)"),
                current("nvmlDeviceGetHandleByIndex", Shape.I_IP,
                        "nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device)")),
        HANDLE_BY_UUID(current("nvmlDeviceGetHandleByUUID", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device)")),
        HANDLE_BY_PCI_BUS_ID(current("nvmlDeviceGetHandleByPciBusId_v2", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char *pciBusId, nvmlDevice_t *device)"),
                current("nvmlDeviceGetHandleByPciBusId", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char *pciBusId, nvmlDevice_t *device)")),
        INDEX(current("nvmlDeviceGetIndex", Shape.I_PP, "nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index)")),
        UUID(current("nvmlDeviceGetUUID", Shape.I_PPI,
                "nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)")),
        NAME(current("nvmlDeviceGetName", Shape.I_PPI,
                "nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)")),
        SERIAL(current("nvmlDeviceGetSerial", Shape.I_PPI,
                "nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned int length)")),
        MINOR_NUMBER(current("nvmlDeviceGetMinorNumber", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int *minorNumber)")),
        PCI_INFO(current("nvmlDeviceGetPciInfo_v3", Shape.I_PP, "nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci)"),
                current("nvmlDeviceGetPciInfo_v2", Shape.I_PP, "nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t *pci)"),
                v1("nvmlDeviceGetPciInfo", Shape.I_PP, "nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_v1_t *pci)")),
        MEMORY_INFO(current("nvmlDeviceGetMemoryInfo_v2", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory)"),
                v1("nvmlDeviceGetMemoryInfo", Shape.I_PP, "nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)")),
        COMPUTE_CAPABILITY(current("nvmlDeviceGetCudaComputeCapability", Shape.I_PPP,
                "nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor)")),
        ARCHITECTURE(current("nvmlDeviceGetArchitecture", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, nvmlDeviceArchitecture_t *arch)")),
        BRAND(current("nvmlDeviceGetBrand", Shape.I_PP, "nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device, nvmlBrandType_t *type)")),
        PERSISTENCE_MODE(current("nvmlDeviceGetPersistenceMode", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t *mode)")),
        TEMPERATURE(current("nvmlDeviceGetTemperatureV", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t device, nvmlTemperature_t *temperature)"),
                // DEPRECATED(13.0), still exported
                v1("nvmlDeviceGetTemperature", Shape.I_PIP,
                        "nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensorType, unsigned int *temp)")),
        POWER_USAGE(current("nvmlDeviceGetPowerUsage", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)")),
        POWER_LIMIT(current("nvmlDeviceGetEnforcedPowerLimit", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)"),
                current("nvmlDeviceGetPowerManagementLimit", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit)")),
        UTILIZATION(current("nvmlDeviceGetUtilizationRates", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)")),
        NUMA_NODE(current("nvmlDeviceGetNumaNodeId", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetNumaNodeId(nvmlDevice_t device, unsigned int *node)")),
        COMPUTE_PROCESSES(current("nvmlDeviceGetComputeRunningProcesses_v3", Shape.I_PPP,
                        "nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos)"),
                current("nvmlDeviceGetComputeRunningProcesses_v2", Shape.I_PPP,
                        "nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_v2_t *infos)"),
                v1("nvmlDeviceGetComputeRunningProcesses", Shape.I_PPP,
                        "nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_v1_t *infos)")),
        MIG_MODE(current("nvmlDeviceGetMigMode", Shape.I_PPP,
                "nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode, unsigned int *pendingMode)")),
        MAX_MIG_DEVICE_COUNT(current("nvmlDeviceGetMaxMigDeviceCount", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count)")),
        MIG_HANDLE_BY_INDEX(current("nvmlDeviceGetMigDeviceHandleByIndex", Shape.I_PIP,
                "nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *migDevice)")),
        IS_MIG_HANDLE(current("nvmlDeviceIsMigDeviceHandle", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int *isMigDevice)")),
        GPU_INSTANCE_ID(current("nvmlDeviceGetGpuInstanceId", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id)")),
        COMPUTE_INSTANCE_ID(current("nvmlDeviceGetComputeInstanceId", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int *id)")),
        PARENT_OF_MIG(current("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t migDevice, nvmlDevice_t *device)")),
        TOPOLOGY_COMMON_ANCESTOR(current("nvmlDeviceGetTopologyCommonAncestor", Shape.I_PPP,
                "nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(nvmlDevice_t device1, nvmlDevice_t device2, nvmlGpuTopologyLevel_t *pathInfo)")),
        P2P_STATUS(current("nvmlDeviceGetP2PStatus", Shape.I_PPIP,
                "nvmlReturn_t nvmlDeviceGetP2PStatus(nvmlDevice_t device1, nvmlDevice_t device2, nvmlGpuP2PCapsIndex_t p2pIndex, nvmlGpuP2PStatus_t *p2pStatus)")),
        NVLINK_STATE(current("nvmlDeviceGetNvLinkState", Shape.I_PIP,
                "nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link, nvmlEnableState_t *isActive)")),
        NVLINK_REMOTE_PCI_INFO(current("nvmlDeviceGetNvLinkRemotePciInfo_v2", Shape.I_PIP,
                        "nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t device, unsigned int link, nvmlPciInfo_t *pci)"),
                v1("nvmlDeviceGetNvLinkRemotePciInfo", Shape.I_PIP,
                        "nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo(nvmlDevice_t device, unsigned int link, nvmlPciInfo_v1_t *pci)")),
        SUPPORTED_EVENT_TYPES(current("nvmlDeviceGetSupportedEventTypes", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device, unsigned long long *eventTypes)")),
        EVENT_SET_CREATE(current("nvmlEventSetCreate", Shape.I_P, "nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set)")),
        REGISTER_EVENTS(current("nvmlDeviceRegisterEvents", Shape.I_PJP,
                "nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long eventTypes, nvmlEventSet_t set)")),
        EVENT_SET_WAIT(current("nvmlEventSetWait_v2", Shape.I_PPI,
                        "nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms)"),
                v1("nvmlEventSetWait", Shape.I_PPI,
                        "nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_v1_t *data, unsigned int timeoutms)")),
        EVENT_SET_FREE(current("nvmlEventSetFree", Shape.I_P, "nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set)")),
        CLOCK(current("nvmlDeviceGetClockInfo", Shape.I_PIP,
                "nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock)")),
        MAX_CLOCK(current("nvmlDeviceGetMaxClockInfo", Shape.I_PIP,
                "nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock)")),
        ECC_MODE(current("nvmlDeviceGetEccMode", Shape.I_PPP,
                "nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, nvmlEnableState_t *current, nvmlEnableState_t *pending)")),
        ECC_ERRORS(current("nvmlDeviceGetTotalEccErrors", Shape.I_PIIP,
                "nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, nvmlMemoryErrorType_t errorType, nvmlEccCounterType_t counterType, unsigned long long *eccCounts)")),
        PCIE_LINK_GENERATION(current("nvmlDeviceGetCurrPcieLinkGeneration", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int *currLinkGen)")),
        PCIE_LINK_WIDTH(current("nvmlDeviceGetCurrPcieLinkWidth", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int *currLinkWidth)")),
        MAX_PCIE_LINK_GENERATION(current("nvmlDeviceGetMaxPcieLinkGeneration", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t device, unsigned int *maxLinkGen)")),
        MAX_PCIE_LINK_WIDTH(current("nvmlDeviceGetMaxPcieLinkWidth", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t device, unsigned int *maxLinkWidth)")),
        PCIE_THROUGHPUT(current("nvmlDeviceGetPcieThroughput", Shape.I_PIP,
                "nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, nvmlPcieUtilCounter_t counter, unsigned int *value)")),
        PCIE_REPLAY_COUNTER(current("nvmlDeviceGetPcieReplayCounter", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetPcieReplayCounter(nvmlDevice_t device, unsigned int *value)")),
        ENERGY(current("nvmlDeviceGetTotalEnergyConsumption", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy)")),
        POWER_LIMIT_CONSTRAINTS(current("nvmlDeviceGetPowerManagementLimitConstraints", Shape.I_PPP,
                "nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int *minLimit, unsigned int *maxLimit)")),
        FAN_COUNT(current("nvmlDeviceGetNumFans", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetNumFans(nvmlDevice_t device, unsigned int *numFans)")),
        FAN_SPEED(current("nvmlDeviceGetFanSpeed_v2", Shape.I_PIP,
                        "nvmlReturn_t nvmlDeviceGetFanSpeed_v2(nvmlDevice_t device, unsigned int fan, unsigned int *speed)"),
                // the first fan only
                v1("nvmlDeviceGetFanSpeed", Shape.I_PP, "nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed)")),
        TEMPERATURE_THRESHOLD(current("nvmlDeviceGetTemperatureThreshold", Shape.I_PIP,
                "nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, nvmlTemperatureThresholds_t thresholdType, unsigned int *temp)")),
        CLOCKS_EVENT_REASONS(current("nvmlDeviceGetCurrentClocksEventReasons", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *clocksEventReasons)"),
                // DEPRECATED(13.0): the same mask under its pre-12.x name
                current("nvmlDeviceGetCurrentClocksThrottleReasons", Shape.I_PP,
                        "nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *clocksThrottleReasons)")),
        PERFORMANCE_STATE(current("nvmlDeviceGetPerformanceState", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, nvmlPstates_t *pState)")),
        ENCODER_UTILIZATION(current("nvmlDeviceGetEncoderUtilization", Shape.I_PPP,
                "nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, unsigned int *utilization, unsigned int *samplingPeriodUs)")),
        DECODER_UTILIZATION(current("nvmlDeviceGetDecoderUtilization", Shape.I_PPP,
                "nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, unsigned int *utilization, unsigned int *samplingPeriodUs)")),
        RETIRED_PAGES(current("nvmlDeviceGetRetiredPages_v2", Shape.I_PIPPP,
                        "nvmlReturn_t nvmlDeviceGetRetiredPages_v2(nvmlDevice_t device, nvmlPageRetirementCause_t cause, unsigned int *pageCount, unsigned long long *addresses, unsigned long long *timestamps)"),
                v1("nvmlDeviceGetRetiredPages", Shape.I_PIPP,
                        "nvmlReturn_t nvmlDeviceGetRetiredPages(nvmlDevice_t device, nvmlPageRetirementCause_t cause, unsigned int *pageCount, unsigned long long *addresses)")),
        RETIRED_PAGES_PENDING(current("nvmlDeviceGetRetiredPagesPendingStatus", Shape.I_PP,
                "nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(nvmlDevice_t device, nvmlEnableState_t *isPending)")),
        REMAPPED_ROWS(current("nvmlDeviceGetRemappedRows", Shape.I_PPPPP,
                "nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int *corrRows, unsigned int *uncRows, unsigned int *isPending, unsigned int *failureOccurred)"));

        final List<Name> names;

        Fn(Name... names) {
            this.names = List.of(names);
        }
    }

    /**
     * The static downcall handles, one per {@link Shape}, each in its own holder class so that a
     * shape is linked the first time a call of that shape is made: linking costs milliseconds per
     * shape in a cold JVM (more than 100 for the first), and a session's first calls use a few of
     * them. Linking is also a restricted operation: it happens after a library loaded, so a JVM that
     * denies native access gets the load's clear error rather than a failed class initialisation.
     */
    private static final class Link {
        private static final Linker LINKER = Linker.nativeLinker();

        static MethodHandle handle(Shape shape) {
            return LINKER.downcallHandle(shape.descriptor);
        }
    }

    private static final class I_ {
        static final MethodHandle H = Link.handle(Shape.I_);
    }

    private static final class I_P {
        static final MethodHandle H = Link.handle(Shape.I_P);
    }

    private static final class I_PI {
        static final MethodHandle H = Link.handle(Shape.I_PI);
    }

    private static final class I_IP {
        static final MethodHandle H = Link.handle(Shape.I_IP);
    }

    private static final class I_PP {
        static final MethodHandle H = Link.handle(Shape.I_PP);
    }

    private static final class I_PPI {
        static final MethodHandle H = Link.handle(Shape.I_PPI);
    }

    private static final class I_PPP {
        static final MethodHandle H = Link.handle(Shape.I_PPP);
    }

    private static final class I_PIP {
        static final MethodHandle H = Link.handle(Shape.I_PIP);
    }

    private static final class I_PPIP {
        static final MethodHandle H = Link.handle(Shape.I_PPIP);
    }

    private static final class I_PJP {
        static final MethodHandle H = Link.handle(Shape.I_PJP);
    }

    private static final class I_PIIP {
        static final MethodHandle H = Link.handle(Shape.I_PIIP);
    }

    private static final class I_PIPP {
        static final MethodHandle H = Link.handle(Shape.I_PIPP);
    }

    private static final class I_PIPPP {
        static final MethodHandle H = Link.handle(Shape.I_PIPPP);
    }

    private static final class I_PPPPP {
        static final MethodHandle H = Link.handle(Shape.I_PPPPP);
    }

    private static final class P_I {
        static final MethodHandle H = Link.handle(Shape.P_I);
    }

    // ---- struct layouts (x86-64, from nvml.h) ----

    static final StructLayout PCI_INFO = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("busIdLegacy"),
            JAVA_INT.withName("domain"), JAVA_INT.withName("bus"), JAVA_INT.withName("device"),
            JAVA_INT.withName("pciDeviceId"), JAVA_INT.withName("pciSubSystemId"),
            MemoryLayout.sequenceLayout(32, JAVA_BYTE).withName("busId"));                  // 68 B
    /** The v1 struct behind the legacy names: {@code busId[16]}, 5 uints, 4 reserved; the first 36 bytes match. */
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
    static final StructLayout TEMPERATURE = MemoryLayout.structLayout(
            JAVA_INT.withName("version"), JAVA_INT.withName("sensorType"), JAVA_INT.withName("temperature")); // 12 B
    /** {@code nvmlTemperature_v1 = sizeof(nvmlTemperature_v1_t) | 1 << 24}. */
    static final int TEMPERATURE_V1_VERSION = (int) TEMPERATURE.byteSize() | 1 << 24;
    static final StructLayout UTILIZATION = MemoryLayout.structLayout(
            JAVA_INT.withName("gpu"), JAVA_INT.withName("memory"));                          // 8 B
    static final StructLayout PROCESS_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("pid"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("usedGpuMemory"),
            JAVA_INT.withName("gpuInstanceId"), JAVA_INT.withName("computeInstanceId"));     // 24 B
    static final StructLayout PROCESS_INFO_V1 = MemoryLayout.structLayout(
            JAVA_INT.withName("pid"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("usedGpuMemory")); // 16 B
    static final StructLayout EVENT_DATA = MemoryLayout.structLayout(
            ADDRESS.withName("device"), JAVA_LONG.withName("eventType"), JAVA_LONG.withName("eventData"),
            JAVA_INT.withName("gpuInstanceId"), JAVA_INT.withName("computeInstanceId"));     // 32 B
    /** What the legacy {@code nvmlEventSetWait} writes: no instance ids (they came with {@code _v2}). */
    static final StructLayout EVENT_DATA_V1 = MemoryLayout.structLayout(
            ADDRESS.withName("device"), JAVA_LONG.withName("eventType"), JAVA_LONG.withName("eventData")); // 24 B

    private static final long PCI_BUS_ID_LEGACY = offset(PCI_INFO, "busIdLegacy");
    private static final long PCI_DOMAIN = offset(PCI_INFO, "domain");
    private static final long PCI_BUS = offset(PCI_INFO, "bus");
    private static final long PCI_DEVICE = offset(PCI_INFO, "device");
    private static final long PCI_DEVICE_ID = offset(PCI_INFO, "pciDeviceId");
    private static final long PCI_SUBSYSTEM_ID = offset(PCI_INFO, "pciSubSystemId");
    private static final long PCI_BUS_ID = offset(PCI_INFO, "busId");
    private static final long MEM_TOTAL = offset(MEMORY, "total");
    private static final long MEM_FREE = offset(MEMORY, "free");
    private static final long MEM_USED = offset(MEMORY, "used");
    private static final long MEM2_TOTAL = offset(MEMORY_V2, "total");
    private static final long MEM2_RESERVED = offset(MEMORY_V2, "reserved");
    private static final long MEM2_FREE = offset(MEMORY_V2, "free");
    private static final long MEM2_USED = offset(MEMORY_V2, "used");
    private static final long TEMP_SENSOR = offset(TEMPERATURE, "sensorType");
    private static final long TEMP_VALUE = offset(TEMPERATURE, "temperature");
    private static final long UTIL_MEMORY = offset(UTILIZATION, "memory");
    private static final long PROC_MEMORY = offset(PROCESS_INFO, "usedGpuMemory");
    private static final long PROC_GI = offset(PROCESS_INFO, "gpuInstanceId");
    private static final long PROC_CI = offset(PROCESS_INFO, "computeInstanceId");
    private static final long EVENT_TYPE = offset(EVENT_DATA, "eventType");
    private static final long EVENT_DATA_VALUE = offset(EVENT_DATA, "eventData");
    private static final long EVENT_GI = offset(EVENT_DATA, "gpuInstanceId");
    private static final long EVENT_CI = offset(EVENT_DATA, "computeInstanceId");

    private static final long NOT_AVAILABLE = -1L;   // NVML_VALUE_NOT_AVAILABLE in a 64-bit field
    private static final int NO_INSTANCE = -1;       // 0xFFFFFFFF: no GPU/compute instance (no MIG)
    private static final int TEMPERATURE_GPU = 0;    // NVML_TEMPERATURE_GPU, the only sensor

    /** Per-thread scratch for out-parameters and structs: larger than every struct and default string buffer. */
    private static final int SCRATCH_BYTES = 512;
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_BYTES, 8));

    /** A resolved symbol: which of its function's names the library answered with. */
    record Symbol(Fn fn, Name name, MemorySegment address) {
        String symbol() {
            return name.symbol();
        }

        boolean isV1() {
            return name.abi() == Abi.V1;
        }

        /** Guards the static handle a caller is about to use against a mistake in {@link Fn}. */
        Symbol expect(Shape shape) {
            if (name.shape() != shape) {
                throw new IllegalStateException(name.symbol() + " is declared " + name.shape() + ", called as " + shape);
            }
            return this;
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

    /**
     * The NVML the jaccel command line would use: {@code JACCEL_NVML_LIBRARY} from the process
     * environment when set, else {@code libnvidia-ml.so.1} through the system search.
     *
     * @throws LibraryUnavailableException when it cannot be loaded (no driver, or native access denied)
     */
    public static NvmlLibrary system() {
        return locate(System.getenv());
    }

    /** As {@link #system()}, with the environment given. */
    public static NvmlLibrary locate(Map<String, String> env) {
        String configured = env.get("JACCEL_NVML_LIBRARY");
        return load(configured == null || configured.isBlank() ? SONAME : configured);
    }

    /**
     * Loads NVML from a bare library name (system search) or a path (containing a {@code /}).
     * The same name or path gives the same instance; the library stays loaded for the life of the
     * JVM (unloading it under a live session would pull code from under other threads).
     *
     * @throws LibraryUnavailableException when it cannot be loaded (no driver, or native access denied)
     */
    public static NvmlLibrary load(String nameOrPath) {
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
        } catch (IllegalCallerException e) {
            throw LibraryUnavailableException.nativeAccessDenied(LIBRARY, nameOrPath, NvmlLibrary.class, e);
        } catch (IllegalArgumentException e) {
            throw LibraryUnavailableException.notFound(LIBRARY, nameOrPath,
                    "install the NVIDIA driver (its user-space part provides " + SONAME + ") or load it by its path", e);
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
     * its suffix is the user-space driver version (docs/nvml.md §1.1). Empty when it cannot be found.
     */
    public Optional<Path> file() {
        return file;
    }

    /** Opens a session: one {@code nvmlInit_v2}, undone by {@link NvmlSession#close()}. */
    public NvmlSession openSession() {
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

    // ---- symbols, checks and the downcalls by shape ----

    Symbol symbol(Fn fn) {
        Symbol s = symbols.get(fn.ordinal());
        if (s == null) {
            s = new Symbol(fn, null, null);
            for (Name name : fn.names) {
                Optional<MemorySegment> address = lookup.find(name.symbol());
                if (address.isPresent()) {
                    s = new Symbol(fn, name, address.get());
                    break;
                }
            }
            symbols.compareAndSet(fn.ordinal(), null, s);
        }
        if (s.address() == null) {
            throw new NvmlException(NvmlReturn.FUNCTION_NOT_FOUND.code(), fn.names.getFirst().symbol(),
                    source + " exports none of " + String.join(", ", fn.names.stream().map(Name::symbol).toList()));
        }
        return s;
    }

    /** The symbol name this library answers {@code fn} with, or empty when it has none. */
    Optional<String> boundName(Fn fn) {
        try {
            return Optional.of(symbol(fn).symbol());
        } catch (NvmlException e) {
            return Optional.empty();
        }
    }

    private void check(int rc, Symbol s) {
        if (rc != 0) {
            throw new NvmlException(rc, s.symbol(), errorString(rc));
        }
    }

    private static MemorySegment scratch() {
        return SCRATCH.get();
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

    /** A downcall through one of the static handles; what it throws besides errors is a bug, not a code. */
    @FunctionalInterface
    private interface Downcall {
        int call() throws Throwable;
    }

    private static int downcall(Downcall call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int invoke(Symbol s) {
        return downcall(() -> (int) I_.H.invokeExact(s.expect(Shape.I_).address()));
    }

    private static int invoke(Symbol s, MemorySegment a) {
        return downcall(() -> (int) I_P.H.invokeExact(s.expect(Shape.I_P).address(), a));
    }

    private static int invoke(Symbol s, MemorySegment a, int b) {
        return downcall(() -> (int) I_PI.H.invokeExact(s.expect(Shape.I_PI).address(), a, b));
    }

    private static int invoke(Symbol s, int a, MemorySegment b) {
        return downcall(() -> (int) I_IP.H.invokeExact(s.expect(Shape.I_IP).address(), a, b));
    }

    private static int invoke(Symbol s, MemorySegment a, MemorySegment b) {
        return downcall(() -> (int) I_PP.H.invokeExact(s.expect(Shape.I_PP).address(), a, b));
    }

    private static int invoke(Symbol s, MemorySegment a, MemorySegment b, int c) {
        return downcall(() -> (int) I_PPI.H.invokeExact(s.expect(Shape.I_PPI).address(), a, b, c));
    }

    private static int invoke(Symbol s, MemorySegment a, MemorySegment b, MemorySegment c) {
        return downcall(() -> (int) I_PPP.H.invokeExact(s.expect(Shape.I_PPP).address(), a, b, c));
    }

    private static int invoke(Symbol s, MemorySegment a, int b, MemorySegment c) {
        return downcall(() -> (int) I_PIP.H.invokeExact(s.expect(Shape.I_PIP).address(), a, b, c));
    }

    private static int invoke(Symbol s, MemorySegment a, MemorySegment b, int c, MemorySegment d) {
        return downcall(() -> (int) I_PPIP.H.invokeExact(s.expect(Shape.I_PPIP).address(), a, b, c, d));
    }

    private static int invoke(Symbol s, MemorySegment a, long b, MemorySegment c) {
        return downcall(() -> (int) I_PJP.H.invokeExact(s.expect(Shape.I_PJP).address(), a, b, c));
    }

    private static int invoke(Symbol s, MemorySegment a, int b, int c, MemorySegment d) {
        return downcall(() -> (int) I_PIIP.H.invokeExact(s.expect(Shape.I_PIIP).address(), a, b, c, d));
    }

    private static int invoke(Symbol s, MemorySegment a, int b, MemorySegment c, MemorySegment d) {
        return downcall(() -> (int) I_PIPP.H.invokeExact(s.expect(Shape.I_PIPP).address(), a, b, c, d));
    }

    private static int invoke(Symbol s, MemorySegment a, int b, MemorySegment c, MemorySegment d, MemorySegment e) {
        return downcall(() -> (int) I_PIPPP.H.invokeExact(s.expect(Shape.I_PIPPP).address(), a, b, c, d, e));
    }

    private static int invoke(Symbol s, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d, MemorySegment e) {
        return downcall(() -> (int) I_PPPPP.H.invokeExact(s.expect(Shape.I_PPPPP).address(), a, b, c, d, e));
    }

    private static long offset(StructLayout layout, String name) {
        return layout.byteOffset(groupElement(name));
    }

    // ---- the one-out-parameter calls: f(out), f(device, out), f(device, int, out) ----

    /** {@code f(T *out)}: a system-wide value, read as a 32-bit int. */
    private int systemInt(Fn fn) {
        Symbol s = symbol(fn);
        MemorySegment out = scratch();
        check(invoke(s, out), s);
        return out.get(JAVA_INT, 0);
    }

    /** {@code f(nvmlDevice_t, T *out)} with a 32-bit {@code T}. */
    private int deviceInt(Fn fn, MemorySegment device) {
        Symbol s = symbol(fn);
        MemorySegment out = scratch();
        check(invoke(s, device, out), s);
        return out.get(JAVA_INT, 0);
    }

    /** {@code f(nvmlDevice_t, unsigned long long *out)}. */
    private long deviceLong(Fn fn, MemorySegment device) {
        Symbol s = symbol(fn);
        MemorySegment out = scratch();
        check(invoke(s, device, out), s);
        return out.get(JAVA_LONG, 0);
    }

    /** {@code f(nvmlDevice_t, unsigned int, T *out)} with a 32-bit {@code T}: a per-link or per-kind value. */
    private int deviceIndexedInt(Fn fn, MemorySegment device, int which) {
        Symbol s = symbol(fn);
        MemorySegment out = scratch();
        check(invoke(s, device, which, out), s);
        return out.get(JAVA_INT, 0);
    }

    /** {@code f(nvmlDevice_t, T *a, T *b)} with 32-bit {@code T}s, as {@code {a, b}}. */
    private int[] deviceIntPair(Fn fn, MemorySegment device) {
        Symbol s = symbol(fn);
        MemorySegment out = scratch();
        check(invoke(s, device, out, out.asSlice(8)), s);
        return new int[] {out.get(JAVA_INT, 0), out.get(JAVA_INT, 8)};
    }

    /** {@code f(nvmlDevice_t, T *struct)}: the struct in scratch memory, {@code version} written first when non-zero. */
    private MemorySegment deviceStruct(Fn fn, MemorySegment device, StructLayout layout, int version) {
        Symbol s = symbol(fn);
        MemorySegment out = scratch().asSlice(0, layout.byteSize());
        out.fill((byte) 0);
        if (version != 0) {
            out.set(JAVA_INT, 0, version);
        }
        check(invoke(s, device, out), s);
        return out;
    }

    private static MemorySegment handleAt(MemorySegment out) {
        return out.get(ADDRESS, 0);
    }

    // ---- init and system ----

    void init() {
        Symbol s = symbol(Fn.INIT);
        check(invoke(s), s);
    }

    /** {@code nvmlShutdown}; returns the raw code (UNINITIALIZED for an unbalanced call). */
    int shutdown() {
        return invoke(symbol(Fn.SHUTDOWN));
    }

    /** {@code nvmlErrorString}: a static string, read through a bounded reinterpretation, never freed. */
    public String errorString(int code) {
        try {
            Symbol s = symbol(Fn.ERROR_STRING).expect(Shape.P_I);
            MemorySegment text = (MemorySegment) P_I.H.invokeExact(s.address(), code);
            return text.equals(MemorySegment.NULL) ? "" : text.reinterpret(1024).getString(0);
        } catch (NvmlException e) {
            return "";
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String driverVersion() {
        return systemString(Fn.DRIVER_VERSION, VERSION_BUFFER);
    }

    String nvmlVersion() {
        return systemString(Fn.NVML_VERSION, VERSION_BUFFER);
    }

    int cudaDriverVersion() {
        return systemInt(Fn.CUDA_DRIVER_VERSION);
    }

    int cudaDriverVersionV2() {
        return systemInt(Fn.CUDA_DRIVER_VERSION_V2);
    }

    int deviceCount() {
        return systemInt(Fn.COUNT);
    }

    private String systemString(Fn fn, int size) {
        return string(fn, null, size);
    }

    /**
     * A string getter, {@code f(char *, unsigned)} or {@code f(nvmlDevice_t, char *, unsigned)}: starts
     * at the documented size and grows on INSUFFICIENT_SIZE (up to 4 KiB).
     */
    String string(Fn fn, MemorySegment device, int size) {
        Symbol s = symbol(fn);
        for (int n = size; ; n *= 2) {
            try (Arena arena = n <= SCRATCH_BYTES ? null : Arena.ofConfined()) {
                MemorySegment buffer = arena == null ? scratch() : arena.allocate(n);
                int rc = device == null ? invoke(s, buffer, n) : invoke(s, device, buffer, n);
                if (rc == NvmlReturn.INSUFFICIENT_SIZE.code() && n < MAX_STRING_BUFFER) {
                    continue;
                }
                check(rc, s);
                return buffer.getString(0);
            }
        }
    }

    // ---- handles ----

    MemorySegment handleByIndex(int index) {
        Symbol s = symbol(Fn.HANDLE_BY_INDEX);
        MemorySegment out = scratch();
        check(invoke(s, index, out), s);
        return handleAt(out);
    }

    MemorySegment handleByUuid(String uuid) {
        return handleByString(Fn.HANDLE_BY_UUID, uuid);
    }

    MemorySegment handleByPciBusId(String busId) {
        return handleByString(Fn.HANDLE_BY_PCI_BUS_ID, busId);
    }

    private MemorySegment handleByString(Fn fn, String key) {
        Symbol s = symbol(fn);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(invoke(s, arena.allocateFrom(key), out), s);
            return handleAt(out);
        }
    }

    MemorySegment migHandleByIndex(MemorySegment device, int index) {
        Symbol s = symbol(Fn.MIG_HANDLE_BY_INDEX);
        MemorySegment out = scratch();
        check(invoke(s, device, index, out), s);
        return handleAt(out);
    }

    MemorySegment parentOfMig(MemorySegment mig) {
        Symbol s = symbol(Fn.PARENT_OF_MIG);
        MemorySegment out = scratch();
        check(invoke(s, mig, out), s);
        return handleAt(out);
    }

    // ---- per-device scalars and strings ----

    int index(MemorySegment device) {
        return deviceInt(Fn.INDEX, device);
    }

    String uuid(MemorySegment device) {
        return string(Fn.UUID, device, UUID_BUFFER);
    }

    String name(MemorySegment device) {
        return string(Fn.NAME, device, NAME_BUFFER);
    }

    String serial(MemorySegment device) {
        return string(Fn.SERIAL, device, SERIAL_BUFFER);
    }

    int minorNumber(MemorySegment device) {
        return deviceInt(Fn.MINOR_NUMBER, device);
    }

    int architecture(MemorySegment device) {
        return deviceInt(Fn.ARCHITECTURE, device);
    }

    int brand(MemorySegment device) {
        return deviceInt(Fn.BRAND, device);
    }

    boolean persistenceMode(MemorySegment device) {
        return deviceInt(Fn.PERSISTENCE_MODE, device) != 0;
    }

    int powerUsageMilliwatts(MemorySegment device) {
        return deviceInt(Fn.POWER_USAGE, device);
    }

    int powerLimitMilliwatts(MemorySegment device) {
        return deviceInt(Fn.POWER_LIMIT, device);
    }

    int numaNode(MemorySegment device) {
        return deviceInt(Fn.NUMA_NODE, device);
    }

    int maxMigDeviceCount(MemorySegment device) {
        return deviceInt(Fn.MAX_MIG_DEVICE_COUNT, device);
    }

    boolean isMigHandle(MemorySegment device) {
        return deviceInt(Fn.IS_MIG_HANDLE, device) != 0;
    }

    int gpuInstanceId(MemorySegment mig) {
        return deviceInt(Fn.GPU_INSTANCE_ID, mig);
    }

    int computeInstanceId(MemorySegment mig) {
        return deviceInt(Fn.COMPUTE_INSTANCE_ID, mig);
    }

    /** The GPU sensor: {@code nvmlDeviceGetTemperatureV} with {@code NVML_TEMPERATURE_GPU}, else the legacy call. */
    int temperatureCelsius(MemorySegment device) {
        Symbol s = symbol(Fn.TEMPERATURE);
        if (s.isV1()) {
            return deviceIndexedInt(Fn.TEMPERATURE, device, TEMPERATURE_GPU);
        }
        MemorySegment out = scratch().asSlice(0, TEMPERATURE.byteSize());
        out.set(JAVA_INT, 0, TEMPERATURE_V1_VERSION);
        out.set(JAVA_INT, TEMP_SENSOR, TEMPERATURE_GPU);
        check(invoke(s, device, out), s);
        return out.get(JAVA_INT, TEMP_VALUE);
    }

    ComputeCapability computeCapability(MemorySegment device) {
        int[] v = deviceIntPair(Fn.COMPUTE_CAPABILITY, device);
        return new ComputeCapability(v[0], v[1]);
    }

    MigMode migMode(MemorySegment device) {
        int[] v = deviceIntPair(Fn.MIG_MODE, device);
        return new MigMode(v[0] == 1, v[1] == 1);
    }

    // ---- structs ----

    PciInfo pciInfo(MemorySegment device) {
        boolean v1 = symbol(Fn.PCI_INFO).isV1();
        return readPci(deviceStruct(Fn.PCI_INFO, device, v1 ? PCI_INFO_V1 : PCI_INFO, 0), v1);
    }

    /** Both layouts share their first 36 bytes; the v1 struct has only the 16-byte bus id, in the legacy spelling. */
    private static PciInfo readPci(MemorySegment pci, boolean v1) {
        String legacy = pci.getString(PCI_BUS_ID_LEGACY);
        String busId = v1 ? PciBusId.nvml(legacy) : pci.getString(PCI_BUS_ID);
        return new PciInfo(busId, legacy, pci.get(JAVA_INT, PCI_DOMAIN), pci.get(JAVA_INT, PCI_BUS),
                pci.get(JAVA_INT, PCI_DEVICE), pci.get(JAVA_INT, PCI_DEVICE_ID), pci.get(JAVA_INT, PCI_SUBSYSTEM_ID));
    }

    MemoryInfo memoryInfo(MemorySegment device) {
        if (symbol(Fn.MEMORY_INFO).isV1()) {
            MemorySegment m = deviceStruct(Fn.MEMORY_INFO, device, MEMORY, 0);
            return new MemoryInfo(m.get(JAVA_LONG, MEM_TOTAL), 0L, m.get(JAVA_LONG, MEM_FREE), m.get(JAVA_LONG, MEM_USED));
        }
        MemorySegment m = deviceStruct(Fn.MEMORY_INFO, device, MEMORY_V2, MEMORY_V2_VERSION);
        return new MemoryInfo(m.get(JAVA_LONG, MEM2_TOTAL), m.get(JAVA_LONG, MEM2_RESERVED),
                m.get(JAVA_LONG, MEM2_FREE), m.get(JAVA_LONG, MEM2_USED));
    }

    Utilization utilization(MemorySegment device) {
        MemorySegment u = deviceStruct(Fn.UTILIZATION, device, UTILIZATION, 0);
        return new Utilization(u.get(JAVA_INT, 0), u.get(JAVA_INT, UTIL_MEMORY));
    }

    /** One call of a list getter: fills {@code count}, and {@code buffer} when it holds {@code capacity} elements. */
    private interface Fill {
        int call(MemorySegment count, MemorySegment buffer, int capacity);
    }

    /** Element {@code i} of a filled buffer of {@code capacity} elements. */
    private interface Element<T> {
        T read(MemorySegment buffer, int capacity, int i);
    }

    /**
     * NVML's "count, then fill" protocol: ask with a capacity of 0 (INSUFFICIENT_SIZE with the count,
     * or SUCCESS when the list is empty), then over-allocate (the list can grow between the calls)
     * and retry while NVML still says INSUFFICIENT_SIZE.
     */
    private <T> List<T> list(Symbol s, long bytesPerElement, Fill fill, Element<T> element) {
        int capacity = 0;
        for (int attempt = 0; ; attempt++) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment count = arena.allocate(JAVA_INT);
                count.set(JAVA_INT, 0, capacity);
                MemorySegment buffer = capacity == 0 ? MemorySegment.NULL : arena.allocate(bytesPerElement * capacity, 8);
                int rc = fill.call(count, buffer, capacity);
                if (rc == NvmlReturn.INSUFFICIENT_SIZE.code() && attempt < 8) {
                    capacity = Math.max(capacity * 2, count.get(JAVA_INT, 0) * 2);
                    continue;
                }
                check(rc, s);
                int n = count.get(JAVA_INT, 0);
                List<T> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(element.read(buffer, capacity, i));
                }
                return out;
            }
        }
    }

    /**
     * Running compute processes; the stride follows the name found: 24 bytes for {@code _v3}/{@code _v2},
     * 16 for the v1 name (docs/nvml.md §8 on the strides some R535 drivers wrote).
     */
    List<ProcessInfo> computeProcesses(MemorySegment device) {
        Symbol s = symbol(Fn.COMPUTE_PROCESSES);
        StructLayout element = s.isV1() ? PROCESS_INFO_V1 : PROCESS_INFO;
        long stride = element.byteSize();
        return list(s, stride, (count, buffer, capacity) -> invoke(s, device, count, buffer), (buffer, capacity, i) -> {
            MemorySegment p = buffer.asSlice(i * stride, stride);
            long used = p.get(JAVA_LONG, PROC_MEMORY);
            Optional<Integer> gi = s.isV1() ? Optional.empty() : instance(p.get(JAVA_INT, PROC_GI));
            Optional<Integer> ci = s.isV1() ? Optional.empty() : instance(p.get(JAVA_INT, PROC_CI));
            return new ProcessInfo(p.get(JAVA_INT, 0), used == NOT_AVAILABLE ? Optional.empty() : Optional.of(used), gi, ci);
        });
    }

    /**
     * Pages retired for one cause: {@code _v2} fills an address array and a timestamp array, the v1
     * name addresses only.
     */
    List<RetiredPage> retiredPages(MemorySegment device, int cause) {
        Symbol s = symbol(Fn.RETIRED_PAGES);
        Fill fill = s.isV1()
                ? (count, buffer, capacity) -> invoke(s, device, cause, count, buffer)
                : (count, buffer, capacity) -> invoke(s, device, cause, count, buffer,
                        capacity == 0 ? MemorySegment.NULL : buffer.asSlice(8L * capacity));
        return list(s, s.isV1() ? 8 : 16, fill, (buffer, capacity, i) -> new RetiredPage(
                buffer.getAtIndex(JAVA_LONG, i),
                s.isV1() ? Optional.empty() : Optional.of(buffer.getAtIndex(JAVA_LONG, capacity + (long) i))));
    }

    private static Optional<Integer> instance(int id) {
        return id == NO_INSTANCE ? Optional.empty() : Optional.of(id);
    }

    // ---- monitoring ----

    int clockMHz(MemorySegment device, int clockType) {
        return deviceIndexedInt(Fn.CLOCK, device, clockType);
    }

    int maxClockMHz(MemorySegment device, int clockType) {
        return deviceIndexedInt(Fn.MAX_CLOCK, device, clockType);
    }

    EccMode eccMode(MemorySegment device) {
        int[] v = deviceIntPair(Fn.ECC_MODE, device);
        return new EccMode(v[0] == 1, v[1] == 1);
    }

    long eccErrors(MemorySegment device, int errorType, int counterType) {
        Symbol s = symbol(Fn.ECC_ERRORS);
        MemorySegment out = scratch();
        check(invoke(s, device, errorType, counterType, out), s);
        return out.get(JAVA_LONG, 0);
    }

    int pcieLinkGeneration(MemorySegment device) {
        return deviceInt(Fn.PCIE_LINK_GENERATION, device);
    }

    int pcieLinkWidth(MemorySegment device) {
        return deviceInt(Fn.PCIE_LINK_WIDTH, device);
    }

    int maxPcieLinkGeneration(MemorySegment device) {
        return deviceInt(Fn.MAX_PCIE_LINK_GENERATION, device);
    }

    int maxPcieLinkWidth(MemorySegment device) {
        return deviceInt(Fn.MAX_PCIE_LINK_WIDTH, device);
    }

    int pcieThroughputKBps(MemorySegment device, int counter) {
        return deviceIndexedInt(Fn.PCIE_THROUGHPUT, device, counter);
    }

    int pcieReplayCounter(MemorySegment device) {
        return deviceInt(Fn.PCIE_REPLAY_COUNTER, device);
    }

    long energyMillijoules(MemorySegment device) {
        return deviceLong(Fn.ENERGY, device);
    }

    PowerLimits powerLimitConstraints(MemorySegment device) {
        int[] v = deviceIntPair(Fn.POWER_LIMIT_CONSTRAINTS, device);
        return new PowerLimits(v[0], v[1]);
    }

    int fanCount(MemorySegment device) {
        return deviceInt(Fn.FAN_COUNT, device);
    }

    /** {@code nvmlDeviceGetFanSpeed_v2}; the v1 name knows only the first fan (any other is NOT_SUPPORTED). */
    int fanSpeedPercent(MemorySegment device, int fan) {
        if (!symbol(Fn.FAN_SPEED).isV1()) {
            return deviceIndexedInt(Fn.FAN_SPEED, device, fan);
        }
        if (fan != 0) {
            throw new NvmlException(NvmlReturn.NOT_SUPPORTED.code(), "nvmlDeviceGetFanSpeed",
                    "this NVML has no nvmlDeviceGetFanSpeed_v2: only fan 0 can be read");
        }
        return deviceInt(Fn.FAN_SPEED, device);
    }

    int temperatureThreshold(MemorySegment device, int thresholdType) {
        return deviceIndexedInt(Fn.TEMPERATURE_THRESHOLD, device, thresholdType);
    }

    long clocksEventReasons(MemorySegment device) {
        return deviceLong(Fn.CLOCKS_EVENT_REASONS, device);
    }

    int performanceState(MemorySegment device) {
        return deviceInt(Fn.PERFORMANCE_STATE, device);
    }

    CodecUtilization encoderUtilization(MemorySegment device) {
        int[] v = deviceIntPair(Fn.ENCODER_UTILIZATION, device);
        return new CodecUtilization(v[0], v[1]);
    }

    CodecUtilization decoderUtilization(MemorySegment device) {
        int[] v = deviceIntPair(Fn.DECODER_UTILIZATION, device);
        return new CodecUtilization(v[0], v[1]);
    }

    boolean retiredPagesPending(MemorySegment device) {
        return deviceInt(Fn.RETIRED_PAGES_PENDING, device) != 0;
    }

    RemappedRows remappedRows(MemorySegment device) {
        Symbol s = symbol(Fn.REMAPPED_ROWS);
        MemorySegment out = scratch();
        check(invoke(s, device, out, out.asSlice(4), out.asSlice(8), out.asSlice(12)), s);
        return new RemappedRows(out.get(JAVA_INT, 0), out.get(JAVA_INT, 4), out.get(JAVA_INT, 8) != 0,
                out.get(JAVA_INT, 12) != 0);
    }

    // ---- sampling without allocation ----

    /** The functions a {@link GpuSampler} calls, resolved once; {@code null} where this NVML lacks one. */
    record SamplingPlan(Symbol utilization, Symbol memory, Symbol temperature, Symbol power, Symbol clock,
                        Symbol energy) {
    }

    SamplingPlan samplingPlan() {
        return new SamplingPlan(optional(Fn.UTILIZATION), optional(Fn.MEMORY_INFO), optional(Fn.TEMPERATURE),
                optional(Fn.POWER_USAGE), optional(Fn.CLOCK), optional(Fn.ENERGY));
    }

    private Symbol optional(Fn fn) {
        try {
            return symbol(fn);
        } catch (NvmlException e) {
            return null;
        }
    }

    /**
     * One GPU's metrics into position {@code i} of {@code into}: no object is created, no exception
     * thrown; NOT_SUPPORTED (or a missing function) leaves {@link GpuSample#UNAVAILABLE}, any other
     * failure is kept as the GPU's first failure code.
     */
    void sample(SamplingPlan plan, MemorySegment device, GpuSample into, int i) {
        MemorySegment out = scratch();
        int failure = 0;
        int rc = plan.utilization() == null ? NOT_SUPPORTED : invoke(plan.utilization(), device, out);
        into.gpuUtilization[i] = rc == 0 ? out.get(JAVA_INT, 0) : GpuSample.UNAVAILABLE;
        into.memoryUtilization[i] = rc == 0 ? out.get(JAVA_INT, UTIL_MEMORY) : GpuSample.UNAVAILABLE;
        failure = firstFailure(failure, rc);

        rc = plan.memory() == null ? NOT_SUPPORTED : sampleMemory(plan.memory(), device, out);
        into.memoryUsed[i] = rc == 0 ? out.get(JAVA_LONG, plan.memory().isV1() ? MEM_USED : MEM2_USED) : GpuSample.UNAVAILABLE;
        into.memoryTotal[i] = rc == 0 ? out.get(JAVA_LONG, plan.memory().isV1() ? MEM_TOTAL : MEM2_TOTAL) : GpuSample.UNAVAILABLE;
        failure = firstFailure(failure, rc);

        rc = plan.temperature() == null ? NOT_SUPPORTED : sampleTemperature(plan.temperature(), device, out);
        into.temperature[i] = rc == 0 ? out.get(JAVA_INT, plan.temperature().isV1() ? 0 : TEMP_VALUE) : GpuSample.UNAVAILABLE;
        failure = firstFailure(failure, rc);

        rc = plan.power() == null ? NOT_SUPPORTED : invoke(plan.power(), device, out);
        into.power[i] = rc == 0 ? out.get(JAVA_INT, 0) : GpuSample.UNAVAILABLE;
        failure = firstFailure(failure, rc);

        rc = plan.clock() == null ? NOT_SUPPORTED : invoke(plan.clock(), device, ClockType.SM.value(), out);
        into.smClock[i] = rc == 0 ? out.get(JAVA_INT, 0) : GpuSample.UNAVAILABLE;
        failure = firstFailure(failure, rc);

        rc = plan.energy() == null ? NOT_SUPPORTED : invoke(plan.energy(), device, out);
        into.energy[i] = rc == 0 ? out.get(JAVA_LONG, 0) : GpuSample.UNAVAILABLE;
        into.failure[i] = firstFailure(failure, rc);
    }

    private static final int NOT_SUPPORTED = 3;   // NVML_ERROR_NOT_SUPPORTED, as a constant for the hot path

    private static int firstFailure(int failure, int rc) {
        return failure != 0 || rc == 0 || rc == NOT_SUPPORTED ? failure : rc;
    }

    private static int sampleMemory(Symbol s, MemorySegment device, MemorySegment out) {
        if (!s.isV1()) {
            out.set(JAVA_INT, 0, MEMORY_V2_VERSION);
        }
        return invoke(s, device, out);
    }

    private static int sampleTemperature(Symbol s, MemorySegment device, MemorySegment out) {
        if (s.isV1()) {
            return invoke(s, device, TEMPERATURE_GPU, out);
        }
        out.set(JAVA_INT, 0, TEMPERATURE_V1_VERSION);
        out.set(JAVA_INT, TEMP_SENSOR, TEMPERATURE_GPU);
        return invoke(s, device, out);
    }

    // ---- topology and NVLink ----

    /** {@code nvmlGpuTopologyLevel_t} of the closest common ancestor of two GPUs. */
    int commonAncestor(MemorySegment a, MemorySegment b) {
        Symbol s = symbol(Fn.TOPOLOGY_COMMON_ANCESTOR);
        MemorySegment out = scratch();
        check(invoke(s, a, b, out), s);
        return out.get(JAVA_INT, 0);
    }

    /** {@code nvmlGpuP2PStatus_t} of one capability between two GPUs. */
    int p2pStatus(MemorySegment a, MemorySegment b, int capability) {
        Symbol s = symbol(Fn.P2P_STATUS);
        MemorySegment out = scratch();
        check(invoke(s, a, b, capability, out), s);
        return out.get(JAVA_INT, 0);
    }

    boolean nvLinkActive(MemorySegment device, int link) {
        return deviceIndexedInt(Fn.NVLINK_STATE, device, link) != 0;
    }

    PciInfo nvLinkRemotePciInfo(MemorySegment device, int link) {
        Symbol s = symbol(Fn.NVLINK_REMOTE_PCI_INFO);
        MemorySegment out = scratch().asSlice(0, PCI_INFO.byteSize());
        out.fill((byte) 0);
        check(invoke(s, device, link, out), s);
        return readPci(out, s.isV1());
    }

    // ---- events ----

    long supportedEventTypes(MemorySegment device) {
        return deviceLong(Fn.SUPPORTED_EVENT_TYPES, device);
    }

    MemorySegment eventSetCreate() {
        Symbol s = symbol(Fn.EVENT_SET_CREATE);
        MemorySegment out = scratch();
        check(invoke(s, out), s);
        return handleAt(out);
    }

    void registerEvents(MemorySegment device, long types, MemorySegment set) {
        Symbol s = symbol(Fn.REGISTER_EVENTS);
        check(invoke(s, device, types, set), s);
    }

    /** An event as NVML delivered it; instance ids are -1 when the event is not attributable to one (or v1). */
    record RawEvent(long device, long type, long data, int gpuInstanceId, int computeInstanceId) {
    }

    /** {@code nvmlEventSetWait_v2}: the next event, or {@code null} on TIMEOUT. Blocks up to {@code timeoutMs}. */
    RawEvent eventSetWait(MemorySegment set, int timeoutMs) {
        Symbol s = symbol(Fn.EVENT_SET_WAIT);
        MemorySegment data = scratch().asSlice(0, EVENT_DATA.byteSize());
        data.fill((byte) 0);
        int rc = invoke(s, set, data, timeoutMs);
        if (rc == NvmlReturn.TIMEOUT.code()) {
            return null;
        }
        check(rc, s);
        return new RawEvent(data.get(ADDRESS, 0).address(), data.get(JAVA_LONG, EVENT_TYPE),
                data.get(JAVA_LONG, EVENT_DATA_VALUE), s.isV1() ? NO_INSTANCE : data.get(JAVA_INT, EVENT_GI),
                s.isV1() ? NO_INSTANCE : data.get(JAVA_INT, EVENT_CI));
    }

    void eventSetFree(MemorySegment set) {
        Symbol s = symbol(Fn.EVENT_SET_FREE);
        check(invoke(s, set), s);
    }
}
