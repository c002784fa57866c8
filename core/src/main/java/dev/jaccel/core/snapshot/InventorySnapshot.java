package dev.jaccel.core.snapshot;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.caps.DriverFileIndex;
import dev.jaccel.core.caps.DriverFiles;
import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.core.io.TrustedFiles;
import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.json.JacksonStreams;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The inventory a container start reads instead of calling NVML or libnrt (docs/design.md, "Start
 * latency"): the {@code jaccel devices --json} document, the driver's located files
 * ({@value #DRIVER_FILES_KEY}, so a start walks no folder) and a {@link HostFingerprint} under
 * {@value #FINGERPRINT_KEY}.
 *
 * <p>It decides what device nodes and host files a container gets, so it is trusted only as far as
 * it can be checked ({@link TrustedFiles}, {@link SnapshotTrust}): the file must be owned by root (or by the user reading
 * it) and writable by nobody else, the host must still look as it did, every device node it names
 * must be on the host with the same numbers, and every driver file must be one the driver installs.
 * A snapshot that fails any of these is ignored, with one line saying why, and the caller discovers.
 */
public final class InventorySnapshot {
    public static final String ENV_SNAPSHOT = "JACCEL_SNAPSHOT";
    public static final Path DEFAULT_PATH = Path.of("/var/lib/jaccel/inventory.json");
    static final String FINGERPRINT_KEY = "hostFingerprint";
    static final String DRIVER_FILES_KEY = "driverFiles";

    private InventorySnapshot() {
    }

    /** {@code JACCEL_SNAPSHOT} when set, else {@code /var/lib/jaccel/inventory.json}. */
    public static Path defaultPath(Map<String, String> env) {
        String file = env.get(ENV_SNAPSHOT);
        return file == null || file.isBlank() ? DEFAULT_PATH : Path.of(file);
    }

    /** {@link #read} that keeps its reasons to itself. */
    public static Optional<Inventory> readIfFresh(Path file, HostContext host) {
        return read(file, host, reason -> { });
    }

    /**
     * The snapshot's inventory when the file exists, is trusted, parses, was taken on a host that
     * still looks the same and passes the checks above; empty otherwise (the caller then discovers
     * and may {@link #write} anew).
     *
     * @param warnings gets one line when a snapshot exists but is refused (not when it is missing or stale)
     */
    public static Optional<Inventory> read(Path file, HostContext host, Consumer<String> warnings) {
        byte[] bytes;
        try {
            TrustedFiles.checkOwnerAndMode(file);
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            warnings.accept("ignoring the inventory snapshot " + file + ": " + e.getMessage());
            return Optional.empty();
        }
        try {
            if (!(JsonTree.read(bytes) instanceof Map<?, ?> tree) || !tree.containsKey(FINGERPRINT_KEY)) {
                throw new IOException("not a snapshot document");
            }
            HostFingerprint taken = HostFingerprint.fromTree(tree.get(FINGERPRINT_KEY));
            HostFingerprint now = HostFingerprint.of(host);
            if (!taken.equals(now)) {
                return Optional.empty();   // stale: the driver or the device nodes changed
            }
            Inventory inventory = InventoryJson.fromTree(tree);
            if (failedWithDriverLoaded(inventory, taken)) {
                return Optional.empty();
            }
            if (inventory.nvidia() != null && tree.get(DRIVER_FILES_KEY) != null) {
                DriverFileIndex files = DriverFileJson.fromTree(tree.get(DRIVER_FILES_KEY));
                inventory = new Inventory(inventory.nvidia().withDriverFiles(files), inventory.neuron(), inventory.errors());
            }
            SnapshotTrust.checkContent(inventory, now, host);
            return Optional.of(inventory);
        } catch (IOException | RuntimeException e) {
            warnings.accept("ignoring the inventory snapshot " + file + ": " + e.getMessage());
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
     * Replaces {@code file} atomically (0644; missing parent folders made 0755) with the inventory,
     * the driver's files located under the host root, and the host's fingerprint.
     *
     * @throws UncheckedIOException when the file or its folder cannot be written
     */
    public static void write(Path file, Inventory inventory, HostContext host) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
            try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(bytes)) {
                g.writeStartObject();
                InventoryJson.writeFields(inventory, g);
                NvidiaInventory nvidia = inventory.nvidia();
                if (nvidia != null) {
                    DriverFileIndex files = nvidia.driverFiles() != null ? nvidia.driverFiles()
                            : DriverFiles.index(host, nvidia.driverVersion());
                    g.writeFieldName(DRIVER_FILES_KEY);
                    DriverFileJson.write(files, g);
                }
                g.writeFieldName(FINGERPRINT_KEY);
                HostFingerprint.of(host).write(g);
                g.writeEndObject();
            }
            bytes.write('\n');
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                AtomicFiles.createDirectories(parent);
            }
            AtomicFiles.write(file, bytes.toByteArray(), AtomicFiles.FILE_MODE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the inventory snapshot " + file + ": " + e.getMessage(), e);
        }
    }
}
