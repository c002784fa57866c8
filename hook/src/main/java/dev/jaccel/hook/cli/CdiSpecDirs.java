package dev.jaccel.hook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CDI specs a runtime loads, and the devices two of them both declare. The CDI library's cache
 * (container-device-interface {@code pkg/cdi/spec-dirs.go}, {@code cache.go} refresh) reads every
 * {@code .json} and {@code .yaml} file directly in each spec folder, the folder's position in the
 * list being its priority; a device name ({@code kind=name}) declared in two files of the same
 * priority is a conflict and is dropped altogether (podman: "unresolvable CDI devices"), while
 * between folders the later one wins silently.
 */
final class CdiSpecDirs {
    private static final YAMLMapper YAML = new YAMLMapper();   // JSON is YAML too

    private CdiSpecDirs() {
    }

    /**
     * One spec file as far as conflicts go.
     *
     * @param priority the index of its folder among the spec folders
     * @param devices  its devices' qualified names, {@code kind=name}
     */
    record SpecFile(Path path, int priority, String kind, Set<String> devices) {
    }

    /** Two spec files declaring devices of the same name. */
    record Clash(SpecFile a, SpecFile b, List<String> devices) {
        /** Same folder: the runtime refuses these devices. Otherwise one file shadows the other. */
        boolean conflict() {
            return a.priority() == b.priority();
        }

        /** The file whose definition the runtime uses when the folders differ. */
        SpecFile winner() {
            return a.priority() > b.priority() ? a : b;
        }

        String names() {
            int shown = Math.min(devices.size(), 4);
            return String.join(", ", devices.subList(0, shown))
                    + (devices.size() > shown ? " and " + (devices.size() - shown) + " more" : "");
        }

        String describe() {
            return a.path() + " and " + b.path() + " both declare " + names() + (conflict()
                    ? ": in one folder, so podman and the other CDI runtimes refuse these devices (\"unresolvable CDI "
                    + "devices\"); remove one of the files"
                    : ": the runtime uses " + winner().path() + " (a later spec folder wins)");
        }
    }

    /** Every readable spec in {@code dirs}, in the cache's order; files that are not specs are skipped. */
    static List<SpecFile> read(List<Path> dirs) {
        List<SpecFile> specs = new ArrayList<>();
        for (int priority = 0; priority < dirs.size(); priority++) {
            Path dir = dirs.get(priority);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.{json,yaml}")) {
                entries.forEach(files::add);
            } catch (IOException e) {
                // an unreadable folder holds nothing this check can see
            }
            files.sort(null);   // filepath.Walk's lexical order
            for (Path file : files) {
                if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    SpecFile spec = parse(file, priority);
                    if (spec != null) {
                        specs.add(spec);
                    }
                }
            }
        }
        return specs;
    }

    /** The spec's kind and device names; null when it is not a CDI spec one can read. */
    static SpecFile parse(Path file, int priority) {
        try {
            return spec(file, priority, YAML.readTree(file.toFile()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static SpecFile spec(Path file, int priority, JsonNode tree) {
        if (tree == null || !tree.path("kind").isTextual() || !tree.path("devices").isArray()) {
            return null;
        }
        String kind = tree.get("kind").asText();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode device : tree.get("devices")) {
            if (device.path("name").isTextual()) {
                names.add(kind + "=" + device.get("name").asText());
            }
        }
        return new SpecFile(file, priority, kind, names);
    }

    /** The pairs among {@code specs} (in order) that declare devices of the same name. */
    static List<Clash> clashes(List<SpecFile> specs) {
        List<Clash> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            for (int j = i + 1; j < specs.size(); j++) {
                clash(specs.get(i), specs.get(j)).ifPresent(out::add);
            }
        }
        return out;
    }

    static Optional<Clash> clash(SpecFile a, SpecFile b) {
        if (!a.kind().equals(b.kind()) || a.path().equals(b.path())) {
            return Optional.empty();
        }
        List<String> shared = a.devices().stream().filter(b.devices()::contains).collect(Collectors.toList());
        return shared.isEmpty() ? Optional.empty() : Optional.of(new Clash(a, b, shared));
    }

    /** The folder as the file system sees it ({@code /var/run/cdi} is {@code /run/cdi} on most hosts). */
    static Path folder(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }
}
