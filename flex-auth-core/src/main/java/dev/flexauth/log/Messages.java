package dev.flexauth.log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** Every text this package shows a person, in one place so tests can pin them down. */
final class Messages {

    private Messages() {}

    // Writer

    static String cannotOpen(Path path, IOException e) {
        return "cannot open decision log " + path + ": " + reason(e)
                + "; check that its directory exists and is writable";
    }

    static String cannotResume(Path path, String what) {
        return "cannot continue the chain of decision log " + path + ": its last line is not a record ("
                + what + "); move the file aside to start a new chain, or restore it from a backup";
    }

    static String writeFailed(Path path, IOException e) {
        return "cannot write decision log " + path + ": " + reason(e)
                + "; decisions are refused until the log recovers";
    }

    static String syncFailed(Path path, IOException e) {
        return "cannot sync decision log " + path + " to disk: " + reason(e)
                + "; decisions are refused until the log recovers";
    }

    static String cannotReopen(Path path, IOException e) {
        return "cannot reopen decision log " + path + ": " + reason(e)
                + "; decisions are refused until the log recovers";
    }

    static String unavailable(Path path, Instant since, String firstError) {
        return "decision log " + path + " is unavailable since " + since + " (" + firstError + ")";
    }

    static String closed(Path path) {
        return "decision log " + path + " is closed";
    }

    static String emptyBody() {
        return "expected the members of a JSON object as the record body but found no bytes";
    }

    static String newlineInBody(int index) {
        return "expected a record body on one line but found a line break at byte " + index;
    }

    static String bodyTooLong(int length, int max) {
        return "expected a record body of at most " + max + " bytes but found " + length
                + "; the verifier reads lines of at most " + LineFormat.MAX_LINE_BYTES + " bytes";
    }

    // Verifier

    static String notJson(String what, long byteOffset) {
        return "not JSON at byte " + (byteOffset + 1) + " (" + what
                + "): the line was damaged or does not belong to a decision log";
    }

    static String notARecord(String what) {
        return "expected a record {\"seq\":<n>,...,\"prev\":\"<64 hex>\",\"chain\":\"<64 hex>\"} but " + what
                + ": the line was damaged or edited";
    }

    static String lineTooLong() {
        return notARecord("the line is longer than " + LineFormat.MAX_LINE_BYTES + " bytes");
    }

    static String chainMismatch(String recorded, String computed) {
        return "chain is " + abbreviate(recorded) + " but the SHA-256 of the line is " + abbreviate(computed)
                + ": the line was edited after it was written";
    }

    static String prevMismatch(String where, String expected, String found) {
        return "prev does not match the chain of " + where + " (expected " + abbreviate(expected)
                + ", found " + abbreviate(found) + "): a line was deleted, inserted or reordered here";
    }

    static String prevMismatchAcrossFiles(Path previousFile, long previousLine, String expected, String found) {
        return prevMismatch("the last line of " + previousFile + " (line " + previousLine + ")", expected, found)
                + ", or the files are not in rotation order (oldest first)";
    }

    static String seqGap(long expected, long found) {
        return "expected seq " + expected + " but found " + found
                + ": the hashes link up, so the lines were renumbered and the log rewritten";
    }

    static String genesisSeq(long found) {
        return "expected seq 1 on the first line of a chain (prev is all zeros) but found " + found
                + ": the lines were renumbered and the log rewritten";
    }

    static String cutRecord(int length) {
        return "the last line ends after " + length + " bytes without a newline, inside a record: "
                + "the writer stopped while writing it (a crash or a full disk); "
                + "it is not part of the chain, and the writer moves it to a .torn- file when it reopens the log";
    }

    static String summary(VerifyReport report) {
        String chain = report.linesChecked() == 0 ? "no records"
                : "seq " + report.firstSeq() + ".." + report.lastSeq() + ", "
                        + (report.startsAtGenesis() ? "starting at genesis"
                                : "continuing an earlier chain whose head was rotated away, deleted "
                                        + "or not given (pass older files first)");
        StringBuilder out = new StringBuilder(report.ok() ? "ok: " : "FAILED: ")
                .append(report.linesChecked()).append(" lines verified (").append(chain).append(')');
        report.findings().forEach(f -> out.append('\n').append(f.describe()));
        return out.toString();
    }

    private static String reason(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        // A plain IOException carries the OS error ("No space left on device"); subclasses such as
        // NoSuchFileException carry only the path, so their name is the reason.
        return e.getClass() == IOException.class ? message : e.getClass().getSimpleName() + " " + message;
    }

    private static String abbreviate(String hex) {
        return hex.substring(0, 16) + "...";
    }
}
