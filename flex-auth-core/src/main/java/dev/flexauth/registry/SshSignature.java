package dev.flexauth.registry;

import dev.flexauth.registry.SshReader.Malformed;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * An SSHSIG signature as {@code ssh-keygen -Y sign} writes it (OpenSSH {@code PROTOCOL.sshsig}):
 * armored between {@code -----BEGIN SSH SIGNATURE-----} and {@code -----END SSH SIGNATURE-----},
 * the blob being the magic {@code SSHSIG}, version 1, the signer's public key, the namespace, a
 * reserved string, the hash algorithm ({@code sha256} or {@code sha512}) and the signature. The
 * reading is strict (canonical base64, nothing after the end line but its line break, no bytes
 * after the blob) so that no changed byte of a {@code .sig} file can still be accepted.
 */
record SshSignature(byte[] publicKey, String namespace, String hashAlgorithm, byte[] signature) {
    static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
    static final String END = "-----END SSH SIGNATURE-----";
    private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);

    /** Reads an armored signature; a failure's message says what was expected and found. */
    static SshSignature parse(byte[] file) throws Malformed {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n", -1);
        // split keeps one empty element after a final line break; nothing else may follow END.
        int last = lines.length - 1;
        if (last > 0 && lines[last].isEmpty()) {
            last--;
        }
        if (lines.length == 0 || !lines[0].equals(BEGIN)) {
            throw new Malformed("expected the first line to be " + BEGIN + " (a file written by ssh-keygen -Y sign)");
        }
        if (last < 1 || !lines[last].equals(END)) {
            throw new Malformed("expected the last line to be " + END + "; the file is truncated or has content after it");
        }
        StringBuilder b64 = new StringBuilder();
        for (int i = 1; i < last; i++) {
            String line = lines[i];
            for (int j = 0; j < line.length(); j++) {
                char c = line.charAt(j);
                boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                        || c == '=';
                if (!ok) {
                    throw new Malformed("line " + (i + 1) + ", column " + (j + 1) + ": expected base64, found "
                            + (c >= 0x21 && c <= 0x7E ? "'" + c + "'" : String.format("byte 0x%02x", (int) c)));
                }
            }
            b64.append(line);
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw new Malformed("the base64 between the armor lines does not decode: " + e.getMessage());
        }
        // The decoder ignores the unused bits of the last character; a changed bit there must not pass.
        if (!Base64.getEncoder().encodeToString(blob).contentEquals(b64)) {
            throw new Malformed("the base64 between the armor lines is not canonical");
        }
        SshReader r = new SshReader(blob);
        byte[] magic = r.raw(MAGIC.length, "magic");
        if (!MessageDigest.isEqual(magic, MAGIC)) {
            throw new Malformed("the blob does not start with SSHSIG");
        }
        long version = r.uint32("version");
        if (version != 1) {
            throw new Malformed("SSHSIG version " + version + "; flex-auth reads version 1");
        }
        byte[] publicKey = r.string("public key");
        String namespace = r.text("namespace");
        byte[] reserved = r.string("reserved");
        if (reserved.length != 0) {
            throw new Malformed("the reserved field is not empty");
        }
        String hash = r.text("hash algorithm");
        if (!hash.equals("sha256") && !hash.equals("sha512")) {
            throw new Malformed("hash algorithm \"" + hash + "\"; SSHSIG uses sha256 or sha512");
        }
        byte[] signature = r.string("signature");
        r.end("the SSHSIG blob");
        return new SshSignature(publicKey, namespace, hash, signature);
    }

    /** The bytes the signer signed: the SSHSIG preamble over {@code H(message)}. */
    byte[] signedData(byte[] message) {
        return signedDataOfHash(newDigest().digest(message));
    }

    /**
     * A digest of this signature's hash algorithm: what {@code message} is fed to, in any number of
     * pieces, to give {@link #signedDataOfHash} its {@code H(message)} without holding the message.
     */
    MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(hashAlgorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256 and SHA-512", e);
        }
    }

    /** The bytes the signer signed, given {@code H(message)}: the SSHSIG preamble over that hash. */
    byte[] signedDataOfHash(byte[] h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        string(out, namespace.getBytes(StandardCharsets.US_ASCII));
        string(out, new byte[0]);
        string(out, hashAlgorithm.getBytes(StandardCharsets.US_ASCII));
        string(out, h);
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, byte[] b) {
        int n = b.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(b);
    }
}
