package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.internal.Sha256;
import dev.flexauth.server.Origin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditional GETs against an in-process origin: each kind of static server, and each way a fetch must stop. */
class SourceFetcherTest {
    private static final byte[] V1 = "{\"snapshot\":1}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V2 = "{\"snapshot\":2}".getBytes(StandardCharsets.UTF_8);
    private static final Instant T1 = Instant.parse("2026-12-07T04:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-07T04:00:05Z");

    @TempDir
    Path dir;

    private Origin origin;
    private SourceFetcher fetcher;

    @BeforeEach
    void start() throws Exception {
        origin = new Origin();
        fetcher = new SourceFetcher(options(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        origin.close();
    }

    /** Generous deadlines: only the stall test waits for one, and it stalls far longer. */
    private static SourceFetcher.Options options() {
        return new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofSeconds(5), 1024, 3, null, null);
    }

    private SourceUrl url(String path) {
        return SourceUrl.parse(origin.url(path));
    }

    @Test
    void anEtagServerAnswers304ToIfNoneMatch() throws Exception {
        origin.put("/r.json", V1, true, false, T1);
        SourceFetcher.Result first = fetcher.fetch(url("/r.json"), SourceFetcher.Validators.NONE);
        SourceFetcher.Result again = fetcher.fetch(url("/r.json"), first.validators());
        origin.put("/r.json", V2, true, false, T2);
        SourceFetcher.Result changed = fetcher.fetch(url("/r.json"), first.validators());
        assertAll(
                () -> assertArrayEquals(V1, first.body()),
                () -> assertTrue(first.validators().etag() != null),
                () -> assertEquals(Sha256.hex(V1), first.validators().sha256()),
                () -> assertTrue(again.unchanged()),
                () -> assertEquals(304, again.status()),
                () -> assertEquals(first.validators().etag(), origin.seen().get(1).header("If-None-Match")),
                () -> assertArrayEquals(V2, changed.body()));
    }

    @Test
    void aLastModifiedOnlyServerAnswers304ToIfModifiedSince() throws Exception {
        origin.put("/r.json", V1, false, true, T1);
        SourceFetcher.Result first = fetcher.fetch(url("/r.json"), SourceFetcher.Validators.NONE);
        SourceFetcher.Result again = fetcher.fetch(url("/r.json"), first.validators());
        origin.put("/r.json", V2, false, true, T2);
        SourceFetcher.Result changed = fetcher.fetch(url("/r.json"), first.validators());
        assertAll(
                () -> assertNull(first.validators().etag()),
                () -> assertEquals("Mon, 7 Dec 2026 04:00:00 GMT", first.validators().lastModified()),
                () -> assertEquals(304, again.status()),
                () -> assertTrue(again.unchanged()),
                () -> assertEquals("Mon, 7 Dec 2026 04:00:00 GMT", origin.seen().get(1).header("If-Modified-Since")),
                () -> assertNull(origin.seen().get(1).header("If-None-Match")),
                () -> assertArrayEquals(V2, changed.body()));
    }

    @Test
    void aServerWithoutValidatorsIsComparedByContent() throws Exception {
        origin.put("/r.json", V1, false, false, T1);
        SourceFetcher.Result first = fetcher.fetch(url("/r.json"), SourceFetcher.Validators.NONE);
        SourceFetcher.Result same = fetcher.fetch(url("/r.json"), first.validators());
        origin.put("/r.json", V2, false, false, T1);
        SourceFetcher.Result changed = fetcher.fetch(url("/r.json"), first.validators());
        assertAll(
                () -> assertEquals(new SourceFetcher.Validators(null, null, Sha256.hex(V1)), first.validators()),
                () -> assertEquals(200, same.status()),
                () -> assertTrue(same.unchanged(), "the same bytes again are no change"),
                () -> assertNull(origin.seen().get(1).header("If-None-Match")),
                () -> assertNull(origin.seen().get(1).header("If-Modified-Since")),
                () -> assertArrayEquals(V2, changed.body()));
    }

    @Test
    void a304ToAnUnconditionalRequestIsAnError() {
        origin.status("/r.json", 304);
        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(url("/r.json"), SourceFetcher.Validators.NONE));
        assertEquals("HTTP 304 Not Modified from " + origin.url("/r.json") + " to a request that was not conditional", e.getMessage());
    }

    @Test
    void aBodyOverTheCapIsRefusedByItsLengthOrWhileReading() {
        byte[] big = new byte[4096];
        Arrays.fill(big, (byte) 'x');
        origin.put("/big.json", big, false, false, T1);
        origin.put("/chunked.json", big, false, false, T1);
        origin.chunked("/chunked.json");
        FetchException declared = assertThrows(FetchException.class,
                () -> fetcher.fetch(url("/big.json"), SourceFetcher.Validators.NONE));
        FetchException streamed = assertThrows(FetchException.class,
                () -> fetcher.fetch(url("/chunked.json"), SourceFetcher.Validators.NONE));
        assertAll(
                () -> assertEquals(origin.url("/big.json") + " answered more than 1024 bytes (Content-Length 4096); the source is"
                        + " not what was expected, or raise the size cap (--source-max-bytes)", declared.getMessage()),
                () -> assertTrue(streamed.getMessage().startsWith(origin.url("/chunked.json") + " answered more than 1024 bytes"
                        + " (at least "), streamed.getMessage()));
    }

    @Test
    void redirectsAreFollowedUpToTheLimitAndALoopIsNamed() throws Exception {
        origin.put("/final.json", V1, true, true, T1);
        origin.redirect("/moved.json", "/final.json");
        origin.redirect("/a", "/b");
        origin.redirect("/b", "/a");
        origin.redirect("/1", "/2");
        origin.redirect("/2", "/3");
        origin.redirect("/3", "/4");
        origin.redirect("/4", "/final.json");
        SourceFetcher.Result moved = fetcher.fetch(url("/moved.json"), SourceFetcher.Validators.NONE);
        FetchException loop = assertThrows(FetchException.class, () -> fetcher.fetch(url("/a"), SourceFetcher.Validators.NONE));
        FetchException chain = assertThrows(FetchException.class, () -> fetcher.fetch(url("/1"), SourceFetcher.Validators.NONE));
        assertAll(
                () -> assertArrayEquals(V1, moved.body()),
                () -> assertEquals("redirect loop fetching " + origin.url("/a") + ": " + origin.url("/a") + " was already visited;"
                        + " fix the source's redirects", loop.getMessage()),
                () -> assertEquals("more than 3 redirects fetching " + origin.url("/1") + " (the last to " + origin.url("/final.json")
                        + "); point the source URL at the final location, or raise --source-max-redirects", chain.getMessage()));
    }

    @Test
    void aStalledServerRunsIntoTheDeadline() {
        SourceFetcher quick = new SourceFetcher(new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofMillis(500), 1024, 3,
                null, null), Clock.systemUTC());
        origin.put("/slow.json", V1, false, false, T1);
        // Far past the deadline, so only the deadline can end the fetch first.
        origin.stall("/slow.json", 20_000);
        FetchException e = assertThrows(FetchException.class, () -> quick.fetch(url("/slow.json"), SourceFetcher.Validators.NONE));
        assertTrue(e.getMessage().matches("no (complete )?answer from " + java.util.regex.Pattern.quote(origin.url("/slow.json"))
                + " within 500 ms \\(--source-read-timeout\\); check the source server and the network"), e.getMessage());
    }

    @Test
    void aServerErrorIsAFailedFetch() {
        origin.status("/r.json", 500);
        origin.status("/denied.json", 403);
        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(url("/r.json"), SourceFetcher.Validators.NONE));
        FetchException denied = assertThrows(FetchException.class,
                () -> fetcher.fetch(url("/denied.json?X-Amz-Signature=abc"), SourceFetcher.Validators.NONE));
        assertAll(
                () -> assertEquals("HTTP 500 from " + origin.url("/r.json") + " (expected 200, or 304 when unchanged); check the"
                        + " source server", e.getMessage()),
                () -> assertEquals("HTTP 403 from " + origin.url("/denied.json") + "?… (expected 200, or 304 when unchanged); check"
                        + " the source server and the bearer token or presigned URL", denied.getMessage()));
    }

    @Test
    void anUnreachableSourceSaysSoWithoutItsQuery() throws Exception {
        String base = origin.url("");
        origin.close();
        FetchException e = assertThrows(FetchException.class,
                () -> fetcher.fetch(SourceUrl.parse(base + "/r.json?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=deadbeef"),
                        SourceFetcher.Validators.NONE));
        assertAll(
                () -> assertTrue(e.getMessage().startsWith("cannot fetch " + base + "/r.json?… ("), e.getMessage()),
                () -> assertFalse(e.getMessage().contains("AKIAEXAMPLE"), e.getMessage()),
                () -> assertFalse(e.getMessage().contains("deadbeef"), e.getMessage()));
    }

    @Test
    void theBearerTokenGoesToTheSourceOriginOnly() throws Exception {
        Path token = Files.writeString(dir.resolve("source.token"), "s3cr3t-token\n");
        SourceFetcher withToken = new SourceFetcher(new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofSeconds(5), 1024, 3,
                null, token), Clock.systemUTC());
        try (Origin elsewhere = new Origin()) {
            elsewhere.put("/r.json", V1, false, false, T1);
            origin.put("/r.json", V1, false, false, T1);
            origin.redirect("/away.json", elsewhere.url("/r.json"));
            withToken.fetch(url("/r.json"), SourceFetcher.Validators.NONE);
            withToken.fetch(url("/away.json"), SourceFetcher.Validators.NONE);
            assertAll(
                    () -> assertEquals("Bearer s3cr3t-token", origin.seen().get(0).header("Authorization")),
                    () -> assertEquals("Bearer s3cr3t-token", origin.seen().get(1).header("Authorization")),
                    () -> assertNull(elsewhere.last().header("Authorization"), "the token does not follow a redirect to another origin"));
        }
    }
}
