package dev.jaccel.neuron;

import java.util.List;

/**
 * The runtime's {@code nrt_instance_info_t}: instance family and size as the enum names of
 * {@code nrt.h} ({@code NRT_INSTANCE_*}, {@code NRT_INSTANCE_SIZE_*}, without the prefix).
 */
public record NrtInstanceInfo(int familyCode, int sizeCode, String archName, String deviceRevision) {
    // position = numeric value (docs/neuron-semantics.md §1.3)
    private static final List<String> FAMILIES = List.of("UNKNOWN", "INF1", "TRN1", "TRN1N", "INF2", "TRN2",
            "TRN2N", "INF2E", "TRN2P", "TRN2U", "TRN2E", "TRN2EU", "TRN2AC", "TRN2UAC", "TRN3", "TRN3PDS98");
    // UNKNOWN's number moves when sizes are added before it: only the known sizes are named
    private static final List<String> SIZES = List.of("1XL", "2XL", "4XL", "6XL", "8XL", "24XL", "32XL", "48XL", "3XL");

    /** {@code TRN1}, ..., or {@code unknown(n)}. */
    public String family() {
        return familyCode >= 0 && familyCode < FAMILIES.size() ? FAMILIES.get(familyCode) : "unknown(" + familyCode + ")";
    }

    /** {@code 32XL}, ..., or {@code unknown(n)}. */
    public String size() {
        return sizeCode >= 0 && sizeCode < SIZES.size() ? SIZES.get(sizeCode) : "unknown(" + sizeCode + ")";
    }
}
