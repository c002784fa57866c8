package dev.jaccel.nvml;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code /proc/driver/nvidia-caps/mig-minors}: {@code <cap> <minor>} lines, anything else ignored. */
class MigCapabilitiesTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            'config 1\\nmonitor 2\\ngpu0/gi0/access 3\\n'           | config=1,monitor=2,gpu0/gi0/access=3
            'gpu3/gi1/ci0/access 28'                                  | gpu3/gi1/ci0/access=28
            '  gpu0/gi1/access\\t\\t 12   \\n\\n'                    | gpu0/gi1/access=12
            'config 1\\r\\nmonitor 2\\r\\n'                           | config=1,monitor=2
            'gpu0/gi1/access 12 extra\\nmonitor 2'                    | monitor=2
            'gpu0/gi1/access twelve\\nconfig x1\\nmonitor 2'          | monitor=2
            'lonely\\n\\n   \\nmonitor 2'                            | monitor=2
            'config 99999999999\\nmonitor 2'                          | monitor=2
            ''                                                        | ''
            """)
    void keepsTwoColumnLinesWithANumber(String table, String expected) {
        Map<String, Integer> want = new LinkedHashMap<>();
        if (!expected.isEmpty()) {
            for (String kv : expected.split(",")) {
                want.put(kv.substring(0, kv.indexOf('=')), Integer.parseInt(kv.substring(kv.indexOf('=') + 1)));
            }
        }
        assertEquals(want, MigCapabilities.parseMigMinors(unescape(table)));
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r");
    }
}
