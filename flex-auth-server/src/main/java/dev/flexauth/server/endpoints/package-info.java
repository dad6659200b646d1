/**
 * What each route does, as Cerbos' service layer does it: limits, map the request, the engine,
 * map the errors, the response. {@code CheckEndpoint} ({@code /v1/check}), {@code AuthzenEndpoints}
 * (AuthZEN evaluation and metadata), {@code SearchEndpoints} (AuthZEN search),
 * {@code HealthEndpoint}, {@code MetricsEndpoint} (the exposition of the counters and of the
 * serving state's gauges), {@code ReloadEndpoint}; {@code Decider} decides on the engine in service
 * and writes the decision log; {@code MinRegistry} reads the freshness header. Depends on
 * {@code transport} (a {@code Call} in, a {@code Response} out), on {@code reload} for the engine in
 * service and the reload state, and on {@code observability}; never on the JDK's HTTP server itself.
 */
package dev.flexauth.server.endpoints;
