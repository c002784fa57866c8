package dev.jaccel.nvml;

import dev.jaccel.testkit.HostTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.jaccel.nvml.FakeNvmlTopologyAbiTest.TOPOLOGY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed topology API over the fake: NUMA nodes, common ancestors, NVLinks, P2P, MIG profiles. */
class NvmlTopologyTest {

    @BeforeEach
    void configure() {
        FakeNvml.configure(TOPOLOGY);
    }

    @ParameterizedTest(name = "GPUs {0} and {1}: {2}")
    @CsvSource({"0, 0, INTERNAL", "0, 1, SINGLE", "0, 2, NODE", "2, 3, SYSTEM"})
    void commonAncestor(int a, int b, TopologyLevel level) {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals(Optional.of(level), s.device(a).commonAncestor(s.device(b)));
        }
    }

    @Test
    void topologyLevelsAreOrderedNearestFirstAndUnknownValuesAreFarthest() {
        assertTrue(TopologyLevel.SINGLE.compareTo(TopologyLevel.NODE) < 0);
        assertEquals(TopologyLevel.HOSTBRIDGE, TopologyLevel.of(30));
        assertEquals(TopologyLevel.SYSTEM, TopologyLevel.of(60));
    }

    @Test
    void nvLinksListActiveLinksWithTheirRemoteEndThenInactiveOnes() {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            List<NvLink> links = s.device(0).nvLinks();
            assertEquals(18, links.size(), "the scan stops at INVALID_ARGUMENT");
            assertEquals(List.of("00000000:2A:00.0", "00000000:2A:00.0", "00000000:3A:00.0"),
                    links.stream().filter(NvLink::active).map(l -> l.remote().orElseThrow().busId()).toList());
            assertEquals(new NvLink(3, false, Optional.empty()), links.get(3));
            assertEquals(List.of(), s.device(3).nvLinks(), "no NVLink: NOT_SUPPORTED is an empty list");
        }
    }

    @Test
    void p2pStatusOverNvLink() {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals(Optional.of(P2pStatus.OK), s.device(0).p2pStatus(s.device(2), P2pCapability.NVLINK));
            assertEquals(Optional.of(P2pStatus.NOT_SUPPORTED), s.device(1).p2pStatus(s.device(2), P2pCapability.NVLINK));
            assertEquals(Optional.of(P2pStatus.OK), s.device(0).p2pStatus(s.device(1), P2pCapability.READ));
            assertEquals(P2pStatus.UNKNOWN, P2pStatus.of(42));
        }
    }

    @Test
    void numaNodeFromNvml() {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals(Optional.of(1), s.device(3).numaNode());
        }
    }

    @Test
    void migProfileComesFromTheMigDevicesName() {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlDevice mig = s.device(3).migDevices().getFirst();
            assertEquals("NVIDIA A100-SXM4-40GB MIG 1g.10gb", mig.name());
            assertEquals(Optional.of("1g.10gb"), mig.migProfile());
            assertEquals(Optional.empty(), s.device(3).migProfile(), "a GPU has no profile");
        }
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource({"NVIDIA A100-SXM4-40GB MIG 1g.5gb, 1g.5gb", "NVIDIA H100 80GB HBM3 MIG 1c.3g.40gb, 1c.3g.40gb",
            "NVIDIA H100 80GB HBM3 MIG 1g.10gb+me, 1g.10gb+me", "NVIDIA H100 80GB HBM3, ''", "'NVIDIA X MIG ', ''"})
    void profilesInNames(String name, String profile) {
        assertEquals(profile.isEmpty() ? Optional.empty() : Optional.of(profile), MigProfile.fromName(name));
    }

    @Test
    void gpuTopologyReadsNumaFromSysfsFirstThenNvml(@TempDir Path root) {
        HostTree tree = HostTree.at(root);
        tree.file("/sys/bus/pci/devices/0000:18:00.0/numa_node", "1\n");   // sysfs wins over NVML's 0
        tree.file("/sys/bus/pci/devices/0000:2a:00.0/numa_node", "-1\n");  // unknown to sysfs: NVML's 0
        try (NvmlSession s = FakeNvml.library().openSession()) {
            List<NvmlDevice> gpus = s.devices();
            GpuTopology t = GpuTopology.read(gpus, Optional.of(root));
            assertEquals(List.of(Optional.of(1), Optional.of(0), Optional.of(0), Optional.of(1)),
                    gpus.stream().map(t::numaNode).toList());
            assertEquals(List.of(Optional.of(0), Optional.of(0), Optional.of(0), Optional.of(1)),
                    gpus.stream().map(GpuTopology.read(gpus, Optional.empty())::numaNode).toList(), "NVML alone");
            assertEquals(List.of(gpus.get(1), gpus.get(2)), t.nvLinkPeers(gpus.get(0)));
            assertEquals(List.of(gpus.get(0)), t.nvLinkPeers(gpus.get(1)));
            assertEquals(2, t.directNvLinks(gpus.get(0), gpus.get(1)));
            assertEquals(1, t.directNvLinks(gpus.get(0), gpus.get(2)));
            assertEquals(0, t.directNvLinks(gpus.get(1), gpus.get(2)));
            assertEquals(Optional.of(TopologyLevel.SINGLE), t.commonAncestor(gpus.get(1), gpus.get(0)));
            assertEquals(List.of(), t.notes());
            assertThrows(IllegalArgumentException.class, () -> t.numaNode(gpus.get(3).migDevices().getFirst()));
        }
    }

    @Test
    void aLostGpuLeavesItsFactsUnknownWithNotes() {
        FakeNvml.configure(TOPOLOGY.replace("\"minor\": 0,", "\"minor\": 0, \"errors\": {"
                + "\"nvmlDeviceGetNvLinkState\": \"GPU_IS_LOST\", \"nvmlDeviceGetTopologyCommonAncestor\": \"GPU_IS_LOST\","
                + " \"nvmlDeviceGetP2PStatus\": \"GPU_IS_LOST\", \"nvmlDeviceGetNumaNodeId\": \"GPU_IS_LOST\"},"));
        try (NvmlSession s = FakeNvml.library().openSession()) {
            List<NvmlDevice> gpus = s.devices();
            NvmlDevice lost = gpus.get(1);
            for (Runnable call : List.<Runnable>of(lost::nvLinks, lost::numaNode, () -> lost.commonAncestor(gpus.get(0)),
                    () -> gpus.get(0).p2pStatus(lost, P2pCapability.NVLINK))) {
                assertEquals(NvmlReturn.GPU_IS_LOST, assertThrows(NvmlException.class, call::run).returnCode());
            }
            GpuTopology t = GpuTopology.read(gpus, Optional.empty());
            assertEquals(Optional.empty(), t.numaNode(lost));
            assertEquals(List.of(gpus.get(2)), t.nvLinkPeers(gpus.get(0)), "the link to the lost GPU is not known to work");
            assertEquals(Optional.empty(), t.commonAncestor(gpus.get(0), lost));
            assertTrue(t.notes().stream().anyMatch(n -> n.startsWith("GPU 1: NVLinks unknown: nvmlDeviceGetNvLinkState: GPU_IS_LOST")),
                    t.notes().toString());
            assertTrue(t.notes().stream().anyMatch(n -> n.startsWith("GPU 0: NVLink P2P with GPU 1 unknown")), t.notes().toString());
        }
    }

    @Test
    void notSupportedIsEmptyEverywhere() {
        FakeNvml.configure(TOPOLOGY.replace("\"minor\": 0,", "\"minor\": 0, \"errors\": {"
                + "\"nvmlDeviceGetTopologyCommonAncestor\": \"NOT_SUPPORTED\", \"nvmlDeviceGetP2PStatus\": \"NOT_SUPPORTED\","
                + " \"nvmlDeviceGetNumaNodeId\": \"NOT_SUPPORTED\", \"nvmlDeviceGetNvLinkRemotePciInfo_v2\": \"NOT_SUPPORTED\"},"));
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlDevice gpu = s.device(1);
            assertEquals(Optional.empty(), gpu.commonAncestor(s.device(0)));
            assertEquals(Optional.empty(), gpu.p2pStatus(s.device(0), P2pCapability.NVLINK));
            assertEquals(Optional.empty(), gpu.numaNode());
            assertEquals(Optional.empty(), gpu.nvLinks().getFirst().remote(), "active, remote end unknown");
        }
    }
}
