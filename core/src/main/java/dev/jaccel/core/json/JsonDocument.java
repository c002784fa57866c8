package dev.jaccel.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A JSON document that can be edited and written back with every byte it was not asked to change
 * kept: read with jackson-core streaming into an ordered {@link JsonValue} tree that remembers the
 * source text of each string, key and number, and written by a small writer that reproduces the
 * source's layout (compact, or indented with its indent unit and separators; the trailing newline).
 *
 * <p>Why not jackson-core's generator for writing: it re-escapes strings its own way (Go, which
 * writes most OCI specs, escapes {@code < > &} as {@code \u003c}...) and its pretty printer has its
 * own layout; either would rewrite fields nobody edited. New strings are escaped like Go's
 * encoding/json so edits look like the rest of a Go-written spec.
 */
public final class JsonDocument {
    private final JsonValue root;
    private final Layout layout;

    private JsonDocument(JsonValue root, Layout layout) {
        this.root = root;
        this.layout = layout;
    }

    public JsonValue root() {
        return root;
    }

    /** The root object; an {@link IOException} names the problem when the root is not an object. */
    public JsonValue.Obj rootObject() throws IOException {
        if (root instanceof JsonValue.Obj o) {
            return o;
        }
        throw new IOException("expected a JSON object at the top level");
    }

    public Layout layout() {
        return layout;
    }

    /**
     * The source's layout. {@code afterOpen}/{@code beforeClose}/{@code comma} are for compact
     * documents; indented ones use {@code newline} + {@code indent} per level.
     */
    public record Layout(String newline, String indent, String colon, String comma, String afterOpen,
                         String beforeClose, String trailer) {
        public static final Layout COMPACT = new Layout("", "", ":", ",", "", "", "");

        boolean indented() {
            return !newline.isEmpty();
        }
    }

    /** Parses exactly one JSON value (UTF-8); duplicate keys and trailing content are errors. */
    public static JsonDocument parse(byte[] json) throws IOException {
        try (JsonParser p = JsonTree.FACTORY.createParser(json)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            Reader r = new Reader(p, json);
            if (p.nextToken() == null) {
                throw new IOException("empty input: expected a JSON value");
            }
            JsonValue value = r.value(0);
            int end = r.lastEnd;
            if (p.nextToken() != null) {
                throw new IOException("unexpected content after the JSON value at line "
                        + p.currentTokenLocation().getLineNr() + ", column " + p.currentTokenLocation().getColumnNr());
            }
            String trailer = new String(json, end, json.length - end, StandardCharsets.UTF_8);
            return new JsonDocument(value, r.layout(trailer));
        }
    }

    /** The document as UTF-8 bytes, in the source's layout. */
    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(4096);
        write(root, 0, sb);
        sb.append(layout.trailer());
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void write(JsonValue v, int depth, StringBuilder sb) {
        switch (v) {
            case JsonValue.Str s -> sb.append(s.raw() != null ? s.raw() : quote(s.value()));
            case JsonValue.Num n -> sb.append(n.text());
            case JsonValue.Lit l -> sb.append(l.text());
            case JsonValue.Obj o -> {
                if (o.members().isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
                    separator(first, depth + 1, sb);
                    first = false;
                    String raw = o.rawKey(m.getKey());
                    sb.append(raw != null ? raw : quote(m.getKey())).append(layout.colon());
                    write(m.getValue(), depth + 1, sb);
                }
                closing(depth, sb);
                sb.append('}');
            }
            case JsonValue.Arr a -> {
                if (a.items().isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                boolean first = true;
                for (JsonValue item : a.items()) {
                    separator(first, depth + 1, sb);
                    first = false;
                    write(item, depth + 1, sb);
                }
                closing(depth, sb);
                sb.append(']');
            }
        }
    }

    private void separator(boolean first, int depth, StringBuilder sb) {
        if (layout.indented()) {
            if (!first) {
                sb.append(',');
            }
            sb.append(layout.newline()).append(layout.indent().repeat(depth));
        } else {
            sb.append(first ? layout.afterOpen() : layout.comma());
        }
    }

    private void closing(int depth, StringBuilder sb) {
        if (layout.indented()) {
            sb.append(layout.newline()).append(layout.indent().repeat(depth));
        } else {
            sb.append(layout.beforeClose());
        }
    }

    /** A JSON string literal escaped as Go's encoding/json does (HTML-safe, U+2028/2029 escaped). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Token walk that records source text and, from the root container, the layout. */
    private static final class Reader {
        private final JsonParser p;
        private final byte[] src;
        /** byte offset just past the last complete value */
        int lastEnd;
        private String colon;
        private String afterOpen;
        private String comma;
        private String beforeClose;

        Reader(JsonParser p, byte[] src) {
            this.p = p;
            this.src = src;
        }

        JsonValue value(int depth) throws IOException {
            int start = offset();
            JsonToken t = p.currentToken();
            switch (t) {
                case START_OBJECT -> {
                    JsonValue.Obj obj = new JsonValue.Obj();
                    int count = 0;
                    int containerStart = start + 1;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        int keyStart = offset();
                        String key = p.currentName();
                        String rawKey = stringRaw(keyStart);
                        int keyEnd = keyStart + rawKey.getBytes(StandardCharsets.UTF_8).length;
                        noteSeparator(depth, count, containerStart, keyStart);
                        p.nextToken();
                        int valueStart = offset();
                        if (depth == 0 && colon == null) {
                            colon = text(keyEnd, valueStart);
                        }
                        obj.put(key, value(depth + 1));
                        obj.rawKey(key, rawKey);
                        count++;
                    }
                    closeContainer(depth, count);
                    return obj;
                }
                case START_ARRAY -> {
                    JsonValue.Arr arr = new JsonValue.Arr();
                    int count = 0;
                    int containerStart = start + 1;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        noteSeparator(depth, count, containerStart, offset());
                        arr.add(value(depth + 1));
                        count++;
                    }
                    closeContainer(depth, count);
                    return arr;
                }
                case VALUE_STRING -> {
                    p.getText(); // validates the string
                    String raw = stringRaw(start);
                    lastEnd = start + raw.getBytes(StandardCharsets.UTF_8).length;
                    return new JsonValue.Str(p.getText(), raw);
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    int i = start;
                    while (i < src.length && "+-0123456789.eE".indexOf(src[i]) >= 0) {
                        i++;
                    }
                    lastEnd = i;
                    return new JsonValue.Num(new String(src, start, i - start, StandardCharsets.US_ASCII));
                }
                case VALUE_TRUE -> {
                    lastEnd = start + 4;
                    return JsonValue.Lit.TRUE;
                }
                case VALUE_FALSE -> {
                    lastEnd = start + 5;
                    return JsonValue.Lit.FALSE;
                }
                case VALUE_NULL -> {
                    lastEnd = start + 4;
                    return JsonValue.Lit.NULL;
                }
                default -> throw new IOException("unexpected token " + t + " at line "
                        + p.currentTokenLocation().getLineNr());
            }
        }

        /** Layout comes from the root container; the item separator from the first that has two items. */
        private void noteSeparator(int depth, int count, int containerStart, int itemStart) {
            if (depth == 0 && count == 0 && afterOpen == null) {
                afterOpen = text(containerStart, itemStart);
            } else if (count == 1 && comma == null) {
                comma = text(lastEnd, itemStart);
            }
        }

        private void closeContainer(int depth, int count) {
            int end = offset();
            if (depth == 0 && count > 0 && beforeClose == null) {
                beforeClose = text(lastEnd, end);
            }
            lastEnd = end + 1;
        }

        Layout layout(String trailer) {
            String open = afterOpen == null ? "" : afterOpen;
            int nl = open.lastIndexOf('\n');
            if (nl >= 0) {
                String newline = nl > 0 && open.charAt(nl - 1) == '\r' ? "\r\n" : "\n";
                return new Layout(newline, open.substring(nl + 1), colon == null ? ": " : colon, ",",
                        "", "", trailer);
            }
            String colonText = colon == null ? ":" : colon;
            // no container had two items: assume the writer spaced items as it spaced keys (Python's ", ")
            String commaText = comma != null ? comma : colonText.endsWith(" ") ? ", " : ",";
            return new Layout("", "", colonText, commaText, open,
                    beforeClose == null ? "" : beforeClose, trailer);
        }

        private int offset() {
            return (int) p.currentTokenLocation().getByteOffset();
        }

        /** The source text of the string token starting at {@code start} (its opening quote). */
        private String stringRaw(int start) throws IOException {
            if (start < 0 || start >= src.length || src[start] != '"') {
                throw new IOException("cannot locate a string token at byte " + start);
            }
            int i = start + 1;
            while (i < src.length && src[i] != '"') {
                i += src[i] == '\\' ? 2 : 1;
            }
            return new String(src, start, i + 1 - start, StandardCharsets.UTF_8);
        }

        private String text(int from, int to) {
            return new String(src, from, Math.max(0, to - from), StandardCharsets.UTF_8);
        }
    }

    /** Convenience for tests and callers holding text. */
    public static JsonDocument parse(String json) throws IOException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

}
