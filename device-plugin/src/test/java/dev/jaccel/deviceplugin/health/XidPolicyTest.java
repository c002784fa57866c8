package dev.jaccel.deviceplugin.health;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class XidPolicyTest {
    @ParameterizedTest(name = "disable={0} enable={1}: XID {2} critical={3}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "-; -; 79; true",
            "-; -; 48; true",
            "-; -; 13; false",
            "-; -; 31; false",
            "-; -; 43; false",
            "-; -; 45; false",
            "-; -; 68; false",
            "-; -; 109; false",
            "79; -; 79; false",
            "' 79 , 94 '; -; 94; false",
            "all; -; 79; false",
            "xids; -; 48; false",
            "all; 48; 48; true",
            "all; 48; 79; false",
            "-; 13; 13; true",
            "not-a-number; -; 79; true",
    })
    void criticalXids(String disable, String enable, long xid, boolean critical) {
        assertEquals(critical, XidPolicy.fromEnv(env(disable, enable)).critical(xid));
    }

    @ParameterizedTest(name = "disable={0} enable={1}: off={2}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {"-; -; false", "all; -; true", "ALL; -; true", "all; 79; false", "13; -; false"})
    void everythingOff(String disable, String enable, boolean off) {
        assertEquals(off, XidPolicy.fromEnv(env(disable, enable)).ignoresEverything());
    }

    private static Map<String, String> env(String disable, String enable) {
        Map<String, String> env = new HashMap<>();
        if (disable != null) {
            env.put(XidPolicy.DISABLE, disable);
        }
        if (enable != null) {
            env.put(XidPolicy.ENABLE, enable);
        }
        return env;
    }
}
