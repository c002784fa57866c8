package dev.jaccel.nvml;

import dev.jaccel.testkit.FakeLibraries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The monitoring calls (clocks, ECC, PCIe, energy, power limits, fans, thresholds, clock-event
 * reasons, codecs, retired pages, remapped rows): the fake's ABI through raw downcalls, the typed
 * API's values, NOT_SUPPORTED as empty, GPU_IS_LOST as an exception, and the legacy names.
 */
@SuppressWarnings("restricted") // a filtered lookup of the fake stands in for an older driver
class NvmlMonitoringTest {
    /** GPU 0 has every monitoring fact; GPU 1 has none; GPU 2 has them all forced by its errors key. */
    static final String MONITORED = """
            {"driverVersion": "580.95.05", "devices": [
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000e0", "name": "NVIDIA H100 80GB HBM3",
               "pciBusId": "00000000:18:00.0", "minor": 3, "temperature": 41,
               "clocks": {"graphics": 1755, "sm": 1755, "memory": 2619, "video": 1530},
               "maxClocks": {"graphics": 1980, "sm": 1980, "memory": 2619, "video": 1710},
               "eccMode": "enabled",
               "eccErrors": {"volatile": {"corrected": 3, "uncorrected": 0},
                             "aggregate": {"corrected": 12, "uncorrected": 1}},
               "pcie": {"linkGen": 5, "linkWidth": 8, "maxLinkGen": 5, "maxLinkWidth": 16, "txKBps": 1200,
                        "rxKBps": 34000, "replayCounter": 2},
               "energy": 98765432109, "powerLimitConstraints": {"min": 200000, "max": 700000},
               "fans": [30, 45],
               "temperatureThresholds": {"shutdown": 92, "slowdown": 89, "memMax": 95, "gpuMax": 87},
               "clocksEventReasons": 68, "performanceState": 0,
               "encoderUtilization": {"percent": 12, "samplingPeriodUs": 167000},
               "decoderUtilization": {"percent": 7, "samplingPeriodUs": 167000},
               "retiredPages": {"multipleSingleBitEcc": [{"address": 4096, "timestamp": 1700000000}],
                                "doubleBitEcc": [{"address": 8192, "timestamp": 1700000100},
                                                 {"address": 12288, "timestamp": 1700000200}],
                                "pending": true},
               "remappedRows": {"correctable": 1, "uncorrectable": 2, "pending": true, "failed": false}},
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000e1", "pciBusId": "00000000:2A:00.0", "minor": 0},
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000e2", "pciBusId": "00000000:3A:00.0", "minor": 1,
               "errors": {"nvmlDeviceGetClockInfo": "GPU_IS_LOST", "nvmlDeviceGetMaxClockInfo": "GPU_IS_LOST",
                 "nvmlDeviceGetEccMode": "GPU_IS_LOST", "nvmlDeviceGetTotalEccErrors": "GPU_IS_LOST",
                 "nvmlDeviceGetCurrPcieLinkGeneration": "GPU_IS_LOST", "nvmlDeviceGetCurrPcieLinkWidth": "GPU_IS_LOST",
                 "nvmlDeviceGetMaxPcieLinkGeneration": "GPU_IS_LOST", "nvmlDeviceGetMaxPcieLinkWidth": "GPU_IS_LOST",
                 "nvmlDeviceGetPcieThroughput": "GPU_IS_LOST", "nvmlDeviceGetPcieReplayCounter": "GPU_IS_LOST",
                 "nvmlDeviceGetTotalEnergyConsumption": "GPU_IS_LOST",
                 "nvmlDeviceGetPowerManagementLimitConstraints": "GPU_IS_LOST", "nvmlDeviceGetNumFans": "GPU_IS_LOST",
                 "nvmlDeviceGetFanSpeed_v2": "GPU_IS_LOST", "nvmlDeviceGetTemperatureThreshold": "GPU_IS_LOST",
                 "nvmlDeviceGetCurrentClocksEventReasons": "GPU_IS_LOST", "nvmlDeviceGetPerformanceState": "GPU_IS_LOST",
                 "nvmlDeviceGetEncoderUtilization": "GPU_IS_LOST", "nvmlDeviceGetDecoderUtilization": "GPU_IS_LOST",
                 "nvmlDeviceGetRetiredPages_v2": "GPU_IS_LOST", "nvmlDeviceGetRetiredPagesPendingStatus": "GPU_IS_LOST",
                 "nvmlDeviceGetRemappedRows": "GPU_IS_LOST", "nvmlDeviceGetTemperatureV": "GPU_IS_LOST"}}
            ]}
            """;

    private NvmlSession session;

    @BeforeEach
    void open() {
        FakeNvml.configure(MONITORED);
        session = FakeNvml.library().openSession();
    }

    @AfterEach
    void close() {
        session.close();
    }

    /** Every monitoring getter: what GPU 0 answers. GPU 1 answers empty for each, GPU 2 throws GPU_IS_LOST. */
    static Stream<Arguments> getters() {
        return Stream.of(
                getter("clockMHz(SM)", d -> d.clockMHz(ClockType.SM), 1755),
                getter("clockMHz(MEMORY)", d -> d.clockMHz(ClockType.MEMORY), 2619),
                getter("clockMHz(VIDEO)", d -> d.clockMHz(ClockType.VIDEO), 1530),
                getter("maxClockMHz(GRAPHICS)", d -> d.maxClockMHz(ClockType.GRAPHICS), 1980),
                getter("eccMode", NvmlDevice::eccMode, new EccMode(true, true)),
                getter("eccErrors(VOLATILE_CORRECTED)", d -> d.eccErrors(EccCounter.VOLATILE_CORRECTED), 3L),
                getter("eccErrors(VOLATILE_UNCORRECTED)", d -> d.eccErrors(EccCounter.VOLATILE_UNCORRECTED), 0L),
                getter("eccErrors(AGGREGATE_CORRECTED)", d -> d.eccErrors(EccCounter.AGGREGATE_CORRECTED), 12L),
                getter("eccErrors(AGGREGATE_UNCORRECTED)", d -> d.eccErrors(EccCounter.AGGREGATE_UNCORRECTED), 1L),
                getter("pcieLinkGeneration", NvmlDevice::pcieLinkGeneration, 5),
                getter("pcieLinkWidth", NvmlDevice::pcieLinkWidth, 8),
                getter("maxPcieLinkGeneration", NvmlDevice::maxPcieLinkGeneration, 5),
                getter("maxPcieLinkWidth", NvmlDevice::maxPcieLinkWidth, 16),
                getter("pcieThroughputKBps(TX)", d -> d.pcieThroughputKBps(PcieDirection.TX), 1200),
                getter("pcieThroughputKBps(RX)", d -> d.pcieThroughputKBps(PcieDirection.RX), 34000),
                getter("pcieReplayCounter", NvmlDevice::pcieReplayCounter, 2),
                getter("energyMillijoules", NvmlDevice::energyMillijoules, 98765432109L),
                getter("powerLimitConstraints", NvmlDevice::powerLimitConstraints, new PowerLimits(200000, 700000)),
                getter("fanCount", NvmlDevice::fanCount, 2),
                getter("fanSpeedPercent(1)", d -> d.fanSpeedPercent(1), 45),
                getter("temperatureThresholdCelsius(SLOWDOWN)",
                        d -> d.temperatureThresholdCelsius(TemperatureThreshold.SLOWDOWN), 89),
                getter("temperatureThresholdCelsius(GPU_MAX)",
                        d -> d.temperatureThresholdCelsius(TemperatureThreshold.GPU_MAX), 87),
                getter("clocksEventReasons", NvmlDevice::clocksEventReasons,
                        EnumSet.of(ClocksEventReason.SW_POWER_CAP, ClocksEventReason.HW_THERMAL_SLOWDOWN)),
                getter("performanceState", NvmlDevice::performanceState, 0),
                getter("encoderUtilization", NvmlDevice::encoderUtilization, new CodecUtilization(12, 167000)),
                getter("decoderUtilization", NvmlDevice::decoderUtilization, new CodecUtilization(7, 167000)),
                getter("retiredPages(DOUBLE_BIT_ECC_ERROR)", d -> d.retiredPages(RetirementCause.DOUBLE_BIT_ECC_ERROR),
                        List.of(new RetiredPage(8192, Optional.of(1700000100L)),
                                new RetiredPage(12288, Optional.of(1700000200L)))),
                getter("retiredPagesPending", NvmlDevice::retiredPagesPending, true),
                getter("remappedRows", NvmlDevice::remappedRows, new RemappedRows(1, 2, true, false)),
                getter("temperatureCelsius", NvmlDevice::temperatureCelsius, 41));
    }

    private static Arguments getter(String name, Function<NvmlDevice, Optional<?>> call, Object expected) {
        return Arguments.of(name, call, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("getters")
    void eachGetterReadsItsFactSaysEmptyWhenUnsupportedAndThrowsWhenLost(String name,
                                                                        Function<NvmlDevice, Optional<?>> call,
                                                                        Object expected) {
        assertEquals(Optional.of(expected), call.apply(session.device(0)));
        assertEquals(Optional.empty(), call.apply(session.device(1)), "NOT_SUPPORTED without the key");
        NvmlException lost = assertThrows(NvmlException.class, () -> call.apply(session.device(2)));
        assertEquals(NvmlReturn.GPU_IS_LOST, lost.returnCode());
    }

    @Test
    void unknownMaskBitsAreKeptInTheRawMask() {
        assertEquals(Optional.of(68L), session.device(0).clocksEventReasonMask());
        assertEquals(Set.of(ClocksEventReason.GPU_IDLE), ClocksEventReason.of(1L | 1L << 50));
    }

    /** The legacy names: the pre-12.x clock reasons, the v1 fan speed (fan 0 only), v1 retired pages (no time), the old temperature call. */
    @Test
    void olderDriversAnswerThroughTheLegacyNames() {
        SymbolLookup fake = SymbolLookup.libraryLookup(FakeLibraries.nvml(), Arena.global());
        Set<String> hidden = Set.of("nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetFanSpeed_v2",
                "nvmlDeviceGetRetiredPages_v2", "nvmlDeviceGetTemperatureV");
        NvmlLibrary old = new NvmlLibrary("older NVML", n -> hidden.contains(n) ? Optional.empty() : fake.find(n),
                Optional.empty());
        try (NvmlSession s = old.openSession()) {
            NvmlDevice gpu = s.device(0);
            assertEquals(Optional.of(68L), gpu.clocksEventReasonMask());
            assertEquals(Optional.of("nvmlDeviceGetCurrentClocksThrottleReasons"), old.boundName(NvmlLibrary.Fn.CLOCKS_EVENT_REASONS));
            assertEquals(Optional.of(30), gpu.fanSpeedPercent(0));
            assertEquals(Optional.empty(), gpu.fanSpeedPercent(1), "the v1 call reads the first fan only");
            assertEquals(Optional.of(List.of(new RetiredPage(4096, Optional.empty()))),
                    gpu.retiredPages(RetirementCause.MULTIPLE_SINGLE_BIT_ECC_ERRORS));
            assertEquals(Optional.of(41), gpu.temperatureCelsius());
        }
    }

    // ---- the fake's ABI, raw ----

    private static final FunctionDescriptor I_PIIP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    private static final FunctionDescriptor I_PIPPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor I_PPPPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    @ParameterizedTest(name = "errorType {0}, counter {1}: rc {2}, count {3}")
    @CsvSource({"0, 0, 0, 3", "1, 0, 0, 0", "0, 1, 0, 12", "1, 1, 0, 1", "2, 0, 2, -1", "0, 2, 2, -1"})
    void totalEccErrorsTakesTwoEnumsAndWritesSixtyFourBits(int type, int counter, int rc, long count) throws Throwable {
        try (RawNvml raw = new RawNvml()) {
            raw.init();
            MemorySegment out = raw.poisoned(16);
            out.set(JAVA_LONG, 0, -1L);
            assertEquals(rc, RawNvml.call("nvmlDeviceGetTotalEccErrors", I_PIIP, raw.byIndex(0), type, counter, out));
            assertEquals(count, out.get(JAVA_LONG, 0));
            assertEquals(RawNvml.POISON, out.get(JAVA_BYTE, 8));
        }
    }

    @Test
    void retiredPagesV2FillsTwoArraysAfterTheCountProtocol() throws Throwable {
        try (RawNvml raw = new RawNvml()) {
            raw.init();
            MemorySegment count = raw.intOut();
            MemorySegment addresses = raw.poisoned(24);
            MemorySegment times = raw.poisoned(24);
            assertEquals(7, RawNvml.call("nvmlDeviceGetRetiredPages_v2", I_PIPPP, raw.byIndex(0), 1, count,
                    MemorySegment.NULL, MemorySegment.NULL), "INSUFFICIENT_SIZE with a capacity of 0");
            assertEquals(2, count.get(JAVA_INT, 0));
            count.set(JAVA_INT, 0, 3);
            assertEquals(0, RawNvml.call("nvmlDeviceGetRetiredPages_v2", I_PIPPP, raw.byIndex(0), 1, count, addresses, times));
            assertEquals(2, count.get(JAVA_INT, 0));
            assertEquals(12288L, addresses.get(JAVA_LONG, 8));
            assertEquals(1700000200L, times.get(JAVA_LONG, 8));
            assertEquals(RawNvml.POISON, addresses.get(JAVA_BYTE, 16), "two entries, nothing past them");
        }
    }

    @Test
    void remappedRowsWritesFourUints() throws Throwable {
        try (RawNvml raw = new RawNvml()) {
            raw.init();
            MemorySegment out = raw.poisoned(20);
            assertEquals(0, RawNvml.call("nvmlDeviceGetRemappedRows", I_PPPPP, raw.byIndex(0), out, out.asSlice(4),
                    out.asSlice(8), out.asSlice(12)));
            assertEquals(List.of(1, 2, 1, 0), List.of(out.get(JAVA_INT, 0), out.get(JAVA_INT, 4), out.get(JAVA_INT, 8),
                    out.get(JAVA_INT, 12)));
            assertEquals(RawNvml.POISON, out.get(JAVA_BYTE, 16));
        }
    }

    @ParameterizedTest(name = "{0}({1}): rc {2}, value {3}")
    @CsvSource({"nvmlDeviceGetClockInfo, 1, 0, 1755", "nvmlDeviceGetClockInfo, 4, 2, -1",
            "nvmlDeviceGetMaxClockInfo, 3, 0, 1710", "nvmlDeviceGetPcieThroughput, 1, 0, 34000",
            "nvmlDeviceGetPcieThroughput, 2, 2, -1", "nvmlDeviceGetFanSpeed_v2, 1, 0, 45",
            "nvmlDeviceGetFanSpeed_v2, 2, 2, -1", "nvmlDeviceGetTemperatureThreshold, 0, 0, 92",
            "nvmlDeviceGetTemperatureThreshold, 2, 0, 95"})
    void indexedGettersReadTheirEnumArgument(String function, int which, int rc, int value) throws Throwable {
        try (RawNvml raw = new RawNvml()) {
            raw.init();
            MemorySegment out = raw.intOut();
            out.set(JAVA_INT, 0, -1);
            assertEquals(rc, RawNvml.call(function, RawNvml.I_PIP, raw.byIndex(0), which, out));
            assertEquals(value, out.get(JAVA_INT, 0));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"nvmlDeviceGetTotalEnergyConsumption, 98765432109", "nvmlDeviceGetCurrentClocksEventReasons, 68",
            "nvmlDeviceGetCurrentClocksThrottleReasons, 68"})
    void sixtyFourBitGetters(String function, long value) throws Throwable {
        try (RawNvml raw = new RawNvml()) {
            raw.init();
            MemorySegment out = raw.poisoned(16);
            assertEquals(0, RawNvml.call(function, RawNvml.I_PP, raw.byIndex(0), out));
            assertEquals(value, out.get(JAVA_LONG, 0));
        }
    }
}
