package dev.jaccel.hook;

import dev.jaccel.core.Invocation;
import dev.jaccel.hook.cli.JaccelCommand;
import dev.jaccel.hook.cli.RuntimeConfigureCommand;
import dev.jaccel.hook.start.HookCommand;
import dev.jaccel.hook.start.RuntimeShim;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code bin/jaccel}. {@link #run} is the one front door: arguments, standard
 * streams and the environment in, an exit code out, so tests and the AOT training call it
 * in-process with their own; {@link #main} is the only place that reads the process's own.
 *
 * <p>The container path ({@code hook}, {@code runtime}) is latency-critical: it is dispatched here
 * before picocli or databind are loaded (each costs 100+ ms of start-up). Everything else goes
 * through picocli.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err, System.getenv());
        System.out.flush();
        System.err.flush();
        if (onContainerPath(args)) {
            // Runtime.exit first asks System.getLogger("java.lang.Runtime") whether to log the exit
            // (JDK 21+, java.lang.Shutdown#logRuntimeExit): a ServiceLoader scan of every jar on the
            // class path and java.util.logging's start-up, 30-40 ms measured (docs/perf/README.md),
            // as much as the whole spec edit. The container path registers no shutdown hook, has
            // waited for its children and flushed its streams, so it ends the JVM at once.
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /** {@code hook ...} and {@code runtime ...} (the runc shim), but not {@code runtime configure}. */
    public static boolean onContainerPath(String[] args) {
        return args.length > 0 && (args[0].equals("hook") || isShim(args));
    }

    /** Every {@code runtime} command line is runc's, but {@code runtime configure}: jaccel's own (it registers the shim). */
    private static boolean isShim(String[] args) {
        return args[0].equals("runtime") && !(args.length > 1 && args[1].equals("configure"));
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        Invocation invocation = new Invocation(in, env);
        if (args.length == 0) {
            return JaccelCommand.execute(args, invocation, out, err);
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (args[0].equals("hook")) {
            return HookCommand.run(rest, invocation, err);
        }
        if (isShim(args)) {
            return RuntimeShim.run(rest, invocation, err);
        }
        if (args[0].equals("runtime")) {
            return RuntimeConfigureCommand.run(rest.subList(1, rest.size()).toArray(String[]::new), invocation, out, err);
        }
        return JaccelCommand.execute(args, invocation, out, err);
    }
}
