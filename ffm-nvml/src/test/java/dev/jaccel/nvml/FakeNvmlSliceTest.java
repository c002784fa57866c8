package dev.jaccel.nvml;

import dev.jaccel.testkit.FakeLibraries;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The first vertical slice: the fake NVML loaded through {@link SymbolLookup#libraryLookup}, called
 * through raw FFM downcalls, returns the configured values and NVML's codes. The config is read
 * at the first init, so the test sets {@code FAKE_NVML_CONFIG} for the forked JVM through a file
 * it writes before that init (see the surefire configuration: the variable points into target/).
 */
class FakeNvmlSliceTest {
    private static final Linker LINKER = Linker.nativeLinker();

    @Test
    void initReadsDriverVersionAndShutdownIsReferenceCounted() throws Throwable {
        Path config = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                {"driverVersion": "580.95.05", "nvmlVersion": "13.580.95.05",
                 "cudaDriverVersion": 13000, "init": "SUCCESS", "devices": []}
                """);
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup nvml = SymbolLookup.libraryLookup(FakeLibraries.nvml(), arena);
            MethodHandle init = handle(nvml, "nvmlInit_v2", FunctionDescriptor.of(ValueLayout.JAVA_INT));
            MethodHandle shutdown = handle(nvml, "nvmlShutdown", FunctionDescriptor.of(ValueLayout.JAVA_INT));
            MethodHandle driverVersion = handle(nvml, "nvmlSystemGetDriverVersion",
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MemorySegment buffer = arena.allocate(80);

            assertEquals(1, (int) driverVersion.invokeExact(buffer, 80), "UNINITIALIZED before init");
            assertEquals(1, (int) shutdown.invokeExact(), "UNINITIALIZED: shutdown without init");

            assertEquals(0, (int) init.invokeExact());
            assertEquals(0, (int) init.invokeExact());
            assertEquals(0, (int) driverVersion.invokeExact(buffer, 80));
            assertEquals("580.95.05", buffer.getString(0));
            assertEquals(7, (int) driverVersion.invokeExact(buffer, 9), "INSUFFICIENT_SIZE: 9 bytes hold no NUL");
            assertEquals(2, (int) driverVersion.invokeExact(MemorySegment.NULL, 80), "INVALID_ARGUMENT");

            assertEquals(0, (int) shutdown.invokeExact());
            assertEquals(0, (int) driverVersion.invokeExact(buffer, 80), "still one live init");
            assertEquals(0, (int) shutdown.invokeExact());
            assertEquals(1, (int) driverVersion.invokeExact(buffer, 80), "UNINITIALIZED after the last shutdown");
        }
    }

    private static MethodHandle handle(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(lookup.find(name).orElseThrow(), descriptor);
    }
}
