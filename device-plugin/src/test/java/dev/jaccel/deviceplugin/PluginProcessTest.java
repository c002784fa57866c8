package dev.jaccel.deviceplugin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin as a real child process: SIGTERM, and a host with no accelerator at all. */
class PluginProcessTest {
    @TempDir
    Path dir;

    private Process start(Map<String, String> env, Path pluginDir, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DevicePluginCommand.class.getName(), "--plugin-dir", pluginDir.toString(),
                "--health-dir", dir.resolve("unhealthy").toString(), "--ready-file", dir.resolve("registered").toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("JACCEL_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    }

    private static List<String> files(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void sigtermRemovesTheSocketsAndExitsZero() throws Exception {
        PluginHost host = PluginHost.create(dir.resolve("host"), "h100x8-mig", "trn1-32xl");
        Path pluginDir = dir.resolve("device-plugins");
        try (FakeKubelet kubelet = FakeKubelet.start(pluginDir)) {
            Process p = start(host.env, pluginDir);
            kubelet.awaitRegistrations(List.of("nvidia.com/gpu", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore"),
                    Duration.ofSeconds(30));
            assertEquals(List.of("jaccel-aws.amazon.com-neuron.sock", "jaccel-aws.amazon.com-neuroncore.sock",
                    "jaccel-nvidia.com-gpu.sock", "kubelet.sock"), files(pluginDir));
            p.destroy();   // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the plugin did not stop on SIGTERM");
            assertEquals(0, p.exitValue(), stderr());
            assertEquals(List.of("kubelet.sock"), files(pluginDir));
            assertTrue(stderr().contains("stopped; sockets removed"), stderr());
            assertFalse(Files.exists(dir.resolve("registered")), "a stopped plugin must not look ready");
        }
    }

    @Test
    void aHostWithoutAnyAcceleratorExitsFourWithoutRegistering() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-host"));
        Path pluginDir = dir.resolve("device-plugins");
        try (FakeKubelet kubelet = FakeKubelet.start(pluginDir)) {
            Process p = start(Map.of("JACCEL_HOST_ROOT", empty.toString(),
                    "JACCEL_NVML_LIBRARY", empty.resolve("libnvidia-ml.so.1").toString(),
                    "JACCEL_NRT_LIBRARY", empty.resolve("libnrt.so.1").toString()), pluginDir);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(4, p.exitValue(), stderr());
            List<String> lines = stderr().lines().filter(l -> !l.startsWith("WARNING")).toList();
            assertEquals(1, lines.size(), stderr());
            assertTrue(lines.getFirst().startsWith("jaccel: no NVIDIA GPU or AWS Neuron device on this host"), stderr());
            assertTrue(lines.getFirst().endsWith("nothing is registered with the kubelet"), stderr());
            assertEquals(List.of(), kubelet.pending());
            assertEquals(List.of("kubelet.sock"), files(pluginDir));
        }
    }

    @Test
    void aBadConfigurationFileExitsTwoNamingIt() throws Exception {
        Path config = Files.writeString(dir.resolve("config.toml"), "[host]\nno-such-key = 1\n");
        Path pluginDir = Files.createDirectories(dir.resolve("device-plugins"));
        Process p = start(Map.of(), pluginDir, "--config", config.toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), stderr());
        assertTrue(stderr().contains(config.toString()), stderr());
        assertEquals(List.of(), files(pluginDir));
    }

    @Test
    void aMigLayoutThatBreaksTheStrategyExitsThree() throws Exception {
        PluginHost host = PluginHost.create(dir.resolve("host"), "h100x8-mig");
        Path pluginDir = Files.createDirectories(dir.resolve("device-plugins"));
        Process p = start(host.env, pluginDir, "--mig-strategy", "single");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), stderr());
        assertTrue(stderr().contains("--mig-strategy single: every GPU must have the same MIG mode, but 6 have MIG "
                + "disabled and 2 enabled; use --mig-strategy mixed"), stderr());
        assertEquals(List.of(), files(pluginDir));
    }
}
