package dev.flexauth.server.transport;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.flexauth.reason.HttpError;
import java.util.List;
import java.util.Map;

/**
 * flex-auth's own rules for the request line and headers, checked by the router before any route
 * (docs/http-contract.md). They hold whatever the JDK's parser lets through, so the answers are the
 * same on every JDK: the request line is HTTP/1.x without a #fragment; {@code Transfer-Encoding} is
 * refused with 411 and the body is never read (the JDK's chunked reader wraps chunk sizes modulo
 * 2^32, so a chunked body could end early and leave bytes to be read as a second request); at most
 * one {@code Content-Length}, of digits only; exactly one {@code Host} on HTTP/1.1, a host[:port];
 * no control character in any header name or value; at most one {@code X-Request-ID}, of at most
 * {@value #MAX_REQUEST_ID} characters. Every refusal closes the connection: the
 * client and any proxy in front may disagree about where such a request ends. Plain loops, no
 * regular expressions and no copies: it runs on every request. Stateless.
 */
final class RequestRules {
    /** The longest {@code X-Request-ID} taken and echoed: a UUID or a trace id is far shorter. */
    static final int MAX_REQUEST_ID = 256;

    private RequestRules() {
    }

    /** Refuses a request that breaks a rule, with the first rule it breaks. */
    static void check(HttpExchange exchange) throws ApiError {
        String protocol = exchange.getProtocol();
        // The JDK frames any version string as HTTP/1.1 and keeps a #fragment in the target; both are malformed.
        if (!isHttp1(protocol) || exchange.getRequestURI().getRawFragment() != null) {
            throw refusal(HttpError.BAD_REQUEST, "the request line is not \"<method> <path> HTTP/1.1\" (a version \""
                    + Call.shorten(protocol) + "\", or a #fragment in the target); send an HTTP/1.1 request");
        }
        Headers headers = exchange.getRequestHeaders();
        if (headers.containsKey("Transfer-Encoding")) {
            throw refusal(HttpError.LENGTH_REQUIRED, "the body was sent with Transfer-Encoding, which flex-auth does not read;"
                    + " send it with a Content-Length (curl -d, Java's HttpClient with BodyPublishers.ofString,"
                    + " Go's net/http with a bytes.Reader do)");
        }
        List<String> lengths = headers.get("Content-Length");
        if (lengths != null) {
            if (lengths.size() > 1) {
                throw refusal(HttpError.BAD_REQUEST, "Content-Length appears " + lengths.size() + " times; send it once");
            }
            String length = lengths.get(0);
            if (length.isEmpty() || !digits(length) || !fitsLong(length)) {
                // 1*DIGIT (RFC 9110 8.6): Java's parseLong also accepts a sign, which a proxy may read otherwise.
                throw refusal(HttpError.BAD_REQUEST, "Content-Length \"" + Call.shorten(length)
                        + "\" is not a number of bytes; send digits only");
            }
        }
        List<String> hosts = headers.get("Host");
        if (hosts == null) {
            // RFC 9112 3.2: HTTP/1.0 may omit it; from HTTP/1.1 on it is required.
            if (!protocol.equals("HTTP/1.0")) {
                throw refusal(HttpError.BAD_REQUEST, "the request has no Host header; send exactly one, as HTTP/1.1 requires");
            }
        } else if (hosts.size() > 1) {
            throw refusal(HttpError.BAD_REQUEST, "Host appears " + hosts.size() + " times; send it once");
        } else if (!isHost(hosts.get(0))) {
            throw refusal(HttpError.BAD_REQUEST, "Host \"" + Call.shorten(hosts.get(0)) + "\" is not one host[:port]; send"
                    + " one name or address, without a list or spaces");
        }
        List<String> requestIds = headers.get("X-Request-ID");
        if (requestIds != null && (requestIds.size() > 1 || requestIds.get(0).length() > MAX_REQUEST_ID)) {
            // Echoed on the answer (AuthZEN: the same value comes back), so it must be one, and short.
            throw refusal(HttpError.BAD_REQUEST, requestIds.size() > 1 ? "X-Request-ID appears " + requestIds.size()
                    + " times; send it once" : "X-Request-ID is " + requestIds.get(0).length() + " characters long; send at most "
                    + MAX_REQUEST_ID);
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey();
            if (!isToken(name)) {
                throw refusal(HttpError.BAD_REQUEST, "a header name is empty or has a character outside RFC 9110's token;"
                        + " send names of letters, digits and !#$%&'*+-.^_`|~ only");
            }
            for (String value : header.getValue()) {
                int at = controlAt(value);
                if (at >= 0) {
                    // The value is not quoted: it may be a secret (Authorization), and it holds a control byte.
                    throw refusal(HttpError.BAD_REQUEST, "header " + Call.shorten(name) + " has the control character 0x"
                            + hex(value.charAt(at)) + " at character " + at + " of its value; send printable characters only");
                }
            }
        }
    }

    private static ApiError refusal(HttpError error, String message) {
        return ApiError.of(error, message).closing();
    }

    /** {@code HTTP/1.} and one digit (RFC 9112 2.3: any minor version is read as 1.1). */
    static boolean isHttp1(String protocol) {
        return protocol.length() == 8 && protocol.startsWith("HTTP/1.") && protocol.charAt(7) >= '0' && protocol.charAt(7) <= '9';
    }

    /** Whether a string of digits is at most {@link Long#MAX_VALUE}. */
    private static boolean fitsLong(String digits) {
        String max = Long.toString(Long.MAX_VALUE);
        return digits.length() < max.length() || (digits.length() == max.length() && digits.compareTo(max) <= 0);
    }

    static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 9112 3.2 and RFC 3986 3.2.2: an IP-literal in brackets or a reg-name, then an optional
     * port. A comma, though a sub-delim of reg-name, is refused: {@code Host: a, b} is a list, and
     * a proxy may route on the first member while something else reads the second. Empty is
     * allowed, as RFC 9112 3.2 allows it for a target without an authority.
     */
    static boolean isHost(String host) {
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && colon > host.lastIndexOf(']')) {
            String port = host.substring(colon + 1);
            if (port.length() > 5 || !digits(port)) {
                return false;
            }
            end = colon;
        }
        if (end > 0 && host.charAt(0) == '[') {
            if (host.charAt(end - 1) != ']' || end < 3) {
                return false;
            }
            for (int i = 1; i < end - 1; i++) {
                char c = host.charAt(i);
                if (!(isAlnum(c) || c == ':' || c == '.')) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < end; i++) {
            char c = host.charAt(i);
            if (!(isAlnum(c) || "-._~!$&'()*+;=%".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 5.6.2 token: the characters of a header name. */
    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isAlnum(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** The index of the first control character (below 0x20 but HTAB, or DEL) in {@code value}, or -1. */
    static int controlAt(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String hex(char c) {
        return c < 0x10 ? "0" + Integer.toHexString(c) : Integer.toHexString(c);
    }
}
