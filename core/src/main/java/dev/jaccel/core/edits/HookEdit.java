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
}
