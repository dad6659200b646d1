package dev.flexauth.testkit;

import dev.flexauth.analysis.RequestDomain;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries of requests for any policy package and registry, drawn from the same finite
 * domain that {@code flex-auth test} checks properties over ({@link RequestDomain}): every entity
 * key plus unknown ones, and per field absent, the values the package and registry name, one fresh
 * value and one value per integer range. Every request is well-typed for the package, so a test
 * never spends tries on requests the codec would refuse, and a value the package names (a
 * break-glass subject, a hard-coded bound) is as likely as any other. Shrinking moves towards the
 * first key and, per field, towards absent and the smallest values. Stateless and thread-safe.
 */
public final class PolicyArbitraries {
    private PolicyArbitraries() {
    }

    /** Requests to {@code engine}'s package over its registry. */
    public static Arbitrary<Request> requests(Engine engine) {
        return requests(RequestDomain.of(engine));
    }

    /** Requests of {@code domain} (build it once with {@link RequestDomain#of} to share it). */
    public static Arbitrary<Request> requests(RequestDomain domain) {
        List<String> groups = domain.groups();
        return Arbitraries.integers().between(0, groups.size() - 1).flatMap(g -> group(domain, groups.get(g)));
    }

    private static Arbitrary<Request> group(RequestDomain domain, String key) {
        List<List<Object>> values = domain.values(key);
        List<Arbitrary<Integer>> choices = new ArrayList<>();
        for (List<Object> v : values) {
            choices.add(Arbitraries.integers().between(0, v.size() - 1));
        }
        return Combinators.combine(choices).as(picked -> {
            List<Object> request = new ArrayList<>();
            for (int i = 0; i < picked.size(); i++) {
                request.add(values.get(i).get(picked.get(i)));
            }
            return request;
        }).filter(r -> build(domain, r) != null).map(r -> build(domain, r));
    }

    private static Request build(RequestDomain domain, List<Object> values) {
        try {
            return domain.request(values);
        } catch (RequestException e) {
            return null; // e.g. a package constant that looks like a secret: no client can send it
        }
    }
}
