package dev.jaccel.hook.cli;

import dev.jaccel.hook.Invocation;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.core.json.JsonTree;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jaccel runtime configure --docker}: registers {@code jaccel runtime} (the runc shim) as a
 * Docker runtime in daemon.json, keeping every other key and their order. {@code jaccel runtime}
 * with any other arguments is the shim itself, so {@code Main} routes {@code runtime configure}
 * here through {@link #run} before the shim sees it (runc has no {@code configure} command).
 */
@Command(name = "jaccel runtime configure", mixinStandardHelpOptions = true, description = {
        "Register jaccel's runc shim as a Docker runtime: adds runtimes.<name> = {path: <bin/jaccel>,",
        "runtimeArgs: [\"runtime\"]} to daemon.json (replaced atomically; every other key is kept).",
        "Restart dockerd afterwards, then run containers with --runtime=<name>."})
public final class RuntimeConfigureCommand implements Runnable {
    static final Path DEFAULT_CONFIG = Path.of("/etc/docker/daemon.json");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--docker", required = true, description = "Configure Docker (the only runtime supported so far).")
    boolean docker;

    @Option(names = "--config", paramLabel = "FILE", description = "daemon.json to edit (default: /etc/docker/daemon.json).")
    Path config = DEFAULT_CONFIG;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "jaccel", description = "Runtime name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--set-as-default", description = "Also make it Docker's default-runtime.")
    boolean setAsDefault;

    @Option(names = "--dry-run", description = "Print the resulting daemon.json instead of writing it.")
    boolean dryRun;

    @Option(names = "--jaccel", paramLabel = "PATH", description = "Absolute path of the jaccel launcher (default: this installation's bin/jaccel).")
    Path jaccel;

    /** Entry for {@code Main}: {@code args} are the words after {@code jaccel runtime configure}. */
    public static int run(String[] args, Invocation invocation, PrintStream out, PrintStream err) {
        return JaccelCommand.execute(RuntimeConfigureCommand.class, args, invocation, out, err);
    }

    @Override
    public void run() {
        if (name.isBlank() || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw JaccelException.badInput("--name " + name + ": use letters, digits, '_', '.' and '-'");
        }
        Path launcher = LauncherPath.find(jaccel, "--jaccel");
        Map<String, Object> daemon = read(config);
        configure(daemon, name, launcher.toString(), setAsDefault);
        byte[] json = render(daemon);
        if (dryRun) {
            spec.commandLine().getOut().print(new String(json, StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
            return;
        }
        try {
            Path parent = config.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(config, json);
        } catch (IOException e) {
            throw JaccelException.badInput("--config " + config + ": cannot write it: " + e.getMessage());
        }
        spec.commandLine().getOut().println("wrote " + config + " (runtime " + name + " -> " + launcher
                + " runtime); restart dockerd to apply it, e.g. systemctl restart docker");
    }

    /**
     * Sets {@code runtimes.<name>} in Docker's daemon configuration; an entry of that name is
     * replaced in place. Docker runs {@code path} with {@code runtimeArgs} before the runc
     * arguments (moby: api/types/system Runtime, json {@code path} and {@code runtimeArgs}).
     */
    static void configure(Map<String, Object> daemon, String name, String launcher, boolean setAsDefault) {
        Object runtimes = daemon.computeIfAbsent("runtimes", k -> new LinkedHashMap<String, Object>());
        if (!(runtimes instanceof Map<?, ?>)) {
            throw JaccelException.badInput("daemon.json: \"runtimes\" is not an object; fix it by hand first");
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("path", launcher);
        entry.put("runtimeArgs", List.of("runtime"));
        @SuppressWarnings("unchecked")
        Map<String, Object> byName = (Map<String, Object>) runtimes;
        byName.put(name, entry);
        if (setAsDefault) {
            daemon.put("default-runtime", name);
        }
    }

    private static Map<String, Object> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw JaccelException.badInput("--config " + file + ": cannot read it: " + e.getMessage());
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return new LinkedHashMap<>();
        }
        Object tree;
        try {
            tree = JsonTree.read(bytes);
        } catch (IOException e) {
            throw JaccelException.badInput("--config " + file + ": not valid JSON (" + firstLine(e.getMessage())
                    + "); fix it first, it was left untouched");
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw JaccelException.badInput("--config " + file + ": expected a JSON object; fix it first, it was left untouched");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> daemon = (Map<String, Object>) map;
        return daemon;
    }

    private static byte[] render(Map<String, Object> daemon) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonTree.FACTORY.createGenerator(bytes)) {
            g.useDefaultPrettyPrinter();
            JsonTree.write(daemon, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private static String firstLine(String message) {
        int nl = message == null ? -1 : message.indexOf('\n');
        return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
    }
}
