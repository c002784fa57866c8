package dev.jaccel.nvml;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

import static dev.jaccel.nvml.RawNvml.I_P;
import static dev.jaccel.nvml.RawNvml.I_PIP;
import static dev.jaccel.nvml.RawNvml.I_PP;
import static dev.jaccel.nvml.RawNvml.I_PPP;
import static dev.jaccel.nvml.RawNvml.POISON;
import static dev.jaccel.nvml.RawNvml.call;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fake's topology, NVLink, P2P, MIG-name and event ABI through raw downcalls (nvml.h
 * prototypes and the {@code nvmlEventData_t} / {@code nvmlPciInfo_t} offsets), and the codes its
 * {@code errors} key forces on each of those functions.
 */
class FakeNvmlTopologyAbiTest {
    /**
     * GPUs 0 and 1 behind switch A, 2 behind switch B, all three on NUMA node 0, 3 on node 1;
     * NVLinks 0-1 (two) and 0-2 (one); GPU 3 without NVLink, with a MIG device of profile 1g.10gb.
     * XIDs: 79 on GPU 0 at once, 48 on GPU 1 after 400 ms, 13 on GPU 3 at once.
     */
    static final String TOPOLOGY = """
            {"driverVersion": "580.95.05", "cudaDriverVersion": 13000,
             "events": [{"device": 0, "xid": 79, "afterMs": 0}, {"device": 1, "xid": 48, "afterMs": 400},
                        {"device": 3, "xid": 13, "afterMs": 0}],
             "devices": [
              {"uuid": "GPU-00000000-0000-4000-8000-00000000000a", "name": "NVIDIA H100 80GB HBM3",
               "pciBusId": "00000000:18:00.0", "minor": 3, "numaNode": 0, "pciSwitch": "A",
               "nvlinks": {"1": 2, "2": 1}},
              {"uuid": "GPU-00000000-0000-4000-8000-00000000000b", "name": "NVIDIA H100 80GB HBM3",
               "pciBusId": "00000000:2A:00.0", "minor": 0, "numaNode": 0, "pciSwitch": "A", "nvlinks": {"0": 2}},
              {"uuid": "GPU-00000000-0000-4000-8000-00000000000c", "name": "NVIDIA H100 80GB HBM3",
               "pciBusId": "00000000:3A:00.0", "minor": 1, "numaNode": 0, "pciSwitch": "B", "nvlinks": {"0": 1}},
              {"uuid": "GPU-00000000-0000-4000-8000-00000000000d", "name": "NVIDIA A100-SXM4-40GB",
               "pciBusId": "00000000:9A:00.0", "minor": 2, "numaNode": 1, "migMode": "enabled",
               "migDevices": [{"uuid": "MIG-00000000-0000-5000-8000-00000000000d", "gpuInstanceId": 9,
                               "computeInstanceId": 0, "memoryTotal": 10200547328, "profile": "1g.10gb"}]}
             ]}
            """;

    private static final FunctionDescriptor I_PPIP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    private static final FunctionDescriptor I_PJP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS);
    private static final FunctionDescriptor I_PPI = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final long XID = 0x8L;

    private RawNvml raw;

    private RawNvml open(String config) throws Throwable {
        FakeNvml.configure(config);
        raw = new RawNvml();
        raw.init();
        return raw;
    }

    @AfterEach
    void tearDown() {
        if (raw != null) {
            raw.close();
        }
    }

    @ParameterizedTest(name = "GPUs {0} and {1}: level {2}")
    @CsvSource({"0, 0, 0", "0, 1, 10", "1, 0, 10", "0, 2, 40", "2, 1, 40", "0, 3, 50", "3, 2, 50"})
    void commonAncestorFollowsSwitchThenNumaNode(int a, int b, int level) throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment out = nvml.intOut();
        assertEquals(0, call("nvmlDeviceGetTopologyCommonAncestor", I_PPP, nvml.byIndex(a), nvml.byIndex(b), out));
        assertEquals(level, out.get(JAVA_INT, 0));
    }

    @Test
    void numaNodeIsTheConfiguredOne() throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment out = nvml.intOut();
        assertEquals(0, call("nvmlDeviceGetNumaNodeId", I_PP, nvml.byIndex(3), out));
        assertEquals(1, out.get(JAVA_INT, 0));
    }

    @ParameterizedTest(name = "GPU {0} link {1}: rc {2}, active {3}")
    @CsvSource({"0, 0, 0, 1", "0, 1, 0, 1", "0, 2, 0, 1", "0, 3, 0, 0", "0, 17, 0, 0", "0, 18, 2, -1",
            "1, 1, 0, 1", "1, 2, 0, 0", "3, 0, 3, -1"})
    void nvLinkStateIsActiveForConfiguredLinksThenInactiveThenInvalid(int gpu, int link, int rc, int active)
            throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment out = nvml.intOut();
        out.set(JAVA_INT, 0, -1);
        assertEquals(rc, call("nvmlDeviceGetNvLinkState", I_PIP, nvml.byIndex(gpu), link, out));
        assertEquals(active, out.get(JAVA_INT, 0));
    }

    @ParameterizedTest(name = "GPU 0 link {0} leads to {1}")
    @CsvSource({"0, 00000000:2A:00.0", "1, 00000000:2A:00.0", "2, 00000000:3A:00.0"})
    void remotePciInfoV2IsThePeersSixtyEightByteStruct(int link, String busId) throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment pci = nvml.poisoned(80);
        assertEquals(0, call("nvmlDeviceGetNvLinkRemotePciInfo_v2", I_PIP, nvml.byIndex(0), link, pci));
        assertEquals(busId.substring(4), pci.getString(0));      // busIdLegacy[16] @0
        assertEquals(Integer.parseInt(busId.substring(9, 11), 16), pci.get(JAVA_INT, 20));  // bus @20
        assertEquals(busId, pci.getString(36));                  // busId[32] @36
        assertEquals(POISON, pci.get(JAVA_BYTE, 68), "68 bytes, nothing past them");
    }

    @Test
    void legacyRemotePciInfoWritesTheFiftyTwoByteV1Struct() throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment pci = nvml.poisoned(68);
        assertEquals(0, call("nvmlDeviceGetNvLinkRemotePciInfo", I_PIP, nvml.byIndex(0), 2, pci));
        assertEquals("0000:3A:00.0", pci.getString(0));
        assertEquals(0x3A, pci.get(JAVA_INT, 20));
        assertEquals(POISON, pci.get(JAVA_BYTE, 52), "the v1 struct is 52 bytes");
        assertEquals(3, call("nvmlDeviceGetNvLinkRemotePciInfo_v2", I_PIP, nvml.byIndex(0), 5, pci),
                "an inactive link has no remote end: NOT_SUPPORTED");
    }

    @ParameterizedTest(name = "GPUs {0} and {1}, capability {2}: rc {3}, status {4}")
    @CsvSource({"0, 1, 2, 0, 0", "1, 0, 2, 0, 0", "0, 2, 2, 0, 0", "1, 2, 2, 0, 5", "0, 3, 2, 0, 5",
            "1, 2, 0, 0, 5", "0, 1, 0, 0, 0", "2, 1, 4, 0, 5", "0, 0, 2, 2, -1", "0, 1, 5, 2, -1"})
    void p2pStatusIsOkOverNvLinkAndBehindOneSwitch(int a, int b, int caps, int rc, int status) throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment out = nvml.intOut();
        out.set(JAVA_INT, 0, -1);
        assertEquals(rc, call("nvmlDeviceGetP2PStatus", I_PPIP, nvml.byIndex(a), nvml.byIndex(b), caps, out));
        assertEquals(status, out.get(JAVA_INT, 0));
    }

    @Test
    void aMigDevicesNameIsItsParentsNameAndProfile() throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment name = nvml.arena.allocate(96);
        MemorySegment mig = nvml.byUuid("MIG-00000000-0000-5000-8000-00000000000d");
        assertEquals(0, call("nvmlDeviceGetName", I_PPI, mig, name, 96));
        assertEquals("NVIDIA A100-SXM4-40GB MIG 1g.10gb", name.getString(0));
        assertEquals(7, call("nvmlDeviceGetName", I_PPI, mig, name, 33), "INSUFFICIENT_SIZE: 33 bytes hold no NUL");
    }

    @Test
    void eventsArriveOnceAfterTheirDelayWithTheHeaderLayout() throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment setOut = nvml.arena.allocate(ADDRESS);
        assertEquals(0, call("nvmlEventSetCreate", I_P, setOut));
        MemorySegment set = setOut.get(ADDRESS, 0);
        MemorySegment mask = nvml.arena.allocate(JAVA_LONG);
        assertEquals(0, call("nvmlDeviceGetSupportedEventTypes", I_PP, nvml.byIndex(0), mask));
        assertEquals(XID, mask.get(JAVA_LONG, 0) & XID, "the XID type is supported");
        assertEquals(3, call("nvmlDeviceRegisterEvents", I_PJP, nvml.byIndex(0), XID | 0x4L, set),
                "NOT_SUPPORTED: PState is not, and nothing is registered");
        MemorySegment data = nvml.poisoned(40);
        assertEquals(10, call("nvmlEventSetWait_v2", I_PPI, set, data, 0), "TIMEOUT: nothing registered yet");
        assertEquals(0, call("nvmlDeviceRegisterEvents", I_PJP, nvml.byIndex(0), XID, set));
        assertEquals(0, call("nvmlDeviceRegisterEvents", I_PJP, nvml.byIndex(1), XID, set));

        assertEquals(0, call("nvmlEventSetWait_v2", I_PPI, set, data, 1000));
        assertEquals(nvml.byIndex(0).address(), data.get(ADDRESS, 0).address());  // device @0
        assertEquals(XID, data.get(JAVA_LONG, 8));                                 // eventType @8
        assertEquals(79L, data.get(JAVA_LONG, 16));                                // eventData @16: the XID
        assertEquals(-1, data.get(JAVA_INT, 24));                                  // gpuInstanceId @24
        assertEquals(-1, data.get(JAVA_INT, 28));                                  // computeInstanceId @28
        assertEquals(POISON, data.get(JAVA_BYTE, 32), "32 bytes, nothing past them");

        long start = System.nanoTime();
        assertEquals(10, call("nvmlEventSetWait_v2", I_PPI, set, data, 50), "GPU 1's XID is not due yet");
        assertTrue(System.nanoTime() - start >= 45_000_000L, "the wait lasted its timeout");
        assertEquals(0, call("nvmlEventSetWait_v2", I_PPI, set, data, 2000), "GPU 1's XID after 400 ms");
        assertEquals(48L, data.get(JAVA_LONG, 16));
        assertEquals(nvml.byIndex(1).address(), data.get(ADDRESS, 0).address());
        assertEquals(10, call("nvmlEventSetWait_v2", I_PPI, set, data, 0), "each event once; GPU 3 is not registered");
        assertEquals(0, call("nvmlEventSetFree", I_P, set));
        assertEquals(2, call("nvmlEventSetFree", I_P, set), "a freed set is no longer known");
    }

    @Test
    void theLegacyWaitWritesTwentyFourBytes() throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment setOut = nvml.arena.allocate(ADDRESS);
        assertEquals(0, call("nvmlEventSetCreate", I_P, setOut));
        MemorySegment set = setOut.get(ADDRESS, 0);
        assertEquals(0, call("nvmlDeviceRegisterEvents", I_PJP, nvml.byIndex(3), XID, set));
        MemorySegment data = nvml.poisoned(32);
        assertEquals(0, call("nvmlEventSetWait", I_PPI, set, data, 1000));
        assertEquals(13L, data.get(JAVA_LONG, 16));
        assertEquals(POISON, data.get(JAVA_BYTE, 24), "the v1 nvmlEventData_t has no instance ids");
        assertEquals(0, call("nvmlEventSetFree", I_P, set));
    }

    @Test
    void migHandlesRegisterNoEvents() throws Throwable {
        RawNvml nvml = open(TOPOLOGY);
        MemorySegment setOut = nvml.arena.allocate(ADDRESS);
        assertEquals(0, call("nvmlEventSetCreate", I_P, setOut));
        MemorySegment mig = nvml.byUuid("MIG-00000000-0000-5000-8000-00000000000d");
        assertEquals(3, call("nvmlDeviceRegisterEvents", I_PJP, mig, XID, setOut.get(ADDRESS, 0)));
        assertEquals(3, call("nvmlDeviceGetTopologyCommonAncestor", I_PPP, mig, nvml.byIndex(0), nvml.intOut()));
        // a set left open is freed by the last nvmlShutdown (FakeNvmlLeakTest runs that under valgrind)
    }

    /**
     * Every new function answers the code the {@code errors} key forces on it: per device for the
     * device calls (either device of a pair), top level for the set calls, and for a wait, the code
     * forced on any device registered in the set.
     */
    @ParameterizedTest(name = "{0} forced to {1}")
    @CsvSource({
            "nvmlDeviceGetNumaNodeId, NOT_SUPPORTED, 3", "nvmlDeviceGetNumaNodeId, GPU_IS_LOST, 15",
            "nvmlDeviceGetTopologyCommonAncestor, NOT_SUPPORTED, 3", "nvmlDeviceGetTopologyCommonAncestor, GPU_IS_LOST, 15",
            "nvmlDeviceGetNvLinkState, NOT_SUPPORTED, 3", "nvmlDeviceGetNvLinkState, GPU_IS_LOST, 15",
            "nvmlDeviceGetNvLinkRemotePciInfo_v2, NOT_SUPPORTED, 3", "nvmlDeviceGetNvLinkRemotePciInfo_v2, GPU_IS_LOST, 15",
            "nvmlDeviceGetP2PStatus, NOT_SUPPORTED, 3", "nvmlDeviceGetP2PStatus, GPU_IS_LOST, 15",
            "nvmlDeviceGetName, NOT_SUPPORTED, 3", "nvmlDeviceGetName, GPU_IS_LOST, 15",
            "nvmlDeviceGetSupportedEventTypes, NOT_SUPPORTED, 3", "nvmlDeviceGetSupportedEventTypes, GPU_IS_LOST, 15",
            "nvmlDeviceRegisterEvents, NOT_SUPPORTED, 3", "nvmlDeviceRegisterEvents, GPU_IS_LOST, 15",
            "nvmlEventSetWait_v2, NOT_SUPPORTED, 3", "nvmlEventSetWait_v2, GPU_IS_LOST, 15",
            "nvmlEventSetCreate, NOT_SUPPORTED, 3", "nvmlEventSetCreate, GPU_IS_LOST, 15",
            "nvmlEventSetFree, NOT_SUPPORTED, 3", "nvmlEventSetFree, GPU_IS_LOST, 15"})
    void theErrorsKeyForcesEveryNewFunction(String function, String code, int expected) throws Throwable {
        boolean setCall = function.equals("nvmlEventSetCreate") || function.equals("nvmlEventSetFree");
        String forced = "\"errors\": {\"" + function + "\": \"" + code + "\"}";
        String config = setCall ? TOPOLOGY.replace("\"events\":", forced + ", \"events\":")
                : TOPOLOGY.replace("\"minor\": 0,", "\"minor\": 0, " + forced + ",");   // on GPU 1
        RawNvml nvml = open(config);
        MemorySegment gpu1 = nvml.byIndex(1);
        MemorySegment gpu0 = nvml.byIndex(0);
        MemorySegment out = nvml.poisoned(80);
        MemorySegment setOut = nvml.arena.allocate(ADDRESS);
        int rc = switch (function) {
            case "nvmlDeviceGetNumaNodeId" -> call(function, I_PP, gpu1, out);
            case "nvmlDeviceGetTopologyCommonAncestor" -> call(function, I_PPP, gpu0, gpu1, out);
            case "nvmlDeviceGetNvLinkState", "nvmlDeviceGetNvLinkRemotePciInfo_v2" -> call(function, I_PIP, gpu1, 0, out);
            case "nvmlDeviceGetP2PStatus" -> call(function, I_PPIP, gpu0, gpu1, 2, out);
            case "nvmlDeviceGetName" -> call(function, I_PPI, gpu1, out, 80);
            case "nvmlDeviceGetSupportedEventTypes" -> call(function, I_PP, gpu1, out);
            case "nvmlEventSetCreate" -> call(function, I_P, setOut);
            default -> {
                assertEquals(0, call("nvmlEventSetCreate", I_P, setOut));
                MemorySegment set = setOut.get(ADDRESS, 0);
                yield switch (function) {
                    case "nvmlDeviceRegisterEvents" -> call(function, I_PJP, gpu1, XID, set);
                    case "nvmlEventSetFree" -> call(function, I_P, set);
                    default -> {
                        assertEquals(0, call("nvmlDeviceRegisterEvents", I_PJP, gpu1, XID, set));
                        yield call(function, I_PPI, set, out, 0);
                    }
                };
            }
        };
        assertEquals(expected, rc);
    }
}
