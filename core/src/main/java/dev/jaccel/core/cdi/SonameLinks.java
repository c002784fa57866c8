package dev.jaccel.core.cdi;

import dev.jaccel.core.edits.MountEdit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The soname links of the driver libraries a CDI spec mounts ({@code libcuda.so.1 ->
 * libcuda.so.580.95.05}, the name programs {@code dlopen}). The shim and hook paths create these
 * links inside the container at createContainer; a CDI spec is applied by the runtime alone, so
 * it mounts each host link (resolved to its library by the bind mount) beside the library. Only
 * links in the library's own folder that name it directly count.
 */
final class SonameLinks {
    private SonameLinks() {
    }

    /** {@code mounts} followed by a mount for every soname link of a library among them. */
    static List<MountEdit> with(List<MountEdit> mounts) {
        List<MountEdit> out = new ArrayList<>(mounts);
        Set<String> containerPaths = new HashSet<>();
        mounts.forEach(m -> containerPaths.add(m.containerPath()));
        Map<Path, List<Path>> links = new HashMap<>();
        for (MountEdit m : mounts) {
            Path library = Path.of(m.hostPath());
            Path containerDir = Path.of(m.containerPath()).getParent();
            if (!library.getFileName().toString().contains(".so.") || containerDir == null) {
                continue;
            }
            for (Path link : links.computeIfAbsent(library.getParent(), SonameLinks::linksIn)) {
                String containerPath = containerDir.resolve(link.getFileName()).toString();
                if (namesDirectly(link, library) && containerPaths.add(containerPath)) {
                    out.add(new MountEdit(link.toString(), containerPath, m.options()));
                }
            }
        }
        return out;
    }

    private static boolean namesDirectly(Path link, Path library) {
        try {
            Path target = Files.readSymbolicLink(link);
            return target.getParent() == null && target.equals(library.getFileName());
        } catch (IOException e) {
            return false; // vanished or unreadable: not mounted
        }
    }

    private static List<Path> linksIn(Path dir) {
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.so.*")) {
            for (Path p : entries) {
                if (Files.isSymbolicLink(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out; // an unreadable folder adds no links
        }
        out.sort(null);
        return out;
    }
}
