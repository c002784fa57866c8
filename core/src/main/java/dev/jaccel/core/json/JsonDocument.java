package dev.jaccel.core.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON document that can be edited and written back with every byte nobody edited kept: read by
 * {@link JsonReader} into an ordered {@link JsonValue} tree whose containers remember where each
 * child was in the source. {@link #toBytes()} copies the source bytes of every value that is still
 * the same object at the same place (strings keep their escapes, numbers their spelling, whitespace
 * stays exactly as it was, however irregular) and renders only what was added or replaced, in the
 * source's layout (compact, or indented with its indent unit and separators).
 *
 * <p>Why not a JSON library's generator for writing: it re-escapes strings its own way (Go, which
 * writes most OCI specs, escapes {@code < > &} as {@code \u003c}...) and has its own layout;
 * either would rewrite fields nobody edited. New strings are escaped like Go's encoding/json so
 * edits look like the rest of a Go-written spec.
 */
public final class JsonDocument {
    private final byte[] source;
    private final JsonValue root;
    private final int rootStart;
    private final int rootEnd;
    private final Layout layout;

    private JsonDocument(byte[] source, JsonValue root, int rootStart, int rootEnd, Layout layout) {
        this.source = source;
        this.root = root;
        this.rootStart = rootStart;
        this.rootEnd = rootEnd;
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

    /** Parses exactly one JSON value (UTF-8); duplicate keys and trailing content are errors ({@link JsonReader}). */
    public static JsonDocument parse(byte[] json) throws IOException {
        byte[] source = json.clone();
        JsonValue root = JsonReader.read(source);
        int start = JsonReader.rootStart(source);
        int end = source.length;
        while (end > start && JsonReader.isWhitespace(source[end - 1])) {
            end--;
        }
        return new JsonDocument(source, root, start, end, LayoutReader.of(source, root, end));
    }

    /** The document as UTF-8 bytes: the source's own bytes wherever nothing was edited. */
    public byte[] toBytes() {
        Out out = new Out(source.length + 1024);
        out.bytes(source, 0, rootStart);
        writeRead(root, 0, out);
        out.bytes(source, rootEnd, source.length);
        return out.toByteArray();
    }

    /** A value that was read (it has an origin) and may have been edited below. */
    private void writeRead(JsonValue v, int depth, Out out) {
        JsonValue.Origin origin = v instanceof JsonValue.Obj o ? o.origin : v instanceof JsonValue.Arr a ? a.origin : null;
        if (origin == null) {
            render(v, depth, out);
            return;
        }
        List<JsonValue> now = children(v);
        List<String> keys = v instanceof JsonValue.Obj o ? new ArrayList<>(o.members().keySet()) : null;
        int n = origin.size();
        if (!keepsReadPrefix(origin, now, keys)) {
            render(v, depth, out);   // an edit that removed or reordered children: no source to follow
            return;
        }
        if (n == 0) {
            out.bytes(source, origin.start(), origin.start() + 1);
        } else {
            out.bytes(source, origin.start(), origin.entryStart(0));
        }
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.bytes(source, origin.valueEnd(i - 1), origin.entryStart(i));
            }
            out.bytes(source, origin.entryStart(i), origin.valueStart(i));
            JsonValue child = now.get(i);
            if (child == origin.children()[i]) {
                if (child instanceof JsonValue.Obj || child instanceof JsonValue.Arr) {
                    writeRead(child, depth + 1, out);
                } else {
                    out.bytes(source, origin.valueStart(i), origin.valueEnd(i));
                }
            } else {
                render(child, depth + 1, out);
            }
        }
        for (int i = n; i < now.size(); i++) {
            appendedSeparator(origin, i, depth, out);
            if (keys != null) {
                out.text(quote(keys.get(i))).text(layout.colon());
            }
            render(now.get(i), depth + 1, out);
        }
        if (n > 0) {
            out.bytes(source, origin.valueEnd(n - 1), origin.end());
        } else {
            if (now.size() > n) {
                closing(depth, out);
            } else {
                out.bytes(source, origin.start() + 1, origin.end() - 1);
            }
            out.bytes(source, origin.end() - 1, origin.end());
        }
    }

    /**
     * Before the appended child {@code i}: the source's own separator where it has one between two
     * children; else, indented, the whitespace its first child had (or the layout's indent); else
     * the layout's.
     */
    private void appendedSeparator(JsonValue.Origin origin, int i, int depth, Out out) {
        int n = origin.size();
        if (n >= 2) {
            out.bytes(source, origin.valueEnd(0), origin.entryStart(1));
        } else if (layout.indented()) {
            out.text(i == 0 ? "" : ",");
            if (n == 1) {
                out.bytes(source, origin.start() + 1, origin.entryStart(0));
            } else {
                out.text(layout.newline()).text(layout.indent().repeat(depth + 1));
            }
        } else {
            out.text(i == 0 ? layout.afterOpen() : layout.comma());
        }
    }

    private static boolean keepsReadPrefix(JsonValue.Origin origin, List<JsonValue> now, List<String> keys) {
        if (now.size() < origin.size()) {
            return false;
        }
        if (keys != null) {
            for (int i = 0; i < origin.size(); i++) {
                if (!keys.get(i).equals(origin.keys()[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<JsonValue> children(JsonValue v) {
        if (v instanceof JsonValue.Obj o) {
            return new ArrayList<>(o.members().values());
        }
        return ((JsonValue.Arr) v).items();
    }

    /** A value made or replaced in code, in the document's layout. */
    private void render(JsonValue v, int depth, Out out) {
        if (v instanceof JsonValue.Str s) {
            out.text(quote(s.value()));
        } else if (v instanceof JsonValue.Num n) {
            out.text(n.text());
        } else if (v instanceof JsonValue.Lit l) {
            out.text(l.text());
        } else if (v instanceof JsonValue.Obj o) {
            if (o.members().isEmpty()) {
                out.text("{}");
                return;
            }
            out.text("{");
            boolean first = true;
            for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
                separator(first, depth + 1, out);
                first = false;
                out.text(quote(m.getKey())).text(layout.colon());
                render(m.getValue(), depth + 1, out);
            }
            closing(depth, out);
            out.text("}");
        } else {
            JsonValue.Arr a = (JsonValue.Arr) v;
            if (a.items().isEmpty()) {
                out.text("[]");
                return;
            }
            out.text("[");
            boolean first = true;
            for (JsonValue item : a.items()) {
                separator(first, depth + 1, out);
                first = false;
                render(item, depth + 1, out);
            }
            closing(depth, out);
            out.text("]");
        }
    }

    private void separator(boolean first, int depth, Out out) {
        if (layout.indented()) {
            if (!first) {
                out.text(",");
            }
            out.text(layout.newline()).text(layout.indent().repeat(depth));
        } else {
            out.text(first ? layout.afterOpen() : layout.comma());
        }
    }

    private void closing(int depth, Out out) {
        if (layout.indented()) {
            out.text(layout.newline()).text(layout.indent().repeat(depth));
        } else {
            out.text(layout.beforeClose());
        }
    }

    /** A JSON string literal escaped as Go's encoding/json does (HTML-safe, U+2028/2029 escaped). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                sb.append("\\\"");
            } else if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** The layout of a document, read from its root container (and the first container with two children). */
    private static final class LayoutReader {
        static Layout of(byte[] src, JsonValue root, int rootEnd) {
            String trailer = new String(src, rootEnd, src.length - rootEnd, StandardCharsets.UTF_8);
            JsonValue.Origin o = root instanceof JsonValue.Obj obj ? obj.origin
                    : root instanceof JsonValue.Arr arr ? arr.origin : null;
            if (o == null || o.size() == 0) {
                return new Layout("", "", ":", ",", "", "", trailer);
            }
            String open = text(src, o.start() + 1, o.entryStart(0));
            String colon = o.keys() == null ? null : colon(src, o.entryStart(0), o.valueStart(0));
            int nl = open.lastIndexOf('\n');
            if (nl >= 0) {
                String newline = nl > 0 && open.charAt(nl - 1) == '\r' ? "\r\n" : "\n";
                return new Layout(newline, open.substring(nl + 1), colon == null ? ": " : colon, ",", "", "", trailer);
            }
            String colonText = colon == null ? ":" : colon;
            String comma = firstComma(src, root);
            // no container had two items: assume the writer spaced items as it spaced keys (Python's ", ")
            String commaText = comma != null ? comma : colonText.endsWith(" ") ? ", " : ",";
            return new Layout("", "", colonText, commaText, open, text(src, o.valueEnd(o.size() - 1), o.end() - 1),
                    trailer);
        }

        /** The text between a key's closing quote and its value: {@code ":"}, {@code ": "}, ... */
        private static String colon(byte[] src, int keyStart, int valueStart) {
            int i = keyStart + 1;
            while (i < valueStart && src[i] != '"') {
                i += src[i] == '\\' ? 2 : 1;
            }
            return text(src, i + 1, valueStart);
        }

        /** The separator between the first two children of the first container (depth first) that has two. */
        private static String firstComma(byte[] src, JsonValue v) {
            JsonValue.Origin o = v instanceof JsonValue.Obj obj ? obj.origin : v instanceof JsonValue.Arr arr ? arr.origin : null;
            if (o == null) {
                return null;
            }
            if (o.size() >= 2) {
                return text(src, o.valueEnd(0), o.entryStart(1));
            }
            for (JsonValue child : o.children()) {
                String found = firstComma(src, child);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }

        private static String text(byte[] src, int from, int to) {
            return new String(src, from, Math.max(0, to - from), StandardCharsets.UTF_8);
        }
    }

    /** A byte buffer with a text append (UTF-8). */
    private static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        Out bytes(byte[] b, int from, int to) {
            write(b, from, to - from);
            return this;
        }

        Out text(String s) {
            writeBytes(s.getBytes(StandardCharsets.UTF_8));
            return this;
        }
    }

    /** Convenience for tests and callers holding text. */
    public static JsonDocument parse(String json) throws IOException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

}
