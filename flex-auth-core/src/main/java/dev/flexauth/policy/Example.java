package dev.flexauth.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a package's Examples table: a request and the decision the package promises for it.
 *
 * @param description the row's {@code example} cell, or empty
 * @param request     field name to typed value ({@link String}, {@link Long}, {@link Boolean},
 *                    or a list of strings); absent fields are left out
 * @param effect      the expected effect
 * @param reason      the expected reason
 * @param pos         where the row is
 */
public record Example(String description, Map<String, Object> request, Effect effect, String reason, Pos pos) {
    public Example {
        request = Collections.unmodifiableMap(new LinkedHashMap<>(request));
    }
}
