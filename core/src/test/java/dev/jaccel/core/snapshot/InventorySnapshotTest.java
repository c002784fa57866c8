package dev.jaccel.core.snapshot;

import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fresh, stale in each way the fingerprint notices, malformed and missing snapshots. Device nodes
 * are regular files here (core tests make no device nodes); a changed major/minor is covered with
 * real nodes in the hook module's {@code SnapshotFreshnessWithDeviceNodesTest}.
 */
class InventorySnapshotTest {
    static final Inventory INVENTORY = new Inventory(
            new NvidiaInventory("580.95.05", "13.580.95.05", "13.0", "580.95.05",
                    List.of(new GpuDevice(0, "GPU-11111111-2222-3333-4444-555555555555", "NVIDIA H100", "NVIDIA",
                            "HOPPER", "9.0", 0, "00000000:18:00.0", 85520809984L, false, List.of(),
                            List.of(DeviceNode.of("/dev/nvidia0", 195, 0)))),
                    List.of(DeviceNode.of("/dev/nvidiactl", 195, 255))),
            new dev.jaccel.core.model.NeuronInventory("2.19.64.0", null, List.of(), List.of()), List.of());
    static final String NVRM = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.95.05  Tue Sep 23 10:07:47 UTC 2025";

    @TempDir
    Path tmp;
    Path root;
    Path snapshot;
    HostContext host;

    @BeforeEach
    void hostTree() throws IOException {
        root = tmp.resolve("host");
        write("/proc/driver/nvidia/version", NVRM + "\nGCC version:  gcc version 12.2.0\n");
        write("/sys/module/neuron/version", "2.19.64.0\n");
        write("/dev/nvidia0", "");
        write("/dev/nvidiactl", "");
        write("/dev/null", "");
        Files.createDirectories(root.resolve("dev/nvidia-caps"));
        host = HostContext.ofRoot(root);
        snapshot = tmp.resolve("state/inventory.json");
    }

    @Test
    void freshSnapshotGivesTheInventoryBack() {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        assertEquals(Optional.of(INVENTORY), InventorySnapshot.readIfFresh(snapshot, host));
    }

    @Test
    void snapshotIsTheDevicesDocumentPlusTheFingerprint() throws IOException {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        String json = Files.readString(snapshot);
        assertTrue(json.contains("\"driverVersion\" : \"580.95.05\""), json);
        assertTrue(json.contains("\"nvidiaVersion\" : \"" + NVRM + "\""), json);
        assertTrue(json.contains("\"neuronVersion\" : \"2.19.64.0\""), json);
        // sorted, directories marked, /dev/null not listed
        assertTrue(json.replaceAll("\\s", "").contains("\"deviceNodes\":[\"nvidia-caps/\",\"nvidia0"), json);
        assertTrue(!json.contains("\"null"), json);
    }

    @Test
    void unrelatedDevChangesKeepItFresh() throws IOException {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        write("/dev/zero", "");
        write("/proc/driver/nvidia/version", NVRM + "\nGCC version:  a different compiler line\n");
        assertEquals(Optional.of(INVENTORY), InventorySnapshot.readIfFresh(snapshot, host));
    }

    interface HostChange {
        void apply(InventorySnapshotTest t) throws IOException;
    }

    static Stream<Arguments> staleness() {
        return Stream.of(
                Arguments.of("driver upgraded", (HostChange) t -> t.write("/proc/driver/nvidia/version",
                        NVRM.replace("580.95.05", "580.105.08") + "\n")),
                Arguments.of("nvidia driver unloaded", (HostChange) t ->
                        Files.delete(t.root.resolve("proc/driver/nvidia/version"))),
                Arguments.of("neuron driver upgraded", (HostChange) t -> t.write("/sys/module/neuron/version", "2.20.28.0\n")),
                Arguments.of("neuron driver unloaded", (HostChange) t ->
                        Files.delete(t.root.resolve("sys/module/neuron/version"))),
                Arguments.of("gpu node appeared", (HostChange) t -> t.write("/dev/nvidia1", "")),
                Arguments.of("gpu node gone", (HostChange) t -> Files.delete(t.root.resolve("dev/nvidia0"))),
                Arguments.of("neuron node appeared", (HostChange) t -> t.write("/dev/neuron0", "")),
                Arguments.of("caps folder gone", (HostChange) t -> Files.delete(t.root.resolve("dev/nvidia-caps"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staleness")
    void aChangedHostMakesItStale(String change, HostChange how) throws IOException {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        how.apply(this);
        assertEquals(Optional.empty(), InventorySnapshot.readIfFresh(snapshot, host), change);
    }

    @Test
    void anotherHostRootMakesItStale() throws IOException {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        Path copy = tmp.resolve("other-host");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(root.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        assertEquals(Optional.empty(), InventorySnapshot.readIfFresh(snapshot, HostContext.ofRoot(copy)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "not json",
            "[]",
            "{\"nvidia\": null, \"neuron\": null, \"errors\": []}",
            "{\"nvidia\": null, \"neuron\": null, \"errors\": [], \"hostFingerprint\": 7}",
            "{\"nvidia\": null, \"neuron\": null, \"errors\": [], \"hostFingerprint\": {\"hostRoot\": 1, \"deviceNodes\": []}}",
            "{\"nvidia\": 3, \"neuron\": null, \"errors\": [], \"hostFingerprint\": {\"hostRoot\": \"ROOT\", \"deviceNodes\": []}}",
            "{\"nvidia\": null, \"neuron\": null, \"errors\": [], \"hostFingerprint\": {\"hostRoot\": \"ROOT\", \"deviceNodes\": [1]}}",
    })
    void malformedSnapshotsAreNotFresh(String content) throws IOException {
        Files.createDirectories(snapshot.getParent());
        Files.writeString(snapshot, content.replace("ROOT", root.toString()));
        assertEquals(Optional.empty(), InventorySnapshot.readIfFresh(snapshot, host));
    }

    @Test
    void missingSnapshotIsNotFresh() {
        assertEquals(Optional.empty(), InventorySnapshot.readIfFresh(tmp.resolve("nothing-here.json"), host));
    }

    @Test
    void rewritingReplacesTheSnapshot() throws IOException {
        Files.delete(root.resolve("sys/module/neuron/version"));
        InventorySnapshot.write(snapshot, INVENTORY, host);
        Inventory other = new Inventory(new NvidiaInventory("580.95.05", null, null, null, List.of(), List.of()), null,
                List.of());
        InventorySnapshot.write(snapshot, other, host);
        assertEquals(Optional.of(other), InventorySnapshot.readIfFresh(snapshot, host));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            // NVIDIA found, Neuron found, NVIDIA module loaded, Neuron module loaded -> fresh
            "true,  true,  true,  true,  true",
            "true,  false, true,  false, true",
            "false, false, false, false, true",
            "false, true,  true,  true,  false",   // NVIDIA discovery failed although its driver is loaded
            "true,  false, true,  true,  false",   // Neuron discovery failed although its driver is loaded
    })
    void aFailedDiscoveryWithTheDriverLoadedIsRetried(boolean nvidia, boolean neuron, boolean nvidiaModule,
                                                     boolean neuronModule, boolean fresh) throws IOException {
        if (!nvidiaModule) {
            Files.delete(root.resolve("proc/driver/nvidia/version"));
        }
        if (!neuronModule) {
            Files.delete(root.resolve("sys/module/neuron/version"));
        }
        Inventory inventory = new Inventory(nvidia ? INVENTORY.nvidia() : null,
                neuron ? new dev.jaccel.core.model.NeuronInventory("2.19.64.0", null, List.of(), List.of()) : null,
                List.of());
        InventorySnapshot.write(snapshot, inventory, host);
        assertEquals(fresh ? Optional.of(inventory) : Optional.empty(), InventorySnapshot.readIfFresh(snapshot, host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void defaultPathWithoutTheVariable(String value) {
        assertEquals(Path.of("/var/lib/jaccel/inventory.json"), InventorySnapshot.defaultPath(Map.of()));
        assertEquals(Path.of("/var/lib/jaccel/inventory.json"),
                InventorySnapshot.defaultPath(Map.of("JACCEL_SNAPSHOT", value)));
    }

    @Test
    void defaultPathFromTheVariable() {
        assertEquals(Path.of("/run/jaccel/snap.json"),
                InventorySnapshot.defaultPath(Map.of("JACCEL_SNAPSHOT", "/run/jaccel/snap.json")));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            // rdev (glibc encoding) -> major, minor
            "0, 0, 0",
            "259, 1, 3",
            "49920, 195, 0",
            "50175, 195, 255",
            "16777472, 1, 4096",
    })
    void devNumbersDecodeLikeGlibc(long rdev, long major, long minor) {
        assertEquals(major, HostFingerprint.major(rdev));
        assertEquals(minor, HostFingerprint.minor(rdev));
    }

    void write(String absolute, String content) throws IOException {
        Path p = root.resolve(absolute.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
