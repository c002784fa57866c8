package dev.jaccel.nvml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One NVML session: exactly one {@code nvmlInit_v2} when opened and exactly one
 * {@code nvmlShutdown} when the last user is done with it.
 *
 * <p>NVML's init is reference-counted process-wide, so an unbalanced shutdown in one component
 * tears down every other component's handles (docs/nvml.md §8). A session therefore owns one init
 * reference and gives it back once: {@link #close()} is idempotent, and the shutdown waits until
 * calls in flight on other threads have returned. Calls after close throw
 * {@link IllegalStateException}. Other sessions, in this JVM or in native code, are unaffected.
 *
 * <p>Thread-safe. Device handles ({@link NvmlDevice}) are valid while their session is open.
 */
public final class NvmlSession implements AutoCloseable {
    /** One hold for "open" plus one per call in flight; the shutdown runs when it reaches zero. */
    private final AtomicInteger holds = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final NvmlLibrary library;

    private NvmlSession(NvmlLibrary library) {
        this.library = library;
    }

    static NvmlSession open(NvmlLibrary library) throws NvmlException {
        library.init();
        return new NvmlSession(library);
    }

    /** A call that may fail with an NVML code. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws NvmlException;
    }

    <T> T call(Call<T> call) throws NvmlException {
        for (int h = holds.get(); ; h = holds.get()) {
            if (h == 0) {
                throw new IllegalStateException("NVML session is closed");
            }
            if (holds.compareAndSet(h, h + 1)) {
                break;
            }
        }
        try {
            return call.run();
        } finally {
            release();
        }
    }

    private void release() {
        if (holds.decrementAndGet() == 0) {
            try {
                library.shutdown();   // an UNINITIALIZED here would mean someone else shut us down: nothing to undo
            } catch (NvmlException e) {
                // nvmlShutdown is missing: there is nothing to give back
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    public boolean isOpen() {
        return !closed.get();
    }

    public NvmlLibrary library() {
        return library;
    }

    /** {@code nvmlSystemGetDriverVersion}, e.g. {@code 580.95.05}. */
    public String driverVersion() throws NvmlException {
        return call(library::driverVersion);
    }

    /** {@code nvmlSystemGetNVMLVersion}, e.g. {@code 13.580.95.05}. */
    public String nvmlVersion() throws NvmlException {
        return call(library::nvmlVersion);
    }

    /**
     * The CUDA driver version ({@code nvmlSystemGetCudaDriverVersion}). This is what
     * libnvidia-container and the device plugin read; without libcuda it reports a version the
     * driver supports instead of failing (docs/nvml.md §3).
     */
    public CudaVersion cudaDriverVersion() throws NvmlException {
        return new CudaVersion(call(library::cudaDriverVersion));
    }

    /**
     * The version {@code libcuda.so.1} itself reports ({@code nvmlSystemGetCudaDriverVersion_v2}),
     * empty when libcuda cannot be loaded.
     */
    public Optional<CudaVersion> cudaDriverVersionFromLibcuda() throws NvmlException {
        try {
            return Optional.of(new CudaVersion(call(library::cudaDriverVersionV2)));
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.LIBRARY_NOT_FOUND) || e.is(NvmlReturn.FUNCTION_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Physical GPUs, including any this process may not open ({@code nvmlDeviceGetCount_v2}). */
    public int deviceCount() throws NvmlException {
        return call(library::deviceCount);
    }

    /** The GPU at an NVML index; NO_PERMISSION or GPU_IS_LOST come per index (docs/nvml.md §8). */
    public NvmlDevice device(int index) throws NvmlException {
        return new NvmlDevice(this, call(() -> library.handleByIndex(index)), false);
    }

    /**
     * Every GPU this process may open, in NVML index order. Use {@link #device(int)} per index to
     * learn why one is missing.
     */
    public List<NvmlDevice> devices() throws NvmlException {
        int n = deviceCount();
        List<NvmlDevice> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            try {
                out.add(device(i));
            } catch (NvmlException e) {
                if (!(e.is(NvmlReturn.NO_PERMISSION) || e.is(NvmlReturn.GPU_IS_LOST))) {
                    throw e;
                }
            }
        }
        return out;
    }

    /** A GPU ({@code GPU-...}) or MIG device ({@code MIG-...}) by UUID; empty when NVML says NOT_FOUND. */
    public Optional<NvmlDevice> deviceByUuid(String uuid) throws NvmlException {
        try {
            long h = call(() -> library.handleByUuid(uuid));
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
    public Optional<NvmlDevice> deviceByPciBusId(String busId) throws NvmlException {
        try {
            return Optional.of(new NvmlDevice(this, call(() -> library.handleByPciBusId(busId)), false));
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
