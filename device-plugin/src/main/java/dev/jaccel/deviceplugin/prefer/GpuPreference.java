package dev.jaccel.deviceplugin.prefer;

import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.deviceplugin.resources.PluginDevice;
import dev.jaccel.deviceplugin.resources.Resource;
import dev.jaccel.deviceplugin.topology.GpuFacts;
import dev.jaccel.deviceplugin.topology.GpuLink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GPUs (or MIG devices) that talk fastest to each other: pairs joined by NVLink first (more links
 * better), then by the nearest common PCIe ancestor (same board, one switch, several switches, host
 * bridge), then by the same NUMA node. MIG devices of one GPU are closest of all. The set with the
 * highest sum of pair scores wins; the links are read once, when the resource is built.
 */
public final class GpuPreference extends AllocationPreference {
    /** MIG devices of one GPU: closer than any two GPUs (18 NVLinks score 18,600 at most) */
    static final int SAME_GPU = 100_000;
    /** each NVLink outweighs any PCIe distance (600 at most) */
    static final int PER_NVLINK = 1_000;

    private final int[][] affinity;   // by position in devices

    public GpuPreference(Resource resource, NvidiaInventory nvidia, GpuFacts facts) {
        super(resource);
        Map<Integer, GpuDevice> gpus = new HashMap<>();
        nvidia.devices().forEach(g -> gpus.put(g.index(), g));
        Map<Long, Integer> byGpuPair = new HashMap<>();
        int n = devices.size();
        affinity = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                PluginDevice a = devices.get(i);
                PluginDevice b = devices.get(j);
                int s;
                if (a.device() == b.device()) {
                    s = SAME_GPU;
                } else {
                    long key = ((long) Math.min(a.device(), b.device()) << 32) | Math.max(a.device(), b.device());
                    s = byGpuPair.computeIfAbsent(key, k -> score(facts.link(gpus.get(a.device()), gpus.get(b.device())),
                            a.numaNode(), b.numaNode()));
                }
                affinity[i][j] = s;
                affinity[j][i] = s;
            }
        }
    }

    /**
     * One pair's score: NVLink first (more links better), then the PCIe distance, which also orders
     * pairs with the same NVLinks; NUMA nodes decide when NVML knows no PCIe distance.
     */
    static int score(GpuLink link, Integer numaA, Integer numaB) {
        return PER_NVLINK * link.nvlinks() + pcie(link, numaA, numaB);
    }

    private static int pcie(GpuLink link, Integer numaA, Integer numaB) {
        return switch (link.pcie()) {
            case INTERNAL -> 600;
            case SINGLE_SWITCH -> 500;
            case MULTIPLE_SWITCHES -> 400;
            case HOST_BRIDGE -> 300;
            case SAME_NUMA_NODE -> 200;
            case SYSTEM -> 100;
            case UNKNOWN -> numaA != null && Objects.equals(numaA, numaB) ? 200 : 0;
        };
    }

    @Override
    protected int[] choose(int[] fixed, int[] candidates, int k) {
        return byPairs(fixed, candidates, k, (a, b) -> affinity[a][b]);
    }

    /** The score of a pair of ids (for tests and reports). */
    int affinity(String a, String b) {
        List<String> ids = devices.stream().map(PluginDevice::id).toList();
        return affinity[ids.indexOf(a)][ids.indexOf(b)];
    }
}
