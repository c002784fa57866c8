package dev.jaccel.examples;

import dev.jaccel.api.Jaccel;
import dev.jaccel.nvml.CudaVersion;

/**
 * Exits 3 when the driver's CUDA version is older than the one given ({@code CheckCuda 12.8}),
 * the check a service makes before it loads a CUDA 12.8 build of its framework.
 */
public final class CheckCuda {
    private CheckCuda() {
    }

    public static void main(String[] args) {
        CudaVersion needed = CudaVersion.parse(args.length > 0 ? args[0] : "12.0");
        try (Jaccel jaccel = Jaccel.openNvidia()) {
            CudaVersion driver = jaccel.nvidia().cudaDriverVersion();
            System.out.println("driver " + jaccel.nvidia().driverVersion() + " supports CUDA " + driver);
            if (!driver.atLeast(needed)) {
                System.out.println("CUDA " + needed + " needs a newer driver");
                System.exit(3);
            }
            System.out.println("CUDA " + needed + ": ok");
        }
    }
}
