package dev.jaccel.hook.cli;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.hook.Failures;
import dev.jaccel.core.Invocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
                ConfigCommand.class,
                SystemCommand.class,
                dev.jaccel.deviceplugin.DevicePluginCommand.class,
                dev.jaccel.hook.service.ServeCommand.class,
        })
public final class JaccelCommand extends CommandGroup {

    public static int execute(String[] args, Invocation invocation, PrintStream out, PrintStream err) {
        return execute(JaccelCommand.class, args, invocation, out, err);
    }

    /**
     * Runs a picocli command with jaccel's stream, message and exit-code conventions; also the
     * entry of commands dispatched outside the {@code jaccel} tree (e.g. {@code runtime configure}).
     * Commands that need the environment or stdin take the {@link Invocation} in their constructor.
     */
    public static int execute(Class<?> command, String[] args, Invocation invocation, PrintStream out,
                              PrintStream err) {
        CommandLine.IFactory factory = new InvocationFactory(invocation);
        CommandLine cli;
        try {
            cli = new CommandLine(factory.create(command), factory);
        } catch (Exception e) {
            return Failures.report("jaccel", e, err, invocation.debug());
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExitCodeExceptionMapper(t -> t instanceof JaccelException je ? je.exitCode().code() : ExitCode.INTERNAL.code());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                Failures.report("jaccel", ex, err, invocation.debug()));
        cli.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("jaccel: " + Messages.line(ex.getMessage()));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        return cli.execute(args);
    }

    /** picocli's factory, giving the {@link Invocation} to every command whose constructor takes it. */
    private record InvocationFactory(Invocation invocation) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Invocation.class).newInstance(invocation);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
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
