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
 * Dependencies point one way: registry <- policy <- policy.lang <- policy.markdown <- engine <- analysis; json
 * and log sit on top; only policy.markdown imports commonmark, only the server imports com.sun.net.httpserver,
 * only the CLI imports picocli. A plain import scan of the sources guards it; a package is named by its path
 * under dev/flexauth ("policy.lang"), and its rules are its own: a sub-package does not inherit its parent's.
 */
class ArchitectureTest {
    /** What nothing at or below the policy packages may see. */
    private static final List<String> ABOVE_POLICY = List.of("dev.flexauth.engine", "dev.flexauth.analysis",
            "dev.flexauth.json", "dev.flexauth.log", "com.fasterxml");

    /** Package (its path under dev/flexauth, dotted) to the flex-auth packages (and foreign prefixes) it must not import. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "registry", List.of("dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.analysis", "dev.flexauth.json",
                    "dev.flexauth.log"),
            // The model knows neither how it is read nor the parser that builds its trees.
            "policy", concat(ABOVE_POLICY, "dev.flexauth.policy.markdown", "dev.flexauth.policy.lang"),
            // The rule language reads text with positions; Markdown is the reader's business.
            "policy.lang", concat(ABOVE_POLICY, "dev.flexauth.policy.markdown"),
            "policy.markdown", ABOVE_POLICY,
            "engine", List.of("dev.flexauth.analysis", "dev.flexauth.json", "dev.flexauth.log", "dev.flexauth.policy.lang",
                    "com.fasterxml"),
            "analysis", List.of("dev.flexauth.json", "dev.flexauth.log", "dev.flexauth.policy.markdown",
                    "dev.flexauth.policy.lang", "com.fasterxml"),
            "reason", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json",
                    "dev.flexauth.log"),
            "log", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json"),
            "internal", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json",
                    "dev.flexauth.log"),
            "io", List.of("dev.flexauth.registry", "dev.flexauth.policy", "dev.flexauth.engine", "dev.flexauth.json",
                    "dev.flexauth.log", "dev.flexauth.internal"));
    /** Foreign prefixes with one importer each, in the core or in another module. */
    private static final Map<String, String> ONLY_IMPORTER = Map.of(
            "org.commonmark", "policy.markdown",
            "com.sun.net.httpserver", "(the server)",
            "picocli", "(the CLI)");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void dependenciesPointOneWay() throws IOException {
        Path main = TestFiles.root().resolve("flex-auth-core/src/main/java/dev/flexauth");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = packageOf(main.relativize(f));
                String source = Files.readString(f);
                Matcher m = IMPORT.matcher(source);
                while (m.find()) {
                    String imported = m.group(2);
                    for (String bad : FORBIDDEN.getOrDefault(pkg, List.of())) {
                        if (imported.startsWith(bad + ".")) {
                            violations.add(main.relativize(f) + " imports " + imported);
                        }
                    }
                    ONLY_IMPORTER.forEach((prefix, only) -> {
                        if (imported.startsWith(prefix + ".") && !pkg.equals(only)) {
                            violations.add(main.relativize(f) + " imports " + imported + " (" + only + " only)");
                        }
                    });
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void subPackagesAreNamedByTheirPath() {
        assertEquals("policy.lang", packageOf(Path.of("policy", "lang", "Lexer.java")));
        assertEquals("engine", packageOf(Path.of("engine", "Engine.java")));
        assertEquals("", packageOf(Path.of("FlexAuth.java")));
    }

    /** "policy.lang" for policy/lang/Lexer.java; "" for the root package. */
    private static String packageOf(Path relative) {
        Path dir = relative.getParent();
        return dir == null ? "" : dir.toString().replace(relative.getFileSystem().getSeparator(), ".");
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
