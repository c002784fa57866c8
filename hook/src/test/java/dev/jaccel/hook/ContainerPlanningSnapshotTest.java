package dev.jaccel.hook;

import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The container path takes its inventory from a fresh snapshot and discovers only when it is stale. */
class ContainerPlanningSnapshotTest {
    @TempDir
    Path tmp;

    @Test
    void aFreshSnapshotIsUsedAndAStaleOneIsNot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("host/dev"));
        Files.writeString(root.resolve("nvidia0"), "");
        Path snapshot = tmp.resolve("inventory.json");
        // no NVML at this path and no Neuron device: discovery finds nothing, the snapshot has a GPU
        HostContext host = new HostContext(tmp.resolve("host"), Optional.of(tmp.resolve("none/libnvidia-ml.so.1").toString()),
                Optional.of(tmp.resolve("none/libnrt.so.1").toString()), Map.of(InventorySnapshot.ENV_SNAPSHOT, snapshot.toString()));
        Inventory recorded = new Inventory(new NvidiaInventory("580.95.05", null, null, null,
                List.of(new GpuDevice(0, "GPU-1", null, null, null, null, 0, null, null, false, List.of(),
                        List.of(DeviceNode.of("/dev/nvidia0", 195, 0)))), List.of()), null, List.of());
        InventorySnapshot.write(snapshot, recorded, host);

        assertEquals(recorded, ContainerPlanning.inventory(host));

        Files.writeString(root.resolve("nvidia1"), ""); // a GPU appeared: the snapshot is stale
        assertNull(ContainerPlanning.inventory(host).nvidia());
    }
}
