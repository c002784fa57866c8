package dev.jaccel.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/java-api.md shows code from the examples: each block marked {@code <!-- example: Name -->}
 * must still be lines of {@code Name.java}, so the guide cannot drift from programs the suite runs.
 */
class JavaApiGuideTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- example: (\\w+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyMarkedSnippetIsPartOfItsExample() throws IOException {
        String guide = Files.readString(Path.of("../docs/java-api.md"));
        Matcher m = BLOCK.matcher(guide);
        List<String> checked = new ArrayList<>();
        while (m.find()) {
            String source = Files.readString(Path.of("src/main/java/dev/jaccel/examples", m.group(1) + ".java"));
            List<String> lines = source.lines().map(String::strip).toList();
            for (String line : m.group(2).lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
                assertTrue(lines.contains(line), m.group(1) + ".java no longer has: " + line);
            }
            checked.add(m.group(1));
        }
        assertEquals(List.of("ListDevices", "PickGpu", "CheckCuda", "Metrics", "NeuronCores", "Errors", "Threads"), checked);
    }
}
