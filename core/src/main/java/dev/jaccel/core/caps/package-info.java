/**
 * {@code NVIDIA_DRIVER_CAPABILITIES} and what each capability brings into a container: control
 * nodes ({@link dev.jaccel.core.caps.ControlNodes}) and driver files found under the host root
 * ({@link dev.jaccel.core.caps.DriverFiles}).
 */
package dev.jaccel.core.caps;
