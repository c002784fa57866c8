package dev.jaccel.hook.start;

import dev.jaccel.core.json.JsonDocument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The shim's refusal, also where the engine looks for a runtime's error: runc logs to its global
 * {@code --log} file (logrus; {@code --log-format json} writes one {@code {"level","msg","time"}}
 * object a line), and containerd's runc shim, when {@code create} fails, reports the last error it
 * finds there (containerd {@code pkg/process/utils.go} getLastRuntimeError). Without this line
 * {@code docker run --runtime=jaccel} would show only "exit status 3". Best effort: a log that cannot
 * be written changes nothing else.
 */
final class RuntimeLog {
    private RuntimeLog() {
    }

    static void error(RuntimeArgs args, String message) {
        if (args.log().isEmpty()) {
            return;
        }
        String time = Instant.now().toString();
        String line = args.jsonLog()
                ? "{\"level\":\"error\",\"msg\":" + JsonDocument.quote("jaccel: " + message) + ",\"time\":\"" + time + "\"}\n"
                : "time=\"" + time + "\" level=error msg=" + JsonDocument.quote("jaccel: " + message) + "\n";
        try {
            Files.writeString(args.log().get(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            // the message is on stderr already
        }
    }
}
