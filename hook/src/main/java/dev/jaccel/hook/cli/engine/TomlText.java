package dev.jaccel.hook.cli.engine;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A TOML file edited in place, line by line, so that every comment, key and blank line that the
 * edit does not touch stays as it was. Where a table or key starts and ends is decided by the TOML
 * parser itself (jackson-dataformat-toml): a candidate line, or a run of lines for a multi-line
 * value, is parsed on its own. Every edit is also applied to the parsed tree, and {@link #text()}
 * refuses to hand out a result whose parse differs from that expected tree: an unusual layout
 * (dotted keys across tables, inline tables) ends in {@link UneditableException}, never in a
 * changed meaning.
 */
final class TomlText {
    static final TomlMapper MAPPER = new TomlMapper();
    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    /** The layout cannot be edited without touching what jaccel does not own. */
    static final class UneditableException extends Exception {
        UneditableException(String message) {
            super(message);
        }
    }

    private final List<String> lines;
    private final ObjectNode expected;

    private TomlText(List<String> lines, ObjectNode expected) {
        this.lines = lines;
        this.expected = expected;
    }

    /**
     * @throws JacksonException when {@code text} is not valid TOML (the message has the line)
     */
    static TomlText parse(String text) throws JacksonException {
        JsonNode tree = MAPPER.readTree(text);
        ObjectNode root = tree instanceof ObjectNode o ? o : MAPPER.createObjectNode();
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();   // the text's final newline
        }
        return new TomlText(lines, root);
    }

    /** The tree the edited text must parse to. */
    ObjectNode tree() {
        return expected;
    }

    /** The value at {@code path}, if any. */
    Optional<JsonNode> get(List<String> path) {
        JsonNode node = expected;
        for (String p : path) {
            node = node == null ? null : node.get(p);
        }
        return Optional.ofNullable(node);
    }

    /** Removes the table at {@code path} and every table below it (their headers and keys). */
    void removeTable(List<String> path) {
        for (int i = 0; i < lines.size(); ) {
            Optional<List<String>> header = header(lines.get(i));
            if (header.isPresent() && startsWith(header.get(), path)) {
                int end = sectionEnd(i);
                // blank lines just above a removed table go with it
                int start = i;
                while (start > 0 && lines.get(start - 1).isBlank()) {
                    start--;
                }
                lines.subList(start, end).clear();
                i = start;
            } else {
                i++;
            }
        }
        ObjectNode parent = parentOf(path, false);
        if (parent != null) {
            parent.remove(path.getLast());
        }
    }

    /**
     * Sets {@code key} in the table at {@code table}: its line is replaced where the table's own
     * section has it, else the key is added at the end of that section, else a new section is
     * appended to the file.
     */
    void set(List<String> table, String key, Object value) {
        String line = keyLine(key, value);
        int start;
        int end;
        if (table.isEmpty()) {
            start = 0;
            end = 0;
            while (end < lines.size() && header(lines.get(end)).isEmpty() && !isHeaderLine(lines.get(end))) {
                end++;
            }
        } else {
            int header = findHeader(table);
            if (header < 0) {
                appendTable(table, Map.of(key, value));
                return;
            }
            start = header + 1;
            end = sectionEnd(header);
        }
        String indent = indentOfKeys(start, end);
        for (int i = start; i < end; i++) {
            Optional<Span> span = keySpan(i, end);
            if (span.isPresent() && span.get().key().equals(key)) {
                lines.subList(i, span.get().end()).clear();
                lines.add(i, indent + line);
                putExpected(table, key, value);
                return;
            }
        }
        int last = end;
        while (last > start && (lines.get(last - 1).isBlank() || (table.isEmpty() && lines.get(last - 1).strip().startsWith("#")))) {
            last--;
        }
        lines.add(last, indent + line);
        putExpected(table, key, value);
    }

    /** Appends {@code [table]} with its keys at the end of the file (the table must not exist). */
    void appendTable(List<String> table, Map<String, ?> entries) {
        String indent = indentLike(table);
        if (!lines.isEmpty() && !lines.getLast().isBlank()) {
            lines.add("");
        }
        lines.add(indent + "[" + dotted(table) + "]");
        String keyIndent = lines.stream().anyMatch(l -> l.startsWith("  ")) ? indent + "  " : indent;
        for (Map.Entry<String, ?> e : entries.entrySet()) {
            lines.add(keyIndent + keyLine(e.getKey(), e.getValue()));
            putExpected(table, e.getKey(), e.getValue());
        }
        parentOf(table, true).withObject(table.getLast());
    }

    /**
     * The edited file.
     *
     * @throws UneditableException when the edited lines do not parse to the expected tree
     */
    String text() throws UneditableException {
        String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        JsonNode actual;
        try {
            actual = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new UneditableException("the edited file would not parse (" + e.getOriginalMessage() + ")");
        }
        JsonNode want = expected.isEmpty() ? null : expected;
        JsonNode got = actual == null || actual.isEmpty() ? null : actual;
        if (want == null ? got != null : !want.equals(got)) {
            throw new UneditableException("its layout (dotted keys or inline tables where jaccel edits) cannot be "
                    + "edited line by line without changing other settings");
        }
        return text;
    }

    /** {@code a."b.c".d}: bare keys where TOML allows them, basic strings elsewhere. */
    static String dotted(List<String> path) {
        StringBuilder s = new StringBuilder();
        for (String part : path) {
            if (!s.isEmpty()) {
                s.append('.');
            }
            s.append(BARE_KEY.matcher(part).matches() ? part : quote(part));
        }
        return s.toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** {@code key = value} with the value written by the TOML mapper. */
    private static String keyLine(String key, Object value) {
        ObjectNode one = MAPPER.createObjectNode();
        one.set(key, MAPPER.valueToTree(value));
        try {
            return MAPPER.writeValueAsString(one).strip();
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot write " + key + " = " + value, e);
        }
    }

    private void putExpected(List<String> table, String key, Object value) {
        ObjectNode t = expected;
        for (String p : table) {
            t = t.withObject(p);
        }
        t.set(key, MAPPER.valueToTree(value));
    }

    private ObjectNode parentOf(List<String> path, boolean create) {
        ObjectNode node = expected;
        for (String p : path.subList(0, path.size() - 1)) {
            if (create) {
                node = node.withObject(p);
            } else if (node.get(p) instanceof ObjectNode o) {
                node = o;
            } else {
                return null;
            }
        }
        return node;
    }

    private int findHeader(List<String> table) {
        for (int i = 0; i < lines.size(); i++) {
            if (header(lines.get(i)).filter(table::equals).isPresent()) {
                return i;
            }
        }
        return -1;
    }

    /** The first line after the section that starts at {@code header}: the next table header or the end. */
    private int sectionEnd(int header) {
        for (int i = header + 1; i < lines.size(); i++) {
            Optional<Span> span = keySpan(i, lines.size());
            if (span.isPresent()) {
                i = span.get().end() - 1;   // skip a multi-line value: a line in it may look like a header
            } else if (isHeaderLine(lines.get(i))) {
                // trailing blank lines and comments just above the next header belong to it
                int end = i;
                while (end > header + 1 && (lines.get(end - 1).isBlank() || lines.get(end - 1).strip().startsWith("#"))) {
                    end--;
                }
                return end;
            }
        }
        return lines.size();
    }

    /** The (first) key name defined from line {@code i}, and the line after its value. */
    private record Span(String key, int end) {
    }

    /** The key that starts at line {@code i}: the shortest run of lines from it that parses on its own. */
    private Optional<Span> keySpan(int i, int limit) {
        String first = lines.get(i).strip();
        if (first.isEmpty() || first.startsWith("#") || first.startsWith("[")) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder();
        for (int j = i; j < limit; j++) {
            text.append(lines.get(j)).append('\n');
            try {
                JsonNode node = MAPPER.readTree(text.toString());
                if (node == null || node.size() != 1) {
                    return Optional.empty();
                }
                return Optional.of(new Span(node.fieldNames().next(), j + 1));
            } catch (JacksonException e) {
                // the value goes on on the next line
            }
        }
        return Optional.empty();
    }

    private static boolean isHeaderLine(String line) {
        return line.strip().startsWith("[");
    }

    /** The path of a {@code [table]} header line (not of {@code [[array]]} ones), parsed by the TOML parser. */
    private static Optional<List<String>> header(String line) {
        String s = line.strip();
        if (!s.startsWith("[") || s.startsWith("[[")) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(s);
            List<String> path = new ArrayList<>();
            while (node instanceof ObjectNode o && o.size() == 1) {
                String name = o.fieldNames().next();
                path.add(name);
                node = o.get(name);
            }
            return path.isEmpty() ? Optional.empty() : Optional.of(path);
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** The indentation of the first key in lines {@code [start, end)}, else that of the header above, plus one step. */
    private String indentOfKeys(int start, int end) {
        for (int i = start; i < end; i++) {
            String l = lines.get(i);
            if (!l.isBlank() && !l.strip().startsWith("#")) {
                return l.substring(0, l.length() - l.stripLeading().length());
            }
        }
        if (start == 0) {
            return "";
        }
        String h = lines.get(start - 1);
        String headerIndent = h.substring(0, h.length() - h.stripLeading().length());
        return lines.stream().anyMatch(l -> l.startsWith("  ")) ? headerIndent + "  " : headerIndent;
    }

    /** The indentation of the closest existing header that shares the longest prefix with {@code table}. */
    private String indentLike(List<String> table) {
        String best = "";
        int bestShared = -1;
        for (String l : lines) {
            Optional<List<String>> h = header(l);
            if (h.isPresent()) {
                int shared = 0;
                while (shared < h.get().size() && shared < table.size() && h.get().get(shared).equals(table.get(shared))) {
                    shared++;
                }
                if (shared > bestShared || (shared == bestShared && h.get().size() == table.size())) {
                    bestShared = shared;
                    String indent = l.substring(0, l.length() - l.stripLeading().length());
                    // a sibling keeps its indentation; a parent's is one step less
                    best = h.get().size() < table.size() && shared == h.get().size() && !indent.isEmpty() ? indent + "  " : indent;
                }
            }
        }
        return best;
    }

    private static boolean startsWith(List<String> path, List<String> prefix) {
        return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
    }
}
