package dev.flexauth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.flexauth.TestFiles;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docs/registry.schema.json} is what generators in other languages validate against: it
 * must accept the snapshots flex-auth accepts, and refuse the shapes flex-auth refuses.
 */
class RegistryJsonSchemaTest {
    private static final Schema SCHEMA;

    static {
        try {
            SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(TestFiles.root().resolve("docs/registry.schema.json")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Error> validate(String json) throws Exception {
        JsonNode node = TestJson.MAPPER.readTree(json);
        return SCHEMA.validate(node);
    }

    @Test
    void theProductionExampleIsValid() throws Exception {
        assertEquals(List.of(), validate(Files.readString(TestFiles.opsWardenRegistry())));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"format\":\"flex-auth/registry\",\"format_version\":2,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"actor\":[{\"id\":\"\"}]}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"actor\":[{\"id\":\" a\"}]}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"actor\":[{\"id\":\"a\",\"n\":1.5}]}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"actor\":[{\"id\":\"a\",\"m\":{\"k\":1}}]}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"actor\":[{\"id\":\"a\",\"l\":[\"x\",3]}]}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"bad kind\":[]}}",
        "{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":{\"system\":\"x\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{},\"extra\":1}"
    })
    void shapesTheLoaderRefusesTheSchemaRefusesToo(String json) throws Exception {
        assertFalse(validate(json).isEmpty(), json);
        org.junit.jupiter.api.Assertions.assertThrows(RegistryException.class,
                () -> RegistryLoader.defaults().load(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "t.json"));
    }
}
