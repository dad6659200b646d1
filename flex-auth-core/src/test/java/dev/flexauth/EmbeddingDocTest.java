package dev.flexauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smallest complete program of docs/embedding.md compiles against the core as written and
 * prints what the page says it prints (commonmark's README test, for our embedding page).
 */
class EmbeddingDocTest {
    private static final String SECTION = "The smallest complete program";
    private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

    @Test
    void theSmallestCompleteProgramCompilesRunsAndPrintsWhatThePageSays(@TempDir Path dir) throws Exception {
        List<FencedCodeBlock> blocks = blocksUnder(SECTION);
        FencedCodeBlock program = blocks.stream().filter(b -> b.getInfo().equals("java")).findFirst().orElseThrow(
                () -> new AssertionError("docs/embedding.md, \"" + SECTION + "\": no java block"));
        FencedCodeBlock expected = blocks.get(blocks.indexOf(program) + 1);
        Matcher name = CLASS_NAME.matcher(program.getLiteral());
        assertTrue(name.find(), "the program declares no public class");

        assertEquals(expected.getLiteral(), compileAndRun(dir, name.group(1), program.getLiteral(), TestFiles.root()));
    }

    /** The step-by-step fragment of the same section compiles as written and builds the example's engine. */
    @Test
    void theStepByStepFragmentCompilesAndRuns(@TempDir Path dir) throws Exception {
        FencedCodeBlock fragment = blocksUnder(SECTION).stream().filter(b -> b.getInfo().equals("java")).skip(1).findFirst()
                .orElseThrow(() -> new AssertionError("docs/embedding.md, \"" + SECTION + "\": no second java block"));
        String program = "import dev.flexauth.engine.Engine;\nimport dev.flexauth.policy.PolicyPackage;\n"
                + "import dev.flexauth.policy.markdown.PolicyReader;\nimport dev.flexauth.registry.Registry;\n"
                + "import dev.flexauth.registry.RegistryLoader;\nimport java.nio.file.Path;\n"
                + "public class Fragment {\n    public static void main(String[] args) {\n" + fragment.getLiteral()
                + "        System.out.println(engine.policy().name() + \" \" + engine.registry().entityCount());\n    }\n}\n";
        assertEquals("ops-warden.ssh-signing 4\n", compileAndRun(dir, "Fragment", program,
                TestFiles.root().resolve("examples/ops-warden")));
    }

    /** Compiles {@code source} (public class {@code name}) against the test class path, runs it in {@code workDir}; its stdout. */
    private static String compileAndRun(Path dir, String name, String program, Path workDir) throws Exception {
        Path source = dir.resolve(name + ".java");
        Files.writeString(source, program);
        String classpath = classpath();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-classpath", classpath, "-d", dir.toString(), "-Xlint:all", "-Werror"), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source.toFile())).call();
        assertTrue(compiled, "docs/embedding.md's " + name + " does not compile:\n" + diagnostics + "\n" + program);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", dir + File.pathSeparator + classpath, name)
                .directory(workDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " did not finish in 120 s");
        assertEquals(0, p.exitValue(), Files.readString(err));
        return Files.readString(out);
    }

    /**
     * Everything the test itself can see, as a class path: the core is a module (on the module path)
     * when the tests run as a patch of it, and its dependencies may be on either path.
     */
    private static String classpath() {
        List<String> parts = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "surefire.test.class.path", "java.class.path")) {
            String v = System.getProperty(property);
            if (v != null && !v.isEmpty()) {
                parts.add(v);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    /** The fenced blocks of docs/embedding.md from heading {@code title} to the next heading. */
    private static List<FencedCodeBlock> blocksUnder(String title) throws Exception {
        Node doc = Parser.builder().build().parse(Files.readString(TestFiles.root().resolve("docs/embedding.md")));
        List<FencedCodeBlock> out = new ArrayList<>();
        boolean in = false;
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h) {
                in = h.getFirstChild() instanceof Text t && t.getLiteral().equals(title);
            } else if (in && n instanceof FencedCodeBlock b) {
                out.add(b);
            }
        }
        assertTrue(out.size() >= 2, "docs/embedding.md has no section \"" + title + "\" with a program and its output");
        return out;
    }
}
