package dev.jaccel.nvml;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.jaccel.nvml.FakeNvmlTopologyAbiTest.TOPOLOGY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Event sets and the watcher thread over the fake's XID events. */
class NvmlEventsTest {
    private static final Set<NvmlEventType> XID = EnumSet.of(NvmlEventType.XID_CRITICAL_ERROR);

    @BeforeEach
    void configure() {
        FakeNvml.configure(TOPOLOGY);
    }

    /** Collects what a watcher delivers. */
    private static final class Recorder implements NvmlEventWatcher.Listener {
        final List<NvmlEvent> events = new CopyOnWriteArrayList<>();
        final List<NvmlException> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch expected;

        Recorder(int count) {
            expected = new CountDownLatch(count);
        }

        @Override
        public void onEvent(NvmlEvent event) {
            events.add(event);
            expected.countDown();
        }

        @Override
        public void onError(NvmlException error) {
            errors.add(error);
            expected.countDown();
        }
    }

    @Test
    void supportedEventTypesAndMasks() {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            assertEquals(XID, s.device(0).supportedEventTypes());
            assertEquals(0x8L, s.device(0).supportedEventMask());
            assertEquals(0x10AL, NvmlEventType.maskOf(EnumSet.of(NvmlEventType.XID_CRITICAL_ERROR,
                    NvmlEventType.DOUBLE_BIT_ECC_ERROR, NvmlEventType.MIG_CONFIG_CHANGE)));
            assertEquals(EnumSet.of(NvmlEventType.PSTATE), NvmlEventType.of(0x4L | 1L << 40), "unknown bits are left out");
        }
    }

    @Test
    void anEventSetDeliversRegisteredXidsOnceAndTimesOut() {
        try (NvmlSession s = FakeNvml.library().openSession(); NvmlEventSet set = s.createEventSet()) {
            NvmlDevice gpu = s.device(0);
            NvmlException unsupported = assertThrows(NvmlException.class,
                    () -> set.register(gpu, EnumSet.of(NvmlEventType.XID_CRITICAL_ERROR, NvmlEventType.CLOCK)));
            assertEquals(NvmlReturn.NOT_SUPPORTED, unsupported.returnCode());
            set.register(gpu, XID);
            NvmlEvent e = set.await(Duration.ofSeconds(2)).orElseThrow();
            assertEquals(gpu, e.device(), "the handle NVML reports is the registered device");
            assertEquals(Optional.of(79L), e.xid());
            assertTrue(e.is(NvmlEventType.XID_CRITICAL_ERROR));
            assertEquals(XID, e.types());
            assertEquals(Optional.empty(), e.gpuInstanceId());
            assertEquals(Optional.empty(), set.await(Duration.ofMillis(20)), "each event once");
        }
    }

    @Test
    void theWatcherDeliversEventsAndReportsWhatItCouldNotRegister() throws Exception {
        Recorder r = new Recorder(2);
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlDevices gpus = s.devices();
            NvmlDevice mig = gpus.get(3).migDevices().getFirst();
            List<NvmlDevice> watched = List.of(gpus.get(0), gpus.get(1), mig);
            try (NvmlEventWatcher w = s.watchEvents(watched, XID, Duration.ofMillis(50), r)) {
                assertTrue(r.expected.await(10, TimeUnit.SECONDS), "XIDs 79 and 48 arrived: " + r.events);
                assertEquals(List.of(79L, 48L), r.events.stream().map(e -> e.xid().orElseThrow()).toList());
                assertEquals(List.of(gpus.get(0), gpus.get(1)), r.events.stream().map(NvmlEvent::device).toList());
                assertEquals(Set.of(mig), w.registrationFailures().keySet(), "a MIG device supports no event");
                assertEquals(NvmlReturn.NOT_SUPPORTED, w.registrationFailures().get(mig).returnCode());
                assertTrue(w.isRunning());
            }
            assertEquals(List.of(), r.errors);
        }
    }

    @Test
    void aLostGpuIsReportedAsAnErrorAndTheWatchGoesOn() throws Exception {
        FakeNvml.configure(TOPOLOGY.replace("\"minor\": 0,", "\"minor\": 0, \"errors\": {\"nvmlEventSetWait_v2\": \"GPU_IS_LOST\"},"));
        Recorder r = new Recorder(2);
        try (NvmlSession s = FakeNvml.library().openSession();
             NvmlEventWatcher w = s.watchEvents(List.of(s.device(1)), XID, Duration.ofMillis(20), r)) {
            assertTrue(r.expected.await(10, TimeUnit.SECONDS), "two failed waits reported");
            assertEquals(NvmlReturn.GPU_IS_LOST, r.errors.getFirst().returnCode());
            assertEquals("nvmlEventSetWait_v2", r.errors.getFirst().function());
            assertTrue(w.isRunning(), "a failing wait does not end the watch");
        }
    }

    @Test
    void aGpuWhoseRegistrationFailsIsListedNotFatal() {
        FakeNvml.configure(TOPOLOGY.replace("\"minor\": 0,", "\"minor\": 0, \"errors\": {\"nvmlDeviceRegisterEvents\": \"GPU_IS_LOST\"},"));
        try (NvmlSession s = FakeNvml.library().openSession();
             NvmlEventWatcher w = s.watchEvents(List.of(s.device(0), s.device(1)), XID, Duration.ofMillis(20),
                     new Recorder(0))) {
            assertEquals(Set.of(s.device(1)), w.registrationFailures().keySet());
            assertEquals(NvmlReturn.GPU_IS_LOST, w.registrationFailures().get(s.device(1)).returnCode());
        }
    }

    @Test
    void closingTheWatcherStopsItsThreadWithinAPollInterval() {
        try (NvmlSession s = FakeNvml.library().openSession()) {
            NvmlEventWatcher w = s.watchEvents(List.of(s.device(2)), XID, Duration.ofMillis(200), new Recorder(0));
            long start = System.nanoTime();
            w.close();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertFalse(w.isRunning());
            assertTrue(ms < 1_000, "close took " + ms + " ms with a 200 ms poll");
            w.close();   // idempotent
            assertEquals("580.95.05", s.driverVersion(), "the session is untouched");
        }
    }

    @Test
    void closingTheSessionStopsTheWatcherWhichNeverCallsNvmlAgain() throws Exception {
        Recorder r = new Recorder(0);
        NvmlLibrary lib = FakeNvml.library();
        NvmlSession s = lib.openSession();
        NvmlEventWatcher w = s.watchEvents(List.of(s.device(2)), XID, Duration.ofMillis(100), r);
        Thread.sleep(150);   // the thread is waiting in the driver
        long start = System.nanoTime();
        s.close();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 1_000, "session close took " + ms + " ms with a 100 ms poll");
        for (int i = 0; i < 100 && w.isRunning(); i++) {
            Thread.sleep(50);   // the loop's next wait is refused within a poll interval; a loaded CI host may be slower
        }
        assertFalse(w.isRunning(), "a refused call ended the loop");
        assertEquals(List.of(), r.errors, "no wait reached NVML after the shutdown (it would fail UNINITIALIZED)");
        w.close();   // the set was freed by the session: nothing left to do
        assertEquals(NvmlReturn.UNINITIALIZED.code(), lib.shutdown(), "the init was given back exactly once");
    }
}
