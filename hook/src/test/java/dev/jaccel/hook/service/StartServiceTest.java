package dev.jaccel.hook.service;

import dev.jaccel.core.JaccelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's own rules: which requests it declines, and the life of its socket. */
class StartServiceTest {
    @TempDir
    Path tmp;

    static final Map<String, String> SERVICE_ENV = Map.of("JACCEL_CONFIG", "/etc/jaccel/config.toml",
            "JACCEL_HOST_ROOT", "/", "PATH", "/usr/bin");

    StartService service(Map<String, String> env) {
        return StartService.bind(tmp.resolve("run/start.sock"), env, new PrintWriter(new StringWriter(), true));
    }

    static String ns(String kind) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/ns", kind)).toString();
    }

    /** '-' in env: the client's variables; '=' ours (the service's), 'ns' other: another namespace. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "a hook;                     hook prestart;          =;                                          ; ",
            "the shim's create;          runtime create -b b c;  =;                                          ; ",
            "runtime configure;          runtime configure;      =;                                          ; only the container path",
            "another command;            devices;                =;                                          ; only the container path",
            "no command;                 '';                     =;                                          ; only the container path",
            "another JACCEL_CONFIG;      hook prestart;          JACCEL_CONFIG=/tmp/c.toml,JACCEL_HOST_ROOT=/; ; JACCEL_CONFIG differs: the client has '/tmp/c.toml', this service '/etc/jaccel/config.toml'",
            "JACCEL_HOST_ROOT unset;     hook prestart;          JACCEL_CONFIG=/etc/jaccel/config.toml;       ; JACCEL_HOST_ROOT differs: the client has it unset, this service '/'",
            "a JACCEL_SNAPSHOT of its own; hook prestart;        =,JACCEL_SNAPSHOT=/tmp/s.json;               ; JACCEL_SNAPSHOT differs",
            "JACCEL_DEBUG;               hook prestart;          =,JACCEL_DEBUG=1;                            ; JACCEL_DEBUG is set",
            "JACCEL_DEBUG=0 is no debug; hook prestart;          =,JACCEL_DEBUG=0;                            ; ",
            "PATH is not compared;       hook prestart;          =,PATH=/opt/bin;                             ; ",
            "another mount namespace;    hook prestart;          =;                                        mnt; the client is in other namespaces",
            "another pid namespace;      hook prestart;          =;                                        pid; the client is in other namespaces",
    })
    void whatIsDeclinedBeforeAnythingIsDone(String name, String args, String env, String otherNs, String reason)
            throws IOException {
        try (StartService s = service(SERVICE_ENV)) {
            Map<String, String> theirs = new HashMap<>();
            for (String kv : env.split(",")) {
                if (kv.equals("=")) {
                    theirs.put("JACCEL_CONFIG", SERVICE_ENV.get("JACCEL_CONFIG"));
                    theirs.put("JACCEL_HOST_ROOT", SERVICE_ENV.get("JACCEL_HOST_ROOT"));
                } else {
                    theirs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            StartRequest r = new StartRequest("mnt".equals(otherNs) ? "mnt:[1]" : ns("mnt"),
                    "pid".equals(otherNs) ? "pid:[1]" : ns("pid"), Path.of("/"), theirs,
                    args.isEmpty() ? List.of() : Arrays.asList(args.split(" ")), new byte[0]);
            Optional<String> why = s.declineReason(r);
            if (reason == null) {
                assertEquals(Optional.empty(), why);
            } else {
                assertTrue(why.isPresent() && why.get().contains(reason), why.toString());
            }
        }
    }

    @Test
    void aDeclinedRequestIsAnsweredWithOneLine() throws IOException {
        try (StartService s = service(SERVICE_ENV)) {
            byte[] answer = s.answer(new StartRequest(ns("mnt"), ns("pid"), Path.of("/"), Map.of(), List.of("devices"),
                    new byte[0]));
            String text = new String(answer, StandardCharsets.UTF_8);
            assertTrue(text.startsWith("declined only the container path") && text.endsWith("\n")
                    && text.indexOf('\n') == text.length() - 1, text);
        }
    }

    @Test
    void aServedCommandAnswersItsExitStatusThenItsMessages() throws IOException {
        try (StartService s = service(SERVICE_ENV)) {
            byte[] answer = s.answer(new StartRequest(ns("mnt"), ns("pid"), Path.of("/"), SERVICE_ENV,
                    List.of("hook", "nostage"), new byte[0]));
            assertEquals("exit 2\njaccel hook nostage: unknown hook stage 'nostage': give one of prestart, createRuntime, "
                    + "createContainer, poststart, poststop\n", new String(answer, StandardCharsets.UTF_8));
        }
    }

    @Test
    void theSocketIsThisUsersOnlyAndGoesWithTheService() throws IOException {
        Path socket;
        try (StartService s = service(SERVICE_ENV)) {
            socket = s.socket();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            try (var files = Files.list(socket.getParent())) {
                assertEquals(List.of(socket), files.toList(), "no temporary name left beside it");
            }
        }
        assertFalse(Files.exists(socket), "closing removes the socket");
    }

    @Test
    void aSecondServiceOnTheSameSocketIsRefused() {
        try (StartService first = service(SERVICE_ENV)) {
            JaccelException e = assertThrows(JaccelException.class, () -> service(SERVICE_ENV));
            assertTrue(e.getMessage().contains("another service already answers on " + first.socket()), e.getMessage());
        }
    }

    @Test
    void aStaleSocketIsReplacedAndAnythingElseIsLeftAlone() throws IOException, InterruptedException {
        Path at = tmp.resolve("run/start.sock");
        Files.createDirectories(at.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(at));
        }
        assertTrue(Files.exists(at), "a socket file nobody listens on");
        try (StartService s = service(SERVICE_ENV)) {
            assertTrue(Files.exists(s.socket()));
        }
        Files.writeString(at, "keep me");
        JaccelException e = assertThrows(JaccelException.class, () -> service(SERVICE_ENV));
        assertTrue(e.getMessage().contains("exists and is not a socket"), e.getMessage());
        assertEquals("keep me", Files.readString(at));
        Files.delete(at);
        assertEquals(0, new ProcessBuilder("mkfifo", at.toString()).start().waitFor());
        e = assertThrows(JaccelException.class, () -> service(SERVICE_ENV));
        assertTrue(e.getMessage().contains("exists and is not a socket"), "a FIFO is not a stale socket: " + e.getMessage());
    }

    @Test
    void aSocketThatCannotBeMadeIsNamedWithWhatToDo() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        JaccelException e = assertThrows(JaccelException.class, () -> StartService.bind(file.resolve("start.sock"),
                SERVICE_ENV, new PrintWriter(new StringWriter(), true)));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().startsWith("cannot listen on " + file.resolve("start.sock") + ": ")
                && e.getMessage().contains(file.toString())
                && e.getMessage().endsWith("(run as root, or give --socket FILE in a folder this user may write)"),
                e.getMessage());
    }

    /** A whole exchange over the socket, as the C client makes it: request, end of stream, answer. */
    @Test
    void anExchangeOverTheSocket() throws Exception {
        try (StartService s = service(SERVICE_ENV)) {
            Thread serving = Thread.ofVirtual().start(s::serve);
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(s.socket()))) {
                String request = "jaccel-start-1|" + ns("mnt") + "|" + ns("pid") + "|/|0|1|devices|";
                c.write(ByteBuffer.wrap(StartRequestTest.bytes(request)));
                c.shutdownOutput();
                String answer = new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("declined only the container path"), answer);
            }
            s.close();
            serving.join(5000);
            assertFalse(serving.isAlive(), "serve() returns once the service is closed");
        }
    }

    /** SIGTERM's stop: no new client, but the one in hand gets its answer before the service ends. */
    @Test
    void aRequestInHandWhenTheServiceStopsStillGetsItsAnswer() throws Exception {
        StartService s = service(SERVICE_ENV);
        Thread serving = Thread.ofVirtual().start(s::serve);
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(s.socket()))) {
            c.write(ByteBuffer.wrap(StartRequestTest.bytes("jaccel-start-1|" + ns("mnt") + "|")));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (s.inHand() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, s.inHand(), "the service holds the request");
            Thread stopping = Thread.ofVirtual().start(() -> s.stop(java.time.Duration.ofSeconds(10)));
            while (Files.exists(s.socket()) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(Files.exists(s.socket()), "no new client once stopping");
            assertTrue(stopping.isAlive(), "stop waits for the request in hand");
            c.write(ByteBuffer.wrap(StartRequestTest.bytes(ns("pid") + "|/|0|1|devices|")));
            c.shutdownOutput();
            String answer = new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("declined only the container path"), answer);
            stopping.join(10_000);
            assertFalse(stopping.isAlive(), "stop returns once the answer is sent");
            serving.join(10_000);
            assertFalse(serving.isAlive());
        }
    }
}
