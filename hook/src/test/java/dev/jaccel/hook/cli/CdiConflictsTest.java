package dev.jaccel.hook.cli;

import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cdi generate} refuses to add a spec whose devices another spec in the same folder declares
 * (the CDI runtimes would refuse them all) and names that file; {@code check} reports such pairs.
 * The spec folders come from the configuration file, as the runtimes' own configuration gives them.
 */
class CdiConflictsTest {
    @TempDir
    Path tmp;
    FakeGpuHost host;
    Path inventory;
    Path etc;
    Path run;
    Path config;

    @BeforeEach
    void specDirs() throws IOException {
        host = new FakeGpuHost(tmp.resolve("host"));
        inventory = host.writeInventory(tmp.resolve("inventory.json"));
        etc = Files.createDirectories(tmp.resolve("etc-cdi"));
        run = Files.createDirectories(tmp.resolve("run-cdi"));
        config = Files.writeString(tmp.resolve("config.toml"),
                "[nvidia-container-runtime.modes.cdi]\nspec-dirs = [\"" + etc + "\", \"" + run + "\"]\n");
    }

    Cli generate(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("cdi", "generate", "--config", config.toString(),
                "--inventory", inventory.toString(), "--host-root", host.tree.root().toString()));
        argv.addAll(List.of(args));
        return Cli.run(argv.toArray(String[]::new));
    }

    /** The case: cdi generate run twice with different --output names. */
    @ParameterizedTest(name = "first {0}, then {1}")
    @CsvSource({"a.json, b.json", "a.json, b.yaml", "nvidia.yaml, jaccel.json"})
    void aSecondFileWithTheSameDevicesInTheSameFolderIsRefused(String first, String second) throws IOException {
        Path a = etc.resolve(first);
        if (first.equals("nvidia.yaml")) {   // another tool's spec, e.g. nvidia-ctk's
            Files.writeString(a, CdiSpecDirsTest.yaml("nvidia.com/gpu", "0", "all"));
        } else {
            assertEquals(0, generate("--vendor", "nvidia", "--output", a.toString()).exit());
        }
        Path b = etc.resolve(second);
        Cli r = generate("--vendor", "nvidia", "--output", b.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("jaccel: " + b + " would declare nvidia.com/gpu=0, "), r.err());
        assertTrue(r.err().contains(", which " + a + " already declares in the same folder: podman and the other CDI "
                + "runtimes would refuse these devices (\"unresolvable CDI devices\"); remove " + a
                + " or write over it with --output " + a + "; nothing was written"), r.err());
        assertFalse(Files.exists(b));
        assertEquals(0, generate("--vendor", "nvidia", "--output", a.toString()).exit(), "writing over it is fine");
    }

    @Test
    void otherKindsAndOtherFoldersDoNotStopIt() throws IOException {
        Files.writeString(etc.resolve("neuron.json"), CdiSpecDirsTest.json("aws.amazon.com/neuron", "0", "all"));
        Files.writeString(run.resolve("nvidia.yaml"), CdiSpecDirsTest.yaml("nvidia.com/gpu", "0", "all"));
        Cli r = generate("--vendor", "nvidia", "--output-dir", etc.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("jaccel: warning: " + etc.resolve("jaccel-nvidia.json") + " and "
                + run.resolve("nvidia.yaml") + " both declare nvidia.com/gpu=0, nvidia.com/gpu=all: the runtime uses "
                + run.resolve("nvidia.yaml") + " (a later spec folder wins)"), r.err());
    }

    @Test
    void checkReportsAConflictAndExitsThree() throws IOException {
        HostTree neuronHost = HostTree.at(tmp.resolve("neuron-host"));
        NeuronHostFixture.layOutProfile("inf2", neuronHost);
        List<String> check = List.of("check", "--config", config.toString(), "--host-root", neuronHost.root().toString(),
                "--nrt-library", tmp.resolve("none.so").toString(), "--nvml-library", tmp.resolve("none.so").toString());
        assertEquals(0, Cli.run(check.toArray(String[]::new)).exit());

        Files.writeString(etc.resolve("a.json"), CdiSpecDirsTest.json("aws.amazon.com/neuron", "0", "1", "all"));
        Files.writeString(etc.resolve("b.yaml"), CdiSpecDirsTest.yaml("aws.amazon.com/neuron", "1"));
        Cli r = Cli.run(check.toArray(String[]::new));
        assertEquals(3, r.exit(), r.out() + r.err());
        String clash = etc.resolve("a.json") + " and " + etc.resolve("b.yaml") + " both declare aws.amazon.com/neuron=1: "
                + "in one folder, so podman and the other CDI runtimes refuse these devices (\"unresolvable CDI devices\"); "
                + "remove one of the files";
        assertTrue(r.out().contains("FAIL  cdi-conflict: " + clash + "\n"), r.out());
        assertTrue(r.out().endsWith("check: 1 rule failed\n"), r.out());
        assertEquals("jaccel: CDI specs in conflict: " + clash + "\n", r.err());
    }
}
