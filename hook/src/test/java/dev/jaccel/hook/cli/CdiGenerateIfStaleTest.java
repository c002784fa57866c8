package dev.jaccel.hook.cli;

import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel cdi generate --if-stale} (what the systemd units run): no discovery and no write
 * while the host fingerprint matches the snapshot and the specs are current; discovery again when
 * the driver or the device nodes change. On the simulated 8 x H100 host, fake NVML through FFM.
 */
class CdiGenerateIfStaleTest {
    @TempDir
    Path tmp;
    Path root;
    Path snapshot;
    Path specs;

    @BeforeEach
    void simulatedHost() throws IOException {
        Map<String, String> env = SimulatedHost.create(tmp.resolve("sim"), SimulatedHost.DEFAULT_PROFILE);
        root = Path.of(env.get("JACCEL_HOST_ROOT"));
        // the fake reads FAKE_NVML_CONFIG (fixed by surefire for this JVM) at its first init
        Path fakeConfig = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(fakeConfig.getParent());
        Files.copy(Path.of(env.get("FAKE_NVML_CONFIG")), fakeConfig, StandardCopyOption.REPLACE_EXISTING);
        snapshot = tmp.resolve("state/inventory.json");
        specs = tmp.resolve("cdi");
    }

    Cli generate(String... extra) {
        List<String> args = new ArrayList<>(List.of("cdi", "generate", "--vendor", "nvidia", "--host-root", root.toString(),
                "--nvml-library", FakeLibraries.nvml().toString(), "--snapshot", snapshot.toString(),
                "--output-dir", specs.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void nothingIsRediscoveredOrRewrittenWhileTheHostIsTheSame() throws IOException {
        Cli first = generate("--if-stale");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("wrote " + snapshot + " (inventory snapshot: 8 NVIDIA GPUs"), first.out());
        Path spec = specs.resolve("jaccel-nvidia.json");
        assertTrue(first.out().contains("wrote " + spec), first.out());
        // discovery also made the /dev/char links (NVIDIA/nvidia-container-toolkit#48)
        assertTrue(Files.isSymbolicLink(root.resolve("dev/char/195:255")), first.out());
        assertEquals("../nvidiactl", Files.readSymbolicLink(root.resolve("dev/char/195:255")).toString());

        FileTime specTime = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(spec, specTime);
        FileTime snapshotTime = Files.getLastModifiedTime(snapshot);
        Cli again = generate("--if-stale");
        assertEquals(0, again.exit(), again.err());
        assertEquals(snapshot + " matches the host (driver versions and device nodes): no discovery\n"
                + spec + " is current (nvidia.com/gpu: 37 devices)\n", again.out());
        assertEquals(specTime, Files.getLastModifiedTime(spec), "not rewritten");
        assertEquals(snapshotTime, Files.getLastModifiedTime(snapshot), "not rewritten");

        // a lost spec comes back from the snapshot, still without discovery
        Files.delete(spec);
        Cli restored = generate("--if-stale");
        assertTrue(restored.out().startsWith(snapshot + " matches the host"), restored.out());
        assertTrue(restored.out().contains("wrote " + spec), restored.out());
    }

    @Test
    void aChangedHostIsDiscoveredAgain() throws IOException {
        assertEquals(0, generate().exit());
        // a new GPU node appears (a GPU was added or renumbered): the fingerprint no longer matches
        HostTree.at(root).charDevice("/dev/nvidia8", 195, 8);
        Cli r = generate("--if-stale");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + snapshot + " (inventory snapshot: "), r.out());
        assertFalse(r.out().contains("matches the host"), r.out());
    }

    @Test
    void ifStaleNeedsTheSnapshotNotAnInventoryFile() {
        Cli r = Cli.run("cdi", "generate", "--if-stale", "--inventory", tmp.resolve("x.json").toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: --if-stale works from the snapshot: not with --inventory"), r.err());
    }
}
