package dev.jaccel.hook.posix;

import java.io.IOException;

/** A failed libc call: the call, what it was applied to, and errno with its text. */
public final class PosixException extends IOException {
    private final int errno;

    public PosixException(String call, String subject, int errno) {
        super(call + " " + subject + ": " + Libc.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
