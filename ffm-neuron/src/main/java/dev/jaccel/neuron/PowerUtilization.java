package dev.jaccel.neuron;

/**
 * A Neuron device's power over the last minute, as a percentage of its maximum: sysfs
 * {@code stats/power/utilization}, {@code <status>,<timestamp>,<min>,<max>,<avg>} (aws-neuron-sdk
 * {@code tools/neuron-sys-tools/neuron-sysfs-user-guide.rst}).
 *
 * @param status {@code POWER_STATUS_VALID}, {@code POWER_STATUS_NO_DATA} or {@code POWER_STATUS_INVALID}
 */
public record PowerUtilization(String status, long timestampEpochSeconds, double minPercent, double maxPercent,
                               double averagePercent) {

    public boolean valid() {
        return "POWER_STATUS_VALID".equals(status);
    }

    /** Parses the file's line; {@code null} when it does not have that shape. */
    static PowerUtilization parse(String line) {
        String[] f = line.strip().split(",");
        if (f.length != 5) {
            return null;
        }
        try {
            return new PowerUtilization(f[0].strip(), Long.parseLong(f[1].strip()), Double.parseDouble(f[2].strip()),
                    Double.parseDouble(f[3].strip()), Double.parseDouble(f[4].strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
