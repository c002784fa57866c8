package dev.jaccel.nvml;

import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NvLinkPeer;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.AcceleratorBackend;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NvidiaHostFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NVIDIA backend over the fake NVML and a matching fake host tree. */
class NvidiaBackendTest {
    private final NvidiaBackend backend = new NvidiaBackend();

    private static HostContext host(Path root, String library) {
        return new HostContext(root, Optional.of(library), Optional.empty(), Map.of());
    }

    private static HostContext fixture(Path root, String config) {
        FakeNvml.configure(config);
        NvidiaHostFixture.fromJson(config).writeTo(HostTree.at(root));
        return host(root, FakeLibraries.nvml().toString());
    }

    @Test
    void isRegisteredAsTheNvidiaService() {
        List<String> names = ServiceLoader.load(AcceleratorBackend.class).stream()
                .map(p -> p.get().name()).toList();
        assertTrue(names.contains("nvidia"), names.toString());
    }

    @Test
    void inventoryMatchesTheConfiguredHost(@TempDir Path root) throws Exception {
        NvidiaInventory inv = (NvidiaInventory) backend.discover(fixture(root, FakeNvml.FOUR_GPUS));
        assertEquals("580.95.05", inv.driverVersion());
        assertEquals("13.580.95.05", inv.nvmlVersion());
        assertEquals("13.0", inv.cudaDriverVersion());
        assertEquals("580.95.05", inv.kernelModuleVersion());
        assertEquals(List.of(0, 1), inv.devices().stream().map(GpuDevice::index).toList(), "GPUs 2 and 3 cannot be opened");
        assertEquals(2, inv.notes().size(), inv.notes().toString());
        assertTrue(inv.notes().get(0).startsWith("GPU 2 left out: nvmlDeviceGetHandleByIndex_v2: NO_PERMISSION (4)"),
                inv.notes().get(0));
        assertTrue(inv.notes().get(1).contains("GPU_IS_LOST"), inv.notes().get(1));

        GpuDevice g0 = inv.devices().get(0);
        assertEquals("GPU-00000000-0000-4000-8000-000000000000", g0.uuid());
        assertEquals("NVIDIA H100 80GB HBM3", g0.name());
        assertEquals("NVIDIA", g0.brand());
        assertEquals("HOPPER", g0.architecture());
        assertEquals("9.0", g0.computeCapability());
        assertEquals(3, g0.minor());
        assertEquals("00000000:3B:00.0", g0.pciBusId());
        assertEquals(85520809984L, g0.memoryTotalBytes());
        assertEquals(false, g0.migEnabled());
        String hostRoot = root.toString();
        assertEquals(List.of(new DeviceNode("/dev/nvidia3", hostRoot + "/dev/nvidia3", 195, 3)), g0.deviceNodes(),
                "the node of minor 3, not of index 0");

        GpuDevice g1 = inv.devices().get(1);
        assertEquals("00000000:AF:00.0", g1.pciBusId(), "NVML spelling, whatever the config said");
        assertEquals(true, g1.migEnabled());
        assertEquals(List.of(new DeviceNode("/dev/nvidia0", hostRoot + "/dev/nvidia0", 195, 0)), g1.deviceNodes());
        Map<String, Integer> caps = NvidiaHostFixture.migMinors(List.of(3, 0, 1, 2));
        MigDevice m1 = g1.migDevices().get(1);
        assertEquals(1, m1.index());
        assertEquals("MIG-aaaaaaaa-0000-5000-8000-000000000002", m1.uuid());
        assertEquals(2, m1.gpuInstanceId());
        assertEquals(1, m1.computeInstanceId());
        assertEquals(10200547328L, m1.memoryTotalBytes());
        int gi = caps.get("gpu0/gi2/access");
        int ci = caps.get("gpu0/gi2/ci1/access");
        assertEquals(List.of(new DeviceNode("/dev/nvidia-caps/nvidia-cap" + gi, hostRoot + "/dev/nvidia-caps/nvidia-cap" + gi,
                        NvidiaHostFixture.CAPS_MAJOR, gi),
                new DeviceNode("/dev/nvidia-caps/nvidia-cap" + ci, hostRoot + "/dev/nvidia-caps/nvidia-cap" + ci,
                        NvidiaHostFixture.CAPS_MAJOR, ci)), m1.capabilityNodes(), "caps of gpu<minor 0>, not of index 1");

        assertEquals(List.of("/dev/nvidiactl 195:255", "/dev/nvidia-uvm 510:0", "/dev/nvidia-uvm-tools 510:1",
                        "/dev/nvidia-modeset 195:254"),
                inv.controlNodes().stream().map(n -> n.path() + " " + n.major() + ":" + n.minor()).toList());

        Inventory whole = new Inventory(inv, null, List.of());
        assertEquals(whole, InventoryJson.read(InventoryJson.toJson(whole, false)), "notes survive the JSON round trip");
    }

    @Test
    void placementFactsAndMigProfilesReachTheStaticModel(@TempDir Path root) throws Exception {
        HostContext ctx = fixture(root, FakeNvmlTopologyAbiTest.TOPOLOGY);
        HostTree.at(root).file("/sys/bus/pci/devices/0000:2a:00.0/numa_node", "1\n");   // sysfs wins over NVML's 0
        NvidiaInventory inv = (NvidiaInventory) backend.discover(ctx);
        assertEquals(List.of(0, 1, 0, 1), inv.devices().stream().map(GpuDevice::numaNode).toList());
        assertEquals(List.of(new NvLinkPeer("GPU-00000000-0000-4000-8000-00000000000b", "00000000:2A:00.0", 2),
                new NvLinkPeer("GPU-00000000-0000-4000-8000-00000000000c", "00000000:3A:00.0", 1)),
                inv.devices().get(0).nvLinkPeers());
        assertEquals(List.of(), inv.devices().get(3).nvLinkPeers(), "no NVLink: no peers, not unknown");
        assertEquals("1g.10gb", inv.devices().get(3).migDevices().getFirst().profile());
        assertEquals(List.of(), inv.notes());
        assertTrue(Files.readString(root.resolve("sys/bus/pci/devices/0000:9a:00.0/numa_node")).equals("1\n"),
                "the fixture writes sysfs numa_node from the config");
    }

    @Test
    void factsTheDriverDoesNotSupportAreNull(@TempDir Path root) throws Exception {
        String config = """
                {"driverVersion": "550.54.15", "nvmlVersion": "12.550.54.15", "cudaDriverVersion": 12040,
                 "devices": [{"uuid": "GPU-44444444-4444-4444-8444-444444444444", "name": "Tegra",
                              "pciBusId": "0000:01:00.0"}]}
                """;
        NvidiaInventory inv = (NvidiaInventory) backend.discover(fixture(root, config));
        GpuDevice g = inv.devices().getFirst();
        assertEquals("12.4", inv.cudaDriverVersion());
        assertNull(g.minor(), "no minor from NVML and no Device Minor line");
        assertNull(g.memoryTotalBytes());
        assertNull(g.computeCapability());
        assertEquals(false, g.migEnabled(), "MIG NOT_SUPPORTED is MIG off");
        assertEquals(List.of(), g.deviceNodes());
        assertNull(g.numaNode(), "neither sysfs nor NVML knows it");
        assertEquals(List.of(), g.nvLinkPeers());
        assertEquals(List.of(), inv.notes(), "NOT_SUPPORTED is not worth a note");
    }

    @Test
    void theMinorComesFromProcWhenNvmlDoesNotKnowIt(@TempDir Path root) throws Exception {
        String config = """
                {"driverVersion": "580.95.05", "devices": [{"uuid": "GPU-55555555-5555-4555-8555-555555555555",
                 "pciBusId": "00000000:18:00.0", "minor": 6, "errors": {"nvmlDeviceGetMinorNumber": "NOT_SUPPORTED"}}]}
                """;
        NvidiaInventory inv = (NvidiaInventory) backend.discover(fixture(root, config));
        assertEquals(6, inv.devices().getFirst().minor());
        assertEquals("/dev/nvidia6", inv.devices().getFirst().deviceNodes().getFirst().path());
    }

    @ParameterizedTest(name = "init {0}")
    @CsvSource({"DRIVER_NOT_LOADED", "NO_PERMISSION", "OPERATING_SYSTEM", "UNKNOWN"})
    void initFailuresMakeTheBackendUnavailable(String code, @TempDir Path root) {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> backend.discover(fixture(root, "{\"driverVersion\": \"580.95.05\", \"init\": \"" + code + "\"}")));
        assertTrue(e.getMessage().contains(code), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void versionMismatchFromInitIsDiagnosedWithTheCure(@TempDir Path root) {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> backend.discover(
                fixture(root, "{\"driverVersion\": \"580.95.05\", \"init\": \"LIB_RM_VERSION_MISMATCH\"}")));
        assertTrue(e.getMessage().startsWith("driver/library version mismatch (LIB_RM_VERSION_MISMATCH)"), e.getMessage());
        assertTrue(e.getMessage().contains("kernel module is version 580.95.05"), e.getMessage());
        assertTrue(e.getMessage().contains("reload the nvidia kernel modules (or reboot)"), e.getMessage());
    }

    @Test
    void aLibraryWhoseVersionIsNotTheModulesIsDiagnosedBeforeInit(@TempDir Path root, @TempDir Path libs)
            throws Exception {
        HostContext ctx = fixture(root, "{\"driverVersion\": \"580.95.05\", \"kernelModuleVersion\": \"575.57.08\"}");
        Path copy = libs.resolve("libnvidia-ml.so.580.95.05");
        Files.copy(FakeLibraries.nvml(), copy);
        Path link = libs.resolve("libnvidia-ml.so.1");
        Files.createSymbolicLink(link, copy.getFileName());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> backend.discover(host(root, link.toString())));
        assertTrue(e.getMessage().contains("is version 580.95.05 but the loaded nvidia kernel module is version 575.57.08"),
                e.getMessage());
        assertTrue(e.getMessage().contains(copy.toString()), "names the real file: " + e.getMessage());
    }

    @Test
    void noLibraryIsOneLineNamingWhatIsMissing(@TempDir Path root) {
        HostContext ctx = host(root, "/nonexistent/libnvidia-ml.so.1");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> backend.discover(ctx));
        assertEquals("cannot load NVML /nonexistent/libnvidia-ml.so.1 (and no nvidia kernel module is loaded): "
                + "install the NVIDIA driver's user-space libraries or pass --nvml-library", e.getMessage());
    }
}
