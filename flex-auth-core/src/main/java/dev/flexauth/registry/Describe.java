package dev.flexauth.registry;

import com.fasterxml.jackson.core.JsonToken;

/** How a snapshot's problems show the values they are about: short, quoted, typed. */
final class Describe {
    private Describe() {
    }

    static String describeValue(JsonToken t, Object v) {
        switch (t) {
            case VALUE_STRING:
                return "string " + quote((String) v);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number " + abbreviate(String.valueOf(v));
            case VALUE_TRUE:
                return "boolean true";
            case VALUE_FALSE:
                return "boolean false";
            case START_ARRAY:
                return "a list";
            default:
                return describe(t);
        }
    }

    static String describe(JsonToken t) {
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "a list";
            case VALUE_NULL:
                return "null";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            default:
                return t.asString() == null ? t.name() : t.asString();
        }
    }

    /** A string as JSON would show it, cut to 60 characters. */
    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static String abbreviate(String digits) {
        return digits.length() > 30 ? digits.substring(0, 27) + "..." : digits;
    }
}
