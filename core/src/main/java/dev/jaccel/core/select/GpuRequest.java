package dev.jaccel.core.select;

import java.util.List;

/** What a container's visible-device list asks of NVIDIA (docs/nvidia-container-semantics.md §1.1). */
public sealed interface GpuRequest {
    /** Unset, empty or {@code void}: not a GPU container at all. */
    record NotRequested() implements GpuRequest {
    }

    /** {@code none}: driver files and control nodes, no GPU. */
    record NoGpu() implements GpuRequest {
    }

    /** {@code all}: every GPU and MIG device. */
    record All() implements GpuRequest {
    }

    /** Specific identifiers, trimmed, empty entries dropped, in the order given. */
    record Ids(List<String> ids) implements GpuRequest {
        public Ids {
            ids = List.copyOf(ids);
        }
    }

    GpuRequest NOT_REQUESTED = new NotRequested();
    GpuRequest NO_GPU = new NoGpu();
    GpuRequest ALL = new All();
}
