package dev.jaccel.bench;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.oci.OciState;
import dev.jaccel.core.oci.SpecEditor;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.DefaultPlanner;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.nvml.NvmlException;
import dev.jaccel.nvml.NvmlLibrary;
import dev.jaccel.nvml.NvmlSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The container path in-process, end to end and warm: the OCI state from stdin, the bundle's
 * config.json read from disk and parsed, the request, the inventory (from the snapshot, or from NVML
 * through FFM), the plan with its requirement checks, the edits. What {@code jaccel hook prestart}
 * computes before its system calls (mknod, cgroup rules), and what {@code jaccel runtime create}
 * computes before it writes the spec and execs runc ({@link #runtimeSpecEdit}).
 *
 * <p>The steps are composed here from core's API (state, spec, snapshot, planner, editor) in the
 * order the container path runs them (docs/design.md §4), so that each variant measures one
 * inventory source: the fresh snapshot, or NVML.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class HookPathBenchmark {
    Path bundle;
    Path snapshot;
    byte[] state;
    HostContext host;
    NvmlSession held;

    @Setup
    public void setUp() throws IOException, NvmlException {
        HostContext host = BenchHost.context();
        bundle = Files.createTempDirectory("jaccel-bench-bundle");
        Files.write(bundle.resolve("config.json"), Workloads.podmanCudaConfig());
        state = ("{\"ociVersion\":\"1.0.2\",\"id\":\"bench\",\"status\":\"creating\",\"pid\":4242,\"bundle\":\""
                + bundle + "\",\"annotations\":{}}").getBytes(StandardCharsets.UTF_8);
        snapshot = bundle.resolve("inventory.json");
        InventorySnapshot.write(snapshot, BenchHost.discover(), host);
        this.host = host;
        held = NvmlLibrary.load(BenchHost.nvmlLibrary()).openSession();   // a warm driver, as in InventoryBenchmark
        if (prestart(true).deviceNodes().isEmpty()) {
            throw new IllegalStateException("the CUDA image's spec planned no device on the simulated host");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        held.close();
        try (Stream<Path> files = Files.walk(bundle)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The inventory the container path plans against: the snapshot when fresh, else discovery. */
    Inventory inventory(boolean fromSnapshot) {
        return (fromSnapshot ? InventorySnapshot.readIfFresh(snapshot, host) : Optional.<Inventory>empty())
                .orElseGet(() -> Inventories.discover(host));
    }

    ContainerEdits prestart(boolean fromSnapshot) throws IOException {
        OciState s = OciState.parse(state);
        OciSpec spec = OciSpec.parse(Files.readAllBytes(s.bundle().resolve("config.json")), "config.json");
        ContainerRequest request = spec.request();
        if (!DefaultPlanner.mayRequestDevices(request)) {
            return ContainerEdits.NONE;
        }
        return new DefaultPlanner().plan(request, inventory(fromSnapshot), host).edits();
    }

    @Benchmark
    public ContainerEdits hookFromSnapshot() throws IOException {
        return prestart(true);
    }

    @Benchmark
    public ContainerEdits hookFromNvml() throws IOException {
        return prestart(false);
    }

    @Benchmark
    public void runtimeSpecEdit(Blackhole bh) throws IOException {
        OciSpec spec = OciSpec.parse(Files.readAllBytes(bundle.resolve("config.json")), "config.json");
        SpecEditor.apply(spec, new DefaultPlanner().plan(spec.request(), inventory(true), host).edits());
        bh.consume(spec.toBytes());
    }
}
