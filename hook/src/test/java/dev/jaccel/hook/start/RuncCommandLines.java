package dev.jaccel.hook.start;

import org.junit.jupiter.params.provider.CsvSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * runc's command-line grammar as one table, read by every parser of it: {@link RuntimeArgs}
 * ({@code RuntimeArgsTest}), the {@code runtime} section of {@code bin/jaccel}
 * ({@code LauncherEndToEndTest}) and runc 1.1 itself ({@code RuncCommandLinesEndToEndTest}), so they
 * cannot drift apart.
 *
 * <p>Columns: the arguments after {@code runc} (split at spaces; paths are relative to the test's
 * folders, the working directory is {@code /cwd}) | the subcommand | for {@code create}/{@code run}
 * the bundle | {@code --preserve-fds} | whether runc accepts the command line ({@code accepts}: it
 * goes on to read the bundle; {@code refuses}: "Incorrect Usage" or an unknown command), for
 * {@code create}/{@code run} and the unknown command only. {@code (none)} is an absent value.
 *
 * <p>The grammar (runc 1.1 main.go, create.go, run.go; urfave/cli v1.22 {@code command.go}
 * {@code reorderArgs} and Go's {@code flag} package): global flags come before the subcommand and
 * {@code --} ends them; a subcommand's flags may stand before or after the container id
 * (urfave/cli moves them in front of it) up to a bare {@code --}; a value-taking flag without
 * {@code =} takes the next argument whatever it looks like; {@code -} alone is not a flag; the last
 * {@code --bundle} wins.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@CsvSource(delimiter = '|', nullValues = "(none)", value = {
        // args | subcommand | bundle | preserve-fds | runc
        "create --bundle /b id | create | /b | 0 | accepts",
        "create -b /b id | create | /b | 0 | accepts",
        "create --bundle=/b id | create | /b | 0 | accepts",
        "create -b=rel id | create | /cwd/rel | 0 | accepts",
        "create --b /b id | create | /b | 0 | accepts",
        "create --b=/b id | create | /b | 0 | accepts",
        "create id | create | /cwd | 0 | accepts",
        "run --detach --pid-file /p --bundle /b id | run | /b | 0 | accepts",
        "--root /run/x --log /l --log-format json --systemd-cgroup create --console-socket /s -b /b id | create | /b | 0 | accepts",
        "--root=/run/x --debug create --preserve-fds 2 --bundle /b id | create | /b | 2 | accepts",
        "-root /r -log /l create -b /b id | create | /b | 0 | accepts",
        "--rootless auto run --no-pivot id | run | /cwd | 0 | accepts",
        "--root create run id | run | /cwd | 0 | accepts",
        // a value-taking flag takes the next argument, even one that looks like a flag
        "create --pid-file --bundle id | create | /cwd | 0 | accepts",
        "create --bundle -x id | create | /cwd/-x | 0 | accepts",
        // flags after the container id are the subcommand's too
        "create id --bundle /b | create | /b | 0 | accepts",
        "run id --detach -b /b --preserve-fds 3 | run | /b | 3 | accepts",
        "create id --bundle /a --bundle /b | create | /b | 0 | accepts",
        "create - --bundle /b | create | /b | 0 | accepts",
        // -- ends the flags
        "create --bundle /b -- id | create | /b | 0 | accepts",
        "create --no-pivot -- id | create | /cwd | 0 | accepts",
        "create id -- --bundle /b | create | /cwd | 0 | refuses",
        "-- run -b /b id | run | /b | 0 | accepts",
        // a bool flag's next argument is the id, which ends Go's flag parsing: runc refuses the rest
        "run -d id --bundle /b | run | /b | 0 | refuses",
        "- create -b /b id | - | (none) | 0 | refuses",
        "start id | start | (none) | 0 | (none)",
        "--root /r delete -f id | delete | (none) | 0 | (none)",
        "--log /l state --bundle /b | state | (none) | 0 | (none)",
        "--version | (none) | (none) | 0 | (none)",
})
public @interface RuncCommandLines {
}
