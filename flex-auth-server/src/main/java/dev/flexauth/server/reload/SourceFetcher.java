package dev.flexauth.server.reload;

import dev.flexauth.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Conditional GETs of one URL at a time with the JDK's {@link HttpClient}, every part bounded: the
 * connect timeout, a deadline for the whole answer (headers and body), a size cap enforced before
 * the body is buffered past it (a {@code Content-Length} over the cap is refused unread), and a
 * redirect limit (redirects are followed here, not by the client, so each hop is counted, a loop
 * is named as one, an https source never continues over http, and the bearer token never leaves
 * the origin it was given for). It sends {@code If-None-Match} and {@code If-Modified-Since} when
 * it has them, and also compares the SHA-256 of the body, so a static server that sends neither
 * validator (or ignores them) still yields "unchanged" for unchanged content. Built once from
 * {@link Options}; thread-safe.
 */
public final class SourceFetcher {

    /**
     * @param connectTimeout time to open a connection (TCP and TLS)
     * @param readTimeout    time from sending a request to the last byte of its answer
     * @param maxBytes       the largest body accepted
     * @param maxRedirects   redirects followed per fetch
     * @param caFile         PEM certificates to trust instead of the JDK's trust store, or {@code null}
     * @param tokenFile      a file holding a bearer token sent to the source's origin, or {@code null}
     */
    public record Options(Duration connectTimeout, Duration readTimeout, long maxBytes, int maxRedirects, Path caFile, Path tokenFile) {
        public Options {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("expected source connect and read timeouts greater than zero but found "
                        + connectTimeout + " and " + readTimeout);
            }
            if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("expected a source size cap from 1 byte to 2 GiB but found " + maxBytes);
            }
            if (maxRedirects < 0) {
                throw new IllegalArgumentException("expected a redirect limit of 0 or more but found " + maxRedirects);
            }
        }

        /**
         * 2 s to connect, 30 s for an answer, 256 MiB (the loader's own limit is what bounds a
         * snapshot; this only stops a runaway answer), 3 redirects, the JDK's trust store, no token.
         */
        static Options defaults() {
            return new Options(Duration.ofSeconds(2), Duration.ofSeconds(30), 256L << 20, 3, null, null);
        }

        Options withMaxBytes(long maxBytes) {
            return new Options(connectTimeout, readTimeout, maxBytes, maxRedirects, caFile, tokenFile);
        }
    }

    /** What identifies a fetched version: the validators to send next time and the content's SHA-256 (hex). */
    record Validators(String etag, String lastModified, String sha256) {
        static final Validators NONE = new Validators(null, null, null);
    }

    /** One fetch's answer: {@code body} is null when the source confirmed the version the caller has. */
    record Result(byte[] body, Validators validators, int status, Instant at) {
        boolean unchanged() {
            return body == null;
        }
    }

    private final Options options;
    private final HttpClient client;
    private final String token;
    private final Clock clock;

    public SourceFetcher(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.token = options.tokenFile() == null ? null : readToken(options.tokenFile());
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (options.caFile() != null) {
            b.sslContext(trusting(options.caFile()));
        }
        this.client = b.build();
    }

    /**
     * GETs {@code url}, conditionally on {@code known} (the version the caller has; {@link Validators#NONE} for none).
     *
     * @throws FetchException for anything but a usable 200 or a 304 to a conditional request
     */
    Result fetch(SourceUrl url, Validators known) throws FetchException {
        return fetch(url, known, options.maxBytes());
    }

    Result fetch(SourceUrl url, Validators known, long maxBytes) throws FetchException {
        SourceUrl at = url;
        Set<String> seen = new HashSet<>();
        seen.add(at.uri().toString());
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(at.uri()).GET().timeout(options.readTimeout())
                    .header("Accept", "*/*");
            if (known.etag() != null) {
                request.header("If-None-Match", known.etag());
            }
            if (known.lastModified() != null) {
                request.header("If-Modified-Since", known.lastModified());
            }
            if (token != null && at.origin().equals(url.origin())) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<byte[]> response = send(at, request.build(), maxBytes);
            int status = response.statusCode();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = response.headers().firstValue("Location").orElseThrow(() -> new FetchException(
                        "HTTP " + status + " from " + url + " without a Location header; fix the source's redirect"));
                SourceUrl next;
                try {
                    next = at.resolve(location);
                } catch (IllegalArgumentException e) {
                    throw new FetchException(e.getMessage());
                }
                if (!at.plainHttp() && next.plainHttp()) {
                    throw new FetchException("a redirect from " + at + " goes to plain http (" + next + "); an https source"
                            + " never continues over http, fix the redirect or the URL");
                }
                if (!seen.add(next.uri().toString())) {
                    throw new FetchException("redirect loop fetching " + url + ": " + next + " was already visited; fix the"
                            + " source's redirects");
                }
                if (hop + 1 > options.maxRedirects()) {
                    throw new FetchException("more than " + options.maxRedirects() + " redirects fetching " + url + " (the last"
                            + " to " + next + "); point the source URL at the final location, or raise --source-max-redirects");
                }
                at = next;
                continue;
            }
            Instant now = clock.instant();
            if (status == 304) {
                if (known.sha256() == null) {
                    throw new FetchException("HTTP 304 Not Modified from " + url + " to a request that was not conditional");
                }
                return new Result(null, known, 304, now);
            }
            if (status != 200) {
                throw new FetchException("HTTP " + status + " from " + url + " (expected 200, or 304 when unchanged); check the"
                        + " source server" + (status == 401 || status == 403 ? " and the bearer token or presigned URL" : ""));
            }
            byte[] body = response.body();
            HttpHeaders h = response.headers();
            Validators got = new Validators(h.firstValue("ETag").orElse(null), h.firstValue("Last-Modified").orElse(null),
                    Sha256.hex(body));
            if (got.sha256().equals(known.sha256())) {
                // A server without validators (or one that ignores them) sent the same bytes again.
                return new Result(null, got, 200, now);
            }
            return new Result(body, got, 200, now);
        }
    }

    private HttpResponse<byte[]> send(SourceUrl url, HttpRequest request, long maxBytes) throws FetchException {
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request, info -> new CappedBody(maxBytes,
                info.headers().firstValueAsLong("Content-Length").orElse(-1)));
        try {
            // The request timeout covers the headers only; this deadline covers the body as well.
            return answer.get(options.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new FetchException("no complete answer from " + url + " within " + options.readTimeout().toMillis()
                    + " ms (--source-read-timeout); check the source server and the network");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while fetching " + url);
        } catch (CancellationException e) {
            throw new FetchException("the fetch of " + url + " was cancelled");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TooLarge) {
                throw new FetchException(url + " answered more than " + maxBytes + " bytes ("
                        + ((TooLarge) cause).what + "); the source is not what was expected, or raise the size cap (--source-max-bytes)");
            }
            if (cause instanceof HttpConnectTimeoutException) {
                throw new FetchException("cannot connect to " + url + " within " + options.connectTimeout().toMillis() + " ms (--source-connect-timeout)");
            }
            if (cause instanceof HttpTimeoutException) {
                throw new FetchException("no answer from " + url + " within " + options.readTimeout().toMillis()
                        + " ms (--source-read-timeout); check the source server and the network");
            }
            String detail = cause == null ? "" : cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + url.scrub(cause.getMessage()));
            throw new FetchException("cannot fetch " + url + " (" + detail + ")");
        }
    }

    /** A body over the cap, found from Content-Length or while reading. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final String what;

        TooLarge(String what) {
            super(what, null);
            this.what = what;
        }
    }

    /** Collects a body and fails, cancelling the stream, as soon as it would pass the cap. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<ByteBuffer> parts = new ArrayList<>();
        private long received;
        private Flow.Subscription subscription;

        CappedBody(long max, long declared) {
            this.max = max;
            this.declared = declared;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > max) {
                s.cancel();
                result.completeExceptionally(new TooLarge("Content-Length " + declared));
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                received += b.remaining();
                if (received > max) {
                    parts.clear();
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge("at least " + received + " bytes read"));
                    return;
                }
                parts.add(b);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            byte[] body = new byte[(int) received];
            int at = 0;
            for (ByteBuffer b : parts) {
                int n = b.remaining();
                b.get(body, at, n);
                at += n;
            }
            parts.clear();
            result.complete(body);
        }
    }


    /** An SSL context trusting exactly the PEM certificates in {@code caFile}. */
    static SSLContext trusting(Path caFile) {
        try {
            if (!Files.readString(caFile, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException("--source-ca " + caFile + ": expected PEM certificates (-----BEGIN"
                        + " CERTIFICATE-----) but found none");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--source-ca " + caFile + ": cannot read it (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("--source-ca " + caFile + ": expected PEM certificates (-----BEGIN"
                        + " CERTIFICATE-----) but found none");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new IllegalArgumentException("--source-ca " + caFile + ": cannot read it (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--source-ca " + caFile + ": expected PEM certificates but cannot read them ("
                    + e.getMessage() + ")", e);
        }
    }

    private static String readToken(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > 4096) {
                throw new IllegalArgumentException("--source-token-file " + file + ": expected a token file of at most 4096"
                        + " bytes but found " + Files.size(file) + "; it should hold only the token");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--source-token-file " + file + ": cannot read the token file ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        String t = new String(bytes, StandardCharsets.UTF_8).strip();
        if (t.isEmpty() || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("--source-token-file " + file + ": expected one token of printable ASCII"
                    + " without spaces or line breaks");
        }
        return t;
    }
}
