package dev.jaccel.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
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
    /** Shared, thread-safe; streaming parsers only. */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();

    private JsonTree() {
    }

    /** Parses exactly one JSON value; trailing content is an error. */
    public static Object read(InputStream in) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            return readRoot(p);
        }
    }

    public static Object read(byte[] json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return readRoot(p);
        }
    }

    public static Object read(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return readRoot(p);
        }
    }

    private static Object readRoot(JsonParser p) throws IOException {
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new IOException("empty input: expected a JSON value");
        }
        Object value = readValue(p);
        if (p.nextToken() != null) {
            throw new IOException("unexpected content after the JSON value at " + location(p));
        }
        return value;
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
