package dev.jaccel.hook;

import dev.jaccel.hook.cli.JaccelCommand;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * Entry point of {@code bin/jaccel}. {@link #run} does the work and returns the exit code, so
 * tests call it in-process with their own streams.
 *
 * <p>The container path ({@code hook}, {@code runtime}) is latency-critical: it is dispatched here
 * before picocli or databind are loaded (each costs 100+ ms of start-up). Everything else goes
 * through picocli.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return JaccelCommand.execute(args, in, out, err);
    }
}
