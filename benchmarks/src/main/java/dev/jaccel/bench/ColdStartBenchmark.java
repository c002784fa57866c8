package dev.jaccel.bench;

import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.VendorInventory;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.DefaultPlanner;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.nvml.NvidiaBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * First use in a fresh JVM, the cost a hook process pays once: one shot per fork, no warm-up.
 * The first NVIDIA discovery (loading NVML, linking the downcall handles, the first calls, the host
 * files), and the first plan for a CUDA image on an inventory already in memory (class loading and
 * interpretation of the selector, capability and requirement code). The JMH harness has loaded
 * part of the JDK already, so these are lower bounds of the same steps in {@code bin/jaccel}; the
 * whole process is measured by scripts/latency.sh.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 10, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"})
@State(Scope.Benchmark)
public class ColdStartBenchmark {
    HostContext host;

    @Setup
    public void setUp() {
        host = BenchHost.context();
    }

    @Benchmark
    public VendorInventory firstNvidiaDiscovery() throws BackendUnavailableException {
        return new NvidiaBackend().discover(host);
    }

    /** A separate state so the inventory is built (NVML linked) before the measured first plan. */
    @State(Scope.Benchmark)
    public static class Discovered {
        HostContext host;
        Inventory inventory;
        ContainerRequest request;

        @Setup
        public void setUp() {
            host = BenchHost.context();
            inventory = BenchHost.discover();
            request = ContainerRequest.ofEnv(Workloads.cudaImageEnv());
        }
    }

    @Benchmark
    public Plan firstPlan(Discovered d) {
        return new DefaultPlanner().plan(d.request, d.inventory, d.host);
    }
}
