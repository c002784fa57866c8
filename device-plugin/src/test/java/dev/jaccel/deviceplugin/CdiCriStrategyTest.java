package dev.jaccel.deviceplugin;

import dev.jaccel.core.plan.PlanConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.MigStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import v1beta1.Api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --device-list-strategy cdi-cri}: Allocate names devices of the CDI specs the plugin keeps
 * fresh in its CDI directory (the files and names of {@code jaccel cdi generate}).
 */
class CdiCriStrategyTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String GPU0 = "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a00";
    static final String GPU2 = "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a02";

    @TempDir
    static Path dir;
    static Path cdiDir;
    static FakeKubelet kubelet;
    static DevicePlugin plugin;
    static RunningPlugin running;
    static Map<String, Api.RegisterRequest> registered;

    @BeforeAll
    static void start() throws Exception {
        PluginHost host = PluginHost.create(dir.resolve("host"), "h100x8-mig", "trn1-32xl");
        cdiDir = dir.resolve("cdi");
        Path pluginDir = dir.resolve("device-plugins");
        kubelet = FakeKubelet.start(pluginDir);
        plugin = DevicePlugin.prepare(new PluginOptions(pluginDir, MigStrategy.none, DeviceListStrategy.cdi_cri,
                cdiDir, dir.resolve("unhealthy"), Duration.ofSeconds(5), null, PlanConfig.DEFAULTS, host.context()), System.err::println);
        running = RunningPlugin.start(plugin);
        registered = kubelet.awaitRegistrations(List.of("nvidia.com/gpu", "aws.amazon.com/neuroncore"), WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        running.close();
        kubelet.close();
    }

    private static List<String> names(Api.ContainerAllocateResponse r) {
        return r.getCdiDevicesList().stream().map(Api.CDIDevice::getName).toList();
    }

    private static List<String> specDevices(String file) throws Exception {
        JsonNode spec = new ObjectMapper().readTree(cdiDir.resolve(file).toFile());
        List<String> out = new ArrayList<>();
        spec.get("devices").forEach(d -> out.add(spec.get("kind").asText() + "=" + d.get("name").asText()));
        return out;
    }

    @Test
    void allocateNamesDevicesOfTheSpecsItWrote() throws Exception {
        Api.ContainerAllocateResponse gpus = kubelet.endpoint(registered.get("nvidia.com/gpu")).allocate(GPU2, GPU0);
        assertEquals(List.of("nvidia.com/gpu=" + GPU2, "nvidia.com/gpu=" + GPU0), names(gpus));
        assertEquals(Map.of(), gpus.getEnvsMap());
        assertTrue(specDevices("jaccel-nvidia.json").containsAll(names(gpus)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cdiDir.resolve("jaccel-nvidia.json"))));

        Api.ContainerAllocateResponse cores = kubelet.endpoint(registered.get("aws.amazon.com/neuroncore"))
                .allocate("neuroncore3", "neuroncore4");
        assertEquals(List.of("aws.amazon.com/neuron=1", "aws.amazon.com/neuron=2"), names(cores));
        assertEquals(Map.of("NEURON_RT_VISIBLE_CORES", "3,4"), cores.getEnvsMap());   // CDI cannot name cores
        assertTrue(specDevices("jaccel-neuron.json").containsAll(names(cores)));
    }

    @Test
    void specsNameHostPathsAsTheHostSeesThemNotUnderThePluginsHostRoot() throws Exception {
        String spec = Files.readString(cdiDir.resolve("jaccel-nvidia.json"));
        assertTrue(spec.contains("\"hostPath\":\"/dev/nvidia3\"") || spec.contains("\"hostPath\" : \"/dev/nvidia3\""), spec);
        assertFalse(spec.contains(dir.toString()), "a host path still carries the simulated host's root");
    }

    @Test
    void aMissingOrStaleSpecIsWrittenAgainBeforeAllocateAnswers() throws Exception {
        FakeKubelet.Endpoint gpus = kubelet.endpoint(registered.get("nvidia.com/gpu"));
        gpus.allocate(GPU0);
        Path spec = cdiDir.resolve("jaccel-nvidia.json");
        byte[] fresh = Files.readAllBytes(spec);

        Files.delete(spec);
        gpus.allocate(GPU0);
        assertArrayEquals(fresh, Files.readAllBytes(spec));

        Files.writeString(spec, "{\"cdiVersion\":\"0.6.0\",\"kind\":\"nvidia.com/gpu\",\"devices\":[]}");
        gpus.allocate(GPU0);
        assertArrayEquals(fresh, Files.readAllBytes(spec));
    }
}
