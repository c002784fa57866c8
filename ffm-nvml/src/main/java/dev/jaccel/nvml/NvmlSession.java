package dev.jaccel.nvml;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One NVML session: exactly one {@code nvmlInit_v2} when opened and exactly one
 * {@code nvmlShutdown} when closed. The live side of jaccel's device model: {@link NvmlDevice}
 * handles answer from the driver at each call, for monitoring; a
 * {@link dev.jaccel.core.model.GpuDevice} is the record discovery made of the same GPU, valid
 * without NVML.
 *
 * <p>NVML's init is reference-counted process-wide, so an unbalanced shutdown in one component
 * tears down every other component's handles (docs/nvml.md §8). A session therefore owns one init reference and
 * gives it back once. {@link #close()} refuses new calls at once (they throw
 * {@link IllegalStateException}), waits for the calls already in flight on other threads, frees
 * the event sets still open, and only then shuts NVML down: NVML is never shut under a call. An
 * event wait in flight delays close by at most its timeout. Other sessions, in this JVM or in
 * native code, are unaffected.
 *
 * <p>Thread-safe. Device handles ({@link NvmlDevice}) are valid while their session is open. Every
 * NVML failure is an unchecked {@link NvmlException}.
 */
public final class NvmlSession implements AutoCloseable {
    private static final long CLOSED = 1L << 62;

    /** {@link #CLOSED} once close began, plus the number of calls in flight. */
    private final AtomicLong state = new AtomicLong();
    private final Object drained = new Object();
    private final CountDownLatch shutDown = new CountDownLatch(1);
    private final Set<NvmlEventSet> eventSets = ConcurrentHashMap.newKeySet();
    private final NvmlLibrary library;

    private NvmlSession(NvmlLibrary library) {
        this.library = library;
    }

    static NvmlSession open(NvmlLibrary library) {
        library.init();
        return new NvmlSession(library);
    }

    /** Admits a call, or refuses it once close began. */
    void enterOrThrow() {
        for (long s = state.get(); ; s = state.get()) {
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("the NVML session is closed (" + library.source() + ")");
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    /** As {@link #enterOrThrow()}, but says no instead of throwing. */
    boolean tryEnter() {
        for (long s = state.get(); ; s = state.get()) {
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Runs one NVML call inside the session: refused after close, waited for by close. */
    <T> T call(Supplier<T> call) {
        enterOrThrow();
        try {
            return call.get();
        } finally {
            exit();
        }
    }

    /**
     * Refuses new calls, waits for the ones in flight, frees the event sets still open and gives
     * the init reference back. Idempotent; a second caller returns once the first has shut NVML down.
     */
    @Override
    public void close() {
        long before = state.getAndUpdate(s -> s | CLOSED);
        boolean interrupted = false;
        if ((before & CLOSED) != 0) {
            while (true) {
                try {
                    shutDown.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } else {
            try {
                synchronized (drained) {
                    while (state.get() != CLOSED) {
                        try {
                            drained.wait();
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                }
                for (NvmlEventSet set : List.copyOf(eventSets)) {
                    if (eventSets.remove(set)) {
                        freeQuietly(set.handle());
                    }
                }
                library.shutdown();   // an UNINITIALIZED here would mean someone else shut us down: nothing to undo
            } catch (NvmlException e) {
                // nvmlShutdown is missing: there is nothing to give back
            } finally {
                shutDown.countDown();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void freeQuietly(MemorySegment set) {
        try {
            library.eventSetFree(set);
        } catch (NvmlException e) {
            // the set dies with the shutdown that follows anyway
        }
    }

    public boolean isOpen() {
        return (state.get() & CLOSED) == 0;
    }

    public NvmlLibrary library() {
        return library;
    }

    /** {@code nvmlSystemGetDriverVersion}, e.g. {@code 580.95.05}. */
    public String driverVersion() {
        return call(library::driverVersion);
    }

    /** {@code nvmlSystemGetNVMLVersion}, e.g. {@code 13.580.95.05}. */
    public String nvmlVersion() {
        return call(library::nvmlVersion);
    }

    /**
     * The CUDA driver version ({@code nvmlSystemGetCudaDriverVersion}). This is what
     * libnvidia-container and the device plugin read; without libcuda it reports a version the
     * driver supports instead of failing (docs/nvml.md §3).
     */
    public CudaVersion cudaDriverVersion() {
        return CudaVersion.ofEncoded(call(library::cudaDriverVersion));
    }

    /**
     * The version {@code libcuda.so.1} itself reports ({@code nvmlSystemGetCudaDriverVersion_v2}),
     * empty when libcuda cannot be loaded.
     */
    public Optional<CudaVersion> cudaDriverVersionFromLibcuda() {
        try {
            return Optional.of(CudaVersion.ofEncoded(call(library::cudaDriverVersionV2)));
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.LIBRARY_NOT_FOUND) || e.is(NvmlReturn.FUNCTION_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Physical GPUs, including any this process may not open ({@code nvmlDeviceGetCount_v2}). */
    public int deviceCount() {
        return call(library::deviceCount);
    }

    /** The GPU at an NVML index; NO_PERMISSION or GPU_IS_LOST come per index (docs/nvml.md §8). */
    public NvmlDevice device(int index) {
        return new NvmlDevice(this, call(() -> library.handleByIndex(index)), false);
    }

    /**
     * Every GPU, in NVML index order: those this process could open, and for each one it could not
     * (NO_PERMISSION, GPU_IS_LOST, ...) the index and the failure in {@link NvmlDevices#failures()}.
     */
    public NvmlDevices devices() {
        int n = deviceCount();
        List<NvmlDevice> opened = new ArrayList<>(n);
        Map<Integer, NvmlException> failures = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            try {
                opened.add(device(i));
            } catch (NvmlException e) {
                failures.put(i, e);
            }
        }
        return new NvmlDevices(opened, failures);
    }

    /** A GPU ({@code GPU-...}) or MIG device ({@code MIG-...}) by UUID; empty when NVML says NOT_FOUND. */
    public Optional<NvmlDevice> deviceByUuid(String uuid) {
        try {
            MemorySegment h = call(() -> library.handleByUuid(uuid));
            return Optional.of(new NvmlDevice(this, h, call(() -> library.isMigHandle(h))));
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * A GPU by PCI bus id in any spelling NVML accepts ({@code 00000000:3B:00.0}, {@code 0000:3b:00.0},
     * {@code 3b:00.0}); empty when NVML says NOT_FOUND.
     */
    public Optional<NvmlDevice> deviceByPciBusId(String busId) {
        try {
            return Optional.of(new NvmlDevice(this, call(() -> library.handleByPciBusId(busId)), false));
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** An empty event set ({@code nvmlEventSetCreate}); freed by its {@code close()} or by this session's. */
    public NvmlEventSet createEventSet() {
        NvmlEventSet set = new NvmlEventSet(this, call(library::eventSetCreate));
        eventSets.add(set);
        return set;
    }

    /** Frees a set unless close already did (or is about to: it frees every set still registered). */
    void free(NvmlEventSet set) {
        if (!tryEnter()) {
            return;
        }
        try {
            if (eventSets.remove(set)) {
                library.eventSetFree(set.handle());
            }
        } finally {
            exit();
        }
    }

    /** A sampler of the usual metrics of every GPU this process could open. */
    public GpuSampler sampler() {
        return new GpuSampler(this, devices());
    }

    /** A sampler of the usual metrics of {@code gpus} (GPU or MIG handles of this session). */
    public GpuSampler sampler(List<NvmlDevice> gpus) {
        return new GpuSampler(this, gpus);
    }

    /**
     * Starts a thread that waits for {@code types} on {@code gpus} and hands each event to
     * {@code listener}; see {@link NvmlEventWatcher}.
     */
    public NvmlEventWatcher watchEvents(Collection<NvmlDevice> gpus, Set<NvmlEventType> types, Duration pollTimeout,
                                        NvmlEventWatcher.Listener listener) {
        return NvmlEventWatcher.start(this, gpus, types, pollTimeout, listener);
    }
}
