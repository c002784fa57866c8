package dev.jaccel.deviceplugin.resources;

import java.util.List;

/**
 * One extended resource the plugin serves on its own socket, e.g. {@code nvidia.com/gpu}.
 *
 * @param name    the resource name registered with the kubelet
 * @param devices what it advertises, in a stable order
 */
public record Resource(String name, List<PluginDevice> devices) {
    public static final String NVIDIA_GPU = "nvidia.com/gpu";
    public static final String NVIDIA_MIG_PREFIX = "nvidia.com/mig-";
    public static final String NEURON = "aws.amazon.com/neuron";
    public static final String NEURON_CORE = "aws.amazon.com/neuroncore";

    public Resource {
        devices = List.copyOf(devices);
    }

    /** The socket file name in the plugin directory: {@code jaccel-nvidia.com-gpu.sock}. */
    public String endpoint() {
        return "jaccel-" + name.replace('/', '-') + ".sock";
    }

    public PluginDevice device(String id) {
        for (PluginDevice d : devices) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        return null;
    }
}
