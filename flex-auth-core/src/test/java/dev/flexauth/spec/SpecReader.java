package dev.flexauth.spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Reads a spec file (Markdown, read with commonmark itself, as commonmark's own spec tests are)
 * into examples. An example starts at a {@code policy}, {@code package} or {@code registry} block
 * (or {@code schema}) block and runs to the next such block or heading once it has an
 * {@code expect...} block; a {@code context} block and the {@code registry} block right after it,
 * before the first example, are the defaults every example uses.
 */
public final class SpecReader {
    static final Set<String> STARTS = Set.of("policy", "package", "registry", "schema");

    /** The defaults (context, registry) and the examples of one spec file. */
    public record SpecFile(String name, String context, String registry, List<SpecExample> examples) {
    }

    private SpecReader() {
    }

    public static SpecFile read(String resource) throws IOException {
        String text;
        try (InputStream in = SpecReader.class.getResourceAsStream("/spec/" + resource)) {
            if (in == null) {
                throw new IOException("no spec resource /spec/" + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Node doc = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build().parse(text);
        String context = null;
        String registry = null;
        String section = "";
        int number = 0;
        List<SpecExample> examples = new ArrayList<>();
        List<SpecExample.Block> current = null;
        int currentLine = 0;
        boolean inDefaults = true;
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading) {
                if (current != null) {
                    examples.add(new SpecExample(resource, section, number, currentLine, current));
                    current = null;
                }
                String title = title(n);
                if (!title.equals(section)) {
                    number = 0;
                }
                section = title;
                continue;
            }
            if (!(n instanceof FencedCodeBlock)) {
                continue;
            }
            FencedCodeBlock b = (FencedCodeBlock) n;
            String info = b.getInfo().trim();
            int line = b.getSourceSpans().get(0).getLineIndex() + 2;
            if (info.equals("context") && inDefaults) {
                context = b.getLiteral();
                continue;
            }
            if (info.equals("registry") && inDefaults && context != null && registry == null) {
                registry = b.getLiteral();
                continue;
            }
            if (!info.equals("policy") && !info.equals("package") && !info.equals("registry") && !info.equals("schema")
                    && !info.equals("properties") && !info.startsWith("request") && !info.startsWith("expect")) {
                continue;
            }
            inDefaults = false;
            boolean starts = STARTS.contains(info) && (current == null || current.stream().anyMatch(x -> x.info().startsWith("expect")));
            if (starts) {
                if (current != null) {
                    examples.add(new SpecExample(resource, section, number, currentLine, current));
                }
                current = new ArrayList<>();
                currentLine = line - 1;
                number++;
            } else if (current == null) {
                throw new IOException(resource + ":" + line + ": a \"" + info + "\" block outside an example");
            }
            current.add(new SpecExample.Block(info, b.getLiteral(), line));
        }
        if (current != null) {
            examples.add(new SpecExample(resource, section, number, currentLine, current));
        }
        return new SpecFile(resource, context, registry, examples);
    }

    private static String title(Node heading) {
        StringBuilder sb = new StringBuilder();
        for (Node c = heading.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof Text) {
                sb.append(((Text) c).getLiteral());
            } else if (c instanceof org.commonmark.node.Code) {
                sb.append(((org.commonmark.node.Code) c).getLiteral());
            }
        }
        return sb.toString().trim();
    }
}
