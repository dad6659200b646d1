package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A source URL's query string is a credential: no rendering of the URL shows it. */
class SourceUrlTest {
    private static final String PRESIGNED = "https://bucket.s3.eu-west-1.amazonaws.com/ops-warden/registry.json"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261207&X-Amz-Signature=0123abcd";

    @Test
    void theQueryNeverShows() {
        SourceUrl u = SourceUrl.parse(PRESIGNED);
        assertAll(
                () -> assertEquals("https://bucket.s3.eu-west-1.amazonaws.com/ops-warden/registry.json?…", u.toString()),
                () -> assertEquals(u.toString(), u.redacted()),
                () -> assertEquals(PRESIGNED, u.uri().toString(), "the fetcher still sends the whole URL"),
                () -> assertFalse(String.valueOf(u).contains("AKIAEXAMPLE")),
                () -> assertEquals("cannot fetch x (…)", u.scrub("cannot fetch x (" + u.uri().getRawQuery() + ")")));
    }

    @Test
    void theSignatureSitsBesideTheSnapshotWithTheSameQueryBytes() {
        SourceUrl sig = SourceUrl.parse(PRESIGNED).withPathSuffix(".sig");
        assertAll(
                () -> assertEquals(PRESIGNED.replace("registry.json?", "registry.json.sig?"), sig.uri().toString()),
                () -> assertEquals("https://bucket.s3.eu-west-1.amazonaws.com/ops-warden/registry.json.sig?…", sig.toString()),
                () -> assertEquals("http://10.0.0.5:8080/r.json.sig", SourceUrl.parse("http://10.0.0.5:8080/r.json")
                        .withPathSuffix(".sig").toString()));
    }

    @Test
    void unusableUrlsAreRefusedWithoutShowingSecrets() {
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> SourceUrl.parse("ftp://files.example.com/r.json?token=abc"));
        IllegalArgumentException userInfo = assertThrows(IllegalArgumentException.class,
                () -> SourceUrl.parse("https://warden:hunter2@files.example.com/r.json"));
        IllegalArgumentException fragment = assertThrows(IllegalArgumentException.class,
                () -> SourceUrl.parse("https://files.example.com/r.json#v2"));
        assertAll(
                () -> assertEquals("expected an http:// or https:// URL with a host, such as"
                        + " https://snapshots.example.com/ops-warden/registry.json, but found ftp://files.example.com/r.json?…",
                        scheme.getMessage()),
                () -> assertEquals("expected no user:password@ in the source URL https://…@files.example.com/r.json; put a bearer"
                        + " token in a file and name it with --source-token-file", userInfo.getMessage()),
                () -> assertFalse(userInfo.getMessage().contains("hunter2")),
                () -> assertEquals("expected no #fragment in the source URL https://files.example.com/r.json (it is never sent to"
                        + " the server); remove it", fragment.getMessage()),
                () -> assertTrue(SourceUrl.isUrl("HTTPS://x/y")),
                () -> assertFalse(SourceUrl.isUrl("examples/ops-warden/production_registry_snapshot.json")));
    }
}
