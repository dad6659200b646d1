/**
 * {@code flex-auth serve}: a thin HTTP adapter over {@code flex-auth-core} on the JDK's
 * {@code com.sun.net.httpserver}. {@link dev.flexauth.server.ServerConfig} says what to serve and
 * how; {@link dev.flexauth.server.FlexAuthServer} starts, serves and stops. Each request goes
 * limits -> map request -> engine -> map errors -> response, the engine and the decision log
 * staying in the core. Everything else in the package is internal. The HTTP contract is in
 * {@code docs/http-api.md}.
 */
package dev.flexauth.server;
