package dev.jaccel.nvml;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many threads and many calls: same answers, sessions that do not disturb each other, no growth. */
@SuppressWarnings("restricted") // raw FFM on the fake is the point of this test
class NvmlConcurrencyTest {
    private static final int THREADS = 8;

    @BeforeEach
    void configure() {
        FakeNvml.configure(FakeNvml.FOUR_GPUS);
    }

    @Test
    void threadsSharingOneSessionAndThreadsWithTheirOwnGetTheSameAnswers() throws Exception {
        NvmlLibrary lib = FakeNvml.library();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (NvmlSession shared = lib.openSession()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                boolean own = t % 2 == 0;   // half open and close their own sessions all the time
                results.add(pool.submit(() -> {
                    start.await();
                    int checks = 0;
                    for (int i = 0; i < 400; i++) {
                        if (own) {
                            try (NvmlSession mine = lib.openSession()) {
                                checks += check(mine);
                            }
                        } else {
                            checks += check(shared);
                        }
                    }
                    return checks;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertEquals(400 * 6, f.get(2, TimeUnit.MINUTES));
            }
            assertEquals("580.95.05", shared.driverVersion(), "the shared session survived every other close");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(NvmlReturn.UNINITIALIZED.code(), lib.shutdown(), "all inits were balanced");
    }

    /**
     * Eight threads poll as fast as they can; close() refuses new calls at once, waits for the calls
     * in flight, and returns promptly; every later call, the closing thread's first of all, fails
     * with a clear IllegalStateException, and NVML was shut down exactly once.
     */
    @Test
    void closeUnderEightPollersIsPromptAndFinal() throws Exception {
        NvmlLibrary lib = FakeNvml.library();
        NvmlSession s = lib.openSession();
        NvmlDevice gpu = s.device(0);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch polling = new CountDownLatch(THREADS);
        List<Future<String>> pollers = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                pollers.add(pool.submit(() -> {
                    long calls = 0;
                    while (true) {
                        try {
                            gpu.memory();
                            gpu.uuid();
                            gpu.utilization();
                            if (++calls == 100) {
                                polling.countDown();
                            }
                        } catch (IllegalStateException closed) {
                            return closed.getMessage();
                        }
                    }
                }));
            }
            assertTrue(polling.await(1, TimeUnit.MINUTES), "the pollers got going");
            long start = System.nanoTime();
            s.close();
            long closeMs = (System.nanoTime() - start) / 1_000_000;
            IllegalStateException after = assertThrows(IllegalStateException.class, gpu::uuid);
            assertTrue(after.getMessage().startsWith("the NVML session is closed"), after.getMessage());
            assertTrue(closeMs < 2_000, "close took " + closeMs + " ms under 8 pollers");
            for (Future<String> f : pollers) {
                assertTrue(f.get(10, TimeUnit.SECONDS).startsWith("the NVML session is closed"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(s.isOpen());
        assertEquals(NvmlReturn.UNINITIALIZED.code(), lib.shutdown(), "shut down once, not twice, not never");
    }

    private static int check(NvmlSession s) {
        int ok = 0;
        NvmlDevice gpu = s.device(0);
        ok += gpu.uuid().equals("GPU-00000000-0000-4000-8000-000000000000") ? 1 : 0;
        ok += gpu.pciInfo().busId().equals("00000000:3B:00.0") ? 1 : 0;
        ok += gpu.memory().orElseThrow().total() == 85520809984L ? 1 : 0;
        ok += gpu.computeProcesses().size() == 2 ? 1 : 0;
        List<NvmlDevice> migs = s.device(1).migDevices();
        ok += migs.size() == 2 && migs.get(1).gpuInstanceId() == 2 ? 1 : 0;
        ok += s.deviceByPciBusId("af:00.0").orElseThrow().index() == 1 ? 1 : 0;
        return ok;
    }

    @Test
    void manyQueriesDoNotGrowNativeMemory() throws Throwable {
        NvmlLibrary lib = FakeNvml.library();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        try (NvmlSession s = lib.openSession()) {
            NvmlDevice gpu = s.device(0);
            Callable<Void> round = () -> {
                for (int i = 0; i < 20_000; i++) {
                    gpu.uuid();
                    gpu.pciInfo();
                    gpu.memory();
                    gpu.computeProcesses();
                }
                return null;
            };
            round.call();   // warm up: JIT, symbol cache, malloc arenas
            round.call();
            long countBefore = direct.getCount();
            long bytesBefore = direct.getMemoryUsed();
            // a leak grows the C heap in every window; the JVM's own malloc churn (compiler
            // arenas) moves it up or down by a few MiB in one window, not steadily
            long smallestGrowth = Long.MAX_VALUE;
            for (int window = 0; window < 2; window++) {
                long before = mallocInUse();
                for (int r = 0; r < 5; r++) {
                    round.call();
                }
                smallestGrowth = Math.min(smallestGrowth, mallocInUse() - before);
            }
            // calls reuse their thread's scratch segment (and free any larger buffer at once): nothing
            // is added; scratch segments of threads that ended may be collected meanwhile
            assertTrue(direct.getCount() <= countBefore, "live native segments: " + direct.getCount()
                    + " after, " + countBefore + " before");
            assertTrue(direct.getMemoryUsed() <= bytesBefore, "reserved native bytes: " + direct.getMemoryUsed()
                    + " after, " + bytesBefore + " before");
            // 400 000 calls per window leaking even 16 bytes each would hold 6 MiB more
            assertTrue(smallestGrowth < 4 << 20, "malloc'd memory grew by " + smallestGrowth
                    + " bytes in each window of 400 000 calls");
        }
    }

    /** glibc {@code mallinfo2()}: bytes in use in malloc arenas ({@code uordblks}) plus mmap'd chunks ({@code hblkhd}). */
    private static long mallocInUse() throws Throwable {
        StructLayout mallinfo2 = MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("arena"),
                ValueLayout.JAVA_LONG.withName("ordblks"), ValueLayout.JAVA_LONG.withName("smblks"),
                ValueLayout.JAVA_LONG.withName("hblks"), ValueLayout.JAVA_LONG.withName("hblkhd"),
                ValueLayout.JAVA_LONG.withName("usmblks"), ValueLayout.JAVA_LONG.withName("fsmblks"),
                ValueLayout.JAVA_LONG.withName("uordblks"), ValueLayout.JAVA_LONG.withName("fordblks"),
                ValueLayout.JAVA_LONG.withName("keepcost"));
        Linker linker = Linker.nativeLinker();
        MethodHandle mh = linker.downcallHandle(linker.defaultLookup().find("mallinfo2").orElseThrow(),
                FunctionDescriptor.of(mallinfo2));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) mh.invokeExact((SegmentAllocator) arena);
            return info.get(ValueLayout.JAVA_LONG, 7 * 8) + info.get(ValueLayout.JAVA_LONG, 4 * 8);
        }
    }
}
