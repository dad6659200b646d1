package dev.flexauth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The server's own JSON ({@link Json#writeAscii}): correct for any string, ASCII only. */
class AsciiJsonTest {
    @Test
    void escapes_quotes_backslashes_controls_and_everything_outside_ascii() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0000\\u001f\\u00e9\\u2028\\ud83d\\ude00\"",
                Json.writeAsciiString("a\"b\\c\n\u0000\u001f\u00e9\u2028\uD83D\uDE00"));
    }

    @Test
    void writes_maps_lists_numbers_booleans_instants_and_nulls() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("list", Arrays.asList(1, 2L, true, null));
        m.put("time", Instant.parse("2026-06-23T00:00:00Z"));
        m.put("empty", Map.of());

        assertEquals("{\"list\":[1,2,true,null],\"time\":\"2026-06-23T00:00:00Z\",\"empty\":{}}", Json.writeAsciiString(m));
    }

    @Test
    void escapes_tab_carriage_return_and_delete_as_unicode_escapes() {
        assertEquals("\"\\u0009\\u000d\\u007f\"", Json.writeAsciiString("\t\r\u007f"));
    }

    @Property
    void any_string_is_written_as_printable_ascii_that_reads_back_as_itself(@ForAll String s) throws Exception {
        String json = Json.writeAsciiString(Map.of("k", s));

        assertTrue(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f), json);
        assertEquals(s, Json.readTree(json).get("k").asText());
    }

    @Test
    void refuses_a_type_it_has_no_json_for_naming_the_type() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.writeAscii(Map.of("x", 1.5)));
        assertTrue(e.getMessage().contains("java.lang.Double"), e.getMessage());
    }
}
