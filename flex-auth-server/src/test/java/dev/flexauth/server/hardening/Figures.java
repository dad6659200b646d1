package dev.flexauth.server.hardening;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures a hardening test produced, as one greppable line {@code FIGURE <name>: k=v, ...} on
 * standard output and appended to {@code target/hardening/figures.txt} (docs/reliability.md quotes
 * them). Thread-safe.
 */
final class Figures {
    static final Path FILE = Path.of("target", "hardening", "figures.txt");

    private final String name;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Figures(String name) {
        this.name = name;
    }

    static Figures of(String name) {
        return new Figures(name);
    }

    synchronized Figures put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    synchronized void print() {
        String line = "FIGURE " + name + ": scale=" + Scale.name() + ", " + values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        System.out.println(line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
