package dev.jaccel.hook.service;

import dev.jaccel.core.Invocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code jaccel serve}: runs the {@link StartService} until SIGTERM. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
                "The start service: one resident JVM does every container start's jaccel work.",
                "",
                "jaccel's native clients (bin/jaccel-runtime, and bin/jaccel for hooks) hand",
                "it their work over a Unix socket: it edits the spec or injects the devices",
                "exactly as jaccel's JVM would, with its own environment, and answers with the",
                "exit status and messages. A client that cannot reach it, or whose",
                "JACCEL_CONFIG, JACCEL_SNAPSHOT, JACCEL_HOST_ROOT, JACCEL_NVML_LIBRARY or",
                "JACCEL_NRT_LIBRARY differ from this service's, starts its own JVM as before.",
                "One line per start goes to stderr (the journal). Installed as the",
                "jaccel-serve systemd unit (docs/design.md, \"The start service\")."},
        footer = {"", "Exit codes: 0 or 143 stopped by SIGINT or SIGTERM (requests in hand are",
                "            answered first); 2 the socket cannot be made (taken, not a",
                "            socket, no permission)."})
public final class ServeCommand implements Callable<Integer> {
    /** What a request may take (the hook's helper has 10 s), so one in hand at SIGTERM still gets its answer. */
    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Invocation invocation;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", paramLabel = "FILE",
            description = "Where to listen (default: $JACCEL_SOCKET, else /run/jaccel/start.sock, where the clients look). "
                    + "Its folder is made when missing; the socket is read-write for this user only.")
    Path socket;

    public ServeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        PrintWriter log = spec.commandLine().getErr();
        Path at = socket != null ? socket : StartService.socketPath(invocation.env());
        StartService service = StartService.bind(at, invocation.env(), log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> service.stop(STOP_GRACE), "jaccel-serve-stop"));
        log.println("jaccel serve: answering container starts on " + service.socket());
        Thread.ofVirtual().name("jaccel-serve-warm-up").start(() -> WarmUp.run(invocation.env()));
        service.serve();
        return 0;
    }
}
