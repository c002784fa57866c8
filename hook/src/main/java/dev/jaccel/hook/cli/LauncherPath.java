package dev.jaccel.hook.cli;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.hook.Main;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Finds the absolute path of this installation's {@code bin/jaccel}: runtime configurations
 * (hooks.d, Docker's daemon.json) must name the launcher by an absolute path.
 */
final class LauncherPath {
    private LauncherPath() {
    }

    /** {@code explicit} when given, else the {@code bin/jaccel} above the jar (or classes folder) this code runs from. */
    static Path find(Path explicit, String flag) {
        if (explicit != null) {
            if (!explicit.isAbsolute()) {
                throw JaccelException.badInput(flag + " " + Messages.input(explicit.toString()) + ": give an absolute path (the runtime runs it from anywhere)");
            }
            return explicit;
        }
        CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                // hook/target/jaccel-hook.jar or hook/target/classes: bin/jaccel is three levels up
                Path dir = Path.of(source.getLocation().toURI()).toAbsolutePath();
                for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
                    Path launcher = dir.resolve("bin/jaccel");
                    if (Files.isExecutable(launcher)) {
                        return launcher.normalize();
                    }
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a file location: fall through to the message below
            }
        }
        throw JaccelException.badInput("cannot find the jaccel launcher (bin/jaccel) of this installation: give its absolute path with " + flag);
    }
}
