package dev.jaccel.api;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.neuron.NrtLibrary;
import dev.jaccel.nvml.NvmlLibrary;

import java.util.Optional;

/**
 * Run in a JVM that denies native access: loads NVML or libnrt ({@code args[0]}) from {@code args[1]}
 * and prints what the binding reports, one line: {@code REASON|library|message}.
 */
public final class NativeAccessProbe {
    private NativeAccessProbe() {
    }

    public static void main(String[] args) {
        try {
            if (args[0].equals("nvml")) {
                NvmlLibrary.load(args[1]);
            } else {
                NrtLibrary.load(Optional.of(args[1]));
            }
            System.out.println("LOADED");
        } catch (LibraryUnavailableException e) {
            System.out.println(e.reason() + "|" + e.library() + "|" + e.getMessage());
        }
    }
}
