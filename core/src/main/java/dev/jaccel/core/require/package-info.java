/**
 * {@code NVIDIA_REQUIRE_*}: collection ({@link dev.jaccel.core.require.Requirements}), the DSL
 * ({@link dev.jaccel.core.require.RequirementParser}), per-GPU evaluation with NVIDIA's failure text
 * ({@link dev.jaccel.core.require.RequirementChecker}), opt-in CUDA minor-version compatibility, and
 * the CUDA forward-compatibility decision read from a libcuda's ELF note
 * ({@link dev.jaccel.core.require.CudaForwardCompatibility}); and the Neuron runtime/driver rules
 * ({@link dev.jaccel.core.require.NeuronRules}) over the versions of a host
 * ({@link dev.jaccel.core.require.NeuronFacts}).
 */
package dev.jaccel.core.require;
