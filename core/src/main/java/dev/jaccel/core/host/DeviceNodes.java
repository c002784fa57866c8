package dev.jaccel.core.host;

import dev.jaccel.core.model.DeviceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a device node's major and minor with {@code stat} ({@code unix:rdev}), as a runtime does:
 * never assumed from a name. Paths are host paths under a host root. Links are not followed: a link
 * under the host root must not make us report (and later inject) whatever device it points at.
 */
public final class DeviceNodes {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    private DeviceNodes() {
    }

    /** glibc {@code gnu_dev_major}. */
    public static int major(long rdev) {
        return (int) (((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & ~0xfffL));
    }

    /** glibc {@code gnu_dev_minor}. */
    public static int minor(long rdev) {
        return (int) ((rdev & 0xffL) | ((rdev >>> 12) & ~0xffL));
    }

    /**
     * The character device at {@code path} (absolute, as the container sees it) under
     * {@code hostRoot}; empty when there is no such node.
     */
    public static Optional<DeviceNode> stat(Path hostRoot, String path) {
        return stat(path, hostRoot.resolve(path.startsWith("/") ? path.substring(1) : path));
    }

    /**
     * The character device at {@code hostPath}, reported as {@code path} in the container; empty
     * when {@code hostPath} is missing or anything but a character device (a regular file, a block
     * device, a FIFO, a link).
     */
    public static Optional<DeviceNode> stat(String path, Path hostPath) {
        try {
            Map<String, Object> attributes = Files.readAttributes(hostPath, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
            if ((((Integer) attributes.get("mode")) & S_IFMT) != S_IFCHR) {
                return Optional.empty();
            }
            long rdev = ((Number) attributes.get("rdev")).longValue();
            return Optional.of(new DeviceNode(path, hostPath.toString(), major(rdev), minor(rdev)));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
