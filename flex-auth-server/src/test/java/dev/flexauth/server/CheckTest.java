package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/check} with well-formed requests: the decision envelope, 200 for allow and deny. */
class CheckTest {
    static TestServer server;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.config());
        engine = EngineLoader.defaults().load(TestServer.REGISTRY, TestServer.POLICY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Every row of the ops-warden Examples table, over HTTP: the server decides as the package promises. */
    @TestFactory
    Stream<DynamicTest> every_example_of_the_ops_warden_package() {
        return engine.policy().examples().stream().map(example -> DynamicTest.dynamicTest(
                "line " + example.pos().line() + ": " + example.description(), () -> {
                    Reply r = server.check(TestJson.MAPPER.writeValueAsString(example.request()));

                    assertEquals(200, r.status(), r::toString);
                    assertEquals(example.effect().label(), r.json().path("effect").asText(), r::toString);
                    assertEquals(example.reason(), r.json().path("reason").asText(), r::toString);
                }));
    }

    @ParameterizedTest(name = "{0} may sign as {2} for up to {3} h")
    @CsvSource({
        "adm-example, iam:adm-example, adm-full, 48",
        "agt-codex-interhub-bootstrap, agt-codex-interhub-bootstrap, agt-interhub-bootstrap, 2",
        "agt-state-hub-bridge, iam:agt-state-hub-bridge, agt-task-bridge, 24",
        "atm-backup-daily, iam:atm-backup-daily, atm-backup-daily, 8",
    })
    void every_real_actor_is_allowed_with_its_principal_and_max_ttl(String actor, String subject, String principal, int maxTtl) {
        Reply r = server.check("{\"actor\":\"" + actor + "\",\"subject\":\"" + subject + "\",\"action\":\"ssh.sign\"}");

        assertEquals(200, r.status(), r::toString);
        JsonNode d = r.json();
        assertEquals("allow", d.path("effect").asText());
        assertEquals("signing_policy_matched", d.path("reason").asText());
        assertEquals("flex-auth", d.path("backend").asText());
        assertTrue(d.path("decision_id").asText().matches("decision:[0-9a-f]{16}"), d::toString);
        assertEquals(principal, d.path("outputs").path("principal").asText());
        assertEquals(maxTtl, d.path("outputs").path("max_ttl_hours").asInt());
        assertEquals(engine.policy().digest(), d.path("policy").path("digest").asText());
        assertEquals("ops-warden.ssh-signing", d.path("policy").path("package").asText());
        assertEquals(engine.registry().digest(), d.path("registry").path("digest").asText());
        assertEquals(4, d.path("registry").path("entities").path("actor").asInt());
        assertFalse(d.has("explain"));
    }

    @ParameterizedTest(name = "{0} over its max TTL is denied")
    @CsvSource({"adm-example, 49", "agt-codex-interhub-bootstrap, 3", "agt-state-hub-bridge, 25", "atm-backup-daily, 9"})
    void every_real_actor_over_its_max_ttl_is_denied_with_200(String actor, int ttl) {
        Reply r = server.check("{\"actor\":\"" + actor + "\",\"subject\":\"" + actor + "\",\"action\":\"ssh.sign\",\"ttl_hours\":" + ttl + "}");

        assertEquals(200, r.status(), r::toString);
        assertEquals("deny", r.json().path("effect").asText());
        assertEquals("ttl_out_of_bounds", r.json().path("reason").asText());
        assertEquals(0, r.json().path("outputs").size());
    }

    @Test
    void an_unknown_actor_is_denied_not_refused() {
        Reply r = server.check("{\"actor\":\"agt-not-inventoried\",\"subject\":\"iam:agt-not-inventoried\",\"action\":\"ssh.sign\"}");

        assertEquals(200, r.status());
        assertEquals("deny", r.json().path("effect").asText());
        assertEquals("unknown_actor_resource", r.json().path("reason").asText());
    }

    @Test
    void explain_true_adds_the_rules_evaluated_up_to_the_match() {
        Reply r = server.post("/v1/check?explain=true", "application/json",
                "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:adm-example\",\"action\":\"ssh.sign\"}".getBytes());

        assertEquals(200, r.status(), r::toString);
        JsonNode rules = r.json().path("explain").path("rules");
        assertEquals(3, rules.size(), r::toString);
        assertEquals("not matched", rules.get(0).path("outcome").asText(), r::toString);
        JsonNode last = rules.get(2);
        assertEquals("subject_not_bound", last.path("reason").asText());
        assertEquals("matched", last.path("outcome").asText());
        assertEquals("subject_not_bound", r.json().path("reason").asText());
    }

    @Test
    void explain_false_is_the_plain_envelope() {
        Reply r = server.post("/v1/check?explain=false", "application/json",
                "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}".getBytes());

        assertEquals(200, r.status());
        assertFalse(r.json().has("explain"));
    }

    @Test
    void each_decision_has_its_own_id() {
        String body = "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}";
        String first = server.check(body).json().path("decision_id").asText();
        String second = server.check(body).json().path("decision_id").asText();

        assertFalse(first.equals(second), first);
    }

    @Test
    void a_charset_parameter_of_utf_8_is_accepted() {
        Reply r = server.post("/v1/check", "application/json; charset=UTF-8",
                "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}".getBytes());

        assertEquals(200, r.status(), r::toString);
        assertEquals("allow", r.json().path("effect").asText());
    }

    @Test
    void null_leaves_an_optional_field_absent() {
        Reply r = server.check("{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":null}");

        assertEquals(200, r.status(), r::toString);
        assertEquals(Map.of("principal", "adm-full", "max_ttl_hours", 48),
                TestJson.MAPPER.convertValue(r.json().path("outputs"), Map.class));
    }
}
