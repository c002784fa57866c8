package dev.jaccel.core.edits;

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
        return new Builder().add(this).add(other).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Edits added one after another, an identical entry kept once: what a chain of {@link #plus}
     * gives, without copying every list at each step (a plan adds a GPU at a time).
     */
    public static final class Builder {
        private final LinkedHashSet<String> env = new LinkedHashSet<>();
        private final LinkedHashSet<DeviceNodeEdit> deviceNodes = new LinkedHashSet<>();
        private final LinkedHashSet<MountEdit> mounts = new LinkedHashSet<>();
        private final LinkedHashSet<HookEdit> hooks = new LinkedHashSet<>();

        private Builder() {
        }

        public Builder add(ContainerEdits edits) {
            env.addAll(edits.env);
            deviceNodes.addAll(edits.deviceNodes);
            mounts.addAll(edits.mounts);
            hooks.addAll(edits.hooks);
            return this;
        }

        public ContainerEdits build() {
            return new ContainerEdits(List.copyOf(env), List.copyOf(deviceNodes), List.copyOf(mounts), List.copyOf(hooks));
        }
    }
}
