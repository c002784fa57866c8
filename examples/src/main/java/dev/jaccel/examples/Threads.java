package dev.jaccel.examples;

import dev.jaccel.api.Jaccel;
import dev.jaccel.nvml.NvmlDevice;
import dev.jaccel.nvml.NvmlEventType;
import dev.jaccel.nvml.NvmlEventWatcher;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Jaccel shared by many threads: four pollers and an XID watcher, then a close that refuses new
 * calls at once and waits for those in flight; the pollers see an IllegalStateException and stop.
 */
public final class Threads {
    private Threads() {
    }

    public static void main(String[] args) throws InterruptedException {
        Jaccel jaccel = Jaccel.openNvidia();
        NvmlDevice gpu = jaccel.nvidia().device(0);
        AtomicLong reads = new AtomicLong();
        ExecutorService pollers = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pollers.submit(() -> {
                try {
                    while (true) {
                        gpu.temperatureCelsius();
                        reads.incrementAndGet();
                    }
                } catch (IllegalStateException closed) {
                    return;   // the session closed under us: stop polling
                }
            });
        }
        NvmlEventWatcher watcher = jaccel.nvidia().watchEvents(jaccel.nvidia().devices(),
                EnumSet.of(NvmlEventType.XID_CRITICAL_ERROR), Duration.ofMillis(200),
                event -> System.out.println("XID " + event.xid().orElse(-1L) + " on " + event.device()));
        Thread.sleep(300);
        watcher.close();
        jaccel.close();                            // waits for the calls in flight, then nvmlShutdown
        pollers.shutdown();
        System.out.println("pollers stopped: " + pollers.awaitTermination(10, TimeUnit.SECONDS) + ", reads > 0: " + (reads.get() > 0));
    }
}
