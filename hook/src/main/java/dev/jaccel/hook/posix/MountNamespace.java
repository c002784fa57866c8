package dev.jaccel.hook.posix;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs work inside another process's mount namespace from a JVM.
 *
 * <p>A JVM is always multithreaded, and {@code setns(2)} refuses to move a thread into a mount
 * namespace while it shares its filesystem attributes (root, cwd, umask: {@code CLONE_FS}) with
 * other threads (fs/namespace.c {@code mntns_install}: {@code fs->users != 1} gives EINVAL). So the
 * work runs on a fresh platform thread that first gives up that sharing with
 * {@code unshare(CLONE_FS)} (unshare(2)), then joins the namespace; the JVM's other threads stay
 * where they were, and the thread ends with the work. Measured on the build machine: the bind
 * mount made from such a thread is visible in the target namespace (nsenter) and not on the host.
 * The same thread has its own umask, so device nodes get the exact mode asked for.
 */
public final class MountNamespace {
    private MountNamespace() {
    }

    /** Something to do inside the namespace. */
    @FunctionalInterface
    public interface Work {
        void run() throws PosixException;
    }

    /** Runs {@code work} in the mount namespace of {@code pid}, with umask 0; rethrows what it threw. */
    public static void run(int pid, Work work) throws PosixException {
        int ns = Libc.openat2(Libc.AT_FDCWD, "/proc/" + pid + "/ns/mnt", Libc.O_RDONLY, 0, 0);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Libc.unshare(Libc.CLONE_FS);
                Libc.setns(ns, Libc.CLONE_NEWNS);
                Libc.umask(0);
                work.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "jaccel-mount-namespace");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PosixException("setns", "interrupted while working in the namespace of pid " + pid, 4);
        } finally {
            Libc.close(ns);
        }
        Throwable e = failure.get();
        if (e instanceof PosixException p) {
            throw p;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
    }
}
