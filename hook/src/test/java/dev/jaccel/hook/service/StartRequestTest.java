package dev.jaccel.hook.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request's layout, as hook/src/main/c/start_service.c writes it ('|' stands for NUL here). */
class StartRequestTest {
    static byte[] bytes(String text) {
        return text.replace('|', '\0').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHookRequestCarriesItsStateAfterTheFields() throws IOException {
        StartRequest r = StartRequest.read(new ByteArrayInputStream(bytes(
                "jaccel-start-1|mnt:[1]|pid:[2]|/run/bundle|2|JACCEL_CONFIG=/etc/x.toml|JACCEL_DEBUG=|2|hook|prestart|{\"pid\":7}")));
        assertEquals("mnt:[1]", r.mountNamespace());
        assertEquals("pid:[2]", r.pidNamespace());
        assertEquals(Path.of("/run/bundle"), r.cwd());
        assertEquals(Map.of("JACCEL_CONFIG", "/etc/x.toml", "JACCEL_DEBUG", ""), r.env());
        assertEquals(List.of("hook", "prestart"), r.args());
        assertArrayEquals("{\"pid\":7}".getBytes(StandardCharsets.UTF_8), r.input());
    }

    @Test
    void argumentsMayHoldAnythingButNul() {
        StartRequest r = StartRequest.parse(bytes("jaccel-start-1|m|p|/|0|4|runtime|run|-b|dir with = and \n|"));
        assertEquals(List.of("runtime", "run", "-b", "dir with = and \n"), r.args());
        assertEquals(0, r.input().length);
    }

    @Test
    void whatToBytesWritesParseReadsBack() {
        StartRequest r = new StartRequest("mnt:[1]", "pid:[2]", Path.of("/run"), Map.of("JACCEL_CONFIG", "/c.toml"),
                List.of("runtime", "create", "-b", "b c", "id"), "{}".getBytes(StandardCharsets.UTF_8));
        StartRequest back = StartRequest.parse(r.toBytes());
        assertEquals(List.of(r.mountNamespace(), r.pidNamespace(), r.cwd(), r.env(), r.args()),
                List.of(back.mountNamespace(), back.pidNamespace(), back.cwd(), back.env(), back.args()));
        assertArrayEquals(r.input(), back.input());
        assertArrayEquals(bytes("jaccel-start-1|mnt:[1]|pid:[2]|/run|1|JACCEL_CONFIG=/c.toml|5|runtime|create|-b|b c|id|{}"),
                r.toBytes(), "the layout the C client writes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "empty;                                          ; version field is missing",
            "another version;  jaccel-start-2|m|p|/|0|0|     ; version 'jaccel-start-2'",
            "relative cwd;     jaccel-start-1|m|p|run|0|0|   ; working directory 'run' is not absolute",
            "count not number; jaccel-start-1|m|p|/|x|0|     ; count of variables 'x' is not a number",
            "negative count;   jaccel-start-1|m|p|/|-1|0|    ; count of variables '-1'",
            "huge count;       jaccel-start-1|m|p|/|0|99999| ; count of arguments '99999'",
            "too few fields;   jaccel-start-1|m|p|/|0|2|hook|; argument field is missing",
            "no equals sign;   jaccel-start-1|m|p|/|1|JACCEL|0|; variable 'JACCEL' is not KEY=VALUE",
            "unterminated;     jaccel-start-1|m|p|/           ; working directory field is missing",
    })
    void aMalformedRequestIsNamed(String name, String text, String message) {
        StartRequest.Malformed e = assertThrows(StartRequest.Malformed.class,
                () -> StartRequest.parse(bytes(text == null ? "" : text)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aRequestLargerThanTheCapIsRefusedBeforeItIsParsed() {
        byte[] big = new byte[StartRequest.MAX_BYTES + 1];
        StartRequest.Malformed e = assertThrows(StartRequest.Malformed.class,
                () -> StartRequest.read(new ByteArrayInputStream(big)));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }
}
