package dev.jaccel.hook.start;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * runc's command line, read only as far as the shim needs: the subcommand, and for {@code create}
 * and {@code run} the bundle. Grammar (runc 1.1 main.go / create.go / run.go, urfave/cli v1):
 * global flags come before the subcommand, each spelt {@code -x}, {@code --x}, {@code --x=v} or
 * {@code --x v}; the value-taking globals are {@code --root --log --log-format --criu --rootless},
 * and the first positional argument (or the one after {@code --}) is the subcommand. The
 * subcommand's flags may stand before or after the container id, because urfave/cli v1
 * ({@code command.go} {@code reorderArgs}) moves them in front of it for Go's {@code flag} package,
 * up to a bare {@code --}; {@code --bundle/-b}, {@code --console-socket}, {@code --pid-file},
 * {@code --preserve-fds} take a value, the next argument whatever it looks like, and the last one
 * wins. {@code -} alone is an argument, not a flag. The bundle defaults to the working directory.
 * (runc refuses a create/run with other than one positional argument; the table of command lines in
 * the tests is checked against runc itself.)
 *
 * @param subcommand the first positional argument, empty when there is none (e.g. {@code runc --version})
 * @param bundle     for create/run: the bundle directory (absolute)
 * @param preserveFds for create/run: {@code --preserve-fds N}, 0 when absent
 * @param log         the global {@code --log FILE}, where runc writes its own errors (containerd's
 *                    runc shim reads the last one from there to report a failed create)
 * @param jsonLog     the global {@code --log-format json}
 */
public record RuntimeArgs(Optional<String> subcommand, Optional<Path> bundle, int preserveFds, Optional<Path> log,
                          boolean jsonLog) {
    private static final Set<String> GLOBAL_VALUE_FLAGS = Set.of("root", "log", "log-format", "criu", "rootless");
    private static final Set<String> CREATE_VALUE_FLAGS = Set.of("bundle", "b", "console-socket", "pid-file",
            "preserve-fds");

    /** Whether the shim edits the spec for this subcommand (NVIDIA's shim: create only; runc run creates too). */
    public boolean editsSpec() {
        return subcommand.filter(s -> s.equals("create") || s.equals("run")).isPresent();
    }

    public static RuntimeArgs parse(List<String> args, Path cwd) {
        int i = skipFlags(args, 0, GLOBAL_VALUE_FLAGS);
        String log = globalValue(args, i, "log");
        Optional<Path> logFile = log == null || log.isEmpty() ? Optional.empty() : Optional.of(cwd.resolve(log));
        boolean json = "json".equals(globalValue(args, i, "log-format"));
        if (i >= args.size()) {
            return new RuntimeArgs(Optional.empty(), Optional.empty(), 0, logFile, json);
        }
        String sub = args.get(i);
        if (!sub.equals("create") && !sub.equals("run")) {
            return new RuntimeArgs(Optional.of(sub), Optional.empty(), 0, logFile, json);
        }
        String bundle = null;
        int preserve = 0;
        for (int j = i + 1; j < args.size(); j++) {
            String a = args.get(j);
            if (a.equals("--")) {
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                continue; // the container id: flags after it are still the subcommand's
            }
            String name = flagName(a);
            String value = null;
            int eq = a.indexOf('=');
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else if (CREATE_VALUE_FLAGS.contains(name) && j + 1 < args.size()) {
                value = args.get(++j);
            }
            if (value != null && (name.equals("bundle") || name.equals("b"))) {
                bundle = value;
            } else if (value != null && name.equals("preserve-fds")) {
                try {
                    preserve = Math.max(0, Integer.parseInt(value.trim()));
                } catch (NumberFormatException e) {
                    preserve = 0; // runc will refuse it itself
                }
            }
        }
        Path dir = bundle == null || bundle.isEmpty() ? cwd : cwd.resolve(bundle);
        return new RuntimeArgs(Optional.of(sub), Optional.of(dir.toAbsolutePath().normalize()), preserve, logFile, json);
    }

    /** The value of global flag {@code name} among {@code args[0..end)}, the last one winning; null when absent. */
    private static String globalValue(List<String> args, int end, String name) {
        String value = null;
        for (int j = 0; j < end && j < args.size(); j++) {
            String a = args.get(j);
            if (!a.startsWith("-") || a.equals("--")) {
                continue;
            }
            if (flagName(a).equals(name)) {
                int eq = a.indexOf('=');
                value = eq > 0 ? a.substring(eq + 1) : j + 1 < end ? args.get(++j) : null;
            } else if (a.indexOf('=') < 0 && GLOBAL_VALUE_FLAGS.contains(flagName(a))) {
                j++;   // another flag's value
            }
        }
        return value;
    }

    private static int skipFlags(List<String> args, int from, Set<String> valueFlags) {
        int i = from;
        while (i < args.size()) {
            String a = args.get(i);
            if (a.equals("--")) {
                return i + 1;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                return i;
            }
            if (a.indexOf('=') < 0 && valueFlags.contains(flagName(a))) {
                i++;
            }
            i++;
        }
        return i;
    }

    private static String flagName(String arg) {
        String s = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
        int eq = s.indexOf('=');
        return eq < 0 ? s : s.substring(0, eq);
    }
}
