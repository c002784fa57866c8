package dev.jaccel.hook.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.core.json.JacksonStreams;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code jaccel hooks-config}: the podman / CRI-O hooks.d entry (oci-hooks(5), schema 1.0.0) that
 * runs {@code jaccel hook <stage>}. hooks.d can gate a hook on annotations, {@code process.args[0]},
 * bind mounts or always, not on the environment; so by default the hook is injected only into
 * containers that carry an annotation matching {@code --annotation} (the opt-in), and the hook then
 * honours the selectors in the container's env and annotations. {@code --always} injects it into
 * every container (it answers fast when nothing is requested).
 */
@Command(name = "hooks-config", mixinStandardHelpOptions = true, description = {
        "Print the podman / CRI-O hooks.d entry that runs `jaccel hook <stage>`.",
        "With --output DIR it is written to DIR/50-jaccel-<stage>.json (one file per stage). The hook is injected",
        "into containers that opt in with an annotation (hooks.d cannot match env), or into every container with",
        "--always. podman and CRI-O compile --annotation with Go's regexp package (RE2 syntax): a pattern RE2",
        "refuses (lookaround, backreferences, possessive quantifiers, ...) is refused here, since it would make",
        "every container start fail."})
public final class HooksConfigCommand implements Runnable {
    /** The OCI {@code timeout} of the hook entry: enough for a JVM start and discovery on a loaded host. */
    static final int HOOK_TIMEOUT_SECONDS = 30;

    /** The file name before it carried the stage: an entry of that name for the same stage is replaced. */
    static final String OLD_FILE_NAME = "50-jaccel.json";
    /** The stages {@code jaccel hook} implements. */
    static final List<String> STAGES = List.of("prestart", "createRuntime", "createContainer", "poststart", "poststop");
    static final String DEFAULT_ANNOTATION = "^jaccel\\.dev/.+$";
    /** The hook's whole environment: nothing is inherited from the runtime, let alone the image. */
    static final String HOOK_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--output", paramLabel = "DIR",
            description = "hooks.d folder to write 50-jaccel-<stage>.json into (e.g. /usr/share/containers/oci/hooks.d); default: print.")
    Path output;

    @Option(names = "--stage", paramLabel = "STAGE", defaultValue = "prestart",
            description = "OCI hook stage: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Stages.class)
    String stage;

    @Option(names = "--annotation", paramLabel = "REGEX", defaultValue = DEFAULT_ANNOTATION,
            description = "Inject the hook into containers with an annotation whose key matches (RE2 syntax, as Go's regexp "
                    + "reads it; default: ${DEFAULT-VALUE}).")
    String annotation;

    @Option(names = "--always", description = "Inject the hook into every container instead.")
    boolean always;

    @Option(names = "--jaccel", paramLabel = "PATH", description = "Absolute path of the jaccel launcher (default: this installation's bin/jaccel).")
    Path jaccel;

    @Option(names = "--host-root", paramLabel = "DIR", description = "Passed to the hook as JACCEL_HOST_ROOT (absolute).")
    String hostRoot;

    @Option(names = "--nvml-library", paramLabel = "PATH",
            description = "Passed to the hook as JACCEL_NVML_LIBRARY (an absolute path, or a file name for the system search).")
    String nvmlLibrary;

    @Option(names = "--nrt-library", paramLabel = "PATH",
            description = "Passed to the hook as JACCEL_NRT_LIBRARY (an absolute path, or a file name for the system search).")
    String nrtLibrary;

    @Option(names = "--snapshot", paramLabel = "FILE", description = "Passed to the hook as JACCEL_SNAPSHOT (absolute).")
    String snapshot;

    static final class Stages extends ArrayList<String> {
        Stages() {
            super(STAGES);
        }
    }

    @Override
    public void run() {
        if (!STAGES.contains(stage)) {
            throw JaccelException.badInput("--stage " + Messages.quote(stage) + ": give one of " + String.join(", ", STAGES));
        }
        if (!always) {
            try {
                Re2Syntax.check(annotation);
            } catch (IllegalArgumentException e) {
                throw JaccelException.badInput("--annotation " + Messages.quote(annotation) + ": podman and CRI-O compile "
                        + "it with Go's regexp (RE2 syntax), which refuses it: " + e.getMessage());
            }
        }
        // the hook runs with its working directory in the bundle: a relative path would be read there
        absolute("--host-root", hostRoot, false);
        absolute("--snapshot", snapshot, false);
        absolute("--nvml-library", nvmlLibrary, true);
        absolute("--nrt-library", nrtLibrary, true);
        byte[] json = render(LauncherPath.find(jaccel, "--jaccel"));
        if (output == null) {
            spec.commandLine().getOut().print(new String(json, StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
            return;
        }
        Path file = output.resolve("50-jaccel-" + stage + ".json");
        try {
            RuntimeInputFiles.write(file, json, spec.commandLine().getErr());
        } catch (IOException e) {
            throw JaccelException.badInput("--output " + Messages.input(output.toString()) + ": cannot write " + file.getFileName()
                    + " there: " + e.getMessage());
        }
        spec.commandLine().getOut().println("wrote " + file);
        replaceOldEntry(output.resolve(OLD_FILE_NAME));
    }

    /** Refuses a relative path (or, for a library, a relative path that is not a bare file name). */
    private static void absolute(String option, String value, boolean fileNameAllowed) {
        if (value == null || value.isBlank() || Path.of(value).isAbsolute() || (fileNameAllowed && !value.contains("/"))) {
            return;
        }
        throw JaccelException.badInput(option + " " + Messages.quote(value) + ": give an absolute path (the hook runs "
                + "with its working directory in the container's bundle" + (fileNameAllowed
                ? "; a plain file name such as libnvidia-ml.so.1 is looked up by the dynamic loader)" : ")"));
    }

    /**
     * An entry an older jaccel wrote as {@value #OLD_FILE_NAME} for this same stage would make the
     * runtime run the hook twice: it is removed, and said so. Anything else of that name is left alone.
     */
    private void replaceOldEntry(Path old) {
        try {
            if (!Files.isRegularFile(old, LinkOption.NOFOLLOW_LINKS)
                    || !(JsonTree.read(Files.readAllBytes(old)) instanceof Map<?, ?> entry)
                    || !List.of(stage).equals(entry.get("stages"))
                    || !(entry.get("hook") instanceof Map<?, ?> hook)
                    || !List.of("jaccel", "hook", stage).equals(hook.get("args"))) {
                return;
            }
            Files.delete(old);
            spec.commandLine().getOut().println("removed " + old + " (an older jaccel's entry for the same stage)");
        } catch (IOException e) {
            // unreadable or not JSON: not ours to touch
        }
    }

    byte[] render(Path launcher) {
        List<String> env = new ArrayList<>(List.of(HOOK_PATH_ENV));
        addEnv(env, HostContext.ENV_HOST_ROOT, hostRoot);
        addEnv(env, HostContext.ENV_NVML_LIBRARY, nvmlLibrary);
        addEnv(env, HostContext.ENV_NRT_LIBRARY, nrtLibrary);
        addEnv(env, InventorySnapshot.ENV_SNAPSHOT, snapshot);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(bytes)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("version", "1.0.0");
            g.writeObjectFieldStart("hook");
            g.writeStringField("path", launcher.toString());
            JsonTree.writeStrings(g, "args", List.of("jaccel", "hook", stage));
            JsonTree.writeStrings(g, "env", env);
            // a hook that never ends would hold the container start forever (runtime-spec config.md:
            // "timeout", in seconds); jaccel's own helper has a 10 s deadline inside it
            g.writeNumberField("timeout", HOOK_TIMEOUT_SECONDS);
            g.writeEndObject();
            g.writeObjectFieldStart("when");
            if (always) {
                g.writeBooleanField("always", true);
            } else {
                g.writeObjectFieldStart("annotations");
                g.writeStringField(annotation, ".*");
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeArrayFieldStart("stages");
            g.writeString(stage);
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private static void addEnv(List<String> env, String key, String value) {
        if (value != null && !value.isBlank()) {
            env.add(key + "=" + value);
        }
    }
}
