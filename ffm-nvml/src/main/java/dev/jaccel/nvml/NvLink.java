package dev.jaccel.nvml;

import java.util.Optional;

/**
 * One NVLink of a GPU ({@code nvmlDeviceGetNvLinkState}, {@code nvmlDeviceGetNvLinkRemotePciInfo_v2}).
 *
 * @param link   the link number, from 0
 * @param active whether the link is up
 * @param remote the PCI function at the other end of an active link: a GPU, or an NVSwitch
 */
public record NvLink(int link, boolean active, Optional<PciInfo> remote) {
}
