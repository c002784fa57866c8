package dev.jaccel.deviceplugin;

import dev.jaccel.core.plan.PlanConfig;
import dev.jaccel.deviceplugin.health.XidEvent;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.MigStrategy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import v1beta1.Api;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin through its real sockets, driven by a kubelet stand-in, on a simulated host with
 * 8 x H100 (MIG on GPUs 1 and 5; NUMA node 0 for GPUs 0-3, 1 for 4-7) and a trn1.32xlarge's 16
 * Trainium devices (2 cores each, 4x4 torus), with {@code --mig-strategy mixed}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevicePluginKubeletTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String GPU = "nvidia.com/gpu";
    static final String MIG_1G = "nvidia.com/mig-1g.10gb";
    static final String NEURON = "aws.amazon.com/neuron";
    static final String CORE = "aws.amazon.com/neuroncore";
    static final List<String> RESOURCES = List.of(GPU, "nvidia.com/mig-3g.40gb", "nvidia.com/mig-2g.20gb", MIG_1G, NEURON, CORE);

    @TempDir
    static Path dir;
    static PluginHost host;
    static Path pluginDir;
    static Path healthDir;
    static FakeKubelet kubelet;
    static DevicePlugin plugin;
    static RunningPlugin running;
    static Map<String, Api.RegisterRequest> registered;
    static final QueuedXidEvents xids = new QueuedXidEvents();

    static String gpu(int index) {
        return "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a0" + index;
    }

    @BeforeAll
    static void start() throws Exception {
        host = PluginHost.create(dir.resolve("host"), "h100x8-mig", "trn1-32xl");
        pluginDir = dir.resolve("device-plugins");
        healthDir = dir.resolve("unhealthy");
        kubelet = FakeKubelet.start(pluginDir);
        plugin = DevicePlugin.prepare(new PluginOptions(pluginDir, MigStrategy.mixed, DeviceListStrategy.envvar,
                dir.resolve("cdi"), healthDir, Duration.ofMillis(100), dir.resolve("registered"), PlanConfig.DEFAULTS, host.context()), xids.sources(), System.err::println);
        running = RunningPlugin.start(plugin);
        registered = kubelet.awaitRegistrations(RESOURCES, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        running.close();
        kubelet.close();
    }

    @Test
    @Order(1)
    void registersOneEndpointPerResourceOfTheHost() throws InterruptedException {
        assertEquals(RESOURCES.stream().sorted().toList(), registered.keySet().stream().sorted().toList());
        for (Api.RegisterRequest r : registered.values()) {
            assertEquals("v1beta1", r.getVersion());
            assertTrue(Files.exists(pluginDir.resolve(r.getEndpoint())), r.getEndpoint());
            assertTrue(r.getOptions().getGetPreferredAllocationAvailable());
            assertFalse(r.getOptions().getPreStartRequired());
        }
        assertEquals("jaccel-nvidia.com-gpu.sock", registered.get(GPU).getEndpoint());
        assertTrue(eventually(() -> Files.exists(dir.resolve("registered"))), "the readiness file is missing");
    }

    static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @Test
    @Order(2)
    void listsDevicesWithHealthAndNumaNodes() throws Exception {
        Api.ListAndWatchResponse gpus = kubelet.endpoint(registered.get(GPU)).watch().next(WAIT);
        // GPUs 1 and 5 have MIG enabled: under mixed they are offered as MIG devices instead
        assertEquals(List.of(gpu(0), gpu(2), gpu(3), gpu(4), gpu(6), gpu(7)),
                gpus.getDevicesList().stream().map(Api.Device::getID).toList());
        for (Api.Device d : gpus.getDevicesList()) {
            assertEquals("Healthy", d.getHealth());
            int index = d.getID().charAt(d.getID().length() - 1) - '0';
            assertEquals(index < 4 ? 0 : 1, d.getTopology().getNodes(0).getID(), d.getID());
        }
        Api.ListAndWatchResponse migs = kubelet.endpoint(registered.get(MIG_1G)).watch().next(WAIT);
        assertEquals(8, migs.getDevicesCount());   // 7 on GPU 5, 1 on GPU 1
        Api.ListAndWatchResponse cores = kubelet.endpoint(registered.get(CORE)).watch().next(WAIT);
        assertEquals(IntStream.range(0, 32).mapToObj(c -> "neuroncore" + c).toList(),
                cores.getDevicesList().stream().map(Api.Device::getID).toList());
        assertFalse(cores.getDevices(0).hasTopology());   // Neuron sysfs has no PCI link: no NUMA node to tell
    }

    @ParameterizedTest(name = "{0}: available {1}, must {2}, size {3} -> {4}")
    @Order(3)
    @CsvSource(delimiter = ';', value = {
            // GPUs offered: 0 2 3 (NVLinked, NUMA 0; 2 and 3 on one PCIe switch) and 4 6 7 (NVLinked, NUMA 1;
            // 6 and 7 on one switch); no NVLink between the two islands
            "nvidia.com/gpu; 0 2 3 4 6 7; ; 2; 2 3",
            "nvidia.com/gpu; 0 2 3 4 6 7; 7; 2; 6 7",
            "nvidia.com/gpu; 0 2 3 4 6 7; ; 3; 0 2 3",
            "nvidia.com/gpu; 0 3 4 7; ; 2; 0 3",
            "nvidia.com/gpu; 0 2 4 6 7; 0; 2; 0 2",
            "nvidia.com/gpu; 0 2 3 4 6 7; 0 7; 3; 0 6 7",
            "nvidia.com/gpu; 0 2 3 4 6 7; 0 2 7; 2; 0 2 7",
            // trn1.32xlarge torus: 0-1-2-3 and 4-5-6-7 are linked chains, 3 and 4 are not linked
            "aws.amazon.com/neuron; 0 1 2 3 4 5 6 7; ; 4; 0 1 2 3",
            "aws.amazon.com/neuron; 0 1 2 3 4 5 6 7; 5; 4; 4 5 6 7",
            "aws.amazon.com/neuron; 0 2 3 4 5 6 7 8; ; 4; 4 5 6 7",
            "aws.amazon.com/neuron; 0 1 2 3 4 5 6 7; 6; 2; 6 7",
            "aws.amazon.com/neuroncore; 0 1 2 3 4 5 6 7; ; 4; 0 1 2 3",
            "aws.amazon.com/neuroncore; 0 1 2 3 4 5 6 7; 3; 2; 2 3",
            "aws.amazon.com/neuroncore; 1 2 3 4 5 6; ; 2; 2 3",
            // no run holds both: the fallback keeps same-device and linked pairs together
            "aws.amazon.com/neuroncore; 0 1 2 3 4 5 6 7; 1 6; 3; 0 1 6",
    })
    void prefersTopologyAwareSetsAndKeepsMustInclude(String resource, String available, String must, int size,
                                                     String expected) {
        FakeKubelet.Endpoint e = kubelet.endpoint(registered.get(resource));
        List<String> got = e.prefer(ids(resource, available), ids(resource, must), size);
        assertEquals(ids(resource, expected), got);
    }

    private static List<String> ids(String resource, String numbers) {
        if (numbers == null || numbers.isBlank()) {
            return List.of();
        }
        return Arrays.stream(numbers.trim().split(" ")).map(n -> switch (resource) {
            case GPU -> gpu(Integer.parseInt(n));
            case NEURON -> "neuron" + n;
            default -> "neuroncore" + n;
        }).toList();
    }

    @Test
    @Order(4)
    void allocateSetsTheVariablesThePlannerAccepts() {
        FakeKubelet.Endpoint gpus = kubelet.endpoint(registered.get(GPU));
        assertEquals(Map.of("NVIDIA_VISIBLE_DEVICES", gpu(4) + "," + gpu(6)), gpus.allocate(gpu(4), gpu(6)).getEnvsMap());
        FakeKubelet.Endpoint cores = kubelet.endpoint(registered.get(CORE));
        assertEquals(Map.of("AWS_NEURON_VISIBLE_DEVICES", "1,2", "NEURON_RT_VISIBLE_CORES", "2,3,4,5"),
                cores.allocate("neuroncore4", "neuroncore2", "neuroncore5", "neuroncore3").getEnvsMap());
        FakeKubelet.Endpoint devices = kubelet.endpoint(registered.get(NEURON));
        assertEquals(Map.of("AWS_NEURON_VISIBLE_DEVICES", "4,5"), devices.allocate("neuron5", "neuron4").getEnvsMap());
        FakeKubelet.Endpoint mig = kubelet.endpoint(registered.get(MIG_1G));
        String migId = registeredIds(mig).getFirst();
        assertEquals(Map.of("NVIDIA_VISIBLE_DEVICES", migId), mig.allocate(migId).getEnvsMap());
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @Order(5)
    @CsvSource(delimiter = ';', value = {
            "aws.amazon.com/neuroncore; neuroncore0 neuroncore2; FAILED_PRECONDITION; not contiguous",
            "aws.amazon.com/neuroncore; neuroncore99; INVALID_ARGUMENT; 'neuroncore99' is not one of aws.amazon.com/neuroncore",
            "nvidia.com/gpu; " + "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a01; INVALID_ARGUMENT; is not one of nvidia.com/gpu",
    })
    void allocateRefusesWhatThePlannerRefuses(String resource, String ids, Status.Code code, String message) {
        FakeKubelet.Endpoint e = kubelet.endpoint(registered.get(resource));
        StatusRuntimeException ex = assertThrows(StatusRuntimeException.class, () -> e.allocate(ids.split(" ")));
        assertEquals(code, ex.getStatus().getCode());
        assertTrue(ex.getStatus().getDescription().contains(message), ex.getStatus().getDescription());
    }

    private static List<String> registeredIds(FakeKubelet.Endpoint e) {
        try {
            return e.watch().next(WAIT).getDevicesList().stream().map(Api.Device::getID).toList();
        } catch (InterruptedException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    @Order(6)
    void aMarkMakesTheGpuAndItsMigDevicesUnhealthyOnOpenStreamsUntilRemoved() throws Exception {
        FakeKubelet.Watch gpus = kubelet.endpoint(registered.get(GPU)).watch();
        FakeKubelet.Watch migs = kubelet.endpoint(registered.get(MIG_1G)).watch();
        assertTrue(gpus.next(WAIT).getDevicesList().stream().allMatch(d -> d.getHealth().equals("Healthy")));
        List<String> migIds = migs.next(WAIT).getDevicesList().stream().map(Api.Device::getID).toList();

        Files.writeString(healthDir.resolve(gpu(3)), "XID 79 (written by the test)\n");
        Files.writeString(healthDir.resolve(gpu(5)), "XID 48 (written by the test)\n");   // parent of 7 MIG devices
        Api.ListAndWatchResponse sick = gpus.awaitHealth(gpu(3), "Unhealthy", WAIT);
        assertEquals(1, sick.getDevicesList().stream().filter(d -> d.getHealth().equals("Unhealthy")).count());
        Api.ListAndWatchResponse sickMigs = migs.awaitHealth(migIds.getLast(), "Unhealthy", WAIT);
        assertEquals(7, sickMigs.getDevicesList().stream().filter(d -> d.getHealth().equals("Unhealthy")).count());

        Files.delete(healthDir.resolve(gpu(3)));   // the documented way back: remove the mark
        Files.delete(healthDir.resolve(gpu(5)));
        gpus.awaitHealth(gpu(3), "Healthy", WAIT);
        Api.ListAndWatchResponse healed = migs.awaitHealth(migIds.getLast(), "Healthy", WAIT);
        assertTrue(healed.getDevicesList().stream().allMatch(d -> d.getHealth().equals("Healthy")));
    }

    @Test
    @Order(8)
    void anXidArrivingWhileAStreamIsOpenMarksItsGpuOrMigDeviceUnlessItIsAnApplicationError() throws Exception {
        FakeKubelet.Watch gpus = kubelet.endpoint(registered.get(GPU)).watch();
        FakeKubelet.Watch migs = kubelet.endpoint(registered.get(MIG_1G)).watch();
        gpus.next(WAIT);
        migs.next(WAIT);
        xids.events.add(new XidEvent(gpu(3), 13, null, null));   // graphics engine exception: the application's fault
        xids.events.add(new XidEvent(gpu(4), 79, null, null));   // fallen off the bus
        Api.ListAndWatchResponse sick = gpus.awaitHealth(gpu(4), "Unhealthy", WAIT);
        assertEquals(List.of(gpu(4)), sick.getDevicesList().stream().filter(d -> d.getHealth().equals("Unhealthy"))
                .map(Api.Device::getID).toList());
        assertTrue(Files.readString(healthDir.resolve(gpu(4))).startsWith("XID 79 at "));
        assertFalse(Files.exists(healthDir.resolve(gpu(3))));

        // an event naming GPU instance 8 / compute instance 0 of GPU 5 concerns that MIG device alone
        String mig = "MIG-0f7c8e4e-52a6-5d43-8b8a-3a4c1d510080";
        xids.events.add(new XidEvent(gpu(5), 94, 8, 0));
        Api.ListAndWatchResponse sickMigs = migs.awaitHealth(mig, "Unhealthy", WAIT);
        assertEquals(List.of(mig), sickMigs.getDevicesList().stream().filter(d -> d.getHealth().equals("Unhealthy"))
                .map(Api.Device::getID).toList());

        Files.delete(healthDir.resolve(gpu(4)));
        Files.delete(healthDir.resolve(mig));
        gpus.awaitHealth(gpu(4), "Healthy", WAIT);
        migs.awaitHealth(mig, "Healthy", WAIT);
    }

    @Test
    @Order(7)
    void aNeuronDeviceWhoseSysfsEntryOrNodeGoesAwayIsUnhealthyUntilItComesBack() throws Exception {
        FakeKubelet.Watch devices = kubelet.endpoint(registered.get(NEURON)).watch();
        FakeKubelet.Watch cores = kubelet.endpoint(registered.get(CORE)).watch();
        devices.next(WAIT);
        cores.next(WAIT);
        Path sysfs = host.root.resolve("sys/devices/virtual/neuron_device/neuron3");
        Path away = sysfs.resolveSibling("neuron3.away");
        Files.move(sysfs, away);
        devices.awaitHealth("neuron3", "Unhealthy", WAIT);
        Api.ListAndWatchResponse sickCores = cores.awaitHealth("neuroncore7", "Unhealthy", WAIT);
        assertEquals(List.of("neuroncore6", "neuroncore7"), sickCores.getDevicesList().stream()
                .filter(d -> d.getHealth().equals("Unhealthy")).map(Api.Device::getID).toList());
        Files.move(away, sysfs);
        devices.awaitHealth("neuron3", "Healthy", WAIT);

        Path node = host.root.resolve("dev/neuron9");
        Path nodeAway = node.resolveSibling("neuron9.away");
        Files.move(node, nodeAway);
        devices.awaitHealth("neuron9", "Unhealthy", WAIT);
        Files.move(nodeAway, node);
        devices.awaitHealth("neuron9", "Healthy", WAIT);
    }

    private static void emptyPluginDir() throws IOException {
        try (var files = Files.list(pluginDir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    @Order(100)
    void registersAgainWhenTheKubeletRestarts() throws Exception {
        kubelet.close();
        // a starting kubelet removes every socket in its directory, then creates kubelet.sock
        emptyPluginDir();
        kubelet = FakeKubelet.start(pluginDir);
        Map<String, Api.RegisterRequest> again = kubelet.awaitRegistrations(RESOURCES, WAIT);
        for (Api.RegisterRequest r : again.values()) {
            assertTrue(Files.exists(pluginDir.resolve(r.getEndpoint())), r.getEndpoint());
        }
        assertEquals(6, kubelet.endpoint(again.get(GPU)).watch().next(WAIT).getDevicesCount());
    }

    /**
     * The kubelet's directory removed (every file, then the directory) and made again after
     * {@code pause}; the plugin may re-create a socket of ours in the directory before it goes, as
     * it should for a socket removed alone, so the removal is tried until it holds.
     */
    private static void replacePluginDir(long pauseMillis) throws Exception {
        kubelet.close();
        for (int attempt = 0; ; attempt++) {
            emptyPluginDir();
            try {
                Files.delete(pluginDir);
                break;
            } catch (DirectoryNotEmptyException e) {
                if (attempt == 50) {
                    throw e;
                }
            }
        }
        Thread.sleep(pauseMillis);
        kubelet = FakeKubelet.start(pluginDir);
    }

    @ParameterizedTest(name = "made again after {0} ms")
    @Order(101)
    @CsvSource({"300", "50", "0"})
    void registersAgainWhenTheWholeDirectoryIsRecreated(long pauseMillis) throws Exception {
        replacePluginDir(pauseMillis);
        Map<String, Api.RegisterRequest> again = kubelet.awaitRegistrations(RESOURCES, WAIT);
        // every endpoint the kubelet is told about serves: none is one the plugin then takes down
        for (String resource : RESOURCES) {
            assertTrue(kubelet.endpoint(again.get(resource)).watch().next(WAIT).getDevicesCount() > 0, resource);
        }
        registered = again;
    }
}
