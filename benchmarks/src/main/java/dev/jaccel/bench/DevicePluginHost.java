package dev.jaccel.bench;

import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.SimulatedHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The device plugin's benchmark host: the testkit's 8 x H100 host and trn1.32xlarge (16 Trainium
 * devices) laid out in one tree, as a node with both vendors. The fake NVML's config goes where
 * {@code FAKE_NVML_CONFIG} says (JMH forks inherit it from scripts/bench.sh); without that variable
 * the config stays in {@code dir} and only a child process given {@link #env} can use it.
 */
final class DevicePluginHost {
    final Map<String, String> env = new HashMap<>();

    DevicePluginHost(Path dir) throws IOException {
        env.putAll(SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE));
        env.putAll(SimulatedHost.create(dir, "trn1-32xl"));
        // the library the launcher points at (scripts/bench.sh), as BenchHost takes it
        String library = System.getenv(HostContext.ENV_NVML_LIBRARY);
        if (library != null && !library.isBlank()) {
            env.put(HostContext.ENV_NVML_LIBRARY, library);
        }
        String jvmConfig = System.getenv(BenchHost.ENV_FAKE_NVML_CONFIG);
        if (jvmConfig != null && !jvmConfig.isBlank()) {
            Path target = Path.of(jvmConfig).toAbsolutePath();
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".fake-nvml", ".json");
            Files.copy(Path.of(env.get(BenchHost.ENV_FAKE_NVML_CONFIG)), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            env.put(BenchHost.ENV_FAKE_NVML_CONFIG, target.toString());
        }
        // the JVM's own FAKE_NRT_CONFIG cannot be set: the runtime version is simply left unknown
        env.put(HostContext.ENV_NRT_LIBRARY, dir.resolve("no-libnrt.so.1").toString());
    }

    HostContext context() {
        return HostContext.resolve(env, null, null, null);
    }
}
