package dev.jaccel.core.neuron;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Resolves AWS's selectors against the host's Neuron devices (docs/neuron-semantics.md §3):
 * <ul>
 *   <li>{@code AWS_NEURON_VISIBLE_DEVICES}: {@code ALL}/{@code all} or a comma list of device
 *       indices (ranges {@code a-b} accepted too); read by AWS's OCI hook, not by libnrt (§3.1).
 *       A non-contiguous set draws a warning: AWS documents contiguous sets and its scheduler only
 *       hands those out (§3.1, §4.3).</li>
 *   <li>{@code NEURON_RT_VISIBLE_CORES}: {@code n}, {@code a-b} and comma mixes of global logical
 *       core ids ({@code device = core / logical cores per device}); libnrt refuses a set that is
 *       not contiguous and increasing ({@code Neuron cores are not contiguous}, §3.2, §6), so that
 *       is refused here before the container starts.</li>
 * </ul>
 * The selection also carries the cores renumbered to the selected devices counted from 0, for
 * the opt-in {@code from-zero} device numbering ({@link dev.jaccel.core.plan.NeuronDeviceNames});
 * by default the container keeps host names and host-global core ids.
 */
public final class NeuronSelector {
    public static final String DEVICES = "AWS_NEURON_VISIBLE_DEVICES";
    public static final String CORES = "NEURON_RT_VISIBLE_CORES";

    private NeuronSelector() {
    }

    /** Whether the environment names Neuron devices or cores at all. */
    public static boolean requested(Map<String, String> env) {
        return !blank(env.get(DEVICES)) || !blank(env.get(CORES));
    }

    /**
     * @param devicesValue the device list (from {@code AWS_NEURON_VISIBLE_DEVICES} or CDI names),
     *                     {@code null} when not given
     * @param devicesOrigin names that input in messages
     * @param coresValue   {@code NEURON_RT_VISIBLE_CORES}, {@code null} when not given
     * @throws JaccelException exit 2 for malformed lists or duplicates, exit 3 for unknown devices
     *                         or cores, non-contiguous cores, or cores outside the listed devices
     */
    public static NeuronSelection select(String devicesValue, String devicesOrigin, String coresValue,
                                         NeuronInventory inventory, Consumer<String> warnings) {
        boolean devicesGiven = !blank(devicesValue);
        boolean coresGiven = !blank(coresValue);
        if (!devicesGiven && !coresGiven) {
            return NeuronSelection.EMPTY;
        }
        Map<Integer, NeuronDevice> byIndex = new TreeMap<>();
        inventory.devices().forEach(d -> byIndex.put(d.index(), d));

        LinkedHashSet<Integer> chosen = new LinkedHashSet<>();
        if (devicesGiven) {
            String what = devicesOrigin + "=" + Messages.quote(devicesValue.strip());
            if (devicesValue.strip().equalsIgnoreCase("all")) {
                chosen.addAll(byIndex.keySet());
            } else {
                List<Integer> asked = IndexList.parse(devicesValue, what, "device");
                for (int i : asked) {
                    if (!byIndex.containsKey(i)) {
                        throw JaccelException.unsatisfied(what + ": neuron" + i + ": unknown device (this host has "
                                + describe(byIndex.keySet()) + ")");
                    }
                }
                chosen.addAll(asked.stream().sorted().toList());
                if (!contiguous(new ArrayList<>(chosen))) {
                    warnings.accept(what + " is not a contiguous set of devices: AWS documents contiguous sets and "
                            + "collectives between unconnected devices may fail");
                }
            }
        }

        List<Integer> cores = List.of();
        Map<Integer, int[]> coreLocation = new HashMap<>(); // core id -> {device index, local core}
        if (coresGiven) {
            String what = CORES + "=" + Messages.quote(coresValue.strip());
            cores = IndexList.parse(coresValue, what, "core");
            if (!contiguous(cores)) {
                throw JaccelException.unsatisfied(what + " is not contiguous and increasing, which the Neuron runtime "
                        + "refuses (nrt_allocate_neuron_cores: Neuron cores are not contiguous); ask for a range "
                        + "such as " + cores.stream().min(Integer::compare).orElse(0) + "-"
                        + (cores.stream().min(Integer::compare).orElse(0) + cores.size() - 1));
            }
            for (NeuronDevice d : byIndex.values()) {
                List<Integer> ids = coreIds(d, what);
                for (int local = 0; local < ids.size(); local++) {
                    coreLocation.put(ids.get(local), new int[] {d.index(), local});
                }
            }
            for (int c : cores) {
                int[] loc = coreLocation.get(c);
                if (loc == null) {
                    throw JaccelException.unsatisfied(what + ": core " + c + " does not exist (this host has cores "
                            + IndexList.format(coreLocation.keySet().stream().sorted().toList()) + ")");
                }
                if (devicesGiven && !chosen.contains(loc[0])) {
                    throw JaccelException.unsatisfied(what + ": core " + c + " is on neuron" + loc[0] + ", which "
                            + devicesOrigin + " does not select");
                }
            }
            if (!devicesGiven) {
                cores.forEach(c -> chosen.add(coreLocation.get(c)[0]));
            }
        }

        List<NeuronDevice> devices = chosen.stream().sorted().map(byIndex::get).toList();
        Optional<String> visibleCores = Optional.empty();
        if (coresGiven) {
            Map<Integer, Integer> offset = new HashMap<>();
            int next = 0;
            for (NeuronDevice d : devices) {
                offset.put(d.index(), next);
                next += coreIds(d, CORES).size();
            }
            List<Integer> renumbered = cores.stream()
                    .map(c -> offset.get(coreLocation.get(c)[0]) + coreLocation.get(c)[1])
                    .sorted(Comparator.naturalOrder()).toList();
            visibleCores = Optional.of(IndexList.format(renumbered));
        }
        return new NeuronSelection(devices, visibleCores);
    }

    /** A device's global logical core ids: as discovered, else {@code index * logical + local}. */
    static List<Integer> coreIds(NeuronDevice d, String what) {
        if (!d.coreIds().isEmpty()) {
            return d.coreIds();
        }
        Integer perDevice = d.logicalCoreCount() != null ? d.logicalCoreCount() : d.coreCount();
        if (perDevice == null) {
            throw JaccelException.unsatisfied(what + ": the core count of neuron" + d.index()
                    + " is unknown, so cores cannot be mapped to devices");
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < perDevice; i++) {
            ids.add(d.index() * perDevice + i);
        }
        return ids;
    }

    private static boolean contiguous(List<Integer> ids) {
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i) != ids.get(i - 1) + 1) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Set<Integer> indices) {
        return indices.isEmpty() ? "no Neuron devices"
                : "neuron" + IndexList.format(indices.stream().sorted().toList()).replace(",", ", neuron")
                .replace("-", "-neuron");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
