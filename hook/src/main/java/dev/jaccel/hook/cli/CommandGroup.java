package dev.jaccel.hook.cli;

import picocli.CommandLine;

/** What a command that only groups subcommands ({@code jaccel}, {@code cdi}, {@code inventory}) says when given none. */
final class MissingSubcommand {
    private MissingSubcommand() {
    }

    static CommandLine.ParameterException of(CommandLine.Model.CommandSpec spec) {
        return new CommandLine.ParameterException(spec.commandLine(), "Missing command: give one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
