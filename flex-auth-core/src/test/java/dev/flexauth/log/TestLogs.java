package dev.flexauth.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds and edits decision log files for tests. */
final class TestLogs {

    private TestLogs() {}

    static String body(long seq) {
        return "\"time\":\"2026-11-29T16:47:25.123Z\",\"decision_id\":\"decision:" + String.format("%016x", seq)
                + "\",\"effect\":\"allow\",\"reason\":\"allowed\"";
    }

    /** Lines seq {@code first..last} chained to {@code prev}, each with its newline. */
    static List<String> chain(long first, long last, String prev) {
        List<String> lines = new ArrayList<>();
        for (long seq = first; seq <= last; seq++) {
            LineFormat.Line line = LineFormat.encode(seq, body(seq).getBytes(StandardCharsets.UTF_8), prev);
            lines.add(new String(line.bytes(), StandardCharsets.UTF_8));
            prev = line.chain();
        }
        return lines;
    }

    static List<String> chain(long first, long last) {
        return chain(first, last, LineFormat.GENESIS);
    }

    static Path write(Path file, List<String> lines) {
        try {
            return Files.writeString(file, String.join("", lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a file, each with its newline (the last one may lack it). */
    static List<String> read(Path file) {
        try {
            return List.of(Files.readString(file).split("(?<=\n)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chain member of a line, computed independently of the code under test. */
    static String chainOf(String line) {
        return line.substring(line.length() - 67, line.length() - 3);
    }

    /**
     * What a forger without the key does after changing lines: renumbers seq from {@code firstSeq}
     * and recomputes every prev and chain from {@code prev} on, with nothing but SHA-256 and string
     * edits, so that the unkeyed chain verifies again.
     */
    static List<String> rechain(List<String> lines, long firstSeq, String prev) {
        List<String> out = new ArrayList<>();
        long seq = firstSeq;
        for (String line : lines) {
            String body = line.substring(line.indexOf(',') + 1, line.length() - 1 - 76 - 74);
            String prefix = "{\"seq\":" + seq++ + "," + body + ",\"prev\":\"" + prev + "\"";
            prev = sha256Hex(prefix);
            out.add(prefix + ",\"chain\":\"" + prev + "\"}\n");
        }
        return out;
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
