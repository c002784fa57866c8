package dev.jaccel.hook.cli.engine;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The container engines {@code jaccel runtime configure} knows, each with its file and the edit
 * that registers {@code jaccel-runtime}. Each edit keeps every other key (and, for TOML, every
 * comment) of the file and is checked by parsing the result (see {@link TomlText}, {@link JsonText}).
 */
public enum Engine {
    /**
     * Docker's {@code daemon.json}: {@code runtimes.<name>.path}, {@code default-runtime}, and for
     * CDI (Docker 25+) {@code features.cdi} (docs.docker.com, "dockerd" reference, daemon
     * configuration file; "Enable CDI devices").
     */
    DOCKER("docker", Path.of("/etc/docker/daemon.json"), "systemctl restart docker") {
        @Override
        public String configure(String text, RuntimeEntry e) throws EngineConfigException {
            try {
                JsonText doc = JsonText.parse(text);
                if (doc.tree().containsKey("runtimes") && !(doc.tree().get("runtimes") instanceof Map<?, ?>)) {
                    throw new EngineConfigException("\"runtimes\" is not an object; fix it by hand first");
                }
                doc.set(List.of("runtimes"), e.name(), Map.of("path", e.binary().toString()));
                if (e.setAsDefault()) {
                    doc.set(List.of(), "default-runtime", e.name());
                }
                if (e.cdi()) {
                    doc.set(List.of("features"), "cdi", true);
                }
                return doc.text();
            } catch (IOException x) {
                throw new EngineConfigException("not valid JSON (" + firstLine(x.getMessage()) + "); fix it first");
            }
        }
    },
    /**
     * containerd's {@code config.toml}, version 2 (containerd 1.x: CRI plugin
     * {@code io.containerd.grpc.v1.cri}) or 3 (containerd 2.x: {@code io.containerd.cri.v1.runtime}):
     * a runtime entry copied from {@code runc}'s (so {@code SystemdCgroup} and the rest match) with
     * {@code options.BinaryName} set to jaccel-runtime, {@code default_runtime_name}, and
     * {@code enable_cdi} / {@code cdi_spec_dirs} (containerd 1.7+; containerd docs/cri/config.md).
     */
    CONTAINERD("containerd", Path.of("/etc/containerd/config.toml"), "systemctl restart containerd") {
        @Override
        public String configure(String text, RuntimeEntry e) throws EngineConfigException {
            TomlText doc = toml(text);
            JsonNode version = doc.get(List.of("version")).orElse(null);
            if (version == null && !doc.tree().isEmpty()) {
                throw new EngineConfigException("has no 'version' key, so containerd reads it as version 1, whose layout "
                        + "jaccel does not write; migrate it first (containerd config migrate, or containerd 1.x's "
                        + "containerd config default as a start)");
            }
            if (version == null) {
                doc.set(List.of(), "version", 2);
            }
            int v = version == null ? 2 : version.asInt(-1);
            String plugin = switch (v) {
                case 2 -> "io.containerd.grpc.v1.cri";
                case 3 -> "io.containerd.cri.v1.runtime";
                default -> throw new EngineConfigException("version = " + version + ": jaccel writes versions 2 and 3");
            };
            List<String> cri = List.of("plugins", plugin);
            List<String> runtimes = path(cri, "containerd", "runtimes");
            Map<String, Object> entry = new LinkedHashMap<>();
            Map<String, Object> options = new LinkedHashMap<>();
            doc.get(path(runtimes, "runc")).ifPresent(runc -> copyScalars(runc, entry, options));
            entry.putIfAbsent("runtime_type", "io.containerd.runc.v2");
            options.put("BinaryName", e.binary().toString());
            doc.removeTable(path(runtimes, e.name()));
            doc.appendTable(path(runtimes, e.name()), entry);
            doc.appendTable(path(runtimes, e.name(), "options"), options);
            if (e.setAsDefault()) {
                doc.set(path(cri, "containerd"), "default_runtime_name", e.name());
            }
            if (e.cdi()) {
                doc.set(cri, "enable_cdi", true);
                doc.set(cri, "cdi_spec_dirs", e.cdiSpecDirs().stream().map(Path::toString).toList());
            }
            return text(doc);
        }
    },
    /**
     * A CRI-O drop-in (crio.conf.d(5): files in {@code /etc/crio/crio.conf.d} are read in lexical
     * order after crio.conf): {@code [crio.runtime.runtimes.<name>]} with {@code runtime_path} and
     * {@code runtime_type = "oci"}, and {@code crio.runtime.default_runtime}. CRI-O reads CDI specs
     * from {@code /etc/cdi} and {@code /var/run/cdi} without a switch.
     */
    CRIO("crio", Path.of("/etc/crio/crio.conf.d/99-jaccel.toml"), "systemctl restart crio") {
        @Override
        public String configure(String text, RuntimeEntry e) throws EngineConfigException {
            TomlText doc = toml(text);
            List<String> runtime = List.of("crio", "runtime", "runtimes", e.name());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("runtime_path", e.binary().toString());
            entry.put("runtime_type", "oci");
            doc.removeTable(runtime);
            doc.appendTable(runtime, entry);
            if (e.setAsDefault()) {
                doc.set(List.of("crio", "runtime"), "default_runtime", e.name());
            }
            return text(doc);
        }

        /** CRI-O reads every file of its drop-in folder, so the backup goes to the folder above. */
        @Override
        public Path backupOf(Path file) {
            Path dir = file.toAbsolutePath().getParent();
            Path above = dir.getParent() != null && dir.getFileName().toString().endsWith(".d") ? dir.getParent() : dir;
            return above.resolve(file.getFileName() + BACKUP_SUFFIX);
        }
    };

    static final String BACKUP_SUFFIX = ".jaccel.bak";

    private final String key;
    private final Path defaultFile;
    private final String restart;

    Engine(String key, Path defaultFile, String restart) {
        this.key = key;
        this.defaultFile = defaultFile;
        this.restart = restart;
    }

    /**
     * The file's content with the runtime registered and every other setting kept; {@code text}
     * may be empty (no file yet).
     */
    public abstract String configure(String text, RuntimeEntry entry) throws EngineConfigException;

    /** {@code docker}, {@code containerd}, {@code crio}. */
    public String key() {
        return key;
    }

    public Path defaultFile() {
        return defaultFile;
    }

    /** How to make the engine read the file again. */
    public String restartHint() {
        return restart;
    }

    /** Where the file's previous content is kept. */
    public Path backupOf(Path file) {
        return file.resolveSibling(file.getFileName() + BACKUP_SUFFIX);
    }

    public static Engine of(String key) {
        for (Engine e : values()) {
            if (e.key.equals(key.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException(key);
    }

    static TomlText toml(String text) throws EngineConfigException {
        try {
            return TomlText.parse(text);
        } catch (JacksonException x) {
            throw new EngineConfigException("not valid TOML (" + firstLine(x.getMessage()) + "); fix it first");
        }
    }

    static String text(TomlText doc) throws EngineConfigException {
        try {
            return doc.text();
        } catch (TomlText.UneditableException x) {
            throw new EngineConfigException("cannot be edited safely: " + x.getMessage());
        }
    }

    private static List<String> path(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    /** runc's own values (not its sub-tables) and its options', as plain values. */
    private static void copyScalars(JsonNode runc, Map<String, Object> entry, Map<String, Object> options) {
        runc.properties().forEach(p -> {
            if (p.getKey().equals("options") && p.getValue().isObject()) {
                p.getValue().properties().forEach(o -> {
                    if (!o.getValue().isObject()) {
                        options.put(o.getKey(), TomlText.MAPPER.convertValue(o.getValue(), Object.class));
                    }
                });
            } else if (!p.getValue().isObject()) {
                entry.put(p.getKey(), TomlText.MAPPER.convertValue(p.getValue(), Object.class));
            }
        });
    }

    private static String firstLine(String message) {
        int nl = message == null ? -1 : message.indexOf('\n');
        return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
    }
}
