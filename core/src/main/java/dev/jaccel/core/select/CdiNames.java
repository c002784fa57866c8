package dev.jaccel.core.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fully qualified CDI device names ({@code vendor/class=name}, cncf-tags/container-device-interface
 * {@code SPEC.md}) as they arrive in annotations and device mounts, sorted by the kinds jaccel
 * provides: {@code nvidia.com/gpu} (and the toolkit's jit-cdi kind {@code runtime.nvidia.com/gpu})
 * and {@code aws.amazon.com/neuron}.
 */
public final class CdiNames {
    public static final List<String> NVIDIA_KINDS = List.of("nvidia.com/gpu", "runtime.nvidia.com/gpu");
    public static final String NEURON_KIND = "aws.amazon.com/neuron";

    private CdiNames() {
    }

    public static boolean isQualified(String name) {
        int eq = name.indexOf('=');
        return eq > 0 && name.lastIndexOf('/', eq) > 0;
    }

    /** The device part of a name of {@code kind}, empty for other kinds and bare names. */
    public static Optional<String> deviceOf(String name, String kind) {
        return name.startsWith(kind + "=") ? Optional.of(name.substring(kind.length() + 1)) : Optional.empty();
    }

    /** NVIDIA's entries: bare ids as they are, NVIDIA-kind names unqualified; other kinds dropped. */
    public static List<String> nvidia(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!isQualified(n)) {
                out.add(n);
            } else {
                NVIDIA_KINDS.stream().map(k -> deviceOf(n, k)).flatMap(Optional::stream).findFirst().ifPresent(out::add);
            }
        }
        return out;
    }

    /** The device parts of {@code aws.amazon.com/neuron} names. */
    public static List<String> neuron(List<String> names) {
        return names.stream().map(n -> deviceOf(n, NEURON_KIND)).flatMap(Optional::stream).toList();
    }

    /** Qualified names of kinds jaccel does not provide (left to the runtime's CDI support). */
    public static List<String> foreign(List<String> names) {
        return names.stream().filter(CdiNames::isQualified)
                .filter(n -> NVIDIA_KINDS.stream().noneMatch(k -> n.startsWith(k + "=")))
                .filter(n -> !n.startsWith(NEURON_KIND + "=")).toList();
    }
}
