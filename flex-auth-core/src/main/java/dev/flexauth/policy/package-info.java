/**
 * Policy packages: {@link dev.flexauth.policy.PolicyReader} reads the Markdown document (metadata,
 * Request, Registry, Reasons and Examples tables, {@code rule} blocks) into a
 * {@link dev.flexauth.policy.PolicyPackage}, parsing and type-checking the rule language and
 * reporting every problem as {@code file:line:column: code: message}. See
 * {@code docs/policy-language.md}.
 */
package dev.flexauth.policy;
