package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.engine.RequestException;
import dev.flexauth.json.AuthzenJson;
import dev.flexauth.json.RequestJson;
import dev.flexauth.reason.RequestCode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 13: a request body is read as UTF-8 checked by flex-auth, never in an encoding Jackson
 * detects. A valid allow request in any UTF-16 or UTF-32 form, with or without a byte order mark,
 * and the same UTF-8 body with a BOM or with a raw control byte put anywhere, is refused
 * {@code invalid_json} by both codecs; the plain UTF-8 body, with tab, line feed and carriage
 * return between its tokens, is read.
 */
class BodyEncodingProperties {
    static final String CHECK = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";
    static final String EVALUATION = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},\"action\":{\"name\":"
            + "\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"}}";
    static final List<String> ENCODINGS = List.of("UTF-16", "UTF-16BE", "UTF-16LE", "UTF-32", "UTF-32BE", "UTF-32LE");

    @Provide
    Arbitrary<Charset> encodings() {
        return Arbitraries.of(ENCODINGS).map(Charset::forName);
    }

    private static RequestCode refusal(byte[] body, boolean check) {
        try {
            if (check) {
                RequestJson.read(body, OpsWardenRequests.ENGINE.policy().request());
            } else {
                AuthzenJson.readEvaluation(body, OpsWardenRequests.ENGINE.policy().request());
            }
            return null;
        } catch (RequestException e) {
            return e.code();
        }
    }

    private static byte[] withBom(String bomHex, byte[] body) {
        byte[] bom = java.util.HexFormat.of().parseHex(bomHex);
        byte[] out = java.util.Arrays.copyOf(bom, bom.length + body.length);
        System.arraycopy(body, 0, out, bom.length, body.length);
        return out;
    }

    @Property(tries = 60)
    void a_valid_request_in_utf_16_or_utf_32_is_refused(@ForAll("encodings") Charset encoding, @ForAll boolean check,
            @ForAll boolean bom) {
        byte[] body = (check ? CHECK : EVALUATION).getBytes(encoding);
        if (bom && !encoding.name().equals("UTF-16") && !encoding.name().equals("UTF-32")) {
            String name = encoding.name();
            body = withBom(name.equals("UTF-16BE") ? "feff" : name.equals("UTF-16LE") ? "fffe" : name.equals("UTF-32BE")
                    ? "0000feff" : "fffe0000", body);
        }
        assertEquals(RequestCode.INVALID_JSON, refusal(body, check));
    }

    @Property(tries = 300)
    void a_raw_control_byte_anywhere_is_refused(@ForAll @IntRange(min = 0, max = 0x1f) int control, @ForAll @IntRange(min = 0, max = 200) int at,
            @ForAll boolean check) {
        byte[] valid = (check ? CHECK : EVALUATION).getBytes(StandardCharsets.UTF_8);
        int where = Math.min(at, valid.length);
        byte[] body = new byte[valid.length + 1];
        System.arraycopy(valid, 0, body, 0, where);
        body[where] = (byte) control;
        System.arraycopy(valid, where, body, where + 1, valid.length - where);
        boolean whitespace = control == '\t' || control == '\n' || control == '\r';
        RequestCode refused = refusal(body, check);
        if (whitespace) {
            // JSON whitespace: read if it falls between tokens, refused inside a string or a literal.
            assertTrue(refused == null || refused == RequestCode.INVALID_JSON, String.valueOf(refused));
        } else {
            assertEquals(RequestCode.INVALID_JSON, refused);
        }
    }

    @Property(tries = 20)
    void a_utf_8_byte_order_mark_is_refused_and_the_plain_body_read(@ForAll boolean check) {
        byte[] body = (check ? CHECK : EVALUATION).getBytes(StandardCharsets.UTF_8);

        assertEquals(RequestCode.INVALID_JSON, refusal(withBom("efbbbf", body), check));
        assertEquals(null, refusal(body, check));
        assertEquals(null, refusal(("\t\r\n" + (check ? CHECK : EVALUATION) + "\r\n").getBytes(StandardCharsets.UTF_8), check));
    }
}
