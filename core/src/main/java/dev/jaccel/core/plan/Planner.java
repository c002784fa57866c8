package dev.jaccel.core.plan;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;

/**
 * Resolves a container's request against the host's inventory: selectors, capabilities and
 * requirements in, selected ids and container edits out. The one implementation behind
 * {@code jaccel plan}, the runc shim, the OCI hook and CDI generation.
 */
public interface Planner {
    /**
     * @throws JaccelException exit 2 for a malformed selector, exit 3 for an unknown device or an
     *                         unsatisfied requirement (the message in the anchor's words)
     */
    Plan plan(ContainerRequest request, Inventory inventory, HostContext host);
}
