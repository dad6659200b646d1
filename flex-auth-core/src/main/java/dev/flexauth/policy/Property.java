package dev.flexauth.policy;

import java.util.Objects;

/**
 * One property of a package: what must never or always be decided, for every request the
 * condition holds for. Named by the heading above its {@code property} block under the
 * Properties section. {@code flex-auth test} checks it over the registry.
 *
 * @param name      the heading text
 * @param form      never allow, always allow or always deny
 * @param reason    the deny reason an {@link Form#ALWAYS_DENY} property demands, or {@code null} for any
 * @param condition the requests it speaks of, or {@code null} for every request
 * @param pos       where the property text starts
 */
public record Property(String name, Form form, String reason, Expr condition, Pos pos) {
    public Property {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(pos, "pos");
    }

    /** The forms of a property. */
    public enum Form {
        /** No request the condition holds for is allowed. */
        NEVER_ALLOW("never allow"),
        /** Every request the condition holds for is allowed. */
        ALWAYS_ALLOW("always allow"),
        /** Every request the condition holds for is denied (with the reason, when one is named). */
        ALWAYS_DENY("always deny");

        private final String words;

        Form(String words) {
            this.words = words;
        }

        /** As written in a property block. */
        public String words() {
            return words;
        }
    }

    /** The property as written: {@code always deny unknown_actor_resource when actor is unknown}. */
    public String text() {
        return form.words() + (reason == null ? "" : " " + reason) + (condition == null ? "" : " when " + Printer.print(condition));
    }
}
