package dev.jaccel.hook.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two specs in {@code /etc/cdi} declaring the same devices make real podman refuse every one of
 * them; {@code cdi generate} refuses to write the second and names the first, and {@code check}
 * reports the pair when one was put there by other means. File names are unique and removed.
 */
class PodmanCdiConflictEndToEndTest {
    static final Path CDI_DIR = Path.of("/etc/cdi");

    @TempDir
    Path tmp;
    FakeGpuHost host;
    Path rootfs;
    Path first;
    Path second;

    @BeforeEach
    void prerequisites() throws IOException {
        Podman.assumeAvailable();
        host = new FakeGpuHost(tmp.resolve("host"));
        rootfs = Podman.busyboxRootfs(tmp.resolve("rootfs"));
        String base = "jaccel-e2e-conflict-" + UUID.randomUUID();
        first = CDI_DIR.resolve(base + "-a.json");
        second = CDI_DIR.resolve(base + "-b.json");
    }

    @AfterEach
    void removeSpecs() throws IOException {
        if (first != null) {
            Files.deleteIfExists(first);
            Files.deleteIfExists(second);
        }
    }

    private Cli generate(Path output) throws IOException {
        return Cli.run("cdi", "generate", "--vendor", "neuron", "--inventory",
                host.writeInventory(tmp.resolve("inventory.json")).toString(), "--host-root", host.tree.root().toString(),
                "--output", output.toString());
    }

    private Podman.Result neuron1() throws IOException {
        return Podman.runShell(List.of(), List.of("--device", "aws.amazon.com/neuron=1"), rootfs, "echo started");
    }

    @Test
    void theSecondSpecIsRefusedAndCheckNamesAPairPutThereByHand() throws IOException {
        assertEquals(0, generate(first).exit());
        assertEquals(0, neuron1().exit());

        Cli again = generate(second);
        assertEquals(2, again.exit(), again.err());
        assertTrue(again.err().contains(", which " + first + " already declares in the same folder"), again.err());
        assertFalse(Files.exists(second));
        Podman.Result still = neuron1();
        assertEquals(0, still.exit(), still.output());

        // what the refusal prevents: the same spec twice, and podman refuses the device
        Files.copy(first, second);
        Podman.Result refused = neuron1();
        assertNotEquals(0, refused.exit(), refused.output());
        assertTrue(refused.output().contains("unresolvable CDI devices aws.amazon.com/neuron=1"), refused.output());
        Files.delete(host.tree.path("/proc/driver/nvidia/version"));   // no GPUs on this check's host
        Cli check = Cli.run("check", "--host-root", host.tree.root().toString(), "--nrt-library",
                tmp.resolve("none.so").toString(), "--nvml-library", tmp.resolve("none.so").toString());
        assertEquals(3, check.exit(), check.out() + check.err());
        assertTrue(check.err().contains("jaccel: CDI specs in conflict: " + first + " and " + second
                + " both declare aws.amazon.com/neuron=0, aws.amazon.com/neuron=1, aws.amazon.com/neuron=all"), check.err());
    }
}
