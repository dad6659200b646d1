package dev.flexauth.server.hardening;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A generated battery of hostile requests against the ops-warden example, each one raw bytes for a
 * fresh connection with what it is and what must come back. Every request built from an allow
 * request by a mutation that makes it malformed (truncation, type swaps, duplicate keys, deep
 * nesting, huge strings and numbers, invalid UTF-8, NUL bytes, lenient syntax, wrong methods, odd
 * paths, broken framing and conflicting headers) must not be let through; so must every
 * well-formed request with a hostile value (a homoglyph, a NUL escape, another actor's subject).
 * Controls (valid allow requests, also pipelined, HTTP/1.0, 100-continue, odd Hosts) must be
 * allowed, which shows that the server still decides amid the battery. Deterministic for a seed.
 * (Chunked requests are malformed since issue 13: flex-auth refuses Transfer-Encoding with 411.)
 */
final class HostileCorpus {

    /** What must come back. */
    enum Expect {
        /** Malformed or hostile: any answer but a grant (non-200, or a deny / {@code false}). */
        NOT_ALLOWED,
        /** A valid allow request: 200 and a grant, for every request on the connection. */
        ALLOWED,
        /** A random mutation that may or may not stay valid: anything but a 5xx. */
        ANY
    }

    /** The decision endpoints the battery targets. */
    enum Endpoint {
        CHECK("/v1/check"), EVALUATION("/access/v1/evaluation"), EVALUATIONS("/access/v1/evaluations");

        final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    /**
     * One generated request.
     *
     * @param family   what kind of hostility, for the figures
     * @param detail   the exact variant, for a failure message
     * @param bytes    what is written to a fresh connection
     * @param expect   what must come back
     * @param answers  how many answers to read (pipelined requests)
     * @param head     the request is a HEAD (answers have no body)
     * @param jdkLimit the request is beyond a limit of the JDK's HTTP parser, which closes such
     *                 connections without an answer
     */
    record Probe(String family, String detail, byte[] bytes, Expect expect, int answers, boolean head, boolean jdkLimit) {
        static Probe of(String family, String detail, byte[] bytes, Expect expect) {
            return new Probe(family, detail, bytes, expect, 1, false, false);
        }
    }

    /** An actor of the production registry as the policy sees it. */
    private record Actor(String id, String principal, int maxTtl) {
        List<String> subjects() {
            return List.of(id, "iam:" + id);
        }
    }

    private static final List<Actor> ACTORS = List.of(
            new Actor("adm-example", "adm-full", 48),
            new Actor("agt-codex-interhub-bootstrap", "agt-interhub-bootstrap", 2),
            new Actor("agt-state-hub-bridge", "agt-task-bridge", 24),
            new Actor("atm-backup-daily", "atm-backup-daily", 8));
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String PLACEHOLDER = "zzPLACEHOLDERzz";
    private static final List<String> CHECK_STRINGS = List.of("actor", "subject", "action", "principal");
    private static final List<String> CHECK_REQUIRED = List.of("actor", "subject", "action");
    private static final List<String> AUTHZEN_STRINGS = List.of("subject.id", "subject.type", "action.name", "resource.id",
            "resource.type", "resource.properties.principal");
    private static final List<String> AUTHZEN_REQUIRED = List.of("subject", "action", "resource", "subject.id", "subject.type",
            "action.name", "resource.id", "resource.type");
    private static final List<String> SECRET_NAMES = List.of("password", "api_token", "private_key", "client_secret",
            "Authorization", "cookie", "session_id", "passphrase", "apiKey", "vault-token", "x-api-key", "credentials");
    private static final List<String> SECRET_VALUES = List.of(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----MIIEpAIBAAKCAQEA",
            "hvs.CAESIJ3kq9R2xk1mXv6WcB7nZqLtY0aUeHdF",
            "s.AbCdEfGhIjKlMnOpQrStUvWx");

    private final SplittableRandom random;

    HostileCorpus(long seed) {
        this.random = new SplittableRandom(seed);
    }

    // ---------------------------------------------------------------- families and their weights

    /** The next probe: a family chosen by weight, then a variant of it. */
    Probe next() {
        int roll = random.nextInt(100);
        if (roll < 30) {
            return mutatedBody(Endpoint.CHECK);
        } else if (roll < 42) {
            return mutatedBody(Endpoint.EVALUATION);
        } else if (roll < 50) {
            return mutatedBody(Endpoint.EVALUATIONS);
        } else if (roll < 53) {
            return randomBytes();
        } else if (roll < 57) {
            return fuzz();
        } else if (roll < 62) {
            return wrongMethod();
        } else if (roll < 70) {
            return oddPath();
        } else if (roll < 82) {
            return headers();
        } else if (roll < 88) {
            return hostileValue();
        }
        return control();
    }

    // ---------------------------------------------------------------- valid requests

    private Actor actor() {
        return ACTORS.get(random.nextInt(ACTORS.size()));
    }

    /** A valid allow request for {@code a}, sometimes with the optional fields. */
    private ObjectNode allowCheck(Actor a) {
        ObjectNode o = NODES.objectNode();
        o.put("actor", a.id());
        o.put("subject", a.subjects().get(random.nextInt(2)));
        o.put("action", "ssh.sign");
        if (random.nextBoolean()) {
            o.put("principal", a.principal());
        }
        if (random.nextBoolean()) {
            o.put("ttl_hours", 1 + random.nextInt(a.maxTtl()));
        }
        return o;
    }

    private ObjectNode allowEvaluation(Actor a) {
        ObjectNode o = NODES.objectNode();
        o.putObject("subject").put("type", "identity").put("id", a.subjects().get(random.nextInt(2)));
        o.putObject("action").put("name", "ssh.sign");
        ObjectNode resource = o.putObject("resource").put("type", "actor").put("id", a.id());
        if (random.nextBoolean()) {
            resource.putObject("properties").put("principal", a.principal());
        }
        if (random.nextBoolean()) {
            o.putObject("context").put("ttl_hours", 1 + random.nextInt(a.maxTtl()));
        }
        return o;
    }

    /** A batch whose every item is an allow: the defaults plus items that only set a valid TTL. */
    private ObjectNode allowEvaluations(Actor a) {
        ObjectNode o = allowEvaluation(a);
        o.remove("context");
        ArrayNode items = o.putArray("evaluations");
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            ObjectNode item = items.addObject();
            if (random.nextBoolean()) {
                item.putObject("context").put("ttl_hours", 1 + random.nextInt(a.maxTtl()));
            }
        }
        return o;
    }

    private ObjectNode allow(Endpoint e) {
        Actor a = actor();
        switch (e) {
            case CHECK:
                return allowCheck(a);
            case EVALUATION:
                return allowEvaluation(a);
            default:
                return allowEvaluations(a);
        }
    }

    private Endpoint endpoint() {
        return Endpoint.values()[random.nextInt(3)];
    }

    static byte[] json(JsonNode node) {
        try {
            return TestJson.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A complete POST with a correct length and {@code Connection: close}. */
    private static byte[] post(Endpoint e, byte[] body) {
        return Wire.post(e.path, body);
    }

    // ---------------------------------------------------------------- mutated JSON bodies

    private Probe mutatedBody(Endpoint e) {
        ObjectNode base = allow(e);
        String family = "json-" + e.name().toLowerCase(java.util.Locale.ROOT);
        int kind = random.nextInt(14);
        String detail;
        byte[] body;
        Expect expect = Expect.NOT_ALLOWED;
        switch (kind) {
            case 0: {
                byte[] full = json(base);
                int cut = random.nextInt(full.length);
                detail = "truncated at " + cut + " of " + full.length;
                body = java.util.Arrays.copyOf(full, cut);
                break;
            }
            case 1: {
                String path = pick(typeSwapTargets(e));
                JsonNode replacement = swapFor(path, at(base, path), e);
                set(base, path, replacement);
                detail = "type swap " + path + " = " + replacement;
                body = json(base);
                break;
            }
            case 2: {
                String[] dup = duplicate(base);
                detail = "duplicate key " + dup[0];
                body = utf8(dup[1]);
                break;
            }
            case 3: {
                int depth = pick(List.of(17, 33, 100, 1000, 5000));
                boolean arrays = random.nextBoolean();
                if (random.nextInt(4) == 0) {
                    detail = "whole body nested " + depth + " deep";
                    body = utf8(nest(new String(json(base), StandardCharsets.UTF_8), depth, arrays));
                } else {
                    String path = pick(nestTargets(e));
                    set(base, path, NODES.textNode(PLACEHOLDER));
                    String inner = nest("\"x\"", depth, arrays);
                    detail = path + " nested " + depth + " deep";
                    body = utf8(new String(json(base), StandardCharsets.UTF_8).replace("\"" + PLACEHOLDER + "\"", inner));
                }
                break;
            }
            case 4: {
                String path = pick(mappedStrings(e));
                int length = pick(List.of(4097, 8192, 40_000, 63_000, 70_000));
                set(base, path, NODES.textNode(letters(length)));
                detail = path + " is a string of " + length + " characters";
                body = json(base);
                break;
            }
            case 5: {
                String number = hugeNumber();
                String path = random.nextInt(3) == 0 ? pick(stringTargets(e)) : ttlPath(e);
                set(base, path, NODES.textNode(PLACEHOLDER));
                detail = path + " = " + (number.length() > 40 ? number.substring(0, 40) + "..." : number);
                body = utf8(new String(json(base), StandardCharsets.UTF_8).replace("\"" + PLACEHOLDER + "\"", number));
                break;
            }
            case 6: {
                byte[][] bad = {{(byte) 0x80}, {(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
                    {(byte) 0xFE, (byte) 0xFF}};
                String path = pick(stringTargets(e));
                String value = at(base, path).asText();
                if (random.nextBoolean() && mappedStrings(e).contains(path) && !value.isEmpty()) {
                    // The same value with one letter in an overlong form: a lenient decoder reads the allowed key.
                    int k = random.nextInt(value.length());
                    char ch = value.charAt(k);
                    byte[] overlong = pick(List.of(new byte[] {(byte) (0xC0 | ch >> 6), (byte) (0x80 | ch & 0x3F)},
                            new byte[] {(byte) 0xE0, (byte) (0x80 | ch >> 6), (byte) (0x80 | ch & 0x3F)},
                            new byte[] {(byte) 0xF0, (byte) 0x80, (byte) (0x80 | ch >> 6), (byte) (0x80 | ch & 0x3F)}));
                    set(base, path, NODES.textNode(value.substring(0, k) + PLACEHOLDER + value.substring(k + 1)));
                    detail = "overlong UTF-8 " + java.util.HexFormat.of().formatHex(overlong) + " for '" + ch + "' in " + path;
                    body = replace(json(base), utf8(PLACEHOLDER), overlong);
                    break;
                }
                byte[] seq = bad[random.nextInt(bad.length)];
                int k = random.nextInt(value.length() + 1);
                set(base, path, NODES.textNode(value.substring(0, k) + PLACEHOLDER + value.substring(k)));
                detail = "invalid UTF-8 " + java.util.HexFormat.of().formatHex(seq) + " in " + path;
                body = replace(json(base), utf8(PLACEHOLDER), seq);
                break;
            }
            case 7: {
                byte[] full = json(base);
                int at = random.nextInt(full.length + 1);
                detail = "raw NUL byte at " + at + " of " + full.length;
                body = Wire.concat(java.util.Arrays.copyOf(full, at), new byte[] {0},
                        java.util.Arrays.copyOfRange(full, at, full.length));
                break;
            }
            case 8: {
                if (e == Endpoint.CHECK) {
                    String name = unknownName();
                    base.set(name, random.nextBoolean() ? NODES.textNode("x") : NODES.numberNode(1));
                    detail = "unknown member " + name;
                } else if (e == Endpoint.EVALUATIONS && random.nextBoolean()) {
                    int n = pick(List.of(101, 500, 5000));
                    ArrayNode items = base.putArray("evaluations");
                    for (int i = 0; i < n; i++) {
                        items.addObject();
                    }
                    detail = "a batch of " + n + " evaluations";
                } else {
                    String name = pick(List.of("subject", "action", "resource"));
                    base.remove(name);
                    detail = "missing " + name;
                }
                body = json(base);
                break;
            }
            case 9: {
                String path = pick(e == Endpoint.CHECK ? CHECK_REQUIRED : AUTHZEN_REQUIRED);
                remove(base, path);
                detail = "missing " + path;
                body = json(base);
                break;
            }
            case 10: {
                if (random.nextBoolean()) {
                    String name = pick(SECRET_NAMES);
                    String where = e == Endpoint.CHECK ? name : pick(List.of("context.", "subject.properties.",
                            "resource.properties.", "")) + name;
                    set(base, where, NODES.textNode("s3cr3t-" + random.nextInt(1000)));
                    detail = "secret member " + where;
                    if (e != Endpoint.CHECK) {
                        // AuthZEN ignores members the package does not map, whatever their names: decided, and
                        // checked like every probe for the value reaching a log or an answer.
                        expect = Expect.ANY;
                    }
                } else {
                    // A value the policy reads (AuthZEN members it does not map are never read).
                    String path = pick(mappedStrings(e));
                    set(base, path, NODES.textNode(pick(SECRET_VALUES)));
                    detail = "secret value in " + path;
                }
                body = json(base);
                break;
            }
            case 11: {
                String garbage = pick(List.of(" {}", "x", ",", "]", "}", "\"\"", "null", " 1", "\n{}", "\r\n\r\nGET / HTTP/1.1"));
                detail = "trailing " + garbage.strip();
                body = Wire.concat(json(base), utf8(garbage));
                break;
            }
            case 12: {
                String text = new String(json(base), StandardCharsets.UTF_8);
                List<String> shapes = List.of("[" + text + "]", TestJson.MAPPER.valueToTree(text).toString(), "123", "null", "true",
                        "", " ", "\n", "[]", "{}", "\"\"");
                String shape = pick(shapes);
                detail = "not one object: " + (shape.length() > 12 ? shape.substring(0, 12) + "..." : shape);
                body = utf8(shape);
                break;
            }
            default: {
                String text = new String(json(base), StandardCharsets.UTF_8);
                String[] lenient = lenient(text, e);
                detail = "lenient syntax: " + lenient[0];
                body = utf8(lenient[1]);
                break;
            }
        }
        return Probe.of(family, detail, post(e, body), expect);
    }

    private List<String> typeSwapTargets(Endpoint e) {
        switch (e) {
            case CHECK:
                return List.of("actor", "subject", "action", "principal", "ttl_hours");
            case EVALUATION:
                return List.of("subject", "action", "resource", "context", "subject.id", "subject.type", "action.name",
                        "resource.id", "resource.type", "resource.properties.principal", "context.ttl_hours");
            default:
                return List.of("subject", "action", "resource", "subject.id", "subject.type", "action.name", "resource.id",
                        "resource.type", "evaluations");
        }
    }

    private List<String> nestTargets(Endpoint e) {
        return e == Endpoint.CHECK ? List.of("actor", "subject", "action", "principal", "ttl_hours", "extra")
                : List.of("subject.id", "action.name", "resource.id", "subject.properties.extra", "context.extra");
    }

    private List<String> stringTargets(Endpoint e) {
        return e == Endpoint.CHECK ? CHECK_STRINGS : AUTHZEN_STRINGS.subList(0, e == Endpoint.EVALUATIONS ? 5 : 6);
    }

    /** The string values the policy reads (AuthZEN members it does not map are ignored, whatever their size). */
    private static List<String> mappedStrings(Endpoint e) {
        return e == Endpoint.CHECK ? CHECK_STRINGS : e == Endpoint.EVALUATION
                ? List.of("subject.id", "action.name", "resource.id", "resource.properties.principal")
                : List.of("subject.id", "action.name", "resource.id");
    }

    private static String ttlPath(Endpoint e) {
        return e == Endpoint.CHECK ? "ttl_hours" : e == Endpoint.EVALUATION ? "context.ttl_hours" : "subject.id";
    }

    /** A value of another JSON type than the one {@code path} takes, never one that would mean "absent". */
    private JsonNode swapFor(String path, JsonNode original, Endpoint e) {
        boolean required = e == Endpoint.CHECK ? CHECK_REQUIRED.contains(path) : AUTHZEN_REQUIRED.contains(path);
        String text = original.isTextual() ? original.asText() : "x";
        List<Supplier<JsonNode>> options = new ArrayList<>();
        if (path.endsWith("ttl_hours")) {
            options.addAll(List.of(() -> NODES.textNode("1"), () -> NODES.textNode(""), () -> NODES.booleanNode(true),
                    () -> NODES.arrayNode().add(1), NODES::objectNode, () -> NODES.numberNode(1.5)));
        } else if (path.equals("evaluations")) {
            options.addAll(List.of(NODES::objectNode, () -> NODES.textNode("x"), () -> NODES.numberNode(1),
                    () -> NODES.booleanNode(true), () -> NODES.arrayNode().add(1), () -> NODES.arrayNode().add("x"),
                    () -> NODES.arrayNode().add(NODES.arrayNode())));
        } else if (!path.contains(".") && e != Endpoint.CHECK) {
            options.addAll(List.of(() -> NODES.textNode("iam:" + ACTORS.get(0).id()), () -> NODES.numberNode(1),
                    NODES::arrayNode, () -> NODES.booleanNode(true), () -> NODES.arrayNode().add(original)));
            if (!path.equals("context")) {
                // "context": null is an absent context (AuthZEN 1.0, issue 19): a valid request, not a mutation.
                options.add(NODES::nullNode);
            }
        } else {
            options.addAll(List.of(() -> NODES.numberNode(0), () -> NODES.numberNode(1), () -> NODES.numberNode(-1),
                    () -> NODES.numberNode(1.5), () -> NODES.booleanNode(true), () -> NODES.booleanNode(false),
                    NODES::arrayNode, () -> NODES.arrayNode().add(text), NODES::objectNode, () -> NODES.objectNode().put("id", text)));
            if (required) {
                options.add(NODES::nullNode);
            }
        }
        return options.get(random.nextInt(options.size())).get();
    }

    /** Adds a second member with the name of an existing one, in a random object of the body. */
    private String[] duplicate(ObjectNode base) {
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(base, objects);
        ObjectNode target = pick(objects);
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String name = pick(names);
        JsonNode value = random.nextBoolean() ? target.get(name) : NODES.textNode("again");
        target.put(PLACEHOLDER, 0);
        String text = new String(json(base), StandardCharsets.UTF_8);
        return new String[] {name, text.replace("\"" + PLACEHOLDER + "\":0", TestJson.MAPPER.valueToTree(name) + ":" + value)};
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> into) {
        if (node.isObject() && node.size() > 0) {
            into.add((ObjectNode) node);
        }
        node.forEach(child -> collectObjects(child, into));
    }

    private static String nest(String inner, int depth, boolean arrays) {
        StringBuilder sb = new StringBuilder(inner.length() + depth * 7);
        for (int i = 0; i < depth; i++) {
            sb.append(arrays ? "[" : "{\"a\":");
        }
        sb.append(inner);
        for (int i = 0; i < depth; i++) {
            sb.append(arrays ? "]" : "}");
        }
        return sb.toString();
    }

    private String hugeNumber() {
        List<Supplier<String>> numbers = List.of(() -> "1e400", () -> "-1e400", () -> "1e-400", () -> "1.5", () -> "24.0",
                () -> "2.4e1", () -> "9223372036854775808", () -> "-9223372036854775809", () -> "123456789012345678901234567890",
                () -> digits(33 + random.nextInt(64)), () -> digits(10_000), () -> "0." + digits(40),
                () -> "1" + "0".repeat(20 + random.nextInt(12)), () -> "-" + digits(25));
        return numbers.get(random.nextInt(numbers.size())).get();
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        sb.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private String letters(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    private String unknownName() {
        while (true) {
            String name = random.nextInt(10) == 0 ? letters(5000) : letters(1 + random.nextInt(12));
            if (!List.of("actor", "subject", "action", "principal", "ttl_hours").contains(name)
                    && !name.matches(".*(token|secret|passw|private|key|credential|cookie|session|authorization|passphrase).*")) {
                return name;
            }
        }
    }

    /** Syntax that lenient parsers accept and RFC 8259 does not. */
    private String[] lenient(String text, Endpoint e) {
        String ttl = e == Endpoint.CHECK ? "\"ttl_hours\":" : "\"subject\":";
        // The first string value the policy reads: actor, or the AuthZEN subject.id.
        String value = e == Endpoint.CHECK ? "\":\"" : "\"id\":\"";
        List<String[]> variants = List.of(
                new String[] {"single quotes", text.replace('"', '\'')},
                new String[] {"unquoted member names", text.replaceAll("\"([a-z_]+)\":", "$1:")},
                new String[] {"trailing comma", text.substring(0, text.length() - 1) + ",}"},
                new String[] {"block comment", "{/*c*/" + text.substring(1)},
                new String[] {"line comment", "{//c\n" + text.substring(1)},
                new String[] {"plus sign", text.substring(0, text.length() - 1) + "," + ttl + "+1}"},
                new String[] {"hex number", text.substring(0, text.length() - 1) + "," + ttl + "0x18}"},
                new String[] {"NaN", text.substring(0, text.length() - 1) + "," + ttl + "NaN}"},
                new String[] {"Infinity", text.substring(0, text.length() - 1) + "," + ttl + "-Infinity}"},
                new String[] {"leading zero", text.substring(0, text.length() - 1) + "," + ttl + "024}"},
                new String[] {"bare fraction", text.substring(0, text.length() - 1) + "," + ttl + ".5}"},
                new String[] {"unescaped tab in a string", text.replace(value, value + "\t")},
                new String[] {"unescaped line break in a string", text.replace(value, value + "\n")},
                new String[] {"bad escape", text.replace(value, value + "\\x41")},
                new String[] {"lone surrogate escape", text.replace(value, value + "\\ud800")});
        return variants.get(random.nextInt(variants.size()));
    }

    // ---------------------------------------------------------------- other families

    private Probe randomBytes() {
        byte[] b = new byte[random.nextInt(512)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        Endpoint e = endpoint();
        return Probe.of("random-bytes", b.length + " random bytes to " + e.path, post(e, b), Expect.NOT_ALLOWED);
    }

    /** Random byte changes to a valid body: often still valid, so only "no 5xx" holds. */
    private Probe fuzz() {
        Endpoint e = endpoint();
        byte[] body = json(allow(e));
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            body[random.nextInt(body.length)] = (byte) random.nextInt(256);
        }
        return Probe.of("fuzz", flips + " bytes changed in a " + e.path + " body", post(e, body), Expect.ANY);
    }

    private Probe wrongMethod() {
        Endpoint e = endpoint();
        byte[] body = json(allow(e));
        String method = pick(List.of("GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "post", "Post",
                "POST\t", "P0ST", "POSTX", "XPOST", "PRI", "M".repeat(5000), "PO ST", "GET\u0000"));
        byte[] head = latin1(method + " " + e.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
        String shown = method.length() > 12 ? method.substring(0, 12) + "... (" + method.length() + ")" : method;
        return new Probe("method", shown + " " + e.path, Wire.concat(head, body), Expect.NOT_ALLOWED, 1, method.equals("HEAD"), false);
    }

    private Probe oddPath() {
        Endpoint e = endpoint();
        String p = e.path;
        String last = p.substring(p.lastIndexOf('/') + 1);
        String dir = p.substring(0, p.lastIndexOf('/'));
        List<String> targets = List.of(p + "/", dir + "//" + last, "/" + p, dir + "/./" + last, dir + "/../" + dir.substring(1) + "/" + last,
                p + "/..", p + "/.", "/." + p, p.replace("/", "%2f"), p.replace("/", "%2F"), dir + "%2F" + last,
                dir + "/%" + Integer.toHexString(last.charAt(0)) + last.substring(1), p + "%00", p + "%", p + "%zz",
                p.toUpperCase(java.util.Locale.ROOT), dir + "/" + Character.toUpperCase(last.charAt(0)) + last.substring(1),
                p + ";x=1", p + ";", p + "\\", dir + "\\" + last, p + "%20", p + "#frag", p + "?explain=maybe", p + "?x=1",
                p + "?%zz=1", p + "?" + "a".repeat(3000) + "=1", "*", p.substring(1), "/" + "../".repeat(200) + p.substring(1),
                p + "/" + "a".repeat(8000), p + "/" + "a".repeat(65_000), "/" + "a".repeat(400_000),
                "/.well-known/../" + p.substring(1), dir + "/chéck", p + "?explain=true&explain=true", p + "\u00a0");
        String target = pick(targets);
        if (e == Endpoint.CHECK && target.equals(p + "?explain=true&explain=true")) {
            target = p + "?explain=true&explain=false";
        }
        byte[] body = json(allow(e));
        byte[] request = Wire.concat(utf8(Wire.head("POST", target, "Content-Type: application/json",
                "Content-Length: " + body.length, "Connection: close")), body);
        String shown = target.length() > 60 ? target.substring(0, 60) + "... (" + target.length() + ")" : target;
        return new Probe("path", shown, request, Expect.NOT_ALLOWED, 1, false, target.length() > 380_000);
    }

    private Probe headers() {
        Endpoint e = endpoint();
        byte[] body = json(allow(e));
        String path = e.path;
        String length = "Content-Length: " + body.length;
        String json = "Content-Type: application/json";
        int kind = random.nextInt(16);
        switch (kind) {
            case 0:
                return framed("header-content-type", "no Content-Type", path, body, length, "Connection: close");
            case 1: {
                String type = pick(List.of("text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
                        "application/json;charset=latin1", "application/jsonp", "json", "", "application/json, text/plain",
                        "multipart/form-data; boundary=x", "application/json\u0000", "*/*"));
                if (type.endsWith("\u0000")) {
                    // Residual R2 of docs/http-contract.md: the JDK strips bytes up to 0x20 from both ends of a header value,
                    // so flex-auth reads "application/json" and may decide it; it must still never be a 5xx.
                    return Probe.of("header-content-type", "Content-Type: application/json\\0 (trailing NUL stripped by the JDK)",
                            Wire.concat(latin1(Wire.head("POST", path, "Content-Type: " + type, length, "Connection: close")), body),
                            Expect.ANY);
                }
                return framed("header-content-type", "Content-Type: " + type, path, body, "Content-Type: " + type, length,
                        "Connection: close");
            }
            case 2: {
                String[] pair = pick(List.of(new String[] {"application/json", "application/json"},
                        new String[] {"application/json", "text/plain"}, new String[] {"text/plain", "application/json"},
                        new String[] {"application/json", "application/json; charset=iso-8859-1"}));
                return framed("header-content-type", "Content-Type twice: " + pair[0] + " and " + pair[1], path, body,
                        "Content-Type: " + pair[0], "Content-Type: " + pair[1], length, "Connection: close");
            }
            case 3: {
                int declared = 1 + random.nextInt(body.length - 1);
                return framed("header-content-length", "Content-Length " + declared + " for a body of " + body.length, path, body,
                        json, "Content-Length: " + declared);
            }
            case 4:
                return framed("header-content-length", "Content-Length and chunked", path, body, json, length,
                        "Transfer-Encoding: chunked", "Connection: close");
            case 5: {
                String second = random.nextBoolean() ? length : "Content-Length: " + (body.length + 1);
                return framed("header-content-length", "Content-Length twice: " + body.length + ", " + second.substring(16),
                        path, body, json, length, second, "Connection: close");
            }
            case 6: {
                String value = pick(List.of("+" + body.length, body.length + ".0", "0x" + Integer.toHexString(body.length),
                        body.length + "," + body.length, "-1", "abc", "", "99999999999999999999", body.length + " 1",
                        "9223372036854775807"));
                return framed("header-content-length", "Content-Length: " + value, path, body, json, "Content-Length: " + value,
                        "Connection: close");
            }
            case 7:
                return framed("header-content-length", "Content-Length: 0 with a body", path, body, json, "Content-Length: 0");
            case 8: {
                String[] te = pick(List.of(new String[] {"Transfer-Encoding: gzip"}, new String[] {"Transfer-Encoding: identity"},
                        new String[] {"Transfer-Encoding: chunked, chunked"}, new String[] {"Transfer-Encoding: gzip, chunked"},
                        new String[] {"Transfer-Encoding: chunked", "Transfer-Encoding: chunked"},
                        new String[] {"Transfer-Encoding: deflate"}));
                List<String> h = new ArrayList<>(List.of(json, "Connection: close"));
                h.addAll(List.of(te));
                return framed("header-transfer-encoding", String.join(" + ", te), path, body, h.toArray(String[]::new));
            }
            case 9: {
                String[] chunks = pick(List.of(new String[] {"bad chunk size", "zz\r\n" + ascii(body) + "\r\n0\r\n\r\n"},
                        new String[] {"negative chunk size", "-5\r\n" + ascii(body) + "\r\n0\r\n\r\n"},
                        new String[] {"chunk longer than its size", "3\r\n" + ascii(body) + "\r\n0\r\n\r\n"},
                        new String[] {"chunk size over 2^31", "ffffffffff\r\n" + ascii(body) + "\r\n0\r\n\r\n"},
                        new String[] {"chunk without CRLF", Integer.toHexString(body.length) + "\r\n" + ascii(body) + "0\r\n\r\n"},
                        new String[] {"chunk size with junk", Integer.toHexString(body.length) + "x\r\n" + ascii(body) + "\r\n0\r\n\r\n"}));
                byte[] head = latin1(Wire.head("POST", path, json, "Transfer-Encoding: chunked", "Connection: close"));
                return Probe.of("header-chunked", chunks[0], Wire.concat(head, latin1(chunks[1])), Expect.NOT_ALLOWED);
            }
            case 10: {
                String variant = pick(List.of("no Host", "Host twice", "Host with a comma"));
                String host = variant.equals("no Host") ? "" : variant.equals("Host twice") ? "Host: a\r\nHost: b\r\n" : "Host: a,b\r\n";
                byte[] head = latin1("POST " + path + " HTTP/1.1\r\n" + host + json + "\r\n" + length + "\r\nConnection: close\r\n\r\n");
                return Probe.of("header-host", variant, Wire.concat(head, body), Expect.NOT_ALLOWED);
            }
            case 11: {
                String line = pick(List.of("NoColonHere", "Bad Name: x", "X-Nul: a\u0000b", "X-Ctl: a\u0001b", ": empty name",
                        "X-Del\u007f: x", "(X): x"));
                return framed("header-syntax", "header line " + line.replace("\u0000", "\\0").replace("\u0001", "\\1"), path, body,
                        json, length, line, "Connection: close");
            }
            case 12: {
                boolean many = random.nextBoolean();
                List<String> h = new ArrayList<>(List.of(json, length, "Connection: close"));
                if (many) {
                    IntStream.range(0, 201).forEach(i -> h.add("X-Filler-" + i + ": v"));
                } else {
                    h.add("X-Huge: " + "v".repeat(400_000));
                }
                byte[] request = Wire.concat(latin1(Wire.head("POST", path, h.toArray(String[]::new))), body);
                return new Probe("header-size", many ? "201 headers" : "one 400 KB header", request, Expect.NOT_ALLOWED, 1, false, true);
            }
            case 13: {
                String version = pick(List.of("HTTP/2.0", "HTTP/3", "FOO", "http/1.1", "HTTP/1.1 x", "HTTP/1", "HTTP/11", "HTTP/1.1.1",
                        "HTTP/ 1.1", "HTTP/1.x"));
                byte[] head = latin1("POST " + path + " " + version + "\r\nHost: 127.0.0.1\r\n" + json + "\r\n" + length
                        + "\r\nConnection: close\r\n\r\n");
                return Probe.of("header-version", version, Wire.concat(head, body), Expect.NOT_ALLOWED);
            }
            case 14:
                return framed("header-content-type", "Content-Type folded over two lines", path, body,
                        "Content-Type: application/\r\n json", length, "Connection: close");
            default: {
                // Well-formed but unusual: the server may decide these.
                String variant = pick(List.of("HTTP/1.2", "Content-Type: Application/JSON; Charset=\"UTF-8\"",
                        "X-Request-ID: " + "r".repeat(200), "X-Request-ID: a\tb", "Connection: keep-alive, close",
                        "chunked with a trailer"));
                byte[] head;
                if (variant.equals("chunked with a trailer")) {
                    // Valid HTTP/1.1 that the JDK's chunked reader does not take: answered 400, never decided.
                    return Probe.of("header-unusual", variant, Wire.concat(latin1(Wire.head("POST", path, json,
                            "Transfer-Encoding: chunked", "Connection: close")), latin1(Integer.toHexString(body.length) + "\r\n"
                            + ascii(body) + "\r\n0\r\nX-Trailer: t\r\n\r\n")), Expect.ANY);
                }
                if (variant.equals("HTTP/1.2")) {
                    head = latin1("POST " + path + " HTTP/1.2\r\nHost: 127.0.0.1\r\n" + json + "\r\n" + length
                            + "\r\nConnection: close\r\n\r\n");
                } else {
                    head = latin1(Wire.head("POST", path, variant.startsWith("Content-Type") ? variant : json, length, variant,
                            "Connection: close"));
                }
                return Probe.of("header-unusual", variant, Wire.concat(head, body), Expect.ANY);
            }
        }
    }

    private static String ascii(byte[] body) {
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    private static Probe framed(String family, String detail, String path, byte[] body, String... headerLines) {
        return Probe.of(family, detail, Wire.concat(latin1(Wire.head("POST", path, headerLines)), body), Expect.NOT_ALLOWED);
    }

    /** A well-formed request with one value that must not be allowed. */
    private Probe hostileValue() {
        Endpoint e = random.nextBoolean() ? Endpoint.CHECK : Endpoint.EVALUATION;
        Actor a = actor();
        Actor other = ACTORS.get((ACTORS.indexOf(a) + 1 + random.nextInt(ACTORS.size() - 1)) % ACTORS.size());
        ObjectNode base = e == Endpoint.CHECK ? allowCheck(a) : allowEvaluation(a);
        String field = pick(List.of("actor", "subject", "action", "principal", "ttl_hours"));
        JsonNode value;
        switch (field) {
            case "actor":
                value = NODES.textNode(pick(List.of("", " ", a.id() + " ", " " + a.id(), a.id().toUpperCase(java.util.Locale.ROOT),
                        a.id() + "\u0000", a.id().replace("-", "\u200b-"), "\u0430" + a.id().substring(1), a.id() + "/../" + other.id(),
                        "*", "%", a.id().substring(0, 4) + "%", a.id() + "\n", ".*", a.id().substring(0, a.id().length() - 1),
                        a.id() + "x", "iam:" + a.id(), "null", "undefined", "[object Object]", a.id() + "\u0301")));
                break;
            case "subject":
                value = NODES.textNode(pick(List.of(other.id(), "iam:" + other.id(), "", "iam:", "iam:*", "*", a.id() + " ",
                        "iam:" + a.id() + "\u0000", "IAM:" + a.id(), "iam: " + a.id(), "iam:" + a.id() + "\u200b")));
                break;
            case "action":
                value = NODES.textNode(pick(List.of("SSH.SIGN", "ssh.sign ", "ssh.sign\u0000", "ssh.signx", "ssh.*", "", "ssh sign",
                        "ssh\u2024sign")));
                break;
            case "principal":
                value = NODES.textNode(pick(List.of(other.principal(), a.principal() + " ", "root", "*", "", a.principal() + "\u0000",
                        a.principal().toUpperCase(java.util.Locale.ROOT))));
                break;
            default:
                value = NODES.numberNode(pick(List.of(0L, -1L, (long) a.maxTtl() + 1, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000L)));
                break;
        }
        String path = e == Endpoint.CHECK ? field : Map.of("actor", "resource.id", "subject", "subject.id", "action", "action.name",
                "principal", "resource.properties.principal", "ttl_hours", "context.ttl_hours").get(field);
        set(base, path, value);
        String shown = value.toString().length() > 40 ? value.toString().substring(0, 40) + "..." : value.toString();
        return Probe.of("hostile-value", e.path + " " + path + " = " + shown + " for " + a.id(), post(e, json(base)),
                Expect.NOT_ALLOWED);
    }

    /** Valid allow requests, sent in the ways a client may legitimately send them. */
    private Probe control() {
        Endpoint e = endpoint();
        byte[] body = json(allow(e));
        String json = "Content-Type: application/json";
        int kind = random.nextInt(8);
        switch (kind) {
            case 0: {
                int n = 2 + random.nextInt(4);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < n; i++) {
                    byte[] b = json(allow(e));
                    out.writeBytes(latin1(Wire.head("POST", e.path, json, "Content-Length: " + b.length)));
                    out.writeBytes(b);
                }
                out.writeBytes(latin1(Wire.head("GET", "/healthz", "Connection: close")));
                return new Probe("control", n + " pipelined on one connection to " + e.path, out.toByteArray(), Expect.ALLOWED, n,
                        false, false);
            }
            case 1: {
                // Chunked bodies are refused (411, docs/http-contract.md); this control varies the Host instead.
                String host = pick(List.of("127.0.0.1:8080", "localhost", "[::1]:80", "flex-auth.flex-auth.svc.cluster.local:8080", ""));
                return Probe.of("control", "Host: " + host + " to " + e.path, Wire.concat(latin1("POST " + e.path + " HTTP/1.1\r\nHost: "
                        + host + "\r\n" + json + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"), body),
                        Expect.ALLOWED);
            }
            case 2:
                return Probe.of("control", "Expect: 100-continue to " + e.path, Wire.concat(latin1(Wire.head("POST", e.path, json,
                        "Content-Length: " + body.length, "Expect: 100-continue", "Connection: close")), body), Expect.ALLOWED);
            case 3:
                return Probe.of("control", "HTTP/1.0 to " + e.path, Wire.concat(latin1("POST " + e.path + " HTTP/1.0\r\n" + json
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n"), body), Expect.ALLOWED);
            case 4:
                return Probe.of("control", "absolute-form target " + e.path, Wire.concat(latin1("POST http://127.0.0.1" + e.path
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + json + "\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n"), body), Expect.ALLOWED);
            case 5:
                if (e == Endpoint.CHECK) {
                    return Probe.of("control", "explain", Wire.post(e.path + "?explain=true", body), Expect.ALLOWED);
                }
                return Probe.of("control", "charset", Wire.concat(latin1(Wire.head("POST", e.path,
                        "Content-Type: application/json; charset=UTF-8", "Content-Length: " + body.length, "Connection: close")), body),
                        Expect.ALLOWED);
            default:
                return Probe.of("control", "plain to " + e.path, post(e, body), Expect.ALLOWED);
        }
    }

    // ---------------------------------------------------------------- tree helpers

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static JsonNode at(ObjectNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    /** Sets a dotted path, creating objects on the way (and replacing non-objects there). */
    private static void set(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode o = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = o.get(parts[i]);
            if (next == null || !next.isObject()) {
                next = o.putObject(parts[i]);
            }
            o = (ObjectNode) next;
        }
        o.set(parts[parts.length - 1], value);
    }

    private static void remove(ObjectNode root, String path) {
        int dot = path.lastIndexOf('.');
        JsonNode parent = dot < 0 ? root : at(root, path.substring(0, dot));
        if (parent.isObject()) {
            ((ObjectNode) parent).remove(path.substring(dot + 1));
        }
    }

    private static byte[] replace(byte[] in, byte[] what, byte[] with) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        String w = new String(what, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(w);
        return Wire.concat(java.util.Arrays.copyOf(in, at), with, java.util.Arrays.copyOfRange(in, at + what.length, in.length));
    }
}
