package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.flexauth.TestFiles;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.log.DecisionLog;
import dev.flexauth.reason.RequestCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * No generated credential of any shape, sent in any string field of a request at any position of
 * a longer value, reaches the decision log's bytes: neither as sent nor JSON-escaped. A request
 * the codecs refuse for secret material is not logged at all, which also keeps it out.
 */
class RedactionProperties {
    private static final Engine ENGINE = TestFiles.opsWarden();
    private static final List<String> STRING_FIELDS = List.of("actor", "subject", "action", "principal");
    private static Path dir;
    private static Path file;
    private static DecisionLog log;

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("redaction-properties");
        file = dir.resolve("decisions.jsonl");
        log = DecisionLog.builder(file).open();
    }

    @AfterContainer
    static void close() throws IOException {
        log.close();
        Files.delete(file);
        Files.delete(dir);
    }

    private static Arbitrary<String> chars(String alphabet, int min, int max) {
        return Arbitraries.strings().withChars(alphabet.toCharArray()).ofMinLength(min).ofMaxLength(max);
    }

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String URL64 = ALNUM + "_-";

    @Provide
    Arbitrary<String> secrets() {
        Arbitrary<String> jwt = Combinators.combine(chars(URL64, 4, 40), chars(URL64, 4, 60), chars(URL64, 0, 43))
                .as((h, p, s) -> "eyJ" + h + ".eyJ" + p + "." + s);
        Arbitrary<String> github = Combinators.combine(Arbitraries.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), chars(ALNUM, 36, 40))
                .as(String::concat);
        Arbitrary<String> githubPat = chars(ALNUM + "_", 22, 82).map(s -> "github_pat_" + s);
        Arbitrary<String> gitlab = chars(URL64, 20, 26).map(s -> "glpat-" + s);
        Arbitrary<String> aws = Combinators.combine(Arbitraries.of("AKIA", "ASIA"), chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16))
                .as(String::concat);
        Arbitrary<String> awsSecret = Combinators.combine(Arbitraries.of("aws_secret_access_key=", "AWS_SECRET_ACCESS_KEY: ",
                "secret_access_key = \""), chars(ALNUM + "/+", 40, 40)).as(String::concat);
        Arbitrary<String> gcp = chars(URL64, 20, 120).map(s -> "ya29." + s);
        Arbitrary<String> gcpKeyId = chars("0123456789abcdef", 40, 40).map(s -> "\"private_key_id\": \"" + s + "\"");
        Arbitrary<String> slack = Combinators.combine(Arbitraries.of("xoxa-", "xoxb-", "xoxp-", "xoxr-"), chars(ALNUM + "-", 10, 60))
                .as(String::concat);
        Arbitrary<String> vault = Combinators.combine(Arbitraries.of("hvs.", "hvb.", "hvr."), chars(URL64, 20, 90))
                .as(String::concat);
        Arbitrary<String> legacyVault = chars(ALNUM, 24, 24).map(s -> "s." + s);
        Arbitrary<String> pem = Combinators.combine(
                Arbitraries.of("RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
                        "OPENSSH PRIVATE KEY", "PGP PRIVATE KEY BLOCK"),
                chars(ALNUM + "+/=\n", 0, 200), Arbitraries.of(true, false))
                .as((kind, body, closed) -> "-----BEGIN " + kind + "-----\n" + body + (closed ? "\n-----END " + kind + "-----" : ""));
        return Arbitraries.oneOf(jwt, github, githubPat, gitlab, aws, awsSecret, gcp, gcpKeyId, slack, vault, legacyVault, pem);
    }

    @Provide
    Arbitrary<String> surroundings() {
        return Arbitraries.strings().withChars((ALNUM + " .:_-=/\"'").toCharArray()).ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.of(STRING_FIELDS);
    }

    @Property(tries = 1000)
    void noSecretReachesTheDecisionLog(@ForAll("secrets") String secret, @ForAll("fields") String field,
            @ForAll("surroundings") String before, @ForAll("surroundings") String after) throws Exception {
        long sizeBefore = Files.size(file);
        Request.Builder b = ENGINE.request().put("actor", "agt-state-hub-bridge").put("subject", "iam:agt-state-hub-bridge")
                .put("action", "ssh.sign");
        try {
            b.put(field, before + secret + after);
        } catch (RequestException e) {
            // Refused outright (private keys, Vault tokens): never decided, so never logged.
            assertEquals(RequestCode.SECRET_MATERIAL, e.code(), e.getMessage());
            return;
        }
        Request request = b.build();
        log.append(DecisionJson.logBody(ENGINE.check(request), Instant.EPOCH, 1));
        byte[] all = Files.readAllBytes(file);
        String written = new String(all, (int) sizeBefore, all.length - (int) sizeBefore, StandardCharsets.UTF_8);
        String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
        assertFalse(written.contains(secret), written);
        assertFalse(written.contains(escaped), written);
    }
}
