package dev.flexauth.policy;

import dev.flexauth.internal.Sha256;
import dev.flexauth.io.RegularFile;
import dev.flexauth.io.RegularFileException;
import dev.flexauth.internal.Secrets;
import dev.flexauth.reason.DiagnosticCode;
import dev.flexauth.reason.EngineReason;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.RegistrySchema;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.commonmark.ext.front.matter.YamlFrontMatterBlock;
import org.commonmark.ext.front.matter.YamlFrontMatterExtension;
import org.commonmark.ext.front.matter.YamlFrontMatterVisitor;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Document;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
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
    /** A dotted path into one of the four AuthZEN request objects; a PEP's own shape is the package's to model. */
    private static final Pattern AUTHZEN = Pattern.compile("(subject|resource|action|context)(\\.[A-Za-z_][A-Za-z0-9_-]*)+");
    /** The members AuthZEN itself defines as strings: a field read from one must take a string. */
    private static final List<String> AUTHZEN_STRINGS = List.of("subject.type", "subject.id", "resource.type", "resource.id",
            "action.name");
    private static final List<String> RESERVED_COLUMNS = List.of("example", "effect", "reason");

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
        private final Map<String, Map<String, AttributeType>> kinds = new LinkedHashMap<>();
        private final List<Field> fields = new ArrayList<>();
        /** Fields whose row had an error: already reported, so later uses stay quiet. */
        private final java.util.Set<String> unusable = new java.util.HashSet<>();
        private final Map<String, Reason> reasons = new LinkedHashMap<>();
        private final List<Rule> rules = new ArrayList<>();
        private final List<Example> examples = new ArrayList<>();
        private final List<Property> properties = new ArrayList<>();

        Reading(String file, String text, String digest) {
            this.file = file;
            this.text = text;
            this.digest = digest;
            this.lines = text.split("\r\n|\r|\n", -1);
            this.out = new Diagnostics(file);
        }

        PolicyPackage run() throws PolicyException {
            Node doc = MARKDOWN.parse(text);
            metadata(doc);
            Map<String, TableAt> sections = sections(doc);
            TableAt registry = sections.get("registry");
            if (registry != null) {
                registryTable(registry);
            }
            TableAt request = sections.get("request");
            if (request == null) {
                out.error(Pos.START, DiagnosticCode.MISSING_SECTION, "missing the Request section: add a \"## Request\" heading "
                        + "with a table of field | type | required | authzen | meaning");
            } else {
                requestTable(request);
            }
            TableAt reasonsTable = sections.get("reasons");
            if (reasonsTable == null) {
                out.error(Pos.START, DiagnosticCode.MISSING_SECTION, "missing the Reasons section: add a \"## Reasons\" heading "
                        + "with a table of reason | effect | meaning");
            } else {
                reasonsTable(reasonsTable);
            }
            checkDefaultReason();
            RequestSchema schema = new RequestSchema(fields);
            RegistrySchema registrySchema = new RegistrySchema(kinds);
            TypeChecker checker = request == null ? null : new TypeChecker(schema, registrySchema, reasons, unusable, out);
            ruleBlocks(doc, checker);
            propertyBlocks(doc, checker);
            TableAt examplesTable = sections.get("examples");
            if (examplesTable == null) {
                out.warning(Pos.START, DiagnosticCode.NO_EXAMPLES, "the package has no Examples section; add a \"## Examples\" "
                        + "table so `flex-auth test` can check the rules against their intent");
            }
            // Without a Request table every Examples column would be "unknown": one error, not a cascade.
            if (examplesTable != null && request != null) {
                examplesTable(examplesTable, schema);
            }
            if (out.hasErrors()) {
                throw new PolicyException(out.sorted());
            }
            return new PolicyPackage(file, name, version, digest, defaultReason, schema, registrySchema, reasons, rules,
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
            return spans.isEmpty() ? Pos.START : pos(spans.get(0));
        }

        private void checkDefaultReason() {
            if (defaultReason == null) {
                return;
            }
            Reason r = reasons.get(defaultReason);
            if (r == null) {
                out.error(defaultReasonPos, DiagnosticCode.UNKNOWN_REASON, "default_reason \"" + defaultReason
                        + "\" is not in the Reasons table" + Diagnostics.suggest(defaultReason, reasons.keySet(), "reasons"));
            } else if (r.effect() != Effect.DENY) {
                out.error(defaultReasonPos, DiagnosticCode.REASON_EFFECT_MISMATCH, "default_reason \"" + defaultReason
                        + "\" must be a deny reason: when no rule matches, the answer is deny");
            }
        }

        // ---- sections and tables -------------------------------------------------------------

        /** A section's table with its heading's position. */
        private record TableAt(Pos heading, String title, TableBlock table) {
        }

        private Map<String, TableAt> sections(Node doc) {
            Map<String, TableAt> found = new HashMap<>();
            for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
                if (!(n instanceof Heading)) {
                    continue;
                }
                Heading h = (Heading) n;
                String title = text(h).trim();
                String key = title.toLowerCase(Locale.ROOT);
                if (!List.of("request", "registry", "reasons", "examples").contains(key)) {
                    continue;
                }
                if (found.containsKey(key)) {
                    out.error(pos(h), DiagnosticCode.DUPLICATE_DEFINITION, "a second \"" + title + "\" section; the first is at line "
                            + found.get(key).heading().line() + ". Rename one heading");
                    continue;
                }
                TableBlock table = null;
                for (Node m = h.getNext(); m != null; m = m.getNext()) {
                    if (m instanceof Heading && ((Heading) m).getLevel() <= h.getLevel()) {
                        break;
                    }
                    if (m instanceof TableBlock) {
                        table = (TableBlock) m;
                        break;
                    }
                }
                if (table == null) {
                    out.error(pos(h), DiagnosticCode.MISSING_SECTION, "the \"" + title + "\" section has no table below its heading");
                }
                found.put(key, new TableAt(pos(h), title, table));
            }
            found.values().removeIf(t -> t.table() == null);
            return found;
        }

        /** A table as header names and rows of cells. */
        private record Cell(String text, Pos pos) {
        }

        private record Row(List<Cell> cells, Pos pos) {
        }

        private final class Table {
            final List<String> columns = new ArrayList<>();
            final List<Pos> columnPos = new ArrayList<>();
            final List<Row> rows = new ArrayList<>();

            Table(TableBlock block) {
                for (Node part = block.getFirstChild(); part != null; part = part.getNext()) {
                    for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                        if (!(row instanceof TableRow)) {
                            continue;
                        }
                        List<Cell> cells = new ArrayList<>();
                        for (Node c = row.getFirstChild(); c != null; c = c.getNext()) {
                            if (c instanceof TableCell) {
                                Node content = c.getFirstChild();
                                Pos p = content != null && !content.getSourceSpans().isEmpty() ? pos(content) : pos(c);
                                cells.add(new Cell(text(c).trim(), p));
                            }
                        }
                        if (part instanceof TableHead) {
                            for (Cell cell : cells) {
                                columns.add(cell.text().toLowerCase(Locale.ROOT));
                                columnPos.add(cell.pos());
                            }
                        } else {
                            rows.add(new Row(cells, pos(row)));
                        }
                    }
                }
            }

            /** Checks the columns: all of {@code required}, nothing outside {@code required + optional}. */
            boolean columns(String title, List<String> required, List<String> optional) {
                boolean ok = true;
                for (int i = 0; i < columns.size(); i++) {
                    String c = columns.get(i);
                    if (!required.contains(c) && !optional.contains(c)) {
                        List<String> all = new ArrayList<>(required);
                        all.addAll(optional);
                        // Reported, but the table's other columns are still read, so one typo gives one error.
                        out.error(columnPos.get(i), DiagnosticCode.BAD_TABLE, "unknown column \"" + c + "\" in the " + title
                                + " table" + Diagnostics.suggest(c, all, "columns"));
                    } else if (columns.indexOf(c) != i) {
                        out.error(columnPos.get(i), DiagnosticCode.DUPLICATE_DEFINITION, "column \"" + c + "\" appears twice");
                        ok = false;
                    }
                }
                for (String r : required) {
                    if (!columns.contains(r)) {
                        out.error(columnPos.isEmpty() ? Pos.START : columnPos.get(0), DiagnosticCode.BAD_TABLE, "the " + title
                                + " table lacks the column \"" + r + "\" (columns: " + String.join(" | ", required)
                                + (optional.isEmpty() ? "" : " | " + String.join(" | ", optional)) + ")");
                        ok = false;
                    }
                }
                return ok;
            }

            Cell cell(Row row, String column) {
                int i = columns.indexOf(column);
                if (i < 0) {
                    return null;
                }
                return i < row.cells().size() ? row.cells().get(i) : new Cell("", row.pos());
            }
        }

        private void registryTable(TableAt at) {
            Table t = new Table(at.table());
            if (!t.columns("Registry", List.of("kind", "attribute", "type"), List.of("meaning"))) {
                return;
            }
            Map<String, Pos> seen = new HashMap<>();
            for (Row row : t.rows) {
                Cell kind = t.cell(row, "kind");
                Cell attr = t.cell(row, "attribute");
                Cell type = t.cell(row, "type");
                boolean ok = identifier(kind, "kind") & identifier(attr, "attribute");
                if (ok && attr.text().equals("id")) {
                    out.error(attr.pos(), DiagnosticCode.BAD_TABLE, "\"id\" is every entity's key, not an attribute; "
                            + "compare the entity field itself (e.g. actor == \"name\")");
                    ok = false;
                }
                Optional<AttributeType> ty = AttributeType.fromLabel(type.text());
                if (ty.isEmpty()) {
                    out.error(type.pos(), DiagnosticCode.BAD_TABLE, "attribute type \"" + type.text()
                            + "\" is not one of string, integer, boolean, string[]");
                    ok = false;
                }
                if (!ok) {
                    continue;
                }
                String key = kind.text() + "." + attr.text();
                Pos first = seen.putIfAbsent(key, attr.pos());
                if (first != null) {
                    out.error(attr.pos(), DiagnosticCode.DUPLICATE_DEFINITION, "attribute \"" + key + "\" is declared twice (first at line "
                            + first.line() + ")");
                    continue;
                }
                kinds.computeIfAbsent(kind.text(), k -> new LinkedHashMap<>()).put(attr.text(), ty.get());
            }
        }

        /**
         * Why {@code location} cannot carry field {@code field} of type {@code type}, or null. A
         * field's value is a scalar or a list, never an object, so no mapped location may lie
         * inside another.
         */
        private String locationProblem(String location, FieldType type, String field, Map<String, Pos> locations) {
            if (!AUTHZEN.matcher(location).matches()) {
                return "is not a dotted path into subject, resource, action or context (such as subject.id, "
                        + "resource.properties.owner, context.time); each part is a name of letters, digits, _ and -";
            }
            for (String s : AUTHZEN_STRINGS) {
                if (location.startsWith(s + ".")) {
                    return "is inside " + s + ", which AuthZEN defines as a string; read the field from " + s + " itself";
                }
            }
            if (type != null && AUTHZEN_STRINGS.contains(location) && type.wireType() != AttributeType.STRING) {
                return "is a string in every AuthZEN request, so field \"" + field + "\" of type " + type.label()
                        + " cannot be read from it; make the field a string or an entity kind";
            }
            Pos same = locations.get(location);
            if (same != null) {
                return "is already mapped at line " + same.line();
            }
            for (Map.Entry<String, Pos> e : locations.entrySet()) {
                String other = e.getKey();
                if (other.startsWith(location + ".") || location.startsWith(other + ".")) {
                    String outer = other.length() < location.length() ? other : location;
                    return "overlaps \"" + other + "\" (line " + e.getValue().line() + "): a field's value is never an object, so "
                            + outer + " cannot both be a field and hold one";
                }
            }
            return null;
        }

        private void requestTable(TableAt at) {
            Table t = new Table(at.table());
            if (!t.columns("Request", List.of("field", "type", "required"), List.of("authzen", "meaning"))) {
                return;
            }
            Map<String, Pos> seen = new HashMap<>();
            Map<String, Pos> locations = new LinkedHashMap<>();
            for (Row row : t.rows) {
                Cell name = t.cell(row, "field");
                Cell type = t.cell(row, "type");
                Cell required = t.cell(row, "required");
                Cell authzen = t.cell(row, "authzen");
                Cell meaning = t.cell(row, "meaning");
                boolean ok = identifier(name, "field");
                if (ok && RESERVED_COLUMNS.contains(name.text())) {
                    out.error(name.pos(), DiagnosticCode.BAD_TABLE, "\"" + name.text()
                            + "\" cannot name a field: the Examples table uses it as a column (reserved: example, effect, reason)");
                    ok = false;
                }
                if (ok && Secrets.looksLikeSecretName(name.text())) {
                    out.error(name.pos(), DiagnosticCode.BAD_TABLE, "field \"" + name.text()
                            + "\" is named like a secret; flex-auth refuses secret material in requests, so no field may carry one");
                    ok = false;
                }
                FieldType ft = fieldType(type);
                ok &= ft != null;
                Boolean req = null;
                String r = required.text().toLowerCase(Locale.ROOT);
                if (r.equals("yes")) {
                    req = true;
                } else if (r.equals("no")) {
                    req = false;
                } else {
                    out.error(required.pos(), DiagnosticCode.BAD_TABLE, "\"required\" is yes or no, got \"" + required.text() + "\"");
                    ok = false;
                }
                String location = authzen == null ? "" : authzen.text();
                if (!location.isEmpty()) {
                    String problem = locationProblem(location, ft, name.text(), locations);
                    if (problem != null) {
                        out.error(authzen.pos(), problem.startsWith("is already") ? DiagnosticCode.DUPLICATE_DEFINITION
                                : DiagnosticCode.BAD_TABLE, "AuthZEN location \"" + location + "\" " + problem);
                        ok = false;
                    } else {
                        locations.put(location, authzen.pos());
                    }
                }
                if (!ok) {
                    if (!name.text().isEmpty()) {
                        unusable.add(name.text());
                    }
                    continue;
                }
                Pos first = seen.putIfAbsent(name.text(), name.pos());
                if (first != null) {
                    out.error(name.pos(), DiagnosticCode.DUPLICATE_DEFINITION, "field \"" + name.text()
                            + "\" is declared twice (first at line " + first.line() + ")");
                    continue;
                }
                fields.add(new Field(name.text(), ft, req, location, meaning == null ? "" : meaning.text(), fields.size(), name.pos()));
            }
        }

        private FieldType fieldType(Cell type) {
            Optional<AttributeType> scalar = AttributeType.fromLabel(type.text());
            if (scalar.isPresent()) {
                return FieldType.of(scalar.get());
            }
            if (kinds.containsKey(type.text())) {
                return FieldType.entity(type.text());
            }
            List<String> types = new ArrayList<>(List.of("string", "integer", "boolean", "string[]"));
            types.addAll(kinds.keySet());
            out.error(type.pos(), DiagnosticCode.UNKNOWN_KIND, "type \"" + type.text() + "\" is neither string, integer, boolean, "
                    + "string[] nor an entity kind of the Registry table"
                    + (kinds.isEmpty() ? " (the package has no Registry table)" : "")
                    + Diagnostics.suggest(type.text(), types, "types"));
            return null;
        }

        private void reasonsTable(TableAt at) {
            Table t = new Table(at.table());
            if (!t.columns("Reasons", List.of("reason", "effect"), List.of("meaning"))) {
                return;
            }
            for (Row row : t.rows) {
                Cell code = t.cell(row, "reason");
                Cell effect = t.cell(row, "effect");
                Cell meaning = t.cell(row, "meaning");
                boolean ok = identifier(code, "reason");
                if (ok && EngineReason.isReserved(code.text())) {
                    out.error(code.pos(), DiagnosticCode.BAD_TABLE, "\"" + code.text()
                            + "\" is reserved for the engine's own denies; choose another code");
                    ok = false;
                }
                Optional<Effect> e = Effect.fromLabel(effect.text().toLowerCase(Locale.ROOT));
                if (e.isEmpty()) {
                    out.error(effect.pos(), DiagnosticCode.BAD_TABLE, "effect is allow or deny, got \"" + effect.text() + "\"");
                    ok = false;
                }
                if (!ok) {
                    continue;
                }
                Reason prior = reasons.putIfAbsent(code.text(), new Reason(code.text(), e.get(), meaning == null ? "" : meaning.text(), code.pos()));
                if (prior != null) {
                    out.error(code.pos(), DiagnosticCode.DUPLICATE_DEFINITION, "reason \"" + code.text()
                            + "\" is declared twice (first at line " + prior.pos().line() + ")");
                }
            }
        }

        private boolean identifier(Cell cell, String what) {
            String s = cell.text();
            if (s.isEmpty()) {
                out.error(cell.pos(), DiagnosticCode.BAD_TABLE, "empty " + what + " cell");
                return false;
            }
            if (!s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                out.error(cell.pos(), DiagnosticCode.BAD_TABLE, what + " \"" + s
                        + "\" is not a name: use letters, digits and underscores, not starting with a digit");
                return false;
            }
            if (RuleParser.KEYWORDS.contains(s)) {
                out.error(cell.pos(), DiagnosticCode.BAD_TABLE, what + " \"" + s + "\" is a keyword of the rule language; choose another name");
                return false;
            }
            return true;
        }

        // ---- rules ----------------------------------------------------------------------------

        private void ruleBlocks(Node doc, TypeChecker checker) {
            String heading = null;
            Map<String, Pos> names = new HashMap<>();
            for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
                if (n instanceof Heading) {
                    heading = text(n).trim();
                    continue;
                }
                if (!(n instanceof FencedCodeBlock)) {
                    continue;
                }
                FencedCodeBlock block = (FencedCodeBlock) n;
                String info = infoWord(block);
                if (!info.equals("rule")) {
                    if (info.equalsIgnoreCase("rule") || info.equalsIgnoreCase("rules")) {
                        out.error(pos(block), DiagnosticCode.SYNTAX_ERROR, "a fenced block marked \"" + info
                                + "\" is not read as a rule; mark it exactly ```rule");
                    }
                    continue;
                }
                if (heading == null || heading.isEmpty()) {
                    out.error(pos(block), DiagnosticCode.UNNAMED_RULE, "a rule block needs a heading above it; the heading names the rule");
                    continue;
                }
                Pos first = names.putIfAbsent(heading, pos(block));
                if (first != null) {
                    out.error(pos(block), DiagnosticCode.DUPLICATE_RULE, "a second rule named \"" + heading + "\" (the first is at line "
                            + first.line() + "); give each rule block its own heading");
                    continue;
                }
                rule(block, heading, checker);
            }
            doc.accept(new AbstractVisitor() {
                @Override
                public void visit(FencedCodeBlock block) {
                    if (infoWord(block).equals("rule") && !(block.getParent() instanceof Document)) {
                        out.error(pos(block), DiagnosticCode.SYNTAX_ERROR, "a rule block inside a list or quote is not read; "
                                + "move it to the top level under its own heading");
                    }
                }
            });
            if (rules.isEmpty() && !out.hasErrors()) {
                out.error(Pos.START, DiagnosticCode.MISSING_SECTION, "the package has no rules: add a ```rule block under a heading "
                        + "that names it, e.g. allow <reason> when <condition>");
            }
        }

        private void rule(FencedCodeBlock block, String name, TypeChecker checker) {
            SourceText src = blockText(block);
            RuleParser.Parsed parsed;
            try {
                parsed = RuleParser.parse(src);
            } catch (SyntaxError e) {
                out.error(e.pos, DiagnosticCode.SYNTAX_ERROR, e.getMessage());
                return;
            }
            if (checker != null) {
                checker.checkRule(parsed);
            }
            rules.add(new Rule(name, parsed.effect(), parsed.reason(), parsed.condition(), parsed.outputs(), parsed.pos()));
        }

        // ---- properties -----------------------------------------------------------------------

        /**
         * The {@code property} blocks: only under a heading named Properties (any level, up to the
         * next heading of that level or higher), each named by the nearest heading above it.
         */
        private void propertyBlocks(Node doc, TypeChecker checker) {
            Heading section = null;
            Pos firstSection = null;
            String heading = null;
            Map<String, Pos> names = new HashMap<>();
            for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
                if (n instanceof Heading) {
                    Heading h = (Heading) n;
                    heading = text(h).trim();
                    if (section != null && h.getLevel() <= section.getLevel()) {
                        section = null;
                    }
                    if (heading.equalsIgnoreCase("properties")) {
                        if (firstSection != null) {
                            out.error(pos(h), DiagnosticCode.DUPLICATE_DEFINITION, "a second \"" + heading
                                    + "\" section; the first is at line " + firstSection.line() + ". Rename one heading");
                        } else {
                            firstSection = pos(h);
                            section = h;
                        }
                    }
                    continue;
                }
                if (!(n instanceof FencedCodeBlock)) {
                    continue;
                }
                FencedCodeBlock block = (FencedCodeBlock) n;
                String info = infoWord(block);
                if (!info.equals("property")) {
                    if (info.equalsIgnoreCase("property") || info.equalsIgnoreCase("properties")) {
                        out.error(pos(block), DiagnosticCode.SYNTAX_ERROR, "a fenced block marked \"" + info
                                + "\" is not read as a property; mark it exactly ```property");
                    }
                    continue;
                }
                if (section == null) {
                    out.error(pos(block), DiagnosticCode.MISSING_SECTION, "a property block is read only under the Properties "
                            + "heading; put it below a \"## Properties\" heading, under a heading of its own that names it");
                    continue;
                }
                if (heading.equalsIgnoreCase("properties")) {
                    out.error(pos(block), DiagnosticCode.UNNAMED_PROPERTY, "a property block needs a heading of its own under "
                            + "Properties, e.g. \"### No certificate outlives its maximum\"; the heading names the property");
                    continue;
                }
                Pos first = names.putIfAbsent(heading, pos(block));
                if (first != null) {
                    out.error(pos(block), DiagnosticCode.DUPLICATE_PROPERTY, "a second property named \"" + heading
                            + "\" (the first is at line " + first.line() + "); give each property block its own heading");
                    continue;
                }
                property(block, heading, checker);
            }
            doc.accept(new AbstractVisitor() {
                @Override
                public void visit(FencedCodeBlock block) {
                    if (infoWord(block).equals("property") && !(block.getParent() instanceof Document)) {
                        out.error(pos(block), DiagnosticCode.SYNTAX_ERROR, "a property block inside a list or quote is not read; "
                                + "move it to the top level under its own heading");
                    }
                }
            });
        }

        private void property(FencedCodeBlock block, String name, TypeChecker checker) {
            RuleParser.ParsedProperty parsed;
            try {
                parsed = RuleParser.parseProperty(blockText(block));
            } catch (SyntaxError e) {
                // An empty block has no token to point at: point at its fence.
                out.error(block.getLiteral().isBlank() ? pos(block) : e.pos, DiagnosticCode.SYNTAX_ERROR, e.getMessage());
                return;
            }
            if (checker != null) {
                checker.checkProperty(parsed);
            }
            properties.add(new Property(name, parsed.form(), parsed.reason(), parsed.condition(), parsed.pos()));
        }

        /** The block's content lines with the file line and the indentation commonmark removed from each. */
        private SourceText blockText(FencedCodeBlock block) {
            List<SourceSpan> spans = block.getSourceSpans();
            String literal = block.getLiteral();
            List<String> content = new ArrayList<>(List.of(literal.split("\n", -1)));
            if (!content.isEmpty() && content.get(content.size() - 1).isEmpty()) {
                content.remove(content.size() - 1);
            }
            if (content.isEmpty()) {
                content.add("");
            }
            int fenceLine = spans.isEmpty() ? 0 : spans.get(0).getLineIndex();
            int[] fileLines = new int[content.size()];
            int[] offsets = new int[content.size()];
            for (int i = 0; i < content.size(); i++) {
                int raw = fenceLine + 1 + i;
                fileLines[i] = raw + 1;
                offsets[i] = raw < lines.length ? Math.max(0, lines[raw].length() - content.get(i).length()) : 0;
            }
            return new SourceText(content, fileLines, offsets);
        }

        // ---- examples -------------------------------------------------------------------------

        private void examplesTable(TableAt at, RequestSchema schema) {
            Table t = new Table(at.table());
            List<String> optional = new ArrayList<>(List.of("example"));
            optional.addAll(schema.names());
            optional.addAll(unusable);
            if (!t.columns("Examples", List.of("effect", "reason"), optional)) {
                return;
            }
            for (Row row : t.rows) {
                boolean ok = true;
                Map<String, Object> values = new LinkedHashMap<>();
                for (Field f : schema.fields()) {
                    Cell c = t.cell(row, f.name());
                    if (c == null || c.text().isEmpty()) {
                        if (f.required()) {
                            out.error(c == null ? row.pos() : c.pos(), DiagnosticCode.BAD_EXAMPLE, "the example lacks required field \""
                                    + f.name() + "\"; every example is a complete request");
                            ok = false;
                        }
                        continue;
                    }
                    Object v = cellValue(c, f);
                    if (v == null) {
                        ok = false;
                    } else {
                        values.put(f.name(), v);
                    }
                }
                Cell effectCell = t.cell(row, "effect");
                Cell reasonCell = t.cell(row, "reason");
                Optional<Effect> effect = Effect.fromLabel(effectCell.text().toLowerCase(Locale.ROOT));
                if (effect.isEmpty()) {
                    out.error(effectCell.pos(), DiagnosticCode.BAD_EXAMPLE, "effect is allow or deny, got \"" + effectCell.text() + "\"");
                    ok = false;
                }
                Reason reason = reasons.get(reasonCell.text());
                if (reason == null) {
                    out.error(reasonCell.pos(), DiagnosticCode.UNKNOWN_REASON, "reason \"" + reasonCell.text() + "\" is not in the Reasons table"
                            + Diagnostics.suggest(reasonCell.text(), reasons.keySet(), "reasons"));
                    ok = false;
                } else if (effect.isPresent() && reason.effect() != effect.get()) {
                    out.error(reasonCell.pos(), DiagnosticCode.REASON_EFFECT_MISMATCH, "reason \"" + reason.code() + "\" is a "
                            + reason.effect() + " reason, but the example expects " + effect.get());
                    ok = false;
                }
                if (ok) {
                    Cell desc = t.cell(row, "example");
                    examples.add(new Example(desc == null ? "" : desc.text(), values, effect.get(), reason.code(), row.pos()));
                }
            }
        }

        private Object cellValue(Cell c, Field f) {
            String s = c.text();
            switch (f.type().wireType()) {
                case INTEGER:
                    try {
                        return Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        out.error(c.pos(), DiagnosticCode.BAD_EXAMPLE, "field \"" + f.name() + "\" is an integer, got \"" + s + "\"");
                        return null;
                    }
                case BOOLEAN:
                    if (s.equals("true") || s.equals("false")) {
                        return Boolean.valueOf(s);
                    }
                    out.error(c.pos(), DiagnosticCode.BAD_EXAMPLE, "field \"" + f.name() + "\" is a boolean (true or false), got \"" + s + "\"");
                    return null;
                case STRING_LIST:
                    List<String> items = new ArrayList<>();
                    for (String item : s.split(",")) {
                        items.add(item.trim());
                    }
                    return List.copyOf(items);
                default:
                    return s;
            }
        }

        // ---- helpers --------------------------------------------------------------------------

        private static String infoWord(FencedCodeBlock block) {
            String info = block.getInfo() == null ? "" : block.getInfo().trim();
            int space = info.indexOf(' ');
            return space < 0 ? info : info.substring(0, space);
        }

        private static Pos pos(Node n) {
            List<SourceSpan> spans = n.getSourceSpans();
            return spans.isEmpty() ? Pos.START : pos(spans.get(0));
        }

        private static Pos pos(SourceSpan s) {
            return new Pos(s.getLineIndex() + 1, s.getColumnIndex() + 1);
        }

        /** The plain text of a node's inline content: text and code spans, line breaks as spaces. */
        private static String text(Node n) {
            StringBuilder sb = new StringBuilder();
            appendText(n, sb);
            return sb.toString();
        }

        private static void appendText(Node n, StringBuilder sb) {
            for (Node c = n.getFirstChild(); c != null; c = c.getNext()) {
                if (c instanceof Text) {
                    sb.append(((Text) c).getLiteral());
                } else if (c instanceof Code) {
                    sb.append(((Code) c).getLiteral());
                } else if (c instanceof SoftLineBreak || c instanceof HardLineBreak) {
                    sb.append(' ');
                } else {
                    appendText(c, sb);
                }
            }
        }
    }
}
