package dev.flexauth.log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;

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

    static String notACheckpoint() {
        return notARecord("its event is checkpoint without the members reason, lines, head, key and a mac of 64 hex"
                + " just before prev");
    }

    static String unknownKey(String found, Collection<String> given) {
        return "the checkpoint was made with key " + found + ", which is not among the keys given (" + String.join(", ", given)
                + "): give every key the log was written with, or the checkpoint was forged";
    }

    static String checkpointMacMismatch(String key) {
        return "the checkpoint's MAC does not verify with key " + key + ": the checkpoint was forged, or edited to fit"
                + " lines changed before it";
    }

    static String checkpointCountsMismatch(long lines, String head, long seq, String prev) {
        return "the checkpoint signs chain head " + abbreviate(head) + " after " + lines + " lines, but the lines before it"
                + " end at chain " + abbreviate(prev) + " after " + (seq - 1) + " lines: a line before it was edited,"
                + " deleted or inserted and the chain recomputed";
    }

    static String unvouched(long count, Path file, long checkpointLine) {
        return count + " line" + (count == 1 ? " was" : "s were") + " found after the last checkpoint by the writer that"
                + " reopened the log (open checkpoint at " + file + ":" + checkpointLine + "): the last lines before a crash,"
                + " or lines forged while the server was stopped; no key can tell which";
    }

    static String unverifiedTail(long count, Path file, long checkpointLine) {
        return count + " line" + (count == 1 ? "" : "s") + " after the last checkpoint (" + file + ":" + checkpointLine
                + ") " + (count == 1 ? "is" : "are") + " not covered by one: lines a running server wrote since, the last"
                + " lines before a crash, or forged lines; verify again after the next checkpoint";
    }

    static String noCheckpoint(long count) {
        return "no checkpoint covers any of the " + count + " lines: the log was written without a key, or its"
                + " checkpoints were cut off";
    }

    static String notClosed(String reason) {
        return "the log ends with a checkpoint written while running (" + reason + "), not a close checkpoint: the server"
                + " is still running or crashed, or the lines after this checkpoint were cut off";
    }

    static String summary(VerifyReport report) {
        String chain = report.linesChecked() == 0 ? "no records"
                : "seq " + report.firstSeq() + ".." + report.lastSeq() + ", "
                        + (report.startsAtGenesis() ? "starting at genesis"
                                : "continuing an earlier chain: its first lines were rotated away, not given"
                                        + " (pass older files first) or deleted");
        String verdict = !report.ok() ? "FAILED: " : report.complete() ? "ok: " : "INCOMPLETE: ";
        StringBuilder out = new StringBuilder(verdict)
                .append(report.linesChecked()).append(" lines verified (").append(chain).append(')');
        if (report.keyed()) {
            out.append("\ncheckpoints: ").append(report.checkpoints()).append(" verified");
        } else if (report.checkpoints() > 0) {
            out.append("\ncheckpoints: ").append(report.checkpoints()).append(" not verified (give the log key to verify them)");
        }
        report.findings().forEach(f -> out.append('\n').append(f.describe()));
        return out.toString();
    }

    // Keys

    static String keyMissing(Path file) {
        return "log key " + file + " not found; create one with: head -c 32 /dev/urandom > " + file + " && chmod 600 " + file;
    }

    static String keyUnreadable(Path file, String why) {
        return "cannot read log key " + file + ": " + why;
    }

    static String keyExposed(Path file, String permissions) {
        return "log key " + file + " is readable or writable by group or others (" + permissions
                + "); whoever can read it can forge checkpoints: run chmod 600 " + file;
    }

    static String keyTooShort(Path file, int length, int min) {
        return "log key " + file + " holds " + length + " bytes; expected at least " + min
                + " random bytes, e.g. head -c 32 /dev/urandom > " + file;
    }

    static String keyTooLong(Path file, int max) {
        return "log key " + file + " is longer than " + max + " bytes; expected a file of random bytes,"
                + " e.g. head -c 32 /dev/urandom > " + file;
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
