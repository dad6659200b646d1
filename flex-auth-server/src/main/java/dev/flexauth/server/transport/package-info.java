/**
 * HTTP on the JDK's {@code com.sun.net.httpserver}, with no knowledge of what an endpoint does:
 * the executor that admits or sheds requests ({@code Admission}), the edge rules on framing,
 * headers and body encoding ({@code RequestRules}), one request as an endpoint sees it
 * ({@code Call}), the {@code Router} (routes, bearer tokens, in-flight count, shutdown), the
 * answer ({@code Response}) and the error answer ({@code ApiError}), TLS and the JDK server's
 * system properties. Depends on the core and on {@code observability} only; never on the
 * endpoints or the reload machinery.
 */
package dev.flexauth.server.transport;
