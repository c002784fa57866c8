package dev.jaccel.bench;

import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.api.Jaccel;
import dev.jaccel.api.JaccelOptions;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.model.VendorInventory;
import dev.jaccel.nvml.MigMode;
import dev.jaccel.nvml.NvidiaBackend;
import dev.jaccel.nvml.NvmlDevice;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import java.util.concurrent.TimeUnit;

/**
 * The whole NVIDIA inventory of the simulated 8-GPU host with MIG, in-process and warm, the way a
 * Java service asks for it repeatedly: every GPU's UUID, name, brand, architecture, compute
 * capability, minor, PCI bus id, memory and MIG devices through NVML (FFM), plus the host facts
 * (driver version file, /proc/devices, device nodes with stat, MIG capability minors).
 *
 * <p>The state holds one NVML session open, as a service does, so the backend's own init and
 * shutdown are reference-count steps rather than the fake re-reading its config (a real driver's
 * first init costs milliseconds to seconds and is not what this measures). Also measured: the NVML
 * half alone ({@link #nvmlEnumeration}), the snapshot read the hook does instead of discovery, and
 * the {@code devices --json} rendering.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class InventoryBenchmark {
    HostContext host;
    NvidiaBackend backend;
    NvmlSession held;
    Inventory inventory;
    Path snapshot;
    Jaccel jaccel;

    @Setup
    public void setUp() throws NvmlException, BackendUnavailableException, IOException {
        host = BenchHost.context();
        held = NvmlLibrary.load(BenchHost.nvmlLibrary()).openSession();
        backend = new NvidiaBackend();
        VendorInventory nvidia = backend.discover(host);
        if (!(nvidia instanceof NvidiaInventory n) || n.devices().size() != 8) {
            throw new IllegalStateException("expected the simulated host's 8 GPUs, found " + nvidia);
        }
        inventory = BenchHost.discover();
        snapshot = Files.createTempFile("jaccel-bench-snapshot", ".json");
        InventorySnapshot.write(snapshot, inventory, host);
        java.util.Map<String, String> env = new java.util.HashMap<>(host.env());
        env.put("JACCEL_HOST_ROOT", host.hostRoot().toString());
        env.put("JACCEL_NVML_LIBRARY", BenchHost.nvmlLibrary());
        env.put("JACCEL_CONFIG", Files.writeString(Files.createTempFile("jaccel-bench", ".toml"), "").toString());
        jaccel = Jaccel.openNvidia(JaccelOptions.fromEnvironment(env));
        if (jaccel.inventory().nvidia().devices().size() != 8) {
            throw new IllegalStateException("Jaccel.inventory() does not see the simulated host's 8 GPUs");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        jaccel.close();
        held.close();
        Files.deleteIfExists(snapshot);
    }

    /** What the hook does instead of discovery: read the snapshot and check the host still matches it. */
    @Benchmark
    public Inventory snapshotRead() {
        return InventorySnapshot.readIfFresh(snapshot, host)
                .orElseThrow(() -> new IllegalStateException("the snapshot was not fresh"));
    }

    /**
     * What a service asks many times a second: {@code Jaccel.inventory()} with the host unchanged (two
     * small reads and two stats decide that no discovery is needed).
     */
    @Benchmark
    public Inventory apiInventory() {
        return jaccel.inventory();
    }

    @Benchmark
    public VendorInventory nvidiaBackend() throws BackendUnavailableException {
        return backend.discover(host);
    }

    /**
     * The NVML half alone, through the binding: every fact the backend asks NVML for, for the 8
     * GPUs and their MIG devices, and nothing from the host tree (no /proc reads, no stat).
     */
    @Benchmark
    public void nvmlEnumeration(Blackhole bh) throws NvmlException {
        for (NvmlDevice d : held.devices()) {
            bh.consume(d.uuid());
            bh.consume(d.name());
            bh.consume(d.brand());
            bh.consume(d.architecture());
            bh.consume(d.computeCapability());
            bh.consume(d.minorNumber());
            bh.consume(d.pciInfo());
            bh.consume(d.memory());
            Optional<MigMode> mig = d.migMode();
            if (mig.isPresent() && mig.get().current()) {
                for (NvmlDevice m : d.migDevices()) {
                    bh.consume(m.index());
                    bh.consume(m.uuid());
                    bh.consume(m.gpuInstanceId());
                    bh.consume(m.computeInstanceId());
                    bh.consume(m.memory());
                }
            }
        }
    }

    @Benchmark
    public String devicesJson() {
        return InventoryJson.toJson(inventory, false);
    }
}
