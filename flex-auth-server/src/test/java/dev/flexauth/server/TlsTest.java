package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS#12 keystore whose password is read from a file. */
class TlsTest {
    static final String PASSWORD = "keystore-pass-42";

    @TempDir
    static Path dir;
    static Path keystore;
    static Path passwordFile;

    /** A self-signed certificate for 127.0.0.1, made with the running JDK's keytool. */
    @BeforeAll
    static void makeKeystore() throws Exception {
        keystore = dir.resolve("server.p12");
        passwordFile = Files.writeString(dir.resolve("keystore.pass"), PASSWORD + "\n");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "flex-auth", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=flex-auth test", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
    }

    static SSLContext trusting(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", ks.getCertificate("flex-auth"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void serves_healthz_and_check_over_https() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config().withTls(keystore, passwordFile), trusting(keystore))) {
            assertTrue(server.url("/").startsWith("https://"));

            assertEquals(200, server.get("/healthz").status());
            Reply r = server.check("{\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\"}");
            assertEquals(200, r.status(), r::toString);
            assertEquals("allow", r.json().path("effect").asText());
            assertTrue(server.serverLog().contains("listening on https://127.0.0.1:"), server.serverLog());
        }
    }

    @Test
    void a_wrong_password_refuses_to_start_without_showing_either_password() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong.pass"), "not-the-password");

        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config().withTls(keystore, wrong)));

        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("--tls-keystore " + keystore + ": cannot load it as a PKCS#12 keystore with the"
                + " password in " + wrong), e::getMessage);
        assertFalse(e.getMessage().contains("not-the-password") || e.getMessage().contains(PASSWORD), e::getMessage);
    }

    @Test
    void a_keystore_without_a_password_file_is_a_config_error() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.config().withTls(keystore, null));

        assertEquals("expected a TLS keystore and its password file together but found only the keystore; give both or neither",
                e.getMessage());
    }
}
