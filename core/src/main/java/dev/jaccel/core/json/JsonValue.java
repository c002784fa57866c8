package dev.jaccel.core.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON value of a {@link JsonDocument}: an ordered, mutable tree that remembers the exact source
 * text of every string and number it read, so a document written back differs from the one read
 * only where it was edited (escapes such as Go's {@code \u003c}, big or oddly spelt numbers and
 * unknown fields all survive).
 */
public sealed interface JsonValue permits JsonValue.Obj, JsonValue.Arr, JsonValue.Str, JsonValue.Num,
        JsonValue.Lit {

    /** An object; member order is kept, keys are unique. */
    final class Obj implements JsonValue {
        private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        /** where it was read from; null for an object made in code */
        Origin origin;

        public Map<String, JsonValue> members() {
            return members;
        }

        public JsonValue get(String key) {
            return members.get(key);
        }

        /** Replaces the value of {@code key} in place, or appends the member. */
        public Obj put(String key, JsonValue value) {
            members.put(key, Objects.requireNonNull(value, "value"));
            return this;
        }

        public Obj put(String key, String value) {
            return put(key, Str.of(value));
        }

        public Obj put(String key, long value) {
            return put(key, Num.of(value));
        }

        public Obj put(String key, boolean value) {
            return put(key, value ? Lit.TRUE : Lit.FALSE);
        }

        /** The object under {@code key}, created (appended) when absent; null when it is not an object. */
        public Obj object(String key) {
            JsonValue v = members.get(key);
            if (v == null || v == Lit.NULL) {
                Obj created = new Obj();
                members.put(key, created);
                return created;
            }
            return v instanceof Obj o ? o : null;
        }

        /** The array under {@code key}, created (appended) when absent; null when it is not an array. */
        public Arr array(String key) {
            JsonValue v = members.get(key);
            if (v == null || v == Lit.NULL) {
                Arr created = new Arr();
                members.put(key, created);
                return created;
            }
            return v instanceof Arr a ? a : null;
        }

        /** The string under {@code key}, or null when absent or not a string. */
        public String string(String key) {
            return members.get(key) instanceof Str s ? s.value() : null;
        }

        /** Adds a member as read from source (the reader has checked the key is new). */
        void putRead(String key, JsonValue value) {
            members.put(key, value);
        }
    }

    /** An array. */
    final class Arr implements JsonValue {
        private final List<JsonValue> items = new ArrayList<>();
        /** where it was read from; null for an array made in code */
        Origin origin;

        public List<JsonValue> items() {
            return items;
        }

        public Arr add(JsonValue value) {
            items.add(Objects.requireNonNull(value, "value"));
            return this;
        }

        public Arr add(String value) {
            return add(Str.of(value));
        }
    }

    /**
     * Where a container was in the source document: its span, and for each child as read, the
     * offsets of its entry (the key's opening quote in an object, else the value), of its value and
     * of the end of its value; with the child itself and, in an object, its key. The writer copies
     * the bytes of every child that is still the same object at the same place.
     */
    record Origin(int start, int end, int[][] spans, JsonValue[] children, String[] keys) {
        int entryStart(int i) {
            return spans[i][0];
        }

        int valueStart(int i) {
            return spans[i][1];
        }

        int valueEnd(int i) {
            return spans[i][2];
        }

        int size() {
            return children.length;
        }
    }

    /** A string (as read, its source bytes are kept by the {@link Origin} of its container). */
    record Str(String value) implements JsonValue {
        public Str {
            Objects.requireNonNull(value, "value");
        }

        public static Str of(String value) {
            return new Str(value);
        }

        // written out: a record's generated equals/hashCode bootstrap through invokedynamic
        // (java.lang.runtime.ObjectMethods), tens of ms on first use in a short-lived JVM (docs/perf/README.md)
        @Override
        public boolean equals(Object o) {
            return o instanceof Str s && value.equals(s.value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    /** A number, kept as its source text: no precision or spelling is lost. */
    record Num(String text) implements JsonValue {
        @Override
        public boolean equals(Object o) {   // written out, as Str's
            return o instanceof Num n && text.equals(n.text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        public static Num of(long value) {
            return new Num(Long.toString(value));
        }

        /** The value when it is an integer that fits a long. */
        public java.util.OptionalLong asLong() {
            try {
                return java.util.OptionalLong.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return java.util.OptionalLong.empty();
            }
        }
    }

    /** {@code true}, {@code false}, {@code null}. */
    enum Lit implements JsonValue {
        TRUE("true"), FALSE("false"), NULL("null");

        private final String text;

        Lit(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }
}
