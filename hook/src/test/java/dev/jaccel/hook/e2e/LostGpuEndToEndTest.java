package dev.jaccel.hook.e2e;

import dev.jaccel.core.json.JsonTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU that has fallen off the bus (nvmlDeviceGetHandleByIndex: GPU_IS_LOST) on the simulated
 * 8-GPU host: {@code all} still starts the container with the other GPUs but says which one is
 * missing, asking for the lost index is refused with NVML's reason, and every message names the
 * real indices (1-7), not a renumbered 0-6. Real runc through the shim; the inventory comes from
 * discovery and, the second time, from the snapshot, which {@code jaccel plan} then reads too.
 */
class LostGpuEndToEndTest {
    /** NVML index 0 of the h100x8-mig profile: minor 3. */
    static final String LOST_NODE = "nvidia3";
    static final String WARNING = "NVIDIA_VISIBLE_DEVICES=all leaves out GPU 0, which the driver counts but will not open "
            + "(nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost); this host has 7 usable GPUs, indices 1-7; "
            + "GPU 0 is unavailable";
    static final String REFUSAL = "device error: 0: GPU 0 is unavailable: nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): "
            + "GPU is lost (from NVIDIA_VISIBLE_DEVICES; this host has 7 usable GPUs, indices 1-7; GPU 0 is unavailable)";

    @TempDir
    Path tmp;

    @BeforeEach
    void prerequisites() {
        Jaccel.assumeEndToEnd();
    }

    @ParameterizedTest(name = "inventory from {0}")
    @ValueSource(strings = {"discovery", "snapshot"})
    void allWarnsAndTheLostIndexIsRefusedByItsRealNumber(String source) throws IOException {
        FaultyHost host = FaultyHost.create(tmp.resolve("host"), null);
        host.deviceError(0, "nvmlDeviceGetHandleByIndex_v2", "GPU_IS_LOST")
                .deviceError(0, "nvmlDeviceGetHandleByIndex", "GPU_IS_LOST");
        if (source.equals("snapshot")) {
            Jaccel.Result refresh = host.jaccel("inventory", "refresh");
            assertEquals(0, refresh.exit(), refresh.both());
            assertTrue(refresh.err().contains("jaccel: warning: GPU 0 is left out: the driver counts it but will not open "
                    + "it (nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost)"), refresh.both());
            // from now on NVML cannot be loaded: the snapshot alone must carry the lost GPU
            host.env.put("JACCEL_NVML_LIBRARY", tmp.resolve("no-libnvidia-ml.so.1").toString());
        } else {
            Files.deleteIfExists(host.snapshot);
        }
        Path runcRoot = Files.createDirectories(tmp.resolve("runc"));

        Bundle all = Bundle.create(tmp.resolve("all"), "ls /dev | grep -E '^nvidia[0-9]' | sort | tr '\\n' ' '")
                .env("NVIDIA_VISIBLE_DEVICES=all");
        Jaccel.Result started = host.shimRun(runcRoot, all, "lost-all-" + source);
        assertEquals(0, started.exit(), started.both());
        assertEquals("nvidia0 nvidia1 nvidia2 nvidia4 nvidia5 nvidia6 nvidia7 ", started.out(), "every GPU but the lost one");
        assertTrue(started.err().contains("jaccel runtime: warning: " + WARNING), started.both());

        Bundle zero = Bundle.create(tmp.resolve("zero"), "echo started").env("NVIDIA_VISIBLE_DEVICES=0");
        Jaccel.Result refused = host.shimRun(runcRoot, zero, "lost-zero-" + source);
        assertEquals(3, refused.exit(), refused.both());
        assertEquals("", refused.out(), refused.both());
        assertEquals("jaccel runtime: " + REFUSAL + "\n", refused.err());

        // plan reads what the container start read, and says which
        String note = "jaccel: note: inventory from " + (source.equals("snapshot") ? "the inventory snapshot "
                + host.snapshot : "discovery (NVML, libnrt): no snapshot at " + host.snapshot + " that matches this host")
                + "\n";
        Jaccel.Result plan = host.jaccel("plan", "--env", "NVIDIA_VISIBLE_DEVICES=0");
        assertEquals(3, plan.exit(), plan.both());
        assertEquals(note + "jaccel: " + REFUSAL + "\n", plan.err());

        Jaccel.Result planAll = host.jaccel("plan", "--env", "NVIDIA_VISIBLE_DEVICES=all");
        assertEquals(0, planAll.exit(), planAll.both());
        assertTrue(planAll.err().contains("jaccel: warning: " + WARNING), planAll.both());
        assertFalse(planAll.out().contains(host.uuid(0)), "the lost GPU is not selected");
        assertTrue(planAll.out().contains(host.uuid(2)), planAll.out());
    }

    @ParameterizedTest(name = "cdi generate")
    @ValueSource(strings = {"nvidia"})
    void theSpecLeavesTheLostGpuOutAndKeepsTheOthersIndices(String vendor) throws IOException {
        FaultyHost host = FaultyHost.create(tmp.resolve("host"), null);
        host.deviceError(0, "nvmlDeviceGetHandleByIndex_v2", "GPU_IS_LOST")
                .deviceError(0, "nvmlDeviceGetHandleByIndex", "GPU_IS_LOST");
        Path cdi = tmp.resolve("cdi");
        Jaccel.Result r = host.jaccel("cdi", "generate", "--output-dir", cdi.toString(), "--vendor", vendor);
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.err().contains("jaccel: warning: GPU 0 is left out: the driver counts it but will not open it"),
                r.both());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> devices = (List<Map<String, Object>>) ((Map<String, Object>) JsonTree.read(
                Files.readString(cdi.resolve("jaccel-nvidia.json")))).get("devices");
        List<Object> names = devices.stream().map(d -> d.get("name")).toList();
        assertFalse(names.contains("0") || names.contains(host.uuid(0)), names.toString());
        assertTrue(names.contains("1") && names.contains("7") && names.contains(host.uuid(7)), names.toString());
    }
}
