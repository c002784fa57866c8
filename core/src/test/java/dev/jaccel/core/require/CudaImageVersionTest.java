package dev.jaccel.core.require;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nvidia-container-toolkit TestParseMajorMinorVersion* (docs/nvidia-container-semantics.md §2.1). */
class CudaImageVersionTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 0.0", "8, 8.0", "7.5, 7.5", "9.0.116, 9.0", "v11.6, 11.6",
            "4294967295.4294967295.4294967295, 4294967295.4294967295", "12.4.1, 12.4"})
    void valid(String version, String majorMinor) {
        assertEquals(majorMinor, CudaImageVersion.majorMinor(version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "9.0.116.50", "9.0.116foo", "9..0", "9.", "-9", "+9", "9.4294967296", ""})
    void invalidIsExit2NamingTheVariable(String version) {
        JaccelException e = assertThrows(JaccelException.class, () -> CudaImageVersion.majorMinor(version));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("CUDA_VERSION='" + version + "'"), e.getMessage());
    }
}
