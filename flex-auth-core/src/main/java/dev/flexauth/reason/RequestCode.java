package dev.flexauth.reason;

/**
 * Why a check request was refused before evaluation. These are also the {@code error} codes of
 * the HTTP API's 400 answers, so a client can tell a typo from a malformed body.
 */
public enum RequestCode implements Code {
    INVALID_JSON("invalid_json", "the body is not one well-formed UTF-8 JSON object"),
    DUPLICATE_KEY("duplicate_key", "the body names a member twice"),
    UNKNOWN_FIELD("unknown_field", "a member is not a field of the policy's Request table"),
    MISSING_FIELD("missing_field", "a required field is absent"),
    WRONG_TYPE("wrong_type", "a field's value has the wrong type"),
    BAD_VALUE("bad_value", "a value is out of range or too long"),
    SECRET_MATERIAL("secret_material", "a member looks like a credential or key; flex-auth never accepts secrets"),
    NOT_SEARCHABLE("not_searchable", "a search asks for values of a member no string or entity field of the policy is read from"),
    PAGE_TOKEN("page_token", "a search's page.token is not flex-auth's, belongs to another search, or predates a reload");

    private final String code;
    private final String doc;

    RequestCode(String code, String doc) {
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
