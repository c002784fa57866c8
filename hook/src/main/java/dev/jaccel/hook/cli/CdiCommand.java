package dev.jaccel.hook.cli;

import picocli.CommandLine.Command;

/** {@code jaccel cdi ...}: Container Device Interface specs. */
@Command(name = "cdi", mixinStandardHelpOptions = true, description = "Container Device Interface (CDI) specs for podman, containerd, CRI-O and Docker.",
        subcommands = {CdiGenerateCommand.class})
public final class CdiCommand extends CommandGroup {
}
