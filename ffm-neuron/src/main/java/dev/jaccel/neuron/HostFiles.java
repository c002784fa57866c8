package dev.jaccel.neuron;

import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads small host files (sysfs attributes, {@code /proc} entries) under the host root. A file that
 * exists but cannot be read is not a failure: the value is {@code null} and a note says why (sysfs
 * {@code core_count} and {@code connected_devices} are root-only before driver 2.28, docs/neuron-semantics.md §2.3).
 */
final class HostFiles {
    private final HostContext host;
    private final List<String> notes = new ArrayList<>();

    HostFiles(HostContext host) {
        this.host = host;
    }

    /** A host path under the root. */
    Path path(String absolute) {
        return host.host(absolute);
    }

    /** The file's text without surrounding white space; {@code null} if absent (silently) or unreadable (noted). */
    String read(String absolute) {
        try {
            return Files.readString(path(absolute)).strip();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            note(absolute + " is unreadable (" + reason(e) + ")");
            return null;
        }
    }

    /** The file's text, noting its absence too (for files the driver always creates). */
    String readExpected(String absolute) {
        if (!Files.exists(path(absolute))) {
            note(absolute + " is missing");
            return null;
        }
        return read(absolute);
    }

    void note(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    /** Why a read failed, in a user's words. */
    static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied: root-only on Neuron drivers before 2.28; run as root or upgrade aws-neuronx-dkms";
        }
        if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("directory")) {
            return "a directory, not a file";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
