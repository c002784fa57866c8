package dev.jaccel.core.select;

import java.util.ArrayList;
import java.util.List;

/**
 * Interprets a visible-device list (nvidia-container-toolkit {@code internal/config/image/devices.go};
 * docs/nvidia-container-semantics.md §1.1, §1.2): {@code null} or nothing left after trimming means not a GPU container;
 * {@code void} anywhere wins; otherwise the first {@code all} or {@code none} wins; otherwise the
 * identifiers.
 */
public final class NvidiaVisibleDevices {
    public static final String VARIABLE = "NVIDIA_VISIBLE_DEVICES";

    private NvidiaVisibleDevices() {
    }

    /** Splits an environment value on commas, trimming entries and dropping empty ones. */
    public static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** @param entries the list from {@link NvidiaRequestSources}, {@code null} when there is none */
    public static GpuRequest interpret(List<String> entries) {
        if (entries == null) {
            return GpuRequest.NOT_REQUESTED;
        }
        List<String> ids = new ArrayList<>();
        for (String e : entries) {
            String t = e.trim();
            if (t.equals("void")) {
                return GpuRequest.NOT_REQUESTED;
            }
            if (!t.isEmpty()) {
                ids.add(t);
            }
        }
        if (ids.isEmpty()) {
            return GpuRequest.NOT_REQUESTED;
        }
        for (String id : ids) {
            if (id.equals("all")) {
                return GpuRequest.ALL;
            }
            if (id.equals("none")) {
                return GpuRequest.NO_GPU;
            }
        }
        return new GpuRequest.Ids(ids);
    }
}
