package dev.jaccel.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker run --runtime=jaccel} with a real dockerd (Debian's docker.io) on the installed
 * tarball: the runtime registered by {@code jaccel runtime configure --runtime docker}, a simulated
 * node with 8 H100s (GPU index i is {@code /dev/nvidia<minor>}, minors 3,0,1,2,7,4,5,6) and six
 * Inferentia2 devices.
 */
class DockerEndToEndTest extends DockerNodeTests {
    @Test
    void aPlainContainerRunsOnJaccelAsOnRunc() {
        Installation.Result runc = node.run(List.of(), "echo hello; " + LIST_DEV);
        assertEquals(0, runc.exit(), runc.both() + node.logs());
        Installation.Result jaccel = node.run(List.of("--runtime=jaccel"), "echo hello; " + LIST_DEV);
        assertEquals(0, jaccel.exit(), jaccel.both() + node.logs());
        assertEquals("hello\n", jaccel.out());
        assertEquals(runc.out(), jaccel.out());
    }

    @Test
    void nvidiaVariablesGiveTheContainerItsGpus() {
        Installation.Result r = node.run(List.of("--runtime=jaccel", "-e", "NVIDIA_VISIBLE_DEVICES=0,4",
                "-e", "NVIDIA_DRIVER_CAPABILITIES=utility"), LIST_DEV);
        assertEquals(0, r.exit(), r.both() + node.logs());
        assertEquals(Set.of("/dev/nvidiactl", "/dev/nvidia3", "/dev/nvidia7"), devices(r), r.both());
    }

    /**
     * With the start service running (the jaccel-serve unit), the installed jaccel-runtime hands it
     * the spec edit: the container gets the same devices and the service logs that it served the start.
     */
    @Test
    void withTheStartServiceTheSameContainerStartsWithoutAJvmOfItsOwn() throws IOException {
        try (Daemon service = node.serve()) {
            Installation.Result r = node.run(List.of("--runtime=jaccel", "-e", "NVIDIA_VISIBLE_DEVICES=0,4",
                    "-e", "NVIDIA_DRIVER_CAPABILITIES=utility"), LIST_DEV);
            assertEquals(0, r.exit(), r.both() + node.logs() + service.logTail());
            assertEquals(Set.of("/dev/nvidiactl", "/dev/nvidia3", "/dev/nvidia7"), devices(r), r.both());
            String log = Files.readString(node.dir.resolve("serve.log"));
            assertTrue(log.lines().anyMatch(l -> l.startsWith("jaccel serve: runtime ") && l.contains(" create ")
                    && l.contains(": exit 0 in ")), "the service edited the spec: " + log);
        }
        assertFalse(Files.exists(node.dir.resolve("run/start.sock")), "the stopped service removed its socket");
    }

    @Test
    void neuronVariablesGiveTheContainerItsDevicesUnderTheirHostNames() {
        Installation.Result r = node.run(List.of("--runtime=jaccel", "-e", "AWS_NEURON_VISIBLE_DEVICES=2,3"), LIST_DEV);
        assertEquals(0, r.exit(), r.both() + node.logs());
        assertEquals(Set.of("/dev/neuron2", "/dev/neuron3"), devices(r), r.both());
    }

    @Test
    void anUnsatisfiedRequirementIsRefusedWithNvidiasMessage() {
        Installation.Result r = node.run(List.of("--runtime=jaccel", "-e", "NVIDIA_VISIBLE_DEVICES=0",
                "-e", "NVIDIA_REQUIRE_CUDA=cuda>=99.0"), "echo started");
        assertFalse(r.exit() == 0, r.both());
        assertFalse(r.out().contains("started"), r.both());
        assertTrue(r.err().contains("unsatisfied condition: cuda>=99.0, please update your driver to a newer version, "
                + "or use an earlier cuda container"), r.both());
    }
}
