package dev.jaccel.hook.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel system create-dev-char-symlinks}: {@code /dev/char/M:m} for every injected node
 * (NVIDIA/nvidia-container-toolkit#48), leaving correct links and non-links alone.
 */
class DevCharSymlinksTest {
    @TempDir
    Path tmp;
    FakeGpuHost host;
    Path inventory;
    Path charDir;

    @BeforeEach
    void fakeHost() throws IOException {
        host = new FakeGpuHost(tmp.resolve("host"));
        inventory = host.writeInventory(tmp.resolve("inventory.json"));
        charDir = host.tree.path("/dev/char");
    }

    Cli run(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("system", "create-dev-char-symlinks",
                "--host-root", host.tree.root().toString(), "--inventory", inventory.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void everyInjectedNodeGetsItsLinkOnceAndASecondRunChangesNothing() throws IOException {
        Cli r = run();
        assertEquals(0, r.exit(), r.err());
        // FakeGpuHost's nodes borrow 1:3, 1:5, 1:7, 1:8, 1:9: one link per number, the first node's
        assertEquals("../nvidia0", Files.readSymbolicLink(charDir.resolve("1:3")).toString());
        assertEquals("../nvidia1", Files.readSymbolicLink(charDir.resolve("1:5")).toString());
        assertEquals("../nvidiactl", Files.readSymbolicLink(charDir.resolve("1:7")).toString());
        assertEquals("../nvidia-uvm", Files.readSymbolicLink(charDir.resolve("1:9")).toString());
        assertEquals("../nvidia-caps/nvidia-cap21", Files.readSymbolicLink(charDir.resolve("1:8")).toString());
        assertTrue(r.out().contains("created " + charDir.resolve("1:3") + " -> ../nvidia0\n"), r.out());
        assertTrue(r.out().endsWith("5 device nodes, 0 links already present\n"), r.out());
        assertTrue(Files.isSameFile(charDir.resolve("1:8"), host.tree.path("/dev/nvidia-caps/nvidia-cap21")));

        Cli again = run();
        assertEquals("5 device nodes, 5 links already present\n", again.out());
    }

    @Test
    void aWrongLinkIsReplacedAndAFileThatIsNotALinkIsLeftAlone() throws IOException {
        Files.createDirectories(charDir);
        Files.createSymbolicLink(charDir.resolve("1:3"), Path.of("../gone"));
        Files.writeString(charDir.resolve("1:5"), "not a link");
        Cli r = run();
        assertEquals(0, r.exit(), r.err());
        assertEquals("../nvidia0", Files.readSymbolicLink(charDir.resolve("1:3")).toString());
        assertTrue(r.out().contains("replaced " + charDir.resolve("1:3") + " -> ../nvidia0"), r.out());
        assertEquals("not a link", Files.readString(charDir.resolve("1:5")));
        assertTrue(r.err().contains("jaccel: warning: " + charDir.resolve("1:5") + " not made: "), r.err());
    }

    @Test
    void dryRunChangesNothing() {
        Cli r = run("--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("would create " + charDir.resolve("1:3") + " -> ../nvidia0"), r.out());
        assertFalse(Files.exists(charDir));
    }

    @Test
    void cdiGenerateFromAnInventoryFileLeavesTheHostAlone() {
        Cli generate = Cli.run("cdi", "generate", "--host-root", host.tree.root().toString(), "--inventory",
                inventory.toString(), "--output-dir", tmp.resolve("cdi").toString());
        assertEquals(0, generate.exit(), generate.err());
        assertFalse(Files.exists(charDir), "--inventory describes devices, it does not set up this host");
    }
}
