/**
 * NVIDIA device selection with the toolkit's semantics: where the list comes from
 * ({@link dev.jaccel.core.select.NvidiaRequestSources}: CDI annotations, device mounts, env), what
 * it means ({@link dev.jaccel.core.select.NvidiaVisibleDevices}: void, none, all, ids), and which
 * GPUs and MIG devices it names ({@link dev.jaccel.core.select.GpuResolver}). Unknown devices are
 * exit 3, malformed entries exit 2.
 */
package dev.jaccel.core.select;
