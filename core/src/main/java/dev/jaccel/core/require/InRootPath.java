package dev.jaccel.core.require;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a container root the way {@code openat2(RESOLVE_IN_ROOT)} would, in pure
 * Java: every symlink is read and resolved against the root (an absolute target restarts at the
 * root, {@code ..} stops at it), so an image cannot point a lookup at a host file (the lesson of
 * CVE-2024-0132/0134; docs/nvidia-container-semantics.md §6). For reads that only decide something; a
 * writer must use the native in-root walk.
 */
final class InRootPath {
    private static final int MAX_LINKS = 40; // Linux's MAXSYMLINKS

    private InRootPath() {
    }

    static Path resolve(Path root, String containerPath) throws IOException {
        Deque<String> todo = new ArrayDeque<>(List.of(containerPath.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path candidate = join(root, done).resolve(c);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw new IOException(containerPath + ": too many levels of symbolic links in the container root");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = List.of(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            } else {
                done.add(c);
            }
        }
        return join(root, done);
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String part : parts) {
            p = p.resolve(part);
        }
        return p;
    }
}
