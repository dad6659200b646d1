package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.server.ServerConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, access: a server process with TLS (a keystore made at test time), a check token, an
 * admin token and a decision log. Only the right token of the right kind opens an endpoint (every
 * near miss tried: no header, empty, each single character changed, cut short, extended, another
 * scheme, the other kind, two headers); plain HTTP on the TLS port is refused and decides nothing;
 * and the configured secrets (both tokens, the keystore password) and the secret material of the
 * requests (credential-named members, key- or token-shaped values, wrong tokens sent) never appear
 * in the server log, the decision log, or any answer. AuthTest and TlsTest hold the single cases;
 * the tokens are compared in constant time by construction (both sides hashed with SHA-256, then
 * MessageDigest.isEqual, see BearerToken), which a test over the network cannot measure.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class AccessTest {
    @TempDir
    static Path dir;
    static String checkToken;
    static String adminToken;
    static String keystorePassword;
    static Path log;
    static ServedProcess server;
    static SSLContext trust;
    static final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    static final String ALLOW = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";
    static final String EVALUATION = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},\"action\":{\"name\":"
            + "\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"}}";

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @BeforeAll
    static void start() throws Exception {
        checkToken = random(32);
        adminToken = random(32);
        keystorePassword = "ks-" + random(12);
        Path keystore = dir.resolve("server.p12");
        Path passwordFile = Files.writeString(dir.resolve("keystore.pass"), keystorePassword + "\n");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "flex-auth", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=flex-auth access test",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass:file", passwordFile.toString()).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        Path check = Files.writeString(dir.resolve("check.token"), checkToken + "\n");
        Path admin = Files.writeString(dir.resolve("admin.token"), adminToken + "\n");
        log = dir.resolve("decisions.jsonl");
        server = ServedProcess.start(List.of("-Xmx128m"), List.of("--registry", InProcessServer.REGISTRY.toString(), "--policy",
                InProcessServer.POLICY.toString(), "--addr", "127.0.0.1:0", "--log", log.toString(), "--token-file", check.toString(),
                "--admin-token-file", admin.toString(), "--tls-keystore", keystore.toString(), "--tls-password-file",
                passwordFile.toString(), "--read-timeout", "3", "--no-watch", "--no-sighup"));
        trust = trusting(keystore);
        silent = new Thread(() -> {
            long opened = System.nanoTime();
            try (Wire w = Wire.open(server.port())) {
                if (w.closedByServer()) {
                    silentClosedAfterMillis.set((System.nanoTime() - opened) / 1_000_000);
                }
            }
        }, "silent-tls-client");
        silent.start();
    }

    /** A TLS client that connects and never says hello, watched from the start so that its wait overlaps the other tests. */
    static Thread silent;
    static final java.util.concurrent.atomic.AtomicLong silentClosedAfterMillis = new java.util.concurrent.atomic.AtomicLong(-1);

    @AfterAll
    static void stop() {
        server.close();
    }

    static SSLContext trusting(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, keystorePassword.toCharArray());
        }
        KeyStore t = KeyStore.getInstance("PKCS12");
        t.load(null, null);
        t.setCertificateEntry("server", ks.getCertificate("flex-auth"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(t);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private static Answer tls(byte[] request) {
        try (Wire w = Wire.openTls(server.port(), trust)) {
            Answer a = w.send(request).read();
            answers.add(a);
            return a;
        }
    }

    /** Requests on one TLS connection while the server keeps it open (a handshake per request would dominate). */
    private static final class KeepAlive implements AutoCloseable {
        private Wire wire;

        Answer send(byte[] request) {
            if (wire == null) {
                wire = Wire.openTls(server.port(), trust);
            }
            Answer a = wire.send(request).read();
            answers.add(a);
            if (!a.answered() || "close".equalsIgnoreCase(a.header("Connection")) || a.source() == Answer.Source.JDK) {
                close();
            }
            return a;
        }

        @Override
        public void close() {
            if (wire != null) {
                wire.close();
                wire = null;
            }
        }
    }

    private static byte[] post(String path, byte[] body, String header) {
        List<String> h = new ArrayList<>(List.of("Content-Type: application/json", "Content-Length: " + body.length));
        if (header != null) {
            h.add(header);
        }
        return Wire.concat(Wire.head("POST", path, h.toArray(String[]::new)).getBytes(StandardCharsets.ISO_8859_1), body);
    }

    /** Every near miss of a token, and the spellings of the right one that HTTP allows. */
    private static Map<String, List<String>> authorizations(String right, String other) {
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < right.length(); i++) {
            char c = right.charAt(i);
            wrong.add("Authorization: Bearer " + right.substring(0, i) + (c == 'a' ? 'b' : 'a') + right.substring(i + 1));
        }
        wrong.addAll(List.of("Authorization: Bearer " + right.substring(0, right.length() - 1), "Authorization: Bearer " + right + "0",
                "Authorization: Bearer " + right.toUpperCase(Locale.ROOT), "Authorization: Bearer " + other,
                "Authorization: Bearer " + random(32), "Authorization: Bearer", "Authorization: Bearer ", "Authorization: ",
                "Authorization: Basic " + Base64.getEncoder().encodeToString(("x:" + right).getBytes(StandardCharsets.UTF_8)),
                "Authorization: Token " + right, "Authorization: " + right, "Authorization: Bearer " + right + " " + right,
                "Authorization: Bearer " + right + "\r\nAuthorization: Bearer " + other,
                "Authorization: Bearer " + other + "\r\nAuthorization: Bearer " + right, "X-Authorization: Bearer " + right));
        // The scheme is case-insensitive (RFC 9110 11.1); the JDK turns a tab in a header into a space.
        List<String> rightOnes = List.of("Authorization: Bearer " + right, "Authorization: bearer " + right,
                "Authorization: BEARER " + right, "Authorization: Bearer   " + right + "  ", "Authorization: Bearer\t" + right);
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("refused", wrong);
        m.put("accepted", rightOnes);
        return m;
    }

    @Test
    void only_the_right_token_of_the_right_kind_opens_each_endpoint() {
        Map<String, Integer> outcomes = new TreeMap<>();
        int requests = 0;
        KeepAlive connection = new KeepAlive();
        Map<String, String[]> endpoints = new LinkedHashMap<>();
        endpoints.put("/v1/check", new String[] {ALLOW, checkToken, adminToken});
        endpoints.put("/access/v1/evaluation", new String[] {EVALUATION, checkToken, adminToken});
        endpoints.put("/access/v1/evaluations", new String[] {EVALUATION, checkToken, adminToken});
        endpoints.put("/v1/admin/reload", new String[] {"", adminToken, checkToken});
        for (Map.Entry<String, String[]> e : endpoints.entrySet()) {
            String path = e.getKey();
            byte[] body = e.getValue()[0].getBytes(StandardCharsets.UTF_8);
            boolean admin = path.equals("/v1/admin/reload");
            Map<String, List<String>> variants = authorizations(e.getValue()[1], e.getValue()[2]);
            variants.get("refused").add(0, null);
            for (String expect : List.of("refused", "accepted")) {
                for (String header : variants.get(expect)) {
                    Answer a = connection.send(post(path, body, header));
                    requests++;
                    boolean opened = admin ? a.status() == 200 : a.grants();
                    outcomes.merge(path + " " + expect + " " + a.label(), 1, Integer::sum);
                    if (expect.equals("accepted")) {
                        assertTrue(opened, () -> path + " with " + header + ": " + a);
                    } else {
                        assertFalse(opened, () -> path + " with " + header + ": " + a);
                        assertTrue(a.status() == 401 || (a.source() == Answer.Source.JDK && a.status() == 400), () -> header + ": " + a);
                        if (a.status() == 401) {
                            assertEquals("Bearer realm=\"flex-auth\"", a.header("WWW-Authenticate"));
                        }
                    }
                }
            }
        }
        connection.close();
        Figures.of("access-tokens").put("requests", requests).put("outcomes", outcomes).print();
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void plain_http_on_the_tls_port_gets_no_http_answer_and_decides_nothing() throws Exception {
        long linesBefore = Files.readAllLines(log).size();
        byte[] request = Wire.post("/v1/check", ALLOW.getBytes(StandardCharsets.UTF_8), "Authorization: Bearer " + checkToken);
        byte[] reply;
        long start = System.nanoTime();
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(8000);
            s.getOutputStream().write(request);
            reply = s.getInputStream().readAllBytes();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        silent.join(10_000);
        long silentMillis = silentClosedAfterMillis.get();
        Figures.of("access-plain-http-on-tls").put("reply_bytes", reply.length).put("closed_after_ms", millis)
                .put("silent_handshake_closed_after_ms", silentMillis).print();

        assertFalse(new String(reply, StandardCharsets.ISO_8859_1).startsWith("HTTP/"), "an HTTP answer on the TLS port");
        assertEquals(linesBefore, Files.readAllLines(log).size(), "a plain-text request was decided");
        assertTrue(silentMillis >= 0 && silentMillis < 3000 + 2500, () -> "a silent TLS connection lasted " + silentMillis + " ms");
    }

    @Test
    void secrets_never_reach_the_server_log_the_decision_log_or_an_answer() throws Exception {
        String marker = random(12);
        List<String> material = new ArrayList<>();
        String bearer = "Authorization: Bearer " + checkToken;
        // Credential-named members, in the check body and anywhere in an AuthZEN body.
        for (String name : List.of("password", "api_token", "private_key", "client_secret", "session_id", "apiKey", "Authorization")) {
            String value = "v-" + name + "-" + marker;
            material.add(value);
            tls(Wire.post("/v1/check", (ALLOW.substring(0, ALLOW.length() - 1) + ",\"" + name + "\":\"" + value + "\"}")
                    .getBytes(StandardCharsets.UTF_8), bearer));
            tls(Wire.post("/access/v1/evaluation", EVALUATION.replace("\"action\":", "\"context\":{\"" + name + "\":\"" + value
                    + "\"},\"action\":").getBytes(StandardCharsets.UTF_8), bearer));
        }
        // Key- and token-shaped values in the fields the policy reads.
        String key = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Blbn" + marker + "\\n-----END OPENSSH PRIVATE KEY-----";
        String vault = "hvs.CAES" + marker + "AbCdEfGhIjKl";
        material.addAll(List.of("b3Blbn" + marker, vault));
        for (String value : List.of(key, vault)) {
            tls(Wire.post("/v1/check", ALLOW.replace("iam:agt-state-hub-bridge", value).getBytes(StandardCharsets.UTF_8), bearer));
            tls(Wire.post("/access/v1/evaluations", EVALUATION.replace("agt-state-hub-bridge\"}}", value + "\"}}")
                    .getBytes(StandardCharsets.UTF_8), bearer));
        }
        // Wrong tokens, and the right ones on the wrong endpoints.
        String wrongToken = "wrong-" + marker;
        material.add(wrongToken);
        tls(Wire.post("/v1/check", ALLOW.getBytes(StandardCharsets.UTF_8), "Authorization: Bearer " + wrongToken));
        tls(Wire.post("/v1/admin/reload", new byte[0], "Authorization: Bearer " + wrongToken));
        tls(Wire.post("/v1/admin/reload", new byte[0], bearer));
        tls(Wire.post("/v1/check", ALLOW.getBytes(StandardCharsets.UTF_8), "Authorization: Bearer " + adminToken));
        // A decision that is logged, so the log has content to search.
        assertTrue(tls(Wire.post("/v1/check", ALLOW.getBytes(StandardCharsets.UTF_8), bearer)).grants());
        tls(Wire.head("GET", "/metrics", "Connection: close").getBytes(StandardCharsets.ISO_8859_1));
        tls(Wire.head("GET", "/healthz", "Connection: close").getBytes(StandardCharsets.ISO_8859_1));
        material.addAll(List.of(checkToken, adminToken, keystorePassword));

        String serverLog = server.output();
        String decisionLog = Files.readString(log);
        StringBuilder bodies = new StringBuilder();
        synchronized (answers) {
            answers.forEach(a -> bodies.append(a.headers()).append(a.text()).append('\n'));
        }
        Map<String, Integer> found = new TreeMap<>();
        for (String secret : material) {
            if (serverLog.contains(secret)) {
                found.merge("server log", 1, Integer::sum);
            }
            if (decisionLog.contains(secret)) {
                found.merge("decision log", 1, Integer::sum);
            }
            if (bodies.toString().contains(secret)) {
                found.merge("answers", 1, Integer::sum);
            }
        }
        Figures.of("access-secrets").put("secrets_sent_or_configured", material.size()).put("answers_searched", answers.size())
                .put("server_log_bytes", serverLog.length()).put("decision_log_bytes", decisionLog.length()).put("found", found).print();
        assertEquals(Map.of(), found, "secrets found");
        assertTrue(decisionLog.contains("decision_id"), "the decision log was searched while it had content");
    }

    @Test
    void the_server_binds_to_loopback_unless_told_otherwise() {
        ServerConfig c = ServerConfig.defaults(InProcessServer.REGISTRY, InProcessServer.POLICY);

        assertEquals(new InetSocketAddress("127.0.0.1", 8080), c.address());
        assertEquals(null, c.tokenFile());
        assertEquals(null, c.adminTokenFile());
    }
}
