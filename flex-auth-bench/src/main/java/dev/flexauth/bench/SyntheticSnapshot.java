package dev.flexauth.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the synthetic ops-warden registry snapshot of issue 7: actor {@code i} is named
 * {@code <type>-synthetic-<i, 6 digits>}, of type {@code [adm, agt, atm][i % 3]}, with principal
 * {@code <type>-principal-<i % 50>}, {@code max_ttl_hours = 1 + (i * 7919) % 48} and subjects its
 * name and {@code iam:<name>}. Deterministic: the same size always gives the same bytes.
 */
final class SyntheticSnapshot {
    private static final String[] TYPES = {"adm", "agt", "atm"};

    /** One generated actor. */
    record Actor(String name, String type, String principal, long maxTtlHours, List<String> subjects) {
    }

    private SyntheticSnapshot() {
    }

    static Actor actor(int i) {
        String type = TYPES[i % 3];
        String name = String.format("%s-synthetic-%06d", type, i);
        // long: i * 7919 overflows an int from i = 271,189 on.
        long maxTtl = 1 + ((long) i * 7919) % 48;
        return new Actor(name, type, type + "-principal-" + (i % 50), maxTtl, List.of(name, "iam:" + name));
    }

    /**
     * The snapshot of {@code actors} actors in {@code dir}, written first if it is not there yet
     * (to a temporary file renamed into place, so an interrupted run never leaves half a snapshot).
     */
    static Path ensure(Path dir, int actors) {
        Path file = dir.resolve("synthetic_registry_" + actors + "_actors.json");
        if (Files.isRegularFile(file)) {
            return file;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "synthetic", ".tmp");
            write(tmp, actors);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic snapshot " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, int actors) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", "flex-auth/registry");
            g.writeNumberField("format_version", 1);
            g.writeObjectFieldStart("source");
            g.writeStringField("system", "ops-warden");
            g.writeStringField("inventory", "synthetic-" + actors);
            g.writeStringField("generated_at", "2026-06-23T00:00:00Z");
            g.writeEndObject();
            g.writeObjectFieldStart("entities");
            g.writeArrayFieldStart("actor");
            for (int i = 0; i < actors; i++) {
                Actor a = actor(i);
                g.writeStartObject();
                g.writeStringField("id", a.name());
                g.writeStringField("type", a.type());
                g.writeStringField("principal", a.principal());
                g.writeNumberField("max_ttl_hours", a.maxTtlHours());
                g.writeArrayFieldStart("allowed_subjects");
                for (String s : a.subjects()) {
                    g.writeString(s);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
