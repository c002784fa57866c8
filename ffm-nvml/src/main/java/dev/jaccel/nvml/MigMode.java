package dev.jaccel.nvml;

/**
 * MIG mode: a change stays {@code pending} until the GPU is reset. MIG is in effect only when
 * {@code current} is true (docs/nvml.md §10 fact 9).
 */
public record MigMode(boolean current, boolean pending) {
}
