package dev.flexauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The tests' own JSON mapper, for reading answers and building bodies: a plain Jackson mapper, so
 * that what a test reads is never shaped by the production factory ({@code dev.flexauth.json.Json},
 * whose mapper is not public).
 */
public final class TestJson {
    /** A default Jackson mapper. */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private TestJson() {
    }
}
