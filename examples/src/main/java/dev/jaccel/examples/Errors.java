package dev.jaccel.examples;

import dev.jaccel.api.Jaccel;
import dev.jaccel.api.JaccelOptions;
import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.nvml.NvmlException;
import dev.jaccel.nvml.NvmlReturn;

/**
 * The failures a service meets and how it tells them apart: no driver library, native access
 * denied, a GPU the process may not open, a GPU that fell off the bus. All unchecked; branch on the
 * reason or the code, never on the text.
 */
public final class Errors {
    private Errors() {
    }

    public static void main(String[] args) {
        try (Jaccel none = Jaccel.openNvidia(JaccelOptions.fromEnvironment().withNvmlLibrary("/nonexistent/libnvidia-ml.so.1"))) {
            System.out.println("unexpected: " + none);
        } catch (LibraryUnavailableException e) {
            switch (e.reason()) {
                case NOT_FOUND -> System.out.println("no NVML: " + e.getMessage());
                case NATIVE_ACCESS_DENIED -> System.out.println("start java with --enable-native-access: " + e.getMessage());
            }
        }
        try (Jaccel jaccel = Jaccel.openNvidia()) {
            jaccel.nvidia().devices().failures().forEach((index, e) -> System.out.println("GPU " + index + ": "
                    + (e.is(NvmlReturn.NO_PERMISSION) ? "belongs to another container" : e.codeName())));
            try {
                jaccel.nvidia().device(jaccel.nvidia().deviceCount());   // one past the last index
            } catch (NvmlException e) {
                System.out.println(e.function() + " -> " + e.codeName() + " (" + e.code() + ")");
            }
        }
    }
}
