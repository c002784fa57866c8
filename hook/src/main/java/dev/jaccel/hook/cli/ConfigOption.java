package dev.jaccel.hook.cli;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.plan.PlanConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** {@code --config FILE}: jaccel's configuration file, shared by every command that reads it. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "jaccel's configuration file (default: $JACCEL_CONFIG, else /etc/jaccel/config.toml "
                    + "when it exists; see jaccel config show).")
    Path file;

    private JaccelConfig loaded;

    /**
     * The file's settings over the defaults; read once per command. A {@code --config} file that
     * holds a JSON object is the planner settings object {@code jaccel plan --config} took before
     * the configuration file existed (NVIDIA's key names): still accepted, the rest at defaults.
     */
    JaccelConfig load(Map<String, String> env) {
        if (loaded == null) {
            loaded = file == null ? JaccelConfig.load(env)
                    : startsWithBrace(file) ? legacyPlanSettings(file)
                    : JaccelConfig.load(file, "--config " + file);
        }
        return loaded;
    }

    private static JaccelConfig legacyPlanSettings(Path file) {
        Object tree;
        try (InputStream in = Files.newInputStream(file)) {
            tree = JsonTree.read(in);
        } catch (IOException e) {
            throw JaccelException.badInput("--config " + file + ": not valid JSON: " + e.getMessage());
        }
        PlanConfig plan = PlanConfig.fromJson(tree, "--config " + file);
        JaccelConfig d = JaccelConfig.DEFAULTS;
        return new JaccelConfig(Optional.of(file), plan, d.cdiSpecDirs(), d.cdiOutputDir(), d.snapshot(), d.host());
    }

    private static boolean startsWithBrace(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (!Character.isWhitespace(b)) {
                    return b == '{';
                }
            }
            return false;
        } catch (IOException e) {
            return false; // the configuration reader says what is wrong with it
        }
    }
}
