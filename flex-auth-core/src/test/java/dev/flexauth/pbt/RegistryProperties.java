package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.RegistryLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The registry digest identifies the data, not its spelling: it is stable under member order,
 * entity order and whitespace, and any change of an attribute changes it. And the loader answers
 * any input with a snapshot or its own validation error, nothing else.
 */
class RegistryProperties {
    private static final RegistryLoader LOADER = RegistryLoader.defaults();

    /** A snapshot as data: entity id to attributes (String, Long, Boolean or List<String>). */
    record Snapshot(Map<String, Map<String, Object>> actors) {
    }

    @Provide
    Arbitrary<Snapshot> snapshots() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withChars('é', '€', '\n', '"', '\\').ofMaxLength(8);
        Arbitrary<Map<String, Object>> attrs = Combinators.combine(text, Arbitraries.longs(), Arbitraries.of(true, false),
                text.list().ofMaxSize(3)).as((s, n, b, l) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("principal", s);
                    m.put("max_ttl_hours", n);
                    m.put("enabled", b);
                    m.put("allowed_subjects", l);
                    return m;
                });
        Arbitrary<String> ids = Arbitraries.strings().alpha().numeric().withChars('-', ':', '.').ofMinLength(1).ofMaxLength(10);
        return Arbitraries.maps(ids, attrs).ofMinSize(1).ofMaxSize(6).map(Snapshot::new);
    }

    @Property(tries = 300)
    void theDigestIgnoresMemberOrderEntityOrderAndWhitespace(@ForAll("snapshots") Snapshot s, @ForAll long seed) throws Exception {
        Registry plain = load(json(s, new Random(0), false));
        Registry shuffled = load(json(s, new Random(seed), true));
        assertEquals(plain.digest(), shuffled.digest());
    }

    @Property(tries = 300)
    void anyAttributeChangeChangesTheDigest(@ForAll("snapshots") Snapshot s, @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        List<String> ids = new ArrayList<>(s.actors().keySet());
        String id = ids.get(r.nextInt(ids.size()));
        Map<String, Map<String, Object>> changed = new LinkedHashMap<>();
        s.actors().forEach((k, v) -> changed.put(k, new LinkedHashMap<>(v)));
        Map<String, Object> a = changed.get(id);
        switch (r.nextInt(4)) {
            case 0 -> a.put("principal", a.get("principal") + "x");
            case 1 -> a.put("max_ttl_hours", (Long) a.get("max_ttl_hours") + 1);
            case 2 -> a.put("enabled", !(Boolean) a.get("enabled"));
            default -> {
                List<Object> l = new ArrayList<>((List<?>) a.get("allowed_subjects"));
                l.add("added");
                a.put("allowed_subjects", l);
            }
        }
        assertNotEquals(load(json(s, r, false)).digest(), load(json(new Snapshot(changed), r, false)).digest());
    }

    @Property(tries = 1000)
    void arbitraryBytesGiveASnapshotOrAValidationError(@ForAll byte[] bytes) {
        try {
            LOADER.load(bytes, "arbitrary.json");
        } catch (RegistryException expected) {
            // the only failure the loader may report
        }
    }

    @Property(tries = 1000)
    void mutatedSnapshotsGiveASnapshotOrAValidationError(@ForAll("snapshots") Snapshot s, @ForAll long seed) {
        Random r = new Random(seed);
        byte[] bytes = json(s, r, true).getBytes(StandardCharsets.UTF_8);
        int mutations = 1 + r.nextInt(4);
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            switch (r.nextInt(3)) {
                case 0 -> bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length));
                default -> {
                    int at = r.nextInt(bytes.length);
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    String junk = "{}[],:\"0n\\";
                    longer[at] = (byte) junk.charAt(r.nextInt(junk.length()));
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        try {
            LOADER.load(bytes, "mutated.json");
        } catch (RegistryException expected) {
            // the only failure the loader may report
        }
    }

    private static Registry load(String json) throws RegistryException {
        return LOADER.load(json.getBytes(StandardCharsets.UTF_8), "generated.json");
    }

    /** Writes the snapshot; with {@code shuffle}, members and entities in random order with random whitespace. */
    static String json(Snapshot s, Random r, boolean shuffle) {
        List<String> entities = new ArrayList<>();
        s.actors().forEach((id, attrs) -> {
            List<String> members = new ArrayList<>();
            members.add(q("id") + ":" + q(id));
            attrs.forEach((k, v) -> members.add(q(k) + ":" + value(v)));
            if (shuffle) {
                Collections.shuffle(members, r);
            }
            entities.add("{" + String.join("," + ws(r, shuffle), members) + "}");
        });
        if (shuffle) {
            Collections.shuffle(entities, r);
        }
        List<String> root = new ArrayList<>(List.of(
                q("format") + ":" + q("flex-auth/registry"),
                q("format_version") + ":1",
                q("source") + ":{" + q("system") + ":" + q("pbt") + "," + q("generated_at") + ":" + q("2026-11-29T00:00:00Z") + "}",
                q("entities") + ":{" + q("actor") + ":[" + ws(r, shuffle) + String.join("," + ws(r, shuffle), entities) + "]}"));
        if (shuffle) {
            Collections.shuffle(root, r);
        }
        return ws(r, shuffle) + "{" + String.join("," + ws(r, shuffle), root) + "}" + ws(r, shuffle);
    }

    private static String ws(Random r, boolean shuffle) {
        return shuffle ? List.of("", " ", "\n  ", "\t", "\r\n").get(r.nextInt(5)) : "";
    }

    private static String value(Object v) {
        if (v instanceof String) {
            return q((String) v);
        }
        if (v instanceof List) {
            List<String> items = new ArrayList<>();
            ((List<?>) v).forEach(x -> items.add(q((String) x)));
            return "[" + String.join(",", items) + "]";
        }
        return String.valueOf(v);
    }

    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
