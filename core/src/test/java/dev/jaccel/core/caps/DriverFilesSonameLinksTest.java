package dev.jaccel.core.caps;

import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The soname links {@link DriverFiles} mounts beside the driver's libraries. */
class DriverFilesSonameLinksTest {
    static final String VERSION = "580.95.05";
    static final String LIB = "/usr/lib/x86_64-linux-gnu";

    @TempDir
    Path root;

    List<String> containerPaths() {
        List<String> warnings = new ArrayList<>();
        return DriverFiles.locate(HostContext.ofRoot(root), VERSION, EnumSet.of(DriverCapability.COMPUTE), warnings::add)
                .stream().map(MountEdit::containerPath).toList();
    }

    @ParameterizedTest
    @CsvSource({
            // link name, link target (as written in the link), mounted?
            "libcuda.so.1,          libcuda.so.580.95.05,                           true",
            "libcuda.so,            libcuda.so.580.95.05,                           false",   // the linker's name, not a soname
            "libcuda.so.1,          libcuda.so.570.10.01,                           false",   // another driver's leftover
            "libcuda.so.1,          /etc/passwd,                                    false",   // not a sibling
            "libcuda.so.1,          ../../../usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05, false",
            "libcuda.so.1,          libmissing.so.580.95.05,                        false",
    })
    void onlyLinksToAFoundSiblingLibraryAreMounted(String link, String target, boolean mounted) throws IOException {
        Path dir = Files.createDirectories(root.resolve(LIB.substring(1)));
        Files.writeString(dir.resolve("libcuda.so." + VERSION), "elf");
        Files.writeString(dir.resolve("libcuda.so.570.10.01"), "elf");
        Files.createSymbolicLink(dir.resolve(link), Path.of(target));
        List<String> expected = new ArrayList<>(List.of(LIB + "/libcuda.so." + VERSION));
        if (mounted) {
            expected.add(LIB + "/" + link);
        }
        assertEquals(expected, containerPaths());
    }

    @Test
    void aMergedUsrLinkDoesNotMountTheSameLinkTwice() throws IOException {
        Path dir = Files.createDirectories(root.resolve(LIB.substring(1)));
        Files.writeString(dir.resolve("libcuda.so." + VERSION), "elf");
        Files.createSymbolicLink(dir.resolve("libcuda.so.1"), Path.of("libcuda.so." + VERSION));
        Files.createDirectories(root.resolve("lib"));
        Files.createSymbolicLink(root.resolve("lib/x86_64-linux-gnu"), Path.of("../usr/lib/x86_64-linux-gnu"));
        assertEquals(List.of(LIB + "/libcuda.so." + VERSION, LIB + "/libcuda.so.1"), containerPaths());
    }
}
