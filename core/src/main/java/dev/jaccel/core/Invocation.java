package dev.jaccel.core;

import java.io.InputStream;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of {@code jaccel} is given besides its arguments: its standard input and its
 * environment. Commands read both from here and never from {@code System.in} or
 * {@code System.getenv()}, so a test (or the AOT training) runs any command in-process with the
 * input and environment it chooses, and the one place that reads the process's own is bin/jaccel's entry
 * point ({@code dev.jaccel.hook.Main.main}, and the device plugin's own {@code main} for its image).
 */
public record Invocation(InputStream in, Map<String, String> env) {
    public Invocation {
        Objects.requireNonNull(in, "in");
        env = Map.copyOf(env);
    }

    /** Whether {@code JACCEL_DEBUG} asks for stack traces of internal errors. */
    public boolean debug() {
        String v = env.get("JACCEL_DEBUG");
        return v != null && !v.isEmpty() && !v.equals("0");
    }
}
