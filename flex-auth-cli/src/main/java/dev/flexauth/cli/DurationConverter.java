package dev.flexauth.cli;

import java.time.Duration;
import picocli.CommandLine;

/** {@code 250ms}, {@code 1s}, {@code 5m}, {@code 36h}, {@code 7d}, or ISO-8601 such as {@code PT36H}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final java.util.regex.Pattern SIMPLE = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        java.util.regex.Matcher m = SIMPLE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        try {
            return Duration.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("expected a duration such as 250ms, 1s, 36h or 7d (or ISO-8601"
                    + " such as PT36H) but found '" + value + "'");
        }
    }
}
