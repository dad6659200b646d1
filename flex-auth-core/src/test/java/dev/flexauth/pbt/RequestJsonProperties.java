package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.RequestJson;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Hostile request bodies: the codec answers with a request or its own refusal, and a refused body is never decided. */
class RequestJsonProperties {
    private static final String VALID =
            "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\",\"ttl_hours\":24}";

    @Provide
    Arbitrary<byte[]> mutatedBodies() {
        return Arbitraries.longs().map(seed -> {
            Random r = new Random(seed);
            byte[] b = VALID.getBytes(StandardCharsets.UTF_8);
            for (int i = 0, n = 1 + r.nextInt(3); i < n && b.length > 0; i++) {
                if (r.nextBoolean()) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                } else {
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                }
            }
            return b;
        });
    }

    @Property(tries = 2000)
    void arbitraryBytesGiveARequestOrARefusal(@ForAll byte[] body) {
        parseAndDecide(body);
    }

    @Property(tries = 3000)
    void mutatedBodiesGiveARequestOrARefusal(@ForAll("mutatedBodies") byte[] body) {
        parseAndDecide(body);
    }

    private static void parseAndDecide(byte[] body) {
        Request r;
        try {
            r = RequestJson.read(body, OpsWardenRequests.ENGINE.policy().request());
        } catch (RequestException refused) {
            return;
        }
        Decision d = OpsWardenRequests.ENGINE.check(r);
        if (d.allowed()) {
            // A mutated body that still parses may only be allowed if it is a valid, bound request.
            assertFalse(OpsWardenRequests.ENGINE.registry().kind("actor").orElseThrow().find((String) r.get("actor")) == null);
        }
    }
}
