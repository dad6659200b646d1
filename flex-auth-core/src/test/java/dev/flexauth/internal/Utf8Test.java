package dev.flexauth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unicode table 3-7, sequence by sequence, whole and fed one byte at a time. */
class Utf8Test {

    private static byte[] hex(String s) {
        String[] parts = s.trim().split("\\s+");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "41 42 43             | -1 | ASCII",
        "C3 A9                | -1 | U+00E9, two bytes",
        "E2 82 AC             | -1 | U+20AC, three bytes",
        "F0 9F 98 80          | -1 | U+1F600, four bytes",
        "F4 8F BF BF          | -1 | U+10FFFF, the last code point",
        "41 C0 80             | 1  | overlong NUL",
        "41 C1 A1             | 1  | overlong a",
        "E0 80 AF             | 0  | overlong slash in three bytes",
        "E0 9F BF             | 0  | overlong U+07FF",
        "F0 8F BF BF          | 0  | overlong U+FFFF in four bytes",
        "ED A0 80             | 0  | a UTF-16 surrogate",
        "F4 90 80 80          | 0  | beyond U+10FFFF",
        "F5 80 80 80          | 0  | a lead byte that cannot start a sequence",
        "41 80                | 1  | a lone continuation byte",
        "C3 41                | 0  | a lead byte without its continuation",
        "41 E2 82             | 1  | truncated at the end",
    })
    void tableThreeSeven(String bytes, long expected, String what) {
        byte[] b = hex(bytes);
        assertEquals(expected, Utf8.firstInvalid(b), what);
        Utf8 streamed = new Utf8();
        long bad = -1;
        for (int i = 0; i < b.length && bad < 0; i++) {
            bad = streamed.feed(b, i, 1);
        }
        assertEquals(expected, bad >= 0 ? bad : streamed.end(), what + ", fed byte by byte");
    }

    @ParameterizedTest
    @CsvSource({"plain text", "naïve café ☃ 𝄞"})
    void whatJavaEncodesIsValid(String text) {
        assertEquals(-1, Utf8.firstInvalid(text.getBytes(StandardCharsets.UTF_8)));
    }
}
