package dev.jaccel.core.plan;

import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.config.StartConfig;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.snapshot.InventorySource;
import dev.jaccel.core.spi.HostContext;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The thin wiring of the container path, shared by the runc shim and the OCI hooks: request →
 * (cheap "may this ask for a device?" test) → inventory (fresh snapshot, else discovery) → planner
 * → plan. Nothing heavy is loaded for a container that asks for nothing.
 */
public final class ContainerPlanning {
    private ContainerPlanning() {
    }

    /**
     * @param rootfs   the container's root file system as seen from here, to pick the folder its
     *                 dynamic loader searches ({@link ImageLibraryFolder}); null when unknown
     * @param env      the hook's or shim's environment (locations, {@code JACCEL_CONFIG})
     * @param warnings one line per thing the user should know (also why a snapshot was ignored)
     */
    public static Plan plan(ContainerRequest request, Path rootfs, Map<String, String> env, Consumer<String> warnings) {
        JaccelConfig config = StartConfig.load(env, warnings);
        if (!DefaultPlanner.mayRequestDevices(request, config.plan())) {
            return Plan.NOTHING;
        }
        HostContext host = StartConfig.host(config, env);
        ContainerRequest forImage = rootfs == null ? request : request.withLibraryDirectory(ImageLibraryFolder.of(rootfs));
        Inventory inventory = inventory(config.snapshotPath(env), host, warnings);
        Plan plan = new DefaultPlanner(config.plan()).plan(forImage, inventory, host);
        plan.warnings().forEach(warnings);
        return plan;
    }

    /** {@link #inventory(Path, HostContext, Consumer)} from the snapshot at {@code JACCEL_SNAPSHOT} or the default path. */
    public static Inventory inventory(HostContext host, Consumer<String> warnings) {
        return inventory(InventorySnapshot.defaultPath(host.env()), host, warnings);
    }

    /**
     * The snapshot written by {@code jaccel inventory refresh} / {@code cdi generate} while the
     * host still matches it and it can be trusted (docs/design.md, "Start latency"); otherwise
     * discovery through NVML and libnrt.
     */
    public static Inventory inventory(Path snapshot, HostContext host, Consumer<String> warnings) {
        return InventorySource.read(snapshot, host, warnings).inventory();
    }
}
