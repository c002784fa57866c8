package dev.jaccel.core.model;

/** The one rule for device ids in the model: a device without its id does not exist here. */
final class Ids {
    private Ids() {
    }

    /** @throws IllegalArgumentException naming {@code device} when {@code id} is null or blank */
    static void require(String id, String device) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(device + " has no UUID: a device is named by its UUID in plans and "
                    + "CDI specs, so one without it cannot be described");
        }
    }
}
