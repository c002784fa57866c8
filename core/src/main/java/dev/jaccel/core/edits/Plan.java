package dev.jaccel.core.edits;

import java.util.List;

/**
 * The outcome of resolving a container's request against the host: the selected ids (GPU UUIDs,
 * MIG UUIDs, {@code neuron<N>}) and the edits that inject them. Nothing requested: no ids, no edits.
 *
 * @param warnings things the user should know that do not stop the container (one line each)
 */
public record Plan(List<String> selected, ContainerEdits edits, List<String> warnings) {
    public static final Plan NOTHING = new Plan(List.of(), ContainerEdits.NONE, List.of());

    public Plan {
        selected = List.copyOf(selected);
        warnings = List.copyOf(warnings);
    }
}
