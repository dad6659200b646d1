package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases of the AuthZEN Authorization API 1.0 certification scenario (openid/authzen,
 * {@code certification/authorization-api-1_0-scenario.md}: Basic C.2, Batch C.3, Search C.4,
 * Transport C.5, Discovery C.6), each test named after its case, walked against the real server
 * loaded with the scenario's fixture ({@code examples/authzen-certification/}), over HTTP and over
 * HTTPS.
 */
class AuthzenCertificationTest {
    private static final Path FIXTURE = Path.of("..", "examples", "authzen-certification").toAbsolutePath().normalize();
    private static final String ALICE = "{\"type\":\"user\",\"id\":\"alice\"}";
    private static final String BOB = "{\"type\":\"user\",\"id\":\"bob\"}";
    private static final String RECORD_1 = "{\"type\":\"record\",\"id\":\"record-1\"}";
    private static final String RECORD_2 = "{\"type\":\"record\",\"id\":\"record-2\"}";
    private static final String ARCHIVED_2 = "{\"type\":\"record\",\"id\":\"record-2\",\"properties\":{\"status\":\"archived\"}}";
    private static final String READ = "{\"name\":\"read\"}";
    private static final String WRITE = "{\"name\":\"write\"}";

    @TempDir
    static Path dir;

    static String tuple(String subject, String action, String resource) {
        return "{\"subject\":" + subject + ",\"action\":" + action + ",\"resource\":" + resource + "}";
    }

    /** The cases, against whichever server {@link #server()} is. */
    abstract static class Cases {
        abstract TestServer server();

        Reply post(String path, String body, String... headers) {
            return server().post(path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
        }

        Reply evaluation(String body, String... headers) {
            return post("/access/v1/evaluation", body, headers);
        }

        Reply evaluations(String body) {
            return post("/access/v1/evaluations", body);
        }

        /** HTTP 200, JSON, a boolean decision (C.2.3.1), an object context if any (C.2.3.2); the decision. */
        static boolean decision(Reply r) {
            assertEquals(200, r.status(), r.body());
            assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
            JsonNode d = r.json().get("decision");
            assertTrue(d != null && d.isBoolean(), "decision is a boolean: " + r.body());
            JsonNode context = r.json().get("context");
            assertTrue(context == null || context.isObject(), "context is an object: " + r.body());
            return d.booleanValue();
        }

        /** HTTP 200 with an evaluations array, each item a boolean decision (C.3.3.3); the decisions in order. */
        static List<Boolean> decisions(Reply r) {
            assertEquals(200, r.status(), r.body());
            assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
            JsonNode items = r.json().get("evaluations");
            assertTrue(items != null && items.isArray(), r.body());
            List<Boolean> out = new ArrayList<>();
            for (JsonNode item : items) {
                assertTrue(item.path("decision").isBoolean(), "each item has a boolean decision: " + r.body());
                assertTrue(item.get("context") == null || item.get("context").isObject(), r.body());
                out.add(item.get("decision").booleanValue());
            }
            return out;
        }

        static void status400(Reply r) {
            assertEquals(400, r.status(), r.body());
            assertTrue(r.error() != null && !r.message().isEmpty(), "an error body that says what to fix: " + r.body());
        }

        // ------------------------------------------------------------ C.2 Basic: Access Evaluation

        @Test
        @DisplayName("C.2.2.1 fixture request, permit (rule 1)")
        void c_2_2_1() {
            assertEquals(true, decision(evaluation(tuple(ALICE, READ, RECORD_1))));
        }

        @Test
        @DisplayName("C.2.2.2 fixture request, deny (rule 4)")
        void c_2_2_2() {
            assertEquals(false, decision(evaluation(tuple(BOB, WRITE, RECORD_1))));
        }

        @Test
        @DisplayName("C.2.2.3 request with optional context")
        void c_2_2_3() {
            assertEquals(true, decision(evaluation("{\"subject\":" + ALICE + ",\"action\":" + READ + ",\"resource\":" + RECORD_1
                    + ",\"context\":{\"time\":\"2025-06-27T18:03-07:00\",\"ip\":\"192.168.1.1\"}}")));
        }

        @Test
        @DisplayName("C.2.2.4 deny based on resource properties (rule 5)")
        void c_2_2_4() {
            assertEquals(false, decision(evaluation(tuple(ALICE, WRITE, ARCHIVED_2))));
        }

        @Test
        @DisplayName("C.2.2.5 permit based on subject properties (rule 6)")
        void c_2_2_5() {
            assertEquals(true, decision(evaluation(tuple("{\"type\":\"user\",\"id\":\"bob\",\"properties\":{\"role\":\"admin\"}}", WRITE,
                    ARCHIVED_2))));
        }

        @Test
        @DisplayName("C.2.2.6 permit based on action properties (rule 7)")
        void c_2_2_6() {
            assertEquals(true, decision(evaluation(tuple(ALICE, "{\"name\":\"delete\",\"properties\":{\"soft\":true}}", RECORD_1))));
        }

        @Test
        @DisplayName("C.2.2.7 deny based on action properties (rule 8)")
        void c_2_2_7() {
            assertEquals(false, decision(evaluation(tuple(ALICE, "{\"name\":\"delete\",\"properties\":{\"soft\":false}}", RECORD_1))));
        }

        @Test
        @DisplayName("C.2.2.8 request with additional properties")
        void c_2_2_8() {
            assertEquals(true, decision(evaluation(tuple("{\"type\":\"user\",\"id\":\"alice\",\"properties\":{\"department\":\"Sales\","
                    + "\"role\":\"manager\"}}", "{\"name\":\"read\",\"properties\":{\"method\":\"GET\"}}",
                    "{\"type\":\"record\",\"id\":\"record-1\",\"properties\":{\"status\":\"active\",\"owner\":\"bob\"}}"))));
        }

        @Test
        @DisplayName("C.2.2.9 request with unknown fields")
        void c_2_2_9() {
            assertEquals(true, decision(evaluation("{\"subject\":" + ALICE + ",\"action\":" + READ + ",\"resource\":" + RECORD_1
                    + ",\"foo\":\"bar\",\"futureField\":{\"nested\":true}}")));
        }

        @Test
        @DisplayName("C.2.3 response format: a boolean decision, an object context")
        void c_2_3() {
            Reply r = evaluation(tuple(ALICE, READ, RECORD_1));
            decision(r);
            assertTrue(r.json().get("context").isObject(), r.body());
        }

        @Test
        @DisplayName("C.2.4.1 missing subject, action or resource is 400")
        void c_2_4_1() {
            status400(evaluation("{\"action\":" + READ + ",\"resource\":" + RECORD_1 + "}"));
            status400(evaluation("{\"subject\":" + ALICE + ",\"resource\":" + RECORD_1 + "}"));
            status400(evaluation("{\"subject\":" + ALICE + ",\"action\":" + READ + "}"));
        }

        @Test
        @DisplayName("C.2.4.2 missing type, id or name is 400")
        void c_2_4_2() {
            status400(evaluation(tuple("{\"id\":\"alice\"}", READ, RECORD_1)));
            status400(evaluation(tuple("{\"type\":\"user\"}", READ, RECORD_1)));
            status400(evaluation(tuple(ALICE, "{}", RECORD_1)));
            status400(evaluation(tuple(ALICE, READ, "{\"id\":\"record-1\"}")));
            status400(evaluation(tuple(ALICE, READ, "{\"type\":\"record\"}")));
        }

        @Test
        @DisplayName("C.2.4.3 a Content-Type other than application/json is 400")
        void c_2_4_3() {
            byte[] body = tuple(ALICE, READ, RECORD_1).getBytes(StandardCharsets.UTF_8);
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16")) {
                for (String path : List.of("/access/v1/evaluation", "/access/v1/evaluations")) {
                    status400(server().post(path, type, body));
                }
            }
            status400(server().post("/access/v1/evaluation", null, body));
        }

        @Test
        @DisplayName("C.2.4.4 malformed JSON is 400")
        void c_2_4_4() {
            status400(evaluation("{\"subject\":{\"type\":\"user\",\"id\":\"alice\"},"));
            status400(evaluation("not json"));
        }

        @Test
        @DisplayName("C.2.4.5 an empty body is 400")
        void c_2_4_5() {
            status400(evaluation(""));
            status400(evaluations(""));
        }

        @Test
        @DisplayName("C.2.4.6 invalid field types are 400")
        void c_2_4_6() {
            status400(evaluation(tuple("\"alice\"", READ, RECORD_1)));
            status400(evaluation(tuple(ALICE, "{\"name\":123}", RECORD_1)));
        }

        @Test
        @DisplayName("C.2.5.1 X-Request-ID is echoed")
        void c_2_5_1() {
            for (String id : List.of("bfe9eb29-ab87-4ca3-be83-a1d5d8305716", "req 42; retry=1")) {
                Reply r = evaluation(tuple(ALICE, READ, RECORD_1), "X-Request-ID", id);
                decision(r);
                assertEquals(id, r.header("X-Request-ID"));
            }
        }

        @Test
        @DisplayName("C.2.5.2 no X-Request-ID does not fail")
        void c_2_5_2() {
            assertEquals(true, decision(evaluation(tuple(ALICE, READ, RECORD_1))));
        }

        @Test
        @DisplayName("C.2.6 idempotency: the same request, the same decision")
        void c_2_6() {
            for (int i = 0; i < 5; i++) {
                assertEquals(true, decision(evaluation(tuple(ALICE, READ, RECORD_1))));
                assertEquals(false, decision(evaluation(tuple(BOB, WRITE, RECORD_1))));
            }
        }

        // ------------------------------------------------------------ C.3 Batch: Access Evaluations

        @Test
        @DisplayName("C.3.2.1 batch with an evaluations array")
        void c_3_2_1() {
            assertEquals(2, decisions(evaluations("{\"subject\":" + ALICE + ",\"action\":" + READ + ",\"evaluations\":[{\"resource\":"
                    + RECORD_1 + "},{\"resource\":" + RECORD_2 + "}]}")).size());
        }

        @Test
        @DisplayName("C.3.2.2 batch with fixture decisions validated, in order")
        void c_3_2_2() {
            assertEquals(List.of(true, false), decisions(evaluations("{\"subject\":" + BOB + ",\"resource\":" + RECORD_1
                    + ",\"evaluations\":[{\"action\":" + READ + "},{\"action\":" + WRITE + "}]}")));
        }

        @Test
        @DisplayName("C.3.2.3 batch with resource properties validated")
        void c_3_2_3() {
            assertEquals(List.of(true, false), decisions(evaluations("{\"subject\":" + ALICE + ",\"action\":" + WRITE
                    + ",\"evaluations\":[{\"resource\":{\"type\":\"record\",\"id\":\"record-1\",\"properties\":{\"status\":\"active\"}}},"
                    + "{\"resource\":" + ARCHIVED_2 + "}]}")));
        }

        @Test
        @DisplayName("C.3.2.4 batch with subject properties validated")
        void c_3_2_4() {
            assertEquals(List.of(false, true), decisions(evaluations("{\"action\":" + WRITE + ",\"resource\":" + ARCHIVED_2
                    + ",\"evaluations\":[{\"subject\":" + ALICE + "},{\"subject\":{\"type\":\"user\",\"id\":\"bob\","
                    + "\"properties\":{\"role\":\"admin\"}}}]}")));
        }

        @Test
        @DisplayName("C.3.2.5 batch with fully specified evaluations")
        void c_3_2_5() {
            assertEquals(List.of(true, false), decisions(evaluations("{\"evaluations\":[" + tuple(ALICE, READ, RECORD_1) + ","
                    + tuple(BOB, WRITE, RECORD_1) + "]}")));
        }

        @Test
        @DisplayName("C.3.2.6 batch with context inheritance")
        void c_3_2_6() {
            assertEquals(2, decisions(evaluations("{\"subject\":" + ALICE + ",\"action\":" + READ + ",\"context\":{\"time\":"
                    + "\"2025-06-27T18:03-07:00\"},\"evaluations\":[{\"resource\":" + RECORD_1 + "},{\"resource\":" + RECORD_2
                    + ",\"context\":{\"time\":\"2025-06-27T19:00-07:00\",\"source\":\"batch-override\"}}]}")).size());
        }

        @Test
        @DisplayName("C.3.2.7 batch with default value merging (the item's resource takes the default type)")
        void c_3_2_7() {
            assertEquals(List.of(true, false), decisions(evaluations("{\"subject\":" + ALICE + ",\"action\":" + WRITE
                    + ",\"resource\":{\"type\":\"record\"},\"evaluations\":[{\"resource\":{\"id\":\"record-1\",\"properties\":"
                    + "{\"status\":\"active\"}}},{\"resource\":" + ARCHIVED_2 + "}]}")));
        }

        @Test
        @DisplayName("C.3.3 response format: as many items as asked, in order, no top-level decision")
        void c_3_3() {
            StringBuilder items = new StringBuilder();
            List<Boolean> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                boolean read = i % 3 != 0;
                items.append(i == 0 ? "" : ",").append("{\"action\":").append(read ? READ : WRITE).append('}');
                expected.add(read);
            }
            Reply r = evaluations("{\"subject\":" + BOB + ",\"resource\":" + RECORD_1 + ",\"evaluations\":[" + items + "]}");
            assertEquals(expected, decisions(r));
            assertEquals(null, r.json().get("decision"), "C.3.3.4: no top-level decision beside the evaluations");
        }

        @Test
        @DisplayName("C.3.4.1 an evaluation-level error is a false item, the batch is 200")
        void c_3_4_1() {
            Reply r = evaluations("{\"subject\":" + ALICE + ",\"action\":" + READ + ",\"evaluations\":[{\"resource\":" + RECORD_1
                    + "},{}]}");
            assertEquals(List.of(true, false), decisions(r));
            assertTrue(r.json().at("/evaluations/1/context/error").isObject(), r.body());
            status400(evaluations("{\"subject\":" + ALICE + ",\"evaluations\":[{\"resource\":"));
        }

        @Test
        @DisplayName("C.3.4.2 no evaluations array: answered as one evaluation")
        void c_3_4_2() {
            Reply r = evaluations(tuple(ALICE, READ, RECORD_1));
            assertEquals(true, decision(r));
            assertEquals(null, r.json().get("evaluations"), r.body());
        }

        @Test
        @DisplayName("C.3.4.3 an empty evaluations array: answered as one evaluation")
        void c_3_4_3() {
            Reply r = evaluations("{\"subject\":" + ALICE + ",\"action\":" + READ + ",\"resource\":" + RECORD_1 + ",\"evaluations\":[]}");
            assertEquals(true, decision(r));
            assertEquals(null, r.json().get("evaluations"), r.body());
        }

        // ------------------------------------------------------------ C.4 Search

        Reply search(String kind, String body) {
            return post("/access/v1/search/" + kind, body);
        }

        /**
         * HTTP 200 JSON with a {@code results} array, each item of {@code type} with an id (or, for
         * actions, {@code type} null, with a name); a {@code page}, if any, an object whose
         * {@code next_token}, if any, is a string (C.4.5.1). The ids or names, in order.
         */
        static List<String> results(Reply r, String type) {
            assertEquals(200, r.status(), r.body());
            assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
            JsonNode results = r.json().get("results");
            assertTrue(results != null && results.isArray(), "results is an array: " + r.body());
            List<String> out = new ArrayList<>();
            for (JsonNode item : results) {
                if (type == null) {
                    assertTrue(item.path("name").isTextual(), "each action has a name: " + r.body());
                    out.add(item.get("name").textValue());
                } else {
                    assertEquals(type, item.path("type").textValue(), "each result is of the searched type: " + r.body());
                    assertTrue(item.path("id").isTextual(), "each result has an id: " + r.body());
                    out.add(item.get("id").textValue());
                }
            }
            JsonNode page = r.json().get("page");
            assertTrue(page == null || page.isObject(), "page is an object: " + r.body());
            assertTrue(page == null || page.get("next_token") == null || page.get("next_token").isTextual(),
                    "next_token is a string: " + r.body());
            return out;
        }

        static void includes(List<String> found, String... expected) {
            assertTrue(found.containsAll(List.of(expected)), "expected at least " + List.of(expected) + ", got " + found);
        }

        @Test
        @DisplayName("C.4.2.1, C.4.2.3 subject search, no subject.id: users who may read record-1 include alice and bob")
        void c_4_2_1() {
            includes(results(search("subject", tuple("{\"type\":\"user\"}", READ, RECORD_1)), "user"), "alice", "bob");
        }

        @Test
        @DisplayName("C.4.2.2 subject search with context")
        void c_4_2_2() {
            includes(results(search("subject", "{\"subject\":{\"type\":\"user\"},\"action\":" + READ + ",\"resource\":" + RECORD_1
                    + ",\"context\":{\"time\":\"2025-06-27T18:03-07:00\",\"ip\":\"192.168.1.1\"}}"), "user"), "alice", "bob");
        }

        @Test
        @DisplayName("C.4.2.4 subject search with resource properties: who may write archived record-2 includes bob (rule 6)")
        void c_4_2_4() {
            includes(results(search("subject", tuple("{\"type\":\"user\"}", WRITE, ARCHIVED_2)), "user"), "bob");
        }

        @Test
        @DisplayName("C.4.3.1, C.4.3.2 resource search, no resource.id: records alice may read include record-1")
        void c_4_3_1() {
            includes(results(search("resource", tuple(ALICE, READ, "{\"type\":\"record\"}")), "record"), "record-1");
        }

        @Test
        @DisplayName("C.4.3.3 resource search with subject properties: records admin bob may write include record-2 (rule 6)")
        void c_4_3_3() {
            String admin = "{\"type\":\"user\",\"id\":\"bob\",\"properties\":{\"role\":\"admin\"}}";
            includes(results(search("resource", tuple(admin, WRITE, "{\"type\":\"record\"}")), "record"), "record-2");
        }

        @Test
        @DisplayName("C.4.4.1 action search, no action: what alice may do to record-1 includes read and write (rules 1, 2)")
        void c_4_4_1() {
            includes(results(search("action", "{\"subject\":" + ALICE + ",\"resource\":" + RECORD_1 + "}"), null), "read", "write");
        }

        @Test
        @DisplayName("C.4.4.2 action search with context")
        void c_4_4_2() {
            includes(results(search("action", "{\"subject\":" + ALICE + ",\"resource\":" + RECORD_1
                    + ",\"context\":{\"ip\":\"192.168.1.1\"}}"), null), "read", "write");
        }

        @Test
        @DisplayName("C.4.4.3 action search with properties: what admin bob may do to archived record-2 includes write (rule 6)")
        void c_4_4_3() {
            String admin = "{\"type\":\"user\",\"id\":\"bob\",\"properties\":{\"role\":\"admin\"}}";
            includes(results(search("action", "{\"subject\":" + admin + ",\"resource\":" + ARCHIVED_2 + "}"), null), "write");
        }

        @Test
        @DisplayName("C.4.5.1 to C.4.5.4 a page limit is taken; following next_token walks every result once, ending with \"\"")
        void c_4_5() {
            String body = "{\"subject\":{\"type\":\"user\"},\"action\":" + READ + ",\"resource\":" + RECORD_1;
            List<String> all = results(search("subject", body + "}"), "user");
            List<String> walked = new ArrayList<>();
            Reply r = search("subject", body + ",\"page\":{\"limit\":1}}");
            for (int pages = 0; ; pages++) {
                assertTrue(pages <= all.size(), "more pages than results: " + walked);
                List<String> page = results(r, "user");
                assertTrue(page.size() <= 1, "at most the limit: " + r.body());
                walked.addAll(page);
                JsonNode p = r.json().get("page");
                assertTrue(p != null && p.path("next_token").isTextual(), "a paged answer has page.next_token: " + r.body());
                String token = p.get("next_token").textValue();
                if (token.isEmpty()) {
                    break;
                }
                r = search("subject", body + ",\"page\":{\"token\":" + Json.writeAsciiString(token) + ",\"limit\":1}}");
            }
            assertEquals(all, walked);
        }

        @Test
        @DisplayName("C.4.6.1 an unknown entity id: an empty results array, not an error")
        void c_4_6_1() {
            assertEquals(List.of(), results(search("action", "{\"subject\":{\"type\":\"user\",\"id\":\"nonexistent-user\"},"
                    + "\"resource\":" + RECORD_1 + "}"), null));
        }

        @Test
        @DisplayName("C.4.6.2 an unknown entity type: an empty results array, not 400")
        void c_4_6_2() {
            assertEquals(List.of(), results(search("subject", tuple("{\"type\":\"spaceship\"}", READ, RECORD_1)), "spaceship"));
        }

        @Test
        @DisplayName("C.4.7.1 a search missing a required field is 400")
        void c_4_7_1() {
            status400(search("subject", "{\"subject\":{\"type\":\"user\"},\"resource\":" + RECORD_1 + "}"));
            status400(search("resource", "{\"action\":" + READ + ",\"resource\":{\"type\":\"record\"}}"));
            status400(search("action", "{\"subject\":" + ALICE + "}"));
        }

        @Test
        @DisplayName("C.4.7.2 a search missing a required sub-field is 400")
        void c_4_7_2() {
            status400(search("subject", tuple("{\"type\":\"user\"}", READ, "{\"type\":\"record\"}")));
            status400(search("resource", tuple("{\"type\":\"user\"}", READ, "{\"type\":\"record\"}")));
        }

        // ------------------------------------------------------------ C.5 Transport

        @Test
        @DisplayName("C.5 transport: JSON in, 200 JSON out, 400 for a missing field, X-Request-ID echoed, unknown fields ignored")
        void c_5() {
            Reply ok = evaluation("{\"subject\":" + ALICE + ",\"action\":" + READ + ",\"resource\":" + RECORD_1 + ",\"later\":1}",
                    "X-Request-ID", "c5");
            assertEquals(true, decision(ok));
            assertEquals("c5", ok.header("X-Request-ID"));
            decisions(evaluations("{\"evaluations\":[" + tuple(ALICE, READ, RECORD_1) + "],\"later\":{}}"));
            Reply missing = evaluation("{\"subject\":" + ALICE + ",\"action\":" + READ + "}", "X-Request-ID", "c5-missing");
            status400(missing);
            assertEquals("c5-missing", missing.header("X-Request-ID"));
        }

        // ------------------------------------------------------------ C.6 Discovery: PDP metadata

        @Test
        @DisplayName("C.6.1, C.6.2, C.6.6 the metadata endpoint answers 200 JSON at the well-known path")
        void c_6_1() {
            Reply r = server().get("/.well-known/authzen-configuration");
            assertEquals(200, r.status(), r.body());
            assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
            assertTrue(r.json().isObject(), r.body());
        }

        @Test
        @DisplayName("C.6.3, C.6.5 policy_decision_point is the base URL used; the endpoints are URLs of its scheme that answer")
        void c_6_3() {
            JsonNode m = server().get("/.well-known/authzen-configuration").json();
            String base = server().url("");
            assertEquals(base, m.path("policy_decision_point").textValue());
            URI pdp = URI.create(base);
            assertEquals(null, pdp.getRawQuery());
            assertEquals(null, pdp.getRawFragment());
            for (Map.Entry<String, String> e : Map.of("access_evaluation_endpoint", "/access/v1/evaluation",
                    "access_evaluations_endpoint", "/access/v1/evaluations").entrySet()) {
                URI endpoint = URI.create(m.path(e.getKey()).textValue());
                assertEquals(pdp.getScheme(), endpoint.getScheme(), e.getKey());
                assertEquals(base + e.getValue(), endpoint.toString(), e.getKey());
                assertNotEquals(404, post(endpoint.getPath(), tuple(ALICE, READ, RECORD_1)).status(), e.getKey());
            }
        }

        @Test
        @DisplayName("C.6.4 optional members, when present, are of the right shape")
        void c_6_4() {
            JsonNode m = server().get("/.well-known/authzen-configuration").json();
            for (String name : List.of("access_evaluations_endpoint", "search_subject_endpoint", "search_resource_endpoint",
                    "search_action_endpoint")) {
                JsonNode v = m.get(name);
                assertTrue(v == null || (v.isTextual() && v.textValue().startsWith(server().url("/"))), name + ": " + v);
            }
            JsonNode capabilities = m.get("capabilities");
            assertTrue(capabilities == null || capabilities.isArray(), "capabilities: " + capabilities);
        }
    }

    @Nested
    @DisplayName("over HTTP")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverHttp extends Cases {
        private TestServer server;

        @BeforeAll
        void start() throws Exception {
            server = TestServer.start(TestServer.config(FIXTURE.resolve("registry_snapshot.json"), FIXTURE.resolve("policy_package.md")));
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @Override
        TestServer server() {
            return server;
        }
    }

    @Nested
    @DisplayName("over HTTPS")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverHttps extends Cases {
        private TestServer server;

        @BeforeAll
        void start() throws Exception {
            // A self-signed certificate for 127.0.0.1, made with the running JDK's keytool, as TlsTest does.
            Path keystore = dir.resolve("certification.p12");
            Path passwordFile = Files.writeString(dir.resolve("certification.pass"), TlsTest.PASSWORD + "\n");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "flex-auth", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=flex-auth certification", "-ext", "SAN=ip:127.0.0.1",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", TlsTest.PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            server = TestServer.start(TestServer.config(FIXTURE.resolve("registry_snapshot.json"), FIXTURE.resolve("policy_package.md"))
                    .withTls(keystore, passwordFile), TlsTest.trusting(keystore));
            assertTrue(server.url("").startsWith("https://"));
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @Override
        TestServer server() {
            return server;
        }
    }
}
