package dev.jaccel.core;

/**
 * A vendor library could not be loaded: it is not installed where jaccel looked, or the JVM denied
 * native access. The message says which library, where jaccel looked and what to do.
 */
public final class LibraryUnavailableException extends NativeLibraryException {
    /** Why the library is unavailable. */
    public enum Reason {
        /** No such file, or the dynamic linker could not load it. */
        NOT_FOUND,
        /**
         * The JVM refused a restricted method (JDK 24+ with {@code --illegal-native-access=deny}, or a
         * named module without native access): nothing is wrong with the library.
         */
        NATIVE_ACCESS_DENIED
    }

    private final Reason reason;
    private final String source;

    private LibraryUnavailableException(String library, String source, Reason reason, String message, Throwable cause) {
        super(library, message, cause);
        this.reason = reason;
        this.source = source;
    }

    /** The library could not be loaded from {@code source}; {@code hint} says what to do (e.g. which package). */
    public static LibraryUnavailableException notFound(String library, String source, String hint, Throwable cause) {
        String why = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new LibraryUnavailableException(library, source, Reason.NOT_FOUND,
                "cannot load " + source + " (" + library + ")" + why + (hint == null ? "" : "; " + hint), cause);
    }

    /**
     * What the library talks to is absent (a kernel driver, its device files): {@code message} says
     * what was looked for where, and what to do.
     */
    public static LibraryUnavailableException absent(String library, String source, String message) {
        return new LibraryUnavailableException(library, source, Reason.NOT_FOUND, message, null);
    }

    /**
     * The JVM denied native access to {@code caller}'s module: names the exact flag that grants it
     * ({@code --enable-native-access=ALL-UNNAMED} on the class path, the module's name on the module
     * path) and the manifest attribute that does the same for an executable jar.
     */
    public static LibraryUnavailableException nativeAccessDenied(String library, String source, Class<?> caller,
                                                                  IllegalCallerException cause) {
        String flag = "--enable-native-access=" + nativeAccessTarget(caller.getModule());
        return new LibraryUnavailableException(library, source, Reason.NATIVE_ACCESS_DENIED,
                "native access denied: the JVM refused to load " + library + " (" + source + ") for "
                        + caller.getName() + "; start java with " + flag
                        + " (or put \"Enable-Native-Access: ALL-UNNAMED\" in an executable jar's manifest)", cause);
    }

    /** What {@code --enable-native-access} must name for this module. */
    public static String nativeAccessTarget(Module module) {
        return module.isNamed() ? module.getName() : "ALL-UNNAMED";
    }

    public Reason reason() {
        return reason;
    }

    /** The name or path jaccel tried to load. */
    public String source() {
        return source;
    }
}
