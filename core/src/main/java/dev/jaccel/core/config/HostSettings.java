package dev.jaccel.core.config;

import dev.jaccel.core.spi.HostContext;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code [host]} table: defaults for {@code --host-root}, {@code --nvml-library} and
 * {@code --nrt-library}. A flag wins over its environment variable, which wins over these.
 *
 * @param root        where {@code /proc}, {@code /sys}, {@code /dev} and driver files are read
 * @param nvmlLibrary NVML to load; empty: {@code libnvidia-ml.so.1} through the system search
 * @param nrtLibrary  libnrt to load; empty: {@code /opt/aws/neuron/lib/libnrt.so.1}, then the system search
 */
public record HostSettings(String root, Optional<String> nvmlLibrary, Optional<String> nrtLibrary) {
    public static final HostSettings DEFAULTS = new HostSettings("/", Optional.empty(), Optional.empty());

    /**
     * The host a command works on: each location from its flag (null when not given), else its
     * environment variable ({@code JACCEL_HOST_ROOT}, {@code JACCEL_NVML_LIBRARY},
     * {@code JACCEL_NRT_LIBRARY}), else this file's value. Every command resolves them this way.
     */
    public HostContext resolve(Map<String, String> env, String rootFlag, String nvmlFlag, String nrtFlag) {
        return HostContext.resolve(env, first(rootFlag, env.get(HostContext.ENV_HOST_ROOT), root),
                first(nvmlFlag, env.get(HostContext.ENV_NVML_LIBRARY), nvmlLibrary.orElse(null)),
                first(nrtFlag, env.get(HostContext.ENV_NRT_LIBRARY), nrtLibrary.orElse(null)));
    }

    private static String first(String flag, String env, String file) {
        return flag != null && !flag.isBlank() ? flag : env != null && !env.isBlank() ? env : file;
    }
}
