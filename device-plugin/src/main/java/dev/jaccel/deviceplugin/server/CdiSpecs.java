package dev.jaccel.deviceplugin.server;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.cdi.CdiGenerator;
import dev.jaccel.core.cdi.CdiSpec;
import dev.jaccel.core.cdi.CdiSpecJson;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The CDI specs the {@code cdi-cri} strategy names: the files {@code jaccel cdi generate} writes
 * ({@code <dir>/jaccel-nvidia.json}, {@code <dir>/jaccel-neuron.json}), with the same generator.
 * Host paths are written as the host sees them, whatever root the plugin reads the host under.
 * A spec that is missing or differs from what this host's inventory gives is stale and is
 * rewritten (atomically, mode 0644 for a new file): at start and before an Allocate whenever the file changed
 * since it was last checked (one {@code stat} per file otherwise).
 */
public final class CdiSpecs implements Runnable {
    private final Map<Path, byte[]> expected = new LinkedHashMap<>();
    private final Map<Path, Object> checked = new HashMap<>();   // path -> (file key, size, mtime) seen fresh
    private final Consumer<String> log;

    public CdiSpecs(Inventory inventory, HostContext host, Path dir, Consumer<String> log) {
        this.log = log;
        for (CdiSpec spec : CdiGenerator.generate(inventory, host, w -> log.accept("CDI: " + w))) {
            String vendor = spec.kind().equals(CdiGenerator.NVIDIA_KIND) ? "nvidia" : "neuron";
            expected.put(dir.resolve("jaccel-" + vendor + ".json"), CdiSpecJson.toBytes(asOnHost(spec, host.hostRoot())));
        }
    }

    /**
     * The spec as the host's runtime must read it. The plugin may see the host under a root such as
     * {@code /host} (in its DaemonSet); containerd and CRI-O read host paths from {@code /}, so a
     * host path under that root loses the prefix.
     */
    static CdiSpec asOnHost(CdiSpec spec, Path hostRoot) {
        if (hostRoot.getNameCount() == 0) {
            return spec;
        }
        Map<String, ContainerEdits> devices = new LinkedHashMap<>();
        spec.devices().forEach((name, edits) -> devices.put(name, asOnHost(edits, hostRoot)));
        return new CdiSpec(spec.cdiVersion(), spec.kind(), devices, asOnHost(spec.common(), hostRoot));
    }

    private static ContainerEdits asOnHost(ContainerEdits e, Path root) {
        return new ContainerEdits(e.env(),
                e.deviceNodes().stream().map(n -> new DeviceNodeEdit(n.path(), unrooted(n.hostPath(), root), n.type(),
                        n.major(), n.minor())).toList(),
                e.mounts().stream().map(m -> new MountEdit(unrooted(m.hostPath(), root), m.containerPath(), m.options())).toList(),
                e.hooks());
    }

    private static String unrooted(String hostPath, Path root) {
        if (hostPath == null) {
            return null;
        }
        Path p = Path.of(hostPath);
        return p.startsWith(root) ? "/" + root.relativize(p) : hostPath;
    }

    /** Rewrites every stale spec. @throws JaccelException exit 4 when a spec cannot be written */
    @Override
    public synchronized void run() {
        for (Map.Entry<Path, byte[]> e : expected.entrySet()) {
            Path file = e.getKey();
            Object now = stamp(file);
            if (now != null && now.equals(checked.get(file))) {
                continue;
            }
            try {
                byte[] current = now == null ? null : Files.readAllBytes(file);
                if (!Arrays.equals(current, e.getValue())) {
                    Files.createDirectories(file.getParent());
                    AtomicFiles.write(file, e.getValue(), AtomicFiles.FILE_MODE);
                    log.accept((current == null ? "wrote " : "rewrote stale ") + file);
                }
            } catch (IOException ex) {
                throw JaccelException.driverUnavailable("cannot write the CDI spec " + file + " the cdi-cri strategy names: "
                        + ex.getMessage(), ex);
            }
            checked.put(file, stamp(file));
        }
    }

    /** The files this strategy keeps fresh. */
    public Iterable<Path> files() {
        return expected.keySet();
    }

    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Arrays.asList(Objects.toString(a.fileKey()), a.size(), a.lastModifiedTime().toMillis());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
