package dev.flexauth.server.reload;

/**
 * Verifies a registry snapshot against its detached signature ({@code <url>.sig}). The
 * implementation is the SSHSIG verifier of {@code --registry-signers}; a URL source calls it on every
 * newly fetched pair and loads nothing that fails it. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SignatureCheck {

    /** A signature that does not verify the snapshot, with a message naming why (no key material). */
    final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Returns normally if {@code signature} is a valid signature of exactly {@code snapshot} by a
     * configured signer.
     *
     * @throws Invalid otherwise (including a signature of a different snapshot)
     */
    void verify(byte[] snapshot, byte[] signature) throws Invalid;
}
