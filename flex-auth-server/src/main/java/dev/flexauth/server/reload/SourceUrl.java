package dev.flexauth.server.reload;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@code http://} or {@code https://} URL a registry snapshot or policy package is pulled from.
 * Its query string may be a credential (a presigned object-store URL carries its signature there),
 * so {@link #toString()} and {@link #redacted()}, the only renderings meant for logs, {@code /healthz}
 * and the metrics, show {@code ?…} in its place; only the fetcher reads {@link #uri()}. User info
 * ({@code user:password@}) is refused: a token belongs in a file ({@code --source-token-file}).
 * Immutable and thread-safe.
 *
 * @param uri the full URL, query included
 */
public record SourceUrl(URI uri) {

    public SourceUrl {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.isOpaque()) {
            throw new IllegalArgumentException("expected an http:// or https:// URL with a host, such as"
                    + " https://snapshots.example.com/ops-warden/registry.json, but found " + redact(uri));
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("expected no user:password@ in the source URL " + redact(uri)
                    + "; put a bearer token in a file and name it with --source-token-file");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("expected no #fragment in the source URL " + redact(uri)
                    + " (it is never sent to the server); remove it");
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong, without the query string
     */
    public static SourceUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            int q = text.indexOf('?');
            throw new IllegalArgumentException("expected a URL such as https://snapshots.example.com/ops-warden/registry.json"
                    + " but found " + (q < 0 ? text : text.substring(0, q) + "?…") + " (" + e.getReason() + ")");
        }
        return new SourceUrl(uri);
    }

    /** Whether {@code text} looks like a URL rather than a file path (what {@code --registry} accepts). */
    public static boolean isUrl(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return t.startsWith("http://") || t.startsWith("https://");
    }

    /** Whether the source is plain {@code http://}, where only a signature makes the content trustworthy. */
    public boolean plainHttp() {
        return "http".equalsIgnoreCase(uri.getScheme());
    }

    /** The URL with {@code suffix} appended to its path and the same query: {@code <url>.sig}. */
    public SourceUrl withPathSuffix(String suffix) {
        // From the raw parts: decoding and re-encoding could change a presigned query's bytes, and its signature with them.
        String raw = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath()) + suffix
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new SourceUrl(URI.create(raw));
    }

    /** {@code location} (a redirect's {@code Location}) resolved against this URL. */
    SourceUrl resolve(String location) {
        try {
            return new SourceUrl(uri.resolve(new URI(location)));
        } catch (URISyntaxException | IllegalArgumentException e) {
            int q = location.indexOf('?');
            throw new IllegalArgumentException("a redirect from " + this + " names a Location that is not a usable URL: "
                    + (q < 0 ? location : location.substring(0, q) + "?…"));
        }
    }

    /** Scheme, host and port: where a bearer token may be sent. */
    String origin() {
        int port = uri.getPort() >= 0 ? uri.getPort() : plainHttp() ? 80 : 443;
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The URL as logs, {@code /healthz} and the metrics show it: the query string replaced by {@code ?…}. */
    public String redacted() {
        return redact(uri);
    }

    /** Removes this URL's query string from {@code text} (a JDK exception's message, say). */
    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String query = uri.getRawQuery();
        String out = text;
        if (query != null && !query.isEmpty()) {
            out = out.replace(query, "…");
            String decoded = uri.getQuery();
            if (decoded != null && !decoded.isEmpty()) {
                out = out.replace(decoded, "…");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return redacted();
    }

    private static String redact(URI uri) {
        StringBuilder b = new StringBuilder();
        if (uri.getScheme() != null) {
            b.append(uri.getScheme()).append(':');
        }
        if (uri.isOpaque()) {
            String part = uri.getRawSchemeSpecificPart();
            int q = part.indexOf('?');
            return b.append(q < 0 ? part : part.substring(0, q) + "?…").toString();
        }
        String authority = uri.getRawAuthority();
        if (authority != null) {
            int at = authority.lastIndexOf('@');
            b.append("//").append(at < 0 ? authority : "…@" + authority.substring(at + 1));
        }
        b.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            b.append("?…");
        }
        return b.toString();
    }
}
