package dev.jaccel.hook.cli.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code jaccel runtime configure} registers with a container engine.
 *
 * @param name         the runtime's name in the engine (Docker's {@code --runtime}, a RuntimeClass handler)
 * @param binary       absolute path of {@code jaccel-runtime}, the runc-compatible shim binary
 * @param setAsDefault make it the engine's default runtime
 * @param cdi          turn on the engine's CDI support where it has a switch
 * @param cdiSpecDirs  where CDI specs are (the configuration's {@code spec-dirs})
 */
public record RuntimeEntry(String name, Path binary, boolean setAsDefault, boolean cdi, List<Path> cdiSpecDirs) {
    public RuntimeEntry {
        cdiSpecDirs = List.copyOf(cdiSpecDirs);
    }
}
