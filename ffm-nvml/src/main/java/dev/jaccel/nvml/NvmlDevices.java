package dev.jaccel.nvml;

import java.util.AbstractList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GPUs of a session in NVML index order: the list holds those this process could open, and
 * {@link #failures()} says, by NVML index, why each other one could not be opened (NO_PERMISSION
 * for a GPU another container owns, GPU_IS_LOST for one that fell off the bus, ...).
 */
public final class NvmlDevices extends AbstractList<NvmlDevice> {
    private final List<NvmlDevice> opened;
    private final Map<Integer, NvmlException> failures;

    NvmlDevices(List<NvmlDevice> opened, Map<Integer, NvmlException> failures) {
        this.opened = List.copyOf(opened);
        this.failures = Collections.unmodifiableMap(new TreeMap<>(failures));
    }

    @Override
    public NvmlDevice get(int i) {
        return opened.get(i);
    }

    @Override
    public int size() {
        return opened.size();
    }

    /** NVML index → why that GPU could not be opened; empty when every GPU was. */
    public Map<Integer, NvmlException> failures() {
        return failures;
    }

    /** Whether every GPU NVML counts could be opened. */
    public boolean complete() {
        return failures.isEmpty();
    }
}
