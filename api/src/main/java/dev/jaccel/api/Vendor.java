package dev.jaccel.api;

/** The accelerator vendors jaccel speaks to. */
public enum Vendor {
    /** GPUs through NVML ({@code libnvidia-ml.so.1}). */
    NVIDIA,
    /** Inferentia and Trainium through the Neuron driver's files and libnrt. */
    NEURON
}
