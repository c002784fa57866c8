package dev.jaccel.bench;

import dev.jaccel.core.caps.DriverFiles;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.DefaultPlanner;
import dev.jaccel.core.spi.HostContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Selector, capability and requirement evaluation for realistic container environments: the whole
 * process env of an {@code nvidia/cuda} image (its long {@code NVIDIA_REQUIRE_CUDA} included) against
 * the inventory of the simulated 8-GPU host, through {@link DefaultPlanner}, edits included.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class PlanBenchmark {
    /**
     * <ul>
     * <li>{@code all-cuda12.4}: nvidia/cuda:12.4.1 image as is (all GPUs, compute,utility, its requirement);</li>
     * <li>{@code uuids-cuda12.9}: two GPUs by UUID and one MIG device, all capabilities, the 12.9 requirement;</li>
     * <li>{@code legacy-cuda}: an old image with only {@code CUDA_VERSION} (means all GPUs, all capabilities);</li>
     * <li>{@code nothing}: a plain image that asks for nothing (the common case).</li>
     * </ul>
     */
    @Param({"all-cuda12.4", "uuids-cuda12.9", "legacy-cuda", "nothing"})
    public String container;

    /**
     * Where the inventory comes from: {@code snapshot} carries the driver's located files (what a
     * container start reads: no folder walk in the plan); {@code discovery} has none, so each plan
     * locates them under the host root.
     */
    @Param({"snapshot", "discovery"})
    public String inventorySource;

    HostContext host;
    Inventory inventory;
    ContainerRequest request;
    DefaultPlanner planner;

    @Setup
    public void setUp() {
        host = BenchHost.context();
        inventory = BenchHost.discover();
        if (inventorySource.equals("snapshot")) {
            NvidiaInventory n = inventory.nvidia();
            inventory = new Inventory(n.withDriverFiles(DriverFiles.index(host, n.driverVersion())), inventory.neuron(),
                    inventory.errors());
        }
        planner = new DefaultPlanner();
        request = ContainerRequest.ofEnv(env(container, inventory));
        planner.plan(request, inventory, host);   // fails the setup (and the run) if the scenario is unsatisfiable
    }

    static Map<String, String> env(String container, Inventory inventory) {
        Map<String, String> env = new LinkedHashMap<>(Workloads.cudaImageEnv());
        switch (container) {
            case "all-cuda12.4" -> {
                // the image's own values
            }
            case "uuids-cuda12.9" -> {
                GpuDevice first = inventory.nvidia().devices().get(0);
                GpuDevice withMig = inventory.nvidia().devices().stream().filter(g -> !g.migDevices().isEmpty())
                        .findFirst().orElseThrow(() -> new IllegalStateException("the simulated host has no MIG device"));
                GpuDevice last = inventory.nvidia().devices().getLast();
                env.put("NVIDIA_VISIBLE_DEVICES", first.uuid() + "," + last.uuid() + "," + withMig.migDevices().get(0).uuid());
                env.put("NVIDIA_DRIVER_CAPABILITIES", "all");
                env.put("NVIDIA_REQUIRE_CUDA", Workloads.REQUIRE_CUDA_12_9);
                env.put("CUDA_VERSION", "12.9.1");
            }
            case "legacy-cuda" -> {
                env.remove("NVIDIA_VISIBLE_DEVICES");
                env.remove("NVIDIA_DRIVER_CAPABILITIES");
                env.remove("NVIDIA_REQUIRE_CUDA");
                env.put("CUDA_VERSION", "8.0.61");
            }
            case "nothing" -> {
                env.keySet().removeIf(k -> k.startsWith("NVIDIA_") || k.startsWith("CUDA_") || k.startsWith("NV_"));
            }
            default -> throw new IllegalArgumentException("unknown container scenario " + container);
        }
        return env;
    }

    @Benchmark
    public Plan plan() {
        return planner.plan(request, inventory, host);
    }
}
