package dev.jaccel.core.select;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.model.PciBusId;
import dev.jaccel.core.model.UnavailableGpu;
import dev.jaccel.core.neuron.IndexList;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves identifiers against the host's GPUs with libnvidia-container's exact matching
 * ({@code src/cli/common.c} select_devices; docs/nvidia-container-semantics.md §1.1, §10 fact 2): a whole GPU UUID
 * ({@code GPU-...}, case-insensitive, no prefixes), a PCI bus id, an NVML index, a whole MIG UUID
 * ({@code MIG-...}, also the older {@code MIG-GPU-<uuid>/<gi>/<ci>}), or {@code <gpu>:<mig>}.
 * An identifier of a known shape that names nothing here is {@code <id>: unknown device} (exit 3);
 * one of no known shape is malformed input (exit 2).
 *
 * <p>{@code all} follows NVIDIA's CDI rule (the runtime's default mode): a GPU with MIG enabled
 * contributes its MIG devices instead of itself ({@code pkg/nvcdi/lib-nvml.go}).
 */
public final class GpuResolver {
    private static final Pattern INDEX = Pattern.compile("\\d{1,9}");
    private static final Pattern MIG_INDEX = Pattern.compile("(\\d{1,9}):(\\d{1,9})");
    private static final Pattern OLD_MIG_UUID = Pattern.compile("(?i)MIG-(GPU-[^/]+)/(\\d{1,9})/(\\d{1,9})");

    private GpuResolver() {
    }

    /**
     * @param origin   names the input in messages ({@code NVIDIA_VISIBLE_DEVICES}, ...)
     * @param warnings told when {@code all} leaves out a GPU the driver counts but will not open
     */
    public static GpuSelection resolve(GpuRequest request, NvidiaInventory inventory, String origin,
                                       Consumer<String> warnings) {
        // instanceof, not a pattern switch: on the container path a type switch's first run spins
        // classes at run time that no AOT cache holds (docs/perf/README.md)
        if (request instanceof GpuRequest.All) {
            for (UnavailableGpu u : inventory.unavailableGpus()) {
                warnings.accept(origin + "=all leaves out GPU " + u.index() + ", which the driver counts but "
                        + "will not open (" + u.reason() + "); " + usable(inventory));
            }
            return all(inventory);
        }
        if (request instanceof GpuRequest.Ids ids) {
            return ids(ids.ids(), inventory, origin);
        }
        return GpuSelection.EMPTY;   // NotRequested, NoGpu
    }

    private static GpuSelection all(NvidiaInventory inventory) {
        List<GpuDevice> gpus = new ArrayList<>();
        List<GpuSelection.SelectedMig> migs = new ArrayList<>();
        for (GpuDevice g : inventory.devices()) {
            if (Boolean.TRUE.equals(g.migEnabled())) {
                g.migDevices().forEach(m -> migs.add(new GpuSelection.SelectedMig(g, m)));
            } else {
                gpus.add(g);
            }
        }
        return new GpuSelection(gpus, migs);
    }

    private static GpuSelection ids(List<String> ids, NvidiaInventory inventory, String origin) {
        // each once, in the order named; the records come from the inventory, so the same device is
        // the same object (and a record's equals/hashCode would cost a cold JVM dearly: GpuSelection)
        List<GpuDevice> gpus = new ArrayList<>();
        List<GpuSelection.SelectedMig> migs = new ArrayList<>();
        for (String id : ids) {
            Optional<GpuSelection.SelectedMig> mig = mig(id, inventory, origin);
            if (mig.isPresent()) {
                if (migs.stream().noneMatch(m -> m.mig() == mig.get().mig())) {
                    migs.add(mig.get());
                }
            } else {
                GpuDevice gpu = gpu(id, inventory, origin);
                if (gpus.stream().noneMatch(g -> g == gpu)) {
                    gpus.add(gpu);
                }
            }
        }
        return new GpuSelection(gpus, migs);
    }

    /** The MIG device {@code id} names, empty when {@code id} is not a MIG identifier. */
    private static Optional<GpuSelection.SelectedMig> mig(String id, NvidiaInventory inventory, String origin) {
        Matcher old = OLD_MIG_UUID.matcher(id);
        if (old.matches()) {
            int gi = Integer.parseInt(old.group(2));
            int ci = Integer.parseInt(old.group(3));
            for (GpuDevice g : inventory.devices()) {
                if (g.uuid() != null && g.uuid().equalsIgnoreCase(old.group(1))) {
                    for (MigDevice m : g.migDevices()) {
                        if (Integer.valueOf(gi).equals(m.gpuInstanceId()) && Integer.valueOf(ci).equals(m.computeInstanceId())) {
                            return Optional.of(new GpuSelection.SelectedMig(g, m));
                        }
                    }
                }
            }
            throw unknown(id, origin, inventory);
        }
        if (hasPrefix(id, "MIG-")) {
            requireBody(id, "MIG-", origin);
            for (GpuDevice g : inventory.devices()) {
                for (MigDevice m : g.migDevices()) {
                    if (m.uuid() != null && m.uuid().equalsIgnoreCase(id)) {
                        return Optional.of(new GpuSelection.SelectedMig(g, m));
                    }
                }
            }
            throw unknown(id, origin, inventory);
        }
        Matcher idx = MIG_INDEX.matcher(id);
        if (idx.matches()) {
            int gpu = Integer.parseInt(idx.group(1));
            int mig = Integer.parseInt(idx.group(2));
            for (GpuDevice g : inventory.devices()) {
                if (g.index() == gpu) {
                    for (MigDevice m : g.migDevices()) {
                        if (m.index() == mig) {
                            return Optional.of(new GpuSelection.SelectedMig(g, m));
                        }
                    }
                }
            }
            throw missing(id, gpu, origin, inventory);
        }
        return Optional.empty();
    }

    private static GpuDevice gpu(String id, NvidiaInventory inventory, String origin) {
        if (hasPrefix(id, "GPU-")) {
            requireBody(id, "GPU-", origin);
            for (GpuDevice g : inventory.devices()) {
                if (g.uuid() != null && g.uuid().equalsIgnoreCase(id)) {
                    return g;
                }
            }
            throw unknown(id, origin, inventory);
        }
        if (INDEX.matcher(id).matches()) {
            int index = Integer.parseInt(id);
            return inventory.devices().stream().filter(g -> g.index() == index).findFirst()
                    .orElseThrow(() -> missing(id, index, origin, inventory));
        }
        Optional<PciBusId> bus = PciBusId.parse(id);
        if (bus.isPresent()) {
            for (GpuDevice g : inventory.devices()) {
                if (g.pciBusId() != null && PciBusId.parse(g.pciBusId()).equals(bus)) {
                    return g;
                }
            }
            throw unknown(id, origin, inventory);
        }
        throw JaccelException.badInput(origin + ": " + Messages.quote(id) + " is not a GPU index, GPU UUID (GPU-...), PCI bus id "
                + "(0000:18:00.0), MIG UUID (MIG-...), <gpu>:<mig>, all, none or void");
    }

    private static boolean hasPrefix(String id, String prefix) {
        return id.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static void requireBody(String id, String prefix, String origin) {
        if (id.length() == prefix.length() || id.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw JaccelException.badInput(origin + ": " + Messages.quote(id) + " is not a whole " + prefix + "... UUID");
        }
    }

    /** libnvidia-container's words: {@code device error: <id>: unknown device}. */
    private static JaccelException unknown(String id, String origin, NvidiaInventory inventory) {
        return JaccelException.unsatisfied("device error: " + Messages.input(id) + ": unknown device (from " + origin
                + "; " + usable(inventory) + ")");
    }

    /** An index that names no GPU: unknown, or a GPU the driver counts but will not open (said with its reason). */
    private static JaccelException missing(String id, int gpuIndex, String origin, NvidiaInventory inventory) {
        for (UnavailableGpu u : inventory.unavailableGpus()) {
            if (u.index() == gpuIndex) {
                return JaccelException.unsatisfied("device error: " + Messages.input(id) + ": GPU " + gpuIndex
                        + " is unavailable: " + u.reason() + " (from " + origin + "; " + usable(inventory) + ")");
            }
        }
        return unknown(id, origin, inventory);
    }

    /**
     * The GPUs a request can name, by their real NVML indices: "this host has 8 GPUs, indices 0-7",
     * or with GPU 0 lost "this host has 7 usable GPUs, indices 1-7; GPU 0 is unavailable".
     */
    private static String usable(NvidiaInventory inventory) {
        List<Integer> indices = inventory.devices().stream().map(GpuDevice::index).sorted().toList();
        int n = indices.size();
        List<Integer> lost = inventory.unavailableGpus().stream().map(UnavailableGpu::index).sorted().toList();
        String kind = lost.isEmpty() ? "GPU" : "usable GPU";
        String gpus = n == 0 ? "no " + kind + "s"
                : n + " " + kind + (n == 1 ? ", index " : "s, indices ") + IndexList.format(indices);
        String unavailable = lost.isEmpty() ? ""
                : lost.size() == 1 ? "; GPU " + lost.getFirst() + " is unavailable"
                : "; GPUs " + IndexList.format(lost) + " are unavailable";
        return "this host has " + gpus + unavailable;
    }
}
