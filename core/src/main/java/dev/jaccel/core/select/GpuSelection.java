package dev.jaccel.core.select;

import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * The GPUs and MIG devices a request resolved to, each once, in the order first named.
 *
 * @param gpus whole GPUs
 * @param migs MIG devices with their parent
 */
public record GpuSelection(List<GpuDevice> gpus, List<SelectedMig> migs) {
    public GpuSelection {
        gpus = List.copyOf(gpus);
        migs = List.copyOf(migs);
    }

    public static final GpuSelection EMPTY = new GpuSelection(List.of(), List.of());

    public record SelectedMig(GpuDevice parent, MigDevice mig) {
    }

    public boolean isEmpty() {
        return gpus.isEmpty() && migs.isEmpty();
    }

    /**
     * The GPUs requirements are checked on: every selected GPU, then every parent of a selected MIG
     * device, each once (libnvidia-container {@code src/cli/configure.c}).
     */
    public List<GpuDevice> devicesToCheck() {
        // by identity (the inventory's own objects): a record's generated equals/hashCode bootstrap
        // through invokedynamic, tens of ms on first use in a short-lived JVM (docs/perf/README.md)
        List<GpuDevice> out = new ArrayList<>(gpus);
        for (SelectedMig m : migs) {
            if (out.stream().noneMatch(g -> g == m.parent())) {
                out.add(m.parent());
            }
        }
        return out;
    }

    /** GPU UUIDs then MIG UUIDs: the {@code selected} of a plan. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        gpus.forEach(g -> ids.add(g.uuid()));
        migs.forEach(m -> ids.add(m.mig().uuid()));
        return ids;
    }
}
