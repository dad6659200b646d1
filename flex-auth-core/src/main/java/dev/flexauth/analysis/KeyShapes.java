package dev.flexauth.analysis;

import dev.flexauth.engine.Request;
import dev.flexauth.internal.Secrets;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The groups of a focus field's keys up to renaming the strings the package does not name: keys
 * whose groups have the same {@link Shape} decide alike, so {@link PropertyChecker} decides one
 * key per class. Read-only; for one {@link Domain}.
 */
final class KeyShapes {
    private final Comparisons compared;

    KeyShapes(Comparisons compared) {
        this.compared = compared;
    }

    /**
     * A string of a group that the package does not name (the key, an attribute value of the focus
     * entity), numbered in order of first appearance; {@code sendable} says whether a request may
     * carry it (not a secret, not too long), since a request that cannot be built is not a case.
     */
    private record Private(int index, boolean sendable) {
    }

    /**
     * The group of one focus key up to renaming: {@code signature} is equal for two keys exactly
     * when renaming each one's private strings ({@code privates}, string to number) into the
     * other's maps one group onto the other.
     */
    record Shape(List<Object> signature, Map<String, Integer> privates) {
    }

    /**
     * The shape of the group of {@code key} (see {@link Domain#classesApply}): the key and the value of
     * every attribute of the focus entity the package reads (or that the entity is unknown), with
     * each string the package does not name replaced by its number in this group. Integers and
     * booleans stay as they are: they are ordered against each other and against literals, so a
     * renaming would not preserve every comparison. Two groups of the same shape decide alike: a
     * comparison, a membership or a presence test has the same value on a request of one and on
     * its renaming in the other (the argument is in {@code docs/testing-policies.md}).
     */
    Shape shape(EntityKind kind, String focusField, String key) {
        Map<String, Integer> privates = new LinkedHashMap<>();
        Set<String> read = compared.attributesRead.getOrDefault(focusField, Set.of());
        List<Object> signature = new ArrayList<>(read.size() + 2);
        signature.add(canon(key, privates, true));
        Entity e = kind == null ? null : kind.find(key);
        signature.add(e != null);
        if (e != null) {
            for (String a : read) {
                signature.add(canon(e.get(a), privates, true));
            }
        }
        return new Shape(signature, privates);
    }

    /**
     * {@code value} (a string, integer, boolean, string list or {@code null}) with the strings of
     * {@code privates} replaced by their numbers; with {@code grow}, a string neither named by the
     * package nor yet in {@code privates} is added to it.
     */
    Object canon(Object value, Map<String, Integer> privates, boolean grow) {
        if (value instanceof String) {
            String s = (String) value;
            if (compared.literals.contains(s)) {
                return s;
            }
            Integer n = privates.get(s);
            if (n == null && grow) {
                n = privates.size();
                privates.put(s, n);
            }
            return n == null ? s : new Private(n, s.length() <= Request.MAX_STRING_LENGTH && !Secrets.looksLikeSecretValue(s));
        }
        if (value instanceof List) {
            List<Object> out = new ArrayList<>(((List<?>) value).size());
            for (Object item : (List<?>) value) {
                out.add(canon(item, privates, grow));
            }
            return out;
        }
        return value;
    }

    /** The atoms of a group with their private strings numbered: the same list for the same atom in two groups of one class. */
    List<List<Object>> canonAtoms(List<List<Atom>> atoms, Map<String, Integer> privates) {
        List<List<Object>> out = new ArrayList<>(atoms.size());
        for (List<Atom> field : atoms) {
            List<Object> c = new ArrayList<>(field.size());
            for (Atom a : field) {
                // A fresh value stands for every value the group does not name, whatever its spelling;
                // a list value is a set (a subset of the values tried), whose sorted order a renaming changes.
                Object v = canon(a.value(), privates, false);
                c.add(a.kind() == Atom.Kind.OTHER ? Atom.Kind.OTHER
                        : a.kind() == Atom.Kind.RANGE ? a : Arrays.asList(a.kind(), v instanceof List ? new HashSet<>((List<?>) v) : v));
            }
            out.add(c);
        }
        return out;
    }

    /** Where each atom of the first key's group went in the group {@code atoms} of another key of its class. */
    int[][] renaming(List<List<Atom>> first, List<List<Object>> firstCanon, List<List<Atom>> atoms,
            Map<String, Integer> privates) {
        int[][] to = new int[first.size()][];
        if (atoms == first) {
            for (int i = 0; i < to.length; i++) {
                to[i] = java.util.stream.IntStream.range(0, first.get(i).size()).toArray();
            }
            return to;
        }
        List<List<Object>> canon = canonAtoms(atoms, privates);
        for (int i = 0; i < to.length; i++) {
            Map<Object, Integer> at = new HashMap<>();
            for (int j = 0; j < canon.get(i).size(); j++) {
                at.put(canon.get(i).get(j), j);
            }
            to[i] = new int[first.get(i).size()];
            for (int j = 0; j < to[i].length; j++) {
                to[i][j] = at.get(firstCanon.get(i).get(j));
            }
        }
        return to;
    }
}
