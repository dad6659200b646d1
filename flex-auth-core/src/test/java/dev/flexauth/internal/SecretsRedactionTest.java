package dev.flexauth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.flexauth.internal.Secrets.Shape;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each credential shape, found where it sits in a longer value, and the near misses left alone. */
class SecretsRedactionTest {
    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
            + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    private static final String PGP = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0zVRwBCADN\n=abcd\n"
            + "-----END PGP PRIVATE KEY BLOCK-----";

    /** One true positive per shape: the secret, the shape, and text around it. */
    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of(Shape.JWT, "Bearer ", JWT, ""),
                Arguments.of(Shape.GITHUB_TOKEN, "token ", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", " leaked"),
                Arguments.of(Shape.GITHUB_TOKEN, "", "ghs_" + "16C7e42F292c6912E7710c838347Ae178B4a", ""),
                Arguments.of(Shape.GITHUB_TOKEN, "x", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF", ""),
                Arguments.of(Shape.GITLAB_TOKEN, "PRIVATE-TOKEN: ", "glpat-qrstUVWX1234_-abcdEFGH", ""),
                Arguments.of(Shape.AWS_ACCESS_KEY, "id=", "AKIAIOSFODNN7EXAMPLE", "&x=1"),
                Arguments.of(Shape.AWS_ACCESS_KEY, "", "ASIAY34FZKBOKMUTVV7A", ""),
                Arguments.of(Shape.AWS_SECRET_KEY, "[default] ", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
                Arguments.of(Shape.GCP_TOKEN, "Authorization: Bearer ", "ya29.a0AfH6SMBx3kTQ4ZGp1x_example-token-value", ""),
                Arguments.of(Shape.GCP_PRIVATE_KEY_ID, "{", "\"private_key_id\": \"1234567890abcdef1234567890abcdef12345678\"", "}"),
                Arguments.of(Shape.SLACK_TOKEN, "", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", ""),
                Arguments.of(Shape.SLACK_TOKEN, "u=", "xoxp-1234567890-abcdef", ""),
                Arguments.of(Shape.VAULT_TOKEN, "VAULT_TOKEN=", "hvs.CAESIJ3kd9fJ2bKkJtN3lFh5xAbcdEfgH", ""),
                Arguments.of(Shape.VAULT_TOKEN, "", "hvb.AAAAAQJ8abcdefghijklmnopqrstu", ""),
                Arguments.of(Shape.VAULT_TOKEN, "legacy ", "s.Qf1s5zigZ4cX6Z4rNS7cqYnD", ""),
                Arguments.of(Shape.PRIVATE_KEY, "key: ", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n"
                        + "-----END OPENSSH PRIVATE KEY-----", " end"),
                Arguments.of(Shape.PRIVATE_KEY, "", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA", ""),
                Arguments.of(Shape.PRIVATE_KEY, "", PGP, ""),
                Arguments.of(Shape.PRIVATE_KEY, "header only: ", "-----BEGIN PGP PRIVATE KEY BLOCK-----", ""));
    }

    private static String marker(Shape shape, String secret) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        return "[redacted:" + shape.label() + " sha256:" + HexFormat.of().formatHex(digest).substring(0, 8) + "]";
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("secrets")
    void aCredentialIsReplacedByItsMarkerWhereItSits(Shape shape, String before, String secret, String after) throws Exception {
        assertEquals(before + marker(shape, secret) + after, Secrets.redact(before + secret + after));
    }

    @Test
    void everyShapeHasACase() {
        Set<Shape> covered = EnumSet.noneOf(Shape.class);
        secrets().forEach(a -> covered.add((Shape) a.get()[0]));
        assertEquals(EnumSet.allOf(Shape.class), covered);
    }

    @Test
    void twoCredentialsInOneValueAreBothReplaced() throws Exception {
        String aws = "AKIAIOSFODNN7EXAMPLE";
        assertEquals(marker(Shape.JWT, JWT) + " and " + marker(Shape.AWS_ACCESS_KEY, aws), Secrets.redact(JWT + " and " + aws));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "agt-state-hub-bridge", "iam:agt-state-hub-bridge", "agt-codex-interhub-bootstrap", "ssh.sign",
        "adm-example", "atm-backup-daily", "deploy.production.example.com", "ghp_tooshort", "github_pat_short",
        "glpat-short", "AKIAIOSFODNN7EXAMPL", "akiaiosfodnn7example", "eyJhbGciOiJIUzI1NiJ9 alone",
        "xoxo-hugs-and-kisses", "hvs.short", "s.tooShortForAToken", "-----BEGIN PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----", "ya29.short", "secret_access_key is not set", "private_key_id: unknown"})
    void nearMissesAreLeftAlone(String value) {
        assertSame(value, Secrets.redact(value));
    }

    @Test
    void theMarkerItselfIsNotRedactedAgain() throws Exception {
        String once = Secrets.redact("x " + JWT);
        assertSame(once, Secrets.redact(once));
        assertEquals(List.of("x " + marker(Shape.JWT, JWT)), List.of(once));
    }
}
