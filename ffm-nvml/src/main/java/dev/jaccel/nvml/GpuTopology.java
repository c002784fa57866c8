package dev.jaccel.nvml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a set of GPUs sit relative to each other and to the CPUs, read once: what an allocation
 * policy needs (a device plugin's preferred allocation, a scheduler pinning workers to NUMA nodes).
 *
 * <ul>
 * <li>NUMA node of each GPU: sysfs {@code numa_node} of its PCI function under the host root (the
 *     CPU-side node, as the kubelet sees it), else {@code nvmlDeviceGetNumaNodeId};</li>
 * <li>for each pair, the closest common PCIe ancestor ({@link TopologyLevel}), whether NVLink
 *     peer-to-peer works between them ({@code nvmlDeviceGetP2PStatus}, NVLINK: true through
 *     NVSwitches too) and how many NVLinks join them directly.</li>
 * </ul>
 * A query that fails (other than NOT_SUPPORTED) leaves that fact unknown and adds a note; the rest
 * is still read. Immutable once read; the {@link NvmlDevice} keys must stay in their open session
 * only to be compared.
 */
public final class GpuTopology {
    private final List<NvmlDevice> gpus;
    private final Map<NvmlDevice, Integer> position = new HashMap<>();
    private final List<Optional<Integer>> numaNodes;
    private final TopologyLevel[][] ancestors;
    private final boolean[][] nvLinkPeers;
    private final int[][] directLinks;
    private final List<String> notes;

    private GpuTopology(List<NvmlDevice> gpus, List<Optional<Integer>> numaNodes, TopologyLevel[][] ancestors,
                        boolean[][] nvLinkPeers, int[][] directLinks, List<String> notes) {
        this.gpus = List.copyOf(gpus);
        for (int i = 0; i < gpus.size(); i++) {
            position.put(gpus.get(i), i);
        }
        this.numaNodes = List.copyOf(numaNodes);
        this.ancestors = ancestors;
        this.nvLinkPeers = nvLinkPeers;
        this.directLinks = directLinks;
        this.notes = List.copyOf(notes);
    }

    /**
     * Reads the topology of {@code gpus} (GPU handles of one session, not MIG devices).
     *
     * @param hostRoot where {@code /sys} is read ({@code /} on the host itself); empty: NVML alone
     */
    public static GpuTopology read(List<NvmlDevice> gpus, Optional<Path> hostRoot) {
        int n = gpus.size();
        List<String> notes = new ArrayList<>();
        List<Optional<Integer>> numa = new ArrayList<>(n);
        List<String> busIds = new ArrayList<>(n);
        List<String> labels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NvmlDevice gpu = gpus.get(i);
            int position = i;
            labels.add("GPU " + noted(notes, "GPU at position " + i, "index", gpu::index)
                    .map(String::valueOf).orElse("at position " + position));
            String busId = noted(notes, labels.get(i), "PCI info", () -> gpu.pciInfo().busId()).orElse(null);
            busIds.add(busId);
            numa.add(numaNode(gpu, busId, hostRoot, notes, labels.get(i)));
        }
        TopologyLevel[][] ancestors = new TopologyLevel[n][n];
        boolean[][] peers = new boolean[n][n];
        int[][] links = new int[n][n];
        for (int i = 0; i < n; i++) {
            NvmlDevice a = gpus.get(i);
            for (NvLink link : noted(notes, labels.get(i), "NVLinks", a::nvLinks).orElse(List.of())) {
                int peer = link.remote().map(r -> busIds.indexOf(r.busId())).orElse(-1);
                if (peer >= 0) {
                    links[i][peer]++;
                }
            }
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    continue;
                }
                NvmlDevice b = gpus.get(j);
                ancestors[i][j] = noted(notes, labels.get(i), "common ancestor with " + labels.get(j),
                        () -> a.commonAncestor(b).orElse(null)).orElse(null);
                peers[i][j] = noted(notes, labels.get(i), "NVLink P2P with " + labels.get(j),
                        () -> a.p2pStatus(b, P2pCapability.NVLINK).map(P2pStatus::isOk).orElse(false)).orElse(false);
            }
        }
        return new GpuTopology(gpus, numa, ancestors, peers, links, notes);
    }

    private static Optional<Integer> numaNode(NvmlDevice gpu, String busId, Optional<Path> hostRoot, List<String> notes,
                                              String label) {
        if (hostRoot.isPresent() && busId != null) {
            try {
                Optional<Integer> sysfs = PciSysfs.numaNode(hostRoot.get(), busId);
                if (sysfs.isPresent()) {
                    return sysfs;
                }
            } catch (IOException e) {
                notes.add(label + ": NUMA node from sysfs unknown: " + e.getMessage());
            }
        }
        return noted(notes, label, "NUMA node", gpu::numaNode).flatMap(o -> o);
    }

    private interface Query<T> {
        T get();
    }

    /** The answer, or empty with a note when NVML fails. */
    private static <T> Optional<T> noted(List<String> notes, String gpu, String what, Query<T> q) {
        try {
            return Optional.ofNullable(q.get());
        } catch (NvmlException e) {
            notes.add(gpu + ": " + what + " unknown: " + e.getMessage());
            return Optional.empty();
        }
    }

    private int at(NvmlDevice gpu) {
        Integer i = position.get(gpu);
        if (i == null) {
            throw new IllegalArgumentException(gpu + " is not one of the GPUs this topology was read for");
        }
        return i;
    }

    /** The GPUs read, in the order given. */
    public List<NvmlDevice> gpus() {
        return gpus;
    }

    /** The NUMA node the GPU is attached to; empty when neither sysfs nor NVML knows. */
    public Optional<Integer> numaNode(NvmlDevice gpu) {
        return numaNodes.get(at(gpu));
    }

    /** The closest common PCIe ancestor of two different GPUs; empty when NVML does not say. */
    public Optional<TopologyLevel> commonAncestor(NvmlDevice a, NvmlDevice b) {
        return Optional.ofNullable(ancestors[at(a)][at(b)]);
    }

    /** Whether NVLink peer-to-peer works between two different GPUs (directly or through NVSwitches). */
    public boolean nvLinked(NvmlDevice a, NvmlDevice b) {
        return nvLinkPeers[at(a)][at(b)];
    }

    /** NVLinks from {@code a} whose other end is {@code b}; 0 when they meet only through switches. */
    public int directNvLinks(NvmlDevice a, NvmlDevice b) {
        return directLinks[at(a)][at(b)];
    }

    /** The GPUs {@code gpu} reaches over NVLink, in the order given. */
    public List<NvmlDevice> nvLinkPeers(NvmlDevice gpu) {
        int i = at(gpu);
        List<NvmlDevice> out = new ArrayList<>();
        for (int j = 0; j < gpus.size(); j++) {
            if (nvLinkPeers[i][j]) {
                out.add(gpus.get(j));
            }
        }
        return out;
    }

    /** Why a fact is unknown (a lost GPU, a failing query); empty when everything was read. */
    public List<String> notes() {
        return notes;
    }
}
