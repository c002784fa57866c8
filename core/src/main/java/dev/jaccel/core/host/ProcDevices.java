package dev.jaccel.core.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The character-device majors of {@code /proc/devices} ({@code <major> <name>} lines). Only the
 * "Character devices:" section is read: block majors reuse numbers (docs/nvml.md §9.4; nvidia-ctk
 * scans every line, restricting to the section is the safer reading). Drivers with dynamic majors
 * ({@code nvidia-uvm}, {@code nvidia-caps}, {@code neuron}) are found only here.
 */
public final class ProcDevices {
    private final Map<String, Integer> charMajors;

    private ProcDevices(Map<String, Integer> charMajors) {
        this.charMajors = Collections.unmodifiableMap(charMajors);
    }

    public static ProcDevices parse(String text) {
        Map<String, Integer> majors = new LinkedHashMap<>();
        boolean inChar = false;
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.endsWith(":")) {
                inChar = line.equalsIgnoreCase("Character devices:");
                continue;
            }
            if (!inChar || line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                majors.putIfAbsent(line.substring(space + 1).trim(), Integer.parseInt(line.substring(0, space)));
            } catch (NumberFormatException e) {
                // not a "<major> <name>" line: ignore, as the kernel never writes one
            }
        }
        return new ProcDevices(majors);
    }

    /** Reads {@code <hostRoot>/proc/devices}; a missing file gives an empty table. */
    public static ProcDevices read(Path hostRoot) throws IOException {
        try {
            return parse(Files.readString(hostRoot.resolve("proc/devices")));
        } catch (NoSuchFileException e) {
            return new ProcDevices(Map.of());
        }
    }

    public OptionalInt major(String name) {
        Integer m = charMajors.get(name);
        return m == null ? OptionalInt.empty() : OptionalInt.of(m);
    }

    /** The major of the first of these names present (e.g. {@code nvidia}, then {@code nvidia-frontend}). */
    public OptionalInt firstMajor(String... names) {
        for (String n : names) {
            OptionalInt m = major(n);
            if (m.isPresent()) {
                return m;
            }
        }
        return OptionalInt.empty();
    }

    public Map<String, Integer> charMajors() {
        return charMajors;
    }
}
