package dev.flexauth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.TestFiles;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.RequestException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AuthZEN mapping on the ops-warden package, whose Request table declares where each field lives. */
class AuthzenJsonTest {
    private static final Engine ENGINE = TestFiles.opsWarden();

    private static Decision evaluate(String json) throws RequestException {
        return ENGINE.check(AuthzenJson.readEvaluation(json.getBytes(StandardCharsets.UTF_8), ENGINE.policy().request()));
    }

    private static RequestException refused(String json) {
        return assertThrows(RequestException.class, () -> evaluate(json));
    }

    private static final String BRIDGE = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},"
            + "\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"%s}%s}";

    @Test
    void aGatewayAsksTheSamePolicyAsWardenSign() throws Exception {
        Decision allow = evaluate(String.format(BRIDGE, "", ",\"context\":{\"ttl_hours\":24}"));
        assertEquals("allow signing_policy_matched", allow.effect() + " " + allow.reason());
        JsonNode response = Json.mapper().readTree(AuthzenJson.evaluationResponse(allow));
        assertEquals(true, response.get("decision").booleanValue());
        assertEquals("signing_policy_matched", response.at("/context/reason").textValue());
        assertEquals("agt-task-bridge", response.at("/context/outputs/principal").textValue());
        assertEquals(24, response.at("/context/outputs/max_ttl_hours").intValue());
        assertEquals(allow.decisionId(), response.at("/context/decision_id").textValue());
        assertEquals(ENGINE.registry().digest(), response.at("/context/registry/digest").textValue());
        assertEquals("2026-06-23T00:00:00Z", response.at("/context/registry/generated_at").textValue());

        Decision deny = evaluate(String.format(BRIDGE, ",\"properties\":{\"principal\":\"adm-full\"}", ",\"context\":{\"ttl_hours\":999}"));
        assertEquals("deny principal_not_allowed", deny.effect() + " " + deny.reason());
        JsonNode denied = Json.mapper().readTree(AuthzenJson.evaluationResponse(deny));
        assertEquals(false, denied.get("decision").booleanValue());
        assertEquals("A principal was asked for and it is not the actor's principal.", denied.at("/context/reason_admin/en").textValue());
    }

    @Test
    void anUnknownResourceIsAFalseDecisionNotAnError() throws Exception {
        Decision d = evaluate(BRIDGE.replace("\"id\":\"agt-state-hub-bridge\"", "\"id\":\"agt-nobody\"").formatted("", ""));
        assertEquals("deny unknown_actor_resource", d.effect() + " " + d.reason());
    }

    @Test
    void malformedRequestsAreRefusedWithTheMember() {
        assertEquals("missing \"resource\": an AuthZEN evaluation has a subject, an action and a resource",
                refused("{\"subject\":{\"type\":\"u\",\"id\":\"x\"},\"action\":{\"name\":\"ssh.sign\"}}").getMessage());
        assertEquals("missing \"subject.id\"",
                refused("{\"subject\":{\"type\":\"u\"},\"action\":{\"name\":\"a\"},\"resource\":{\"type\":\"r\",\"id\":\"x\"}}").getMessage());
        assertEquals("\"action.name\" must be a string",
                refused("{\"subject\":{\"type\":\"u\",\"id\":\"s\"},\"action\":{\"name\":7},\"resource\":{\"type\":\"r\",\"id\":\"x\"}}").getMessage());
        assertEquals("\"context.ttl_hours\" (field \"ttl_hours\") must be integer, got string",
                refused(String.format(BRIDGE, "", ",\"context\":{\"ttl_hours\":\"24\"}")).getMessage());
        assertEquals("\"context\" must be an object", refused(String.format(BRIDGE, "", ",\"context\":[]")).getMessage());
        assertEquals("member \"subject\" appears twice; send it once",
                refused("{\"subject\":{},\"subject\":{}}").getMessage());
        assertEquals("expected a JSON object (an AuthZEN evaluation request)", refused("[1]").getMessage());
    }

    @Test
    void unmappedMembersAreIgnoredWhateverTheirNamesAndMappedSecretsAreRefused() throws Exception {
        // A gateway forwards what it has; the package maps none of it, so none of it is read.
        Decision d = evaluate(String.format(BRIDGE, ",\"properties\":null", ",\"context\":{\"ttl_hours\":24,\"vault_token\":\"abc\","
                + "\"max_tokens\":512,\"headers\":{\"authorization\":\"Bearer eyJhbGciOiJIUzI1NiJ9.e30.x\",\"cookie\":\"sid=1\"}},"
                + "\"futureField\":{\"nested\":true}"));
        assertEquals("allow signing_policy_matched", d.effect() + " " + d.reason());
        assertEquals("{actor=agt-state-hub-bridge, subject=iam:agt-state-hub-bridge, action=ssh.sign, ttl_hours=24}",
                d.request().toMap().toString());
        RequestException shaped = refused(String.format(BRIDGE, ",\"properties\":{\"principal\":\"hvs.CAESIJ0123456789abcdefghijklmnop\"}", ""));
        assertEquals("secret_material", shaped.code().code());
    }

    @Test
    void nullWhereAnObjectIsOptionalIsAbsent() throws Exception {
        Decision d = evaluate(String.format(BRIDGE, ",\"properties\":null", ",\"context\":null"));
        assertEquals("allow signing_policy_matched", d.effect() + " " + d.reason());
        assertEquals("missing \"subject\": an AuthZEN evaluation has a subject, an action and a resource",
                refused("{\"subject\":null,\"action\":{\"name\":\"a\"},\"resource\":{\"type\":\"r\",\"id\":\"x\"}}").getMessage());
        String batch = String.format(BRIDGE, "", ",\"context\":{\"ttl_hours\":999},\"options\":null,\"evaluations\":[{\"context\":null},{}]");
        assertEquals(List.of("deny", "deny"), run(batch), "an item's null context is absent, so the default applies");
    }

    @Test
    void batchDefaultsAreReplacedWholeAndSemanticsShortCircuit() throws Exception {
        String body = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},\"action\":{\"name\":\"ssh.sign\"},"
                + "\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"},"
                + "\"options\":{\"evaluations_semantic\":\"%s\"},\"evaluations\":["
                + "{\"context\":{\"ttl_hours\":1}},"
                + "{\"context\":{\"ttl_hours\":999}},"
                + "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:adm-example\"},\"resource\":{\"type\":\"actor\",\"id\":\"adm-example\"}},"
                + "{\"resource\":{\"type\":\"actor\",\"id\":7}}]}";
        assertEquals(List.of("allow", "deny", "allow", "error"), run(body.formatted("execute_all")));
        assertEquals(List.of("allow", "deny"), run(body.formatted("deny_on_first_deny")));
        assertEquals(List.of("allow"), run(body.formatted("permit_on_first_permit")));
        RequestException bad = assertThrows(RequestException.class, () -> run(body.formatted("all_of_them")));
        assertEquals("options.evaluations_semantic is one of execute_all, deny_on_first_deny, permit_on_first_permit; got \"all_of_them\"",
                bad.getMessage());
    }

    @Test
    void anItemTakesOnlyTheIdentifyingMembersItLacksFromTheDefault() throws Exception {
        // Certification case C.3.2.7: type and id (name for the action) fall back; properties do not.
        String body = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},\"action\":{\"name\":\"ssh.sign\"},"
                + "\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\",\"properties\":{\"principal\":\"someone-else\"}},"
                + "\"evaluations\":[{\"resource\":{\"type\":\"actor\"}},{\"resource\":{\"id\":\"agt-state-hub-bridge\"},\"action\":{}},{}]}";
        assertEquals(List.of("allow", "allow", "deny"), run(body));
    }

    @Test
    void evaluationsWithoutItemsIsOneEvaluationWhoseErrorsAreThrown() throws Exception {
        AuthzenJson.Batch batch = AuthzenJson.readEvaluations(String.format(BRIDGE, "", ",\"evaluations\":[]")
                .getBytes(StandardCharsets.UTF_8), ENGINE.policy().request());
        assertTrue(batch.single());
        assertEquals(1, batch.items().size());
        assertThrows(RequestException.class, () -> AuthzenJson.readEvaluations("{\"evaluations\":[]}"
                .getBytes(StandardCharsets.UTF_8), ENGINE.policy().request()));
    }

    private static List<String> run(String body) throws RequestException {
        AuthzenJson.Batch batch = AuthzenJson.readEvaluations(body.getBytes(StandardCharsets.UTF_8), ENGINE.policy().request());
        return AuthzenJson.run(batch, ENGINE::check).stream()
                .map(r -> r instanceof Decision ? ((Decision) r).effect().label() : "error").toList();
    }

    @Test
    void metadataNamesTheEndpoints() throws Exception {
        JsonNode m = Json.mapper().readTree(AuthzenJson.metadata("https://pdp.example"));
        assertEquals("https://pdp.example", m.get("policy_decision_point").textValue());
        assertEquals("https://pdp.example", m.get("issuer").textValue());
        assertEquals("https://pdp.example/access/v1/evaluation", m.get("access_evaluation_endpoint").textValue());
        assertEquals("https://pdp.example/access/v1/evaluations", m.get("access_evaluations_endpoint").textValue());
    }
}
