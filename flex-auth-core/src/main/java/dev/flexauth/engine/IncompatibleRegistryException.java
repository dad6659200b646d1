package dev.flexauth.engine;

import dev.flexauth.FlexAuthException;
import java.util.List;

/**
 * A registry snapshot lacks what a policy package's Registry table needs (a kind, an attribute,
 * or an attribute of the declared type), so no engine can be built from the pair.
 *
 * <p>Unchecked, like every {@link FlexAuthException}.
 */
public final class IncompatibleRegistryException extends FlexAuthException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> mismatches;

    IncompatibleRegistryException(List<String> mismatches) {
        super("the registry snapshot does not provide what the policy's Registry table needs:\n  "
                + String.join("\n  ", mismatches));
        this.mismatches = List.copyOf(mismatches);
    }

    /** Each mismatch, as a sentence. */
    public List<String> mismatches() {
        return mismatches;
    }
}
