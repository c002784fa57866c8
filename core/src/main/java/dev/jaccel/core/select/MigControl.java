package dev.jaccel.core.select;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.core.host.ProcDevices;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code NVIDIA_MIG_CONFIG_DEVICES} and {@code NVIDIA_MIG_MONITOR_DEVICES} (libnvidia-container {@code src/cli/common.c}
 * select_mig_config_devices; toolkit {@code cmd/nvidia-container-runtime-hook/container_config.go};
 * docs/nvidia-container-semantics.md §1.3, §1.5): the only value is {@code all}; it needs CAP_SYS_ADMIN; it cannot be combined
 * with specific MIG devices. Its effect is the MIG {@code config}/{@code monitor} capability node
 * listed in {@code /proc/driver/nvidia-caps/mig-minors}.
 */
public enum MigControl {
    CONFIG("NVIDIA_MIG_CONFIG_DEVICES", "config", "mig-config"),
    MONITOR("NVIDIA_MIG_MONITOR_DEVICES", "monitor", "mig-monitor");

    private final String variable;
    private final String minorName;
    private final String feature;

    MigControl(String variable, String minorName, String feature) {
        this.variable = variable;
        this.minorName = minorName;
        this.feature = feature;
    }

    public String variable() {
        return variable;
    }

    /**
     * Whether the container asks for this control; checks NVIDIA's rules.
     *
     * @param specificMigSelected MIG devices were named one by one (not through {@code all})
     * @throws JaccelException exit 2 with NVIDIA's message for a value other than {@code all}, an
     *                         unprivileged container, or specific MIG devices
     */
    public boolean requested(Map<String, String> env, boolean privileged, boolean specificMigSelected) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return false;
        }
        if (!privileged) {
            throw JaccelException.badInput("cannot set " + variable.substring("NVIDIA_".length())
                    + " in non privileged container (" + variable + "=" + Messages.quote(value) + " needs CAP_SYS_ADMIN)");
        }
        if (!value.trim().equals("all")) {
            throw JaccelException.badInput(variable + "=" + Messages.quote(value) + ": only 'all' devices are currently supported");
        }
        if (specificMigSelected) {
            throw JaccelException.badInput("cannot enable " + feature + " with specific MIG devices selected ("
                    + variable + "=all)");
        }
        return true;
    }

    /**
     * The host's {@code /dev/nvidia-caps/nvidia-cap<N>} node for this control, from
     * {@code /proc/driver/nvidia-caps/mig-minors} and the {@code nvidia-caps} major in
     * {@code /proc/devices}; empty when the host has none.
     */
    public Optional<DeviceNode> node(HostContext host) {
        try {
            OptionalInt major = ProcDevices.read(host.hostRoot()).major("nvidia-caps");
            if (major.isEmpty()) {
                return Optional.empty();
            }
            for (String line : Files.readAllLines(host.host("/proc/driver/nvidia-caps/mig-minors"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].equals(minorName) && f[1].matches("\\d{1,9}")) {
                    String path = "/dev/nvidia-caps/nvidia-cap" + f[1];
                    return Optional.of(new DeviceNode(path, host.host(path).toString(), major.getAsInt(),
                            Integer.parseInt(f[1])));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
