package dev.flexauth.reason;

/**
 * Every problem a policy package or a registry snapshot can have, each with the line of
 * documentation an operator sees in {@code docs/policy-language.md}. The {@link #code()} is
 * what tools print and match on; it never changes once released.
 */
public enum DiagnosticCode implements Code {
    // Policy package: the file itself.
    UNREADABLE("unreadable", "the policy file cannot be read: missing, not a regular file, too large, or too slow to read"),

    // Policy package: Markdown structure.
    NOT_A_POLICY("not_a_policy", "the file is JSON, not Markdown: a registry snapshot given where a policy package belongs"),
    MISSING_SECTION("missing_section", "a required section (metadata, Request, Reasons, rules) is absent"),
    BAD_METADATA("bad_metadata", "the front matter lacks a key, has an unknown key or a bad value"),
    BAD_TABLE("bad_table", "a table lacks a required column, has an unknown column or a malformed cell"),
    DUPLICATE_DEFINITION("duplicate_definition", "a field, attribute, reason or output is defined twice"),
    DUPLICATE_RULE("duplicate_rule", "two rule blocks share a heading, so their names collide"),
    UNNAMED_RULE("unnamed_rule", "a rule block has no heading above it to name it"),

    // Policy package: the rule language.
    SYNTAX_ERROR("syntax_error", "the rule text does not follow the grammar"),
    UNKNOWN_FIELD("unknown_field", "a name is not a field of the Request table"),
    UNKNOWN_ATTRIBUTE("unknown_attribute", "an attribute is not declared for the entity kind in the Registry table"),
    UNKNOWN_KIND("unknown_kind", "a type names an entity kind the Registry table does not declare"),
    TYPE_ERROR("type_error", "an operator is applied to values of the wrong type"),
    UNKNOWN_REASON("unknown_reason", "a reason code is not in the Reasons table"),
    REASON_EFFECT_MISMATCH("reason_effect_mismatch", "a reason code is used with the other effect than the Reasons table gives it"),
    CONSTANT_CONDITION("constant_condition", "a condition compares constants only, so it never depends on the request"),
    OUTPUT_ON_DENY("output_on_deny", "a deny rule declares outputs; only an allow carries outputs"),

    // Policy package: examples.
    BAD_EXAMPLE("bad_example", "an Examples row cannot be read as a request"),
    EXAMPLE_FAILED("example_failed", "an Examples row does not give the effect and reason it expects"),
    NO_EXAMPLES("no_examples", "the package has no Examples table, so nothing checks the rules against intent"),

    // Policy package: properties.
    UNNAMED_PROPERTY("unnamed_property", "a property block has no heading of its own under Properties to name it"),
    DUPLICATE_PROPERTY("duplicate_property", "two property blocks share a heading, so their names collide"),
    PROPERTY_FAILED("property_failed", "a property does not hold: a request breaks it (found by flex-auth test or at load)");

    private final String code;
    private final String doc;

    DiagnosticCode(String code, String doc) {
        this.code = code;
        this.doc = doc;
    }

    /** The stable, lowercase code printed in diagnostics. */
    @Override
    public String code() {
        return code;
    }

    /** The {@link #code()}, as in messages and JSON. */
    @Override
    public String toString() {
        return code();
    }

    /** One line saying what the code means. */
    @Override
    public String doc() {
        return doc;
    }
}
