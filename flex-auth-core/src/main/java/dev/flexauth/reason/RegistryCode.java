package dev.flexauth.reason;

/**
 * Every problem a registry snapshot can have. The {@link #code()} is stable and machine-matched
 * (CLI {@code --json} output, the reload answer); the message beside it says what to fix.
 */
public enum RegistryCode implements Code {
    UNREADABLE("unreadable", "the file cannot be read"),
    TOO_LARGE("too_large", "the document exceeds a configured size limit"),
    INVALID_JSON("invalid_json", "the bytes are not one well-formed UTF-8 JSON document"),
    NOT_A_SNAPSHOT("not_a_snapshot", "the file is Markdown, not JSON: a policy package given where a snapshot belongs"),
    TRAILING_CONTENT("trailing_content", "something follows the JSON document"),
    DUPLICATE_KEY("duplicate_key", "an object has the same member twice"),
    WRONG_TYPE("wrong_type", "a value has the wrong JSON type"),
    MISSING_MEMBER("missing_member", "a required member is absent"),
    UNKNOWN_MEMBER("unknown_member", "a member is not part of the format"),
    BAD_VALUE("bad_value", "a value has the right type but an unusable content"),
    DUPLICATE_ENTITY("duplicate_entity", "two entities of one kind share an id"),
    UNDECLARED_KIND("undeclared_kind", "the policy's Registry table does not declare this entity kind"),
    MISSING_KIND("missing_kind", "the policy's Registry table needs an entity kind the snapshot lacks"),
    UNDECLARED_ATTRIBUTE("undeclared_attribute", "the policy's Registry table does not declare this attribute"),
    MISSING_ATTRIBUTE("missing_attribute", "an entity lacks an attribute the policy's Registry table declares"),
    MISSING_SIGNATURE("missing_signature", "registry signers are configured and the snapshot has no .sig beside it"),
    BAD_SIGNATURE("bad_signature", "the snapshot's .sig is malformed, for another namespace, by a key not allowed now,"
            + " or not over these bytes");

    private final String code;
    private final String doc;

    RegistryCode(String code, String doc) {
        this.code = code;
        this.doc = doc;
    }

    /** The stable, lowercase code. */
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
