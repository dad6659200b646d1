package dev.flexauth.registry;

import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.ArrayDeque;
import java.util.Deque;

/** JSON paths as messages show them: {@code entities.actor[2].max_ttl_hours}, no leading {@code $}. */
final class Paths {
    private Paths() {
    }

    /** {@code parent.name}, or {@code parent["odd name"]} when the name is not an identifier. */
    static String member(String parent, String name) {
        if (Names.isIdentifier(name)) {
            return parent.isEmpty() ? name : parent + "." + name;
        }
        return parent + "[" + Describe.quote(name) + "]";
    }

    /** The path of the parser's current position. */
    static String of(JsonStreamContext ctx) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = "";
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                path = path + "[" + Math.max(0, c.getCurrentIndex()) + "]";
            } else if (c.getCurrentName() != null) {
                path = member(path, c.getCurrentName());
            }
        }
        return path;
    }
}
