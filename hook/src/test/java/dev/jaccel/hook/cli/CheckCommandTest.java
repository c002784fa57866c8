package dev.jaccel.hook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jaccel.hook.Main;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.FakeNrt;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel check} in-process (Main.run with its own streams) on fake Neuron hosts and on the
 * simulated 8-GPU host with the fake NVML.
 */
class CheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The simulated NVIDIA host's fake NVML config (the JVM's FAKE_NVML_CONFIG). */
    static JsonNode nvml;

    @BeforeAll
    static void configureTheFakeNvml(@TempDir Path simulated) throws Exception {
        Map<String, String> env = SimulatedHost.create(simulated, SimulatedHost.DEFAULT_PROFILE);
        // the fake reads FAKE_NVML_CONFIG (fixed by surefire for this JVM) at its first init, so every
        // in-process test of this module gives it the default profile's config
        Path fakeConfig = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(fakeConfig.getParent());
        Files.copy(Path.of(env.get("FAKE_NVML_CONFIG")), fakeConfig, StandardCopyOption.REPLACE_EXISTING);
        nvml = JSON.readTree(fakeConfig.toFile());
    }

    record Run(int code, String out, String err) {
    }

    private static Run check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), System.getenv());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The profile's nrt.json with another runtime version. */
    private static String nrtConfig(String profile, String runtime) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(NeuronHostFixture.nrtConfig(profile));
        if (runtime != null) {
            String[] p = runtime.split("\\.");
            ObjectNode v = config.putObject("version");
            v.put("major", Integer.parseInt(p[0])).put("minor", Integer.parseInt(p[1]))
                    .put("patch", Integer.parseInt(p[2])).put("maintenance", Integer.parseInt(p[3])).put("detail", runtime);
        }
        return JSON.writeValueAsString(config);
    }

    @ParameterizedTest(name = "{0}: driver {1}, runtime {2}")
    @CsvSource({
            "inf1, 2.24.7.0, 2.19.5.0, 4 x Inferentia, 16",
            "inf2, 2.28.0.0, 2.32.31.0, 6 x Inferentia2, 12",
            "trn1-32xl, 2.29.0.0, 2.33.10.0, 16 x Trainium1, 32",
            "trn2, 2.30.2.0, 2.34.10.0, 16 x Trainium2, 64",
    })
    void everyProfilePasses(String profile, String driver, String runtime, String devices, int cores) throws Exception {
        HostTree tree = HostTree.at(dir.resolve("host"));
        NeuronHostFixture.layOutProfile(profile, tree);
        try (FakeNrt nrt = FakeNrt.withConfig(dir, nrtConfig(profile, null))) {
            Run run = check("check", "--host-root", tree.root().toString(), "--nrt-library", nrt.path().toString());
            assertEquals(0, run.code(), run.out() + run.err());
            assertTrue(run.out().contains("neuron driver:  " + driver + " (/sys/module/neuron/version)\n"), run.out());
            assertTrue(run.out().contains("neuron runtime: " + runtime + " (libnrt nrt_get_version)\n"), run.out());
            assertTrue(run.out().contains("neuron module on disk: " + driver
                    + " (/lib/modules/6.1.147-172.266.amzn2023.x86_64/updates/dkms/neuron.ko)\n"), run.out());
            assertTrue(run.out().contains("neuron devices: " + devices + ", " + cores + " NeuronCores\n"), run.out());
            assertTrue(run.out().contains("PASS  stale-module: "), run.out());
            assertTrue(run.out().endsWith("check: every applicable rule passes\n"), run.out());
            assertEquals("", run.err());
            assertEquals(0, nrt.calls("nrt_init"), "check never initialises the runtime");
        }
    }

    @ParameterizedTest(name = "{0} with driver {1}, runtime {2}, on disk {3}: {4}")
    @CsvSource(nullValues = "-", value = {
            "inf1, 2.26.0.0, 2.19.5.0, -, inf1-driver, pin the last driver with Inf1 support: aws-neuronx-dkms=2.24.*",
            "inf1, 2.24.7.0, 2.21.0.0, -, inf1-runtime, install aws-neuronx-runtime-lib 2.20 or older",
            "inf2, 2.26.0.0, 2.32.31.0, -, runtime-2.32-driver, upgrade aws-neuronx-dkms to 2.27 or newer",
            "trn1-32xl, 2.29.0.0, 2.31.24.0, -, driver-2.29-runtime, upgrade aws-neuronx-runtime-lib",
            "trn2, 2.19.0.0, 2.24.53.0, -, trn2-driver, upgrade aws-neuronx-dkms to 2.20.28.0 or newer",
            "trn1-32xl, 2.29.0.0, 2.33.10.0, 2.30.2.0, stale-module, a process still holds the old module",
    })
    void eachFailingRuleExitsThreeAndSaysWhy(String profile, String driver, String runtime, String onDisk,
                                             String rule, String cure) throws Exception {
        HostTree tree = HostTree.at(dir.resolve("host"));
        NeuronHostFixture.layOutProfile(profile, tree);
        tree.file("/sys/module/neuron/version", driver + "\n");
        String module = "/lib/modules/6.1.147-172.266.amzn2023.x86_64/updates/dkms/neuron.ko";
        tree.file(module, "\u007fELF\0\0version=" + (onDisk == null ? driver : onDisk) + "\0");
        try (FakeNrt nrt = FakeNrt.withConfig(dir, nrtConfig(profile, runtime))) {
            Run run = check("check", "--host-root", tree.root().toString(), "--nrt-library", nrt.path().toString());
            assertEquals(3, run.code(), run.out() + run.err());
            assertTrue(run.out().contains("FAIL  " + rule + ": "), run.out());
            assertTrue(run.out().endsWith("check: 1 rule failed\n"), run.out());
            String[] lines = run.err().split("\n");
            assertEquals(1, lines.length, run.err());
            assertTrue(lines[0].startsWith("jaccel: rule " + rule + " failed: "), lines[0]);
            assertTrue(lines[0].contains("found driver " + driver + ", runtime " + runtime), lines[0]);
            assertTrue(lines[0].contains("Cure: " + cure), lines[0]);
            if (onDisk != null) {
                assertTrue(lines[0].contains("module on disk " + onDisk + " (" + module + ")"), lines[0]);
            }
        }
    }

    @Test
    void withoutTheRuntimeLibraryTheRulesThatNeedItAreSkipped() {
        HostTree tree = HostTree.at(dir.resolve("host"));
        NeuronHostFixture.layOutProfile("trn1-32xl", tree);
        Run run = check("check", "--host-root", tree.root().toString(), "--nrt-library", dir.resolve("none.so").toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("neuron runtime: unknown"), run.out());
        assertTrue(run.out().contains("  note: runtime version unknown: cannot load " + dir.resolve("none.so")), run.out());
        assertTrue(run.out().contains("skip  driver-2.29-runtime: not checked, runtime unknown\n"), run.out());
    }

    /** What check prints for the simulated host's GPUs, from the fake's config. */
    private static String nvidiaLine() {
        int cuda = nvml.get("cudaDriverVersion").asInt();
        String driver = nvml.get("driverVersion").asText();
        return "nvidia driver: " + driver + ", CUDA " + cuda / 1000 + "." + cuda % 1000 / 10
                + ", NVML " + nvml.get("nvmlVersion").asText() + ", kernel module " + driver
                + ", " + nvml.get("devices").size() + " GPUs\n";
    }

    @ParameterizedTest(name = "NVIDIA with Neuron {0}, runtime {1}: exit {2}")
    @CsvSource(nullValues = "-", value = {
            "-, -, 0, -",
            "inf2, -, 0, check: every applicable rule passes",
            "inf1, 2.21.0.0, 3, check: 1 rule failed",
    })
    void theNvidiaLineComesFirstWhateverNeuronSays(String neuronProfile, String runtime, int code, String last)
            throws Exception {
        Map<String, String> env = SimulatedHost.create(dir.resolve("sim"), SimulatedHost.DEFAULT_PROFILE);
        HostTree tree = HostTree.at(Path.of(env.get("JACCEL_HOST_ROOT")));
        List<String> args = new ArrayList<>(List.of("check", "--host-root", tree.root().toString(),
                "--nvml-library", FakeLibraries.nvml().toString()));
        FakeNrt nrt = null;
        if (neuronProfile != null) {
            NeuronHostFixture.layOutProfile(neuronProfile, tree);
            nrt = FakeNrt.withConfig(dir, nrtConfig(neuronProfile, runtime));
            args.addAll(List.of("--nrt-library", nrt.path().toString()));
        }
        try {
            Run run = check(args.toArray(String[]::new));
            assertEquals(code, run.code(), run.out() + run.err());
            assertTrue(run.out().startsWith(nvidiaLine()), run.out());
            if (neuronProfile == null) {
                assertEquals(nvidiaLine() + "neuron: not present (no /dev/neuron* device and no neuron driver "
                        + "(/sys/module/neuron/version) under " + tree.root() + ": not a Neuron host, "
                        + "or aws-neuronx-dkms is not installed and loaded)\n", run.out());
                assertEquals("", run.err());
            } else {
                assertTrue(run.out().contains("\nneuron driver:  "), run.out());
                assertTrue(run.out().endsWith(last + "\n"), run.out());
                assertEquals(code == 0 ? 0 : 1, run.err().lines().count(), run.err());
            }
        } finally {
            if (nrt != null) {
                nrt.close();
            }
        }
    }

    @Test
    void nothingPresentExitsFour() {
        HostTree tree = HostTree.at(dir.resolve("empty")).dir("/dev");
        // an explicit missing library: dlopen("libnvidia-ml.so.1") would find the fake other tests
        // of this JVM loaded (a library already in the process matches by soname)
        Run run = check("check", "--host-root", tree.root().toString(),
                "--nvml-library", dir.resolve("missing/libnvidia-ml.so.1").toString());
        assertEquals(4, run.code(), run.out() + run.err());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("jaccel: nothing to check: no Neuron or NVIDIA driver found ("), run.err());
        // both backends say why, in whatever order ServiceLoader found them
        assertTrue(run.err().contains("neuron: no /dev/neuron* device"), run.err());
        assertTrue(run.err().contains("nvidia: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
