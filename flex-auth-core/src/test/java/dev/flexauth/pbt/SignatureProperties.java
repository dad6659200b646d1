package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.TestFiles;
import dev.flexauth.reason.RegistryCode;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.SnapshotSigners;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A signed snapshot admits no single-byte change: whichever byte of the snapshot or of its
 * armored signature (ssh-keygen's, for each algorithm) is replaced by whichever other value,
 * verification refuses the pair.
 */
class SignatureProperties {
    private static final Path DIR = TestFiles.root().resolve("flex-auth-core/src/test/resources/signing");
    private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");
    private static final byte[] SNAPSHOT = read("registry_production.json");
    private static final String[] SIGNATURES = {"registry_production.json.sig", "registry_production.json.ecdsa_p256.sig",
        "registry_production.json.rsa.sig", "registry_production.json.ed25519_sha256.sig"};
    private static final SnapshotSigners SIGNERS = signers();

    /** A signature file's name, a byte offset and a value to add to the byte there (never 0 mod 256). */
    record Change(String signature, double where, int delta) {
    }

    @Provide
    Arbitrary<Change> changes() {
        return Combinators.combine(Arbitraries.of(SIGNATURES), Arbitraries.doubles().between(0, 1).withSpecialValue(0.0)
                .withSpecialValue(0.999_999), Arbitraries.integers().between(1, 255)).as(Change::new);
    }

    @Property
    void every_pair_verifies_unchanged(@ForAll("changes") Change c) throws Exception {
        SIGNERS.verify(SNAPSHOT, read(c.signature()), "snapshot", "sig", NOW);
    }

    @Property
    void a_changed_snapshot_byte_is_refused(@ForAll("changes") Change c) {
        byte[] changed = SNAPSHOT.clone();
        changed[index(c.where(), changed.length)] += (byte) c.delta();
        refused(changed, read(c.signature()));
    }

    @Property
    void a_changed_signature_byte_is_refused(@ForAll("changes") Change c) {
        byte[] sig = read(c.signature());
        sig[index(c.where(), sig.length)] += (byte) c.delta();
        refused(SNAPSHOT, sig);
    }

    private static void refused(byte[] snapshot, byte[] sig) {
        RegistryException e = assertThrows(RegistryException.class, () -> SIGNERS.verify(snapshot, sig, "snapshot", "sig", NOW));
        assertEquals(RegistryCode.BAD_SIGNATURE, e.problems().get(0).code(), e::getMessage);
    }

    private static int index(double where, int length) {
        return Math.min(length - 1, (int) (where * length));
    }

    private static byte[] read(String name) {
        try {
            return Files.readAllBytes(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SnapshotSigners signers() {
        try {
            return SnapshotSigners.read(DIR.resolve("allowed_signers"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
