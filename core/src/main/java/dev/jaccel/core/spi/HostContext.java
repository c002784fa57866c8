package dev.jaccel.core.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a backend looks: the host root ({@code /proc}, {@code /sys}, {@code /dev} and driver files
 * are read under it, like nvidia-ctk's driver root), explicit library paths, and the environment
 * that tunes discovery (e.g. {@code NEURON_LOGICAL_NC_CONFIG}).
 */
public record HostContext(Path hostRoot, Optional<String> nvmlLibrary, Optional<String> nrtLibrary,
                          Map<String, String> env) {

    public static final String ENV_HOST_ROOT = "JACCEL_HOST_ROOT";
    public static final String ENV_NVML_LIBRARY = "JACCEL_NVML_LIBRARY";
    public static final String ENV_NRT_LIBRARY = "JACCEL_NRT_LIBRARY";

    public HostContext {
        Objects.requireNonNull(hostRoot, "hostRoot");
        env = Map.copyOf(env);
    }

    /**
     * Resolves each location from its flag first, then its environment variable, then the default.
     * A {@code null} flag means "not given".
     */
    public static HostContext resolve(Map<String, String> env, String hostRootFlag, String nvmlFlag,
                                      String nrtFlag) {
        String root = firstNonBlank(hostRootFlag, env.get(ENV_HOST_ROOT), "/");
        return new HostContext(Path.of(root).toAbsolutePath().normalize(),
                Optional.ofNullable(firstNonBlank(nvmlFlag, env.get(ENV_NVML_LIBRARY), null)),
                Optional.ofNullable(firstNonBlank(nrtFlag, env.get(ENV_NRT_LIBRARY), null)),
                env);
    }

    public static HostContext ofRoot(Path hostRoot) {
        return new HostContext(hostRoot, Optional.empty(), Optional.empty(), Map.of());
    }

    /** A host path under the root: {@code host("/proc/devices")}. */
    public Path host(String absolutePath) {
        String relative = absolutePath.startsWith("/") ? absolutePath.substring(1) : absolutePath;
        return hostRoot.resolve(relative);
    }

    private static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return fallback;
    }
}
