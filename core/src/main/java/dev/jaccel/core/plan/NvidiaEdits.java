package dev.jaccel.core.plan;

import dev.jaccel.core.caps.ControlNodes;
import dev.jaccel.core.caps.DriverFileIndex;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.caps.DriverFiles;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The NVIDIA building blocks of a plan and of a CDI spec: what one GPU, one MIG device, and the
 * driver (control nodes and files for a capability set) add to a container. Node numbers come
 * from the inventory's {@link DeviceNode} records, never assumed.
 */
public final class NvidiaEdits {
    /**
     * Set in every container NVIDIA devices were injected into, as NVIDIA's CDI specs do: a legacy
     * NVIDIA hook that also runs then does nothing a second time (docs/nvidia-container-semantics.md §4, sample spec).
     */
    public static final String VISIBLE_DEVICES_VOID = "NVIDIA_VISIBLE_DEVICES=void";

    private NvidiaEdits() {
    }

    /** A whole GPU: its {@code /dev/nvidia<minor>} node(s). */
    public static ContainerEdits gpu(GpuDevice gpu) {
        return nodes(gpu.deviceNodes());
    }

    /** A MIG device: its parent's node(s), then its GPU- and compute-instance capability nodes. */
    public static ContainerEdits mig(GpuDevice parent, MigDevice mig) {
        List<DeviceNode> all = new ArrayList<>(parent.deviceNodes());
        all.addAll(mig.capabilityNodes());
        return nodes(all);
    }

    /**
     * What every NVIDIA container gets for its capabilities, whatever GPUs it has (also for
     * {@code none}): the control nodes, the driver's libraries, binaries, sockets and firmware.
     * A CDI spec passes every capability: NVIDIA's CDI specs ignore capabilities and inject
     * everything discovered (docs/nvidia-container-semantics.md §1.4). The driver files come from the
     * inventory when it carries them (the snapshot does), else they are located now.
     *
     * @param libraryDirectory the image's folder for the libraries, null for the host's own
     */
    public static ContainerEdits common(NvidiaInventory inventory, Set<DriverCapability> caps, HostContext host,
                                        String libraryDirectory, Consumer<String> warnings) {
        DriverFileIndex files = inventory.driverFiles();
        if (files == null) {
            files = DriverFiles.index(host, inventory.driverVersion());
            files.notes().forEach(warnings);
        }
        return new ContainerEdits(List.of(VISIBLE_DEVICES_VOID),
                ControlNodes.select(inventory.controlNodes(), caps).stream().map(NvidiaEdits::node).toList(),
                DriverFiles.mounts(files, caps, libraryDirectory, warnings), List.of());
    }

    /** A device node edit from the host's record: path, hostPath, type {@code c}, major, minor. */
    public static DeviceNodeEdit node(DeviceNode n) {
        return DeviceNodeEdit.charDevice(n.path(), n.hostPath(), n.major(), n.minor());
    }

    static ContainerEdits nodes(List<DeviceNode> nodes) {
        return new ContainerEdits(List.of(), nodes.stream().map(NvidiaEdits::node).toList(), List.of(), List.of());
    }
}
