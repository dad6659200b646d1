package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The adapter stays thin: it sees the core's API and the JDK, nothing else (no JSON library, no core internals but SHA-256). */
class DependencyTest {
    static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)\\.[\\w*]+;$", Pattern.MULTILINE);
    static final Pattern ALLOWED = Pattern.compile("(java|javax|com\\.sun\\.net\\.httpserver"
            + "|dev\\.flexauth\\.(engine|policy|registry|reason|log|json|io|analysis|server))(\\..*)?");
    /** The one core internal the server uses: the one home of SHA-256 (the server is on the class path). */
    static final String SHA256 = "import dev.flexauth.internal.Sha256;";

    @Test
    void main_sources_import_only_the_jdk_and_the_core_api() throws IOException {
        List<String> offending;
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            offending = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                Matcher m = IMPORT.matcher(read(f));
                Stream.Builder<String> out = Stream.builder();
                while (m.find()) {
                    if (!ALLOWED.matcher(m.group(2)).matches() && !m.group(0).equals(SHA256)) {
                        out.add(f.getFileName() + ": " + m.group(0));
                    }
                }
                return out.build();
            }).toList();
        }

        assertEquals(List.of(), offending);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
