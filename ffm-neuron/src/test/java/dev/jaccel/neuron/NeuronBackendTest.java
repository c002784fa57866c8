package dev.jaccel.neuron;

import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.testkit.FakeNrt;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Neuron backend on fake host trees shaped like real instances, with the fake libnrt. */
class NeuronBackendTest {
    @TempDir
    Path dir;

    private HostTree tree() {
        return HostTree.at(dir.resolve("host"));
    }

    private static HostContext context(HostTree tree, FakeNrt nrt, Map<String, String> env) {
        return new HostContext(tree.root(), Optional.empty(),
                Optional.of(nrt == null ? "/nonexistent/libnrt.so.1" : nrt.path().toString()), env);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            // profile; devices; physical; logical; last device's core ids; device 0 connected; arch; driver; runtime; major
            "inf1; 4; 4; 4; 12,13,14,15; 3,1; NDv1 Inf1 Inferentia; 2.24.7.0; 2.19.5.0; 245",
            "inf2; 6; 2; 2; 10,11; 5,1; NDv3 Inf2 Inferentia2; 2.28.0.0; 2.32.31.0; 244",
            "trn1-32xl; 16; 2; 2; 30,31; 12,3,4,1; NDv2 Trn1 Trainium1; 2.29.0.0; 2.33.10.0; 238",
            "trn2; 16; 8; 4; 60,61,62,63; 12,3,4,1; NDv3 Trn2 Trainium2; 2.30.2.0; 2.34.10.0; 511",
    })
    void discoversEachInstanceShape(String profile, int devices, int physical, int logical, String lastIds,
                                    String connected0, String arch, String driver, String runtime, int major)
            throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOutProfile(profile, tree);
        try (FakeNrt nrt = FakeNrt.withConfig(dir, NeuronHostFixture.nrtConfig(profile))) {
            NeuronInventory inv = new NeuronBackend().discover(context(tree, nrt, Map.of()));

            assertEquals(driver, inv.driverVersion());
            assertEquals(runtime, inv.runtimeVersion());
            assertEquals(devices, inv.devices().size());
            NeuronDevice last = inv.devices().get(devices - 1);
            assertEquals(devices - 1, last.index());
            assertEquals(physical, last.coreCount());
            assertEquals(logical, last.logicalCoreCount());
            assertEquals(ints(lastIds), last.coreIds());
            assertEquals(ints(connected0), inv.devices().get(0).connectedTo());
            assertEquals(arch, last.architecture() + " " + last.instanceType() + " " + last.deviceName());
            assertEquals("/dev/neuron" + (devices - 1), last.deviceNode().path());
            assertEquals(major, last.deviceNode().major());
            assertEquals(devices - 1, last.deviceNode().minor());
            // ids are dense and global across devices
            assertEquals(IntStream.range(0, devices * logical).boxed().toList(),
                    inv.devices().stream().flatMap(d -> d.coreIds().stream()).toList());
            if (tree.realDeviceNodes()) {
                assertEquals(List.of(), inv.notes(), "a complete host leaves nothing unexplained");
            }
            // discovery never takes the cores: nrt_init is not called, the version is asked once
            assertEquals(0, nrt.calls("nrt_init"));
            assertEquals(1, nrt.calls("nrt_get_version"));
        }
    }

    @Test
    void inf1HasNoSerialAndTheOthersHaveTheDriversSixteenHexDigits() throws Exception {
        HostTree inf1 = HostTree.at(dir.resolve("inf1"));
        NeuronHostFixture.layOutProfile("inf1", inf1);
        HostTree trn1 = HostTree.at(dir.resolve("trn1"));
        NeuronHostFixture.layOutProfile("trn1-32xl", trn1);
        assertNull(new NeuronBackend().discover(context(inf1, null, Map.of())).devices().get(0).serial());
        assertTrue(new NeuronBackend().discover(context(trn1, null, Map.of())).devices().get(0).serial()
                .matches("[0-9a-f]{16}"));
    }

    @ParameterizedTest(name = "{0}, env {1}, file {2}: {3} logical cores per device")
    @CsvSource(delimiter = ';', value = {
            "trn2; ; ; 4; ",
            "trn2; 1; ; 8; ",
            "trn2; 2; ; 4; ",
            "trn2; ; NEURON_LOGICAL_NC_CONFIG=1; 8; ",
            "trn2; 2; NEURON_LOGICAL_NC_CONFIG=1; 4; ",                       // the environment wins
            "trn2; ; 'NEURON_LOGICAL_NC_CONFIG=2\nNEURON_LOGICAL_NC_CONFIG=1'; 8; ",   // appended: last wins
            "trn2; 3; ; 4; NEURON_LOGICAL_NC_CONFIG=3 ignored: only 1 and 2 are supported",
            "trn2; ; NEURON_LOGICAL_NC_CONFIG=4; 4; /opt/aws/neuron/logical_nc_config: \"NEURON_LOGICAL_NC_CONFIG=4\" ignored: only NEURON_LOGICAL_NC_CONFIG=1 or =2 is supported",
            "trn1-32xl; 2; ; 2; ",                                            // LNC is Trn2/Trn3 only
            "inf1; ; NEURON_LOGICAL_NC_CONFIG=2; 4; ",
    })
    void logicalCoreConfig(String profile, String env, String file, int logical, String note) throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOutProfile(profile, tree);
        if (file != null) {
            tree.file("/opt/aws/neuron/logical_nc_config", file.replace("\\n", "\n") + "\n");
        }
        Map<String, String> environment = env == null ? Map.of() : Map.of("NEURON_LOGICAL_NC_CONFIG", env);
        NeuronInventory inv = new NeuronBackend().discover(context(tree, null, environment));
        NeuronDevice last = inv.devices().getLast();
        assertEquals(logical, last.logicalCoreCount());
        assertEquals(last.index() * logical, last.coreIds().getFirst(), "device x logical cores per device");
        assertEquals(logical, last.coreIds().size());
        if (note != null) {
            assertTrue(inv.notes().contains(note), inv.notes().toString());
        }
    }

    @Test
    void unreadableSysfsFilesLeaveNullsAndNotesNotFailures() throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOut("""
                {"driver": {"version": "2.24.7.0", "major": 245},
                 "deviceDefaults": {"coreCount": 2, "archType": "NDv2", "instanceType": "Trn1", "deviceName": "Trainium1"},
                 "devices": [{"index": 0, "connected": [1], "unreadable": ["core_count", "connected_devices"]},
                             {"index": 1, "connected": [0], "unreadable": ["info/architecture/device_name", "core_count"]}]}
                """, tree);
        NeuronInventory inv = new NeuronBackend().discover(context(tree, null, Map.of()));
        NeuronDevice d0 = inv.devices().get(0);
        assertNull(d0.coreCount());
        assertEquals(2, d0.logicalCoreCount(), "from the Trainium1 core count");
        assertEquals(List.of(0, 1), d0.coreIds());
        assertEquals(List.of(), d0.connectedTo());
        NeuronDevice d1 = inv.devices().get(1);
        assertNull(d1.coreCount());
        assertNull(d1.deviceName());
        assertNull(d1.logicalCoreCount(), "neither core_count nor the generation is known");
        assertEquals(List.of(), d1.coreIds());
        assertEquals(List.of(0), d1.connectedTo());
        String sysfs = "/sys/devices/virtual/neuron_device/";
        assertTrue(inv.notes().containsAll(List.of(
                sysfs + "neuron0/core_count is unreadable (a directory, not a file)",
                sysfs + "neuron0/connected_devices is unreadable (a directory, not a file)",
                "neuron0: logical cores from the Trainium1 core count (2), core_count being unreadable",
                sysfs + "neuron1/info/architecture/device_name is unreadable (a directory, not a file)")),
                inv.notes().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "java.nio.file.AccessDeniedException; 'permission denied: root-only on Neuron drivers before 2.28; run as root or upgrade aws-neuronx-dkms'",
            "java.io.IOException; IOException: boom",
            "java.nio.file.FileSystemException; FileSystemException: boom",
    })
    void unreadableReasons(String type, String reason) throws Exception {
        Exception e = (Exception) Class.forName(type).getConstructor(String.class).newInstance("boom");
        assertEquals(reason, HostFiles.reason(e));
    }

    @Test
    void noNodeAndNoDriverIsUnavailableWithOneLine() {
        HostTree tree = tree().file("/proc/devices", "Character devices:\n195 nvidia\n");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new NeuronBackend().discover(context(tree, null, Map.of())));
        assertEquals("no /dev/neuron* device and no neuron driver (/sys/module/neuron/version) under " + tree.root()
                + ": not a Neuron host, or aws-neuronx-dkms is not installed and loaded", e.getMessage());
        Inventory inventory = Inventories.discover(context(tree, null, Map.of()));
        assertNull(inventory.neuron());
        assertTrue(inventory.errors().contains("neuron: " + e.getMessage()), inventory.errors().toString());
    }

    @Test
    void aDriverWithoutVisibleNodesIsAnEmptyInventory() throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOut("{\"driver\": {\"version\": \"2.30.2.0\", \"major\": 245}, \"devices\": []}", tree);
        NeuronInventory inv = new NeuronBackend().discover(context(tree, null, Map.of()));
        assertEquals("2.30.2.0", inv.driverVersion());
        assertEquals(List.of(), inv.devices());
        assertTrue(inv.notes().contains("the neuron driver 2.30.2.0 is loaded but no /dev/neuron* node is visible here"));
    }

    @Test
    void sysfsOfDevicesWithoutANodeIsNotCounted() throws Exception {
        // a container given /dev/neuron1 only still sees every device in sysfs (optimum-neuron#544)
        HostTree tree = tree();
        NeuronHostFixture.layOut("""
                {"driver": {"version": "2.24.7.0", "major": 245},
                 "deviceDefaults": {"coreCount": 2, "archType": "NDv2", "instanceType": "Trn1", "deviceName": "Trainium1"},
                 "devices": [{"index": 0, "node": false}, {"index": 1}, {"index": 2, "node": false}]}
                """, tree);
        NeuronInventory inv = new NeuronBackend().discover(context(tree, null, Map.of()));
        assertEquals(1, inv.devices().size());
        assertEquals(1, inv.devices().get(0).index());
        assertEquals(List.of(2, 3), inv.devices().get(0).coreIds());
    }

    @Test
    void aRenamedNodeIsJoinedToSysfsByItsMinor() throws Exception {
        HostTree tree = tree();
        assumeTrue(tree.realDeviceNodes(), "needs real device nodes (root)");
        NeuronHostFixture.layOutProfile("trn1-32xl", tree);
        // the container sees host device 5 as /dev/neuron0
        Files.list(tree.path("/dev")).forEach(p -> p.toFile().delete());
        tree.charDevice("/dev/neuron0", 238, 5);
        NeuronInventory inv = new NeuronBackend().discover(context(tree, null, Map.of()));
        NeuronDevice d = inv.devices().getFirst();
        assertEquals(0, d.index());
        assertEquals(5, d.deviceNode().minor());
        assertEquals(List.of(1, 4, 9, 6), d.connectedTo(), "device 5's links, from sysfs neuron5");
        assertEquals(List.of(0, 1), d.coreIds(), "ids as the container numbers its devices");
    }

    @Test
    void aNodeWhoseMajorIsNotTheDriversIsNoted() throws Exception {
        HostTree tree = tree();
        assumeTrue(tree.realDeviceNodes(), "needs real device nodes (root)");
        NeuronHostFixture.layOutProfile("inf1", tree);
        tree.file("/proc/devices", "Character devices:\n246 neuron\n");
        NeuronInventory inv = new NeuronBackend().discover(context(tree, null, Map.of()));
        assertEquals(245, inv.devices().get(0).deviceNode().major(), "stat wins");
        assertTrue(inv.notes().contains("/dev/neuron0 has major 245 but /proc/devices gives neuron 246: "
                + "a stale node from an earlier driver load?"), inv.notes().toString());
    }

    @Test
    void aLinkIsNotADeviceNode() throws Exception {
        HostTree tree = tree();
        assumeTrue(tree.realDeviceNodes(), "needs real device nodes (root)");
        NeuronHostFixture.layOutProfile("inf1", tree);
        tree.charDevice("/dev/other", 8, 0);
        tree.symlink("/dev/neuron0", "other");
        NeuronDevice d = new NeuronBackend().discover(context(tree, null, Map.of())).devices().get(0);
        assertEquals(245, d.deviceNode().major(), "from sysfs dev, not the link's target");
        assertEquals(0, d.deviceNode().minor());
    }

    @Test
    void aMissingLibraryLeavesTheRuntimeVersionNullWithANote() throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOutProfile("inf2", tree);
        NeuronInventory inv = new NeuronBackend().discover(context(tree, null, Map.of()));
        assertNull(inv.runtimeVersion());
        assertTrue(inv.notes().stream().anyMatch(n -> n.startsWith(
                "runtime version unknown: cannot load /nonexistent/libnrt.so.1")), inv.notes().toString());
        assertEquals(6, inv.devices().size(), "devices are found without the runtime");
    }

    @Test
    void aLibraryWithoutNrtGetVersionLeavesTheRuntimeVersionNull() throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOutProfile("inf1", tree);
        try (FakeNrt nrt = FakeNrt.legacyWithConfig(dir, NeuronHostFixture.nrtConfig("inf1"))) {
            NeuronInventory inv = new NeuronBackend().discover(context(tree, nrt, Map.of()));
            assertNull(inv.runtimeVersion());
            assertTrue(inv.notes().contains("runtime version unknown: " + nrt.path()
                    + " has no nrt_get_version (a pre-2023 libnrt)"), inv.notes().toString());
        }
    }

    @Test
    void aFailingNrtGetVersionIsANote() throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOutProfile("inf1", tree);
        try (FakeNrt nrt = FakeNrt.withConfig(dir, "{\"errors\": {\"nrt_get_version\": \"UNINITIALIZED\"}}")) {
            NeuronInventory inv = new NeuronBackend().discover(context(tree, nrt, Map.of()));
            assertNull(inv.runtimeVersion());
            assertTrue(inv.notes().contains("runtime version unknown: nrt_get_version: NRT_UNINITIALIZED (13)"));
        }
    }

    @Test
    void theServiceLoaderFindsTheBackend() throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOutProfile("trn2", tree);
        Inventory inventory = Inventories.discover(context(tree, null, Map.of()));
        assertEquals(16, inventory.neuron().devices().size());
    }

    @Test
    void aDiscoveredTrn2InventoryRoundTripsThroughTheDevicesJson() throws Exception {
        HostTree tree = tree();
        NeuronHostFixture.layOutProfile("trn2", tree);
        try (FakeNrt nrt = FakeNrt.withConfig(dir, NeuronHostFixture.nrtConfig("trn2"))) {
            Inventory inventory = Inventories.discover(context(tree, nrt, Map.of()));
            String json = dev.jaccel.core.json.InventoryJson.toJson(inventory, false);
            assertEquals(inventory, dev.jaccel.core.json.InventoryJson.read(json));
            assertTrue(json.contains("\"coreIds\":[60,61,62,63]"), json);
            assertTrue(json.contains("\"runtimeVersion\":\"2.34.10.0\""), json);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "'Character devices:\n  1 mem\n245 neuron\n\nBlock devices:\n  8 sd\n'; 245",
            "'Character devices:\n  1 mem\n\nBlock devices:\n245 neuron\n'; ",     // a block major is not it
            "'Character devices:\n 10 misc\n'; ",
    })
    void theNeuronMajorComesFromTheCharacterSection(String text, Integer major) {
        HostTree tree = tree().file("/proc/devices", text.replace("\\n", "\n"));
        assertEquals(major, NeuronDiscovery.procDevicesMajor(new HostFiles(HostContext.ofRoot(tree.root()))));
    }

    private static List<Integer> ints(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(String::strip).map(Integer::valueOf).toList();
    }
}
