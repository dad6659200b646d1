package dev.flexauth.policy;

import java.util.List;

/**
 * One rule of a package: {@code allow|deny <reason> [when <condition>] [with <outputs>]}, named
 * by the heading above its {@code rule} block.
 *
 * @param name      the heading text
 * @param effect    allow or deny
 * @param reason    the reason code a match returns
 * @param condition the condition, or {@code null} if the rule always matches
 * @param outputs   values attached to an allow
 * @param pos       where the rule text starts
 */
public record Rule(String name, Effect effect, String reason, Expr condition, List<Output> outputs, Pos pos) {
    public Rule {
        outputs = List.copyOf(outputs);
    }
}
