package dev.jaccel.api;

import dev.jaccel.core.NativeLibraryException;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.AcceleratorBackend;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.neuron.NeuronBackend;
import dev.jaccel.neuron.NeuronHost;
import dev.jaccel.nvml.NvidiaBackend;
import dev.jaccel.nvml.NvmlLibrary;
import dev.jaccel.nvml.NvmlSession;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The accelerators of this host, in-process: the entry point for a Java service.
 *
 * <pre>{@code
 * try (Jaccel jaccel = Jaccel.open()) {                 // JACCEL_* variables, as the jaccel command
 *     for (NvmlDevice gpu : jaccel.nvidia().devices()) {
 *         System.out.println(gpu.index() + " " + gpu.name() + " " + gpu.memory().map(MemoryInfo::used));
 *     }
 * }
 * }</pre>
 *
 * <h2>Opening</h2>
 * {@link #open()} opens every vendor it can and never fails because one is absent: a vendor whose
 * library or driver is missing is left out and {@link #unavailable()} says why. {@link #openNvidia()}
 * and {@link #openNeuron()} open one vendor and do not touch the other's library or files; they
 * fail at once (with the vendor's exception) when it cannot be opened. Locations come from
 * {@link JaccelOptions}.
 *
 * <h2>Two views of a device</h2>
 * <ul>
 * <li><b>Live handles</b>, for monitoring: {@link #nvidia()} is an open NVML session; its
 *     {@link dev.jaccel.nvml.NvmlDevice}s ask the driver at each call (utilization, memory in use,
 *     temperature, events), and {@link NvmlSession#sampler()} reads the usual metrics of every GPU in
 *     one allocation-free call. They are valid until {@link #close()}.</li>
 * <li><b>Records</b>, for placement and reporting: {@link #inventory()} returns
 *     {@link dev.jaccel.core.model.GpuDevice} and {@link dev.jaccel.core.model.NeuronDevice} values
 *     (UUIDs, device nodes, MIG devices, NUMA node, NVLink peers, NeuronCore ids): what
 *     {@code jaccel devices --json} prints and the container path plans with. They are plain data,
 *     valid after close, and do not change unless you read them again.</li>
 * </ul>
 * Neuron has no live handle: {@link #neuron()} reads the driver's sysfs counters at each call, and
 * never calls {@code nrt_init} (which would take the NeuronCores away from the service's framework).
 *
 * <h2>Errors and threads</h2>
 * Every failure is unchecked: {@link dev.jaccel.core.LibraryUnavailableException} when a library
 * cannot be loaded (including a JVM that denies native access: start it with
 * {@code --enable-native-access=ALL-UNNAMED}, or the module's name), {@link dev.jaccel.nvml.NvmlException}
 * or {@link dev.jaccel.neuron.NrtException} with the native code and its name when a call fails. An
 * instance is thread-safe. {@link #close()} refuses new calls at once, waits for the ones in
 * flight, then shuts NVML down; calls after it throw {@link IllegalStateException}.
 */
public final class Jaccel implements AutoCloseable {
    private final JaccelOptions options;
    private final NvmlSession nvidia;
    private final NeuronHost neuron;
    private final Map<Vendor, NativeLibraryException> unavailable;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Jaccel(JaccelOptions options, NvmlSession nvidia, NeuronHost neuron,
                   Map<Vendor, NativeLibraryException> unavailable) {
        this.options = options;
        this.host = options.hostContext();
        this.nvidia = nvidia;
        this.neuron = neuron;
        this.unavailable = Collections.unmodifiableMap(unavailable);
    }

    /** Every vendor available here, located from this process's environment as the jaccel command does. */
    public static Jaccel open() {
        return open(JaccelOptions.fromEnvironment());
    }

    /** Every vendor available with these locations. */
    public static Jaccel open(JaccelOptions options) {
        return open(options, EnumSet.allOf(Vendor.class), false);
    }

    /** NVIDIA only, from the environment; fails when NVML cannot be loaded or initialised. */
    public static Jaccel openNvidia() {
        return openNvidia(JaccelOptions.fromEnvironment());
    }

    public static Jaccel openNvidia(JaccelOptions options) {
        return open(options, EnumSet.of(Vendor.NVIDIA), true);
    }

    /** Neuron only, from the environment; fails when there is no Neuron driver or device. */
    public static Jaccel openNeuron() {
        return openNeuron(JaccelOptions.fromEnvironment());
    }

    public static Jaccel openNeuron(JaccelOptions options) {
        return open(options, EnumSet.of(Vendor.NEURON), true);
    }

    private static Jaccel open(JaccelOptions options, Set<Vendor> vendors, boolean required) {
        Map<Vendor, NativeLibraryException> unavailable = new EnumMap<>(Vendor.class);
        NvmlSession nvidia = null;
        NeuronHost neuron = null;
        if (vendors.contains(Vendor.NVIDIA)) {
            try {
                nvidia = NvmlLibrary.load(options.nvmlLibrary().orElse(NvmlLibrary.SONAME)).openSession();
            } catch (NativeLibraryException e) {
                if (required) {
                    throw e;
                }
                unavailable.put(Vendor.NVIDIA, e);
            }
        }
        if (vendors.contains(Vendor.NEURON)) {
            try {
                neuron = NeuronHost.open(options.hostContext());
            } catch (NativeLibraryException e) {
                if (required) {
                    throw e;
                }
                unavailable.put(Vendor.NEURON, e);
            }
        }
        return new Jaccel(options, nvidia, neuron, unavailable);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Jaccel is closed");
        }
    }

    /** Whether the vendor was opened. */
    public boolean isAvailable(Vendor vendor) {
        checkOpen();
        return vendor == Vendor.NVIDIA ? nvidia != null : neuron != null;
    }

    /** Why each vendor that was asked for could not be opened (empty when all were). */
    public Map<Vendor, NativeLibraryException> unavailable() {
        return unavailable;
    }

    /**
     * The NVML session.
     *
     * @throws IllegalStateException when NVIDIA was not opened (the cause says why) or this is closed
     */
    public NvmlSession nvidia() {
        checkOpen();
        if (nvidia == null) {
            throw notOpened(Vendor.NVIDIA);
        }
        return nvidia;
    }

    /**
     * The Neuron view of the host.
     *
     * @throws IllegalStateException when Neuron was not opened (the cause says why) or this is closed
     */
    public NeuronHost neuron() {
        checkOpen();
        if (neuron == null) {
            throw notOpened(Vendor.NEURON);
        }
        return neuron;
    }

    private IllegalStateException notOpened(Vendor vendor) {
        NativeLibraryException why = unavailable.get(vendor);
        return new IllegalStateException(vendor + " is not open"
                + (why == null ? ": this Jaccel was opened for another vendor only" : ": " + why.getMessage()), why);
    }

    /** The locations this instance uses. */
    public JaccelOptions options() {
        return options;
    }

    /**
     * The records of the open vendors' devices (what {@code jaccel devices --json} prints); a vendor
     * whose discovery fails is {@code null} in it, with the reason in its errors.
     *
     * <p>Discovery runs once and again only when the host changed: the drivers' version files and
     * the modification times of {@code /dev} and {@code /dev/nvidia-caps} ({@link HostSignature}) are
     * checked on every call, so a driver upgrade, a device node appearing, going or being
     * renumbered, or a MIG instance made or destroyed is seen by the next call. Facts NVML changes
     * without touching those (a GPU falling off the bus) are seen after {@link #refreshInventory()};
     * live values (memory used, utilization, health) belong to {@link #nvidia()}'s sessions, not here.
     */
    public Inventory inventory() {
        checkOpen();
        Cached c = cached;
        HostSignature now = HostSignature.of(host, nvidia != null, neuron != null);
        if (c != null && c.signature.sameAs(now)) {
            return c.inventory;
        }
        Inventory fresh = discover();
        cached = new Cached(now, fresh);
        return fresh;
    }

    /** Discovers now, whatever the host signature says, and keeps the result for {@link #inventory()}. */
    public Inventory refreshInventory() {
        checkOpen();
        HostSignature now = HostSignature.of(host, nvidia != null, neuron != null);
        Inventory fresh = discover();
        cached = new Cached(now, fresh);
        return fresh;
    }

    private record Cached(HostSignature signature, Inventory inventory) {
    }

    private Inventory discover() {
        List<AcceleratorBackend> backends = new ArrayList<>();
        if (nvidia != null) {
            backends.add(new NvidiaBackend());
        }
        if (neuron != null) {
            backends.add(new NeuronBackend());
        }
        return Inventories.discover(host, backends);
    }

    /** The locations, resolved once. */
    private final HostContext host;

    /** The last inventory and the host it was read on (replaced whole: readers never see half of it). */
    private volatile Cached cached;

    /** Closes the NVML session (refusing new calls, waiting for those in flight). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && nvidia != null) {
            nvidia.close();
        }
    }
}
