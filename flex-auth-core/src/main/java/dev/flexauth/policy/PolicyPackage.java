package dev.flexauth.policy;

import dev.flexauth.registry.RegistrySchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated policy package: metadata, the request contract, what it needs from a registry, its
 * reasons, its rules in document order, its examples and its properties. Read by {@link dev.flexauth.policy.markdown.PolicyReader}; a package
 * that exists has no errors (its warnings are in {@link #warnings()}). Immutable and thread-safe.
 */
public final class PolicyPackage {
    private final String file;
    private final String name;
    private final String version;
    private final String digest;
    private final String defaultReason;
    private final RequestSchema request;
    private final RegistrySchema registry;
    private final Map<String, Reason> reasons;
    private final List<Rule> rules;
    private final List<Example> examples;
    private final List<Property> properties;
    private final List<Diagnostic> warnings;

    /**
     * The package as the reader assembled it; public only because the reader lives in its own
     * package. Nothing is checked here: a package made by hand is taken as given.
     */
    public PolicyPackage(String file, String name, String version, String digest, String defaultReason,
            RequestSchema request, RegistrySchema registry, Map<String, Reason> reasons, List<Rule> rules,
            List<Example> examples, List<Property> properties, List<Diagnostic> warnings) {
        this.file = file;
        this.name = name;
        this.version = version;
        this.digest = digest;
        this.defaultReason = defaultReason;
        this.request = request;
        this.registry = registry;
        this.reasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reasons));
        this.rules = List.copyOf(rules);
        this.examples = List.copyOf(examples);
        this.properties = List.copyOf(properties);
        this.warnings = List.copyOf(warnings);
    }

    /** The file name the package was read from (as given to the reader). */
    public String file() {
        return file;
    }

    /** The package name from the metadata, e.g. {@code ops-warden.ssh-signing}. */
    public String name() {
        return name;
    }

    /** The package version from the metadata. */
    public String version() {
        return version;
    }

    /** {@code sha256:} and 64 hex digits over the package file's bytes: prose edits change it too. */
    public String digest() {
        return digest;
    }

    /** The deny reason when no rule matches. */
    public String defaultReason() {
        return defaultReason;
    }

    /** The Request table. */
    public RequestSchema request() {
        return request;
    }

    /** The Registry table: what a snapshot must provide. */
    public RegistrySchema registry() {
        return registry;
    }

    /** The Reasons table, by code. */
    public Map<String, Reason> reasons() {
        return reasons;
    }

    /** The reason with {@code code}, if declared. */
    public Optional<Reason> reason(String code) {
        return Optional.ofNullable(reasons.get(code));
    }

    /** The rules in document order. */
    public List<Rule> rules() {
        return rules;
    }

    /** The Examples table's rows. */
    public List<Example> examples() {
        return examples;
    }

    /** The Properties section's properties, in document order. */
    public List<Property> properties() {
        return properties;
    }

    /** Problems that do not refuse the package. */
    public List<Diagnostic> warnings() {
        return warnings;
    }
}
