package dev.jaccel.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HostTreeTest {

    @ParameterizedTest(name = "makedev({0}, {1}) = {2}")
    @CsvSource({
            "1, 3, 259",          // /dev/null
            "195, 255, 50175",    // /dev/nvidiactl
            "195, 3, 49923",
            "511, 0, 130816",
            "4096, 1, 17592186044417",  // majors past 12 bits go to the high word (values from glibc makedev)
            "10, 300, 1051180",         // minors past 8 bits go to bits 20+
    })
    void makedevMatchesGlibc(int major, int minor, long expected) {
        assertEquals(expected, HostTree.makedev(major, minor));
    }

    @Test
    void charDeviceHasTheGivenMajorAndMinorWhenRoot(@TempDir Path dir) throws Exception {
        HostTree tree = HostTree.at(dir);
        assumeTrue(tree.realDeviceNodes(), "device nodes need root");
        tree.charDevice("/dev/nvidia3", 195, 3);
        Path node = tree.path("/dev/nvidia3");
        assertTrue(Files.readAttributes(node, java.nio.file.attribute.BasicFileAttributes.class).isOther(), "a device node, not a file");
        long rdev = ((Number) Files.getAttribute(node, "unix:rdev")).longValue();
        assertEquals(HostTree.makedev(195, 3), rdev);
    }

    @Test
    void charDeviceIsReadWriteForAllWhateverTheUmask(@TempDir Path dir) throws Exception {
        HostTree tree = HostTree.at(dir);
        tree.charDevice("/dev/neuron0", 245, 0);
        tree.charDevice("/dev/neuron0", 245, 0);   // replaced: still 0666
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tree.path("/dev/neuron0"), LinkOption.NOFOLLOW_LINKS)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "no file; -; 'Character devices:\n  1 mem\n  4 /dev/vc/0\n  5 /dev/tty\n245 neuron\n\nBlock devices:\n  8 sd\n259 blkext\n'",
            "appended to the char section; 'Character devices:\n195 nvidia\n\nBlock devices:\n  8 sd\n'; "
                    + "'Character devices:\n195 nvidia\n245 neuron\n\nBlock devices:\n  8 sd\n'",
            "a listed name keeps its major; 'Character devices:\n246 neuron\n\nBlock devices:\n'; "
                    + "'Character devices:\n246 neuron\n\nBlock devices:\n'",
            "a block major is not a char major; 'Character devices:\n\nBlock devices:\n245 neuron\n'; "
                    + "'Character devices:\n245 neuron\n\nBlock devices:\n245 neuron\n'",
    })
    void charMajorsGoToTheCharacterSection(String what, String before, String after, @TempDir Path dir) throws Exception {
        HostTree tree = HostTree.at(dir);
        if (!before.equals("-")) {
            tree.file("/proc/devices", before.replace("\\n", "\n"));
        }
        tree.charMajors(Map.of("neuron", 245));
        assertEquals(after.replace("\\n", "\n"), Files.readString(tree.path("/proc/devices")));
    }

    @Test
    void filesAndLinksLandUnderTheRoot(@TempDir Path dir) throws Exception {
        HostTree tree = HostTree.at(dir)
                .file("/proc/devices", "Character devices:\n195 nvidia\n")
                .symlink("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "libcuda.so.580.95.05");
        assertEquals("Character devices:\n195 nvidia\n", Files.readString(dir.resolve("proc/devices")));
        assertEquals(Path.of("libcuda.so.580.95.05"),
                Files.readSymbolicLink(dir.resolve("usr/lib/x86_64-linux-gnu/libcuda.so.1")));
    }
}
