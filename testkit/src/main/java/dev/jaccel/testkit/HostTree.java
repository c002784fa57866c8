package dev.jaccel.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A fake host root laid out like {@code /} (testkit/README.md): files under {@code proc}, {@code sys},
 * {@code dev} and driver paths. Device nodes are real character devices when the process may
 * create them (root, as in CI), so jaccel reads majors and minors with {@code stat} as on a host;
 * otherwise they are regular files and {@link #realDeviceNodes()} says so.
 */
public final class HostTree {
    private static final int S_IFCHR = 0020000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MKNOD = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mknod").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            Linker.Option.captureCallState("errno"));

    /** 0666 (NVreg_DeviceFileMode's default for /dev/nvidia*): fixtures must not depend on the umask. */
    private static final Set<PosixFilePermission> NODE_MODE = PosixFilePermissions.fromString("rw-rw-rw-");

    private final Path root;
    private final boolean realNodes;

    private HostTree(Path root, boolean realNodes) {
        this.root = root;
        this.realNodes = realNodes;
    }

    /** A host tree at {@code root}; device nodes are real when this process is allowed to make them. */
    public static HostTree at(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HostTree(root, "root".equals(System.getProperty("user.name")));
    }

    public Path root() {
        return root;
    }

    public boolean realDeviceNodes() {
        return realNodes;
    }

    /** The path of an absolute host path inside the tree: {@code path("/proc/devices")}. */
    public Path path(String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /** Writes a text file (parents created). */
    public HostTree file(String absolute, String content) {
        Path p = path(absolute);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes a binary file (parents created). */
    public HostTree file(String absolute, byte[] content) {
        Path p = path(absolute);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Makes a directory (and parents). */
    public HostTree dir(String absolute) {
        try {
            Files.createDirectories(path(absolute));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Makes a symbolic link at {@code absolute} pointing to {@code target} (as given). */
    public HostTree symlink(String absolute, String target) {
        Path p = path(absolute);
        try {
            Files.createDirectories(p.getParent());
            Files.deleteIfExists(p);
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Makes a character device node with this major and minor and mode 0666 (a regular file when
     * this process cannot create device nodes). An existing node is replaced.
     */
    public HostTree charDevice(String absolute, int major, int minor) {
        Path p = path(absolute);
        try {
            Files.createDirectories(p.getParent());
            Files.deleteIfExists(p);
            if (!realNodes) {
                Files.writeString(p, "fake char device " + major + ":" + minor + "\n");
                Files.setPosixFilePermissions(p, NODE_MODE);
                return this;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
                int rc = (int) MKNOD.invokeExact(state, arena.allocateFrom(p.toString()), S_IFCHR | 0666,
                        makedev(major, minor));
                if (rc != 0) {
                    int errno = state.get(ValueLayout.JAVA_INT,
                            Linker.Option.captureStateLayout().byteOffset(
                                    java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
                    throw new IOException("mknod " + p + " " + major + ":" + minor + " failed, errno " + errno);
                }
            }
            // mknod applies the process umask (0022 makes 0644): set the mode the fixture asks for
            Files.setPosixFilePermissions(p, NODE_MODE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Throwable t) {
            throw new IllegalStateException("mknod through FFM failed for " + p, t);
        }
        return this;
    }

    /**
     * Adds {@code <major> <name>} lines at the end of the character section of {@code proc/devices}
     * (made with a few ordinary entries when absent), keeping every line there: another fixture's
     * majors stay, and a name already listed keeps its major.
     */
    public HostTree charMajors(Map<String, Integer> majors) {
        List<String> lines = new ArrayList<>();
        try {
            Path file = path("/proc/devices");
            if (Files.exists(file)) {
                lines.addAll(Files.readAllLines(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!lines.contains("Character devices:")) {
            lines.addAll(0, List.of("Character devices:", "  1 mem", "  4 /dev/vc/0", "  5 /dev/tty", ""));
        }
        if (!lines.contains("Block devices:")) {
            lines.addAll(List.of("Block devices:", "  8 sd", "259 blkext"));
        }
        int start = lines.indexOf("Character devices:") + 1;
        int end = start;
        while (end < lines.size() && !lines.get(end).isBlank() && !lines.get(end).endsWith("devices:")) {
            end++;
        }
        for (Map.Entry<String, Integer> e : new TreeMap<>(majors).entrySet()) {
            Pattern listed = Pattern.compile("\\d+ " + Pattern.quote(e.getKey()));
            if (lines.subList(start, end).stream().noneMatch(l -> listed.matcher(l.trim()).matches())) {
                lines.add(end++, String.format(Locale.ROOT, "%3d %s", e.getValue(), e.getKey()));
            }
        }
        return file("/proc/devices", String.join("\n", lines) + "\n");
    }

    /** glibc's {@code makedev} encoding of a dev_t. */
    static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0x00000fffL) << 8) | ((ma & 0xfffff000L) << 32)
                | (mi & 0x000000ffL) | ((mi & 0xffffff00L) << 12);
    }
}
