package dev.jaccel.core.snapshot;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory a container start reads instead of calling NVML or libnrt (docs/design.md
 * §2.7, §5): the {@code jaccel devices --json} document plus a {@link HostFingerprint} under
 * {@value #FINGERPRINT_KEY}. It is used only while the host still matches the fingerprint, and
 * not when it recorded a failed discovery for a vendor whose driver is loaded.
 */
public final class InventorySnapshot {
    public static final String ENV_SNAPSHOT = "JACCEL_SNAPSHOT";
    public static final Path DEFAULT_PATH = Path.of("/var/lib/jaccel/inventory.json");
    static final String FINGERPRINT_KEY = "hostFingerprint";

    private InventorySnapshot() {
    }

    /** {@code JACCEL_SNAPSHOT} when set, else {@code /var/lib/jaccel/inventory.json}. */
    public static Path defaultPath(Map<String, String> env) {
        String file = env.get(ENV_SNAPSHOT);
        return file == null || file.isBlank() ? DEFAULT_PATH : Path.of(file);
    }

    /**
     * The snapshot's inventory when the file exists, parses, and was taken on a host that still
     * looks the same; empty otherwise (the caller then discovers and may {@link #write} anew).
     */
    public static Optional<Inventory> readIfFresh(Path file, HostContext host) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (!(JsonTree.read(bytes) instanceof Map<?, ?> tree) || !tree.containsKey(FINGERPRINT_KEY)) {
                return Optional.empty();
            }
            HostFingerprint taken = HostFingerprint.fromTree(tree.get(FINGERPRINT_KEY));
            if (!taken.equals(HostFingerprint.of(host))) {
                return Optional.empty();
            }
            Inventory inventory = InventoryJson.fromTree(tree);
            return failedWithDriverLoaded(inventory, taken) ? Optional.empty() : Optional.of(inventory);
        } catch (IOException | RuntimeException e) {
            // missing, unreadable or malformed: the snapshot is only a cache, discovery still works
            return Optional.empty();
        }
    }

    /**
     * A vendor whose driver is loaded but whose discovery failed when the snapshot was taken (a
     * library not installed yet, a transient NVML error) is retried rather than cached as absent:
     * installing a library does not change the fingerprint.
     */
    private static boolean failedWithDriverLoaded(Inventory inventory, HostFingerprint taken) {
        return (taken.nvidiaVersion() != null && inventory.nvidia() == null)
                || (taken.neuronVersion() != null && inventory.neuron() == null);
    }

    /**
     * Replaces {@code file} atomically (parent folders created) with the inventory and the host's
     * fingerprint.
     *
     * @throws UncheckedIOException when the file or its folder cannot be written
     */
    public static void write(Path file, Inventory inventory, HostContext host) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
            try (JsonGenerator g = JsonTree.FACTORY.createGenerator(bytes)) {
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                InventoryJson.writeFields(inventory, g);
                g.writeFieldName(FINGERPRINT_KEY);
                HostFingerprint.of(host).write(g);
                g.writeEndObject();
            }
            bytes.write('\n');
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the inventory snapshot " + file + ": " + e.getMessage(), e);
        }
    }
}
