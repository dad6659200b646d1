package dev.flexauth.analysis;

import dev.flexauth.analysis.Comparisons.Attribute;
import dev.flexauth.analysis.Comparisons.Constant;
import dev.flexauth.analysis.Comparisons.FieldValue;
import dev.flexauth.analysis.Comparisons.Source;
import dev.flexauth.engine.Engine;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Rule;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.Registry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The finite set of requests that covers every distinct decision of one or two engines (and the
 * conditions of properties) over their registries. A package compares a request field only with
 * its own constants, with entity attributes, with entity keys and with other request fields, so
 * for each field the values worth trying are: absent (when optional), every constant it is
 * compared with, every registry value of the attributes it is compared with, every entity key
 * (entity fields), one fresh value that equals none of them, and for integers one value of every
 * range between two bounds. Requests are grouped by a focus entity field and its key: within a
 * group, only the focus entity's attribute values are bounds, which keeps a 100,000-actor registry
 * linear. The argument for completeness is in {@code docs/testing-policies.md}.
 *
 * <p>Exact unless {@link #inexact()} says why: a comparison between two request fields (other than
 * with the focus field, whose value is fixed per group) is sampled at the values of both, and a
 * string list field with more than {@link #MAX_LIST_VALUES} interesting values is sampled. Not
 * thread-safe while built; read-only afterwards.
 */
final class Domain {
    /** A list field is enumerated as every subset of its interesting values up to this many values. */
    static final int MAX_LIST_VALUES = 10;

    private final List<Engine> engines;
    private final boolean exhaustiveLists;
    private final List<Field> fields = new ArrayList<>();
    /** What the rules and conditions compare each field with. */
    private final Comparisons compared;
    private final KeyShapes shapes;

    /**
     * @param engines         one engine, or the two a diff compares (their Request tables are united)
     * @param conditions      more conditions whose values matter (properties'), over the same fields
     * @param exhaustiveLists whether list fields are every subset of their values (or a sample:
     *                        empty, each value alone, all together)
     */
    Domain(List<Engine> engines, List<Expr> conditions, boolean exhaustiveLists) throws AnalysisException {
        this.engines = List.copyOf(engines);
        this.exhaustiveLists = exhaustiveLists;
        unionOfFields();
        List<Expr> all = new ArrayList<>();
        for (Engine e : engines) {
            for (Rule r : e.policy().rules()) {
                if (r.condition() != null) {
                    all.add(r.condition());
                }
            }
        }
        all.addAll(conditions);
        this.compared = new Comparisons(fields, all);
        this.shapes = new KeyShapes(compared);
    }

    /** The request fields, the union over the engines, in Request table order. */
    List<Field> fields() {
        return fields;
    }

    /** The index of the first entity field, the focus of property checking, or -1. */
    int firstEntityField() {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).type().isEntity()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Why enumerating groups of focus field {@code focus} may miss a decision, or an empty list
     * when it is exact.
     */
    List<String> inexact(int focus) {
        List<String> why = new ArrayList<>();
        String focusField = focus < 0 ? null : fields.get(focus).name();
        for (Field f : fields) {
            if (!compared.referenced.contains(f.name()) || f.name().equals(focusField)) {
                continue;
            }
            for (Source s : compared.sources.get(f.name())) {
                if (s instanceof FieldValue && !((FieldValue) s).field().equals(focusField)) {
                    String other = ((FieldValue) s).field();
                    String pair = f.name().compareTo(other) < 0 ? f.name() + " and " + other : other + " and " + f.name();
                    String line = "the package compares request fields " + pair + " with each other";
                    if (!why.contains(line)) {
                        why.add(line);
                    }
                }
            }
            if (f.type().wireType() == AttributeType.STRING_LIST && !exhaustiveLists) {
                why.add("list field " + f.name() + " is sampled");
            }
        }
        return why;
    }

    /** Whether a list field of this group has too many values to try every subset. */
    boolean listsSampled(int focus, String key) {
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (i != focus && compared.referenced.contains(f.name()) && f.type().wireType() == AttributeType.STRING_LIST
                    && ValueClasses.strings(resolve(f.name(), focus, key)).size() > MAX_LIST_VALUES) {
                return true;
            }
        }
        return false;
    }

    /**
     * The keys a focus entity field takes: every registry key, then (with {@code unknown}) every
     * other value the package compares the field with and one key no registry holds.
     */
    List<String> focusKeys(int focus, boolean unknown) {
        Field f = fields.get(focus);
        List<String> keys = sortedKeys(f.type().entityKind());
        if (!unknown) {
            return keys;
        }
        TreeSet<String> more = ValueClasses.strings(resolve(f.name(), -1, null));
        more.removeIf(s -> Collections.binarySearch(keys, s) >= 0);
        List<String> out = new ArrayList<>(keys.size() + more.size() + 1);
        out.addAll(keys);
        out.addAll(more);
        out.add(ValueClasses.unused("<unknown>", s -> more.contains(s) || Collections.binarySearch(keys, s) >= 0));
        return out;
    }

    /**
     * Every key of {@code kind} in any of the registries, sorted, as a list: with one registry its
     * ids as they are (a kind's entities are sorted by id, without duplicates), not a tree of a
     * million nodes that a check at start-up would leave in the old generation.
     */
    private List<String> sortedKeys(String kind) {
        List<Registry> registries = registries();
        if (registries.size() != 1) {
            return new ArrayList<>(keys(kind));
        }
        EntityKind k = registries.get(0).kinds().get(kind);
        List<String> out = new ArrayList<>(k == null ? 0 : k.entities().size());
        if (k != null) {
            k.entities().forEach(e -> out.add(e.id()));
        }
        return out;
    }

    /** The classes of values of every field in the group of {@code key} of field {@code focus} (-1: no focus). */
    List<List<Atom>> atoms(int focus, String key) {
        List<List<Atom>> atoms = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            atoms.add(i == focus ? List.of(Atom.of(Atom.Kind.VALUE, key)) : atoms(fields.get(i), focus, key));
        }
        return atoms;
    }

    /** The registries of the engines. */
    List<Registry> registries() {
        List<Registry> out = new ArrayList<>();
        engines.forEach(e -> out.add(e.registry()));
        return out;
    }

    // --- Classes of focus keys that the package cannot tell apart.

    /** The shapes of the focus field's groups, to find keys the package cannot tell apart. */
    KeyShapes shapes() {
        return shapes;
    }

    /**
     * Whether groups of the focus field may share a class: only one registry, and no entity field
     * but the focus is read, so a group's values are the package's literals, the key, the focus
     * entity's attributes, integer bounds and fresh values.
     */
    boolean classesApply(int focus) {
        if (focus < 0 || engines.size() != 1) {
            return false;
        }
        for (int i = 0; i < fields.size(); i++) {
            if (i != focus && fields.get(i).type().isEntity() && compared.referenced.contains(fields.get(i).name())) {
                return false;
            }
        }
        return true;
    }

    /** The kind of the focus field in the one registry, or {@code null} if it holds none. */
    EntityKind focusKind(int focus) {
        return engines.get(0).registry().kinds().get(fields.get(focus).type().entityKind());
    }

    // --- The fields.

    private void unionOfFields() throws AnalysisException {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Engine e : engines) {
            for (Field f : e.policy().request().fields()) {
                Field seen = byName.get(f.name());
                if (seen == null) {
                    byName.put(f.name(), f);
                } else if (!seen.type().equals(f.type())) {
                    throw new AnalysisException("incompatible_policies", "request field \"" + f.name() + "\" is "
                            + seen.type() + " in the old package and " + f.type()
                            + " in the new one; grants cannot be compared across a change of type");
                } else if (seen.required() && !f.required()) {
                    byName.put(f.name(), f); // optional in either: absent is a request to try
                }
            }
        }
        fields.addAll(byName.values());
    }

    // --- Representative values.

    private List<Atom> atoms(Field f, int focus, String key) {
        boolean optional = !f.required();
        AttributeType type = f.type().wireType();
        if (!compared.referenced.contains(f.name())) {
            Object any = optional ? null : type == AttributeType.INTEGER ? (Object) 0L
                    : type == AttributeType.BOOLEAN ? (Object) Boolean.FALSE
                    : type == AttributeType.STRING_LIST ? (Object) List.of() : "<any>";
            return List.of(Atom.of(Atom.Kind.ANY, any));
        }
        List<Atom> out = new ArrayList<>();
        if (optional) {
            out.add(Atom.of(Atom.Kind.ABSENT, null));
        }
        if (f.type().isEntity() || type == AttributeType.STRING) {
            TreeSet<String> named = named(f, focus, key);
            named.forEach(k -> out.add(Atom.of(Atom.Kind.VALUE, k)));
            out.add(Atom.of(Atom.Kind.OTHER, other(f, named)));
            return out;
        }
        Set<Object> values = resolve(f.name(), focus, key);
        switch (type) {
            case INTEGER:
                out.addAll(ValueClasses.ranges(values));
                break;
            case BOOLEAN:
                out.add(Atom.of(Atom.Kind.VALUE, false));
                out.add(Atom.of(Atom.Kind.VALUE, true));
                break;
            default: {
                List<String> strings = new ArrayList<>(ValueClasses.strings(values));
                if (exhaustiveLists && strings.size() <= MAX_LIST_VALUES) {
                    // Every subset: "v in list" is decided per value, independently of the others.
                    for (int mask = 0; mask < 1 << strings.size(); mask++) {
                        List<String> subset = new ArrayList<>();
                        for (int i = 0; i < strings.size(); i++) {
                            if ((mask & 1 << i) != 0) {
                                subset.add(strings.get(i));
                            }
                        }
                        out.add(Atom.of(Atom.Kind.VALUE, List.copyOf(subset)));
                    }
                    break;
                }
                // Sampled: empty, each value alone, and all values together.
                out.add(Atom.of(Atom.Kind.VALUE, List.of()));
                strings.forEach(s -> out.add(Atom.of(Atom.Kind.VALUE, List.of(s))));
                if (strings.size() > 1) {
                    out.add(Atom.of(Atom.Kind.VALUE, List.copyOf(strings)));
                }
            }
        }
        return out;
    }

    /**
     * The values of a string or entity field that the package or the registry names, sorted: for an
     * entity field every key of its kind, and for both every string the rules compare the field
     * with (constants, attribute values, other fields' keys and constants). Every other value is
     * decided like {@link #other}.
     */
    TreeSet<String> named(Field f, int focus, String key) {
        TreeSet<String> named = f.type().isEntity() ? keys(f.type().entityKind()) : new TreeSet<>();
        named.addAll(ValueClasses.strings(resolve(f.name(), focus, key)));
        return named;
    }

    /** The representative of every value of {@code f} outside {@code named}. */
    static String other(Field f, Set<String> named) {
        return ValueClasses.unused(f.type().isEntity() ? "<unknown>" : "<other>", named);
    }

    private Set<Object> resolve(String field, int focus, String key) {
        String focusField = focus < 0 ? null : fields.get(focus).name();
        Set<Object> out = new LinkedHashSet<>();
        for (Source s : compared.sources.get(field)) {
            if (s instanceof Constant) {
                out.add(((Constant) s).value());
            } else if (s instanceof Attribute) {
                Attribute a = (Attribute) s;
                String kind = kindOf(a.field());
                for (Registry r : registries()) {
                    EntityKind k = r.kinds().get(kind);
                    if (k == null) {
                        continue;
                    }
                    if (a.field().equals(focusField)) {
                        addValue(out, k.find(key), a.attribute());
                    } else {
                        k.entities().forEach(e -> addValue(out, e, a.attribute()));
                    }
                }
            } else {
                String other = ((FieldValue) s).field();
                if (other.equals(focusField)) {
                    out.add(key);
                } else if (kindOf(other) != null) {
                    out.addAll(keys(kindOf(other)));
                } else {
                    compared.sources.get(other).stream().filter(o -> o instanceof Constant).forEach(o -> out.add(((Constant) o).value()));
                }
            }
        }
        return out;
    }

    private static void addValue(Set<Object> out, Entity e, String attribute) {
        Object v = e == null ? null : e.get(attribute);
        if (v instanceof List) {
            out.addAll((List<?>) v);
        } else if (v != null) {
            out.add(v);
        }
    }

    private String kindOf(String field) {
        for (Field f : fields) {
            if (f.name().equals(field)) {
                return f.type().entityKind();
            }
        }
        return null;
    }

    /** Every key of {@code kind} in any of the registries, sorted. */
    TreeSet<String> keys(String kind) {
        TreeSet<String> keys = new TreeSet<>();
        for (Registry r : registries()) {
            EntityKind k = r.kinds().get(kind);
            if (k != null) {
                k.entities().forEach(e -> keys.add(e.id()));
            }
        }
        return keys;
    }
}
