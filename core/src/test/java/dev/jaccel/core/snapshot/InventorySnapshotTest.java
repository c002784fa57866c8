package dev.jaccel.core.snapshot;

import dev.jaccel.core.caps.DriverFiles;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.TinyElf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fresh, stale in each way the fingerprint notices, malformed, missing, untrusted and tampered
 * snapshots. Device nodes are real character devices (the testkit's {@link HostTree}, as root).
 */
class InventorySnapshotTest {
    /** The host's inventory; its nodes' host paths are under the test's host root, as discovery makes them. */
    Inventory INVENTORY;

    static final String NVRM = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.95.05  Tue Sep 23 10:07:47 UTC 2025";

    @TempDir
    Path tmp;
    Path root;
    HostTree tree;
    Path snapshot;
    HostContext host;

    @BeforeEach
    void hostTree() throws IOException {
        root = tmp.resolve("host");
        tree = HostTree.at(root);
        assumeTrue(tree.realDeviceNodes(), "needs root to make device nodes");
        write("/proc/driver/nvidia/version", NVRM + "\nGCC version:  gcc version 12.2.0\n");
        write("/sys/module/neuron/version", "2.19.64.0\n");
        tree.charDevice("/dev/nvidia0", 195, 0).charDevice("/dev/nvidiactl", 195, 255).charDevice("/dev/null", 1, 3);
        Files.createDirectories(root.resolve("dev/nvidia-caps"));
        INVENTORY = new Inventory(
                new NvidiaInventory("580.95.05", "13.580.95.05", "13.0", "580.95.05",
                        List.of(new GpuDevice(0, "GPU-11111111-2222-3333-4444-555555555555", "NVIDIA H100", "NVIDIA",
                                "HOPPER", "9.0", 0, "00000000:18:00.0", 85520809984L, false, List.of(),
                                List.of(node("/dev/nvidia0", 195, 0)))),
                        List.of(node("/dev/nvidiactl", 195, 255))),
                new dev.jaccel.core.model.NeuronInventory("2.19.64.0", null, List.of(), List.of()), List.of());
        host = HostContext.ofRoot(root);
        snapshot = tmp.resolve("state/inventory.json");
    }

    /** What a snapshot of {@code inventory} reads back as: the same, with the driver's files located. */
    Optional<Inventory> located(Inventory inventory) {
        NvidiaInventory n = inventory.nvidia();
        return Optional.of(n == null ? inventory : new Inventory(n.withDriverFiles(DriverFiles.index(host, n.driverVersion())),
                inventory.neuron(), inventory.errors()));
    }

    @Test
    void freshSnapshotGivesTheInventoryBack() {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        assertEquals(located(INVENTORY), InventorySnapshot.readIfFresh(snapshot, host));
    }

    @Test
    void snapshotIsTheDevicesDocumentPlusTheFingerprint() throws IOException {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        String json = Files.readString(snapshot);
        assertTrue(json.contains("\"driverVersion\":\"580.95.05\""), json);
        assertTrue(json.contains("\"nvidiaVersion\":\"" + NVRM + "\""), json);
        assertTrue(json.contains("\"neuronVersion\":\"2.19.64.0\""), json);
        assertTrue(json.contains("\"driverFiles\":{\"hostRoot\":"), json);
        // sorted, directories marked, /dev/null not listed
        assertTrue(json.replaceAll("\\s", "").contains("\"deviceNodes\":[\"nvidia-caps/\",\"nvidia0"), json);
        assertTrue(!json.contains("\"null"), json);
    }

    @Test
    void unrelatedDevChangesKeepItFresh() throws IOException {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        tree.charDevice("/dev/zero", 1, 5);
        write("/proc/driver/nvidia/version", NVRM + "\nGCC version:  a different compiler line\n");
        assertEquals(located(INVENTORY), InventorySnapshot.readIfFresh(snapshot, host));
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
                Arguments.of("gpu node appeared", (HostChange) t -> t.tree.charDevice("/dev/nvidia1", 195, 1)),
                Arguments.of("gpu node renumbered", (HostChange) t -> {
                    Files.delete(t.root.resolve("dev/nvidia0"));
                    t.tree.charDevice("/dev/nvidia0", 195, 7);
                }),
                Arguments.of("MIG capability node appeared", (HostChange) t -> t.tree.charDevice("/dev/nvidia-caps/nvidia-cap21", 509, 21)),
                Arguments.of("gpu node gone", (HostChange) t -> Files.delete(t.root.resolve("dev/nvidia0"))),
                Arguments.of("neuron node appeared", (HostChange) t -> t.tree.charDevice("/dev/neuron0", 241, 0)),
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
                } else if (!Files.isRegularFile(p)) {
                    long rdev = (Long) Files.getAttribute(p, "unix:rdev");
                    HostTree.at(copy).charDevice("/" + root.relativize(p), (int) HostFingerprint.major(rdev),
                            (int) HostFingerprint.minor(rdev));
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
        assertEquals(located(other), InventorySnapshot.readIfFresh(snapshot, host));
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
        assertEquals(fresh ? located(inventory) : Optional.empty(), InventorySnapshot.readIfFresh(snapshot, host));
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

    /** Who may write the snapshot decides what containers get: only root (or its own user), nobody else. */
    @ParameterizedTest(name = "file {0}, folder {1}, owner {2} -> trusted {3}")
    @CsvSource({
            "644, 755,  0,    true",
            "600, 700,  0,    true",
            "666, 755,  0,    false",   // anyone can edit it
            "664, 755,  0,    false",
            "644, 777,  0,    false",   // anyone can replace it
            "644, 1777, 0,    true",    // sticky, as /tmp: others cannot replace root's file
            "644, 755,  1000, false",   // another user's file
    })
    void onlyASnapshotNobodyElseCanWriteIsRead(String fileMode, String dirMode, int owner, boolean trusted)
            throws IOException, InterruptedException {
        InventorySnapshot.write(snapshot, INVENTORY, host);
        assertEquals(0, new ProcessBuilder("chmod", fileMode, snapshot.toString()).start().waitFor());
        assertEquals(0, new ProcessBuilder("chmod", dirMode, snapshot.getParent().toString()).start().waitFor());
        Files.setAttribute(snapshot, "unix:uid", owner);
        List<String> warnings = new ArrayList<>();
        Optional<Inventory> read = InventorySnapshot.read(snapshot, host, warnings::add);
        assertEquals(trusted, read.isPresent(), warnings.toString());
        assertEquals(trusted ? 0 : 1, warnings.size(), warnings.toString());
    }

    @Test
    void aNewSnapshotIs0644InA0755Folder() throws IOException {
        InventorySnapshot.write(tmp.resolve("new/dir/inventory.json"), INVENTORY, host);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("new/dir/inventory.json"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("new/dir"))));
    }

    /**
     * A snapshot edited by hand (or by an attacker who got write access) that disagrees with the host
     * is refused: a GPU node turned into /dev/mem, a node that is not under /dev, a driver version that
     * climbs out of the library folder, a driver file that is not one the driver installs.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/dev/nvidia0 as /dev/mem     | /dev/nvidia0\",\"major\":195,\"minor\":0 | /dev/nvidia0\",\"major\":1,\"minor\":1 | not on the host with those numbers",
            "a node outside /dev          | \"path\":\"/dev/nvidia0\" | \"path\":\"/etc/shadow\" | not a node under the host's /dev",
            "a driver version with ..     | \"driverVersion\":\"580.95.05\" | \"driverVersion\":\"../../../etc\" | is not a version",
            "a host file as driver file   | /usr/bin/nvidia-smi\" | /etc/shadow\" | is not one the NVIDIA driver",
    })
    void aTamperedSnapshotIsRefused(String what, String from, String to, String reason) throws IOException {
        tree.file("/usr/bin/nvidia-smi", "#!");
        InventorySnapshot.write(snapshot, INVENTORY, host);
        String json = Files.readString(snapshot);
        assertTrue(json.contains(from), from + " in " + json);
        Files.writeString(snapshot, json.replace(from, to));
        List<String> warnings = new ArrayList<>();
        assertEquals(Optional.empty(), InventorySnapshot.read(snapshot, host, warnings::add), what);
        assertTrue(warnings.size() == 1 && warnings.get(0).contains(reason), warnings.toString());
    }

    @Test
    void theDriverFilesComeBackAsLocated() throws IOException {
        tree.file("/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05", TinyElf.sharedObject("libcuda.so.1", ""));
        InventorySnapshot.write(snapshot, INVENTORY, host);
        var files = InventorySnapshot.readIfFresh(snapshot, host).orElseThrow().nvidia().driverFiles();
        assertEquals(DriverFiles.index(host, "580.95.05"), files);
        assertEquals("libcuda.so.1", files.files().getFirst().soname());
    }

    DeviceNode node(String path, int major, int minor) {
        return new DeviceNode(path, root.resolve(path.substring(1)).toString(), major, minor);
    }

    void write(String absolute, String content) throws IOException {
        Path p = root.resolve(absolute.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
