package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.server.Origin;
import dev.flexauth.server.transport.Tls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An https source is trusted through the JDK's trust store or exactly the PEM certificates of --source-ca. */
class SourceTlsTest {
    private static final byte[] BODY = "{\"snapshot\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aPrivateCaIsTrustedOnlyWhenNamed() throws Exception {
        Path keystore = dir.resolve("origin.p12");
        Path password = Files.writeString(dir.resolve("origin.pass"), "origin-pass-42\n");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        run(keytool.toString(), "-genkeypair", "-alias", "origin", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=snapshot origin", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "origin-pass-42");
        Path ca = dir.resolve("origin-ca.pem");
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "origin", "-keystore", keystore.toString(), "-storepass",
                "origin-pass-42", "-file", ca.toString());
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        try (Origin origin = new Origin(Tls.configurator(keystore, password))) {
            origin.put("/r.json", BODY, true, true, Instant.parse("2026-12-07T04:00:00Z"));
            SourceUrl url = SourceUrl.parse(origin.url("/r.json"));
            SourceFetcher pinned = new SourceFetcher(new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofSeconds(10), 1024,
                    3, ca, null), Clock.systemUTC());
            SourceFetcher jdk = new SourceFetcher(new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofSeconds(10), 1024,
                    3, null, null), Clock.systemUTC());
            SourceFetcher.Result fetched = pinned.fetch(url, SourceFetcher.Validators.NONE);
            FetchException untrusted = assertThrows(FetchException.class, () -> jdk.fetch(url, SourceFetcher.Validators.NONE));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new SourceFetcher(
                    new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofSeconds(10), 1024, 3, notPem, null), Clock.systemUTC()));
            assertAll(
                    () -> assertArrayEquals(BODY, fetched.body()),
                    () -> assertTrue(untrusted.getMessage().startsWith("cannot fetch " + url + " (SSLHandshakeException: "),
                            untrusted.getMessage()),
                    () -> assertEquals("--source-ca " + notPem + ": expected PEM certificates (-----BEGIN CERTIFICATE-----) but"
                            + " found none", bad.getMessage()));
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
    }
}
