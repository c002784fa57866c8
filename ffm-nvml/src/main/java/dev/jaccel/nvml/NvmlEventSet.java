package dev.jaccel.nvml;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An NVML event set ({@code nvmlEventSetCreate}): register devices for event types, then wait.
 * NVML records only events that happen after registration. {@link #close()} frees the set
 * ({@code nvmlEventSetFree}); its session frees any set still open when it closes. Thread-safe:
 * register, wait and close take turns, so a set is never freed under a wait.
 *
 * <p>For a thread that waits in a loop and stops cleanly, use {@link NvmlEventWatcher}.
 */
public final class NvmlEventSet implements AutoCloseable {
    /** NVML takes the timeout as an {@code unsigned int} of milliseconds; a day is more than anyone waits. */
    private static final long MAX_TIMEOUT_MS = Duration.ofDays(1).toMillis();

    private final NvmlSession session;
    private final MemorySegment handle;
    private final ReentrantLock turn = new ReentrantLock();

    NvmlEventSet(NvmlSession session, MemorySegment handle) {
        this.session = session;
        this.handle = handle;
    }

    MemorySegment handle() {
        return handle;
    }

    public NvmlSession session() {
        return session;
    }

    /**
     * {@code nvmlDeviceRegisterEvents}: records {@code types} of {@code device} in this set from now on.
     * NOT_SUPPORTED (some type the device lacks) registers none of them and leaves the set usable;
     * ask {@link NvmlDevice#supportedEventTypes()} first to register what it has.
     */
    public void register(NvmlDevice device, Set<NvmlEventType> types) {
        turn.lock();
        try {
            session.call(() -> {
                session.library().registerEvents(device.handle(), NvmlEventType.maskOf(types), handle);
                return null;
            });
        } finally {
            turn.unlock();
        }
    }

    /**
     * {@code nvmlEventSetWait_v2}: the next event, or empty when none arrived within {@code timeout}
     * (NVML may also return early). Blocks the calling thread in the driver; the session's close
     * waits for it.
     */
    public Optional<NvmlEvent> await(Duration timeout) {
        int ms = (int) Math.max(0, Math.min(timeout.toMillis(), MAX_TIMEOUT_MS));
        turn.lock();
        try {
            NvmlLibrary.RawEvent raw = session.call(() -> session.library().eventSetWait(handle, ms));
            if (raw == null) {
                return Optional.empty();
            }
            NvmlDevice device = new NvmlDevice(session, MemorySegment.ofAddress(raw.device()), false);
            return Optional.of(new NvmlEvent(device, raw.type(), raw.data(), instance(raw.gpuInstanceId()),
                    instance(raw.computeInstanceId())));
        } finally {
            turn.unlock();
        }
    }

    private static Optional<Integer> instance(int id) {
        return id == -1 ? Optional.empty() : Optional.of(id);
    }

    /** {@code nvmlEventSetFree}; idempotent, and a no-op once the session is closed (it freed the set). */
    @Override
    public void close() {
        turn.lock();
        try {
            session.free(this);
        } finally {
            turn.unlock();
        }
    }
}
