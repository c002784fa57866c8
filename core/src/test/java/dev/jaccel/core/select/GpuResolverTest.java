package dev.jaccel.core.select;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.fixtures.TestHosts;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.model.UnavailableGpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static dev.jaccel.core.fixtures.TestHosts.gpuUuid;
import static dev.jaccel.core.fixtures.TestHosts.migUuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** libnvidia-container select_devices matching on the 8-GPU MIG host (docs/nvidia-container-semantics.md §1.1, §10 fact 2). */
class GpuResolverTest {
    static final NvidiaInventory DGX = TestHosts.dgx("Tesla", TestHosts.DRIVER, TestHosts.CUDA);

    static List<String> resolve(String value) {
        return GpuResolver.resolve(NvidiaVisibleDevices.interpret(NvidiaVisibleDevices.split(value)), DGX,
                "NVIDIA_VISIBLE_DEVICES", w -> fail("no warning expected: " + w)).ids();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0 | G0",
            "3 | G3",
            "0,1 | G0 G1",
            "1,0,1 | G1 G0",
            "GPU-a1000002-1111-2222-3333-444455556662 | G2",
            "gpu-A1000002-1111-2222-3333-444455556662 | G2",   // case-insensitive
            "00000000:47:00.0 | G2",
            "0000:47:00.0 | G2",
            "47:00.0 | G2",
            "0000:BD:00.0 | G7",
            "6:0 | M6.0",
            "7:1 | M7.1",
            "6:1,6 | G6 M6.1",
            "MIG-b0000060-aaaa-5bbb-8ccc-dddddddddd00 | M6.0",
            "mig-B0000071-AAAA-5bbb-8ccc-dddddddddd01 | M7.1",
            "MIG-GPU-a1000006-1111-2222-3333-444455556666/2/0 | M6.1",
            "2,GPU-a1000002-1111-2222-3333-444455556662,0000:47:00.0 | G2",
            "none | ''",
            // all: MIG-enabled GPUs contribute their MIG devices instead of themselves (nvcdi)
            "all | G0 G1 G2 G3 G4 G5 M6.0 M6.1 M7.0 M7.1",
    })
    void resolves(String value, String expected) {
        List<String> ids = expected.isEmpty() ? List.of() : java.util.Arrays.stream(expected.split(" "))
                .map(GpuResolverTest::id).toList();
        assertEquals(ids, resolve(value));
    }

    private static String id(String shorthand) {
        if (shorthand.startsWith("G")) {
            return gpuUuid(Integer.parseInt(shorthand.substring(1)));
        }
        String[] gm = shorthand.substring(1).split("\\.");
        return migUuid(Integer.parseInt(gm[0]), Integer.parseInt(gm[1]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "99", "GPU-12345", "GPU-a1000002", "0000:48:00.0", "1:2:3", "5:0", "6:2", "9:0",
            "MIG-12345", "MIG-GPU-a1000006-1111-2222-3333-444455556666/9/0", "0,8"})
    void unknownDeviceIsExit3InLibnvidiaContainersWords(String id) {
        JaccelException e = assertThrows(JaccelException.class, () -> resolve(id));
        assertEquals(ExitCode.UNSATISFIED, e.exitCode());
        String named = id.startsWith("0,") ? id.substring(2) : id;
        assertTrue(e.getMessage().startsWith("device error: " + named + ": unknown device (from NVIDIA_VISIBLE_DEVICES;"
                + " this host has 8 GPUs, indices 0-7)"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GPU0", "foo", "ALL", "Void", "GPU-", "MIG-", "-1", "1:", ":1", "0x1",
            "nvidia.com/gpu=0", "99999999999"})
    void malformedIsExit2NamingIt(String id) {
        JaccelException e = assertThrows(JaccelException.class, () -> resolve(id));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("NVIDIA_VISIBLE_DEVICES: '" + id + "'"), e.getMessage());
    }

    /** DGX with the GPUs at {@code lost} (NVML indices) fallen off the bus: the others keep their indices. */
    static NvidiaInventory losing(int... lost) {
        List<Integer> gone = java.util.Arrays.stream(lost).boxed().toList();
        return new NvidiaInventory(DGX.driverVersion(), DGX.nvmlVersion(), DGX.cudaDriverVersion(),
                DGX.kernelModuleVersion(), DGX.devices().stream().filter(g -> !gone.contains(g.index())).toList(),
                DGX.controlNodes(), List.of(), null, gone.stream().map(i -> new UnavailableGpu(i,
                        "nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost")).toList());
    }

    @ParameterizedTest(name = "{1} with GPUs {0} lost")
    @CsvSource(delimiter = '|', value = {
            // lost NVML indices | NVIDIA_VISIBLE_DEVICES | the refusal (exit 3)
            "0   | 0    | device error: 0: GPU 0 is unavailable: nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost (from NVIDIA_VISIBLE_DEVICES; this host has 7 usable GPUs, indices 1-7; GPU 0 is unavailable)",
            "0   | 8    | device error: 8: unknown device (from NVIDIA_VISIBLE_DEVICES; this host has 7 usable GPUs, indices 1-7; GPU 0 is unavailable)",
            "3   | 1,3  | device error: 3: GPU 3 is unavailable: nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost (from NVIDIA_VISIBLE_DEVICES; this host has 7 usable GPUs, indices 0-2,4-7; GPU 3 is unavailable)",
            "6   | 6:0  | device error: 6:0: GPU 6 is unavailable: nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost (from NVIDIA_VISIBLE_DEVICES; this host has 7 usable GPUs, indices 0-5,7; GPU 6 is unavailable)",
            "0 7 | 7    | device error: 7: GPU 7 is unavailable: nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost (from NVIDIA_VISIBLE_DEVICES; this host has 6 usable GPUs, indices 1-6; GPUs 0,7 are unavailable)",
    })
    void aLostGpuIsNamedByItsRealIndex(String lost, String value, String message) {
        NvidiaInventory host = losing(java.util.Arrays.stream(lost.split(" ")).mapToInt(Integer::parseInt).toArray());
        JaccelException e = assertThrows(JaccelException.class, () -> GpuResolver.resolve(
                NvidiaVisibleDevices.interpret(NvidiaVisibleDevices.split(value)), host, "NVIDIA_VISIBLE_DEVICES", w -> { }));
        assertEquals(ExitCode.UNSATISFIED, e.exitCode());
        assertEquals(message, e.getMessage());
    }

    @Test
    void allWarnsOfEachLostGpuAndTheOthersKeepTheirIndices() {
        List<String> warnings = new ArrayList<>();
        GpuSelection s = GpuResolver.resolve(GpuRequest.ALL, losing(0), "NVIDIA_VISIBLE_DEVICES", warnings::add);
        assertEquals(List.of("NVIDIA_VISIBLE_DEVICES=all leaves out GPU 0, which the driver counts but will not open "
                + "(nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost); this host has 7 usable GPUs, "
                + "indices 1-7; GPU 0 is unavailable"), warnings);
        assertEquals(List.of(1, 2, 3, 4, 5), s.gpus().stream().map(g -> g.index()).toList());
        assertEquals(gpuUuid(1), GpuResolver.resolve(new GpuRequest.Ids(List.of("1")), losing(0), "x", w -> { })
                .ids().getFirst(), "index 1 is still GPU 1");
    }

    @Test
    void parentsOfSelectedMigDevicesAreChecked() {
        GpuSelection s = GpuResolver.resolve(new GpuRequest.Ids(List.of("6:0", "6:1", "1")), DGX, "x", w -> { });
        assertEquals(List.of(1, 6), s.devicesToCheck().stream().map(g -> g.index()).sorted().toList());
    }
}
