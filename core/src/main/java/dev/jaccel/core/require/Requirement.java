package dev.jaccel.core.require;

import java.util.List;

/**
 * One parsed {@code NVIDIA_REQUIRE_*} value: OR-terms (separated by spaces), each an AND of
 * factors (separated by commas). Separate variables are ANDed by the checker.
 *
 * @param source the variable it came from ({@code NVIDIA_REQUIRE_CUDA}, or {@code CUDA_VERSION}
 *               for a legacy image's implicit requirement)
 * @param text   the value as written
 * @param terms  the OR-terms; {@code termTexts} holds each as written, for the failure message
 */
public record Requirement(String source, String text, List<List<Factor>> terms, List<String> termTexts) {
    public Requirement {
        terms = terms.stream().map(List::copyOf).toList();
        termTexts = List.copyOf(termTexts);
    }
}
