package dev.jaccel.nvml;

import dev.jaccel.core.model.PciBusId;

/**
 * {@code nvmlPciInfo_t}.
 *
 * @param busId          NVML spelling, upper-case with an 8-digit domain: {@code 00000000:3B:00.0}
 * @param busIdLegacy    4-digit domain: {@code 0000:3B:00.0}
 * @param pciDeviceId    {@code (deviceId << 16) | vendorId}, e.g. {@code 0x233010DE}
 */
public record PciInfo(String busId, String busIdLegacy, int domain, int bus, int device, int pciDeviceId,
                      int pciSubSystemId) {

    /** The sysfs and {@code /proc/driver/nvidia/gpus} spelling: lower-case, 4-digit domain ({@code 0000:3b:00.0}). */
    public String sysfsBusId() {
        return PciBusId.sysfs(busId);
    }
}
