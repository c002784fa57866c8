package dev.jaccel.deviceplugin.topology;

/**
 * How two GPUs are joined.
 *
 * @param nvlinks active NVLink links between them (0: none or unknown)
 * @param pcie    their nearest common PCIe ancestor
 */
public record GpuLink(int nvlinks, PcieDistance pcie) {
    public static final GpuLink UNKNOWN = new GpuLink(0, PcieDistance.UNKNOWN);
}
