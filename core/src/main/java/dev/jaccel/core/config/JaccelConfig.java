package dev.jaccel.core.config;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.plan.PlanConfig;
import dev.jaccel.core.snapshot.InventorySnapshot;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The effective configuration: the file's values over the defaults, as plain records (no TOML
 * types). Environment variables that name a location ({@code JACCEL_SNAPSHOT},
 * {@code JACCEL_HOST_ROOT}, ...) still win over the file; {@link #snapshotPath} applies that rule.
 *
 * @param source       the file read, empty when none was (defaults)
 * @param plan         how requests are read and what Neuron names containers see (the planner's settings)
 * @param cdiSpecDirs  folders that hold CDI specs ({@code nvidia-container-runtime.modes.cdi.spec-dirs})
 * @param cdiOutputDir where {@code jaccel cdi generate} writes its specs
 * @param snapshot     the inventory snapshot
 * @param host         defaults for the host root and the library locations
 */
public record JaccelConfig(Optional<Path> source, PlanConfig plan, List<Path> cdiSpecDirs, Path cdiOutputDir,
                           Path snapshot, HostSettings host) {
    public static final String ENV_CONFIG = "JACCEL_CONFIG";
    public static final Path DEFAULT_PATH = Path.of("/etc/jaccel/config.toml");

    public static final JaccelConfig DEFAULTS = new JaccelConfig(Optional.empty(), PlanConfig.DEFAULTS,
            List.of(Path.of("/etc/cdi"), Path.of("/var/run/cdi")), Path.of("/etc/cdi"), InventorySnapshot.DEFAULT_PATH,
            HostSettings.DEFAULTS);

    public JaccelConfig {
        cdiSpecDirs = List.copyOf(cdiSpecDirs);
    }

    /**
     * The configuration of a command that was given no {@code --config}: the file named by
     * {@code JACCEL_CONFIG}, which must exist, else {@code /etc/jaccel/config.toml} when it exists,
     * else the defaults.
     *
     * @throws JaccelException exit 2 naming the file, the line and the key of a bad setting
     */
    public static JaccelConfig load(Map<String, String> env) {
        String named = env.get(ENV_CONFIG);
        if (named != null && !named.isBlank()) {
            return load(Path.of(named), ENV_CONFIG + "=" + named);
        }
        return Files.exists(DEFAULT_PATH, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(DEFAULT_PATH)
                ? load(DEFAULT_PATH, DEFAULT_PATH.toString()) : DEFAULTS;
    }

    /**
     * The configuration in {@code file}, which must exist ({@code --config FILE}).
     *
     * @param given how the user named the file, for the "no such file" message
     * @throws JaccelException exit 2 naming the file, the line and the key of a bad setting
     */
    public static JaccelConfig load(Path file, String given) {
        return ConfigFile.read(file, given);
    }

    /**
     * This configuration as a {@code config.toml}: every key, its value and a comment on what it
     * does (what {@code jaccel config show} prints; reading it back gives the same configuration).
     */
    public String toToml() {
        return ConfigFile.render(this);
    }

    /** {@code JACCEL_SNAPSHOT} when set, else the configured snapshot. */
    public Path snapshotPath(Map<String, String> env) {
        String file = env.get(InventorySnapshot.ENV_SNAPSHOT);
        return file == null || file.isBlank() ? snapshot : Path.of(file);
    }
}
