package dev.flexauth.engine;

import dev.flexauth.FlexAuthException;
import dev.flexauth.policy.Diagnostic;
import dev.flexauth.reason.DiagnosticCode;
import dev.flexauth.reason.RegistryCode;
import dev.flexauth.registry.RegistryProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * A registry snapshot and policy package could not be loaded together. Carries every problem of
 * both files: the policy's diagnostics ({@code file:line:column}) and the snapshot's problems
 * (JSON paths). Nothing was applied.
 *
 * <p>Unchecked, like every {@link FlexAuthException}.
 */
public final class LoadException extends FlexAuthException {
    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> policyDiagnostics;
    private final transient List<RegistryProblem> registryProblems;
    private final String registryFile;
    private final String hint;

    LoadException(List<Diagnostic> policyDiagnostics, String registryFile, List<RegistryProblem> registryProblems,
            String registrySummary) {
        super(render(policyDiagnostics, registrySummary, swapHint(policyDiagnostics, registryFile, registryProblems)));
        this.policyDiagnostics = List.copyOf(policyDiagnostics);
        this.registryProblems = List.copyOf(registryProblems);
        this.registryFile = registryFile;
        this.hint = swapHint(policyDiagnostics, registryFile, registryProblems);
    }

    /** When the policy is JSON and the snapshot is Markdown, each error alone is right but the fix is one swap. */
    private static String swapHint(List<Diagnostic> policy, String registryFile, List<RegistryProblem> registry) {
        Diagnostic json = policy.stream().filter(d -> d.code() == DiagnosticCode.NOT_A_POLICY).findFirst().orElse(null);
        boolean markdown = registry.stream().anyMatch(p -> p.code() == RegistryCode.NOT_A_SNAPSHOT);
        return json == null || !markdown ? null : "hint: the two files look swapped: " + registryFile
                + " is Markdown (a policy package) and " + json.file() + " is JSON (a registry snapshot); "
                + "pass the snapshot as the registry and the package as the policy";
    }

    /** The policy package's diagnostics (errors and warnings), in file order. */
    public List<Diagnostic> policyDiagnostics() {
        return policyDiagnostics;
    }

    /** The registry snapshot's problems, in document order. */
    public List<RegistryProblem> registryProblems() {
        return registryProblems;
    }

    /** Every problem as one line each: {@code file:line:column: code: message} or {@code file: path: message}. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        policyDiagnostics.stream().filter(d -> !d.warning()).forEach(d -> out.add(d.toString()));
        registryProblems.forEach(p -> out.add(registryFile + ": " + p));
        if (hint != null) {
            out.add(hint);
        }
        return out;
    }

    private static String render(List<Diagnostic> policy, String registrySummary, String hint) {
        StringBuilder sb = new StringBuilder();
        policy.stream().filter(d -> !d.warning()).forEach(d -> sb.append(sb.length() == 0 ? "" : "\n").append(d));
        if (registrySummary != null) {
            sb.append(sb.length() == 0 ? "" : "\n").append(registrySummary);
        }
        if (hint != null) {
            sb.append(sb.length() == 0 ? "" : "\n").append(hint);
        }
        return sb.toString();
    }
}
