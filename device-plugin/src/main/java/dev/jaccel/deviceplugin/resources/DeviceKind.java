package dev.jaccel.deviceplugin.resources;

/** What one advertised device id stands for. */
public enum DeviceKind {
    /** a whole NVIDIA GPU, id = its UUID */
    GPU,
    /** a MIG device, id = its MIG UUID */
    MIG,
    /** a whole Neuron device, id = {@code neuron<N>} */
    NEURON,
    /** one NeuronCore, id = {@code neuroncore<global core id>} */
    NEURON_CORE
}
