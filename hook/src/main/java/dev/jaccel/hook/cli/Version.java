package dev.jaccel.hook.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The jaccel version, filtered into a resource at build time. */
public final class Version {
    private Version() {
    }

    public static String get() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/jaccel/hook/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
