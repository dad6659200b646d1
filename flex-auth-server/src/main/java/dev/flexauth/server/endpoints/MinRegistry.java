package dev.flexauth.server.endpoints;

import dev.flexauth.reason.HttpError;
import dev.flexauth.server.transport.ApiError;
import dev.flexauth.server.transport.Call;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The {@code Flex-Auth-Min-Registry} request header: the oldest registry snapshot (by its
 * {@code source.generated_at}) a caller accepts a decision from. A caller that just published a
 * snapshot sends its generated_at, so no replica answers from an older one (the "new enemy"
 * problem).
 */
public final class MinRegistry {
    public static final String HEADER = "Flex-Auth-Min-Registry";

    private MinRegistry() {
    }

    /**
     * The header's time, or null when the request does not carry it.
     *
     * @throws ApiError 400 {@code bad_request} when it is not one RFC 3339 time with an offset
     */
    static Instant of(Call call) throws ApiError {
        List<String> values = call.headers(HEADER);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiError.of(HttpError.BAD_REQUEST, "expected one " + HEADER + " header but found " + values.size()
                    + "; send the generated_at of the snapshot the decision must come from, once");
        }
        String v = values.get(0).strip();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.of(HttpError.BAD_REQUEST, "expected " + HEADER + " to be an RFC 3339 time such as"
                    + " 2026-06-24T00:00:00Z (a snapshot's source.generated_at) but found \""
                    + (v.length() > 64 ? v.substring(0, 64) + "…" : v) + "\"");
        }
    }
}
