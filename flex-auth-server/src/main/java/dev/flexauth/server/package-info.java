/**
 * {@code flex-auth serve}: a thin HTTP adapter over {@code flex-auth-core} on the JDK's
 * {@code com.sun.net.httpserver}. {@link dev.flexauth.server.ServerConfig} says what to serve and
 * how; {@link dev.flexauth.server.FlexAuthServer} starts, serves and stops, wiring the
 * sub-packages: {@code transport} (HTTP framing, admission, routing, errors), {@code endpoints}
 * (what each route does), {@code reload} (keeping the pair in service current) and
 * {@code observability} (server log, metrics, decision log upkeep). Each request goes limits -> map
 * request -> engine -> map errors -> response, the engine and the decision log staying in the
 * core. Only the two classes above and {@code ServerStartException} are API. The HTTP contract is
 * in {@code docs/http-api.md}.
 */
package dev.flexauth.server;
