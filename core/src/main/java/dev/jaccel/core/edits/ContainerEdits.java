package dev.jaccel.core.edits;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What to change in a container, in the shape of CDI's {@code containerEdits}: the one model the
 * runc shim, the OCI hook, CDI generation and {@code jaccel plan} share.
 *
 * @param env {@code KEY=VALUE} strings
 */
public record ContainerEdits(List<String> env, List<DeviceNodeEdit> deviceNodes, List<MountEdit> mounts,
                             List<HookEdit> hooks) {
    public static final ContainerEdits NONE = new ContainerEdits(List.of(), List.of(), List.of(), List.of());

    public ContainerEdits {
        env = List.copyOf(env);
        deviceNodes = List.copyOf(deviceNodes);
        mounts = List.copyOf(mounts);
        hooks = List.copyOf(hooks);
    }

    public boolean isEmpty() {
        return env.isEmpty() && deviceNodes.isEmpty() && mounts.isEmpty() && hooks.isEmpty();
    }

    /** These edits followed by {@code other}'s, without repeating an identical entry. */
    public ContainerEdits plus(ContainerEdits other) {
        return new ContainerEdits(union(env, other.env), union(deviceNodes, other.deviceNodes),
                union(mounts, other.mounts), union(hooks, other.hooks));
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        LinkedHashSet<T> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }
}
