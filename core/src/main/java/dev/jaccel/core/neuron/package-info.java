/**
 * AWS Neuron selectors: {@code AWS_NEURON_VISIBLE_DEVICES} and {@code NEURON_RT_VISIBLE_CORES},
 * resolved against the host's devices and renumbered for the container
 * ({@link dev.jaccel.core.neuron.NeuronSelector}).
 */
package dev.jaccel.core.neuron;
