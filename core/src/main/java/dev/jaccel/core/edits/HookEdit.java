package dev.jaccel.core.edits;

import java.util.List;

/**
 * An OCI hook to add, in the CDI {@code containerEdits.hooks} shape. {@code env} is always
 * explicit: a hook must never inherit the image's environment.
 */
public record HookEdit(String hookName, String path, List<String> args, List<String> env) {
    public HookEdit {
        args = List.copyOf(args);
        env = List.copyOf(env);
    }

    // equals and hashCode written out: a record's generated ones bootstrap through invokedynamic
    // (java.lang.runtime.ObjectMethods), which costs tens of ms on first use in a short-lived JVM
    // such as a container start (docs/perf/README.md)
    @Override
    public boolean equals(Object o) {
        return o instanceof HookEdit h && hookName.equals(h.hookName) && path.equals(h.path) && args.equals(h.args)
                && env.equals(h.env);
    }

    @Override
    public int hashCode() {
        return (hookName.hashCode() * 31 + path.hashCode()) * 31 + args.hashCode();
    }
}
