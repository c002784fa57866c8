package dev.jaccel.hook.cli;

import dev.jaccel.core.host.DeviceNodes;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code /dev/char/<major>:<minor>} links for every NVIDIA and Neuron node jaccel injects. runc's
 * systemd cgroup driver turns a spec's device rules into systemd {@code DeviceAllow=} entries by
 * those paths; without the link a {@code systemctl daemon-reload} re-applies the unit's device policy
 * without the GPU and running containers lose it (NVIDIA/nvidia-container-toolkit#48). The NVIDIA
 * nodes are made by nvidia-modprobe, not udev, so nothing else creates the links.
 */
final class DevCharLinks {
    /** What happened to one link. */
    enum Outcome { CREATED, PRESENT, REPLACED, SKIPPED }

    /** @param detail for SKIPPED: why; otherwise the link's target */
    record Result(Path link, Outcome outcome, String detail) {
    }

    private DevCharLinks() {
    }

    /** Every node of the inventory, by {@code major:minor} (the first node of a number wins). */
    static Map<String, DeviceNode> nodes(Inventory inventory) {
        Map<String, DeviceNode> nodes = new LinkedHashMap<>();
        List<DeviceNode> all = new ArrayList<>();
        if (inventory.nvidia() != null) {
            all.addAll(inventory.nvidia().controlNodes());
            for (GpuDevice g : inventory.nvidia().devices()) {
                all.addAll(g.deviceNodes());
                for (MigDevice m : g.migDevices()) {
                    all.addAll(m.capabilityNodes());
                }
            }
        }
        if (inventory.neuron() != null) {
            for (NeuronDevice d : inventory.neuron().devices()) {
                if (d.deviceNode() != null) {
                    all.add(d.deviceNode());
                }
            }
        }
        for (DeviceNode n : all) {
            nodes.putIfAbsent(n.major() + ":" + n.minor(), n);
        }
        return nodes;
    }

    /**
     * Creates the missing links under the host root's {@code /dev/char} ({@code dryRun}: says what
     * it would do). A correct link is left alone, a link to another file is replaced atomically, and
     * a file that is not a link is never touched.
     */
    static List<Result> create(Inventory inventory, HostContext host, boolean dryRun) throws IOException {
        Path dir = host.host("/dev/char");
        List<Result> results = new ArrayList<>();
        for (Map.Entry<String, DeviceNode> e : nodes(inventory).entrySet()) {
            Path link = dir.resolve(e.getKey());
            Path node = Path.of(e.getValue().hostPath());
            Path target = node.startsWith(host.host("/dev")) ? dir.relativize(node) : node;
            if (!Files.exists(node, LinkOption.NOFOLLOW_LINKS)) {
                results.add(new Result(link, Outcome.SKIPPED, node + " does not exist"));
            } else if (Files.isSymbolicLink(link)) {
                Path now = Files.readSymbolicLink(link);
                boolean same = now.equals(target) || dir.resolve(now).normalize().equals(node.normalize())
                        || sameDevice(link, e.getValue());
                if (same) {
                    results.add(new Result(link, Outcome.PRESENT, now.toString()));
                } else {
                    if (!dryRun) {
                        replace(link, target);
                    }
                    results.add(new Result(link, Outcome.REPLACED, target.toString()));
                }
            } else if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                results.add(new Result(link, Outcome.SKIPPED, link + " exists and is not a symbolic link"));
            } else {
                if (!dryRun) {
                    Files.createDirectories(dir);
                    try {
                        Files.createSymbolicLink(link, target);
                    } catch (FileAlreadyExistsException raced) {
                        replace(link, target);
                    }
                }
                results.add(new Result(link, Outcome.CREATED, target.toString()));
            }
        }
        return results;
    }

    /** Whether the link leads to a character device with the node's numbers (udev's own link, say). */
    private static boolean sameDevice(Path link, DeviceNode node) {
        try {
            return DeviceNodes.stat(node.path(), link.toRealPath())
                    .filter(n -> n.major() == node.major() && n.minor() == node.minor()).isPresent();
        } catch (IOException e) {
            return false;   // a dangling link
        }
    }

    private static void replace(Path link, Path target) throws IOException {
        Path tmp = link.resolveSibling("." + link.getFileName() + ".jaccel-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        Files.createSymbolicLink(tmp, target);
        try {
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** One line per link made or changed, and warnings for the ones left alone; for the commands that make links on the side. */
    static void createQuietly(Inventory inventory, HostContext host, PrintWriter out, PrintWriter err) {
        try {
            for (Result r : create(inventory, host, false)) {
                switch (r.outcome()) {
                    case CREATED, REPLACED -> out.println((r.outcome() == Outcome.CREATED ? "created " : "replaced ")
                            + r.link() + " -> " + r.detail());
                    case SKIPPED -> Diagnostics.warning(err, r.link() + " not made: " + r.detail());
                    case PRESENT -> { }
                }
            }
        } catch (IOException e) {
            Diagnostics.warning(err, "cannot make the /dev/char links (" + e.getMessage()
                    + "): run jaccel system create-dev-char-symlinks as root");
        }
    }
}
