package dev.flexauth.registry;

import dev.flexauth.internal.Sha256;
import dev.flexauth.registry.SshReader.Malformed;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * An SSH public key that can verify SSHSIG signatures with the JDK's own providers: Ed25519,
 * ECDSA over NIST P-256/P-384/P-521 and RSA (2048 bits or more) with SHA-2 signatures. The wire
 * blob is kept, since an SSHSIG signature names its key by the same blob.
 */
final class SshPublicKey {
    static final List<String> TYPES = List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "ssh-rsa");
    static final int MIN_RSA_BITS = 2048;

    /** DER of SubjectPublicKeyInfo for Ed25519 (RFC 8410) up to the 32 key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final String type;
    private final byte[] blob;
    private final PublicKey key;
    private final int fieldBytes;

    private SshPublicKey(String type, byte[] blob, PublicKey key, int fieldBytes) {
        this.type = type;
        this.blob = blob;
        this.key = key;
        this.fieldBytes = fieldBytes;
    }

    /** Parses a public key blob; the message of a failure says what is wrong with it. */
    static SshPublicKey parse(byte[] blob) throws Malformed {
        SshReader r = new SshReader(blob);
        String type = r.text("key type");
        try {
            switch (type) {
                case "ssh-ed25519": {
                    byte[] raw = r.string("Ed25519 key");
                    r.end("the key");
                    if (raw.length != 32) {
                        throw new Malformed("an Ed25519 key has 32 bytes, this one " + raw.length);
                    }
                    byte[] der = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
                    System.arraycopy(raw, 0, der, ED25519_SPKI_PREFIX.length, 32);
                    return new SshPublicKey(type, blob, KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)), 0);
                }
                case "ecdsa-sha2-nistp256":
                case "ecdsa-sha2-nistp384":
                case "ecdsa-sha2-nistp521": {
                    String curve = type.substring("ecdsa-sha2-".length());
                    String named = r.text("curve name");
                    if (!named.equals(curve)) {
                        throw new Malformed("key type " + type + " names curve " + named);
                    }
                    byte[] q = r.string("curve point");
                    r.end("the key");
                    int size = switch (curve) {
                        case "nistp256" -> 32;
                        case "nistp384" -> 48;
                        default -> 66;
                    };
                    if (q.length != 1 + 2 * size || q[0] != 0x04) {
                        throw new Malformed("expected an uncompressed " + curve + " point of " + (1 + 2 * size) + " bytes");
                    }
                    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                    params.init(new ECGenParameterSpec("secp" + curve.substring("nistp".length()) + "r1"));
                    ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(q, 1, 1 + size)),
                            new BigInteger(1, Arrays.copyOfRange(q, 1 + size, q.length)));
                    PublicKey key = KeyFactory.getInstance("EC")
                            .generatePublic(new ECPublicKeySpec(w, params.getParameterSpec(ECParameterSpec.class)));
                    return new SshPublicKey(type, blob, key, size);
                }
                case "ssh-rsa": {
                    BigInteger e = r.mpint("RSA exponent");
                    BigInteger n = r.mpint("RSA modulus");
                    r.end("the key");
                    if (n.bitLength() < MIN_RSA_BITS) {
                        throw new Malformed("an RSA key of " + n.bitLength() + " bits is too weak; flex-auth accepts "
                                + MIN_RSA_BITS + " bits or more");
                    }
                    return new SshPublicKey(type, blob, KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)), 0);
                }
                default:
                    throw new Malformed("unsupported key type " + type + "; flex-auth verifies " + String.join(", ", TYPES));
            }
        } catch (GeneralSecurityException e) {
            // Includes a point that is not on the curve.
            throw new Malformed("not a usable " + type + " key: " + e.getMessage());
        }
    }

    String type() {
        return type;
    }

    byte[] blob() {
        return blob.clone();
    }

    boolean sameAs(byte[] otherBlob) {
        return MessageDigest.isEqual(blob, otherBlob);
    }

    /** As {@code ssh-keygen -l} prints it: {@code ED25519 SHA256:...}. */
    String fingerprint() {
        String family = switch (type) {
            case "ssh-ed25519" -> "ED25519";
            case "ssh-rsa" -> "RSA";
            default -> "ECDSA";
        };
        return family + " key SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(Sha256.of(blob));
    }

    /**
     * Whether {@code signature} (an SSH signature blob: algorithm name, then its bytes) is this
     * key's signature of {@code data}.
     *
     * @throws Malformed if the blob is malformed or its algorithm does not belong to this key
     */
    boolean verifies(byte[] signature, byte[] data) throws Malformed {
        SshReader r = new SshReader(signature);
        String algorithm = r.text("signature algorithm");
        byte[] sig = r.string("signature bytes");
        r.end("the signature");
        String jdk;
        switch (type) {
            case "ssh-ed25519":
                expect(algorithm, "ssh-ed25519");
                jdk = "Ed25519";
                break;
            case "ssh-rsa":
                if (algorithm.equals("rsa-sha2-256")) {
                    jdk = "SHA256withRSA";
                } else if (algorithm.equals("rsa-sha2-512")) {
                    jdk = "SHA512withRSA";
                } else {
                    // ssh-rsa signatures use SHA-1, which SSHSIG does not allow.
                    throw new Malformed("an RSA signature must be rsa-sha2-256 or rsa-sha2-512, this one is " + algorithm);
                }
                break;
            default:
                expect(algorithm, type);
                jdk = switch (fieldBytes) {
                    case 32 -> "SHA256withECDSAinP1363Format";
                    case 48 -> "SHA384withECDSAinP1363Format";
                    default -> "SHA512withECDSAinP1363Format";
                };
                sig = p1363(sig);
        }
        try {
            Signature v = Signature.getInstance(jdk);
            v.initVerify(key);
            v.update(data);
            return v.verify(sig);
        } catch (java.security.SignatureException e) {
            // The JDK throws rather than answer false for some malformed encodings: still a bad signature.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the Java runtime lacks " + jdk, e);
        }
    }

    private static void expect(String algorithm, String expected) throws Malformed {
        if (!algorithm.equals(expected)) {
            throw new Malformed("a " + expected + " key cannot have made a " + algorithm + " signature");
        }
    }

    /** SSH's (mpint r, mpint s) as the fixed-width r || s that the JDK's P1363 format takes. */
    private byte[] p1363(byte[] sshSig) throws Malformed {
        SshReader r = new SshReader(sshSig);
        BigInteger rr = r.mpint("ECDSA r");
        BigInteger ss = r.mpint("ECDSA s");
        r.end("the ECDSA signature");
        byte[] out = new byte[2 * fieldBytes];
        put(rr, out, 0);
        put(ss, out, fieldBytes);
        return out;
    }

    private void put(BigInteger v, byte[] out, int offset) throws Malformed {
        byte[] b = v.toByteArray();
        int start = b.length > 1 && b[0] == 0 ? 1 : 0;
        int len = b.length - start;
        if (len > fieldBytes) {
            throw new Malformed("an ECDSA signature value is longer than the curve's " + fieldBytes + " bytes");
        }
        System.arraycopy(b, start, out, offset + fieldBytes - len, len);
    }
}
