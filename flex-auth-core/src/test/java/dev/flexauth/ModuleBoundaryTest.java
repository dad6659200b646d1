package dev.flexauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.engine.EngineLoader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * module-info.java exports the API packages and not {@code dev.flexauth.internal} or
 * {@code dev.flexauth.policy.lang}: a modular application compiled against the core's classes can
 * import the engine but not the internals or the rule language's parser.
 */
class ModuleBoundaryTest {

    @Test
    void aModularApplicationSeesTheApiButNotTheInternals(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), compile(dir.resolve("api"), "dev.flexauth.engine.EngineLoader"));
        List<String> refused = compile(dir.resolve("internal"), "dev.flexauth.internal.Utf8");
        assertEquals(List.of("compiler.err.package.not.visible"), refused.stream().map(l -> l.split(" ", 2)[0]).toList());
        assertTrue(refused.get(0).contains("which does not export it"), refused.get(0));
        List<String> lang = compile(dir.resolve("lang"), "dev.flexauth.policy.lang.RuleParser");
        assertEquals(List.of("compiler.err.package.not.visible"), lang.stream().map(l -> l.split(" ", 2)[0]).toList());
    }

    /** Compiles module {@code app} whose one class names {@code type}; the error diagnostics as "code message". */
    private static List<String> compile(Path dir, String type) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/app/a"));
        Files.writeString(dir.resolve("src/app/module-info.java"), "module app { requires dev.flexauth.core; }\n");
        Path source = Files.writeString(src.resolve("A.java"), "package a;\npublic class A {\n    static final Class<?> TYPE = "
                + type + ".class;\n}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            javac.getTask(null, files, diagnostics, List.of("--module-path", modulePath(), "-d",
                    Files.createDirectories(dir.resolve("out")).toString()), null,
                    files.getJavaFileObjects(dir.resolve("src/app/module-info.java").toFile(), source.toFile())).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .map(d -> d.getCode() + " " + d.getMessage(Locale.ROOT)).toList();
    }

    /** The core's classes (an exploded module with its module-info.class) and the jars beside them. */
    private static String modulePath() throws Exception {
        String core = Path.of(EngineLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String deps = System.getProperty("jdk.module.path", System.getProperty("java.class.path"));
        return core + File.pathSeparator + deps;
    }
}
