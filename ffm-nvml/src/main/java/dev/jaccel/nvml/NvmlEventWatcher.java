package dev.jaccel.nvml;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A thread that waits for NVML events and hands them to a listener: the health loop of a
 * long-running service or a device plugin.
 *
 * <p>{@link #start} creates an event set and registers each GPU for the requested types it supports
 * (as NVIDIA's device plugin does: {@code requested & nvmlDeviceGetSupportedEventTypes}); a GPU that
 * supports none of them, or whose registration fails, is listed in {@link #registrationFailures()}
 * rather than failing the whole watch. A platform daemon thread then blocks in
 * {@code nvmlEventSetWait_v2} for at most {@code pollTimeout} at a time. An NVML failure of the wait
 * (e.g. GPU_IS_LOST) goes to {@link Listener#onError} and the loop goes on after one poll interval.
 * A listener that throws does not stop the watch: the exception goes to the thread's uncaught
 * exception handler.
 *
 * <p>{@link #close()} stops the loop, waits for the thread (at most one poll interval when called
 * from another thread) and frees the set. Closing the session stops the watch too: a refused call
 * ends the loop, so the thread never calls NVML after the session shut it down.
 */
public final class NvmlEventWatcher implements AutoCloseable {
    /** Receives events on the watcher's thread. */
    public interface Listener {
        void onEvent(NvmlEvent event);

        /** A wait failed (e.g. GPU_IS_LOST: some registered GPU fell off the bus). */
        default void onError(NvmlException error) {
        }
    }

    private final NvmlEventSet set;
    private final Duration pollTimeout;
    private final Listener listener;
    private final Map<NvmlDevice, NvmlException> registrationFailures;
    private final Thread thread;
    private volatile boolean running = true;

    private NvmlEventWatcher(NvmlEventSet set, Duration pollTimeout, Listener listener,
                             Map<NvmlDevice, NvmlException> registrationFailures) {
        this.set = set;
        this.pollTimeout = pollTimeout;
        this.listener = listener;
        this.registrationFailures = Collections.unmodifiableMap(registrationFailures);
        this.thread = Thread.ofPlatform().daemon().name("jaccel-nvml-events").unstarted(this::loop);
    }

    /**
     * Registers {@code gpus} for {@code types} and starts the thread.
     *
     * @param pollTimeout how long one wait may block: the longest {@link #close()} and the session's close wait
     */
    public static NvmlEventWatcher start(NvmlSession session, Collection<NvmlDevice> gpus, Set<NvmlEventType> types,
                                         Duration pollTimeout, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive, got " + pollTimeout);
        }
        NvmlEventSet set = session.createEventSet();
        Map<NvmlDevice, NvmlException> failures = new LinkedHashMap<>();
        try {
            for (NvmlDevice gpu : gpus) {
                register(set, gpu, types).ifPresent(e -> failures.put(gpu, e));
            }
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
        NvmlEventWatcher watcher = new NvmlEventWatcher(set, pollTimeout, listener, failures);
        watcher.thread.start();
        return watcher;
    }

    /** Registers the supported subset of {@code types}; the failure, if any. */
    private static Optional<NvmlException> register(NvmlEventSet set, NvmlDevice gpu, Set<NvmlEventType> types) {
        try {
            Set<NvmlEventType> wanted = types.isEmpty() ? EnumSet.noneOf(NvmlEventType.class) : EnumSet.copyOf(types);
            wanted.retainAll(gpu.supportedEventTypes());
            if (wanted.isEmpty()) {
                return Optional.of(new NvmlException(NvmlReturn.NOT_SUPPORTED.code(), "nvmlDeviceGetSupportedEventTypes",
                        "the GPU supports none of " + types));
            }
            set.register(gpu, wanted);
            return Optional.empty();
        } catch (NvmlException e) {
            return Optional.of(e);
        }
    }

    private void loop() {
        while (running) {
            Optional<NvmlEvent> event;
            try {
                event = set.await(pollTimeout);
            } catch (NvmlException e) {
                deliver(() -> listener.onError(e));
                pause();
                continue;
            } catch (IllegalStateException closed) {
                return;   // the session is closing: no more NVML calls
            }
            event.ifPresent(e -> deliver(() -> listener.onEvent(e)));
        }
    }

    private void deliver(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler();
            handler.uncaughtException(thread, e);
        }
    }

    /** After a failed wait: do not spin on a wait that fails at once (a lost GPU). */
    private void pause() {
        try {
            Thread.sleep(pollTimeout);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** GPU → why it is not watched (none of the types supported, registration refused, GPU lost). */
    public Map<NvmlDevice, NvmlException> registrationFailures() {
        return registrationFailures;
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** Stops the thread, waits for it (unless called from the listener) and frees the event set. */
    @Override
    public void close() {
        running = false;
        if (Thread.currentThread() != thread) {
            thread.interrupt();   // ends a pause; a wait in the driver returns within the poll timeout
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        set.close();
    }
}
