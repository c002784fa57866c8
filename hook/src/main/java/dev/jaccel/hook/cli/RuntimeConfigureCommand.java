package dev.jaccel.hook.cli;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.Invocation;
import dev.jaccel.hook.cli.engine.Engine;
import dev.jaccel.hook.cli.engine.EngineConfigException;
import dev.jaccel.hook.cli.engine.EngineConfigFile;
import dev.jaccel.hook.cli.engine.RuntimeEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


/**
 * {@code jaccel runtime configure}: registers {@code jaccel-runtime} (the runc shim) with Docker,
 * containerd or CRI-O. {@code jaccel runtime} with any other arguments is the shim itself, so
 * {@code Main} routes {@code runtime configure} here before the shim sees it (runc has no
 * {@code configure} command).
 */
@Command(name = "jaccel runtime configure", mixinStandardHelpOptions = true, description = {
        "Register jaccel's runc shim (bin/jaccel-runtime) with a container engine, keeping every other setting",
        "of its file (and, in TOML files, every comment). The file is edited through symlinks, under a lock,",
        "replaced atomically with its mode and owner kept, and its previous content kept in a backup",
        "(FILE.jaccel.bak; for a CRI-O drop-in, in the folder above crio.conf.d). Restart the engine afterwards.",
        "",
        "  docker      /etc/docker/daemon.json: runtimes.<name>.path; --set-as-default: default-runtime;",
        "              --cdi: features.cdi (Docker 25+). Then docker run --runtime=<name> ...",
        "  containerd  /etc/containerd/config.toml (version 2 or 3): a runtime entry copied from runc's with",
        "              options.BinaryName = jaccel-runtime; --set-as-default: default_runtime_name;",
        "              --cdi: enable_cdi and cdi_spec_dirs (containerd 1.7+). Kubernetes: a RuntimeClass",
        "              whose handler is <name>.",
        "  crio        /etc/crio/crio.conf.d/99-jaccel.toml: crio.runtime.runtimes.<name> (runtime_path,",
        "              runtime_type = \"oci\"); --set-as-default: crio.runtime.default_runtime. CRI-O reads",
        "              CDI specs without a switch."},
        footer = {"", "Examples:",
                "  jaccel runtime configure --runtime docker",
                "  jaccel runtime configure --runtime containerd --cdi --set-as-default",
                "  jaccel runtime configure --runtime crio --dry-run",
                "", "jaccel's own configuration (for the CDI spec dirs) is read from $JACCEL_CONFIG or /etc/jaccel/config.toml."})
public final class RuntimeConfigureCommand implements Runnable {
    private final Invocation invocation;

    public RuntimeConfigureCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runtime", paramLabel = "ENGINE", description = "docker, containerd or crio.")
    String runtime;

    @Option(names = "--docker", hidden = true, description = "Same as --runtime docker (kept for older scripts).")
    boolean docker;

    @Option(names = "--config", paramLabel = "FILE", description = "The engine's file to edit (default: see above).")
    Path config;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "jaccel", description = "Runtime name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--set-as-default", description = "Also make it the engine's default runtime.")
    boolean setAsDefault;

    @Option(names = "--cdi", description = "Also turn on the engine's CDI support (docker: features.cdi; containerd: enable_cdi).")
    boolean cdi;

    @Option(names = "--dry-run", description = "Print the resulting file instead of writing it.")
    boolean dryRun;

    @Option(names = "--jaccel", paramLabel = "PATH",
            description = "Absolute path of this installation's bin/jaccel; bin/jaccel-runtime next to it is registered "
                    + "(default: the bin/jaccel this command runs from).")
    Path jaccel;

    /** Entry for {@code Main}: {@code args} are the words after {@code jaccel runtime configure}. */
    public static int run(String[] args, Invocation invocation, PrintStream out, PrintStream err) {
        return JaccelCommand.execute(RuntimeConfigureCommand.class, args, invocation, out, err);
    }

    @Override
    public void run() {
        Engine engine = engine();
        if (name.isBlank() || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw JaccelException.badInput("--name " + name + ": use letters, digits, '_', '.' and '-'");
        }
        Path binary = runtimeBinary(LauncherPath.find(jaccel, "--jaccel"));
        JaccelConfig settings = JaccelConfig.load(invocation.env());
        RuntimeEntry entry = new RuntimeEntry(name, binary, setAsDefault, cdi, settings.cdiSpecDirs());
        Path file = config != null ? config : engine.defaultFile();
        EngineConfigFile.Outcome outcome;
        try {
            outcome = EngineConfigFile.apply(engine, file, entry, dryRun);
        } catch (EngineConfigException e) {
            throw JaccelException.badInput("--config " + file + ": " + e.getMessage() + "; it was left untouched");
        } catch (IOException e) {
            throw JaccelException.badInput("--config " + file + ": " + e.getMessage() + "; it was left untouched");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            out.print(outcome.content());
            out.flush();
            return;
        }
        List<String> what = new ArrayList<>(List.of("runtime " + name + " -> " + binary));
        if (setAsDefault) {
            what.add("the default");
        }
        if (cdi && engine != Engine.CRIO) {
            what.add("CDI on");
        }
        if (!outcome.changed()) {
            out.println(outcome.file() + " already has " + String.join(", ", what) + "; nothing written");
        } else {
            out.println("wrote " + outcome.file() + " (" + String.join(", ", what) + ")"
                    + outcome.backup().map(b -> "; previous content in " + b).orElse("")
                    + "; restart " + engine.key() + " to apply it, e.g. " + engine.restartHint());
        }
        if (cdi && engine == Engine.CRIO) {
            out.println("note: CRI-O reads CDI specs from /etc/cdi and /var/run/cdi without a switch: nothing set for --cdi");
        }
        out.flush();
    }

    private Engine engine() {
        if (docker && runtime != null && !runtime.equalsIgnoreCase("docker")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --runtime or --docker, not both");
        }
        if (runtime == null && !docker) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--runtime=ENGINE' (docker, containerd or crio)");
        }
        try {
            return docker ? Engine.DOCKER : Engine.of(runtime);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runtime " + runtime
                    + ": unknown engine (use docker, containerd or crio)");
        }
    }

    /** {@code bin/jaccel-runtime} next to the launcher; both must be there, or the engine would fail on every start. */
    private static Path runtimeBinary(Path launcher) {
        if (!Files.isRegularFile(launcher) || !Files.isExecutable(launcher)) {
            throw JaccelException.badInput("--jaccel " + launcher + ": " + (Files.exists(launcher)
                    ? "not an executable file" : "no such file") + "; give the bin/jaccel of an installed jaccel");
        }
        Path binary = launcher.resolveSibling("jaccel-runtime");
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw JaccelException.badInput("--jaccel " + launcher + ": " + binary + " is missing or not executable; "
                    + "the installation is incomplete (reinstall it)");
        }
        return binary.toAbsolutePath().normalize();
    }

}
