package dev.jaccel.hook.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jaccel cdi ...}: Container Device Interface specs. */
@Command(name = "cdi", mixinStandardHelpOptions = true, description = "Container Device Interface (CDI) specs for podman, containerd, CRI-O and Docker.",
        subcommands = {CdiGenerateCommand.class})
public final class CdiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }
}
