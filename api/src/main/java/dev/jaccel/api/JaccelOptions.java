package dev.jaccel.api;

import dev.jaccel.core.config.HostSettings;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.spi.HostContext;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@link Jaccel} looks: the host root ({@code /proc}, {@code /sys}, {@code /dev} are read under
 * it) and the two vendor libraries. {@link #fromEnvironment()} resolves them as the {@code jaccel}
 * command does: {@code JACCEL_HOST_ROOT}, {@code JACCEL_NVML_LIBRARY}, {@code JACCEL_NRT_LIBRARY},
 * then the {@code [host]} table of jaccel's configuration file ({@code JACCEL_CONFIG}, else
 * {@code /etc/jaccel/config.toml} when it exists), then the defaults: {@code /},
 * {@code libnvidia-ml.so.1} through the system search, {@code /opt/aws/neuron/lib/libnrt.so.1}
 * then the system search.
 *
 * @param hostRoot    where host files are read
 * @param nvmlLibrary NVML's name or path; empty: the default
 * @param nrtLibrary  libnrt's name or path; empty: the default
 * @param env         the environment discovery may consult ({@code NEURON_LOGICAL_NC_CONFIG})
 */
public record JaccelOptions(Path hostRoot, Optional<String> nvmlLibrary, Optional<String> nrtLibrary,
                            Map<String, String> env) {
    public JaccelOptions {
        Objects.requireNonNull(hostRoot, "hostRoot");
        Objects.requireNonNull(nvmlLibrary, "nvmlLibrary");
        Objects.requireNonNull(nrtLibrary, "nrtLibrary");
        env = Map.copyOf(env);
    }

    /** The defaults, ignoring the environment: {@code /} and the system's libraries. */
    public static JaccelOptions defaults() {
        return new JaccelOptions(Path.of("/"), Optional.empty(), Optional.empty(), Map.of());
    }

    /** As the {@code jaccel} command resolves them from this process's environment. */
    public static JaccelOptions fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * As the {@code jaccel} command resolves them from {@code env}.
     *
     * @throws dev.jaccel.core.JaccelException when the configuration file is bad (it names the file, line and key)
     */
    public static JaccelOptions fromEnvironment(Map<String, String> env) {
        HostSettings file = JaccelConfig.load(env).host();
        HostContext host = HostContext.resolve(env, first(env.get(HostContext.ENV_HOST_ROOT), file.root()),
                first(env.get(HostContext.ENV_NVML_LIBRARY), file.nvmlLibrary().orElse(null)),
                first(env.get(HostContext.ENV_NRT_LIBRARY), file.nrtLibrary().orElse(null)));
        return new JaccelOptions(host.hostRoot(), host.nvmlLibrary(), host.nrtLibrary(), env);
    }

    private static String first(String env, String file) {
        return env != null && !env.isBlank() ? env : file;
    }

    public JaccelOptions withHostRoot(Path root) {
        return new JaccelOptions(root.toAbsolutePath().normalize(), nvmlLibrary, nrtLibrary, env);
    }

    /** NVML by name (system search) or path. */
    public JaccelOptions withNvmlLibrary(String nameOrPath) {
        return new JaccelOptions(hostRoot, Optional.of(nameOrPath), nrtLibrary, env);
    }

    /** libnrt by name (system search) or path. */
    public JaccelOptions withNrtLibrary(String nameOrPath) {
        return new JaccelOptions(hostRoot, nvmlLibrary, Optional.of(nameOrPath), env);
    }

    /** The same locations as core's {@link HostContext}, for the discovery backends. */
    public HostContext hostContext() {
        return new HostContext(hostRoot, nvmlLibrary, nrtLibrary, env);
    }
}
