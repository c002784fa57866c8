package dev.jaccel.hook.cli;

import dev.jaccel.core.Messages;

import java.io.PrintWriter;

/**
 * What the operator commands print on stderr besides their one failure line: warnings, notes and
 * the errors of a report, each one bounded line ({@link Messages#line}) because the text may quote
 * input (a container's annotations, a library's error string).
 */
final class Diagnostics {
    private Diagnostics() {
    }

    static void warning(PrintWriter err, String text) {
        err.println("jaccel: warning: " + Messages.line(text));
    }

    static void note(PrintWriter err, String text) {
        err.println("jaccel: note: " + Messages.line(text));
    }

    static void error(PrintWriter err, String text) {
        err.println("jaccel: " + Messages.line(text));
    }
}
