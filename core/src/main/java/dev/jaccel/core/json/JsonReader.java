package dev.jaccel.core.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict JSON reader (RFC 8259) over UTF-8 bytes that builds a {@link JsonValue} tree in which
 * every container remembers where it and each of its children were in the source, so that
 * {@link JsonDocument} writes back every byte nobody edited.
 *
 * <p>Hand-written because it is on the container-start path: in a JVM that lives for one container
 * start, jackson-core's first parse costs 15-20 ms of one-time class initialisation, interpreted,
 * more than all the rest of the spec edit (docs/perf/README.md). This class is the whole parser.
 *
 * <p>What it refuses, each with the byte offset: anything that is not exactly one JSON value; a
 * duplicate object key (the OCI runtime's Go decoder keeps the last, a reader that kept the first
 * would see another container than runc); nesting deeper than {@value #MAX_DEPTH}; a byte-order
 * mark (Go's {@code encoding/json}, which runc uses, refuses it too). Invalid UTF-8 inside a string
 * decodes to U+FFFD, as Go's decoder does, while the bytes themselves are kept for writing back.
 */
public final class JsonReader {
    static final int MAX_DEPTH = 256;

    private final byte[] src;
    private int pos;

    private JsonReader(byte[] src) {
        this.src = src;
    }

    /** Parses exactly one value; whitespace around it is allowed (and kept by {@link JsonDocument}). */
    public static JsonValue read(byte[] json) throws IOException {
        JsonReader r = new JsonReader(json);
        if (json.length >= 3 && (json[0] & 0xff) == 0xef && (json[1] & 0xff) == 0xbb && (json[2] & 0xff) == 0xbf) {
            throw new IOException("starts with a UTF-8 byte-order mark, which JSON readers such as Go's "
                    + "encoding/json (used by runc) refuse; remove it");
        }
        r.skipWhitespace();
        if (r.pos >= json.length) {
            throw new IOException("empty input: expected a JSON value");
        }
        JsonValue value = r.value(0);
        r.skipWhitespace();
        if (r.pos < json.length) {
            throw r.error("unexpected content after the JSON value");
        }
        return value;
    }

    /** Offset of the first byte of the root value (after leading whitespace). */
    static int rootStart(byte[] json) {
        int i = 0;
        while (i < json.length && isWhitespace(json[i])) {
            i++;
        }
        return i;
    }

    private JsonValue value(int depth) throws IOException {
        if (pos >= src.length) {
            throw error("unexpected end of input: expected a value");
        }
        byte b = src[pos];
        if (b == '{') {
            return object(depth);
        }
        if (b == '[') {
            return array(depth);
        }
        if (b == '"') {
            String s = string();
            return new JsonValue.Str(s);
        }
        if (b == 't') {
            literal("true");
            return JsonValue.Lit.TRUE;
        }
        if (b == 'f') {
            literal("false");
            return JsonValue.Lit.FALSE;
        }
        if (b == 'n') {
            literal("null");
            return JsonValue.Lit.NULL;
        }
        if (b == '-' || (b >= '0' && b <= '9')) {
            return number();
        }
        throw error("unexpected character " + describe(b) + ": expected a value");
    }

    private JsonValue.Obj object(int depth) throws IOException {
        checkDepth(depth);
        int start = pos++;
        JsonValue.Obj obj = new JsonValue.Obj();
        List<int[]> spans = new ArrayList<>();
        List<JsonValue> children = new ArrayList<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            obj.origin = new JsonValue.Origin(start, pos, new int[0][], new JsonValue[0], new String[0]);
            return obj;
        }
        List<String> keys = new ArrayList<>();
        while (true) {
            if (peek() != '"') {
                throw error("expected a member name in double quotes");
            }
            int keyStart = pos;
            String key = string();
            if (obj.members().containsKey(key)) {
                throw new IOException("duplicate key \"" + key + "\" at byte " + keyStart
                        + " (readers disagree on which one counts)");
            }
            skipWhitespace();
            if (peek() != ':') {
                throw error("expected ':' after a member name");
            }
            pos++;
            skipWhitespace();
            int valueStart = pos;
            JsonValue v = value(depth + 1);
            obj.putRead(key, v);
            keys.add(key);
            children.add(v);
            spans.add(new int[] {keyStart, valueStart, pos});
            if (closes('}', "expected ',' or '}' in an object")) {
                break;
            }
        }
        obj.origin = new JsonValue.Origin(start, pos, spans.toArray(new int[0][]), children.toArray(new JsonValue[0]),
                keys.toArray(new String[0]));
        return obj;
    }

    /**
     * After a member or element: true at the closing bracket {@code close} (consumed), false after
     * a comma (consumed, with the white space after it); anything else is {@code expected}.
     */
    private boolean closes(char close, String expected) throws IOException {
        skipWhitespace();
        byte b = peek();
        if (b == ',') {
            pos++;
            skipWhitespace();
            return false;
        }
        if (b == close) {
            pos++;
            return true;
        }
        throw error(expected);
    }

    private JsonValue.Arr array(int depth) throws IOException {
        checkDepth(depth);
        int start = pos++;
        JsonValue.Arr arr = new JsonValue.Arr();
        List<int[]> spans = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
        } else {
            while (true) {
                int valueStart = pos;
                arr.add(value(depth + 1));
                spans.add(new int[] {valueStart, valueStart, pos});
                if (closes(']', "expected ',' or ']' in an array")) {
                    break;
                }
            }
        }
        arr.origin = new JsonValue.Origin(start, pos, spans.toArray(new int[0][]),
                arr.items().toArray(new JsonValue[0]), null);
        return arr;
    }

    /** Reads a string token at {@code pos} (its opening quote) and returns its value. */
    private String string() throws IOException {
        int start = ++pos;
        // fast path: printable ASCII without escapes, the usual case in OCI specs
        int i = start;
        while (i < src.length) {
            byte b = src[i];
            if (b == '"') {
                pos = i + 1;
                return new String(src, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (b == '\\' || b < 0x20) {   // negative bytes (non-ASCII) are < 0x20 too: slow path
                break;
            }
            i++;
        }
        StringBuilder sb = new StringBuilder(i - start + 16);
        sb.append(new String(src, start, i - start, StandardCharsets.ISO_8859_1));
        pos = i;
        while (true) {
            if (pos >= src.length) {
                throw error("unterminated string");
            }
            int b = src[pos] & 0xff;
            if (b == '"') {
                pos++;
                return sb.toString();
            }
            if (b == '\\') {
                escape(sb);
            } else if (b < 0x20) {
                throw error("control character " + describe((byte) b) + " inside a string (escape it)");
            } else if (b < 0x80) {
                sb.append((char) b);
                pos++;
            } else {
                utf8(sb, b);
            }
        }
    }

    private void escape(StringBuilder sb) throws IOException {
        if (pos + 1 >= src.length) {
            throw error("unterminated escape");
        }
        byte e = src[pos + 1];
        pos += 2;
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> unicodeEscape(sb);
            default -> {
                pos -= 2;
                throw error("invalid escape \\" + (char) (e & 0x7f));
            }
        }
    }

    /** {@code \\uXXXX}, a surrogate pair as two escapes; a lone surrogate is U+FFFD (Go's rule). */
    private void unicodeEscape(StringBuilder sb) throws IOException {
        int c = hex4();
        if (Character.isHighSurrogate((char) c) && pos + 6 <= src.length && src[pos] == '\\' && src[pos + 1] == 'u') {
            int save = pos;
            pos += 2;
            int d = hex4();
            if (Character.isLowSurrogate((char) d)) {
                sb.append((char) c).append((char) d);
                return;
            }
            pos = save;   // not a pair: the next escape is read on its own
            sb.append('\ufffd');
        } else if (Character.isSurrogate((char) c)) {
            sb.append('\ufffd');
        } else {
            sb.append((char) c);
        }
    }

    private int hex4() throws IOException {
        if (pos + 4 > src.length) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(src[pos + k], 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            v = v << 4 | d;
        }
        pos += 4;
        return v;
    }

    /**
     * One UTF-8 sequence starting with lead byte {@code b} at {@code pos}; a malformed one (bad
     * continuation, overlong form, surrogate, beyond U+10FFFF) becomes U+FFFD for that byte, as Go's
     * decoder does.
     */
    private void utf8(StringBuilder sb, int b) {
        int need;
        int cp;
        int min;
        if (b >= 0xc2 && b <= 0xdf) {
            need = 1;
            cp = b & 0x1f;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            cp = b & 0x0f;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            cp = b & 0x07;
            min = 0x10000;
        } else {
            sb.append('\ufffd');
            pos++;
            return;
        }
        if (pos + need >= src.length) {
            sb.append('\ufffd');
            pos++;
            return;
        }
        for (int k = 1; k <= need; k++) {
            int c = src[pos + k] & 0xff;
            if ((c & 0xc0) != 0x80) {
                sb.append('\ufffd');
                pos++;
                return;
            }
            cp = cp << 6 | (c & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            sb.append('\ufffd');
            pos++;
            return;
        }
        sb.appendCodePoint(cp);
        pos += need + 1;
    }

    private JsonValue.Num number() throws IOException {
        int start = pos;
        if (src[pos] == '-') {
            pos++;
        }
        if (pos < src.length && src[pos] == '0') {
            pos++;
        } else if (!digits()) {
            throw error("invalid number");
        }
        if (pos < src.length && src[pos] == '.') {
            pos++;
            if (!digits()) {
                throw error("invalid number: digits expected after '.'");
            }
        }
        if (pos < src.length && (src[pos] == 'e' || src[pos] == 'E')) {
            pos++;
            if (pos < src.length && (src[pos] == '+' || src[pos] == '-')) {
                pos++;
            }
            if (!digits()) {
                throw error("invalid number: digits expected in the exponent");
            }
        }
        return new JsonValue.Num(new String(src, start, pos - start, StandardCharsets.ISO_8859_1));
    }

    private boolean digits() {
        int from = pos;
        while (pos < src.length && src[pos] >= '0' && src[pos] <= '9') {
            pos++;
        }
        return pos > from;
    }

    private void literal(String word) throws IOException {
        int n = word.length();
        if (pos + n > src.length) {
            throw error("unexpected end of input: expected " + word);
        }
        for (int k = 0; k < n; k++) {
            if (src[pos + k] != word.charAt(k)) {
                throw error("invalid literal: expected " + word);
            }
        }
        pos += n;
    }

    private void checkDepth(int depth) throws IOException {
        if (depth >= MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private byte peek() throws IOException {
        if (pos >= src.length) {
            throw error("unexpected end of input");
        }
        return src[pos];
    }

    private void skipWhitespace() {
        while (pos < src.length && isWhitespace(src[pos])) {
            pos++;
        }
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private IOException error(String what) {
        int line = 1;
        int column = 1;
        for (int k = 0; k < pos && k < src.length; k++) {
            if (src[k] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new IOException(what + " at line " + line + ", column " + column + " (byte " + pos + ")");
    }

    private static String describe(byte b) {
        int v = b & 0xff;
        return v >= 0x20 && v < 0x7f ? "'" + (char) v + "'" : String.format("0x%02x", v);
    }
}
