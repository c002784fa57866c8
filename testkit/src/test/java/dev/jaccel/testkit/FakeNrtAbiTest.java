package dev.jaccel.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fake libnrt's ABI through raw FFM, at the documented offsets (docs/neuron-semantics.md §1.3), not
 * through the binding: if a symbol goes missing or a field moves, this fails.
 */
@SuppressWarnings("restricted")   // FFM downcalls are this class's purpose; the JVM runs with --enable-native-access
class FakeNrtAbiTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor INT_PTR = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final FunctionDescriptor INT_PTR_SIZE =
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);

    private static final String CONFIG = """
            {"version": {"major": 2, "minor": 28, "patch": 23, "maintenance": 7,
                         "detail": "2.28.23.0 built on test", "gitHash": "0123abcd"},
             "totalVncCount": 32, "visibleVncCount": 6,
             "instanceInfo": {"family": "TRN1", "size": "32XL", "archName": "trn1", "deviceRevision": "1"}}
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} in the current ABI: {1}, in the 2022 ABI: {2}")
    @CsvSource({
            "nrt_init, true, true",
            "nrt_close, true, true",
            "nrt_get_total_nc_count, true, true",
            "nrt_get_visible_nc_count, true, true",
            "nrt_get_total_vnc_count, true, false",
            "nrt_get_visible_vnc_count, true, false",
            "nrt_get_version, true, false",
            "nrt_get_instance_info, true, false",
            "nrt_get_status_as_str, true, false",
    })
    void exportsTheSymbolsOfEachAbi(String symbol, boolean current, boolean legacy) {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(current, SymbolLookup.libraryLookup(FakeLibraries.nrt(), arena).find(symbol).isPresent());
            assertEquals(legacy, SymbolLookup.libraryLookup(FakeLibraries.nrtLegacy(), arena).find(symbol).isPresent());
        }
    }

    @Test
    void versionFillsThe224ByteStructAtTheReferenceOffsets() throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, CONFIG); Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(224 + 8).fill((byte) 0x5a);
            assertEquals(0, (int) handle(fake, "nrt_get_version", INT_PTR_SIZE).invokeExact(v, 224L));
            assertEquals(2, v.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(28, v.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(23, v.get(ValueLayout.JAVA_LONG, 16));
            assertEquals(7, v.get(ValueLayout.JAVA_LONG, 24));
            assertEquals("2.28.23.0 built on test", v.getString(32));
            assertEquals("0123abcd", v.getString(160));
            assertEquals(0x5a, v.get(ValueLayout.JAVA_BYTE, 224), "nothing written past the 224 bytes");
        }
    }

    @ParameterizedTest(name = "size {0}: status {1}, bytes written {2}")
    @CsvSource({
            "0, 2, 0",        // INVALID: not even the numbers fit
            "31, 2, 0",
            "32, 0, 32",      // the four uint64 only (an older, shorter struct)
            "200, 0, 160",    // whole fields only: numbers and rt_detail
            "224, 0, 224",
            "512, 0, 224",    // a newer caller's bigger struct: the fake fills what it knows
    })
    void versionHonoursTheSizeArgument(long size, int status, long written) throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, CONFIG); Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(512).fill((byte) 0x5a);
            assertEquals(status, (int) handle(fake, "nrt_get_version", INT_PTR_SIZE).invokeExact(v, size));
            long firstUntouched = 0;
            while (firstUntouched < 512 && v.get(ValueLayout.JAVA_BYTE, firstUntouched) != 0x5a) {
                firstUntouched++;
            }
            // the version text has bytes != 0x5a up to its NUL, then zero padding: the whole field
            assertEquals(written, firstUntouched);
        }
    }

    @Test
    void instanceInfoIsThe32ByteStruct() throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, CONFIG); Arena arena = Arena.ofConfined()) {
            MethodHandle info = handle(fake, "nrt_get_instance_info", INT_PTR_SIZE);
            MemorySegment s = arena.allocate(32);
            assertEquals(0, (int) info.invokeExact(s, 32L));
            assertEquals(2, s.get(ValueLayout.JAVA_INT, 0), "NRT_INSTANCE_TRN1");
            assertEquals(6, s.get(ValueLayout.JAVA_INT, 4), "NRT_INSTANCE_SIZE_32XL");
            assertEquals("trn1", s.getString(8));
            assertEquals("1", s.getString(24));
            assertEquals(2, (int) info.invokeExact(s, 31L), "INVALID: too small");
            assertEquals(2, (int) info.invokeExact(MemorySegment.NULL, 32L), "INVALID: NULL");
        }
    }

    @ParameterizedTest
    @CsvSource({"nrt_get_total_nc_count, 32", "nrt_get_total_vnc_count, 32",
            "nrt_get_visible_nc_count, 6", "nrt_get_visible_vnc_count, 6"})
    void countsComeFromTheConfig(String function, int expected) throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, CONFIG); Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            assertEquals(0, (int) handle(fake, function, INT_PTR).invokeExact(n));
            assertEquals(expected, n.get(ValueLayout.JAVA_INT, 0));
            assertEquals(2, (int) handle(fake, function, INT_PTR).invokeExact(MemorySegment.NULL));
            assertEquals(2, fake.calls(function));
        }
    }

    @ParameterizedTest(name = "errors: {0} -> {1}")
    @CsvSource({
            "SUCCESS, 0", "FAILURE, 1", "INVALID, 2", "INVALID_HANDLE, 3", "RESOURCE, 4", "TIMEOUT, 5",
            "HW_ERROR, 6", "QUEUE_FULL, 7", "LOAD_NOT_ENOUGH_NC, 9", "UNSUPPORTED_NEFF_VERSION, 10",
            "FAIL_HOST_MEM_ALLOC, 11", "UNINITIALIZED, 13", "CLOSED, 14", "QUEUE_EMPTY, 15",
            "EXEC_UNIT_UNRECOVERABLE, 101", "EXEC_BAD_INPUT, 1002", "EXEC_COMPLETED_WITH_NUM_ERR, 1003",
            "EXEC_COMPLETED_WITH_ERR, 1004", "EXEC_NC_BUSY, 1005", "EXEC_OOB, 1006", "COLL_PENDING, 1100",
            "EXEC_HW_ERR_COLLECTIVES, 1200", "EXEC_HW_ERR_HBM_UE, 1201", "EXEC_HW_ERR_NC_UE, 1202",
            "EXEC_HW_ERR_DMA_ABORT, 1203", "EXEC_SW_NQ_OVERFLOW, 1204", "EXEC_HW_ERR_REPAIRABLE_HBM_UE, 1205",
            "NETWORK_PROXY_FAILURE, 1206",
            "NO_SUCH_NAME, 1",    // an unknown name in the config: FAILURE (and a line on stderr)
    })
    void errorsMapAFunctionToAStatusName(String name, int code) throws Throwable {
        String config = "{\"totalVncCount\": 4, \"errors\": {\"nrt_get_total_vnc_count\": \"" + name + "\"}}";
        try (FakeNrt fake = FakeNrt.withConfig(dir, config); Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            assertEquals(code, (int) handle(fake, "nrt_get_total_vnc_count", INT_PTR).invokeExact(n));
            assertEquals(0, (int) handle(fake, "nrt_get_total_nc_count", INT_PTR).invokeExact(n),
                    "the error is for that function only");
        }
    }

    @Test
    void aNumberInErrorsIsReturnedAsIs() throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, "{\"errors\": {\"nrt_get_total_vnc_count\": 12}}");
             Arena arena = Arena.ofConfined()) {
            assertEquals(12, (int) handle(fake, "nrt_get_total_vnc_count", INT_PTR)
                    .invokeExact(arena.allocate(ValueLayout.JAVA_INT)));
        }
    }

    @ParameterizedTest(name = "config {0}: every call fails")
    @ValueSource(strings = {"<missing>", "{\"version\": ", "[1, 2"})
    void aMissingOrBadConfigFailsEveryCall(String config) throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, "{}")) {
            FakeNrt.writeConfig("<missing>".equals(config) ? null : config);
            try (Arena arena = Arena.ofConfined()) {
                assertEquals(1, (int) handle(fake, "nrt_get_total_nc_count", INT_PTR)
                        .invokeExact(arena.allocate(ValueLayout.JAVA_INT)));
                assertEquals(1, (int) handle(fake, "nrt_get_version", INT_PTR_SIZE)
                        .invokeExact(arena.allocate(224), 224L));
            }
        }
    }

    @ParameterizedTest(name = "allowInit {0}: nrt_init returns {1}")
    @CsvSource({"'', 1", "'\"allowInit\": false', 1", "'\"allowInit\": true', 0"})
    void nrtInitSucceedsOnlyWhenAllowed(String allow, int status) throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, "{" + allow + "}"); Arena arena = Arena.ofConfined()) {
            MethodHandle init = handle(fake, "nrt_init", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            assertEquals(0, fake.calls("nrt_init"));
            assertEquals(status, (int) init.invokeExact(1, arena.allocateFrom(""), arena.allocateFrom("")));
            assertEquals(1, fake.calls("nrt_init"));
            handle(fake, "nrt_close", FunctionDescriptor.ofVoid()).invokeExact();
            assertEquals(1, fake.calls("nrt_close"));
            assertEquals(-1, fake.calls("not_a_function"));
        }
    }

    @ParameterizedTest
    @CsvSource({"0, success", "1005, NeuronCore busy", "12, unknown status"})
    void statusAsStrIsPure(int status, String text) throws Throwable {
        try (FakeNrt fake = FakeNrt.withConfig(dir, "{}")) {
            FakeNrt.writeConfig(null);   // needs no config
            MethodHandle str = handle(fake, "nrt_get_status_as_str",
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MemorySegment s = (MemorySegment) str.invokeExact(status);
            assertTrue(s.byteSize() == 0 && !s.equals(MemorySegment.NULL));
            assertEquals(text, s.reinterpret(100).getString(0));
        }
    }

    private static MethodHandle handle(FakeNrt fake, String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(fake.symbol(name), descriptor);
    }
}
