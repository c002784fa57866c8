package dev.jaccel.deviceplugin.resources;

/**
 * How MIG devices are advertised, as NVIDIA's device plugin defines the three strategies
 * (NVIDIA/k8s-device-plugin, {@code internal/rm/device_map.go} and its README, "Configuration
 * Option Details"):
 * <ul>
 *   <li>{@code none}: MIG is ignored; every GPU is {@code nvidia.com/gpu}, MIG mode or not;</li>
 *   <li>{@code single}: the MIG devices are {@code nvidia.com/gpu}; every MIG-enabled GPU needs
 *       at least one MIG device, all MIG devices must be of one profile, and the node may not mix
 *       full GPUs with MIG devices;</li>
 *   <li>{@code mixed}: GPUs without MIG are {@code nvidia.com/gpu}, each MIG device is
 *       {@code nvidia.com/mig-<profile>}; every MIG-enabled GPU needs at least one MIG device.</li>
 * </ul>
 */
public enum MigStrategy {
    none, single, mixed
}
