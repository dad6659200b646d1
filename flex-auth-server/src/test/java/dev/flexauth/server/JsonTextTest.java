package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's own JSON: correct for any string, ASCII only. */
class JsonTextTest {
    @Test
    void escapes_quotes_backslashes_controls_and_everything_outside_ascii() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0000\\u001f\\u00e9\\u2028\\ud83d\\ude00\"",
                JsonText.string("a\"b\\c\n\u0000\u001f\u00e9\u2028\uD83D\uDE00"));
    }

    @Test
    void writes_maps_lists_numbers_booleans_instants_and_nulls() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("list", Arrays.asList(1, 2L, true, null));
        m.put("time", Instant.parse("2026-06-23T00:00:00Z"));
        m.put("empty", Map.of());

        assertEquals("{\"list\":[1,2,true,null],\"time\":\"2026-06-23T00:00:00Z\",\"empty\":{}}", JsonText.string(m));
    }
}
