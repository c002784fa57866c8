/**
 * jaccel's one configuration file, {@code /etc/jaccel/config.toml} ({@code --config FILE} or
 * {@code JACCEL_CONFIG} point elsewhere; an absent default file means the defaults). Keys that mean
 * the same as in nvidia-container-toolkit's {@code config.toml} keep NVIDIA's names
 * (nvidia-container-toolkit {@code api/config/v1/config.go}, {@code runtime.go}, {@code features.go}).
 * {@link dev.jaccel.core.config.JaccelConfig} is the effective configuration as plain records;
 * only {@link dev.jaccel.core.config.ConfigFile} touches TOML (jackson-dataformat-toml, and with it
 * jackson-databind), so code that receives a {@code JaccelConfig} loads neither.
 */
package dev.jaccel.core.config;
