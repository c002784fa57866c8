package dev.jaccel.deviceplugin.resources;

/** How Allocate tells the runtime which devices a container gets. */
public enum DeviceListStrategy {
    /** visible-device variables, injected by jaccel's runc shim or hooks */
    envvar,
    /** fully qualified CDI names in {@code cdi_devices}, applied by a CDI-enabled containerd or CRI-O */
    cdi_cri;

    /** The spelling on the command line ({@code cdi-cri}). */
    @Override
    public String toString() {
        return name().replace('_', '-');
    }
}
