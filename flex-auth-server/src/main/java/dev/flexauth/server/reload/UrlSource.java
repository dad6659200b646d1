package dev.flexauth.server.reload;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A registry snapshot pulled from a URL together with its signature at {@code <url>.sig}, such that
 * what it hands over is never a mismatched pair. A publisher replaces the two files one after the
 * other, so a poll can see a new snapshot with the old signature (or the reverse); this source
 * fetches the snapshot, then the signature, verifies them together, and when they do not match
 * fetches both again a bounded number of times before giving up this poll. It remembers a
 * version's validators only once that version was handed over, so a poll that gave up is retried
 * in full next time and the poller never wedges on a 304 for an unverified body. Without a
 * signature check (signers not configured) the {@code .sig} is not fetched; over plain
 * {@code http://} a check is mandatory. Not thread-safe: one poller owns it.
 */
public final class UrlSource {
    /** Attempts at a consistent pair per poll; a publisher writes its two files within milliseconds of each other. */
    static final int PAIR_ATTEMPTS = 3;
    /** The largest signature accepted (an SSHSIG armoured signature is well under 1 KiB). */
    static final long MAX_SIGNATURE_BYTES = 64 * 1024;

    /** A snapshot and the signature that verified it (null without a check), with what identifies the version. */
    public record FetchedPair(byte[] snapshot, byte[] signature, SourceFetcher.Validators validators, Instant fetchedAt) {
        public FetchedPair {
            Objects.requireNonNull(snapshot, "snapshot");
            Objects.requireNonNull(validators, "validators");
        }
    }

    /**
     * One poll's outcome: {@code pair} is the new pair to load, or null when the source confirmed
     * the version in service ({@code confirmedAt} is then the moment a silence bound restarts from).
     */
    public record Poll(FetchedPair pair, Instant confirmedAt, int status) {
        boolean changed() {
            return pair != null;
        }
    }

    private final SourceUrl url;
    private final String what;
    private final SourceUrl signatureUrl;
    private final SourceFetcher fetcher;
    private final SignatureCheck check;
    private final Duration retryPause;
    private final int fullFetchEvery;
    private long polls;
    private SourceFetcher.Validators current = SourceFetcher.Validators.NONE;

    /**
     * @param check          the signature check, or {@code null} when no signers are configured (https only)
     * @param retryPause     the pause before fetching a mismatched pair again
     * @param fullFetchEvery every this many polls, ask without validators and compare the content digest
     *                       (0: never). Validators have one-second resolution (Last-Modified; nginx's ETag is
     *                       mtime and size), so a same-size publication within the second of the previous
     *                       one looks unchanged to a conditional GET; the full fetch bounds how long.
     * @throws IllegalArgumentException for a plain http URL without a check
     */
    public UrlSource(SourceUrl url, SourceFetcher fetcher, SignatureCheck check, Duration retryPause, int fullFetchEvery) {
        this(url, fetcher, check, retryPause, fullFetchEvery, "--registry", "snapshot");
    }

    /**
     * As above, for what {@code option} names ({@code --registry} or {@code --policy}); {@code what}
     * is how messages call the content ("snapshot", "policy package").
     */
    public UrlSource(SourceUrl url, SourceFetcher fetcher, SignatureCheck check, Duration retryPause, int fullFetchEvery, String option,
            String what) {
        if (check == null && url.plainHttp()) {
            throw new IllegalArgumentException(option + " " + url + " is plain http, where anyone on the path can change"
                    + " the " + what + ": give --registry-signers so only a signed " + what + " is loaded, or use https");
        }
        this.what = what;
        this.url = url;
        this.signatureUrl = url.withPathSuffix(".sig");
        this.fetcher = fetcher;
        this.check = check;
        this.retryPause = retryPause;
        if (fullFetchEvery < 0) {
            throw new IllegalArgumentException("expected a full fetch every 0 (never) or more polls but found " + fullFetchEvery);
        }
        this.fullFetchEvery = fullFetchEvery;
    }

    /** The snapshot's URL (renders without its query string). */
    public SourceUrl url() {
        return url;
    }

    /** What identifies the version last handed over (or {@link SourceFetcher.Validators#NONE}). */
    SourceFetcher.Validators current() {
        return current;
    }

    /**
     * Polls once.
     *
     * @throws FetchException when the source cannot be read, or no consistent pair could be had in
     *     {@link #PAIR_ATTEMPTS} attempts; the caller keeps serving what it has
     */
    public Poll poll() throws FetchException {
        polls++;
        boolean full = fullFetchEvery > 0 && polls % fullFetchEvery == 0;
        // A full fetch keeps only the digest: the server sends the body, and the same bytes still count as unchanged.
        SourceFetcher.Validators ask = full ? new SourceFetcher.Validators(null, null, current.sha256()) : current;
        SourceFetcher.Result first = fetcher.fetch(url, ask);
        if (first.unchanged()) {
            current = first.validators();
            return new Poll(null, first.at(), first.status());
        }
        if (check == null) {
            current = first.validators();
            return new Poll(new FetchedPair(first.body(), null, first.validators(), first.at()), first.at(), 200);
        }
        SourceFetcher.Result snapshot = first;
        String why = null;
        for (int attempt = 1; attempt <= PAIR_ATTEMPTS; attempt++) {
            SourceFetcher.Result sig = fetcher.fetch(signatureUrl, SourceFetcher.Validators.NONE, MAX_SIGNATURE_BYTES);
            try {
                check.verify(snapshot.body(), sig.body());
                current = snapshot.validators();
                return new Poll(new FetchedPair(snapshot.body(), sig.body(), snapshot.validators(), snapshot.at()),
                        snapshot.at(), 200);
            } catch (SignatureCheck.Invalid e) {
                why = e.getMessage();
            }
            if (attempt == PAIR_ATTEMPTS) {
                break;
            }
            pause();
            // The publisher may be between its two writes: read the snapshot again, unconditionally.
            SourceFetcher.Result again = fetcher.fetch(url, SourceFetcher.Validators.NONE);
            snapshot = again;
        }
        throw new FetchException("the " + what + " at " + url + " and its signature at " + signatureUrl + " do not verify together"
                + " after " + PAIR_ATTEMPTS + " attempts (" + why + "); the pair in service keeps serving. If a publication is"
                + " in progress the next poll picks it up; otherwise publish the " + what + " and its .sig together");
    }

    private void pause() throws FetchException {
        try {
            Thread.sleep(retryPause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while fetching " + url);
        }
    }
}
