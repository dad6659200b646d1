package dev.flexauth.engine;

import dev.flexauth.policy.Example;

/**
 * The outcome of one Examples row against an engine.
 *
 * @param example  the row
 * @param decision the decision made, or {@code null} if the row's request could not be built
 * @param error    why the request could not be built, or {@code null}
 */
public record ExampleResult(Example example, Decision decision, String error) {
    /** Whether the decision has the expected effect and reason. */
    public boolean passed() {
        return decision != null && decision.effect() == example.effect() && decision.reason().equals(example.reason());
    }

    /** One line: where, what was expected, what came out. */
    public String summary() {
        String where = "line " + example.pos().line() + (example.description().isEmpty() ? "" : " (" + example.description() + ")");
        String expected = example.effect() + " " + example.reason();
        if (decision == null) {
            return where + ": expected " + expected + ", but the request is invalid: " + error;
        }
        String actual = decision.effect() + " " + decision.reason();
        return where + ": expected " + expected + (passed() ? "" : ", got " + actual);
    }
}
