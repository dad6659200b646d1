package dev.flexauth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.TestFiles;
import dev.flexauth.reason.RegistryCode;
import dev.flexauth.registry.SnapshotSigners.Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot signatures made by the real {@code ssh-keygen} (the fixtures and the commands that made
 * them are in {@code src/test/resources/signing}) verify, and every way a signature can be wrong
 * is refused with a message that says what is wrong.
 */
class SnapshotSignersTest {
    static final Path DIR = TestFiles.root().resolve("flex-auth-core/src/test/resources/signing");
    static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");
    static final String ED25519 = "ED25519 key SHA256:ojNbkLcc2wRO+mhn+OZEUqejOThahyxHRGwy16TaMow";

    @TempDir
    Path tmp;

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static SnapshotSigners signers() {
        try {
            return SnapshotSigners.read(DIR.resolve("allowed_signers"));
        } catch (SignersException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one problem of a refused signature. */
    static RegistryProblem refusal(SnapshotSigners signers, byte[] snapshot, byte[] sig) {
        RegistryException e = assertThrows(RegistryException.class,
                () -> signers.verify(snapshot, sig, "registry.json", "registry.json.sig", NOW));
        assertEquals(1, e.problems().size(), e::getMessage);
        return e.problems().get(0);
    }

    static String badSignature(SnapshotSigners signers, byte[] snapshot, byte[] sig) {
        RegistryProblem p = refusal(signers, snapshot, sig);
        assertEquals(RegistryCode.BAD_SIGNATURE, p.code());
        return p.message();
    }

    /** A line of allowed_signers for the key of {@code pub}, with {@code options} before it. */
    static String line(String options, String pub) {
        String[] key = text(pub).split(" ");
        return "ops-warden-registry " + options + " " + key[0] + " " + key[1] + "\n";
    }

    @Test
    void signatures_of_each_algorithm_made_by_ssh_keygen_verify() throws Exception {
        byte[] snapshot = bytes("registry_production.json");
        SnapshotSigners s = signers();
        assertEquals(new Signer("ops-warden-registry", ED25519, 1),
                s.verify(snapshot, bytes("registry_production.json.sig"), "r", "r.sig", NOW));
        assertEquals(new Signer("ops-warden-registry", ED25519, 1),
                s.verify(snapshot, bytes("registry_production.json.ed25519_sha256.sig"), "r", "r.sig", NOW));
        assertEquals(new Signer("ops-warden-registry", "ECDSA key SHA256:tK2rP5n0Rs6p6A0iKohWQBlkeZQrvKky/qEznLIglJM", 2),
                s.verify(snapshot, bytes("registry_production.json.ecdsa_p256.sig"), "r", "r.sig", NOW));
        assertEquals(new Signer("ops-warden-registry", "RSA key SHA256:+iwmSgReuXhd+s/THYBJ2dnQ41abBHBLA4PZJlnUHRY", 3),
                s.verify(snapshot, bytes("registry_production.json.rsa.sig"), "r", "r.sig", NOW));
        assertEquals("ops-warden-registry (" + ED25519 + ", allowed_signers line 1)",
                s.verify(snapshot, bytes("registry_production.json.sig"), "r", "r.sig", NOW).toString());
    }

    @Test
    void a_snapshot_with_one_byte_changed_is_refused() {
        String valid = text("registry_production.json");
        String tampered = valid.replace("\"max_ttl_hours\": 2,", "\"max_ttl_hours\": 9,");
        assertEquals(valid.length(), tampered.length());
        assertEquals("signature registry.json.sig does not match the snapshot's bytes (" + ED25519 + " of " + DIR.resolve("allowed_signers")
                + ":1): the snapshot changed after it was signed, or the signature belongs to another snapshot; sign this"
                + " snapshot again",
                badSignature(signers(), tampered.getBytes(StandardCharsets.UTF_8), bytes("registry_production.json.sig")));
    }

    @Test
    void the_signature_of_another_snapshot_is_refused() {
        // The .sig of the next snapshot beside the current one: a stale or swapped pair.
        String message = badSignature(signers(), bytes("registry_production.json"), bytes("registry_bridge_removed.json.sig"));
        assertEquals(true, message.startsWith("signature registry.json.sig does not match the snapshot's bytes"), message);
        badSignature(signers(), bytes("registry_bridge_removed.json"), bytes("registry_production.json.sig"));
    }

    @Test
    void a_signature_for_another_namespace_is_refused() {
        assertEquals("signature registry.json.sig was made for namespace \"other\", expected \"flex-auth-registry\": sign with"
                + " ssh-keygen -Y sign -n flex-auth-registry",
                badSignature(signers(), bytes("registry_production.json"), bytes("registry_production.json.other_namespace.sig")));
    }

    @Test
    void a_signature_by_a_key_not_listed_is_refused() {
        assertEquals("signature registry.json.sig was made by ED25519 key SHA256:"
                + "XpnzjIxj8D8TUCrIQn7YpWg2DrrFcrOwd2vHrk382K8, which " + DIR.resolve("allowed_signers") + " does not list",
                badSignature(signers(), bytes("registry_production.json"), bytes("registry_production.json.unlisted_key.sig")));
    }

    @Test
    void a_key_past_its_valid_before_or_not_yet_valid_is_refused() throws Exception {
        SnapshotSigners expired = SnapshotSigners.parse(line("valid-before=\"20261201Z\"", "test_only_ed25519.pub"), "signers");
        assertEquals("signature registry.json.sig was made by a key that may not sign now: signers:1 lists " + ED25519
                + " but it expired: valid before 2026-12-01T00:00:00Z, and it is 2026-12-07T04:00:00Z",
                badSignature(expired, bytes("registry_production.json"), bytes("registry_production.json.sig")));

        SnapshotSigners early = SnapshotSigners.parse("# rotation: the new key takes over on the 8th\n"
                + line("valid-after=\"202612080000\"", "test_only_ed25519.pub"), "signers");
        assertEquals(true, badSignature(early, bytes("registry_production.json"), bytes("registry_production.json.sig"))
                .endsWith("signers:2 lists " + ED25519 + " but it is valid after "
                        + java.time.LocalDateTime.parse("2026-12-08T00:00").atZone(java.time.ZoneId.systemDefault()).toInstant()
                        + " only, and it is 2026-12-07T04:00:00Z"));
    }

    @Test
    void during_a_rotation_either_listed_key_may_sign() throws Exception {
        // The old key until the 31st, the new one from the 1st: both valid in the overlap.
        SnapshotSigners overlap = SnapshotSigners.parse(
                line("namespaces=\"flex-auth-registry\",valid-before=\"20261231Z\"", "test_only_rsa.pub")
                + line("namespaces=\"flex-auth-registry\",valid-after=\"20261201Z\"", "test_only_ed25519.pub"), "signers");
        assertEquals(2, overlap.verify(bytes("registry_production.json"), bytes("registry_production.json.sig"), "r", "s", NOW).line());
        assertEquals(1, overlap.verify(bytes("registry_production.json"), bytes("registry_production.json.rsa.sig"), "r", "s", NOW).line());
    }

    @Test
    void a_key_whose_namespaces_exclude_registry_snapshots_is_refused_when_the_file_is_read() {
        SignersException e = assertThrows(SignersException.class,
                () -> SnapshotSigners.parse(line("namespaces=\"git,file\"", "test_only_ed25519.pub"), "signers"));
        assertEquals(List.of("signers:1: namespaces=\"git,file\" does not include \"flex-auth-registry\", so this key could never"
                + " sign a snapshot"), e.problems());
    }

    @Test
    void a_malformed_signature_is_refused_with_what_is_wrong() {
        SnapshotSigners s = signers();
        byte[] snapshot = bytes("registry_production.json");
        String sig = text("registry_production.json.sig");
        assertEquals("signature registry.json.sig is not an SSH signature: expected the first line to be -----BEGIN SSH SIGNATURE-----"
                + " (a file written by ssh-keygen -Y sign)", badSignature(s, snapshot, "not a signature\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("signature registry.json.sig is not an SSH signature: expected the last line to be -----END SSH SIGNATURE-----;"
                + " the file is truncated or has content after it",
                badSignature(s, snapshot, sig.substring(0, sig.length() / 2).getBytes(StandardCharsets.UTF_8)));
        assertEquals("signature registry.json.sig is not an SSH signature: line 2, column 5: expected base64, found '*'",
                badSignature(s, snapshot, (sig.substring(0, sig.indexOf('\n') + 5) + "*" + sig.substring(sig.indexOf('\n') + 6))
                        .getBytes(StandardCharsets.UTF_8)));
        byte[] blob = blob(sig);
        assertEquals("signature registry.json.sig is not an SSH signature: truncated at signature (byte 105: 83 bytes announced,"
                + " 73 left)", badSignature(s, snapshot, armor(java.util.Arrays.copyOf(blob, blob.length - 10))));
        blob[9] = 2;
        assertEquals("signature registry.json.sig is not an SSH signature: SSHSIG version 2; flex-auth reads version 1",
                badSignature(s, snapshot, armor(blob)));
        assertEquals(RegistryCode.BAD_SIGNATURE, refusal(s, snapshot, new byte[0]).code());
    }

    /** The SSHSIG blob of an armored signature. */
    static byte[] blob(String armored) {
        return java.util.Base64.getMimeDecoder().decode(armored.replace(SshSignature.BEGIN, "").replace(SshSignature.END, ""));
    }

    /** {@code blob} armored as ssh-keygen does: 70 base64 characters a line. */
    static byte[] armor(byte[] blob) {
        String b64 = java.util.Base64.getEncoder().encodeToString(blob);
        StringBuilder sb = new StringBuilder(SshSignature.BEGIN).append('\n');
        for (int i = 0; i < b64.length(); i += 70) {
            sb.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
        }
        return sb.append(SshSignature.END).append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void the_armor_helper_reproduces_what_ssh_keygen_writes() {
        // So the blob-level cases above are what ssh-keygen would write with those bytes.
        assertArrayEquals(bytes("registry_production.json.rsa.sig"), armor(blob(text("registry_production.json.rsa.sig"))));
    }

    @Test
    void every_byte_of_each_signature_file_matters() {
        // Exhaustive over positions (the jqwik property samples values too): a lenient reader would
        // let some bytes change, such as the unused bits of the last base64 character.
        SnapshotSigners s = signers();
        byte[] snapshot = bytes("registry_production.json");
        for (String name : List.of("registry_production.json.sig", "registry_production.json.ed25519_sha256.sig",
                "registry_production.json.ecdsa_p256.sig", "registry_production.json.rsa.sig")) {
            byte[] valid = bytes(name);
            for (int i = 0; i < valid.length; i++) {
                for (int delta : new int[] {1, 0x20, 0x80}) {
                    byte[] changed = valid.clone();
                    changed[i] += (byte) delta;
                    int at = i;
                    RegistryException e = assertThrows(RegistryException.class, () -> s.verify(snapshot, changed, "r", "s", NOW),
                            () -> name + " still verifies with byte " + at + " changed by " + delta);
                    assertEquals(RegistryCode.BAD_SIGNATURE, e.problems().get(0).code());
                }
            }
        }
    }

    @Test
    void a_signature_file_with_windows_line_breaks_still_verifies() throws Exception {
        String crlf = text("registry_production.json.sig").replace("\n", "\r\n");
        assertEquals(1, signers().verify(bytes("registry_production.json"), crlf.getBytes(StandardCharsets.UTF_8), "r", "s", NOW).line());
    }

    @Test
    void read_verified_reads_the_snapshot_once_and_returns_the_bytes_it_verified() throws Exception {
        Path snapshot = Files.write(tmp.resolve("snapshot.json"), bytes("registry_production.json"));
        Files.write(tmp.resolve("snapshot.json.sig"), bytes("registry_production.json.sig"));
        SnapshotSigners.SignedSnapshot signed = signers().readVerified(snapshot, 1 << 20, NOW);
        assertArrayEquals(bytes("registry_production.json"), signed.bytes());
        assertEquals(1, signed.signer().line());
    }

    @Test
    void a_snapshot_without_its_signature_file_is_refused() throws Exception {
        Path snapshot = Files.write(tmp.resolve("snapshot.json"), bytes("registry_production.json"));
        RegistryException e = assertThrows(RegistryException.class, () -> signers().readVerified(snapshot, 1 << 20, NOW));
        assertEquals(RegistryCode.MISSING_SIGNATURE, e.problems().get(0).code());
        assertEquals("signature " + snapshot + ".sig not found; registry signers are configured, so every snapshot needs one beside"
                + " it: ssh-keygen -Y sign -n flex-auth-registry -f KEY " + snapshot, e.problems().get(0).message());
    }

    @Test
    void a_signature_that_is_a_directory_is_refused() throws Exception {
        Path snapshot = Files.write(tmp.resolve("snapshot.json"), bytes("registry_production.json"));
        Files.createDirectory(tmp.resolve("snapshot.json.sig"));
        RegistryException e = assertThrows(RegistryException.class, () -> signers().readVerified(snapshot, 1 << 20, NOW));
        assertEquals("signature " + snapshot + ".sig is not a regular file", e.problems().get(0).message());
    }

    @Test
    void every_bad_line_of_allowed_signers_is_reported_with_its_file_and_line() throws Exception {
        String ed = text("test_only_ed25519.pub").strip();
        Path file = Files.writeString(tmp.resolve("allowed_signers"), "# ops-warden registry signers\n"
                + "ops-warden-registry " + ed + "\n"
                + "\n"
                + "ops-warden-registry ssh-ed25519\n"
                + "ops-warden-registry cert-authority " + ed + "\n"
                + "ops-warden-registry valid-before=\"tomorrow\" " + ed + "\n"
                + "ops-warden-registry ssh-dss AAAAB3NzaC1kc3M=\n"
                + "ops-warden-registry ssh-ed25519 AAAA!!!\n"
                + "ops-warden-registry ssh-rsa " + ed.split(" ")[1] + "\n"
                + "ops-warden-registry no-touch-required " + ed + "\n");
        SignersException e = assertThrows(SignersException.class, () -> SnapshotSigners.read(file));
        assertEquals(List.of(
                file + ":4: missing base64 key; expected PRINCIPALS [OPTIONS] KEYTYPE BASE64KEY [COMMENT]",
                file + ":5: cert-authority is not supported: list the signing key itself (its .pub line), not a certificate authority",
                file + ":6: valid-before=\"tomorrow\" is not a time; expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, with a trailing"
                        + " Z for UTC (else local time), e.g. valid-before=\"20260701Z\"",
                file + ":7: key type \"ssh-dss\" is not supported; flex-auth verifies ssh-ed25519, ecdsa-sha2-nistp256,"
                        + " ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-rsa",
                file + ":8: the key after \"ssh-ed25519\" is not base64: Illegal base64 character 21",
                file + ":9: the line says ssh-rsa but the key is ssh-ed25519",
                file + ":10: key type \"no-touch-required\" is not supported; flex-auth verifies ssh-ed25519, ecdsa-sha2-nistp256,"
                        + " ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-rsa"),
                e.problems());
    }

    @Test
    void an_allowed_signers_file_without_a_key_or_missing_is_refused() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty"), "# nothing yet\n");
        assertEquals(List.of(empty + ": no signer: expected lines of the form 'PRINCIPALS [namespaces=\"flex-auth-registry\"]"
                + " KEYTYPE BASE64KEY [COMMENT]', e.g. a key's .pub line after a principal"),
                assertThrows(SignersException.class, () -> SnapshotSigners.read(empty)).problems());
        Path missing = tmp.resolve("missing");
        assertEquals(List.of(missing + ": file not found; expected an OpenSSH allowed_signers file"),
                assertThrows(SignersException.class, () -> SnapshotSigners.read(missing)).problems());
    }

    @Test
    void quoted_principals_and_options_with_spaces_are_read_as_openssh_reads_them() throws Exception {
        String[] key = text("test_only_ecdsa_p256.pub").split(" ");
        SnapshotSigners s = SnapshotSigners.parse("\"ops warden,release-bot\" namespaces=\"flex-auth-*,git\",valid-after=\"20260101Z\" "
                + key[0] + " " + key[1] + " a comment with spaces\n", "signers");
        assertEquals("ops warden,release-bot",
                s.verify(bytes("registry_production.json"), bytes("registry_production.json.ecdsa_p256.sig"), "r", "s", NOW).principals());
    }
}
