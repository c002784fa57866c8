package dev.jaccel.hook.cli;

import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** With real device nodes (root, as in CI): a node keeping its name but changing major:minor makes the snapshot stale. */
class SnapshotFreshnessWithDeviceNodesTest {
    @TempDir
    Path tmp;

    @Test
    void renumberedNodeMakesTheSnapshotStale() throws java.io.IOException {
        FakeGpuHost host = new FakeGpuHost(tmp.resolve("host"));
        assumeTrue(host.tree.realDeviceNodes(), "needs root to make device nodes (CI runs as root)");
        HostContext context = HostContext.ofRoot(host.tree.root());
        Path snapshot = tmp.resolve("inventory.json");
        InventorySnapshot.write(snapshot, host.inventory, context);
        assertTrue(InventorySnapshot.readIfFresh(snapshot, context).isPresent());

        host.tree.charDevice("/dev/nvidia1", 1, 7);
        assertFalse(InventorySnapshot.readIfFresh(snapshot, context).isPresent());

        host.tree.charDevice("/dev/nvidia1", 1, 5);
        assertTrue(InventorySnapshot.readIfFresh(snapshot, context).isPresent(), "back to the fingerprinted host");
    }
}
