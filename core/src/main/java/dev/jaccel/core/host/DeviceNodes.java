package dev.jaccel.core.host;

import dev.jaccel.core.model.DeviceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a device node's major and minor with {@code stat} ({@code unix:rdev}), as a runtime does:
 * never assumed from a name. Paths are host paths under a host root.
 */
public final class DeviceNodes {
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
     * {@code hostRoot}; empty when there is no such node (a regular file is not a node).
     */
    public static Optional<DeviceNode> stat(Path hostRoot, String path) {
        Path host = hostRoot.resolve(path.startsWith("/") ? path.substring(1) : path);
        try {
            if (!Files.readAttributes(host, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).isOther()) {
                return Optional.empty();
            }
            long rdev = ((Number) Files.getAttribute(host, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue();
            return Optional.of(new DeviceNode(path, host.toString(), major(rdev), minor(rdev)));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
