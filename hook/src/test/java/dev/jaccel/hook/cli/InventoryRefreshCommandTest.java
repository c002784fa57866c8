package dev.jaccel.hook.cli;

import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.HostTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InventoryRefreshCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesAFreshSnapshotOfWhatDiscoveryFound() {
        HostTree host = HostTree.at(tmp.resolve("host")).dir("/dev").file("/proc/cpuinfo", "processor : 0\n");
        Path snapshot = tmp.resolve("var/lib/jaccel/inventory.json");
        Cli r = Cli.run("inventory", "refresh", "--host-root", host.root().toString(), "--output", snapshot.toString(),
                "--nvml-library", tmp.resolve("none/libnvidia-ml.so.1").toString(),
                "--nrt-library", tmp.resolve("none/libnrt.so.1").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + snapshot + " ("), r.out());
        Optional<Inventory> read = InventorySnapshot.readIfFresh(snapshot, HostContext.ofRoot(host.root()));
        assertTrue(read.isPresent());
        // what discovery could not do is a warning, and the same reasons are in the snapshot
        for (String e : read.get().errors()) {
            assertTrue(r.err().contains("jaccel: warning: " + e), r.err());
        }
    }

    @Test
    void anUnwritableSnapshotExitsTwo() {
        Cli r = Cli.run("inventory", "refresh", "--host-root", tmp.toString(), "--output", "/proc/version/inventory.json");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: cannot write the inventory snapshot /proc/version/inventory.json"), r.err());
        assertTrue(r.err().contains("choose another file with --output or JACCEL_SNAPSHOT"), r.err());
    }
}
