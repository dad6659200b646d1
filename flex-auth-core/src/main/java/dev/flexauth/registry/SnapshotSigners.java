package dev.flexauth.registry;

import dev.flexauth.reason.RegistryCode;
import dev.flexauth.registry.SshReader.Malformed;
import dev.flexauth.io.FileDigest;
import dev.flexauth.io.RegularFile;
import dev.flexauth.io.RegularFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys allowed to sign registry snapshots, read from an OpenSSH {@code allowed_signers} file,
 * and the verification of a snapshot's detached SSHSIG signature ({@code ssh-keygen -Y sign -n
 * flex-auth-registry -f KEY snapshot.json} writes {@code snapshot.json.sig}). A snapshot is
 * accepted only if its signature is well formed, made for namespace {@value #NAMESPACE}, by a key
 * that a line of the file lists for that namespace and for the current time, over exactly the
 * snapshot's bytes. Principals are reported, not matched: any listed key may sign. Verification
 * uses the JDK's providers only (Ed25519, ECDSA P-256/384/521, RSA with SHA-2). Immutable and
 * thread-safe.
 */
public final class SnapshotSigners {
    /** The SSHSIG namespace snapshot signatures are made for. */
    public static final String NAMESPACE = "flex-auth-registry";
    /** What is appended to the snapshot's path to find its signature. */
    public static final String SIGNATURE_SUFFIX = ".sig";
    /** An armored SSHSIG of an RSA 16384-bit key is under 4 KiB; anything far larger is not a signature. */
    public static final int MAX_SIGNATURE_BYTES = 64 * 1024;
    private static final int MAX_SIGNERS_BYTES = 1 << 20;

    private final String file;
    private final List<AllowedSigner> signers;

    private SnapshotSigners(String file, List<AllowedSigner> signers) {
        this.file = file;
        this.signers = List.copyOf(signers);
    }

    /**
     * Who signed a verified snapshot.
     *
     * @param principals the principals of the {@code allowed_signers} line whose key signed
     * @param key        the key type and fingerprint, as {@code ssh-keygen -l} prints them
     * @param line       that line's number in the {@code allowed_signers} file
     */
    public record Signer(String principals, String key, int line) {
        @Override
        public String toString() {
            return principals + " (" + key + ", allowed_signers line " + line + ")";
        }
    }

    /**
     * A snapshot's bytes, read once and verified: parse these, not the file again, so that what
     * is loaded is what was verified. The array is shared, not copied: do not modify it.
     */
    public record SignedSnapshot(byte[] bytes, Signer signer) {
    }

    /** Reads an {@code allowed_signers} file; every bad line is reported with its number. */
    public static SnapshotSigners read(Path allowedSigners) throws SignersException {
        String name = allowedSigners.toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(allowedSigners)) {
                throw new SignersException(List.of(name + ": " + (Files.exists(allowedSigners)
                        ? "not a regular file" : "file not found") + "; expected an OpenSSH allowed_signers file"));
            }
            bytes = readAtMost(allowedSigners, MAX_SIGNERS_BYTES);
        } catch (IOException e) {
            throw new SignersException(List.of(name + ": cannot read: " + e.getMessage()));
        }
        if (bytes == null) {
            throw new SignersException(List.of(name + ": larger than " + MAX_SIGNERS_BYTES
                    + " bytes; an allowed_signers file holds a few keys"));
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), name);
    }

    /** Parses the text of an {@code allowed_signers} file; {@code name} labels it in messages. */
    public static SnapshotSigners parse(String text, String name) throws SignersException {
        List<String> problems = new ArrayList<>();
        List<AllowedSigner> signers = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                signers.add(AllowedSignersLine.read(line, i + 1));
            } catch (AllowedSignersLine.BadLine e) {
                problems.add(name + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        if (problems.isEmpty() && signers.isEmpty()) {
            problems.add(name + ": no signer: expected lines of the form 'PRINCIPALS [namespaces=\"" + NAMESPACE
                    + "\"] KEYTYPE BASE64KEY [COMMENT]', e.g. a key's .pub line after a principal");
        }
        if (!problems.isEmpty()) {
            throw new SignersException(problems);
        }
        return new SnapshotSigners(name, signers);
    }

    /** The file the signers were read from, as given. */
    public String file() {
        return file;
    }

    /** How many keys are listed. */
    public int size() {
        return signers.size();
    }

    /** Where the signature of {@code snapshot} is: beside it, with {@value #SIGNATURE_SUFFIX} appended. */
    public static Path signatureOf(Path snapshot) {
        return snapshot.resolveSibling(snapshot.getFileName() + SIGNATURE_SUFFIX);
    }

    /**
     * Reads {@code snapshot} once and its signature beside it, and verifies them at {@code now}.
     *
     * @param maxBytes the largest snapshot read; a larger one is refused before it is read
     * @throws RegistryException if either file is missing or unreadable, or the signature does not
     *     verify; the problem says which and what to do
     */
    public SignedSnapshot readVerified(Path snapshot, long maxBytes, Instant now) throws RegistryException {
        String name = snapshot.toString();
        byte[] bytes = readSnapshot(snapshot, maxBytes);
        Path sigFile = signatureOf(snapshot);
        return new SignedSnapshot(bytes, verify(bytes, readSignature(sigFile, name), name, sigFile.toString(), now));
    }

    /**
     * A snapshot file parsed and verified in one pass, and who signed it.
     *
     * @param registry the registry the verified bytes hold
     * @param signer   the listed key that signed them
     */
    public record Verified(Registry registry, Signer signer) {
    }

    /**
     * Loads {@code snapshot} with {@code loader}, reading it once: each byte goes to the parser and
     * to the signature's hash as it streams by, through a bounded buffer, so a snapshot of hundreds
     * of megabytes is never held whole. The signature beside it is checked first in everything that
     * does not need the snapshot's bytes; the registry is returned only when the signature matches
     * every byte of the file (read to its end even past a problem of the JSON), and a signature
     * that does not match is reported alone, as by {@link #readVerified}, whose messages these are.
     *
     * @throws RegistryException if either file is missing or unreadable, the signature does not
     *     verify, or the snapshot is not valid for {@code loader}
     */
    public Verified load(Path snapshot, RegistryLoader loader, Instant now) throws RegistryException {
        return load(snapshot, loader, now, null);
    }

    /**
     * As {@link #load(Path, RegistryLoader, Instant)}, and takes the SHA-256 of the snapshot's bytes
     * into {@code bytes} (if not null) in the same pass, as {@link RegistryLoader#load(Path, FileDigest)} does.
     */
    public Verified load(Path snapshot, RegistryLoader loader, Instant now, FileDigest bytes) throws RegistryException {
        String name = snapshot.toString();
        long maxBytes = loader.maxBytes();
        try {
            checkSnapshot(snapshot);
            // Before the signature, as readVerified does: an oversize snapshot is refused for its size.
            if (Files.size(snapshot) > maxBytes) {
                throw snapshotTooLarge(name, maxBytes);
            }
            Path sigFile = signatureOf(snapshot);
            Pending pending = pending(readSignature(sigFile, name), name, sigFile.toString(), now);
            MessageDigest hash = pending.newDigest();
            // The hashes run on the reading thread, beside the parse; both have seen every byte
            // once the parse has read the file to its end.
            List<RegularFile.Tap> taps = new ArrayList<>();
            taps.add((chunk, length) -> hash.update(chunk, 0, length));
            if (bytes != null) {
                taps.add(bytes);
            }
            try (InputStream in = RegularFile.open(snapshot, maxBytes, RegularFile.DEFAULT_DEADLINE, taps)) {
                RegistryLoader.Parsed parsed = loader.parseToEnd(in, name);
                Signer signer = pending.finish(hash.digest());
                return new Verified(parsed.registry(), signer);
            }
        } catch (BoundedUtf8Input.SizeLimitException e) {
            throw snapshotTooLarge(name, maxBytes);
        } catch (RegularFileException e) {
            if (e.kind() == RegularFileException.Kind.TOO_LARGE) {
                throw snapshotTooLarge(name, maxBytes);
            }
            throw single(name, RegistryCode.UNREADABLE, "cannot read " + name + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw single(name, RegistryCode.UNREADABLE, "file not found: " + name);
        } catch (IOException e) {
            throw single(name, RegistryCode.UNREADABLE, "cannot read " + name + ": " + e.getMessage());
        }
    }

    /** The bytes of the signature file {@code sigFile} of snapshot {@code name}, or why there are none to check. */
    private static byte[] readSignature(Path sigFile, String name) throws RegistryException {
        byte[] sig;
        try {
            if (!Files.exists(sigFile)) {
                throw single(name, RegistryCode.MISSING_SIGNATURE, "signature " + sigFile + " not found; registry signers are"
                        + " configured, so every snapshot needs one beside it: ssh-keygen -Y sign -n " + NAMESPACE
                        + " -f KEY " + name);
            }
            if (!Files.isRegularFile(sigFile)) {
                throw single(name, RegistryCode.BAD_SIGNATURE, "signature " + sigFile + " is not a regular file");
            }
            sig = readAtMost(sigFile, MAX_SIGNATURE_BYTES);
        } catch (IOException e) {
            throw single(name, RegistryCode.BAD_SIGNATURE, "signature " + sigFile + " cannot be read: " + e.getMessage());
        }
        if (sig == null) {
            throw single(name, RegistryCode.BAD_SIGNATURE, "signature " + sigFile + " is larger than " + MAX_SIGNATURE_BYTES
                    + " bytes; it is not an SSH signature");
        }
        return sig;
    }

    /**
     * Verifies {@code signature} (the bytes of an armored SSHSIG file) over exactly {@code snapshot}
     * at {@code now}, and says which listed key made it.
     *
     * @param snapshotName  labels the snapshot in messages
     * @param signatureName labels the signature in messages
     * @throws RegistryException with code {@code bad_signature} saying what is wrong
     */
    public Signer verify(byte[] snapshot, byte[] signature, String snapshotName, String signatureName, Instant now)
            throws RegistryException {
        Pending pending = pending(signature, snapshotName, signatureName, now);
        MessageDigest hash = pending.newDigest();
        hash.update(snapshot);
        return pending.finish(hash.digest());
    }

    /**
     * Everything of {@code signature} that can be checked without the snapshot's bytes, checked:
     * what is left is the hash of those bytes ({@link Pending#finish}).
     */
    private Pending pending(byte[] signature, String snapshotName, String signatureName, Instant now)
            throws RegistryException {
        String sig = "signature " + signatureName;
        SshSignature parsed;
        try {
            parsed = SshSignature.parse(signature);
        } catch (Malformed e) {
            throw bad(snapshotName, sig + " is not an SSH signature: " + e.getMessage());
        }
        if (!parsed.namespace().equals(NAMESPACE)) {
            throw bad(snapshotName, sig + " was made for namespace \"" + parsed.namespace() + "\", expected \"" + NAMESPACE
                    + "\": sign with ssh-keygen -Y sign -n " + NAMESPACE);
        }
        SshPublicKey key;
        try {
            key = SshPublicKey.parse(parsed.publicKey());
        } catch (Malformed e) {
            throw bad(snapshotName, sig + " names a key flex-auth cannot use: " + e.getMessage());
        }
        List<AllowedSigner> listed = signers.stream().filter(s -> s.key().sameAs(parsed.publicKey())).toList();
        if (listed.isEmpty()) {
            throw bad(snapshotName, sig + " was made by " + key.fingerprint() + ", which " + file + " does not list");
        }
        AllowedSigner allowed = null;
        String refusal = null;
        for (AllowedSigner s : listed) {
            String why = s.refusal(NAMESPACE, now);
            if (why == null) {
                allowed = s;
                break;
            }
            refusal = refusal == null ? file + ":" + s.line() + " lists " + key.fingerprint() + " but " + why : refusal;
        }
        if (allowed == null) {
            throw bad(snapshotName, sig + " was made by a key that may not sign now: " + refusal);
        }
        return new Pending(parsed, key, allowed, snapshotName, sig);
    }

    /** A signature checked in all but the snapshot's bytes, whose hash it waits for. */
    private final class Pending {
        private final SshSignature parsed;
        private final SshPublicKey key;
        private final AllowedSigner allowed;
        private final String snapshotName;
        private final String sig;

        Pending(SshSignature parsed, SshPublicKey key, AllowedSigner allowed, String snapshotName, String sig) {
            this.parsed = parsed;
            this.key = key;
            this.allowed = allowed;
            this.snapshotName = snapshotName;
            this.sig = sig;
        }

        /** A digest of the algorithm the signer hashed the snapshot with, to feed the snapshot's bytes to. */
        MessageDigest newDigest() {
            return parsed.newDigest();
        }

        /** Who signed, if the signature is over the snapshot whose bytes hashed to {@code hash}. */
        Signer finish(byte[] hash) throws RegistryException {
            boolean good;
            try {
                good = key.verifies(parsed.signature(), parsed.signedDataOfHash(hash));
            } catch (Malformed e) {
                throw bad(snapshotName, sig + " is not an SSH signature: " + e.getMessage());
            }
            if (!good) {
                throw bad(snapshotName, sig + " does not match the snapshot's bytes (" + key.fingerprint() + " of " + file + ":"
                        + allowed.line() + "): the snapshot changed after it was signed, or the signature belongs to another"
                        + " snapshot; sign this snapshot again");
            }
            return new Signer(allowed.principals(), key.fingerprint(), allowed.line());
        }
    }


    private static byte[] readSnapshot(Path snapshot, long maxBytes) throws RegistryException {
        String name = snapshot.toString();
        try {
            checkSnapshot(snapshot);
            byte[] bytes = readAtMost(snapshot, maxBytes);
            if (bytes == null) {
                throw snapshotTooLarge(name, maxBytes);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw single(name, RegistryCode.UNREADABLE, "file not found: " + name);
        } catch (IOException e) {
            throw single(name, RegistryCode.UNREADABLE, "cannot read " + name + ": " + e.getMessage());
        }
    }

    /** Refuses a snapshot path that is missing or not a regular file, before the signature is looked at. */
    private static void checkSnapshot(Path snapshot) throws RegistryException {
        String name = snapshot.toString();
        if (!Files.isRegularFile(snapshot)) {
            throw single(name, RegistryCode.UNREADABLE, Files.exists(snapshot) ? "not a regular file: " + name
                    : "file not found: " + name);
        }
    }

    private static RegistryException snapshotTooLarge(String name, long maxBytes) {
        return single(name, RegistryCode.TOO_LARGE, "the snapshot is larger than the limit of " + maxBytes
                + " bytes; raise the limit if this is intended");
    }

    /**
     * The file's bytes, or null if it has more than {@code max}: read as every input file is
     * ({@link RegularFile}: regular files only, within the read deadline), so a FIFO or a device at
     * the path cannot block a load.
     */
    private static byte[] readAtMost(Path file, long max) throws IOException {
        try {
            return RegularFile.readAllBytes(file, max, RegularFile.DEFAULT_DEADLINE);
        } catch (RegularFileException e) {
            if (e.kind() == RegularFileException.Kind.TOO_LARGE) {
                return null;
            }
            throw e;
        }
    }

    private static RegistryException bad(String name, String message) {
        return single(name, RegistryCode.BAD_SIGNATURE, message);
    }

    private static RegistryException single(String name, RegistryCode code, String message) {
        return new RegistryException(name, List.of(new RegistryProblem("", code, message)), 1);
    }
}
