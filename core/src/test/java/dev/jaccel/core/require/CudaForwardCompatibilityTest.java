package dev.jaccel.core.require;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The enable-cuda-compat rule with NVIDIA's vectors (cuda-elf-header_test.go, cudacompat_test.go;
 * docs/nvidia-container-semantics.md §5).
 */
class CudaForwardCompatibilityTest {
    static final String NOTE_575 = "{\"Format\":1,\"CUDA Version\":\"12.9\",\"Driver\":[535,550,560,565,570,575]}";
    static final String NOTE_590 = "{\"Format\":1,\"CUDA Version\":\"13.1\",\"Driver\":[535,550,570,575,580,590]}";
    static final String NOTE_ORIN = "{\"Format\":1,\"CUDA Version\":\"13.2\"}";

    @TempDir
    Path dir;

    private Path library(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path compat(String version, String note) throws IOException {
        return library("libcuda.so." + version, ElfFiles.withNote(true, ByteOrder.LITTLE_ENDIAN,
                CudaForwardCompatibility.NOTE_SECTION, "NVIDIA Corporation", 1, note));
    }

    @Test
    void readsTheNoteOfNvidiasFixtures() throws IOException {
        assertEquals(Optional.of(new CudaForwardCompatibility.FwdNote("12.9",
                        List.of("535", "550", "560", "565", "570", "575"))),
                CudaForwardCompatibility.readNote(compat("575.57.08", NOTE_575)));
        assertEquals(Optional.of(new CudaForwardCompatibility.FwdNote("13.1",
                        List.of("535", "550", "570", "575", "580", "590"))),
                CudaForwardCompatibility.readNote(compat("590.44.01", NOTE_590)));
        assertEquals(Optional.of(new CudaForwardCompatibility.FwdNote("13.2", List.of())),
                CudaForwardCompatibility.readNote(library("libcuda.orin.13.2.1.so.1.1", ElfFiles.withNote(true,
                        ByteOrder.LITTLE_ENDIAN, CudaForwardCompatibility.NOTE_SECTION, "NVIDIA Corporation", 1,
                        NOTE_ORIN))));
    }

    @Test
    void readsNotesOf32BitAndBigEndianFiles() throws IOException {
        Path p = library("libcuda.so.575.57.08", ElfFiles.withNote(false, ByteOrder.BIG_ENDIAN,
                CudaForwardCompatibility.NOTE_SECTION, "NVIDIA Corporation", 1, NOTE_575));
        assertEquals("12.9", CudaForwardCompatibility.readNote(p).orElseThrow().cudaVersion());
        ElfNotes.Note raw = ElfNotes.read(p, CudaForwardCompatibility.NOTE_SECTION).orElseThrow();
        assertEquals("NVIDIA Corporation", raw.owner());
        assertEquals(1, raw.type());
    }

    @Test
    void noSectionMeansNoNote() throws IOException {
        assertEquals(Optional.empty(), CudaForwardCompatibility.readNote(
                library("libcuda.so.333.88.99", ElfFiles.withoutNotes(true, ByteOrder.LITTLE_ENDIAN))));
        assertEquals(Optional.empty(), CudaForwardCompatibility.readNote(library("libcuda.so.1.2",
                ElfFiles.withNote(true, ByteOrder.LITTLE_ENDIAN, ".note.other", "x", 1, "{}"))));
    }

    @Test
    void malformedFilesAreIoErrors() throws IOException {
        assertThrows(IOException.class, () -> ElfNotes.read(library("not-elf", "hello world, not ELF".getBytes()), "x"));
        byte[] good = ElfFiles.withNote(true, ByteOrder.LITTLE_ENDIAN, CudaForwardCompatibility.NOTE_SECTION, "N", 1,
                NOTE_575);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 70);
        assertThrows(IOException.class, () -> ElfNotes.read(library("truncated", truncated),
                CudaForwardCompatibility.NOTE_SECTION));
        byte[] huge = good.clone(); // e_shentsize = e_shnum = 0xffff: a table too large to read
        java.nio.ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putShort(0x3A, (short) -1).putShort(0x3C, (short) -1)
                .putShort(0x3E, (short) 1);
        assertThrows(IOException.class, () -> ElfNotes.read(library("huge", huge), CudaForwardCompatibility.NOTE_SECTION));
        byte[] far = good.clone(); // e_shoff near Long.MAX_VALUE
        java.nio.ByteBuffer.wrap(far).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, Long.MAX_VALUE - 8);
        assertThrows(IOException.class, () -> ElfNotes.read(library("far", far), CudaForwardCompatibility.NOTE_SECTION));
    }

    @ParameterizedTest(name = "compat 575.57.08 on host driver {0} -> {1}")
    @CsvSource({"590.44.01, false", "570.211.01, true", "575.10.10, true", "575.57.08, false", "575.99.99, false"})
    void withNoteAndHostDriver(String host, boolean use) throws IOException {
        Path lib = compat("575.57.08", NOTE_575);
        assertEquals(use, CudaForwardCompatibility.shouldUse(CudaForwardCompatibility.libraryVersion(lib).orElseThrow(),
                CudaForwardCompatibility.readNote(lib), host, null));
    }

    @ParameterizedTest(name = "note CUDA 12.9 on host CUDA {0} -> {1}")
    @CsvSource({"12.8, true", "12.9, false", "12.10, false"})
    void withNoteAndOnlyHostCuda(String hostCuda, boolean use) throws IOException {
        Path lib = compat("575.57.08", NOTE_575);
        assertEquals(use, CudaForwardCompatibility.shouldUse(CudaForwardCompatibility.libraryVersion(lib).orElseThrow(),
                CudaForwardCompatibility.readNote(lib), null, hostCuda));
    }

    @ParameterizedTest(name = "compat {0} without note on host {1} -> {2}")
    @CsvSource({"333.88.99, 222.55.66, true", "111.88.99, 222.55.66, false", "222.88.99, 222.55.66, false",
            "222.88.99, 99.55.66, true"})
    void withoutNote(String compat, String host, boolean use) {
        assertEquals(use, CudaForwardCompatibility.shouldUse(NumericVersion.parse(compat).orElseThrow(),
                Optional.empty(), host, null));
    }

    @Test
    void findsExactlyOneRegularLibrary() throws IOException {
        Path compatDir = Files.createDirectory(dir.resolve("compat"));
        assertEquals(Optional.empty(), CudaForwardCompatibility.findLibrary(compatDir));
        Path lib = Files.write(compatDir.resolve("libcuda.so.575.57.08"), new byte[] {1});
        Files.createSymbolicLink(compatDir.resolve("libcuda.so.1"), lib.getFileName());
        Files.createSymbolicLink(compatDir.resolve("libcuda.so.999.1.1"), Files.write(dir.resolve("outside"), new byte[] {2}));
        assertEquals(Optional.of(lib), CudaForwardCompatibility.findLibrary(compatDir));
        Files.write(compatDir.resolve("libcuda.so.590.44.01"), new byte[] {1});
        assertTrue(CudaForwardCompatibility.findLibrary(compatDir).isEmpty(), "two candidates: none chosen");
    }

    @Test
    void decidesForAnImageOnlyWhenEnabled() throws IOException {
        Path rootfs = dir.resolve("rootfs");
        Path compatDir = Files.createDirectories(rootfs.resolve("usr/local/cuda-12.9/compat"));
        Files.createSymbolicLink(rootfs.resolve("usr/local/cuda"), Path.of("/usr/local/cuda-12.9"));
        Files.write(compatDir.resolve("libcuda.so.575.57.08"), ElfFiles.withNote(true, ByteOrder.LITTLE_ENDIAN,
                CudaForwardCompatibility.NOTE_SECTION, "NVIDIA Corporation", 1, NOTE_575));
        assertEquals(Optional.empty(), CudaForwardCompatibility.decide(false, rootfs, "570.211.01", "12.8"));
        CudaForwardCompatibility.Decision yes = CudaForwardCompatibility.decide(true, rootfs, "570.211.01", "12.8")
                .orElseThrow();
        assertEquals("/usr/local/cuda/compat/libcuda.so.575.57.08", yes.library());
        assertTrue(yes.use(), yes.explanation());
        CudaForwardCompatibility.Decision no = CudaForwardCompatibility.decide(true, rootfs, "590.44.01", "13.1")
                .orElseThrow();
        assertEquals(false, no.use());
        assertTrue(no.explanation().startsWith("not using /usr/local/cuda/compat/libcuda.so.575.57.08"), no.explanation());
        assertEquals(Optional.empty(), CudaForwardCompatibility.decide(true, dir.resolve("empty"), "570.1", "12.8"));
    }
}
