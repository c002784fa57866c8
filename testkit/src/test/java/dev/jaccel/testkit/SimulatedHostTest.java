package dev.jaccel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SimulatedHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBundledProfileIsAnEightGpuMigHostWithIndexNotMinor(@TempDir Path dir) throws Exception {
        SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE);
        JsonNode cfg = JSON.readTree(dir.resolve("nvml.json").toFile());
        JsonNode devices = cfg.get("devices");
        assertEquals(8, devices.size());
        int mig = 0;
        int migDevices = 0;
        int indexIsMinor = 0;
        Set<String> uuids = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            JsonNode d = devices.get(i);
            indexIsMinor += d.get("minor").asInt() == i ? 1 : 0;
            uuids.add(d.get("uuid").asText());
            if (d.get("migMode").asText().equals("enabled")) {
                mig++;
                migDevices += d.get("migDevices").size();
                d.get("migDevices").forEach(m -> uuids.add(m.get("uuid").asText()));
            }
        }
        assertEquals(2, mig);
        assertEquals(10, migDevices);
        assertEquals(18, uuids.size(), "every UUID distinct");
        assertEquals(0, indexIsMinor, "index and minor differ on every GPU");
        assertEquals("NOT_SUPPORTED", devices.get(3).get("errors").get("nvmlDeviceGetSerial").asText());
        // placement: two NVLink islands of four, NUMA node 0 and 1, two GPUs per PCIe switch
        for (int i = 0; i < devices.size(); i++) {
            JsonNode d = devices.get(i);
            assertEquals(i < 4 ? 0 : 1, d.get("numaNode").asInt());
            assertEquals("PEX" + i / 2, d.get("pciSwitch").asText());
            assertEquals(3, d.get("nvlinks").size(), "linked to the three others of its island");
            boolean firstIsland = i < 4;
            d.get("nvlinks").fieldNames().forEachRemaining(peer -> assertEquals(firstIsland, Integer.parseInt(peer) < 4));
        }
        assertEquals("3g.40gb", devices.get(1).get("migDevices").get(0).get("profile").asText());
    }

    @Test
    void theTreeMatchesTheConfig(@TempDir Path dir) throws Exception {
        Map<String, String> env = SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE);
        Path root = dir.resolve("root");
        assertEquals(List.of("FAKE_NVML_CONFIG", "JACCEL_NVML_LIBRARY", "JACCEL_HOST_ROOT"), new ArrayList<>(env.keySet()));
        assertEquals(root.toAbsolutePath().toString(), env.get("JACCEL_HOST_ROOT"));
        assertTrue(Files.readString(root.resolve("proc/driver/nvidia/version"))
                .startsWith("NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.95.05  "));
        String info = Files.readString(root.resolve("proc/driver/nvidia/gpus/0000:2a:00.0/information"));
        assertTrue(info.contains("GPU UUID: \t GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a01\n"), info);
        assertTrue(info.contains("Device Minor: \t 0\n"), info);
        String devices = Files.readString(root.resolve("proc/devices"));
        assertTrue(devices.startsWith("Character devices:\n"), devices);
        assertTrue(devices.contains("195 nvidia\n") && devices.contains("510 nvidia-uvm\n") && devices.contains("509 nvidia-caps\n"));
        assertTrue(Files.isRegularFile(root.resolve("usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05")));
        assertEquals(Path.of("libnvidia-ml.so.580.95.05"),
                Files.readSymbolicLink(root.resolve("usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1")));
        assertTrue(Files.isRegularFile(root.resolve("usr/bin/nvidia-smi")));
        assertEquals("0\n", Files.readString(root.resolve("sys/bus/pci/devices/0000:2a:00.0/numa_node")));
        assertEquals("1\n", Files.readString(root.resolve("sys/bus/pci/devices/0000:db:00.0/numa_node")));
        String capFile = Files.readString(root.resolve("proc/driver/nvidia/capabilities/gpu0/mig/gi2/access"));
        int minor = NvidiaHostFixture.migMinors(List.of(0, 1, 2, 3, 4, 5, 6, 7)).get("gpu0/gi2/access");
        assertTrue(capFile.startsWith("DeviceFileMinor: " + minor + "\n"), capFile);
        assertTrue(Files.readString(root.resolve("proc/driver/nvidia-caps/mig-minors")).contains("gpu0/gi2/access " + minor + "\n"));
    }

    @ParameterizedTest(name = "{0} is a char device {1}:{2}")
    @CsvSource({"dev/nvidia3, 195, 3", "dev/nvidiactl, 195, 255", "dev/nvidia-uvm, 510, 0", "dev/nvidia-uvm-tools, 510, 1",
            "dev/nvidia-modeset, 195, 254"})
    void deviceNodesAreRealWhenRoot(String path, int major, int minor, @TempDir Path dir) throws Exception {
        SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE);
        HostTree tree = HostTree.at(dir.resolve("root"));
        assumeTrue(tree.realDeviceNodes(), "device nodes need root");
        long rdev = ((Number) Files.getAttribute(tree.root().resolve(path), "unix:rdev")).longValue();
        assertEquals(HostTree.makedev(major, minor), rdev);
    }

    @Test
    void procDevicesKeepsAnotherFixturesMajors(@TempDir Path dir) throws Exception {
        HostTree tree = HostTree.at(dir).file("/proc/devices", "Character devices:\n  1 mem\n245 neuron\n\nBlock devices:\n  8 sd\n");
        NvidiaHostFixture.mergeProcDevices(tree, Map.of("nvidia", 195));
        String text = Files.readString(tree.path("/proc/devices"));
        assertTrue(text.contains("245 neuron\n") && text.contains("195 nvidia\n") && text.contains("  8 sd\n"), text);
        NvidiaHostFixture.mergeProcDevices(tree, Map.of("nvidia", 195));
        assertEquals(text, Files.readString(tree.path("/proc/devices")), "idempotent");
    }

    @Test
    void mainPrintsTheEnvironmentAndRejectsBadArguments(@TempDir Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, SimulatedHost.run(new String[] {"create", dir.toString(), "--profile", "h100x8-mig"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("export FAKE_NVML_CONFIG=" + dir.resolve("nvml.json").toAbsolutePath()));
        assertEquals(2, SimulatedHost.run(new String[] {"create", dir.toString(), "--profile", "nope"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no simulated host profile named 'nope'"));
        assertNotEquals(0, SimulatedHost.run(new String[] {"destroy"}, o, e));
    }
}
