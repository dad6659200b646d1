package dev.flexauth.cli;

import picocli.CommandLine;

/** A byte count: {@code 1048576}, or a whole number of {@code KiB}, {@code MiB} or {@code GiB}, such as {@code 64MiB}. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("(\\d{1,10})(KiB|MiB|GiB)?");

    @Override
    public Long convert(String value) {
        java.util.regex.Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("expected a size in bytes, or a whole number of KiB, MiB or GiB"
                    + " such as 64MiB, but found '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            default -> 30;
        };
        if (n > Long.MAX_VALUE >> shift) {
            throw new CommandLine.TypeConversionException("expected a size up to 2GiB but found '" + value + "'");
        }
        return n << shift;
    }
}
