/**
 * What the server tells its operators: the server log on standard error ({@code ServerLog}, one
 * redacted line per event), the Prometheus counters ({@code Metrics}; the gauges of the serving
 * state are written by the metrics endpoint), the decision log as the server runs it
 * ({@code AuditLog}: appends, recovery, failure reports), the replica's {@code InstanceId} and
 * named daemon threads. Depends on the core only: nothing here sees the transport, the endpoints
 * or the reload machinery, so each of them can report through it.
 */
package dev.flexauth.server.observability;
