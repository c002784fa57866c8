package dev.jaccel.core.host;

import dev.jaccel.core.model.DeviceNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DeviceNodesTest {

    @ParameterizedTest(name = "rdev {0} = {1}:{2}")
    @CsvSource({
            "259, 1, 3",                        // /dev/null
            "50175, 195, 255",                  // /dev/nvidiactl
            "49923, 195, 3",
            "62720, 245, 0",                    // /dev/neuron0 on inf1
            "130831, 511, 15",
            "130816, 511, 0",
            "17592186044417, 4096, 1",          // majors past 12 bits live in the high word (glibc makedev)
            "1051180, 10, 300",                 // minors past 8 bits live in bits 20+
    })
    void decodesGlibcDevT(long rdev, int major, int minor) {
        assertEquals(major, DeviceNodes.major(rdev));
        assertEquals(minor, DeviceNodes.minor(rdev));
    }

    @Test
    void statReadsARealNode() {
        Optional<DeviceNode> n = DeviceNodes.stat(Path.of("/"), "/dev/null");
        assertEquals(Optional.of(new DeviceNode("/dev/null", "/dev/null", 1, 3)), n);
    }

    @Test
    void aRegularFileOrNothingIsNoNode(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/nvidia0"), "not a node");
        assertTrue(DeviceNodes.stat(root, "/dev/nvidia0").isEmpty());
        assertTrue(DeviceNodes.stat(root, "/dev/nvidia1").isEmpty());
    }

    @Test
    void aLinkToANodeIsNoNode(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("dev"));
        Path link = Files.createSymbolicLink(root.resolve("dev/nvidia0"), Path.of("/dev/null"));
        assertTrue(DeviceNodes.stat(root, "/dev/nvidia0").isEmpty());
        Files.delete(link);
    }

    @Test
    void aFifoIsNoNode(@TempDir Path root) throws Exception {
        Path fifo = root.resolve("nvidia0");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assumeTrue(mkfifo.waitFor() == 0 && Files.exists(fifo, LinkOption.NOFOLLOW_LINKS), "mkfifo unavailable");
        assertTrue(DeviceNodes.stat("/dev/nvidia0", fifo).isEmpty());
    }

    @Test
    void statOfAHostPathKeepsTheContainerPath() {
        assertEquals(Optional.of(new DeviceNode("/dev/neuron0", "/dev/null", 1, 3)),
                DeviceNodes.stat("/dev/neuron0", Path.of("/dev/null")));
    }
}
