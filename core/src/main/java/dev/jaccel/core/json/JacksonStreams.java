package dev.jaccel.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The one jackson-core factory for the JSON jaccel writes (and the CLI's streaming reads). A class
 * of its own so that reading JSON on the container-start path ({@link JsonTree#read}, which does
 * not use jackson) never initialises jackson: building the factory costs 1-1.5 ms in a cold JVM.
 */
public final class JacksonStreams {
    /** Shared, thread-safe; streaming parsers and generators only. */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();

    private JacksonStreams() {
    }
}
