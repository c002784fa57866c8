package dev.jaccel.core.spi;

import dev.jaccel.core.model.Inventory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A vendor whose kernel module is loaded but whose inventory could not be read: NVML's init fails
 * (LIB_RM_VERSION_MISMATCH after a driver upgrade without a reload, DRIVER_NOT_LOADED, ...), a
 * GPU's identity cannot be read, the device folder cannot be listed. That is a broken driver, not
 * an absent one, so the commands that report on the host or publish what it has treat it as a
 * failure (exit 4) and keep what they wrote before, rather than reporting "nothing there".
 *
 * @param vendor   the backend's name, {@code nvidia} or {@code neuron}
 * @param evidence the entry the loaded module publishes, under the host root
 * @param reason   why the backend failed, as it said
 */
public record DriverFailure(String vendor, Path evidence, String reason) {
    /**
     * The entries a loaded module publishes: the NVIDIA module's {@code /proc/driver/nvidia}
     * (nvidia-smi's "NVRM version" source) and every module's {@code /sys/module/<name>}
     * (Linux Documentation/ABI/testing/sysfs-module).
     */
    static final Map<String, List<String>> MODULE_ENTRIES = new LinkedHashMap<>();

    static {
        MODULE_ENTRIES.put("nvidia", List.of("/proc/driver/nvidia/version", "/sys/module/nvidia"));
        MODULE_ENTRIES.put("neuron", List.of("/sys/module/neuron"));
    }

    /** The failures among {@code vendors} (backend names): half of the inventory missing while its module is loaded. */
    public static List<DriverFailure> find(Inventory inventory, HostContext host, Set<String> vendors) {
        List<DriverFailure> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : MODULE_ENTRIES.entrySet()) {
            String vendor = e.getKey();
            boolean read = vendor.equals("nvidia") ? inventory.nvidia() != null : inventory.neuron() != null;
            if (read || !vendors.contains(vendor)) {
                continue;
            }
            for (String entry : e.getValue()) {
                Path evidence = host.host(entry);
                if (Files.exists(evidence)) {
                    out.add(new DriverFailure(vendor, evidence, reason(inventory, vendor)));
                    break;
                }
            }
        }
        return out;
    }

    /** {@link #find} for both vendors. */
    public static List<DriverFailure> find(Inventory inventory, HostContext host) {
        return find(inventory, host, MODULE_ENTRIES.keySet());
    }

    private static String reason(Inventory inventory, String vendor) {
        String prefix = vendor + ": ";
        return inventory.errors().stream().filter(m -> m.startsWith(prefix)).map(m -> m.substring(prefix.length()))
                .findFirst().orElse("no " + vendor + " backend is installed");
    }

    /** One line: the vendor, the proof that its module is loaded, and the backend's reason. */
    public String message() {
        return vendor + ": the " + vendor + " kernel module is loaded (" + evidence + " exists) but its driver cannot be"
                + " used: " + reason;
    }
}
