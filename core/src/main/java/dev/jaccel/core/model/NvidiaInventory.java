package dev.jaccel.core.model;

import dev.jaccel.core.caps.DriverFileIndex;

import java.util.List;

/**
 * What the NVIDIA backend knows about the host.
 *
 * @param driverVersion       e.g. {@code 580.95.05}
 * @param nvmlVersion         e.g. {@code 13.580.95.05}
 * @param cudaDriverVersion   e.g. {@code 13.0}
 * @param kernelModuleVersion from {@code /proc/driver/nvidia/version}
 * @param controlNodes        nvidiactl, nvidia-uvm, nvidia-uvm-tools, nvidia-modeset as present on the host
 * @param notes               why a device or field is missing (a GPU NVML may not open, a lost GPU)
 * @param driverFiles         the driver's files located under the host root, when known (the snapshot
 *                            carries them); null: the planner locates them when it needs them
 * @param unavailableGpus     the GPUs NVML counts but will not open, by index (not in {@code devices})
 */
public record NvidiaInventory(String driverVersion, String nvmlVersion, String cudaDriverVersion,
                              String kernelModuleVersion, List<GpuDevice> devices,
                              List<DeviceNode> controlNodes, List<String> notes,
                              DriverFileIndex driverFiles, List<UnavailableGpu> unavailableGpus)
        implements VendorInventory {
    public NvidiaInventory {
        devices = List.copyOf(devices);
        controlNodes = List.copyOf(controlNodes);
        notes = List.copyOf(notes);
        unavailableGpus = List.copyOf(unavailableGpus);
    }

    /** An inventory in which every GPU NVML counts could be opened. */
    public NvidiaInventory(String driverVersion, String nvmlVersion, String cudaDriverVersion,
                           String kernelModuleVersion, List<GpuDevice> devices, List<DeviceNode> controlNodes,
                           List<String> notes, DriverFileIndex driverFiles) {
        this(driverVersion, nvmlVersion, cudaDriverVersion, kernelModuleVersion, devices, controlNodes, notes,
                driverFiles, List.of());
    }

    /** An inventory whose driver files are not located yet. */
    public NvidiaInventory(String driverVersion, String nvmlVersion, String cudaDriverVersion,
                           String kernelModuleVersion, List<GpuDevice> devices, List<DeviceNode> controlNodes,
                           List<String> notes) {
        this(driverVersion, nvmlVersion, cudaDriverVersion, kernelModuleVersion, devices, controlNodes, notes,
                null, List.of());
    }

    /** The same inventory with its driver files located. */
    public NvidiaInventory withDriverFiles(DriverFileIndex files) {
        return new NvidiaInventory(driverVersion, nvmlVersion, cudaDriverVersion, kernelModuleVersion, devices,
                controlNodes, notes, files, unavailableGpus);
    }

    /** An inventory without notes. */
    public NvidiaInventory(String driverVersion, String nvmlVersion, String cudaDriverVersion,
                           String kernelModuleVersion, List<GpuDevice> devices, List<DeviceNode> controlNodes) {
        this(driverVersion, nvmlVersion, cudaDriverVersion, kernelModuleVersion, devices, controlNodes, List.of());
    }
}
