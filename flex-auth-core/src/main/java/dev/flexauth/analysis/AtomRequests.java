package dev.flexauth.analysis;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The requests of a group's atoms, one atom per field (indexes into each field's atoms), built
 * with one engine; a combination no client could send is no request. For one property check.
 */
final class AtomRequests {
    private final Engine engine;
    private final List<Field> fields;

    AtomRequests(Engine engine, List<Field> fields) {
        this.engine = engine;
        this.fields = fields;
    }

    /** How many combinations the atoms make (saturating). */
    static long product(List<List<Atom>> atoms) {
        long total = 1;
        for (List<Atom> a : atoms) {
            total = GrantDiff.saturatingMultiply(total, a.size());
        }
        return total;
    }

    /**
     * Every combination of one atom per field, in order of their indexes, as a request with those
     * indexes; combinations a client could not send are skipped. Returns how many were built.
     */
    long enumerate(List<List<Atom>> atoms, BiConsumer<Request, int[]> action) {
        int[] index = new int[atoms.size()];
        long total = product(atoms);
        long built = 0;
        for (long n = 0; n < total; n++) {
            Request r = request(atoms, index);
            if (r != null) {
                built++;
                action.accept(r, index);
            }
            for (int i = index.length - 1; i >= 0; i--) {
                if (++index[i] < atoms.get(i).size()) {
                    break;
                }
                index[i] = 0;
            }
        }
        return built;
    }

    /** The request of these atom indexes, or null if no client could send it. */
    Request request(List<List<Atom>> atoms, int[] index) {
        Request.Builder b = engine.request();
        try {
            for (int i = 0; i < index.length; i++) {
                b.put(fields.get(i).name(), atoms.get(i).get(index[i]).value());
            }
            return b.build();
        } catch (RequestException e) {
            return null; // e.g. a package constant that looks like a secret: no client can send it
        }
    }
}
