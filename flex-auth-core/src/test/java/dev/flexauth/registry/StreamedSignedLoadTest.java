package dev.flexauth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.io.FileDigest;
import dev.flexauth.reason.RegistryCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed snapshot is parsed and verified in one pass ({@link SnapshotSigners#load}): with a
 * snapshot of several megabytes, far larger than the read buffers, the signature made by the real
 * {@code ssh-keygen} over the whole file verifies, a problem of the JSON (even one that stops the
 * parser halfway) is reported exactly as the unsigned loader reports it, and a byte changed after
 * the problem, which the parser never reads, still fails the signature. The snapshots are written
 * here, byte for byte as when they were signed ({@code src/test/resources/signing/README.md}).
 */
class StreamedSignedLoadTest {
    static final int ACTORS = 30_000;

    @TempDir
    Path tmp;

    /**
     * {@code ACTORS} actors, one per line; {@code fault} replaces the text of the actor at
     * {@code faultAt} (null: none). Also written by the README's commands.
     */
    static byte[] snapshot(int faultAt, String fault) {
        StringBuilder b = new StringBuilder(ACTORS * 160);
        b.append("{\"format\": \"flex-auth/registry\", \"format_version\": 1,\n");
        b.append(" \"source\": {\"system\": \"ops-warden\", \"inventory\": \"streamed\", \"generated_at\": \"2026-06-23T00:00:00Z\"},\n");
        b.append(" \"entities\": {\"actor\": [\n");
        for (int i = 0; i < ACTORS; i++) {
            String id = String.format("agt-streamed-%06d", i);
            b.append(i == faultAt && fault != null ? fault : "  {\"id\": \"" + id + "\", \"type\": \"agt\", \"principal\": \"agt-principal-"
                    + i + "\", \"max_ttl_hours\": " + (1 + i % 48) + ", \"allowed_subjects\": [\"" + id + "\", \"iam:" + id + "\"]}");
            b.append(i + 1 < ACTORS ? ",\n" : "\n");
        }
        b.append("]}}\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The snapshot and the committed signature ssh-keygen made of it, side by side in {@code tmp}. */
    private Path signed(String name, byte[] bytes, String signature) throws Exception {
        Path file = Files.write(tmp.resolve(name), bytes);
        Files.copy(SnapshotSignersTest.DIR.resolve(signature), SnapshotSigners.signatureOf(file));
        return file;
    }

    private static SnapshotSigners.Verified load(Path file) throws RegistryException {
        return SnapshotSignersTest.signers().load(file, RegistryLoader.defaults(), SnapshotSignersTest.NOW);
    }

    @Test
    void a_large_signed_snapshot_verifies_and_loads_as_its_unsigned_self() throws Exception {
        byte[] bytes = snapshot(-1, null);
        assertTrue(bytes.length > 1 << 20, "larger than the read buffers many times over: " + bytes.length);
        Path file = signed("large.json", bytes, "large.json.sig");
        SnapshotSigners.Verified v = load(file);
        assertEquals(1, v.signer().line());
        assertEquals(ACTORS, v.registry().kinds().get("actor").entities().size());
        assertEquals(RegistryLoader.defaults().load(file).digest(), v.registry().digest());
    }

    @Test
    void a_problem_at_the_end_of_a_large_signed_snapshot_is_reported_as_without_signers() throws Exception {
        byte[] bytes = snapshot(ACTORS - 1, "  {\"id\": \"agt-streamed-last\", \"type\": \"agt\", \"max_ttl_hours\": \"48\"}");
        Path file = signed("bad_last.json", bytes, "large_bad_last.json.sig");
        RegistryException signed = assertThrows(RegistryException.class, () -> load(file));
        RegistryException unsigned = assertThrows(RegistryException.class, () -> RegistryLoader.defaults().load(file));
        assertEquals(unsigned.problems(), signed.problems());
        assertEquals(new RegistryProblem("entities.actor[" + (ACTORS - 1) + "].max_ttl_hours", RegistryCode.WRONG_TYPE,
                "expected integer (as at entities.actor[0].max_ttl_hours), got string \"48\""), signed.problems().get(0));
    }

    /** The parser stops at the broken line; the rest of the file is still hashed, so the signature verifies. */
    @Test
    void a_syntax_error_halfway_is_reported_with_its_line_and_column_after_the_whole_file_verified() throws Exception {
        byte[] bytes = snapshot(ACTORS / 2, "  {\"id\": \"agt-streamed-broken\" \"type\": \"agt\"}");
        Path file = signed("broken.json", bytes, "large_broken.json.sig");
        RegistryException signed = assertThrows(RegistryException.class, () -> load(file));
        RegistryException unsigned = assertThrows(RegistryException.class, () -> RegistryLoader.defaults().load(file));
        assertEquals(unsigned.problems(), signed.problems());
        assertEquals(RegistryCode.INVALID_JSON, signed.problems().get(0).code());
        assertTrue(signed.problems().get(0).message().startsWith("line " + (ACTORS / 2 + 4) + ", column 32: not well-formed JSON"),
                signed.problems().get(0).message());
    }

    /** A byte the parser never reads (past a syntax error) is still signed: changing it is refused, and alone. */
    @Test
    void a_byte_changed_after_a_syntax_error_fails_the_signature_and_nothing_else_is_reported() throws Exception {
        byte[] bytes = snapshot(ACTORS / 2, "  {\"id\": \"agt-streamed-broken\" \"type\": \"agt\"}");
        bytes[bytes.length - 3] = '}' == bytes[bytes.length - 3] ? (byte) ']' : (byte) '}';
        Path file = signed("broken_changed.json", bytes, "large_broken.json.sig");
        RegistryException e = assertThrows(RegistryException.class, () -> load(file));
        assertEquals(1, e.problems().size(), e::getMessage);
        assertEquals(RegistryCode.BAD_SIGNATURE, e.problems().get(0).code());
        assertTrue(e.problems().get(0).message().contains("does not match the snapshot's bytes"), e.getMessage());
    }

    @Test
    void a_changed_final_byte_of_a_valid_large_snapshot_fails_the_signature() throws Exception {
        byte[] bytes = snapshot(-1, null);
        bytes[bytes.length - 1] = ' ';
        Path file = signed("changed.json", bytes, "large.json.sig");
        RegistryException e = assertThrows(RegistryException.class, () -> load(file));
        assertEquals(List.of(RegistryCode.BAD_SIGNATURE), e.problems().stream().map(RegistryProblem::code).toList());
    }

    @Test
    void the_streamed_messages_of_a_missing_or_oversize_snapshot_are_read_verifieds() throws Exception {
        Path missing = tmp.resolve("missing.json");
        RegistryException gone = assertThrows(RegistryException.class, () -> load(missing));
        assertEquals(List.of(new RegistryProblem("", RegistryCode.UNREADABLE, "file not found: " + missing)), gone.problems());
        Path file = signed("large.json", snapshot(-1, null), "large.json.sig");
        RegistryLoader small = RegistryLoader.builder().maxBytes(1 << 20).build();
        RegistryException tooLarge = assertThrows(RegistryException.class,
                () -> SnapshotSignersTest.signers().load(file, small, SnapshotSignersTest.NOW));
        RegistryException before = assertThrows(RegistryException.class,
                () -> SnapshotSignersTest.signers().readVerified(file, 1 << 20, SnapshotSignersTest.NOW));
        assertEquals(before.problems(), tooLarge.problems());
    }

    /** Oversize is said first, as readVerified says it, whether or not the signature beside it is there. */
    @Test
    void an_oversize_snapshot_without_its_signature_is_refused_for_its_size() throws Exception {
        Path file = Files.write(tmp.resolve("unsigned.json"), snapshot(-1, null));
        RegistryLoader small = RegistryLoader.builder().maxBytes(1 << 20).build();
        RegistryException streamed = assertThrows(RegistryException.class,
                () -> SnapshotSignersTest.signers().load(file, small, SnapshotSignersTest.NOW));
        RegistryException before = assertThrows(RegistryException.class,
                () -> SnapshotSignersTest.signers().readVerified(file, 1 << 20, SnapshotSignersTest.NOW));
        assertEquals(List.of(RegistryCode.TOO_LARGE), streamed.problems().stream().map(RegistryProblem::code).toList());
        assertEquals(before.problems(), streamed.problems());
    }

    /**
     * What a server compares to see a changed file ({@link FileDigest}): the SHA-256 of every byte
     * of it, taken by the load on the reading thread, also those after the parser stopped.
     */
    @Test
    void the_file_digest_of_a_load_covers_the_whole_file_even_past_a_problem() throws Exception {
        byte[] bytes = snapshot(ACTORS / 2, "  {\"id\": \"agt-streamed-broken\" \"type\": \"agt\"}");
        Path file = signed("broken.json", bytes, "large_broken.json.sig");
        String whole = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        FileDigest unsigned = FileDigest.sha256();
        assertThrows(RegistryException.class, () -> RegistryLoader.defaults().load(file, unsigned));
        assertEquals(Optional.of(whole), unsigned.hex());

        FileDigest signed = FileDigest.sha256();
        assertThrows(RegistryException.class,
                () -> SnapshotSignersTest.signers().load(file, RegistryLoader.defaults(), SnapshotSignersTest.NOW, signed));
        assertEquals(Optional.of(whole), signed.hex());
    }

    @Test
    void the_file_digest_of_a_load_is_the_files_sha256_and_changes_nothing_else() throws Exception {
        byte[] bytes = snapshot(-1, null);
        Path file = signed("large.json", bytes, "large.json.sig");
        FileDigest digest = FileDigest.sha256();
        Registry loaded = RegistryLoader.defaults().load(file, digest);
        assertEquals(Optional.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))), digest.hex());
        assertEquals(RegistryLoader.defaults().load(file).digest(), loaded.digest());
        FileDigest signed = FileDigest.sha256();
        assertEquals(loaded.digest(), SnapshotSignersTest.signers()
                .load(file, RegistryLoader.defaults(), SnapshotSignersTest.NOW, signed).registry().digest());
        assertEquals(digest.hex(), signed.hex());
    }

    /** A file that cannot be read to its end leaves the digest unknown, never a digest of part of it. */
    @Test
    void a_file_digest_stays_unknown_when_the_file_is_refused_before_its_end() throws Exception {
        Path file = Files.write(tmp.resolve("large.json"), snapshot(-1, null));
        FileDigest digest = FileDigest.sha256();
        RegistryLoader small = RegistryLoader.builder().maxBytes(1 << 20).build();
        assertThrows(RegistryException.class, () -> small.load(file, digest));
        assertEquals(Optional.empty(), digest.hex());
    }
}
