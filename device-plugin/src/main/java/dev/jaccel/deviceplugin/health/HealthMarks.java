package dev.jaccel.deviceplugin.health;

import dev.jaccel.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Unhealthy marks as files: {@code <dir>/<unit>} (a GPU or MIG UUID, {@code neuron<N>}) holding
 * the reason, one line. A critical XID writes one; the device stays {@code Unhealthy} for as long
 * as the file exists, across restarts of the plugin (NVIDIA's plugin forgets an XID when it
 * restarts, and never clears one while it runs). Removing the file, once the GPU has been reset or
 * the XID judged harmless, returns the device to {@code Healthy} on every ListAndWatch stream at
 * once: the directory is watched (inotify), so no restart of the plugin or the kubelet is needed.
 * The default directory is under {@code /run}, which a reboot (and so a GPU reset) empties.
 */
public final class HealthMarks implements AutoCloseable {
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,127}");

    private final Path dir;
    private final HealthBook book;
    private final Consumer<String> log;
    private final WatchService watcher;
    private final Thread thread;

    private HealthMarks(Path dir, HealthBook book, Consumer<String> log, WatchService watcher) {
        this.dir = dir;
        this.book = book;
        this.log = log;
        this.watcher = watcher;
        this.thread = Thread.ofPlatform().daemon().name("jaccel-health-marks").unstarted(this::watch);
    }

    /** Creates the directory (0700) if needed, loads the marks already there and starts watching. */
    public static HealthMarks open(Path dir, HealthBook book, Consumer<String> log) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        WatchService watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        HealthMarks marks = new HealthMarks(dir, book, log, watcher);
        marks.rescan();
        marks.thread.start();
        return marks;
    }

    public Path dir() {
        return dir;
    }

    /** Marks a unit unhealthy: the file first (it is the record), then the book. */
    public void mark(String unit, String reason) {
        if (!UNIT.matcher(unit).matches()) {
            throw new IllegalArgumentException("not a device unit name: " + unit);
        }
        String line = reason.replace('\n', ' ');
        try {
            AtomicFiles.write(dir.resolve(unit), (line + "\n").getBytes(StandardCharsets.UTF_8), 0600);
        } catch (IOException e) {
            log.accept("cannot record the mark of " + unit + " in " + dir + " (" + e.getMessage()
                    + "): it lasts until the plugin stops");
        }
        book.set(unit, HealthBook.Source.MARK, line);
    }

    /** Reads every mark file and replaces the book's marks with them. */
    void rescan() {
        Map<String, String> now = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!UNIT.matcher(name).matches() || !Files.isRegularFile(f)) {
                    continue;   // temporaries of an atomic write start with '.'
                }
                String reason;
                try {
                    reason = Files.readString(f, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue;   // removed while we looked
                }
                now.put(name, reason.isEmpty() ? "marked unhealthy in " + f : reason);
            }
        } catch (IOException e) {
            log.accept("cannot read the health marks in " + dir + ": " + e.getMessage());
            return;
        }
        book.replace(HealthBook.Source.MARK, now);
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents();
                rescan();
                if (!key.reset()) {
                    log.accept("the health mark directory " + dir + " is gone: marks are no longer watched");
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
