package dev.jaccel.neuron;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.testkit.FakeNrt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binding against the fake libnrt (a real shared library loaded through FFM). */
class NrtLibraryTest {
    private static final String CONFIG = """
            {"version": {"major": 2, "minor": 28, "patch": 23, "maintenance": 0,
                         "detail": "2.28.23.0", "gitHash": "0123abcd"},
             "totalVncCount": 32, "visibleVncCount": 8,
             "instanceInfo": {"family": "TRN1", "size": "32XL", "archName": "trn1", "deviceRevision": "1"}}
            """;

    @TempDir
    Path dir;

    @Test
    void readsVersionCountsAndInstanceInfo() throws Exception {
        try (FakeNrt fake = FakeNrt.withConfig(dir, CONFIG)) {
            NrtLibrary nrt = NrtLibrary.load(Optional.of(fake.path().toString()));
            assertEquals(Optional.of(new NrtVersion(2, 28, 23, 0, "2.28.23.0", "0123abcd")), nrt.version());
            assertEquals("2.28.23.0", nrt.version().orElseThrow().toString());
            assertEquals(Optional.of(32), nrt.totalCoreCount());
            assertEquals(Optional.of(8), nrt.visibleCoreCount());
            NrtInstanceInfo info = nrt.instanceInfo().orElseThrow();
            assertEquals("TRN1", info.family());
            assertEquals("32XL", info.size());
            assertEquals("trn1", info.archName());
            assertEquals("1", info.deviceRevision());
            assertEquals(Optional.of("NeuronCore busy"), nrt.statusText(1005));
            // the current names are used, not the deprecated ones; nrt_init is never touched
            assertEquals(1, fake.calls("nrt_get_total_vnc_count"));
            assertEquals(0, fake.calls("nrt_get_total_nc_count"));
            assertEquals(0, fake.calls("nrt_init"));
        }
    }

    @Test
    void the2022AbiFallsBackToTheNcCountsAndLacksTheRest() throws Exception {
        try (FakeNrt fake = FakeNrt.legacyWithConfig(dir, CONFIG)) {
            NrtLibrary nrt = NrtLibrary.load(Optional.of(fake.path().toString()));
            assertEquals(Optional.of(32), nrt.totalCoreCount());
            assertEquals(Optional.of(8), nrt.visibleCoreCount());
            assertEquals(Optional.empty(), nrt.version());
            assertEquals(Optional.empty(), nrt.instanceInfo());
            assertEquals(Optional.empty(), nrt.statusText(1));
            assertFalse(nrt.exports("nrt_get_total_vnc_count"));
            assertEquals(1, fake.calls("nrt_get_total_nc_count"));
            assertEquals(1, fake.calls("nrt_get_visible_nc_count"));
        }
    }

    @ParameterizedTest(name = "{0} -> NRT_{0} ({1})")
    @CsvSource({
            "FAILURE, 1", "INVALID, 2", "INVALID_HANDLE, 3", "RESOURCE, 4", "TIMEOUT, 5", "HW_ERROR, 6",
            "QUEUE_FULL, 7", "LOAD_NOT_ENOUGH_NC, 9", "UNSUPPORTED_NEFF_VERSION, 10", "FAIL_HOST_MEM_ALLOC, 11",
            "UNINITIALIZED, 13", "CLOSED, 14", "QUEUE_EMPTY, 15", "EXEC_UNIT_UNRECOVERABLE, 101",
            "EXEC_BAD_INPUT, 1002", "EXEC_COMPLETED_WITH_NUM_ERR, 1003", "EXEC_COMPLETED_WITH_ERR, 1004",
            "EXEC_NC_BUSY, 1005", "EXEC_OOB, 1006", "COLL_PENDING, 1100", "EXEC_HW_ERR_COLLECTIVES, 1200",
            "EXEC_HW_ERR_HBM_UE, 1201", "EXEC_HW_ERR_NC_UE, 1202", "EXEC_HW_ERR_DMA_ABORT, 1203",
            "EXEC_SW_NQ_OVERFLOW, 1204", "EXEC_HW_ERR_REPAIRABLE_HBM_UE, 1205", "NETWORK_PROXY_FAILURE, 1206",
    })
    void everyStatusBecomesATypedException(String name, int code) throws Exception {
        String config = "{\"errors\": {\"nrt_get_version\": \"" + name + "\", \"nrt_get_total_vnc_count\": \""
                + name + "\", \"nrt_get_instance_info\": \"" + name + "\"}}";
        try (FakeNrt fake = FakeNrt.withConfig(dir, config)) {
            NrtLibrary nrt = NrtLibrary.load(Optional.of(fake.path().toString()));
            NrtException e = assertThrows(NrtException.class, nrt::version);
            assertEquals(code, e.code());
            assertEquals("NRT_" + name, e.codeName());
            assertEquals("nrt_get_version", e.function());
            assertEquals("nrt_get_version: NRT_" + name + " (" + code + ")", e.getMessage());
            assertEquals("nrt_get_total_vnc_count", assertThrows(NrtException.class, nrt::totalCoreCount).function());
            assertEquals(code, assertThrows(NrtException.class, nrt::instanceInfo).code());
            assertEquals(Optional.of(0), nrt.visibleCoreCount(), "other calls are unaffected");
        }
    }

    @ParameterizedTest(name = "code {0} -> {1}")
    @CsvSource({"8, unknown(8)", "12, unknown(12)", "999, unknown(999)", "-1, unknown(-1)"})
    void unknownCodesAreNamedUnknown(int code, String name) throws Exception {
        try (FakeNrt fake = FakeNrt.withConfig(dir, "{\"errors\": {\"nrt_get_version\": " + code + "}}")) {
            NrtLibrary nrt = NrtLibrary.load(Optional.of(fake.path().toString()));
            NrtException e = assertThrows(NrtException.class, nrt::version);
            assertEquals(code, e.code());
            assertEquals(name, e.codeName());
        }
    }

    @Test
    void theStatusTableHasEveryCodeOfTheHeader() {
        assertEquals(28, NrtStatus.all().size());
        assertEquals("NRT_SUCCESS", NrtStatus.nameOf(0));
        assertEquals("unknown(12)", NrtStatus.nameOf(12), "12 was never used");
    }

    @ParameterizedTest(name = "family {0} size {1} -> {2} {3}")
    @CsvSource({"0, 9, UNKNOWN, unknown(9)", "15, 7, TRN3PDS98, 48XL", "16, 8, unknown(16), 3XL", "-1, -1, unknown(-1), unknown(-1)"})
    void instanceFamilyAndSizeNames(int family, int size, String familyName, String sizeName) {
        NrtInstanceInfo info = new NrtInstanceInfo(family, size, "", "");
        assertEquals(familyName, info.family());
        assertEquals(sizeName, info.size());
    }

    @Test
    void aMissingExplicitLibraryNamesThePath() {
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> NrtLibrary.load(Optional.of(dir.resolve("nope/libnrt.so.1").toString())));
        assertTrue(e.getMessage().startsWith("cannot load " + dir.resolve("nope/libnrt.so.1")
                + " (the Neuron runtime (libnrt))"), e.getMessage());
        assertTrue(e.getMessage().endsWith("it was named explicitly: check the path"), e.getMessage());
        assertEquals(LibraryUnavailableException.Reason.NOT_FOUND, e.reason());
    }

    @Test
    void withoutTheDefaultFileTheSystemSearchIsTriedAndNamed() {
        // a name nothing answers (the fakes other tests loaded answer libnrt.so.1 by soname)
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> NrtLibrary.load(Optional.empty(), List.of(dir.resolve("opt/aws/neuron/lib/libnrt.so.1")),
                        "libnrt-absent.so.1"));
        assertTrue(e.getMessage().startsWith("cannot load libnrt-absent.so.1 (the Neuron runtime (libnrt))"), e.getMessage());
        assertTrue(e.getMessage().contains("; not at " + dir.resolve("opt")), e.getMessage());
        assertTrue(e.getMessage().contains("install aws-neuronx-runtime-lib or give the library's path"), e.getMessage());
    }

    @Test
    void theSamePathIsLoadedOnceForTheLifeOfTheJvm() throws Exception {
        try (FakeNrt fake = FakeNrt.withConfig(dir, CONFIG)) {
            NrtLibrary a = NrtLibrary.load(Optional.of(fake.path().toString()));
            assertTrue(a == NrtLibrary.load(Optional.of(fake.path().toAbsolutePath().normalize().toString())));
        }
    }

    @Test
    void theDefaultFileIsUsedWhenPresent() throws Exception {
        try (FakeNrt fake = FakeNrt.withConfig(dir, CONFIG)) {
            NrtLibrary nrt = NrtLibrary.load(Optional.empty(), List.of(dir.resolve("absent.so"), fake.path()), NrtLibrary.SONAME);
            assertEquals(fake.path().toString(), nrt.source());
            assertEquals("2.28.23.0", nrt.version().orElseThrow().toString());
        }
    }

    @Test
    void layoutsMatchTheHeaders() {
        assertEquals(224, NrtLibrary.VERSION.byteSize());
        assertEquals(8, NrtLibrary.VERSION.byteAlignment());
        assertEquals(32, NrtLibrary.INSTANCE_INFO.byteSize());
        assertEquals(4, NrtLibrary.INSTANCE_INFO.byteAlignment());
    }
}
