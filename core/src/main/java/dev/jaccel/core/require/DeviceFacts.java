package dev.jaccel.core.require;

/**
 * The values requirements are tested against, for one selected GPU (or none). {@code null} means
 * unknown, which makes the factors about it pass, like libnvidia-container does.
 *
 * @param gpu a label for the message ({@code GPU 0 (GPU-...)}), {@code null} with no GPU selected
 */
public record DeviceFacts(String driver, String cuda, String brand, String arch, String gpu) {
    /** Host values only: for {@code NVIDIA_VISIBLE_DEVICES=none}, where arch and brand always pass. */
    public static DeviceFacts hostOnly(String driver, String cuda) {
        return new DeviceFacts(driver, cuda, null, null, null);
    }

    /** {@code driver 550.54.15, cuda 12.4, brand Tesla, arch 8.0 (GPU 0 GPU-...)}. */
    public String describe() {
        return "driver " + orUnknown(driver) + ", cuda " + orUnknown(cuda) + ", brand " + orUnknown(brand)
                + ", arch " + orUnknown(arch) + (gpu == null ? " (no GPU selected)" : " (" + gpu + ")");
    }

    private static String orUnknown(String v) {
        return v == null ? "unknown" : v;
    }
}
