package dev.jaccel.core.model;

import java.util.List;

/**
 * What the NVIDIA backend knows about the host.
 *
 * @param driverVersion       e.g. {@code 580.95.05}
 * @param nvmlVersion         e.g. {@code 13.580.95.05}
 * @param cudaDriverVersion   e.g. {@code 13.0}
 * @param kernelModuleVersion from {@code /proc/driver/nvidia/version}
 * @param controlNodes        nvidiactl, nvidia-uvm, nvidia-uvm-tools, nvidia-modeset as present on the host
 */
public record NvidiaInventory(String driverVersion, String nvmlVersion, String cudaDriverVersion,
                              String kernelModuleVersion, List<GpuDevice> devices,
                              List<DeviceNode> controlNodes) implements VendorInventory {
    public NvidiaInventory {
        devices = List.copyOf(devices);
        controlNodes = List.copyOf(controlNodes);
    }
}
