package dev.jaccel.hook.service;

import dev.jaccel.core.Invocation;
import dev.jaccel.core.JaccelException;
import dev.jaccel.hook.Failures;
import dev.jaccel.hook.Main;
import dev.jaccel.hook.start.HookCommand;
import dev.jaccel.hook.start.RuntimeShim;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code jaccel serve}: a resident JVM that does the container path's work (the runc shim's spec
 * edit, a hook's injection) for the native clients, so a GPU container start pays a Unix-socket
 * round trip instead of a JVM start (docs/design.md, "The start service"). It runs exactly the code
 * the JVM path runs, with this service's own environment; what a client sends is data: a command
 * line, its working directory, a hook's state, and the jaccel variables it was given, which must
 * equal this service's or the request is declined.
 *
 * <p>A declined request has had nothing done: its client runs jaccel's JVM as if there were no
 * service. Only clients of this service's own user are answered (the socket is 0600 as well), and
 * only from its own mount and pid namespaces, where the paths and pids they send mean the same.
 */
public final class StartService implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/jaccel/start.sock");
    /** The variables that choose what the container path reads; a client's must equal the service's. */
    static final List<String> HOST_KEYS = List.of("JACCEL_CONFIG", "JACCEL_SNAPSHOT", "JACCEL_HOST_ROOT",
            "JACCEL_NVML_LIBRARY", "JACCEL_NRT_LIBRARY");
    /** stat(2)'s file type bits and the socket type (sys/stat.h). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /** A client that has not sent its whole request by then is dropped. */
    static final long READ_DEADLINE_SECONDS = 30;

    private final ServerSocketChannel server;
    private final Path socket;
    private final Object socketKey;
    private final UserPrincipal owner;
    private final Map<String, String> env;
    private final String mountNamespace;
    private final String pidNamespace;
    private final PrintWriter log;
    private final CountDownLatch served = new CountDownLatch(1);
    private volatile boolean serving;
    private final AtomicInteger inHand = new AtomicInteger();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jaccel-serve-deadlines");
        t.setDaemon(true);
        return t;
    });

    private StartService(ServerSocketChannel server, Path socket, Map<String, String> env, PrintWriter log)
            throws IOException {
        this.server = server;
        this.socket = socket;
        this.socketKey = key(socket);
        this.owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
        this.env = Map.copyOf(env);
        this.mountNamespace = namespace("mnt");
        this.pidNamespace = namespace("pid");
        this.log = log;
    }

    /** JACCEL_SOCKET, else {@link #DEFAULT_SOCKET}: where the clients look too. */
    public static Path socketPath(Map<String, String> env) {
        String s = env.get("JACCEL_SOCKET");
        return s == null || s.isEmpty() ? DEFAULT_SOCKET : Path.of(s);
    }

    /**
     * Listens on {@code socket}, replacing a stale socket file there (one nobody answers on); the
     * socket appears under its name only once it is 0600 and listening.
     */
    public static StartService bind(Path socket, Map<String, String> env, PrintWriter log) {
        Path at = socket.toAbsolutePath();
        Path tmp = at.resolveSibling("." + at.getFileName() + "." + ProcessHandle.current().pid());
        try {
            Files.createDirectories(at.getParent());
            refuseIfTaken(at);
            Files.deleteIfExists(tmp);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(tmp), 128);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                Files.move(tmp, at, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return new StartService(server, at, env, log);
            } catch (IOException | RuntimeException e) {
                server.close();
                Files.deleteIfExists(tmp);
                throw e;
            }
        } catch (IOException e) {
            throw JaccelException.badInput("cannot listen on " + at + ": " + why(e)
                    + " (run as root, or give --socket FILE in a folder this user may write)");
        }
    }

    /** A file system failure as a reader wants it: what went wrong, then where. */
    private static String why(IOException e) {
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e.getClass().getSimpleName();
            return f.getFile() == null ? reason : reason + ": " + f.getFile();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void refuseIfTaken(Path at) throws IOException {
        if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(at, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw JaccelException.badInput(at + " exists and is not a socket: remove it, or give --socket FILE");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(at))) {
            throw JaccelException.badInput("another service already answers on " + at
                    + ": stop it first (systemctl stop jaccel-serve), or give --socket FILE");
        } catch (IOException stale) {
            // nobody listens: the file is a previous service's, replaced below
        }
    }

    /**
     * Accepts clients until {@link #close()}; each is answered on a virtual thread of its own. Returns
     * once every client accepted has had its answer.
     */
    public void serve() {
        serving = true;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = server.accept();
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        break;
                    }
                    log.println("jaccel serve: accept failed: " + e.getMessage());
                    continue;
                }
                clients.submit(() -> answer(client));
            }
        } finally {
            deadlines.shutdownNow();
            served.countDown();
        }
    }

    /**
     * SIGTERM: stops accepting, then lets the requests in hand finish (a container start cut off
     * half-way fails at its engine) for up to {@code grace}, as {@link #serve()} returns.
     */
    public void stop(Duration grace) {
        close();
        try {
            if (!served.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.println("jaccel serve: stopped with requests still in hand after " + grace.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(SocketChannel client) {
        inHand.incrementAndGet();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(client), READ_DEADLINE_SECONDS,
                TimeUnit.SECONDS);
        try (client) {
            byte[] response;
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner)) {
                response = declined("the client runs as " + peer.user().getName() + "; this service answers "
                        + owner.getName() + " only");
            } else {
                StartRequest request = null;
                try {
                    request = StartRequest.read(Channels.newInputStream(client));
                } catch (StartRequest.Malformed e) {
                    log.println("jaccel serve: declined a malformed request: " + e.getMessage());
                } finally {
                    deadline.cancel(false);
                }
                response = request == null ? declined("malformed request") : answer(request);
            }
            ByteBuffer out = ByteBuffer.wrap(response);
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException e) {
            log.println("jaccel serve: a client went away: " + e.getMessage());
        } finally {
            deadline.cancel(false);
            inHand.decrementAndGet();
        }
    }

    /** Requests accepted and not yet answered. */
    int inHand() {
        return inHand.get();
    }

    /** The response to one request: {@code declined WHY\n}, or {@code exit CODE\n} and the command's stderr. */
    byte[] answer(StartRequest request) {
        Optional<String> why = declineReason(request);
        if (why.isPresent()) {
            log.println("jaccel serve: declined " + printable(String.join(" ", request.args())) + ": " + printable(why.get()));
            return declined(why.get());
        }
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream(256);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        Invocation invocation = new Invocation(new ByteArrayInputStream(request.input()), env);
        List<String> args = request.args();
        List<String> rest = args.subList(1, args.size());
        long started = System.nanoTime();
        int code;
        try {
            code = args.getFirst().equals("hook")
                    ? HookCommand.run(rest, invocation, err)
                    : RuntimeShim.edit(rest, request.cwd(), invocation, err);
        } catch (RuntimeException e) {   // the commands report their own failures; this is a bug
            code = Failures.report("jaccel serve", e, err, false);
        }
        err.flush();
        // one line per container start, as the engines log theirs: which command, its outcome, its time
        log.printf(Locale.ROOT, "jaccel serve: %s: exit %d in %.1f ms%n", printable(String.join(" ", args)), code,
                (System.nanoTime() - started) / 1e6);
        ByteArrayOutputStream response = new ByteArrayOutputStream(16 + errBytes.size());
        response.writeBytes(("exit " + code + "\n").getBytes(StandardCharsets.US_ASCII));
        response.writeBytes(errBytes.toByteArray());
        return response.toByteArray();
    }

    /** Why this service leaves a request to jaccel's JVM, checked before anything is done. */
    Optional<String> declineReason(StartRequest request) {
        List<String> args = request.args();
        if (!Main.onContainerPath(args.toArray(String[]::new))) {
            return Optional.of("only the container path (hook STAGE, runtime ARGS) is served, not '"
                    + String.join(" ", args) + "'");
        }
        if (!request.mountNamespace().equals(mountNamespace) || !request.pidNamespace().equals(pidNamespace)) {
            return Optional.of("the client is in other namespaces (" + request.mountNamespace() + " "
                    + request.pidNamespace() + ") than this service (" + mountNamespace + " " + pidNamespace + ")");
        }
        for (String key : HOST_KEYS) {
            String theirs = request.env().get(key);
            String ours = env.get(key);
            if (!Objects.equals(theirs, ours)) {
                return Optional.of(key + " differs: the client has " + shown(theirs) + ", this service " + shown(ours));
            }
        }
        if (new Invocation(InputStream.nullInputStream(), request.env()).debug()) {
            return Optional.of("JACCEL_DEBUG is set: the JVM path prints the stack traces");
        }
        return Optional.empty();
    }

    /** A client's text in the log: control characters (a line break, an escape) as '?'. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    private static String shown(String value) {
        return value == null ? "it unset" : "'" + value + "'";
    }

    static byte[] declined(String why) {
        return ("declined " + why.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Stops accepting and removes the socket, unless another service has replaced it since. */
    @Override
    public void close() {
        closeQuietly(server);
        if (!serving) {   // else serve() ends the timer once the requests in hand have their answers
            deadlines.shutdownNow();
        }
        try {
            if (Objects.equals(key(socket), socketKey)) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            log.println("jaccel serve: cannot remove " + socket + ": " + e.getMessage());
        }
    }

    Path socket() {
        return socket;
    }

    private static Object key(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static String namespace(String kind) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/ns", kind)).toString();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing: nothing left to tell
        }
    }

}
