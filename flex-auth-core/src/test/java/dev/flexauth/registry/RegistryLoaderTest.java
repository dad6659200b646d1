package dev.flexauth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.TestFiles;
import dev.flexauth.reason.RegistryCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the spec file cannot show: bytes that are not UTF-8, limits, files, and the Java builder. */
class RegistryLoaderTest {
    private static final String HEAD = "{\"format\":\"flex-auth/registry\",\"format_version\":1,"
            + "\"source\":{\"system\":\"t\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":";

    private static RegistryProblem only(RegistryException e) {
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0);
    }

    @TempDir
    Path tmp;

    /**
     * Refuses {@code bytes} as the same problems whether they are given as bytes or as a file (read
     * through {@code RegularFile}'s chunks and helper thread), and returns one refusal.
     */
    private RegistryException refusedAlike(byte[] bytes, String name) throws Exception {
        RegistryException given = assertThrows(RegistryException.class, () -> RegistryLoader.defaults().load(bytes, name));
        Path file = Files.write(tmp.resolve(name), bytes);
        RegistryException read = assertThrows(RegistryException.class, () -> RegistryLoader.defaults().load(file));
        assertEquals(given.problems(), read.problems());
        return given;
    }

    @Test
    void utf16IsRefusedWithTheFix() throws Exception {
        byte[] utf16 = (HEAD + "{}}").getBytes(StandardCharsets.UTF_16LE);
        RegistryException e = refusedAlike(utf16, "u16.json");
        assertEquals("the snapshot is not UTF-8 (it looks like UTF-16 or UTF-32); save it as UTF-8", only(e).message());
        // With a byte order mark, which is not UTF-8 at all.
        byte[] bom = (HEAD + "{}}").getBytes(StandardCharsets.UTF_16);
        assertEquals(e.problems(), refusedAlike(bom, "u16bom.json").problems());
    }

    /** Past the first megabyte, many read chunks in. */
    @Test
    void invalidUtf8DeepInALargeFileIsRefusedWithItsPlace() throws Exception {
        StringBuilder b = new StringBuilder(HEAD).append("{\"actor\":[");
        for (int i = 0; i < 20_000; i++) {
            b.append("{\"id\":\"a").append(i).append("\", \"note\": \"").append("x".repeat(40)).append("\"},");
        }
        byte[] good = b.toString().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(good, good.length + 1);
        bytes[good.length] = (byte) 0xC0; // never valid, and the file ends in it
        RegistryException e = refusedAlike(bytes, "deep.json");
        assertEquals("not valid UTF-8 at byte " + good.length + " (an overlong, surrogate or truncated sequence); save the "
                + "snapshot as UTF-8", only(e).message());
    }

    @Test
    void invalidUtf8IsRefusedWithItsPlace() throws Exception {
        byte[] bytes = (HEAD + "{\"actor\":[{\"id\":\"a\u00ff\"}]}}").getBytes(StandardCharsets.ISO_8859_1);
        RegistryException e = refusedAlike(bytes, "bad.json");
        RegistryProblem p = only(e);
        assertEquals(RegistryCode.INVALID_JSON, p.code());
        assertEquals("not valid UTF-8 at byte 141 (an overlong, surrogate or truncated sequence); save the snapshot as UTF-8",
                p.message());
    }

    @Test
    void anOverlongSpellingOfAnIdIsRefusedNotReadAsTheIdItImitates() throws Exception {
        // C1 A1 is an overlong "a": a lenient decoder would load the entity as "adm-example".
        byte[] head = (HEAD + "{\"actor\":[{\"id\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "dm-example\"}]}}".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xC1;
        bytes[head.length + 1] = (byte) 0xA1;
        System.arraycopy(tail, 0, bytes, head.length + 2, tail.length);
        RegistryException e = refusedAlike(bytes, "overlong.json");
        assertEquals("not valid UTF-8 at byte " + head.length + " (an overlong, surrogate or truncated sequence); save the snapshot as UTF-8",
                only(e).message());
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("registry_over_limit.json");
        Files.writeString(big, HEAD + "{}}" + " ".repeat(2000));
        RegistryException e = assertThrows(RegistryException.class,
                () -> RegistryLoader.builder().maxBytes(1000).build().load(big));
        assertEquals("the snapshot is " + Files.size(big) + " bytes, more than the limit of 1000 bytes; raise the limit if this is intended",
                only(e).message());
    }

    @Test
    void moreEntitiesThanTheLimitAreRefused() {
        String json = HEAD + "{\"actor\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]}}";
        RegistryException e = assertThrows(RegistryException.class,
                () -> RegistryLoader.builder().maxEntities(2).build().load(json.getBytes(StandardCharsets.UTF_8), "many.json"));
        assertEquals("entities.actor[2]: more than 2 entities; raise the limit if this is intended", only(e).toString());
    }

    @Test
    void absurdNestingIsRefusedNotRecursedInto() {
        String json = HEAD + "{\"actor\":[{\"id\":\"a\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}]}}";
        RegistryException e = assertThrows(RegistryException.class,
                () -> RegistryLoader.defaults().load(json.getBytes(StandardCharsets.UTF_8), "deep.json"));
        assertEquals(RegistryCode.TOO_LARGE, e.problems().get(e.problems().size() - 1).code(), e.getMessage());
    }

    @Test
    void aMissingFileIsReportedAsSuch(@TempDir Path dir) {
        RegistryException e = assertThrows(RegistryException.class,
                () -> RegistryLoader.defaults().load(dir.resolve("absent.json")));
        assertEquals("file not found: " + dir.resolve("absent.json"), only(e).message());
    }

    @Test
    void theExampleLoadsFromItsFile() throws Exception {
        Registry r = RegistryLoader.defaults().load(TestFiles.opsWardenRegistry());
        assertEquals(new Source("ops-warden", "production", "2026-06-23T00:00:00Z"), r.source());
        assertEquals(Map.of("actor", 4), r.counts());
        assertEquals("sha256:1479186bca4e674cdc69edbeb33c15bedf7158d17c7226e2038339f9125b1264", r.digest());
    }

    @Test
    void theJavaBuilderGivesTheSameDigestAsTheJsonOfTheSameData() throws Exception {
        Registry built = Registry.builder(new Source("anything", "", "2000-01-01T00:00:00Z"))
                .kind("actor", Map.of("type", AttributeType.STRING, "principal", AttributeType.STRING,
                        "max_ttl_hours", AttributeType.INTEGER, "allowed_subjects", AttributeType.STRING_LIST))
                .entity("actor", "agt-state-hub-bridge", Map.of("type", "agt", "principal", "agt-task-bridge",
                        "max_ttl_hours", 24, "allowed_subjects", List.of("agt-state-hub-bridge", "iam:agt-state-hub-bridge")))
                .build();
        String json = HEAD + "{\"actor\":[{\"id\":\"agt-state-hub-bridge\",\"type\":\"agt\",\"principal\":\"agt-task-bridge\","
                + "\"max_ttl_hours\":24,\"allowed_subjects\":[\"agt-state-hub-bridge\",\"iam:agt-state-hub-bridge\"]}]}}";
        assertEquals(RegistryLoader.defaults().load(json.getBytes(StandardCharsets.UTF_8), "same.json").digest(), built.digest());
    }

    @Test
    void theJavaBuilderRefusesMisuseWithTheReason() {
        Registry.Builder b = Registry.builder(new Source("t", "", "2000-01-01T00:00:00Z"))
                .kind("actor", Map.of("max_ttl_hours", AttributeType.INTEGER));
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> b.entity("actor", "a", Map.of("max_ttl_hours", "48")));
        assertEquals("actor \"a\".max_ttl_hours: expected integer, got String", wrongType.getMessage());
        IllegalArgumentException emptyId = assertThrows(IllegalArgumentException.class, () -> b.entity("actor", "", Map.of()));
        assertEquals("actor id: an entity id must not be empty", emptyId.getMessage());
        IllegalArgumentException undeclared = assertThrows(IllegalArgumentException.class, () -> b.entity("robot", "r", Map.of()));
        assertEquals("kind \"robot\" is not declared; call kind() first", undeclared.getMessage());
    }
}
