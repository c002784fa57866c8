package dev.jaccel.hook.cli;

import picocli.CommandLine;

/**
 * A command that only groups subcommands ({@code jaccel}, {@code cdi}, {@code inventory},
 * {@code config}): given none, it is bad usage naming the ones there are.
 */
abstract class CommandGroup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: give one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
