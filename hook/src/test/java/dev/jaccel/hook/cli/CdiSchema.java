package dev.jaccel.hook.cli;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.util.List;

/** The CDI JSON schema (src/test/resources/cdi-schema, draft-07) through a real validator. */
final class CdiSchema {
    private static final Schema SCHEMA = load();

    private CdiSchema() {
    }

    /** The validator's messages for {@code json}; empty when it is a valid CDI spec. */
    static List<String> errors(String json) {
        return SCHEMA.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    private static Schema load() {
        // by location, so that schema.json's "$ref": "defs.json#/..." resolves beside it
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of("classpath:cdi-schema/schema.json"));
    }
}
