package dev.jaccel.core.model;

/**
 * Another GPU this GPU reaches over NVLink (NVML reports NVLink peer-to-peer as supported).
 *
 * @param uuid     the peer's {@code GPU-...} UUID, or {@code null} when unknown
 * @param pciBusId the peer's bus id in NVML's spelling ({@code 00000000:18:00.0})
 * @param links    NVLinks between the two GPUs directly; 0 when they meet through NVSwitches
 */
public record NvLinkPeer(String uuid, String pciBusId, int links) {
}
