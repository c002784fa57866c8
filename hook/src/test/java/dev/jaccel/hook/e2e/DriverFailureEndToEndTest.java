package dev.jaccel.hook.e2e;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loaded NVIDIA kernel module whose NVML fails is a failure, never "every rule passes" or "no GPU
 * any more": {@code check}, {@code cdi generate} and {@code inventory refresh} exit 4 with one line
 * and leave the specs and snapshot of the last good run in place. Real runs of {@code bin/jaccel}
 * with the fake NVML failing in {@code nvmlInit_v2}, on the simulated 8-GPU host with or without
 * Neuron devices beside it.
 */
class DriverFailureEndToEndTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void prerequisites() {
        Jaccel.assumeEndToEnd();
    }

    record Published(byte[] nvidia, byte[] neuron, byte[] snapshot) {
    }

    private static Published published(Path cdi, FaultyHost host) throws IOException {
        Path neuron = cdi.resolve("jaccel-neuron.json");
        return new Published(Files.readAllBytes(cdi.resolve("jaccel-nvidia.json")),
                Files.exists(neuron) ? Files.readAllBytes(neuron) : null, Files.readAllBytes(host.snapshot));
    }

    @ParameterizedTest(name = "init {0}, Neuron {1}")
    @CsvSource(nullValues = "-", value = {
            "LIB_RM_VERSION_MISMATCH, inf2",
            "DRIVER_NOT_LOADED, inf2",
            "LIB_RM_VERSION_MISMATCH, -",
            "DRIVER_NOT_LOADED, -",
    })
    void failingNvmlWithTheModuleLoadedExitsFourAndKeepsWhatWasPublished(String init, String neuronProfile)
            throws IOException {
        FaultyHost host = FaultyHost.create(tmp.resolve("host"), neuronProfile);
        Path cdi = tmp.resolve("cdi");
        Jaccel.Result good = host.jaccel("cdi", "generate", "--output-dir", cdi.toString());
        assertEquals(0, good.exit(), good.both());
        Published before = published(cdi, host);

        host.init(init);
        String evidence = host.tree.path("/proc/driver/nvidia/version").toString();
        String line = "jaccel: nvidia: the nvidia kernel module is loaded (" + evidence
                + " exists) but its driver cannot be used: ";

        Jaccel.Result check = host.jaccel("check");
        assertEquals(4, check.exit(), check.both());
        assertFalse(check.out().contains("every applicable rule passes"), check.both());
        assertTrue(check.out().contains("nvidia driver: FAIL  kernel module loaded, driver unusable"), check.both());
        assertEquals(1, check.err().lines().count(), check.both());
        assertTrue(check.err().startsWith(line) && check.err().contains(init), check.both());

        Jaccel.Result generate = host.jaccel("cdi", "generate", "--output-dir", cdi.toString());
        assertEquals(4, generate.exit(), generate.both());
        assertEquals("", generate.out(), generate.both());
        assertEquals(1, generate.err().lines().count(), generate.both());
        assertTrue(generate.err().startsWith(line) && generate.err().contains(init)
                && generate.err().strip().endsWith("nothing was written: the existing CDI specs and inventory snapshot are kept"),
                generate.both());

        Jaccel.Result refresh = host.jaccel("inventory", "refresh");
        assertEquals(4, refresh.exit(), refresh.both());
        assertEquals(1, refresh.err().lines().count(), refresh.both());
        assertTrue(refresh.err().startsWith(line), refresh.both());

        Published after = published(cdi, host);
        assertArrayEquals(before.nvidia(), after.nvidia(), "jaccel-nvidia.json kept byte for byte");
        assertArrayEquals(before.neuron(), after.neuron(), "jaccel-neuron.json kept byte for byte");
        assertArrayEquals(before.snapshot(), after.snapshot(), "the snapshot kept byte for byte");
    }

    /** The other side of the rule: with the module unloaded the GPUs are gone, and their spec goes too. */
    @Test
    void withTheModuleUnloadedTheNvidiaSpecIsRemoved() throws IOException {
        FaultyHost host = FaultyHost.create(tmp.resolve("host"), "inf2");
        Path cdi = tmp.resolve("cdi");
        assertEquals(0, host.jaccel("cdi", "generate", "--output-dir", cdi.toString()).exit());
        host.init("DRIVER_NOT_LOADED");
        Files.delete(host.tree.path("/proc/driver/nvidia/version"));

        Jaccel.Result check = host.jaccel("check");
        assertEquals(0, check.exit(), check.both());
        assertTrue(check.out().endsWith("check: every applicable rule passes\n"), check.both());

        Jaccel.Result generate = host.jaccel("cdi", "generate", "--output-dir", cdi.toString());
        assertEquals(0, generate.exit(), generate.both());
        assertTrue(generate.out().contains("removed " + cdi.resolve("jaccel-nvidia.json") + " (no nvidia device any more)"),
                generate.both());
        assertEquals(List.of("jaccel-neuron.json"), Files.list(cdi).map(p -> p.getFileName().toString()).toList());
    }
}
