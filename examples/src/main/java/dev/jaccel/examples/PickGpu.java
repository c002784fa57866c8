package dev.jaccel.examples;

import dev.jaccel.api.Jaccel;
import dev.jaccel.nvml.GpuTopology;
import dev.jaccel.nvml.MemoryInfo;
import dev.jaccel.nvml.NvmlDevice;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the GPU with the most free memory, then the peers it reaches over NVLink (for a second
 * worker), and prints what a launcher would put in {@code CUDA_VISIBLE_DEVICES} (UUIDs: indices
 * may differ between NVML and CUDA).
 */
public final class PickGpu {
    private PickGpu() {
    }

    public static void main(String[] args) {
        try (Jaccel jaccel = Jaccel.openNvidia()) {
            List<NvmlDevice> gpus = jaccel.nvidia().devices().stream()
                    .filter(g -> g.migMode().map(m -> !m.current()).orElse(true))   // whole GPUs only
                    .toList();
            NvmlDevice best = gpus.stream()
                    .max(Comparator.comparingLong(g -> g.memory().map(MemoryInfo::free).orElse(0L)))
                    .orElseThrow(() -> new IllegalStateException("no whole GPU here"));
            GpuTopology topology = GpuTopology.read(gpus, Optional.of(jaccel.options().hostRoot()));
            System.out.println("CUDA_VISIBLE_DEVICES=" + best.uuid());
            System.out.println("NUMA node: " + topology.numaNode(best).map(String::valueOf).orElse("unknown"));
            for (NvmlDevice peer : topology.nvLinkPeers(best)) {
                System.out.println("NVLink peer: " + peer.uuid() + " (" + topology.directNvLinks(best, peer) + " links)");
            }
        }
    }
}
