package dev.jaccel.core.caps;

import dev.jaccel.core.model.DeviceNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which of the host's NVIDIA control nodes a capability set needs (libnvidia-container {@code src/nvc_mount.c};
 * docs/nvidia-container-semantics.md §3 step 8, §10 fact 3): {@code /dev/nvidiactl} always, the UVM nodes only with the
 * compute libraries (compute or video), {@code /dev/nvidia-modeset} only with display.
 */
public final class ControlNodes {
    public static final String NVIDIACTL = "/dev/nvidiactl";
    public static final String UVM = "/dev/nvidia-uvm";
    public static final String UVM_TOOLS = "/dev/nvidia-uvm-tools";
    public static final String MODESET = "/dev/nvidia-modeset";

    private ControlNodes() {
    }

    /** The subset of {@code hostControlNodes} to inject, in the host's order; unknown nodes are left out. */
    public static List<DeviceNode> select(List<DeviceNode> hostControlNodes, Set<DriverCapability> caps) {
        List<DeviceNode> out = new ArrayList<>();
        for (DeviceNode n : hostControlNodes) {
            boolean wanted = switch (n.path()) {
                case NVIDIACTL -> true;
                case UVM, UVM_TOOLS -> DriverCapabilities.needsComputeLibraries(caps);
                case MODESET -> caps.contains(DriverCapability.DISPLAY);
                default -> false;
            };
            if (wanted) {
                out.add(n);
            }
        }
        return out;
    }
}
