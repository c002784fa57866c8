package dev.jaccel.bench;

import dev.jaccel.bench.nvml.RawFfmNvml;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The host a benchmark JVM runs against, taken from the environment the same way {@code bin/jaccel}
 * takes it ({@code JACCEL_NVML_LIBRARY}, {@code JACCEL_HOST_ROOT}), because JMH forks inherit the
 * launcher's environment and cannot set their own (scripts/bench.sh sets it).
 *
 * <p>With the fake NVML ({@code FAKE_NVML_CONFIG} set), the fork writes {@link SimulatedHost}'s config
 * to that file before anything initialises the library, so every benchmark sees the same 8-GPU
 * host; with a real driver (no {@code FAKE_NVML_CONFIG}) the machine's own GPUs are measured.
 */
public final class BenchHost {
    public static final String ENV_FAKE_NVML_CONFIG = "FAKE_NVML_CONFIG";
    private static HostContext context;

    private BenchHost() {
    }

    /** Prepares the simulated host once per JVM and returns where jaccel should look. */
    public static synchronized HostContext context() {
        if (context == null) {
            context = prepare(System.getenv());
        }
        return context;
    }

    /** The NVML library every binding in this JVM loads. */
    public static String nvmlLibrary() {
        return context().nvmlLibrary().orElse("libnvidia-ml.so.1");
    }

    private static HostContext prepare(Map<String, String> env) {
        String fakeConfig = env.get(ENV_FAKE_NVML_CONFIG);
        if (fakeConfig != null && !fakeConfig.isBlank()) {
            SimulatedHost.writeNvmlConfig(Path.of(fakeConfig));
        }
        HostContext host = HostContext.resolve(env, null, null, null);
        if (fakeConfig != null && host.nvmlLibrary().isEmpty()) {
            throw new IllegalStateException(ENV_FAKE_NVML_CONFIG + " is set but " + HostContext.ENV_NVML_LIBRARY
                    + " is not: point it at testkit/target/native/libnvidia-ml.so.1 (scripts/bench.sh does)");
        }
        if (env.get(HostContext.ENV_HOST_ROOT) == null) {
            // no host root given: lay the simulated one out in a private directory
            try {
                Path root = Files.createTempDirectory("jaccel-bench-host");
                SimulatedHost.writeHostTree(root);
                host = new HostContext(root, host.nvmlLibrary(), host.nrtLibrary(), host.env());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        System.setProperty(RawFfmNvml.LIBRARY_PROPERTY, host.nvmlLibrary().orElse("libnvidia-ml.so.1"));
        return host;
    }
}
