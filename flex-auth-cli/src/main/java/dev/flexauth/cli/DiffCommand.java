package dev.flexauth.cli;

import dev.flexauth.analysis.AnalysisException;
import dev.flexauth.analysis.GrantDiff;
import dev.flexauth.engine.Engine;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.registry.Registry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth diff}: what a registry promotion (or a policy change) changes, as entities
 * added, removed and changed, and as the grants gained and lost: the requests allowed now and
 * denied before, and the reverse, enumerated per entity by {@link GrantDiff}.
 */
@Command(name = "diff", aliases = "diff-registry", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what promoting a registry snapshot (or a policy package) changes.",
            "Lists the entities added, removed and changed, and per entity the grants gained (+) and lost (-)."},
        footer = {"", "Grant lines list, for each other request field, the values the package tells apart:",
            "absent, constants and entity attribute values, integer ranges lo..hi, <other> for any value not listed,",
            "and any for every value.",
            "",
            "Exit 0 after printing the differences; 1 with --fail-on-grant when a grant is gained, or when an input is invalid."})
final class DiffCommand implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "POLICY", description = "The policy package both snapshots are read with.")
    Path policy;

    @Option(names = "--old-policy", paramLabel = "POLICY", description = "The policy package for OLD (with --new-policy).")
    Path oldPolicy;

    @Option(names = "--new-policy", paramLabel = "POLICY", description = "The policy package for NEW (with --old-policy).")
    Path newPolicy;

    @Option(names = "--fail-on-grant", description = "Exit 1 when the change gains any grant (a gate for CI).")
    boolean failOnGrant;

    @Option(names = "--max-combinations", paramLabel = "N", defaultValue = "1000000",
            description = "Refuse to enumerate more than N requests per entity (default: ${DEFAULT-VALUE}).")
    long maxCombinations;

    @Parameters(index = "0", paramLabel = "OLD", description = "The snapshot in force.")
    Path oldSnapshot;

    @Parameters(index = "1", paramLabel = "NEW", description = "The snapshot to promote.")
    Path newSnapshot;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean one = policy != null;
        boolean two = oldPolicy != null || newPolicy != null;
        if (one == two || (two && (oldPolicy == null || newPolicy == null))) {
            throw new ParameterException(spec.commandLine(),
                    "give either --policy P, or both --old-policy P1 and --new-policy P2");
        }
        if (maxCombinations < 1) {
            throw new ParameterException(spec.commandLine(), "--max-combinations must be at least 1, got " + maxCombinations);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Engine before = Inputs.engine(oldSnapshot, one ? policy : oldPolicy, err);
        Engine after = Inputs.engine(newSnapshot, one ? policy : newPolicy, err);
        List<EntityDiff.EntityChange> entities = EntityDiff.between(before.registry(), after.registry());
        List<GrantDiff.EntityGrants> grants;
        try {
            grants = GrantDiff.between(before, after, maxCombinations);
        } catch (AnalysisException e) {
            throw new CliFailure(e.code(), "error: " + e.getMessage());
        }
        out.print(header(before, after, one));
        out.println();
        out.print(entities(entities));
        out.println();
        out.print(grants(grants));
        long gained = grants.stream().mapToLong(g -> g.gained().size()).sum();
        if (failOnGrant && gained > 0) {
            err.println("error: the change gains " + Text.count(gained, "grant") + " (--fail-on-grant)");
            return Failures.FAILED;
        }
        return 0;
    }

    private String header(Engine before, Engine after, boolean onePolicy) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("old", oldSnapshot.toString()));
        rows.add(List.of("", snapshot(before.registry())));
        rows.add(List.of("new", newSnapshot.toString()));
        rows.add(List.of("", snapshot(after.registry())));
        if (onePolicy) {
            rows.add(List.of("policy", policy.toString()));
            rows.add(List.of("", pkg(before.policy())));
        } else {
            rows.add(List.of("old policy", oldPolicy.toString()));
            rows.add(List.of("", pkg(before.policy())));
            rows.add(List.of("new policy", newPolicy.toString()));
            rows.add(List.of("", pkg(after.policy())));
        }
        return Text.table(rows, "");
    }

    private static String snapshot(Registry r) {
        return r.digest() + ", " + r.entityCount() + (r.entityCount() == 1 ? " entity" : " entities");
    }

    private static String pkg(PolicyPackage p) {
        return p.name() + " " + p.version() + ", " + p.digest();
    }

    static String entities(List<EntityDiff.EntityChange> changes) {
        long added = changes.stream().filter(c -> c.change() == EntityDiff.Change.ADDED).count();
        long removed = changes.stream().filter(c -> c.change() == EntityDiff.Change.REMOVED).count();
        long changed = changes.size() - added - removed;
        StringBuilder sb = new StringBuilder("entities: " + added + " added, " + removed + " removed, " + changed + " changed\n");
        for (EntityDiff.EntityChange c : changes) {
            sb.append("  ").append(c.change().mark).append(' ').append(c.kind()).append(' ').append(c.id()).append('\n');
            for (EntityDiff.AttributeChange a : c.attributes()) {
                sb.append("      ").append(a.name()).append(": ");
                switch (c.change()) {
                    case ADDED:
                        sb.append(Text.value(a.after()));
                        break;
                    case REMOVED:
                        sb.append(Text.value(a.before()));
                        break;
                    default:
                        sb.append(a.before() == null ? "(absent)" : Text.value(a.before())).append(" -> ")
                                .append(a.after() == null ? "(absent)" : Text.value(a.after()));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static String grants(List<GrantDiff.EntityGrants> grants) {
        long gained = grants.stream().mapToLong(g -> g.gained().size()).sum();
        long lost = grants.stream().mapToLong(g -> g.lost().size()).sum();
        StringBuilder sb = new StringBuilder("grants: " + gained + " gained (+), " + lost + " lost (-)\n");
        for (GrantDiff.EntityGrants g : grants) {
            sb.append("  ").append(g.kind().isEmpty() ? "requests" : g.kind() + " " + g.id()).append('\n');
            g.gained().forEach(line -> sb.append("    + ").append(line).append('\n'));
            g.lost().forEach(line -> sb.append("    - ").append(line).append('\n'));
        }
        return sb.toString();
    }
}
