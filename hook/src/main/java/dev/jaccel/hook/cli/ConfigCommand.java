package dev.jaccel.hook.cli;

import dev.jaccel.core.config.HostSettings;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.Invocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code jaccel config show}: the configuration every command works with. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "jaccel's configuration file.",
        subcommands = {ConfigCommand.Show.class})
public final class ConfigCommand extends CommandGroup {

    @Command(name = "show", mixinStandardHelpOptions = true, description = {
            "Print the effective configuration as TOML: every key with its value (the file's, else the default)",
            "and what it does, the locations overridden by the environment applied. The output is itself a",
            "valid config.toml. A bad file is exit 2 naming its line and key."},
            footer = {"", "Files: --config FILE, else $JACCEL_CONFIG, else /etc/jaccel/config.toml (absent: defaults).",
                    "Environment that wins over the file: JACCEL_SNAPSHOT, JACCEL_HOST_ROOT, JACCEL_NVML_LIBRARY,",
                    "JACCEL_NRT_LIBRARY."})
    public static final class Show implements Runnable {
        private final Invocation invocation;

        public Show(Invocation invocation) {
            this.invocation = invocation;
        }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Override
        public void run() {
            Map<String, String> env = invocation.env();
            JaccelConfig file = config.load(env);
            List<String> notes = new ArrayList<>();
            JaccelConfig effective = withEnvironment(file, env, notes);
            PrintWriter out = spec.commandLine().getOut();
            out.println("# jaccel configuration in effect");
            out.println("# file: " + file.source().map(Path::toString)
                    .orElse("none (" + JaccelConfig.DEFAULT_PATH + " does not exist): defaults"));
            notes.forEach(n -> out.println("# environment: " + n));
            out.print(effective.toToml());
            out.flush();
        }

        /** The locations a variable overrides, applied, with one note per override. */
        static JaccelConfig withEnvironment(JaccelConfig c, Map<String, String> env, List<String> notes) {
            Path snapshot = c.snapshotPath(env);
            if (!snapshot.equals(c.snapshot())) {
                notes.add(InventorySnapshot.ENV_SNAPSHOT + " overrides inventory.snapshot");
            }
            HostSettings h = c.host();
            String root = override(env, HostContext.ENV_HOST_ROOT, "host.root", notes).orElse(h.root());
            Optional<String> nvml = override(env, HostContext.ENV_NVML_LIBRARY, "host.nvml-library", notes).or(h::nvmlLibrary);
            Optional<String> nrt = override(env, HostContext.ENV_NRT_LIBRARY, "host.nrt-library", notes).or(h::nrtLibrary);
            return new JaccelConfig(c.source(), c.plan(), c.cdiSpecDirs(), c.cdiOutputDir(), snapshot,
                    new HostSettings(root, nvml, nrt));
        }

        private static Optional<String> override(Map<String, String> env, String variable, String key, List<String> notes) {
            String v = env.get(variable);
            if (v == null || v.isBlank()) {
                return Optional.empty();
            }
            notes.add(variable + " overrides " + key);
            return Optional.of(v);
        }
    }
}
