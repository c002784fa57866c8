package dev.jaccel.deviceplugin.prefer;

import dev.jaccel.deviceplugin.resources.PluginDevice;
import dev.jaccel.deviceplugin.resources.Resource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntBinaryOperator;
import java.util.stream.Collectors;

/**
 * GetPreferredAllocation for one resource: from the ids the kubelet says are free, the
 * {@code size} that work best together. Every {@code must_include} id is in the answer, whatever
 * else is chosen.
 */
public abstract class AllocationPreference {
    protected final List<PluginDevice> devices;
    private final Map<String, Integer> position;

    protected AllocationPreference(Resource resource) {
        this.devices = resource.devices();
        this.position = new java.util.HashMap<>();
        for (int i = 0; i < devices.size(); i++) {
            position.put(devices.get(i).id(), i);
        }
    }

    /** The preferred allocation, in the resource's device order (unknown must-include ids last). */
    public final List<String> prefer(List<String> available, List<String> mustInclude, int size) {
        Set<String> must = new LinkedHashSet<>(mustInclude);
        int[] fixed = must.stream().filter(position::containsKey).mapToInt(position::get).toArray();
        int[] candidates = available.stream().distinct().filter(id -> !must.contains(id) && position.containsKey(id))
                .mapToInt(position::get).sorted().toArray();
        int k = Math.min(size - must.size(), candidates.length);
        int[] chosen = k <= 0 ? new int[0] : choose(fixed, candidates, k);
        List<Integer> all = new ArrayList<>();
        for (int f : fixed) {
            all.add(f);
        }
        for (int c : chosen) {
            all.add(c);
        }
        List<String> out = all.stream().sorted().map(i -> devices.get(i).id()).collect(Collectors.toCollection(ArrayList::new));
        must.stream().filter(id -> !position.containsKey(id)).forEach(out::add);
        return out;
    }

    /**
     * {@code k} of {@code candidates} (positions in {@link #devices}, ascending) to add to the
     * {@code fixed} ones.
     */
    protected abstract int[] choose(int[] fixed, int[] candidates, int k);

    /** The best set by a pairwise score (see {@link SubsetSearch}). */
    protected static int[] byPairs(int[] fixed, int[] candidates, int k, IntBinaryOperator score) {
        return SubsetSearch.best(fixed, candidates, k, score);
    }
}
