package dev.jaccel.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** The Docker test classes: one {@link DockerNode} per class, started before its tests and removed after. */
abstract class DockerNodeTests {
    static final String LIST_DEV = "for f in /dev/nvidia* /dev/nvidia-caps/* /dev/neuron*; do [ -e \"$f\" ] && echo \"$f\"; done; true";

    @TempDir
    static Path tmp;
    static DockerNode node;

    @BeforeAll
    static void start() throws IOException {
        Engines.assume("dockerd", "docker", "containerd", "runc");
        node = DockerNode.start(tmp.resolve("docker"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    /** The device nodes a container listed with {@link #LIST_DEV}. */
    static Set<String> devices(Installation.Result r) {
        return new TreeSet<>(r.out().lines().filter(l -> l.startsWith("/dev/")).toList());
    }
}
