package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The server's layers point one way (docs/architecture.md): the entry point wires
 * {@code endpoints} -> {@code transport}, {@code reload} -> {@code observability}; the transport
 * knows no endpoint and no reload, the reload machinery knows no HTTP serving, observability knows
 * none of the others, and no sub-package sees the entry point. Only the transport and the entry
 * point import {@code com.sun.net.httpserver}. A plain import scan of the sources guards it, as the
 * core's ArchitectureTest does.
 */
class ArchitectureTest {
    private static final String SERVER = "dev.flexauth.server.";
    private static final String JDK_HTTP = "com.sun.net.httpserver";
    /** Sub-package to the prefixes it must not import. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "observability", List.of(SERVER + "transport", SERVER + "endpoints", SERVER + "reload", JDK_HTTP),
            "transport", List.of(SERVER + "endpoints", SERVER + "reload"),
            "reload", List.of(SERVER + "transport", SERVER + "endpoints", JDK_HTTP),
            "endpoints", List.of(JDK_HTTP));
    /** The entry point's own classes: {@code dev.flexauth.server.FlexAuthServer}, not a sub-package. */
    private static final Pattern ENTRY_POINT = Pattern.compile("dev\\.flexauth\\.server\\.[A-Z]\\w*(\\..*)?");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void layersPointOneWay() throws IOException {
        Path main = Path.of("src", "main", "java", "dev", "flexauth", "server");
        List<String> violations = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Path relative = main.relativize(f);
                String pkg = relative.getNameCount() == 1 ? "" : relative.getName(0).toString();
                packages.add(pkg);
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String imported = m.group(2);
                    for (String bad : FORBIDDEN.getOrDefault(pkg, List.of())) {
                        if (imported.startsWith(bad + ".")) {
                            violations.add(relative + " imports " + imported);
                        }
                    }
                    if (!pkg.isEmpty() && ENTRY_POINT.matcher(imported).matches()) {
                        violations.add(relative + " imports " + imported + " (the entry point wires the layers; none sees it)");
                    }
                }
            }
        }
        assertTrue(packages.containsAll(FORBIDDEN.keySet()), "every guarded package exists: " + FORBIDDEN.keySet());
        assertEquals(List.of(), violations);
    }
}
