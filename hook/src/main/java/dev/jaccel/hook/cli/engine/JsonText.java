package dev.jaccel.hook.cli.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.jaccel.core.json.JsonTree;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON document edited by splicing: a member's value is replaced, or a member inserted, in the
 * text itself, and everything else keeps its bytes: number spellings ({@code 1e3} stays
 * {@code 1e3}; Go's {@code encoding/json} refuses {@code 1000.0} for an integer field), order,
 * indentation. Positions come from jackson-core's parser; after every edit the whole text is
 * parsed again and compared with the expected tree.
 */
final class JsonText {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** An object in the text: where it starts and ends, and its members. */
    private record Obj(int start, int end, Map<String, Member> members) {
    }

    private record Member(int keyStart, int valueStart, int valueEnd, Obj object) {
    }

    private String text;
    private Object expected;

    private JsonText(String text, Object expected) {
        this.text = text;
        this.expected = expected;
    }

    /**
     * @throws IOException when {@code text} is not one JSON object (duplicate keys and trailing
     *                     content included); the message says where
     */
    static JsonText parse(String text) throws IOException {
        if (text.isBlank()) {
            return new JsonText("{\n}\n", new LinkedHashMap<String, Object>());   // a new file is written pretty
        }
        scan(text);   // positions, duplicates, trailing content
        Object tree = JsonTree.read(text);
        if (!(tree instanceof Map<?, ?>)) {
            throw new IOException("expected a JSON object");
        }
        return new JsonText(text, tree);
    }

    /** The document as plain maps and lists (what the edited text must read back to). */
    @SuppressWarnings("unchecked")
    Map<String, Object> tree() {
        return (Map<String, Object>) expected;
    }

    /**
     * Sets {@code name} in the object at {@code path} (created as needed) to {@code value}: a
     * String, Boolean, Number, List or Map, written in the document's own indentation.
     */
    void set(List<String> path, String name, Object value) throws IOException {
        Obj obj = scan(text);
        int depth = 0;
        for (; depth < path.size(); depth++) {
            Member m = obj.members().get(path.get(depth));
            if (m == null || m.object() == null) {
                break;
            }
            obj = m.object();
        }
        Object newValue = value;
        String newName = name;
        if (depth < path.size()) {
            // the rest of the path does not exist yet: one new member carries it
            newName = path.get(depth);
            if (obj.members().containsKey(newName)) {
                throw new IOException("\"" + String.join(".", path.subList(0, depth + 1)) + "\" is not an object");
            }
            newValue = Map.of(name, value);
            for (int i = path.size() - 1; i > depth; i--) {
                newValue = Map.of(path.get(i), newValue);
            }
        }
        Member existing = obj.members().get(newName);
        boolean inline = !text.substring(obj.start(), obj.end()).contains("\n");
        String indent = inline ? "" : indentAt(existing != null ? existing.keyStart() : lastOrOpening(obj));
        String unit = unit();
        if (existing != null) {
            text = text.substring(0, existing.valueStart()) + render(newValue, indent, unit, inline)
                    + text.substring(existing.valueEnd());
        } else {
            String member = quote(newName) + ": ";
            if (obj.members().isEmpty()) {
                String outer = indentAt(obj.start());
                String inner = inline ? "" : outer + unit;
                text = text.substring(0, obj.start() + 1)
                        + (inline ? member + render(newValue, "", unit, true)
                        : "\n" + inner + member + render(newValue, inner, unit, false) + "\n" + outer)
                        + text.substring(obj.end() - 1);
            } else {
                Member last = obj.members().values().stream().max((a, b) -> Integer.compare(a.valueEnd(), b.valueEnd()))
                        .orElseThrow();
                String sep = inline ? ", " : ",\n" + indent;
                text = text.substring(0, last.valueEnd()) + sep + member + render(newValue, indent, unit, inline)
                        + text.substring(last.valueEnd());
            }
        }
        putExpected(path, name, value);
    }

    /** The edited text, checked to read back to the expected tree. */
    String text() throws IOException {
        Object actual = JsonTree.read(text);
        if (!Objects.equals(actual, expected)) {
            throw new IOException("the edited document does not read back to the expected settings");
        }
        return text.endsWith("\n") ? text : text + "\n";
    }

    @SuppressWarnings("unchecked")
    private void putExpected(List<String> path, String name, Object value) {
        Map<String, Object> node = (Map<String, Object>) expected;
        for (String p : path) {
            node = (Map<String, Object>) node.computeIfAbsent(p, k -> new LinkedHashMap<String, Object>());
        }
        node.put(name, normalise(value));
    }

    /** What {@link JsonTree#read} would give for a value we render (integers as Long). */
    private static Object normalise(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, normalise(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(JsonText::normalise).toList();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        return value;
    }

    private int lastOrOpening(Obj obj) {
        return obj.members().isEmpty() ? obj.start()
                : obj.members().values().stream().mapToInt(Member::keyStart).max().orElseThrow();
    }

    /** The whitespace that starts the line holding {@code offset}. */
    private String indentAt(int offset) {
        int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        int i = lineStart;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.substring(lineStart, i);
    }

    /** One level of the document's indentation: its first member's, else two spaces. */
    private String unit() throws IOException {
        Obj root = scan(text);
        if (!root.members().isEmpty()) {
            int first = root.members().values().stream().mapToInt(Member::keyStart).min().orElseThrow();
            String indent = indentAt(first);
            if (!indent.isEmpty() && text.lastIndexOf('\n', first) > root.start()) {
                return indent;
            }
        }
        return "  ";
    }

    private static String render(Object value, String indent, String unit, boolean inline) {
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "{}";
            }
            StringBuilder s = new StringBuilder("{");
            String inner = indent + unit;
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                s.append(first ? "" : ",").append(inline ? (first ? "" : " ") : "\n" + inner)
                        .append(quote((String) e.getKey())).append(": ")
                        .append(render(e.getValue(), inner, unit, inline));
                first = false;
            }
            return s.append(inline ? "}" : "\n" + indent + "}").toString();
        }
        if (value instanceof List<?> l) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(render(l.get(i), indent, unit, true));
            }
            return s.append(']').toString();
        }
        if (value instanceof String str) {
            return quote(str);
        }
        return String.valueOf(value);   // Boolean, Number
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** The root object with the positions of every member (objects nested in objects too). */
    private static Obj scan(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            Obj root = object(p);
            if (p.nextToken() != null) {
                throw new IOException("content after the end of the object at line "
                        + p.currentTokenLocation().getLineNr());
            }
            return root;
        }
    }

    private static Obj object(JsonParser p) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        Map<String, Member> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int keyStart = (int) p.currentTokenLocation().getCharOffset();
            JsonToken value = p.nextToken();
            int valueStart = (int) p.currentTokenLocation().getCharOffset();
            Obj nested = null;
            if (value == JsonToken.START_OBJECT) {
                nested = object(p);
            } else if (value == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else {
                p.finishToken();   // a string's end is known only once it has been read
            }
            int valueEnd = (int) p.currentLocation().getCharOffset();
            members.put(name, new Member(keyStart, valueStart, valueEnd, nested));
        }
        return new Obj(start, (int) p.currentLocation().getCharOffset(), members);
    }
}
