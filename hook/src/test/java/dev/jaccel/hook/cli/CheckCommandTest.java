package dev.jaccel.hook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jaccel.hook.Main;
import dev.jaccel.testkit.FakeNrt;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jaccel check} in-process (Main.run with its own streams) on fake Neuron hosts. */
class CheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
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

    @Test
    void nothingPresentExitsFour() {
        HostTree tree = HostTree.at(dir.resolve("empty")).dir("/dev");
        Run run = check("check", "--host-root", tree.root().toString());
        assertEquals(4, run.code(), run.out() + run.err());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("jaccel: nothing to check: no Neuron or NVIDIA driver found ("), run.err());
        // both backends say why, in whatever order ServiceLoader found them
        assertTrue(run.err().contains("neuron: no /dev/neuron* device"), run.err());
        assertTrue(run.err().contains("nvidia: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
