package dev.jaccel.hook.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** config.toml files for the CLI tests. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    /** A configuration that puts every location a command reads or writes where the test says. */
    static Path locations(Path file, Path snapshot, Path cdiDir, Path hostRoot, Path nvml, Path nrt) throws IOException {
        return Files.writeString(file, """
                [inventory]
                snapshot = "%s"
                [cdi]
                output-dir = "%s"
                [host]
                root = "%s"
                nvml-library = "%s"
                nrt-library = "%s"
                """.formatted(snapshot, cdiDir, hostRoot, nvml, nrt));
    }
}
