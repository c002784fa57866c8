package dev.jaccel.deviceplugin.prefer;

import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.deviceplugin.resources.DeviceKind;
import dev.jaccel.deviceplugin.resources.PluginDevice;
import dev.jaccel.deviceplugin.resources.Resource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Neuron devices, or NeuronCores, as one contiguous run: the Neuron runtime refuses a
 * non-contiguous set of cores ("Neuron cores are not contiguous") and collectives need the
 * devices linked in a chain (their sysfs {@code connected_devices}). So the answer is the first
 * window of consecutive ids, all free, holding every must-include id, whose devices follow one
 * another by links; among such windows, one that starts on a multiple of its size (devices) or on
 * a device boundary (cores) is preferred, so whole groups stay free for later requests. Without
 * any such window, the set with the most same-device, adjacent and linked pairs wins.
 */
public final class NeuronPreference extends AllocationPreference {
    private final Map<Integer, Set<Integer>> links = new HashMap<>();
    private final int perDevice;   // cores per device (1 for whole devices)
    private final boolean cores;

    public NeuronPreference(Resource resource, NeuronInventory neuron) {
        super(resource);
        for (NeuronDevice d : neuron.devices()) {
            links.put(d.index(), new HashSet<>(d.connectedTo()));
        }
        cores = !devices.isEmpty() && devices.getFirst().kind() == DeviceKind.NEURON_CORE;
        int first = devices.isEmpty() ? 0 : devices.getFirst().device();
        perDevice = cores ? (int) devices.stream().filter(d -> d.device() == first).count() : 1;
    }

    private boolean linked(int a, int b) {
        return a == b || links.getOrDefault(a, Set.of()).contains(b) || links.getOrDefault(b, Set.of()).contains(a);
    }

    /** The selector number (device index or global core id) of a position. */
    private int number(int position) {
        return Integer.parseInt(devices.get(position).selector());
    }

    @Override
    protected int[] choose(int[] fixed, int[] candidates, int k) {
        int size = fixed.length + k;
        Map<Integer, Integer> free = new HashMap<>();   // number -> position, for fixed and candidates
        for (int p : fixed) {
            free.put(number(p), p);
        }
        for (int p : candidates) {
            free.put(number(p), p);
        }
        int[] best = null;
        boolean bestAligned = false;
        for (int p : candidates.length > 0 ? allStarts(fixed, candidates) : new int[0]) {
            int start = number(p);
            int[] window = window(start, size, free, fixed);
            if (window == null) {
                continue;
            }
            boolean aligned = cores ? start % perDevice == 0 : start % size == 0;
            if (best == null || (aligned && !bestAligned)) {
                best = window;
                bestAligned = aligned;
            }
            if (bestAligned) {
                break;
            }
        }
        if (best != null) {
            return best;
        }
        return byPairs(fixed, candidates, k, this::pairScore);
    }

    private int[] allStarts(int[] fixed, int[] candidates) {
        int[] all = new int[fixed.length + candidates.length];
        System.arraycopy(fixed, 0, all, 0, fixed.length);
        System.arraycopy(candidates, 0, all, fixed.length, candidates.length);
        return java.util.Arrays.stream(all).boxed().sorted((a, b) -> Integer.compare(number(a), number(b)))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The candidate positions of the window [start, start+size), or null when it does not fit. */
    private int[] window(int start, int size, Map<Integer, Integer> free, int[] fixed) {
        Set<Integer> fixedSet = new HashSet<>();
        for (int f : fixed) {
            fixedSet.add(f);
        }
        int[] picked = new int[size - fixed.length];
        int n = 0;
        int covered = 0;
        Integer previousDevice = null;
        for (int id = start; id < start + size; id++) {
            Integer p = free.get(id);
            if (p == null) {
                return null;
            }
            int device = devices.get(p).device();
            if (previousDevice != null && !linked(previousDevice, device)) {
                return null;
            }
            previousDevice = device;
            if (fixedSet.contains(p)) {
                covered++;
            } else if (n == picked.length) {
                return null;   // the window leaves out a must-include id
            } else {
                picked[n++] = p;
            }
        }
        return covered == fixed.length ? picked : null;
    }

    private int pairScore(int a, int b) {
        PluginDevice x = devices.get(a);
        PluginDevice y = devices.get(b);
        int s = 0;
        if (x.device() == y.device()) {
            s += 100;
        } else if (linked(x.device(), y.device())) {
            s += 20;
        }
        if (Math.abs(number(a) - number(b)) == 1) {
            s += 10;
        }
        return s;
    }
}
