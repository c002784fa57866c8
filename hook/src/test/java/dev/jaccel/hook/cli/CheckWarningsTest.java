package dev.jaccel.hook.cli;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel check}'s operational warnings on the simulated 8 x H100 host: persistence mode off,
 * a stale snapshot, a stale CDI spec. They go to stderr and never change the exit code.
 */
class CheckWarningsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path root;
    Path fakeConfig;
    byte[] defaultProfile;
    Path config;

    @BeforeEach
    void simulatedHost() throws IOException {
        Map<String, String> env = SimulatedHost.create(tmp.resolve("sim"), SimulatedHost.DEFAULT_PROFILE);
        root = Path.of(env.get("JACCEL_HOST_ROOT"));
        defaultProfile = Files.readAllBytes(Path.of(env.get("FAKE_NVML_CONFIG")));
        // the fake reads FAKE_NVML_CONFIG (fixed by surefire for this JVM) whenever its first session opens
        fakeConfig = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(fakeConfig.getParent());
        Files.write(fakeConfig, defaultProfile);
        config = ConfigFiles.locations(tmp.resolve("config.toml"), tmp.resolve("inventory.json"), tmp.resolve("cdi"), root,
                FakeLibraries.nvml(), tmp.resolve("none/libnrt.so.1"));
    }

    @AfterEach
    void defaultProfileBack() throws IOException {
        Files.write(fakeConfig, defaultProfile);
    }

    @Test
    void aHealthyHostGetsNoWarning() {
        assertEquals(0, Cli.run("cdi", "generate", "--config", config.toString()).exit());
        Cli r = Cli.run("check", "--config", config.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void persistenceModeOffIsNamedPerGpu() throws IOException {
        ObjectNode nvml = (ObjectNode) JSON.readTree(defaultProfile);
        for (int i : new int[] {1, 6}) {
            ((ObjectNode) nvml.get("devices").get(i)).put("persistenceMode", false);
        }
        Files.write(fakeConfig, JSON.writeValueAsBytes(nvml));
        Cli r = Cli.run("check", "--config", config.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("jaccel: warning: persistence mode is off on GPU 1, 6 (of 8): each first use of NVML after the "
                + "GPUs go idle waits for the driver to initialise them, seconds per GPU; enable it with "
                + "systemctl enable --now nvidia-persistenced (or nvidia-smi -pm 1)\n", r.err());
    }

    @Test
    void aStaleSnapshotAndAStaleSpecAreNamed() throws IOException {
        assertEquals(0, Cli.run("cdi", "generate", "--config", config.toString()).exit());
        // the host changes under the snapshot (a new GPU node), and the spec is not what this jaccel writes
        HostTree.at(root).charDevice("/dev/nvidia8", 195, 8);
        Path spec = tmp.resolve("cdi/jaccel-nvidia.json");
        Files.writeString(spec, Files.readString(spec).replace("\"all\"", "\"every\""));
        Cli r = Cli.run("check", "--config", config.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("jaccel: warning: the inventory snapshot " + tmp.resolve("inventory.json")
                + " is stale: the driver or the device nodes changed since it was taken; run jaccel inventory refresh"), r.err());
        assertTrue(r.err().contains("jaccel: warning: the CDI spec " + tmp.resolve("cdi/jaccel-nvidia.json")
                + " is stale: it no longer matches this host's devices and driver files; run jaccel cdi generate"), r.err());
        assertEquals(2, r.err().lines().count(), r.err());
    }

}
