package dev.jaccel.deviceplugin;

import dev.jaccel.core.plan.PlanConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.MigStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import v1beta1.Api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NVIDIA health from NVML's own events: the fake NVML (8 x H100) delivers XID 13 on GPU 2 and
 * XID 79 on GPU 3 a few seconds after the plugin registered for events, while the kubelet
 * stand-in holds a ListAndWatch stream open; a GPU NVML reports lost; and the topology the plugin
 * reads from NVML.
 */
class NvmlHealthAndTopologyTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String GPU = "nvidia.com/gpu";

    @TempDir
    static Path dir;
    static FakeKubelet kubelet;
    static DevicePlugin plugin;
    static RunningPlugin running;
    static FakeKubelet.Watch watch;

    static String gpu(int index) {
        return "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a0" + index;
    }

    @BeforeAll
    static void start() throws Exception {
        // events fire afterMs after the plugin's event set is created: late enough for the stream to be open;
        // GPU 6 has fallen off the bus: NVML answers GPU_IS_LOST when it is looked up by UUID
        PluginHost host = PluginHost.create(dir.resolve("host"), NvmlHealthAndTopologyTest::withEventsAndALostGpu, "h100x8-mig");
        Path pluginDir = dir.resolve("device-plugins");
        kubelet = FakeKubelet.start(pluginDir);
        plugin = DevicePlugin.prepare(new PluginOptions(pluginDir, MigStrategy.none, DeviceListStrategy.envvar,
                dir.resolve("cdi"), dir.resolve("unhealthy"), Duration.ofSeconds(1), null, PlanConfig.DEFAULTS, host.context()), System.err::println);
        running = RunningPlugin.start(plugin);
        Map<String, Api.RegisterRequest> registered = kubelet.awaitRegistrations(List.of(GPU), WAIT);
        watch = kubelet.endpoint(registered.get(GPU)).watch();
    }

    private static String withEventsAndALostGpu(String json) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode config = (ObjectNode) mapper.readTree(json);
            ArrayNode events = config.putArray("events");
            events.addObject().put("device", 2).put("xid", 13).put("afterMs", 4000);
            events.addObject().put("device", 3).put("xid", 79).put("afterMs", 4500);
            ((ObjectNode) config.get("devices").get(6)).putObject("errors").put("nvmlDeviceGetHandleByUUID", "GPU_IS_LOST");
            return mapper.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        running.close();
        kubelet.close();
    }

    @Test
    void aCriticalXidOnAnOpenStreamMarksItsGpuAndAnApplicationXidDoesNot() throws Exception {
        Api.ListAndWatchResponse first = watch.next(WAIT);
        assertEquals(8, first.getDevicesCount());
        Api.ListAndWatchResponse sick = watch.awaitHealth(gpu(3), "Unhealthy", WAIT);
        // XID 13 (delivered first) left GPU 2 healthy; GPU 6 is the lost one
        assertEquals(List.of(gpu(3), gpu(6)), sick.getDevicesList().stream().filter(d -> d.getHealth().equals("Unhealthy"))
                .map(Api.Device::getID).toList());
        Path mark = dir.resolve("unhealthy").resolve(gpu(3));
        assertTrue(Files.readString(mark).startsWith("XID 79 at "));
        assertFalse(Files.exists(dir.resolve("unhealthy").resolve(gpu(2))));

        Files.delete(mark);   // the way back
        watch.awaitHealth(gpu(3), "Healthy", WAIT);
    }

    @Test
    void aLostGpuIsUnhealthyFromTheFirstLook() {
        Api.ListAndWatchResponse list = plugin.services().getFirst().list();
        assertEquals("Unhealthy", list.getDevices(6).getHealth());
        String problem = plugin.health().problem(List.of(gpu(6))).orElseThrow();
        assertTrue(problem.contains("GPU_IS_LOST"), problem);
    }

    @Test
    void numaNodesComeFromTheHostAndNvlinkIslandsDecideThePreference() {
        Api.ListAndWatchResponse list = plugin.services().getFirst().list();
        for (int i = 0; i < 8; i++) {
            assertEquals(i < 4 ? 0 : 1, list.getDevices(i).getTopology().getNodes(0).getID(), gpu(i));
        }
        FakeKubelet.Endpoint e = kubelet.endpoint(kubelet.pendingOrRegistered(GPU));
        // GPUs 0-3 and 4-7 are NVLink islands; 0/1 and 2/3 share a PCIe switch
        assertEquals(List.of(gpu(0), gpu(1)), e.prefer(List.of(gpu(0), gpu(1), gpu(2), gpu(4)), List.of(), 2));
        assertEquals(List.of(gpu(4), gpu(5), gpu(6), gpu(7)),
                e.prefer(List.of(gpu(0), gpu(1), gpu(2), gpu(4), gpu(5), gpu(6), gpu(7)), List.of(gpu(6)), 4));
    }
}
