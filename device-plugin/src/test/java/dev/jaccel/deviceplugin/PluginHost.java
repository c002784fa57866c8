package dev.jaccel.deviceplugin;

import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.SimulatedHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated host with NVIDIA GPUs and Neuron devices side by side (the testkit's 8 x H100 MIG
 * host and trn1.32xlarge, laid out in one tree), with the GPUs' NUMA nodes in sysfs: GPUs 0-3 on
 * node 0, 4-7 on node 1. The fakes read their configs from the files surefire names for this JVM,
 * so they are copied there before the first init.
 */
final class PluginHost {
    static final List<String> GPU_BUS_IDS = List.of("0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:5d:00.0",
            "0000:9a:00.0", "0000:ab:00.0", "0000:ba:00.0", "0000:db:00.0");

    final Map<String, String> env;
    final Path root;

    private PluginHost(Map<String, String> env) {
        this.env = env;
        this.root = Path.of(env.get("JACCEL_HOST_ROOT"));
    }

    static PluginHost create(Path dir, String... profiles) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String p : profiles) {
            env.putAll(SimulatedHost.create(dir, p));
        }
        copyToJvmConfig(env, "FAKE_NVML_CONFIG");
        copyToJvmConfig(env, "FAKE_NRT_CONFIG");
        PluginHost host = new PluginHost(env);
        if (env.containsKey("FAKE_NVML_CONFIG")) {
            for (int i = 0; i < GPU_BUS_IDS.size(); i++) {
                Path node = host.root.resolve("sys/bus/pci/devices/" + GPU_BUS_IDS.get(i) + "/numa_node");
                Files.createDirectories(node.getParent());
                Files.writeString(node, (i < 4 ? "0" : "1") + "\n");
            }
        }
        return host;
    }

    private static void copyToJvmConfig(Map<String, String> env, String variable) throws IOException {
        String jvm = System.getenv(variable);
        if (env.containsKey(variable) && jvm != null) {
            Files.createDirectories(Path.of(jvm).getParent());
            Files.copy(Path.of(env.get(variable)), Path.of(jvm), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    HostContext context() {
        return HostContext.resolve(env, null, null, null);
    }
}
