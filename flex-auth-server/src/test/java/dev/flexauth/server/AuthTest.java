package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens: one for the check endpoints, another for the admin endpoint, neither opening the other. */
class AuthTest {
    static final String VALID = "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}";
    static final String CHECK_TOKEN = "check-0123456789abcdef";
    static final String ADMIN_TOKEN = "admin-fedcba9876543210";

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path check = Files.writeString(dir.resolve("check.token"), "  " + CHECK_TOKEN + "\n");
        Path admin = Files.writeString(dir.resolve("admin.token"), ADMIN_TOKEN + "\r\n");
        server = TestServer.start(TestServer.config().withTokenFile(check).withAdminTokenFile(admin));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void check_without_a_token_is_401_with_www_authenticate() {
        Reply r = server.check(VALID);

        assertEquals(401, r.status());
        assertEquals("unauthorized", r.error());
        assertEquals("/v1/check needs the check token as \"Authorization: Bearer <token>\"", r.message());
        assertEquals("Bearer realm=\"flex-auth\"", r.header("WWW-Authenticate"));
    }

    @Test
    void check_with_a_wrong_token_is_401() {
        assertEquals(401, server.check(VALID, "Authorization", "Bearer " + CHECK_TOKEN + "x").status());
        assertEquals(401, server.check(VALID, "Authorization", "Bearer " + CHECK_TOKEN.substring(1)).status());
        assertEquals(401, server.check(VALID, "Authorization", "Basic " + CHECK_TOKEN).status());
        assertEquals(401, server.check(VALID, "Authorization", "Bearer").status());
    }

    @Test
    void check_with_the_token_from_the_trimmed_file_is_decided() {
        Reply r = server.check(VALID, "Authorization", "Bearer " + CHECK_TOKEN);

        assertEquals(200, r.status(), r::toString);
        assertEquals("allow", r.json().path("effect").asText());
    }

    @Test
    void the_scheme_is_case_insensitive() {
        assertEquals(200, server.check(VALID, "Authorization", "bearer " + CHECK_TOKEN).status());
    }

    @Test
    void the_admin_token_does_not_open_check() {
        assertEquals(401, server.check(VALID, "Authorization", "Bearer " + ADMIN_TOKEN).status());
    }

    @Test
    void the_check_token_does_not_open_admin() {
        Reply r = server.post("/v1/admin/reload", null, new byte[0], "Authorization", "Bearer " + CHECK_TOKEN);

        assertEquals(401, r.status());
        assertEquals("/v1/admin/reload needs the admin token as \"Authorization: Bearer <token>\"", r.message());
    }

    @Test
    void the_admin_token_opens_admin() {
        Reply r = server.post("/v1/admin/reload", null, new byte[0], "Authorization", "Bearer " + ADMIN_TOKEN);

        assertEquals(200, r.status(), r::toString);
        assertEquals("accepted", r.json().path("result").asText());
    }

    @Test
    void health_and_metrics_stay_open() {
        assertEquals(200, server.get("/healthz").status());
        assertEquals(200, server.get("/metrics").status());
    }

    @Test
    void tokens_never_reach_the_server_log() {
        server.check(VALID, "Authorization", "Bearer " + CHECK_TOKEN);
        server.check(VALID, "Authorization", "Bearer wrong-token-value");

        assertTrue(!server.serverLog().contains(CHECK_TOKEN) && !server.serverLog().contains("wrong-token-value"));
    }

    @Test
    void the_same_token_for_both_refuses_to_start(@TempDir Path tmp) throws Exception {
        Path a = Files.writeString(tmp.resolve("a"), "same-token");
        Path b = Files.writeString(tmp.resolve("b"), "same-token\n");

        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config().withTokenFile(a).withAdminTokenFile(b)));

        assertEquals(List.of("--token-file and --admin-token-file hold the same token, so the check token would open the admin"
                + " endpoint; give each its own token"), e.problems());
    }

    @Test
    void an_empty_or_missing_token_file_refuses_to_start(@TempDir Path tmp) throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty"), " \n");
        Path missing = tmp.resolve("missing");

        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config().withTokenFile(empty).withAdminTokenFile(missing)));

        assertEquals(2, e.problems().size(), e::getMessage);
        assertEquals("--token-file " + empty + ": the token file is empty; write the token into it", e.problems().get(0));
        assertTrue(e.problems().get(1).startsWith("--admin-token-file " + missing + ": cannot read the token file (NoSuchFileException"),
                e.problems().get(1));
    }
}
