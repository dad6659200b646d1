/**
 * Keeping the pair in service current: the {@code Reloader} loads the registry and policy again
 * and swaps the engine in when the pair is valid, on a file change ({@code FileWatcher} and the
 * periodic poll), {@code SIGHUP} ({@code Sighup}), the admin endpoint or a URL source's poll
 * ({@code UrlSource} over {@code SourceFetcher}, with {@code SourceUrl}, {@code SignatureCheck}
 * and the {@code SnapshotCache}); each attempt's {@code ReloadOutcome} is what health and the
 * metrics report. Depends on the core and on {@code observability} only; it knows nothing of
 * HTTP serving (the source fetcher is an HTTP client of the JDK's {@code java.net.http}).
 */
package dev.flexauth.server.reload;
