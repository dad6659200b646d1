package dev.flexauth.server;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Variants of the ops-warden example files, and the ways operators and tools replace files. */
public final class Fixtures {
    private Fixtures() {
    }

    public static String registry() {
        return read(TestServer.REGISTRY);
    }

    public static String policy() {
        return read(TestServer.POLICY);
    }

    /** The production registry without actor {@code id}: how an operator revokes it. */
    public static String registryWithout(String id) {
        try {
            ObjectNode root = (ObjectNode) TestJson.MAPPER.readTree(registry());
            ArrayNode actors = (ArrayNode) root.path("entities").path("actor");
            for (int i = 0; i < actors.size(); i++) {
                if (actors.get(i).path("id").asText().equals(id)) {
                    actors.remove(i);
                    return TestJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
                }
            }
            throw new IllegalArgumentException("no actor " + id + " in the example registry");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The production registry as if generated at {@code generatedAt}. */
    static String registryGeneratedAt(java.time.Instant generatedAt) {
        String valid = registry();
        String changed = valid.replace("\"generated_at\": \"2026-06-23T00:00:00Z\"", "\"generated_at\": \"" + generatedAt + "\"");
        if (changed.equals(valid)) {
            throw new IllegalStateException("the example registry changed; update this fixture");
        }
        return changed;
    }

    /** The production registry with the bridge agent's max TTL as a string: invalid. */
    public static String registryWithStringTtl() {
        String valid = registry();
        String invalid = valid.replace("\"max_ttl_hours\": 24", "\"max_ttl_hours\": \"24\"");
        if (invalid.equals(valid)) {
            throw new IllegalStateException("the example registry changed; update this fixture");
        }
        return invalid;
    }

    /**
     * The policy with the TTL maximum hard-coded to 48 in the deny and the allow rule: valid, its
     * examples over each actor's maximum fail, and so does its property "No certificate outlives
     * the actor's maximum".
     */
    public static String policyWithHardCodedTtl() {
        String valid = policy();
        String invalid = valid.replace("(ttl_hours < 1 or ttl_hours > actor.max_ttl_hours)", "(ttl_hours < 1 or ttl_hours > 48)")
                .replace("(ttl_hours >= 1 and ttl_hours <= actor.max_ttl_hours)", "(ttl_hours >= 1 and ttl_hours <= 48)");
        if (invalid.equals(valid)) {
            throw new IllegalStateException("the example policy changed; update this fixture");
        }
        return invalid;
    }

    /** The policy with a typo in a rule's field name: invalid. */
    static String policyWithTypo() {
        String valid = policy();
        String invalid = valid.replace("deny action_not_supported when action != \"ssh.sign\"",
                "deny action_not_supported when acton != \"ssh.sign\"");
        if (invalid.equals(valid)) {
            throw new IllegalStateException("the example policy changed; update this fixture");
        }
        return invalid;
    }

    /** Writes next to {@code target} and renames over it: how generators and {@code kubectl cp} replace files. */
    public static void replaceAtomically(Path target, String content) {
        try {
            Path tmp = Files.writeString(target.resolveSibling("." + target.getFileName() + ".tmp"), content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Truncates and rewrites the file itself: how many editors save. */
    public static void writeInPlace(Path target, String content) {
        try {
            Files.writeString(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
