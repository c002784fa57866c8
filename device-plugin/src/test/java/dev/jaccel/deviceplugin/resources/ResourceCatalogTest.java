package dev.jaccel.deviceplugin.resources;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.deviceplugin.topology.NvmlGpuFacts;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MIG strategies on the simulated 8 x H100 host (MIG on GPU 1: 3g.40gb, 2g.20gb, 1g.10gb; on
 * GPU 5: seven 1g.10gb), discovered through the fake NVML, with profiles from NVML's MIG names.
 */
class ResourceCatalogTest {
    @TempDir
    static Path dir;
    static Inventory inventory;
    static NvmlGpuFacts facts;

    @BeforeAll
    static void discover() throws Exception {
        Map<String, String> env = SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE);
        Path jvmConfig = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(jvmConfig.getParent());
        Files.copy(Path.of(env.get("FAKE_NVML_CONFIG")), jvmConfig, StandardCopyOption.REPLACE_EXISTING);
        HostContext host = HostContext.resolve(env, null, null, dir.resolve("no-libnrt.so.1").toString());
        inventory = Inventories.discover(host);
        facts = NvmlGpuFacts.open(host);
    }

    @AfterAll
    static void close() {
        facts.close();
    }

    /** The inventory with only these GPU indices (all when blank). */
    private static Inventory onlyGpus(String indices) {
        if (indices == null || indices.isBlank()) {
            return inventory;
        }
        List<Integer> keep = Arrays.stream(indices.trim().split(" ")).map(Integer::parseInt).toList();
        NvidiaInventory n = inventory.nvidia();
        List<GpuDevice> gpus = n.devices().stream().filter(g -> keep.contains(g.index())).toList();
        return new Inventory(new NvidiaInventory(n.driverVersion(), n.nvmlVersion(), n.cudaDriverVersion(),
                n.kernelModuleVersion(), gpus, n.controlNodes()), null, List.of());
    }

    @ParameterizedTest(name = "{0} on GPUs [{1}] -> {2}")
    @CsvSource(delimiter = ';', value = {
            "none; ; nvidia.com/gpu=8",
            "mixed; ; nvidia.com/gpu=6 nvidia.com/mig-3g.40gb=1 nvidia.com/mig-2g.20gb=1 nvidia.com/mig-1g.10gb=8",
            "single; 5; nvidia.com/gpu=7",
            "single; 0 2 3; nvidia.com/gpu=3",
            "mixed; 5; nvidia.com/mig-1g.10gb=7",
    })
    void resourcesByStrategy(MigStrategy strategy, String gpus, String expected) {
        List<String> got = new ArrayList<>();
        for (Resource r : ResourceCatalog.of(onlyGpus(gpus), strategy, facts, w -> { })) {
            got.add(r.name() + "=" + r.devices().size());
        }
        assertEquals(expected, String.join(" ", got));
    }

    @ParameterizedTest(name = "{0} on GPUs [{1}] refused: {2}")
    @CsvSource(delimiter = ';', value = {
            "single; ; every GPU must have the same MIG mode, but 6 have MIG disabled and 2 enabled",
            "single; 1 5; all MIG devices must have one profile, found 1g.10gb, 2g.20gb, 3g.40gb",
    })
    void layoutsTheStrategyRefuses(MigStrategy strategy, String gpus, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> ResourceCatalog.of(onlyGpus(gpus), strategy, facts, w -> { }));
        assertEquals(3, e.exitCode().code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"single", "mixed"})
    void aMigEnabledGpuWithoutMigDevicesIsRefused(MigStrategy strategy) {
        NvidiaInventory n = inventory.nvidia();
        GpuDevice g = n.devices().get(5);
        GpuDevice empty = new GpuDevice(g.index(), g.uuid(), g.name(), g.brand(), g.architecture(), g.computeCapability(),
                g.minor(), g.pciBusId(), g.memoryTotalBytes(), true, List.of(), g.deviceNodes());
        Inventory inv = new Inventory(new NvidiaInventory(n.driverVersion(), n.nvmlVersion(), n.cudaDriverVersion(),
                n.kernelModuleVersion(), List.of(empty), n.controlNodes()), null, List.of());
        JaccelException e = assertThrows(JaccelException.class, () -> ResourceCatalog.of(inv, strategy, facts, w -> { }));
        assertTrue(e.getMessage().contains("GPU 5 (" + g.uuid() + ") has MIG enabled but no MIG device"), e.getMessage());
    }
}
