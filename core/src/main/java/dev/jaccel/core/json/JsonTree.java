package dev.jaccel.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON into plain {@code Map}/{@code List}/{@code String}/{@code Long}/{@code Double}/
 * {@code Boolean}/{@code null} with jackson-core streaming only (no databind: it costs 100+ ms of
 * start-up on the hook path). Object key order is kept; duplicate keys are an error.
 */
public final class JsonTree {
    private JsonTree() {
    }

    /** Parses exactly one JSON value; trailing content is an error ({@link JsonReader}'s rules). */
    public static Object read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    public static Object read(byte[] json) throws IOException {
        return plain(JsonReader.read(json));
    }

    public static Object read(String json) throws IOException {
        return read(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@link JsonValue} as plain maps, lists, strings, {@code Long} (integers that fit), {@code Double}, booleans, null. */
    static Object plain(JsonValue v) {
        if (v instanceof JsonValue.Str s) {
            return s.value();
        }
        if (v instanceof JsonValue.Obj o) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                map.put(e.getKey(), plain(e.getValue()));
            }
            return map;
        }
        if (v instanceof JsonValue.Arr a) {
            List<Object> list = new ArrayList<>(a.items().size());
            for (JsonValue item : a.items()) {
                list.add(plain(item));
            }
            return list;
        }
        if (v instanceof JsonValue.Num n) {
            String t = n.text();
            if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException tooBig) {
                    // beyond a long: read as a double, as the value of an integer that large is approximate anyway
                }
            }
            return Double.parseDouble(t);
        }
        return v == JsonValue.Lit.TRUE ? Boolean.TRUE : v == JsonValue.Lit.FALSE ? Boolean.FALSE : null;
    }

    /** Reads the value whose first token is current. */
    public static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, readValue(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected token " + t + " at " + location(p));
        }
    }

    /**
     * Writes a value of the shape {@link #read} returns (maps in their key order), so a document
     * read, edited and written back keeps every field it did not touch.
     */
    public static void write(Object value, JsonGenerator g) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(e.getValue(), g);
                }
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeStartArray();
                for (Object item : list) {
                    write(item, g);
                }
                g.writeEndArray();
            }
            case String s -> g.writeString(s);
            case Long l -> g.writeNumber(l);
            case Integer i -> g.writeNumber(i);
            case Double d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            default -> throw new IllegalArgumentException("not a JSON tree value: " + value.getClass().getName());
        }
    }

    /** {@code "field": [values...]}: an array of strings under {@code field} of the object being written. */
    public static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** A document writer, for {@link #writeToString}. */
    @FunctionalInterface
    interface DocumentWriter {
        void writeTo(Writer out) throws IOException;
    }

    /** What {@code writer} writes, as a string (a StringWriter never fails). */
    static String writeToString(DocumentWriter writer) {
        StringWriter w = new StringWriter();
        try {
            writer.writeTo(w);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter failed", e);
        }
        return w.toString();
    }

    private static String location(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }
}
