package dev.flexauth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.TestFiles;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The envelope and the decision-log record name the snapshot's generated_at; the record names the instance. */
class DecisionJsonTest {
    private static final Engine ENGINE = TestFiles.opsWarden();

    private static Decision allow() throws Exception {
        return ENGINE.check(Request.of(ENGINE.policy().request(), Map.of(
                "actor", "agt-state-hub-bridge", "subject", "iam:agt-state-hub-bridge", "action", "ssh.sign", "ttl_hours", 24L)));
    }

    @Test
    void theEnvelopeNamesTheSnapshotsGeneratedAt() throws Exception {
        JsonNode e = Json.mapper().readTree(DecisionJson.envelope(allow()));
        assertEquals(List.of("digest", "generated_at", "entities"), names(e.get("registry")));
        assertEquals("2026-06-23T00:00:00Z", e.at("/registry/generated_at").textValue());
    }

    @Test
    void aServersRecordNamesItsInstanceAndAnEmbeddedOneDoesNot() throws Exception {
        Instant t = Instant.parse("2026-12-07T04:00:00Z");
        Decision allow = allow();
        JsonNode served = record(DecisionJson.logBody(allow, t, 42, "flex-auth-7d9f-abcde"));
        assertEquals(List.of("time", "instance", "decision_id", "effect", "reason", "request", "outputs", "policy", "registry",
                "duration_us"), names(served));
        assertEquals("flex-auth-7d9f-abcde", served.get("instance").textValue());
        assertEquals("2026-06-23T00:00:00Z", served.at("/registry/generated_at").textValue());
        JsonNode embedded = record(DecisionJson.logBody(allow, t, 42));
        assertFalse(embedded.has("instance"), embedded.toString());
        assertEquals(allow.decisionId(), embedded.get("decision_id").textValue());
    }

    private static JsonNode record(byte[] body) throws Exception {
        return Json.mapper().readTree("{" + new String(body, StandardCharsets.UTF_8) + "}");
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
