package dev.jaccel.hook;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.Planner;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;

/**
 * The thin wiring of the container path: request → (cheap "may this ask for a device?" test) →
 * inventory → planner → plan. Nothing heavy is loaded for a container that asks for nothing.
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

    static boolean mayRequestDevices(ContainerRequest request) {
        // conservative until DefaultPlanner.mayRequestDevices is on main: any selector variable,
        // CDI annotation or device mount counts
        return request.env().keySet().stream().anyMatch(k -> k.equals("NVIDIA_VISIBLE_DEVICES")
                || k.equals("CUDA_VERSION") || k.equals("AWS_NEURON_VISIBLE_DEVICES") || k.equals("NEURON_RT_VISIBLE_CORES"))
                || !request.annotations().isEmpty() || !request.mountDestinations().isEmpty();
    }

    static Inventory inventory(HostContext host) {
        return Inventories.discover(host);
    }

    static Planner planner() {
        throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, "no planner in this build");
    }
}
