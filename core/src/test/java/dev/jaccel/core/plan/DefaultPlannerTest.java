package dev.jaccel.core.plan;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.fixtures.TestHosts;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.TinyElf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jaccel.core.fixtures.TestHosts.gpuUuid;
import static dev.jaccel.core.fixtures.TestHosts.migUuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultPlannerTest {
    static final String LIBCUDA = "/usr/lib/x86_64-linux-gnu/libcuda.so." + TestHosts.DRIVER;
    static final String LIBNVML = "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so." + TestHosts.DRIVER;

    @TempDir
    Path root;
    HostContext host;
    final Inventory both = new Inventory(TestHosts.dgx().nvidia(), TestHosts.trn1().neuron(), List.of());

    @BeforeEach
    void driverFiles() throws IOException {
        host = HostContext.ofRoot(root);
        for (String f : List.of(LIBCUDA, LIBNVML)) {
            Files.createDirectories(host.host(f).getParent());
            Files.write(host.host(f), TinyElf.sharedObject(f.substring(f.lastIndexOf('/') + 1, f.indexOf(".so.") + 4) + "1", ""));
        }
    }

    /** {@code A=1 B=2}: space-separated assignments; {@code ~} stands for a space inside a value. */
    static Map<String, String> env(String assignments) {
        Map<String, String> env = new HashMap<>();
        if (!assignments.isBlank()) {
            for (String kv : assignments.trim().split(" +")) {
                int eq = kv.indexOf('=');
                env.put(kv.substring(0, eq), kv.substring(eq + 1).replace('~', ' '));
            }
        }
        return env;
    }

    Plan plan(String assignments) {
        return new DefaultPlanner().plan(ContainerRequest.ofEnv(env(assignments)), both, host);
    }

    static List<String> nodePaths(Plan p) {
        return p.edits().deviceNodes().stream().map(DeviceNodeEdit::path).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "PATH=/bin", "NVIDIA_VISIBLE_DEVICES=", "NVIDIA_VISIBLE_DEVICES=void",
            "NVIDIA_VISIBLE_DEVICES=0,void", "NVIDIA_REQUIRE_CUDA=cuda>=99", "CUDA_VERSION=12.8 NVIDIA_VISIBLE_DEVICES=",
            "CUDA_VERSION=12.8 NVIDIA_REQUIRE_CUDA=cuda>=12.8", "NVIDIA_DRIVER_CAPABILITIES=all",
            "AWS_NEURON_VISIBLE_DEVICES=", "NEURON_RT_NUM_CORES=2"})
    void nothingRequestedIsNothing(String assignments) {
        assertSame(Plan.NOTHING, plan(assignments));
        assertEquals(false, DefaultPlanner.mayRequestDevices(ContainerRequest.ofEnv(env(assignments))));
    }

    @Test
    void oneGpuWithDefaultCapabilities() {
        Plan p = plan("NVIDIA_VISIBLE_DEVICES=0");
        assertEquals(List.of(gpuUuid(0)), p.selected());
        assertEquals(List.of("NVIDIA_VISIBLE_DEVICES=void"), p.edits().env());
        assertEquals(List.of("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia0"), nodePaths(p));
        assertEquals(DeviceNodeEdit.charDevice("/dev/nvidia-uvm", "/dev/nvidia-uvm", TestHosts.UVM_MAJOR, 0),
                p.edits().deviceNodes().get(1));
        String dir = "/usr/lib/x86_64-linux-gnu/";   // no image known: the host's library folder
        assertEquals(List.of(new MountEdit(host.host(LIBCUDA).toString(), dir + "libcuda.so.1", MountEdit.DRIVER_FILE_OPTIONS),
                new MountEdit(host.host(LIBCUDA).toString(), dir + "libcuda.so", MountEdit.DRIVER_FILE_OPTIONS),
                new MountEdit(host.host(LIBNVML).toString(), dir + "libnvidia-ml.so.1", MountEdit.DRIVER_FILE_OPTIONS)),
                p.edits().mounts());
        assertEquals(List.of(), p.edits().hooks());
        assertTrue(p.warnings().isEmpty(), p.warnings().toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "NVIDIA_VISIBLE_DEVICES=none | '' | /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia-uvm-tools",
            "NVIDIA_VISIBLE_DEVICES=none NVIDIA_DRIVER_CAPABILITIES=utility | '' | /dev/nvidiactl",
            "NVIDIA_VISIBLE_DEVICES=1 NVIDIA_DRIVER_CAPABILITIES=display | G1 | /dev/nvidiactl /dev/nvidia-modeset /dev/nvidia1",
            "NVIDIA_VISIBLE_DEVICES=6:0 NVIDIA_DRIVER_CAPABILITIES=utility | M6.0 | /dev/nvidiactl /dev/nvidia6 /dev/nvidia-caps/nvidia-cap160 /dev/nvidia-caps/nvidia-cap161",
            "NVIDIA_VISIBLE_DEVICES=6:0,6:1 NVIDIA_DRIVER_CAPABILITIES=utility | M6.0 M6.1 | /dev/nvidiactl /dev/nvidia6 /dev/nvidia-caps/nvidia-cap160 /dev/nvidia-caps/nvidia-cap161 /dev/nvidia-caps/nvidia-cap162 /dev/nvidia-caps/nvidia-cap163",
            "NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=utility | G0 G1 G2 G3 G4 G5 M6.0 M6.1 M7.0 M7.1 | /dev/nvidiactl /dev/nvidia0 /dev/nvidia1 /dev/nvidia2 /dev/nvidia3 /dev/nvidia4 /dev/nvidia5 /dev/nvidia6 /dev/nvidia-caps/nvidia-cap160 /dev/nvidia-caps/nvidia-cap161 /dev/nvidia-caps/nvidia-cap162 /dev/nvidia-caps/nvidia-cap163 /dev/nvidia7 /dev/nvidia-caps/nvidia-cap170 /dev/nvidia-caps/nvidia-cap171 /dev/nvidia-caps/nvidia-cap172 /dev/nvidia-caps/nvidia-cap173",
            "CUDA_VERSION=12.2 NVIDIA_DRIVER_CAPABILITIES=utility | G0 G1 G2 G3 G4 G5 M6.0 M6.1 M7.0 M7.1 | /dev/nvidiactl /dev/nvidia0 /dev/nvidia1 /dev/nvidia2 /dev/nvidia3 /dev/nvidia4 /dev/nvidia5 /dev/nvidia6 /dev/nvidia-caps/nvidia-cap160 /dev/nvidia-caps/nvidia-cap161 /dev/nvidia-caps/nvidia-cap162 /dev/nvidia-caps/nvidia-cap163 /dev/nvidia7 /dev/nvidia-caps/nvidia-cap170 /dev/nvidia-caps/nvidia-cap171 /dev/nvidia-caps/nvidia-cap172 /dev/nvidia-caps/nvidia-cap173",
            "AWS_NEURON_VISIBLE_DEVICES=2,3 | neuron2 neuron3 | /dev/neuron2 /dev/neuron3",
            "NVIDIA_VISIBLE_DEVICES=GPU-a1000003-1111-2222-3333-444455556663 NVIDIA_DRIVER_CAPABILITIES=utility AWS_NEURON_VISIBLE_DEVICES=0 | G3 neuron0 | /dev/nvidiactl /dev/nvidia3 /dev/neuron0",
    })
    void selectsAndInjects(String assignments, String ids, String nodes) {
        Plan p = plan(assignments);
        assertEquals(ids.isEmpty() ? List.of() : Arrays.stream(ids.split(" ")).map(DefaultPlannerTest::id).toList(),
                p.selected());
        assertEquals(List.of(nodes.split(" ")), nodePaths(p));
        assertTrue(DefaultPlanner.mayRequestDevices(ContainerRequest.ofEnv(env(assignments))));
    }

    static String id(String s) {
        if (s.startsWith("neuron")) {
            return s;
        }
        if (s.startsWith("G")) {
            return gpuUuid(Integer.parseInt(s.substring(1)));
        }
        String[] gm = s.substring(1).split("\\.");
        return migUuid(Integer.parseInt(gm[0]), Integer.parseInt(gm[1]));
    }

    /**
     * One Neuron naming policy: by default host names and the container's own host-global
     * {@code NEURON_RT_VISIBLE_CORES}; {@code from-zero} renumbers nodes and cores together.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "HOST      | NEURON_RT_VISIBLE_CORES=3,4     | /dev/neuron1 /dev/neuron2 | ''",
            "HOST      | AWS_NEURON_VISIBLE_DEVICES=2,3  | /dev/neuron2 /dev/neuron3 | ''",
            "FROM_ZERO | NEURON_RT_VISIBLE_CORES=3,4     | /dev/neuron0 /dev/neuron1 | NEURON_RT_VISIBLE_CORES=1-2",
            "FROM_ZERO | AWS_NEURON_VISIBLE_DEVICES=2,3  | /dev/neuron0 /dev/neuron1 | ''",
    })
    void neuronNodesFollowTheNamingPolicyWithHostNodesBehind(NeuronDeviceNames names, String assignments,
                                                             String containerPaths, String env) {
        PlanConfig config = PlanConfig.DEFAULTS.withNeuronDeviceNames(names);
        Plan p = new DefaultPlanner(config).plan(ContainerRequest.ofEnv(env(assignments)), both, host);
        List<Integer> hostIndices = p.selected().stream().map(id -> Integer.parseInt(id.substring("neuron".length()))).toList();
        List<String> paths = List.of(containerPaths.split(" "));
        List<DeviceNodeEdit> expected = new java.util.ArrayList<>();
        for (int k = 0; k < paths.size(); k++) {
            int i = hostIndices.get(k);
            expected.add(DeviceNodeEdit.charDevice(paths.get(k), "/dev/neuron" + i, TestHosts.NEURON_MAJOR, i));
        }
        assertEquals(expected, p.edits().deviceNodes());
        assertEquals(env.isEmpty() ? List.of() : List.of(env), p.edits().env());
        assertTrue(p.edits().mounts().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "NVIDIA_VISIBLE_DEVICES=8 | 3 | device error: 8: unknown device (from NVIDIA_VISIBLE_DEVICES; this host has 8 GPUs, indices 0-7)",
            "NVIDIA_VISIBLE_DEVICES=GPU0 | 2 | NVIDIA_VISIBLE_DEVICES: 'GPU0' is not a GPU index",
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_REQUIRE_CUDA=cuda>=12.5 | 3 | unsatisfied condition: cuda>=12.5, please update your driver to a newer version, or use an earlier cuda container; the host has driver 550.54.15, cuda 12.4, brand Tesla, arch 8.0 (GPU 0 GPU-a1000000-1111-2222-3333-444455556660)",
            "NVIDIA_VISIBLE_DEVICES=none NVIDIA_REQUIRE_CUDA=cuda>=12.5 | 3 | unsatisfied condition: cuda>=12.5, please update your driver to a newer version, or use an earlier cuda container; the host has driver 550.54.15, cuda 12.4, brand unknown, arch unknown (no GPU selected)",
            "CUDA_VERSION=12.8.1 | 3 | unsatisfied condition: cuda>=12.8, please update",
            "NVIDIA_VISIBLE_DEVICES=7:0 NVIDIA_REQUIRE_ARCH=arch>=9.0 | 3 | unsatisfied condition: arch>=9.0; the host has driver 550.54.15, cuda 12.4, brand Tesla, arch 8.0 (GPU 7 ",
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_REQUIRE_BRAND=brand=geforce | 3 | unsatisfied condition: brand=geforce;",
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_REQUIRE_X=cuda>>1 | 2 | invalid expression in NVIDIA_REQUIRE_X='cuda>>1'",
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_DRIVER_CAPABILITIES=compute,gfx | 2 | NVIDIA_DRIVER_CAPABILITIES='compute,gfx': unknown driver capability 'gfx'",
            "CUDA_VERSION=twelve | 2 | CUDA_VERSION='twelve' is not a version",
            "AWS_NEURON_VISIBLE_DEVICES=16 | 3 | AWS_NEURON_VISIBLE_DEVICES='16': neuron16: unknown device",
            "AWS_NEURON_VISIBLE_DEVICES=1,1 | 2 | AWS_NEURON_VISIBLE_DEVICES='1,1': device 1 is listed twice",
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_MIG_CONFIG_DEVICES=all | 2 | cannot set MIG_CONFIG_DEVICES in non privileged container",
    })
    void refusals(String assignments, int exit, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> plan(assignments));
        assertEquals(exit, e.exitCode().code());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "NVIDIA_VISIBLE_DEVICES=none NVIDIA_REQUIRE_ARCH=arch>=9.0",  // no GPU: arch passes
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_REQUIRE_CUDA=cuda>=12.5 NVIDIA_DISABLE_REQUIRE=true",
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_REQUIRE_CUDA=cuda>=12.4 NVIDIA_REQUIRE_DRIVER=driver>=550",
            "NVIDIA_VISIBLE_DEVICES=0 NVIDIA_REQUIRE_JETPACK=csv-mounts=all",
            "CUDA_VERSION=12.2.2 NVIDIA_VISIBLE_DEVICES=0 NVIDIA_REQUIRE_CUDA=cuda>=12.2~brand=tesla,driver>=550,driver<551",
    })
    void requirementsThatPass(String assignments) {
        assertTrue(plan(assignments).selected().size() <= 1);
    }

    @Test
    void absentNvidiaInventoryIsExit4WithTheBackendsError() {
        Inventory neuronOnly = new Inventory(null, TestHosts.trn1().neuron(), List.of("nvidia: libnvidia-ml.so.1 not found"));
        JaccelException e = assertThrows(JaccelException.class, () -> new DefaultPlanner()
                .plan(ContainerRequest.ofEnv(Map.of("NVIDIA_VISIBLE_DEVICES", "0")), neuronOnly, host));
        assertEquals(ExitCode.DRIVER_UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().endsWith("could not be read: nvidia: libnvidia-ml.so.1 not found"), e.getMessage());
        JaccelException n = assertThrows(JaccelException.class, () -> new DefaultPlanner()
                .plan(ContainerRequest.ofEnv(Map.of("AWS_NEURON_VISIBLE_DEVICES", "0")), TestHosts.dgx(), host));
        assertEquals(ExitCode.DRIVER_UNAVAILABLE, n.exitCode());
    }

    @Test
    void cdiAnnotationsPickDevicesOfBothVendors() {
        ContainerRequest r = new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "3", "AWS_NEURON_VISIBLE_DEVICES", "9"),
                Map.of("cdi.k8s.io/a", "nvidia.com/gpu=1,aws.amazon.com/neuron=4", "cdi.k8s.io/b", "vendor.com/x=1"),
                List.of(), false);
        Plan p = new DefaultPlanner().plan(r, both, host);
        assertEquals(List.of(gpuUuid(1), "neuron4"), p.selected());
        assertTrue(p.warnings().contains("CDI devices vendor.com/x=1 are not jaccel's; left to the runtime's CDI support"),
                p.warnings().toString());
    }

    @Test
    void unprivilegedEnvIsIgnoredWhenConfiguredSo() {
        PlanConfig strict = new PlanConfig(false, true, List.of("cdi.k8s.io/"), List.of(),
                EnumSet.allOf(DriverCapability.class), false, false, false);
        Plan p = new DefaultPlanner(strict).plan(ContainerRequest.ofEnv(Map.of("NVIDIA_VISIBLE_DEVICES", "0")), both, host);
        assertEquals(List.of(), p.selected());
        assertEquals(ContainerEdits.NONE, p.edits());
        assertEquals(1, p.warnings().size());
        Plan mounted = new DefaultPlanner(strict).plan(new ContainerRequest(Map.of(), Map.of(),
                List.of("/var/run/nvidia-container-devices/" + gpuUuid(5)), false), both, host);
        assertEquals(List.of(gpuUuid(5)), mounted.selected());
    }

    @Test
    void minorVersionCompatibilityIsASetting() {
        Map<String, String> env = Map.of("NVIDIA_VISIBLE_DEVICES", "0", "NVIDIA_REQUIRE_CUDA", "cuda>=12.8");
        assertThrows(JaccelException.class, () -> new DefaultPlanner().plan(ContainerRequest.ofEnv(env), both, host));
        PlanConfig minor = new PlanConfig(true, false, List.of("cdi.k8s.io/"), List.of(),
                EnumSet.allOf(DriverCapability.class), false, true, false);
        Plan p = new DefaultPlanner(minor).plan(ContainerRequest.ofEnv(env), both, host);
        assertEquals(List.of(gpuUuid(0)), p.selected());
        assertTrue(p.warnings().getFirst().contains("minor-version compatibility"), p.warnings().toString());
    }

    @Test
    void migConfigBringsTheConfigNodeAndEveryMigCapabilityNode() throws IOException {
        Files.createDirectories(host.host("/proc/driver/nvidia-caps"));
        Files.writeString(host.host("/proc/devices"), "Character devices:\n195 nvidia\n509 nvidia-caps\n");
        Files.writeString(host.host("/proc/driver/nvidia-caps/mig-minors"), "config 1\nmonitor 2\n");
        ContainerRequest r = new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "7",
                "NVIDIA_MIG_CONFIG_DEVICES", "all", "NVIDIA_DRIVER_CAPABILITIES", "utility"), Map.of(), List.of(), true);
        Plan p = new DefaultPlanner().plan(r, both, host);
        assertEquals(List.of("/dev/nvidiactl", "/dev/nvidia7", "/dev/nvidia-caps/nvidia-cap1",
                "/dev/nvidia-caps/nvidia-cap170", "/dev/nvidia-caps/nvidia-cap171", "/dev/nvidia-caps/nvidia-cap172",
                "/dev/nvidia-caps/nvidia-cap173"), nodePaths(p));
        // GPU 0 has no MIG: the variable is ignored there
        ContainerRequest noMig = new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "0",
                "NVIDIA_MIG_MONITOR_DEVICES", "all", "NVIDIA_DRIVER_CAPABILITIES", "utility"), Map.of(), List.of(), true);
        assertEquals(List.of("/dev/nvidiactl", "/dev/nvidia0"), nodePaths(new DefaultPlanner().plan(noMig, both, host)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cdi.k8s.io/x=nvidia.com/gpu=0 | true",
            "cdi.k8s.io/x= | false",
            "io.kubernetes.cri/x=nvidia.com/gpu=0 | false",
    })
    void mayRequestDevicesLooksAtAnnotationsWithTheConfiguredPrefixes(String annotation, boolean may) {
        int eq = annotation.indexOf('=');
        ContainerRequest r = new ContainerRequest(Map.of(), Map.of(annotation.substring(0, eq),
                annotation.substring(eq + 1)), List.of(), false);
        assertEquals(may, DefaultPlanner.mayRequestDevices(r));
    }

    @Test
    void mayRequestDevicesCountsDeviceMountsAndSwarmVariables() {
        assertTrue(DefaultPlanner.mayRequestDevices(new ContainerRequest(Map.of(), Map.of(),
                List.of("/var/run//nvidia-container-devices/GPU-1"), false)));
        assertEquals(false, DefaultPlanner.mayRequestDevices(new ContainerRequest(Map.of(), Map.of(),
                List.of("/var/run/other/GPU-1"), false)));
        ContainerRequest swarm = ContainerRequest.ofEnv(Map.of("DOCKER_RESOURCE_GPUS", "0"));
        assertEquals(false, DefaultPlanner.mayRequestDevices(swarm));
        assertTrue(DefaultPlanner.mayRequestDevices(swarm, new PlanConfig(true, false, List.of(),
                List.of("DOCKER_RESOURCE_GPUS"), EnumSet.allOf(DriverCapability.class), false, false, false)));
    }
}
