package dev.jaccel.hook.cli;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

/** The {@code jaccel} command: picocli front for everything but the hot container path. */
@Command(name = "jaccel",
        mixinStandardHelpOptions = true,
        versionProvider = JaccelCommand.VersionProvider.class,
        description = {
                "Sees NVIDIA GPUs and AWS Neuron devices through Java's FFM API (no C toolchain, no nvidia-smi)",
                "and puts them in front of container runtimes: an OCI hook, a runc shim and CDI specs."},
        footer = {"",
                "Exit codes: 0 success; 2 bad usage or input; 3 devices or requirements cannot be satisfied;",
                "            4 driver or library unavailable; 1 internal error (a bug: please report it)."},
        subcommands = {
                CommandLine.HelpCommand.class,
                DevicesCommand.class,
                CheckCommand.class,
                PlanCommand.class,
                InventoryCommand.class,
                CdiCommand.class,
                HooksConfigCommand.class,
                dev.jaccel.deviceplugin.DevicePluginCommand.class,
        })
public final class JaccelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }

    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return execute(new CommandLine(new JaccelCommand()), args, out, err);
    }

    /**
     * Runs a picocli command with jaccel's stream, message and exit-code conventions; also the
     * entry of commands dispatched outside the {@code jaccel} tree (e.g. {@code runtime configure}).
     */
    public static int execute(CommandLine cli, String[] args, PrintStream out, PrintStream err) {
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExitCodeExceptionMapper(t -> t instanceof JaccelException je ? je.exitCode().code() : 1);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof JaccelException je) {
                commandLine.getErr().println("jaccel: " + je.getMessage());
                return je.exitCode().code();
            }
            // a bug, not a user error: one line, the trace only on request
            commandLine.getErr().println("jaccel: internal error: " + ex
                    + (System.getenv("JACCEL_DEBUG") == null ? " (set JACCEL_DEBUG=1 for the stack trace)" : ""));
            if (System.getenv("JACCEL_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        cli.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("jaccel: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        return cli.execute(args);
    }

    /** {@code jaccel --version}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jaccel " + Version.get(),
                    "JVM: ${java.version} (${java.vendor} ${java.vm.name})"};
        }
    }
}
