package dev.flexauth.policy;

/**
 * One row of a package's Reasons table.
 *
 * @param code    the reason code returned in decisions
 * @param effect  the effect it may be used with
 * @param meaning what it tells the caller
 * @param pos     where the row is
 */
public record Reason(String code, Effect effect, String meaning, Pos pos) {
}
