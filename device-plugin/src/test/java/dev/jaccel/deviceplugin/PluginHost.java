package dev.jaccel.deviceplugin;

import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.SimulatedHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.function.UnaryOperator;
import java.util.Map;

/**
 * A simulated host with NVIDIA GPUs and Neuron devices side by side (the testkit's 8 x H100 MIG
 * host, two NVLink islands 0-3 and 4-7 on NUMA nodes 0 and 1, and a trn1.32xlarge, laid out in one
 * tree). The fakes read their configs from the files surefire names for this JVM, so they are
 * copied there before the first init; {@code nvmlEdit} may change the NVML config first.
 */
final class PluginHost {
    final Map<String, String> env;
    final Path root;

    private PluginHost(Map<String, String> env) {
        this.env = env;
        this.root = Path.of(env.get("JACCEL_HOST_ROOT"));
    }

    static PluginHost create(Path dir, String... profiles) throws IOException {
        return create(dir, json -> json, profiles);
    }

    static PluginHost create(Path dir, UnaryOperator<String> nvmlEdit, String... profiles) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String p : profiles) {
            env.putAll(SimulatedHost.create(dir, p));
        }
        if (env.containsKey("FAKE_NVML_CONFIG")) {
            Path config = Path.of(env.get("FAKE_NVML_CONFIG"));
            Files.writeString(config, nvmlEdit.apply(Files.readString(config)));
        }
        copyToJvmConfig(env, "FAKE_NVML_CONFIG");
        copyToJvmConfig(env, "FAKE_NRT_CONFIG");
        PluginHost host = new PluginHost(env);
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
