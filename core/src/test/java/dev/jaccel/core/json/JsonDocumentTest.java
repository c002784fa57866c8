package dev.jaccel.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonDocumentTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = JsonDocumentTest.class.getResourceAsStream("/oci/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Realistic specs: runc spec (tabs), containerd/Docker (compact, Go escapes), Python (2 spaces, ASCII escapes). */
    @ParameterizedTest
    @ValueSource(strings = {"runc-spec.json", "containerd-compact.json", "python-indent2.json",
            "python-compact-spaces.json"})
    void unchangedDocumentIsWrittenBackByteForByte(String file) throws IOException {
        byte[] src = resource(file);
        assertArrayEquals(src, JsonDocument.parse(src).toBytes(), file);
    }

    @Test
    void keepsBigNumbersUnicodeAndEscapesExactly() throws IOException {
        JsonValue.Obj root = JsonDocument.parse(resource("containerd-compact.json")).rootObject();
        JsonValue.Obj ext = root.object("process").object("x-vendor-ext");
        assertEquals(new JsonValue.Num("123456789012345678901234567890"), ext.get("huge"));
        assertEquals(new JsonValue.Num("1.50"), ext.get("weight"));
        assertEquals(new JsonValue.Num("6.02214076e23"), ext.get("ratio"));
        JsonValue.Arr env = root.object("process").array("env");
        assertEquals("GREETING=Grüße aus 東京 😀", ((JsonValue.Str) env.items().get(2)).value());
        JsonValue.Str escaped = (JsonValue.Str) env.items().get(3);
        assertEquals("ESCAPED=ü日😀 \"quoted\" back\\slash\ttab", escaped.value());
        assertEquals("✓", root.object("annotations").string("io.example/ünïcode"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // source | after appending "b":"x<&>" to the root and "2" to list
            "{\"a\":[1]}|{\"a\":[1,\"2\"],\"b\":\"x\\u003c\\u0026\\u003e\"}",
            "{\"a\": [1]}|{\"a\": [1, \"2\"], \"b\": \"x\\u003c\\u0026\\u003e\"}",
            "{\"a\": [1], \"c\": {}}|{\"a\": [1, \"2\"], \"c\": {}, \"b\": \"x\\u003c\\u0026\\u003e\"}",
    })
    void editsFollowTheCompactLayout(String source, String expected) throws IOException {
        JsonDocument doc = JsonDocument.parse(source);
        doc.rootObject().array("a").add("2");
        doc.rootObject().put("b", "x<&>");
        assertEquals(expected, new String(doc.toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void editsFollowTheIndentedLayout() throws IOException {
        JsonDocument doc = JsonDocument.parse("{\n\t\"a\": [\n\t\t1\n\t],\n\t\"e\": []\n}\n");
        doc.rootObject().array("e").add("x");
        doc.rootObject().object("o").put("k", 7);
        assertEquals("{\n\t\"a\": [\n\t\t1\n\t],\n\t\"e\": [\n\t\t\"x\"\n\t],\n\t\"o\": {\n\t\t\"k\": 7\n\t}\n}\n",
                new String(doc.toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void crlfIndentedDocumentRoundTrips() throws IOException {
        String src = "{\r\n    \"a\": 1,\r\n    \"b\": {\r\n        \"c\": [\r\n            true,\r\n            null\r\n        ]\r\n    }\r\n}";
        assertEquals(src, new String(JsonDocument.parse(src).toBytes(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":1,}", "{\"a\":1}{}", "{\"a\":1,\"a\":2}", "[1,2", "{'a':1}",
            "{\"a\":tru}", "{\"a\":01}", "\"unterminated"})
    void malformedInputIsRefused(String source) {
        assertThrows(IOException.class, () -> JsonDocument.parse(source));
    }

    @Test
    void goStyleQuoting() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\\u003c\\u003e\\u0026\\u2028é\"",
                JsonDocument.quote("a\"b\\c\n\u0001<>&\u2028é"));
    }

    /** Every byte outside an edit survives: irregular whitespace, escapes, spelling of numbers. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // source (newline and tab spelt \\n, \\t) | after env += "NEW=1" and "z":true added to the root
            "{ \"env\" :[ \"A=1\" ,\\t\"B=2\"  ], \"q\":  1.50e0 }|{ \"env\" :[ \"A=1\" ,\\t\"B=2\" ,\\t\"NEW=1\"  ], \"q\":  1.50e0, \"z\" :true }",
            "{\"env\":[]}|{\"env\":[\"NEW=1\"],\"z\":true}",
            "{\\n  \"env\": [\\n      \"A=1\"\\n  ],\\n   \"q\": 1\\n}|{\\n  \"env\": [\\n      \"A=1\",\\n      \"NEW=1\"\\n  ],\\n   \"q\": 1,\\n   \"z\": true\\n}",
    })
    void untouchedBytesStayAsTheyWere(String source, String expected) throws IOException {
        JsonDocument doc = JsonDocument.parse(unescape(source));
        doc.rootObject().array("env").add("NEW=1");
        doc.rootObject().put("z", true);
        assertEquals(unescape(expected), new String(doc.toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void invalidUtf8ElsewhereIsKeptAsBytes() throws IOException {
        // an overlong '/' (C0 AF) in one string: read as U+FFFD twice (Go's rule), written back as the bytes
        byte[] src = "{\"a\":\"x\u00c0\u00afy\",\"env\":[]}".getBytes(StandardCharsets.ISO_8859_1);
        JsonDocument doc = JsonDocument.parse(src);
        assertEquals("x\ufffd\ufffdy", doc.rootObject().string("a"));
        doc.rootObject().array("env").add("K=V");
        byte[] expected = "{\"a\":\"x\u00c0\u00afy\",\"env\":[\"K=V\"]}".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, doc.toBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\":1,\"a\":2}|duplicate key \"a\"",
            "{\"a\":\"\u0001\"}|control character",
            "{\"a\":1} x|after the JSON value",
            "[1,]|expected a value",
    })
    void refusalsNameTheProblem(String source, String message) {
        IOException e = assertThrows(IOException.class, () -> JsonDocument.parse(source));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void byteOrderMarkIsRefused() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
        IOException e = assertThrows(IOException.class, () -> JsonDocument.parse(bom));
        assertTrue(e.getMessage().contains("byte-order mark"), e.getMessage());
    }

    @Test
    void nestingIsBounded() {
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
        IOException e = assertThrows(IOException.class, () -> JsonDocument.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"\\ud83d\\ude00\"|\ud83d\ude00",
            "\"\\ud83d\"|\ufffd",
            "\"\\ude00x\"|\ufffdx",
            "\"\\ud83dA\\u0041\"|\ufffdAA",
    })
    void unicodeEscapesAsGoReadsThem(String json, String value) throws IOException {
        assertEquals(value, JsonTree.read(json));
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t");
    }
}
