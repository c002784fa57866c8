package dev.jaccel.hook;

import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.DefaultPlanner;
import dev.jaccel.core.plan.Planner;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;

/**
 * The thin wiring of the container path: request → (cheap "may this ask for a device?" test) →
 * inventory (fresh snapshot, else discovery) → planner → plan. Nothing heavy is loaded for a
 * container that asks for nothing.
 */
public final class ContainerPlanning {
    private ContainerPlanning() {
    }

    public static Plan plan(ContainerRequest request, HostContext host) {
        if (!mayRequestDevices(request)) {
            return Plan.NOTHING;
        }
        Inventory inventory = inventory(host);
        return planner().plan(request, inventory, host);
    }

    /** The planner's own conservative test: false only when nothing could name a device. */
    static boolean mayRequestDevices(ContainerRequest request) {
        return DefaultPlanner.mayRequestDevices(request);
    }

    /**
     * The snapshot written by {@code jaccel cdi generate} / {@code inventory refresh} while the
     * host still matches it (two small reads and a /dev listing, docs/design.md §5);
     * otherwise discovery through NVML and libnrt. The container path only reads the snapshot.
     */
    static Inventory inventory(HostContext host) {
        return InventorySnapshot.readIfFresh(InventorySnapshot.defaultPath(host.env()), host)
                .orElseGet(() -> Inventories.discover(host));
    }

    static Planner planner() {
        return new DefaultPlanner();
    }
}
