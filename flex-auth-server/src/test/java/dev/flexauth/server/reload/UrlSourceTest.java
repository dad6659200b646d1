package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.internal.Sha256;
import dev.flexauth.server.Origin;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A snapshot and its {@code .sig} are handed over only as a pair that verifies, whatever order the
 * publisher writes them in, and a poll that gave up never keeps the poller from the next one. The
 * check here stands in for the SSHSIG verifier: a ".sig" is {@code sha256:<hex of the snapshot>},
 * which is enough to tell matching from mismatched pairs (it proves nothing about who signed).
 */
class UrlSourceTest {
    private static final byte[] V1 = "{\"snapshot\":1}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V2 = "{\"snapshot\":2}".getBytes(StandardCharsets.UTF_8);
    private static final Instant T1 = Instant.parse("2026-12-07T04:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-07T04:00:05Z");

    private Origin origin;
    private SourceFetcher fetcher;
    private final AtomicInteger checks = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        origin = new Origin();
        fetcher = new SourceFetcher(new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofSeconds(5), 1 << 20, 3, null, null),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        origin.close();
    }

    private static byte[] sig(byte[] snapshot) {
        return ("sha256:" + Sha256.hex(snapshot)).getBytes(StandardCharsets.US_ASCII);
    }

    private void publish(byte[] snapshot, byte[] sig, Instant at) {
        origin.put("/r.json", snapshot, true, true, at);
        origin.put("/r.json.sig", sig, true, true, at);
    }

    private SignatureCheck digestCheck(Runnable onMismatch) {
        return (snapshot, signature) -> {
            checks.incrementAndGet();
            if (!new String(signature, StandardCharsets.US_ASCII).equals("sha256:" + Sha256.hex(snapshot))) {
                onMismatch.run();
                throw new SignatureCheck.Invalid("the signature is over sha256:" + new String(signature, StandardCharsets.US_ASCII)
                        .substring(7, 19) + "…, not this snapshot");
            }
        };
    }

    private UrlSource source(SignatureCheck check) {
        return new UrlSource(SourceUrl.parse(origin.url("/r.json")), fetcher, check, Duration.ofMillis(50), 0);
    }

    @Test
    void aMatchingPairIsHandedOverOnceThenConfirmed() throws Exception {
        publish(V1, sig(V1), T1);
        UrlSource source = source(digestCheck(() -> { }));
        UrlSource.Poll first = source.poll();
        UrlSource.Poll second = source.poll();
        assertAll(
                () -> assertTrue(first.changed()),
                () -> assertArrayEquals(V1, first.pair().snapshot()),
                () -> assertArrayEquals(sig(V1), first.pair().signature()),
                () -> assertFalse(second.changed()),
                () -> assertEquals(304, second.status()),
                () -> assertEquals(1, checks.get(), "an unchanged snapshot is not fetched or verified again"));
    }

    @Test
    void aSnapshotPublishedBeforeItsSignatureWaitsForIt() throws Exception {
        publish(V1, sig(V1), T1);
        // The publisher has written the new snapshot and, while the poller reads the old .sig, writes the new one.
        UrlSource source = source(digestCheck(() -> origin.put("/r.json.sig", sig(V2), true, true, T2)));
        source.poll();
        origin.put("/r.json", V2, true, true, T2);
        UrlSource.Poll p = source.poll();
        assertAll(
                () -> assertArrayEquals(V2, p.pair().snapshot()),
                () -> assertArrayEquals(sig(V2), p.pair().signature()),
                () -> assertEquals(3, checks.get(), "V1, then V2 with the old .sig, then V2 with the new one"));
    }

    @Test
    void aSignaturePublishedBeforeItsSnapshotIsNotLoadedEarly() throws Exception {
        publish(V1, sig(V1), T1);
        UrlSource source = source(digestCheck(() -> { }));
        source.poll();
        origin.put("/r.json.sig", sig(V2), true, true, T2);
        UrlSource.Poll between = source.poll();
        origin.put("/r.json", V2, true, true, T2);
        UrlSource.Poll after = source.poll();
        assertAll(
                () -> assertFalse(between.changed(), "the old snapshot is unchanged, so the new .sig is not even read"),
                () -> assertArrayEquals(V2, after.pair().snapshot()));
    }

    @Test
    void aPairThatNeverMatchesFailsThePollAndTheNextPollTriesAgain() throws Exception {
        publish(V1, sig(V1), T1);
        UrlSource source = source(digestCheck(() -> { }));
        source.poll();
        origin.put("/r.json", V2, true, true, T2);
        FetchException e = assertThrows(FetchException.class, source::poll);
        String inService = source.current().sha256();
        int fetchesBefore = origin.seen().size();
        origin.put("/r.json.sig", sig(V2), true, true, T2);
        UrlSource.Poll fixed = source.poll();
        assertAll(
                () -> assertEquals("the snapshot at " + origin.url("/r.json") + " and its signature at " + origin.url("/r.json.sig")
                        + " do not verify together after 3 attempts (the signature is over sha256:"
                        + Sha256.hex(V1).substring(0, 12) + "…, not this snapshot); the pair in service keeps serving."
                        + " If a publication is in progress the next poll picks it up; otherwise publish the snapshot and its .sig"
                        + " together", e.getMessage()),
                () -> assertEquals(Sha256.hex(V1), inService, "the version in service is still V1"),
                () -> assertEquals("\"" + Sha256.hex(V1).substring(0, 16) + "\"",
                        origin.seen().get(fetchesBefore).header("If-None-Match"), "the next poll asks about V1, not the refused V2"),
                () -> assertArrayEquals(V2, fixed.pair().snapshot()));
    }

    @Test
    void plainHttpWithoutSignersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source(null));
        assertEquals("--registry " + origin.url("/r.json") + " is plain http, where anyone on the path can change the snapshot:"
                + " give --registry-signers so only a signed snapshot is loaded, or use https", e.getMessage());
    }
}
