package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.registry.RegistryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --registry-signers} on the real jar: load-registry, check and serve accept a snapshot
 * signed by ssh-keygen with a listed key, and refuse an unsigned or mis-signed one (exit 1, the
 * problem on stderr). The fixtures and the commands that made them are in
 * {@code flex-auth-core/src/test/resources/signing}.
 */
class SignedRegistryIT {
    static final String DIR = "flex-auth-core/src/test/resources/signing/";
    static final String SIGNED = DIR + "registry_production.json";
    static final String SIGNERS = DIR + "allowed_signers";
    static final String SIGNER = "ops-warden-registry (ED25519 key SHA256:ojNbkLcc2wRO+mhn+OZEUqejOThahyxHRGwy16TaMow,"
            + " allowed_signers line 1)";

    @TempDir
    Path tmp;

    @Test
    void load_registry_verifies_the_signature_and_names_the_signer() throws Exception {
        Cli.Result r = Cli.run("load-registry", "--file", SIGNED, "--registry-signers", SIGNERS);
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("", r.err()),
                () -> assertEquals("digest     " + RegistryLoader.defaults().load(Cli.ROOT.resolve(SIGNED)).digest(), r.outLines().get(5)),
                () -> assertEquals("signed by  " + SIGNER + " of " + SIGNERS, r.outLines().get(6)));

        Cli.Result j = Cli.run("load-registry", "--file", SIGNED, "--registry-signers", SIGNERS, "--policy", Cli.POLICY, "--json");
        JsonNode o = TestJson.MAPPER.readTree(j.out());
        assertAll(j.toString(),
                () -> assertEquals(0, j.exit()),
                () -> assertEquals(SIGNED + ".sig", o.at("/signature/file").asText()),
                () -> assertEquals("ops-warden-registry", o.at("/signature/principals").asText()),
                () -> assertEquals("ED25519 key SHA256:ojNbkLcc2wRO+mhn+OZEUqejOThahyxHRGwy16TaMow", o.at("/signature/key").asText()),
                () -> assertEquals(1, o.at("/signature/line").asInt()),
                () -> assertEquals(19, o.at("/examples/passed").asInt()));
    }

    @Test
    void load_registry_refuses_an_unsigned_or_mis_signed_snapshot() throws Exception {
        Path unsigned = Files.copy(Cli.ROOT.resolve(SIGNED), tmp.resolve("registry.json"));
        Cli.Result missing = Cli.run("load-registry", "--file", unsigned.toString(), "--registry-signers", Cli.ROOT.resolve(SIGNERS).toString());
        assertAll(missing.toString(),
                () -> assertEquals(1, missing.exit()),
                () -> assertEquals("", missing.out()),
                () -> assertEquals(List.of(unsigned + ": signature " + unsigned + ".sig not found; registry signers are configured, so"
                        + " every snapshot needs one beside it: ssh-keygen -Y sign -n flex-auth-registry -f KEY " + unsigned),
                        missing.errLines()));

        // The next snapshot's signature beside this one, checked with the policy too.
        Files.copy(Cli.ROOT.resolve(DIR + "registry_bridge_removed.json.sig"), tmp.resolve("registry.json.sig"));
        Cli.Result swapped = Cli.run("load-registry", "--file", unsigned.toString(), "--registry-signers",
                Cli.ROOT.resolve(SIGNERS).toString(), "--policy", Cli.ROOT.resolve(Cli.POLICY).toString());
        assertAll(swapped.toString(),
                () -> assertEquals(1, swapped.exit()),
                () -> assertTrue(swapped.err().startsWith(unsigned + ": signature " + unsigned + ".sig does not match the snapshot's"
                        + " bytes"), swapped.err()));
    }

    @Test
    void a_bad_allowed_signers_line_is_a_failure_naming_the_file_and_line() throws Exception {
        Path signers = Files.writeString(tmp.resolve("allowed_signers"), "# signers\nops-warden-registry cert-authority ssh-ed25519 AAAA\n");
        Cli.Result r = Cli.run("load-registry", "--file", SIGNED, "--registry-signers", signers.toString());
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("--registry-signers " + signers + ":2: cert-authority is not supported: list the signing key"
                        + " itself (its .pub line), not a certificate authority"), r.errLines()));
    }

    @Test
    void check_decides_only_with_a_valid_signature() {
        String request = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\",\"ttl_hours\":1}";
        Cli.Result ok = Cli.run("check", "--registry", SIGNED, "--policy", Cli.POLICY, "--registry-signers", SIGNERS, "--request", request);
        assertEquals(0, ok.exit(), ok::toString);
        assertEquals(List.of("effect    allow", "reason    signing_policy_matched"), ok.outLines().subList(0, 2), ok::toString);

        Cli.Result unsigned = Cli.run("check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--registry-signers", SIGNERS,
                "--request", request);
        assertEquals(1, unsigned.exit(), unsigned::toString);
        assertTrue(unsigned.err().contains(".sig not found; registry signers are configured"), unsigned::toString);
    }

    @Test
    void serve_does_not_start_on_an_unsigned_snapshot() {
        Cli.Result r = Cli.run("serve", "--addr", "127.0.0.1:0", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY,
                "--registry-signers", SIGNERS);
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertTrue(r.err().contains(Cli.REGISTRY + ": signature " + Cli.REGISTRY + ".sig not found"), r.err()));
    }
}
