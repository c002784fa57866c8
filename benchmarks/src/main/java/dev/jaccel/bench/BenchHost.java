package dev.jaccel.bench;

import dev.jaccel.bench.nvml.RawFfmNvml;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.testkit.SimulatedHost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The host a benchmark JVM runs against, taken from the environment the same way {@code bin/jaccel}
 * takes it ({@code JACCEL_NVML_LIBRARY}, {@code JACCEL_HOST_ROOT}), because JMH forks inherit the
 * launcher's environment and cannot set their own (scripts/bench.sh sets it).
 *
 * <p>With the fake NVML ({@code FAKE_NVML_CONFIG} set), each fork lays out the testkit's simulated
 * host ({@value SimulatedHost#DEFAULT_PROFILE}: 8 x H100 80GB HBM3, MIG on two of them) in a private
 * directory and copies its NVML config to the file {@code FAKE_NVML_CONFIG} names before anything
 * initialises the library. With a real driver (no {@code FAKE_NVML_CONFIG}), the machine's own GPUs
 * and host root are measured.
 */
public final class BenchHost {
    public static final String ENV_FAKE_NVML_CONFIG = "FAKE_NVML_CONFIG";
    private static HostContext context;

    private BenchHost() {
    }

    /** Prepares the host once per JVM and returns where jaccel looks. */
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

    /** Full discovery through every backend on the class path (NVML through FFM). */
    public static Inventory discover() {
        return Inventories.discover(context());
    }

    private static HostContext prepare(Map<String, String> processEnv) {
        Map<String, String> env = new HashMap<>(processEnv);
        String fakeConfig = env.get(ENV_FAKE_NVML_CONFIG);
        if (fakeConfig != null && !fakeConfig.isBlank()) {
            if (env.get(HostContext.ENV_NVML_LIBRARY) == null) {
                throw new IllegalStateException(ENV_FAKE_NVML_CONFIG + " is set but " + HostContext.ENV_NVML_LIBRARY
                        + " is not: point it at testkit/target/native/libnvidia-ml.so.1 (scripts/bench.sh does)");
            }
            try {
                Path dir = Files.createTempDirectory("jaccel-bench-host");
                Map<String, String> simulated = SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE);
                Path target = Path.of(fakeConfig);
                Files.createDirectories(target.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".fake-nvml", ".json");
                Files.copy(Path.of(simulated.get(ENV_FAKE_NVML_CONFIG)), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                env.putIfAbsent(HostContext.ENV_HOST_ROOT, simulated.get(HostContext.ENV_HOST_ROOT));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lay out the simulated host", e);
            }
        }
        HostContext host = HostContext.resolve(env, null, null, null);
        System.setProperty(RawFfmNvml.LIBRARY_PROPERTY, host.nvmlLibrary().orElse("libnvidia-ml.so.1"));
        return host;
    }
}
