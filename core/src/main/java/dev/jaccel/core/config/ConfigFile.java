package dev.jaccel.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.toml.TomlReadFeature;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.plan.NeuronDeviceNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and writes {@code config.toml} with jackson-dataformat-toml. Every key is checked against
 * {@link ConfigKey}: an unknown key or a value of the wrong kind is exit 2 naming the file, the
 * line and the key. The parser gives line numbers for syntax errors only, so the line of a key is
 * found by parsing ever longer prefixes of the file until the key appears (the same parser, no
 * second TOML grammar; only done for a message).
 */
final class ConfigFile {
    /** Dates stay dates (not strings), so a date where a path belongs is refused. */
    private static final TomlMapper MAPPER = TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();
    private static final long MAX_BYTES = 1 << 20;
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int SHOWN = 80;

    private ConfigFile() {
    }

    static JaccelConfig read(Path file, String given) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw JaccelException.badInput(file + ": larger than 1 MiB; not a jaccel configuration file");
            }
            if (Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_WRITE)) {
                throw JaccelException.badInput(file + ": writable by every user, so its settings cannot be trusted; "
                        + "run chmod o-w " + file);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw JaccelException.badInput(given + ": no such file");
        } catch (IOException e) {
            throw JaccelException.badInput(file + ": cannot read it: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw JaccelException.badInput(file + ": not UTF-8 text (TOML files are UTF-8)");
        }
        return parse(text, file);
    }

    /** The configuration {@code text} describes; {@code file} names it in messages and becomes its source. */
    static JaccelConfig parse(String text, Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? file.toString() : file + ":" + at.getLineNr();
            throw JaccelException.badInput(where + ": not valid TOML: " + e.getOriginalMessage());
        }
        ConfigKey.Builder values = new ConfigKey.Builder(JaccelConfig.DEFAULTS);
        if (root != null) {
            new Reader(text, file, values).table(root, List.of());
        }
        return values.build(Optional.of(file));
    }

    /** One pass over the tree, table by table. */
    private record Reader(String text, Path file, ConfigKey.Builder values) {
        void table(JsonNode node, List<String> table) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                List<String> path = new ArrayList<>(table);
                path.add(field.getKey());
                Optional<ConfigKey> key = find(table, field.getKey());
                if (key.isPresent()) {
                    key.get().set(values, check(key.get(), field.getValue(), path));
                } else if (field.getValue().isObject() && isTable(path)) {
                    table(field.getValue(), path);
                } else {
                    String what = field.getValue().isObject() ? "unknown table [" + String.join(".", path) + "]"
                            : "unknown key '" + String.join(".", path) + "'";
                    throw error(path, what + hint(path) + " (jaccel config show lists every key)");
                }
            }
        }

        private Object check(ConfigKey key, JsonNode v, List<String> path) {
            Object checked = switch (key.kind()) {
                case BOOLEAN -> v.isBoolean() ? v.booleanValue() : null;
                case CAPABILITIES -> commaList(v);
                case NAME_LIST -> {
                    String list = commaList(v);
                    yield list != null && ConfigKey.split(list).stream().allMatch(n -> VARIABLE.matcher(n).matches())
                            ? list : null;
                }
                case STRING_ARRAY -> strings(v, false);
                case PATH_ARRAY -> strings(v, true);
                case PATH -> v.isTextual() && Path.of(v.textValue()).isAbsolute() && !v.textValue().contains("\0")
                        ? Path.of(v.textValue()).normalize().toString() : null;
                case LIBRARY -> v.isTextual() && (!v.textValue().contains("/") || v.textValue().startsWith("/"))
                        ? v.textValue() : null;
                case NEURON_NUMBERING -> v.isTextual() && NeuronDeviceNames.of(v.textValue()).isPresent()
                        ? v.textValue() : null;
            };
            if (checked == null) {
                throw error(path, key.dotted() + ": expected " + key.expected() + ", not " + shown(v));
            }
            if (key.kind() == ConfigKey.Kind.CAPABILITIES) {
                try {
                    DriverCapability.parseSupported((String) checked, key.dotted());
                } catch (JaccelException e) {
                    throw error(path, e.getMessage());
                }
            }
            return checked;
        }

        private JaccelException error(List<String> path, String message) {
            int line = lineOf(text, path);
            return JaccelException.badInput(file + (line > 0 ? ":" + line : "") + ": " + message);
        }
    }

    private static Optional<ConfigKey> find(List<String> table, String name) {
        String t = String.join(".", table);
        for (ConfigKey k : ConfigKey.values()) {
            if (k.table().equals(t) && k.keyName().equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    private static boolean isTable(List<String> path) {
        String t = String.join(".", path);
        for (ConfigKey k : ConfigKey.values()) {
            if (k.table().equals(t) || k.table().startsWith(t + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Keys people copy from NVIDIA's config.toml that jaccel has no use for get a clearer word. */
    private static String hint(List<String> path) {
        String first = path.getFirst();
        return first.startsWith("nvidia-") || first.equals("features") || first.equals("imex")
                ? ", an nvidia-container-toolkit setting jaccel does not use: remove it" : "";
    }

    /** A string of comma-separated values (NVIDIA's style) or an array of strings, as one comma list. */
    private static String commaList(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        List<String> items = strings(v, false);
        return items == null ? null : String.join(",", items);
    }

    private static List<String> strings(JsonNode v, boolean absolutePaths) {
        if (!v.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || (absolutePaths && !(Path.of(item.textValue()).isAbsolute()))) {
                return null;
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static String shown(JsonNode v) {
        String s = v instanceof POJONode pojo ? String.valueOf(pojo.getPojo()) : v.toString();
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "...";
    }

    /**
     * The 1-based line where {@code path} first appears: the shortest prefix of the file (in whole
     * lines) that parses and holds it. 0 when not found (the caller then names the file alone).
     */
    static int lineOf(String text, List<String> path) {
        String[] lines = text.split("\n", -1);
        StringBuilder prefix = new StringBuilder();
        for (int n = 0; n < lines.length; n++) {
            prefix.append(lines[n]).append('\n');
            try {
                JsonNode node = MAPPER.readTree(prefix.toString());
                for (String part : path) {
                    node = node == null ? null : node.get(part);
                }
                if (node != null) {
                    return n + 1;
                }
            } catch (JacksonException e) {
                // an unfinished multi-line value: read on
            }
        }
        return 0;
    }

    /**
     * The configuration as TOML, every key with its value and a comment saying what it does; what
     * {@link #parse} reads back to the same configuration. Values are written by the TOML mapper.
     */
    static String render(JaccelConfig config) {
        Map<String, List<ConfigKey>> tables = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            tables.computeIfAbsent(k.table(), t -> new ArrayList<>()).add(k);
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<ConfigKey>> t : tables.entrySet()) {
            if (!t.getKey().isEmpty()) {
                out.append('\n').append('[').append(t.getKey()).append("]\n");
            }
            for (ConfigKey k : t.getValue()) {
                out.append("# ").append(k.description()).append(k.isNvidias() ? " (nvidia-container-toolkit's key)" : "")
                        .append('\n');
                ObjectNode one = MAPPER.createObjectNode();
                one.set(k.keyName(), MAPPER.valueToTree(k.valueIn(config)));
                try {
                    out.append(MAPPER.writeValueAsString(one));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out.toString();
    }
}
