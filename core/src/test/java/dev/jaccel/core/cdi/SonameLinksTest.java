package dev.jaccel.core.cdi;

import dev.jaccel.core.edits.MountEdit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SonameLinksTest {
    static final String LIB = "/usr/lib/x86_64-linux-gnu";

    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource({
            // link name, link target (as written in the link), mounted?
            "libcuda.so.1, libcuda.so.580.95.05,                                  true",
            "libcuda.so,   libcuda.so.580.95.05,                                  false",   // the linker's name, not a soname
            "libcuda.so.1, libcuda.so.570.10.01,                                  false",   // another driver's leftover
            "libcuda.so.1, /etc/passwd,                                           false",   // not a sibling
            "libcuda.so.1, ../../../usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05, false",
            "libcuda.so.1, libmissing.so.580.95.05,                               false",
    })
    void onlyLinksNamingAMountedLibraryDirectlyAreAdded(String link, String target, boolean mounted) throws IOException {
        Path dir = Files.createDirectories(root.resolve(LIB.substring(1)));
        Path library = Files.writeString(dir.resolve("libcuda.so.580.95.05"), "elf");
        Files.writeString(dir.resolve("libcuda.so.570.10.01"), "elf");
        Files.createSymbolicLink(dir.resolve(link), Path.of(target));
        MountEdit lib = new MountEdit(library.toString(), LIB + "/libcuda.so.580.95.05", MountEdit.DRIVER_FILE_OPTIONS);
        MountEdit smi = new MountEdit(root.resolve("usr/bin/nvidia-smi").toString(), "/usr/bin/nvidia-smi",
                MountEdit.DRIVER_FILE_OPTIONS);
        List<MountEdit> expected = new ArrayList<>(List.of(lib, smi));
        if (mounted) {
            expected.add(new MountEdit(dir.resolve(link).toString(), LIB + "/" + link, MountEdit.DRIVER_FILE_OPTIONS));
        }
        assertEquals(expected, SonameLinks.with(List.of(lib, smi)));
    }
}
