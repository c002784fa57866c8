package dev.jaccel.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One private instance of the fake {@code libnrt.so.1}. The fake reads {@code FAKE_NRT_CONFIG} once,
 * at its first call, and the dynamic linker loads a path only once per process; so each test that
 * needs its own config gets its own copy of the library (a new file is a new instance with fresh
 * state), written config first. The instance stays loaded until {@link #close()}, so its call
 * counters survive a binding that unloads its own handle.
 */
@SuppressWarnings("restricted")   // FFM downcalls are this class's purpose; the JVM runs with --enable-native-access
public final class FakeNrt implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CALLS = LINKER.downcallHandle(
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

    private final Path library;
    private final Arena arena;
    private final SymbolLookup lookup;
    private final MemorySegment callsSymbol;

    private FakeNrt(Path library) {
        this.library = library;
        this.arena = Arena.ofShared();
        this.lookup = SymbolLookup.libraryLookup(library, arena);
        this.callsSymbol = lookup.find("fake_nrt_calls").orElseThrow();
    }

    /** A fresh instance of the current-ABI fake in {@code dir}, reading {@code configJson}. */
    public static FakeNrt withConfig(Path dir, String configJson) {
        return create(FakeLibraries.nrt(), dir, configJson);
    }

    /** A fresh instance of the 2022-ABI fake (see {@link FakeLibraries#nrtLegacy()}). */
    public static FakeNrt legacyWithConfig(Path dir, String configJson) {
        return create(FakeLibraries.nrtLegacy(), dir, configJson);
    }

    /** Writes {@code configJson} where {@code FAKE_NRT_CONFIG} points ({@code null}: deletes that file). */
    public static void writeConfig(String configJson) {
        String name = System.getenv("FAKE_NRT_CONFIG");
        if (name == null) {
            throw new IllegalStateException("FAKE_NRT_CONFIG is not set: run the tests through Maven");
        }
        Path config = Path.of(name);
        try {
            if (configJson == null) {
                Files.deleteIfExists(config);
            } else {
                Files.createDirectories(config.getParent());
                Files.writeString(config, configJson);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FakeNrt create(Path original, Path dir, String configJson) {
        writeConfig(configJson);
        try {
            Path copy = Files.createTempDirectory(Files.createDirectories(dir), "nrt").resolve("libnrt.so.1");
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
            return new FakeNrt(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of this instance: give it to {@code --nrt-library}. */
    public Path path() {
        return library;
    }

    /** The address of an exported symbol of this instance (valid until {@link #close()}). */
    public MemorySegment symbol(String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalArgumentException(library + " does not export " + name));
    }

    /** How often this instance's {@code function} was called (-1 for a function the fake does not count). */
    public long calls(String function) {
        try (Arena call = Arena.ofConfined()) {
            return (long) CALLS.invokeExact(callsSymbol, call.allocateFrom(function));
        } catch (Throwable t) {
            throw new IllegalStateException("fake_nrt_calls failed", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
