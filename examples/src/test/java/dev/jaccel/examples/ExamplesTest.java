package dev.jaccel.examples;

import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every example of docs/java-api.md as a user would: its own JVM, the environment
 * {@code scripts/simulated-host.sh} prints for a simulated host, {@code --enable-native-access}.
 */
class ExamplesTest {
    @TempDir
    Path dir;

    static Stream<Arguments> examples() {
        return Stream.of(
                example(ListDevices.class, "h100x8-mig", List.of(), 0,
                        "GPU 0: NVIDIA H100 80GB HBM3 GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a00 81559 MiB",
                        "  MIG 0: 3g.40gb MIG-0f7c8e4e-52a6-5d43-8b8a-3a4c1d100020", "GPU 7: ",
                        "NEURON: no /dev/neuron* device and no neuron driver"),
                example(ListDevices.class, "trn2", List.of(), 0,
                        "NVIDIA: cannot load libnvidia-ml.so.1 (NVML)", "neuron15: Trainium2, NeuronCores [60, 61, 62, 63]"),
                example(PickGpu.class, "h100x8-mig", List.of(), 0,
                        "CUDA_VISIBLE_DEVICES=GPU-", "NUMA node: ", "NVLink peer: GPU-", "(6 links)"),
                example(CheckCuda.class, "h100x8-mig", List.of("12.8"), 0, "supports CUDA 13.0", "CUDA 12.8: ok"),
                example(CheckCuda.class, "h100x8-mig", List.of("13.1"), 3, "CUDA 13.1 needs a newer driver"),
                example(Metrics.class, "h100x8-mig", List.of(), 0, "GPU 0: 0% busy, 512 MiB used, 31 C, 69 W",
                        "GPU 1: n/a, 0 MiB used, 32 C, 70 W",
                        "accelerator.memory.used[tag(index=0), tag(uuid=GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a00), tag(vendor=nvidia)] = 5.36870912E8"),
                example(Errors.class, "h100x8-mig", List.of(), 0,
                        "no NVML: cannot load /nonexistent/libnvidia-ml.so.1 (NVML)",
                        "nvmlDeviceGetHandleByIndex_v2 -> INVALID_ARGUMENT (2)"),
                example(Threads.class, "h100x8-mig", List.of(), 0, "pollers stopped: true, reads > 0: true"),
                example(NeuronCores.class, "trn2", List.of(), 0, "driver 2.30.2.0, runtime 2.34.10.0, LNC default",
                        "neuron0: 4 logical cores [0, 1, 2, 3]"));
    }

    private static Arguments example(Class<?> main, String profile, List<String> args, int exit, String... expected) {
        return Arguments.of(main.getSimpleName() + " on " + profile + " " + args, main, profile, args, exit,
                List.of(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void runsOnTheSimulatedHost(String name, Class<?> main, String profile, List<String> args, int exit,
                                List<String> expected) throws Exception {
        Map<String, String> env = SimulatedHost.create(dir.resolve("host"), profile);
        Path config = Files.writeString(dir.resolve("config.toml"), "");   // no /etc/jaccel/config.toml of this machine
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JACCEL_") || k.startsWith("FAKE_"));
        pb.environment().putAll(env);
        pb.environment().put("JACCEL_CONFIG", config.toString());
        String out = run(pb);
        for (String line : expected) {
            assertTrue(out.contains(line), "missing \"" + line + "\" in:\n" + out);
        }
        assertEquals(exit, lastExit, out);
    }

    private int lastExit;

    private String run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the example finished");
        lastExit = p.exitValue();
        return out;
    }
}
