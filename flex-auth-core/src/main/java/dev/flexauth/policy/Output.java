package dev.flexauth.policy;

/**
 * A value an allow rule attaches to its decision ({@code with principal = actor.principal}).
 *
 * @param name  the output's name in the decision envelope
 * @param value a field, attribute or constant
 * @param pos   where the output is declared
 */
public record Output(String name, Expr value, Pos pos) {
}
