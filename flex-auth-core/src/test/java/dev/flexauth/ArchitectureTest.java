package dev.flexauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: registry <- policy <- engine <- analysis; json and log sit on top; only the
 * server imports com.sun.net.httpserver, only the CLI imports picocli. A plain import scan of the
 * sources guards it.
 */
class ArchitectureTest {
    /** Package to the flex-auth packages (and foreign prefixes) it must not import. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "registry", List.of("dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.analysis", "dev.flexauth.json",
                    "dev.flexauth.log", "org.commonmark"),
            "policy", List.of("dev.flexauth.engine", "dev.flexauth.analysis", "dev.flexauth.json", "dev.flexauth.log",
                    "com.fasterxml"),
            "engine", List.of("dev.flexauth.analysis", "dev.flexauth.json", "dev.flexauth.log", "org.commonmark",
                    "com.fasterxml"),
            "analysis", List.of("dev.flexauth.json", "dev.flexauth.log", "org.commonmark", "com.fasterxml"),
            "reason", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json",
                    "dev.flexauth.log"),
            "log", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json"),
            "internal", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json",
                    "dev.flexauth.log"),
            "io", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json",
                    "dev.flexauth.log", "dev.flexauth.internal"));
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void dependenciesPointOneWay() throws IOException {
        Path main = TestFiles.root().resolve("flex-auth-core/src/main/java/dev/flexauth");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = main.relativize(f).getName(0).toString();
                String source = Files.readString(f);
                Matcher m = IMPORT.matcher(source);
                while (m.find()) {
                    String imported = m.group(2);
                    for (String bad : FORBIDDEN.getOrDefault(pkg, List.of())) {
                        if (imported.startsWith(bad + ".")) {
                            violations.add(main.relativize(f) + " imports " + imported);
                        }
                    }
                    if (imported.startsWith("com.sun.net.httpserver") || imported.startsWith("picocli")) {
                        violations.add(main.relativize(f) + " imports " + imported + " (server or CLI only)");
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
