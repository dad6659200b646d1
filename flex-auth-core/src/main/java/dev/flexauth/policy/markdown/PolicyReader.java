package dev.flexauth.policy.markdown;

import dev.flexauth.internal.Sha256;
import dev.flexauth.io.RegularFile;
import dev.flexauth.io.RegularFileException;
import dev.flexauth.policy.Diagnostic;
import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Example;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.Pos;
import dev.flexauth.policy.Property;
import dev.flexauth.policy.Reason;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.policy.Rule;
import dev.flexauth.policy.lang.Diagnostics;
import dev.flexauth.policy.lang.TypeChecker;
import dev.flexauth.reason.DiagnosticCode;
import dev.flexauth.registry.RegistrySchema;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.commonmark.ext.front.matter.YamlFrontMatterBlock;
import org.commonmark.ext.front.matter.YamlFrontMatterExtension;
import org.commonmark.ext.front.matter.YamlFrontMatterVisitor;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Reads a policy package from Markdown (parsed by commonmark-java, never by regular expressions
 * over the raw text): YAML front matter for the metadata, the Request, Registry, Reasons and
 * Examples tables under headings of those names, and {@code rule} fenced blocks named by the
 * heading above them, and {@code property} blocks under the Properties heading. Every problem is reported with {@code file:line:column}; any error refuses
 * the package. Stateless and thread-safe.
 */
public final class PolicyReader {
    /** Policy files larger than this are refused unread: a package is a document, not a dataset. */
    public static final int MAX_BYTES = 4 << 20;

    private static final Parser MARKDOWN = Parser.builder()
            .extensions(List.of(TablesExtension.create(), YamlFrontMatterExtension.create()))
            .includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
            .build();
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private PolicyReader() {
    }

    /**
     * Reads the package in {@code file}, which must be a regular file (or a symlink to one) of at
     * most {@value #MAX_BYTES} bytes, read within {@link RegularFile#DEFAULT_DEADLINE}.
     */
    public static PolicyPackage read(Path file) throws PolicyException {
        Objects.requireNonNull(file, "file is null; pass the path of a policy package (Markdown)");
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = RegularFile.readAllBytes(file, MAX_BYTES, RegularFile.DEFAULT_DEADLINE);
        } catch (RegularFileException e) {
            throw single(name, DiagnosticCode.UNREADABLE, e.kind() == RegularFileException.Kind.TOO_LARGE
                    ? "the policy file is larger than " + MAX_BYTES + " bytes; a policy package is a document, not a dataset"
                    : e.getMessage());
        }
        return read(bytes, name);
    }

    /** Reads a package from its UTF-8 bytes; {@code file} names it in diagnostics. */
    public static PolicyPackage read(byte[] bytes, String file) throws PolicyException {
        Objects.requireNonNull(bytes, "bytes is null; pass the policy package's UTF-8 bytes");
        Objects.requireNonNull(file, "file is null; pass the name diagnostics should give the package");
        if (bytes.length > MAX_BYTES) {
            throw single(file, DiagnosticCode.UNREADABLE, "the policy file is larger than " + MAX_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw single(file, DiagnosticCode.SYNTAX_ERROR, "the policy file is not valid UTF-8; save it as UTF-8");
        }
        if (looksLikeJson(text)) {
            throw single(file, DiagnosticCode.NOT_A_POLICY, NOT_A_POLICY);
        }
        return new Reading(file, text, digest(bytes)).run();
    }

    /** Reads a package from Markdown text; {@code file} names it in diagnostics. */
    public static PolicyPackage read(String markdown, String file) throws PolicyException {
        Objects.requireNonNull(markdown, "markdown is null; pass the policy package's text");
        return read(markdown.getBytes(StandardCharsets.UTF_8), file);
    }

    /** What a JSON file given as the policy is told, instead of a "missing section" for each section. */
    static final String NOT_A_POLICY = "this file is JSON, not a Markdown policy package; "
            + "is it the registry snapshot? Pass the policy package (the .md file) as the policy";

    /** A policy package never starts with a JSON object or array; a registry snapshot does. */
    private static boolean looksLikeJson(String text) {
        String t = text.stripLeading();
        return t.startsWith("{") || t.startsWith("[");
    }

    private static PolicyException single(String file, DiagnosticCode code, String message) {
        return new PolicyException(List.of(new Diagnostic(file, Pos.START, code, false, message)));
    }

    private static String digest(byte[] bytes) {
        return "sha256:" + Sha256.hex(bytes);
    }

    /** One reading of one file. */
    private static final class Reading {
        private final String file;
        private final String text;
        private final String digest;
        private final String[] lines;
        private final Diagnostics out;

        private String name;
        private String version;
        private String defaultReason;
        private Pos defaultReasonPos = Pos.START;
        private final SchemaTables tables;
        private List<Example> examples = List.of();

        Reading(String file, String text, String digest) {
            this.file = file;
            this.text = text;
            this.digest = digest;
            this.lines = text.split("\r\n|\r|\n", -1);
            this.out = new Diagnostics(file);
            this.tables = new SchemaTables(out);
        }

        PolicyPackage run() throws PolicyException {
            Node doc = MARKDOWN.parse(text);
            metadata(doc);
            Map<String, MarkdownTable.TableAt> sections = MarkdownTable.sections(doc, out);
            MarkdownTable.TableAt registry = sections.get("registry");
            if (registry != null) {
                tables.registry(registry);
            }
            MarkdownTable.TableAt request = sections.get("request");
            if (request == null) {
                out.error(Pos.START, DiagnosticCode.MISSING_SECTION, "missing the Request section: add a \"## Request\" heading "
                        + "with a table of field | type | required | authzen | meaning");
            } else {
                tables.request(request);
            }
            MarkdownTable.TableAt reasonsTable = sections.get("reasons");
            if (reasonsTable == null) {
                out.error(Pos.START, DiagnosticCode.MISSING_SECTION, "missing the Reasons section: add a \"## Reasons\" heading "
                        + "with a table of reason | effect | meaning");
            } else {
                tables.reasons(reasonsTable);
            }
            checkDefaultReason();
            RequestSchema schema = new RequestSchema(tables.fields);
            RegistrySchema registrySchema = new RegistrySchema(tables.kinds);
            TypeChecker checker = request == null ? null : new TypeChecker(schema, registrySchema, tables.reasons, tables.unusable, out);
            CodeBlocks blocks = new CodeBlocks(out, lines);
            List<Rule> rules = blocks.rules(doc, checker);
            List<Property> properties = blocks.properties(doc, checker);
            MarkdownTable.TableAt examplesTable = sections.get("examples");
            if (examplesTable == null) {
                out.warning(Pos.START, DiagnosticCode.NO_EXAMPLES, "the package has no Examples section; add a \"## Examples\" "
                        + "table so `flex-auth test` can check the rules against their intent");
            }
            // Without a Request table every Examples column would be "unknown": one error, not a cascade.
            if (examplesTable != null && request != null) {
                examples = ExamplesTable.read(examplesTable, schema, tables.unusable, tables.reasons, out);
            }
            if (out.hasErrors()) {
                throw new PolicyException(out.sorted());
            }
            return new PolicyPackage(file, name, version, digest, defaultReason, schema, registrySchema, tables.reasons, rules,
                    examples, properties, out.sorted());
        }

        // ---- metadata -------------------------------------------------------------------------

        private void metadata(Node doc) {
            Node first = doc.getFirstChild();
            if (!(first instanceof YamlFrontMatterBlock)) {
                out.error(Pos.START, DiagnosticCode.MISSING_SECTION, "missing the metadata: start the file with front matter\n"
                        + "---\npackage: <name>\nversion: <version>\ndefault_reason: <deny reason when no rule matches>\n---");
                return;
            }
            YamlFrontMatterVisitor v = new YamlFrontMatterVisitor();
            doc.accept(v);
            List<SourceSpan> spans = first.getSourceSpans();
            for (Map.Entry<String, List<String>> e : v.getData().entrySet()) {
                String key = e.getKey();
                Pos pos = keyPos(spans, key);
                List<String> values = e.getValue();
                String value = values.size() == 1 ? values.get(0).trim() : null;
                if (value == null || value.isEmpty()) {
                    out.error(pos, DiagnosticCode.BAD_METADATA, "\"" + key + "\" needs exactly one value on its line");
                    continue;
                }
                switch (key) {
                    case "package":
                        if (!PACKAGE_NAME.matcher(value).matches()) {
                            out.error(pos, DiagnosticCode.BAD_METADATA, "package name \"" + value
                                    + "\" must be lowercase letters, digits, '.', '_' and '-', e.g. ops-warden.ssh-signing");
                        }
                        name = value;
                        break;
                    case "version":
                        version = value;
                        break;
                    case "default_reason":
                        defaultReason = value;
                        defaultReasonPos = pos;
                        break;
                    default:
                        out.error(pos, DiagnosticCode.BAD_METADATA, "unknown metadata key \"" + key
                                + "\"; the front matter has package, version and default_reason");
                }
            }
            Pos end = spans.isEmpty() ? Pos.START : new Pos(spans.get(spans.size() - 1).getLineIndex() + 1, 1);
            for (String key : List.of("package", "version", "default_reason")) {
                if (!v.getData().containsKey(key)) {
                    out.error(end, DiagnosticCode.BAD_METADATA, "the front matter lacks \"" + key + "\"");
                }
            }
        }

        private Pos keyPos(List<SourceSpan> spans, String key) {
            for (SourceSpan s : spans) {
                String line = lines[s.getLineIndex()];
                if (line.startsWith(key) && line.substring(key.length()).trim().startsWith(":")) {
                    return new Pos(s.getLineIndex() + 1, 1);
                }
            }
            return spans.isEmpty() ? Pos.START : MarkdownText.pos(spans.get(0));
        }

        private void checkDefaultReason() {
            if (defaultReason == null) {
                return;
            }
            Reason r = tables.reasons.get(defaultReason);
            if (r == null) {
                out.error(defaultReasonPos, DiagnosticCode.UNKNOWN_REASON, "default_reason \"" + defaultReason
                        + "\" is not in the Reasons table" + Diagnostics.suggest(defaultReason, tables.reasons.keySet(), "reasons"));
            } else if (r.effect() != Effect.DENY) {
                out.error(defaultReasonPos, DiagnosticCode.REASON_EFFECT_MISMATCH, "default_reason \"" + defaultReason
                        + "\" must be a deny reason: when no rule matches, the answer is deny");
            }
        }


    }
}
