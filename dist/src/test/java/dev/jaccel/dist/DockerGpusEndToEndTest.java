package dev.jaccel.dist;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker run --gpus} with stock runc and no NVIDIA container toolkit: dockerd (20.10+) adds
 * the prestart hook {@code nvidia-container-runtime-hook prestart}, found on its PATH (jaccel's
 * bin), and sets {@code NVIDIA_VISIBLE_DEVICES} / {@code NVIDIA_DRIVER_CAPABILITIES} (moby
 * daemon/nvidia_linux.go); jaccel's hook does the whole injection from prestart: device nodes,
 * cgroup rules, driver files.
 */
class DockerGpusEndToEndTest extends DockerNodeTests {
    /** GPU index -> /dev/nvidia<minor> on the simulated node. */
    static final int[] MINOR = {3, 0, 1, 2, 7, 4, 5, 6};

    @Test
    void gpusAllGivesEveryGpuWithTheDefaultCapabilities() {
        Installation.Result r = node.run(List.of("--gpus", "all"), LIST_DEV + "; echo env $NVIDIA_VISIBLE_DEVICES");
        assertEquals(0, r.exit(), r.both() + node.logs());
        Set<String> devices = devices(r);
        for (int minor : MINOR) {
            assertTrue(devices.contains("/dev/nvidia" + minor), minor + " missing: " + r.both());
        }
        // utility,compute (the default when --gpus all leaves the capabilities unset): the UVM nodes come with compute
        assertTrue(devices.containsAll(Set.of("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools")), r.both());
        assertTrue(r.out().contains("env all\n"), r.both());
    }

    @Test
    void gpusByIndexWithUtilityOnly() {
        Installation.Result r = node.run(List.of("--gpus", "\"device=1,3\",capabilities=utility"),
                LIST_DEV + "; test -e /usr/bin/nvidia-smi && echo nvidia-smi");
        assertEquals(0, r.exit(), r.both() + node.logs());
        Set<String> devices = devices(r);
        assertTrue(devices.containsAll(Set.of("/dev/nvidiactl", "/dev/nvidia" + MINOR[1], "/dev/nvidia" + MINOR[3])),
                r.both());
        assertTrue(devices.stream().noneMatch(d -> d.equals("/dev/nvidia" + MINOR[0]) || d.startsWith("/dev/nvidia-uvm")),
                "only GPUs 1 and 3, and no compute nodes: " + r.both());
        assertTrue(r.out().contains("nvidia-smi\n"), "the utility binaries are mounted: " + r.both());
    }
}
