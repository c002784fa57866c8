package dev.jaccel.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put the fake driver libraries ({@code testkit/target/native}). */
public final class FakeLibraries {
    /** Set by the parent POM for every test JVM. */
    public static final String NATIVE_DIR_PROPERTY = "jaccel.testkit.native";

    private FakeLibraries() {
    }

    public static Path nativeDir() {
        String dir = System.getProperty(NATIVE_DIR_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("system property " + NATIVE_DIR_PROPERTY
                    + " is not set: run the tests through Maven, or pass -D" + NATIVE_DIR_PROPERTY
                    + "=<repo>/testkit/target/native");
        }
        return Path.of(dir);
    }

    /** The fake {@code libnvidia-ml.so.1}. */
    public static Path nvml() {
        return existing(nativeDir().resolve("libnvidia-ml.so.1"));
    }

    /** The fake {@code libnrt.so.1}. */
    public static Path nrt() {
        return existing(nativeDir().resolve("libnrt.so.1"));
    }

    /**
     * The fake {@code libnrt.so.1} of the first public ABI (2022): it exports only {@code nrt_init},
     * {@code nrt_close}, {@code nrt_get_total_nc_count} and {@code nrt_get_visible_nc_count}.
     */
    public static Path nrtLegacy() {
        return existing(nativeDir().resolve("legacy").resolve("libnrt.so.1"));
    }

    private static Path existing(Path library) {
        if (!Files.isRegularFile(library)) {
            throw new IllegalStateException(library + " does not exist: build testkit first (./mvnw -pl testkit compile)");
        }
        return library;
    }
}
