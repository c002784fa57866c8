package dev.jaccel.core.plan;

import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;

import java.nio.file.Path;
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
     * @param warnings one line per thing the user should know (also why a snapshot was ignored)
     */
    public static Plan plan(ContainerRequest request, Path rootfs, HostContext host, Consumer<String> warnings) {
        if (!DefaultPlanner.mayRequestDevices(request)) {
            return Plan.NOTHING;
        }
        ContainerRequest forImage = rootfs == null ? request : request.withLibraryDirectory(ImageLibraryFolder.of(rootfs));
        Plan plan = new DefaultPlanner().plan(forImage, inventory(host, warnings), host);
        plan.warnings().forEach(warnings);
        return plan;
    }

    /**
     * The snapshot written by {@code jaccel inventory refresh} / {@code cdi generate} while the
     * host still matches it and it can be trusted (docs/design.md, "Start latency"); otherwise
     * discovery through NVML and libnrt.
     */
    public static Inventory inventory(HostContext host, Consumer<String> warnings) {
        return InventorySnapshot.read(InventorySnapshot.defaultPath(host.env()), host, warnings)
                .orElseGet(() -> Inventories.discover(host));
    }
}
