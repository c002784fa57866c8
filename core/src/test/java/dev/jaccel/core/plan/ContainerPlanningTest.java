package dev.jaccel.core.plan;

import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.HostTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ContainerPlanningTest {
    @TempDir
    Path tmp;

    /** The container path reads the snapshot while the host matches it, and sees a driver change at once. */
    @Test
    void aFreshSnapshotIsUsedAndAChangedHostIsSeenByTheNextStart() throws IOException {
        HostTree tree = HostTree.at(tmp.resolve("host"));
        assumeTrue(tree.realDeviceNodes(), "needs root to make device nodes");
        tree.charDevice("/dev/nvidia0", 195, 0);
        tree.file("/proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.95.05  date\n");
        Path snapshot = tmp.resolve("inventory.json");
        // no NVML at this path and no Neuron device: discovery finds nothing, the snapshot has a GPU
        HostContext host = new HostContext(tree.root(), Optional.of(tmp.resolve("none/libnvidia-ml.so.1").toString()),
                Optional.of(tmp.resolve("none/libnrt.so.1").toString()), Map.of(InventorySnapshot.ENV_SNAPSHOT, snapshot.toString()));
        Inventory recorded = new Inventory(new NvidiaInventory("580.95.05", null, null, null,
                List.of(new GpuDevice(0, "GPU-1", null, null, null, null, 0, null, null, false, List.of(),
                        List.of(new DeviceNode("/dev/nvidia0", tree.path("/dev/nvidia0").toString(), 195, 0)))), List.of()),
                null, List.of());
        InventorySnapshot.write(snapshot, recorded, host);
        List<String> warnings = new ArrayList<>();

        assertEquals(List.of(0), ContainerPlanning.inventory(host, warnings::add).nvidia().devices().stream()
                .map(GpuDevice::index).toList());

        // a driver upgrade: the very next container start does not use the old inventory
        tree.file("/proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.105.08  date\n");
        assertNull(ContainerPlanning.inventory(host, warnings::add).nvidia());
        assertEquals(List.of(), warnings, "a stale snapshot is not news");
    }

    /** The image's library folder: the first one its loader searches that it has as a real folder. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "usr/lib/x86_64-linux-gnu usr/lib64 usr/lib, /usr/lib/x86_64-linux-gnu",   // Debian, Ubuntu
            "usr/lib64 usr/lib,                          /usr/lib64",                  // Fedora, RHEL
            "usr/lib,                                    /usr/lib",                    // Alpine
            "bin,                                        none",                        // busybox: the host's folder
            "usr/lib/x86_64-linux-gnu=>/etc usr/lib64,   /usr/lib64",                  // a symlink is not a folder
    })
    void theImageLibraryFolder(String layout, String expected) throws IOException {
        Path rootfs = tmp.resolve("rootfs");
        for (String entry : layout.split(" ")) {
            if (entry.contains("=>")) {
                String[] link = entry.split("=>");
                Files.createDirectories(rootfs.resolve(link[0]).getParent());
                Files.createSymbolicLink(rootfs.resolve(link[0]), Path.of(link[1]));
            } else {
                Files.createDirectories(rootfs.resolve(entry));
            }
        }
        assertEquals(expected, ImageLibraryFolder.of(rootfs));
        assertTrue(ImageLibraryFolder.CANDIDATES.size() == 3);
    }
}
