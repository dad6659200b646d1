/**
 * A jqwik kit for embedders: {@link dev.flexauth.testkit.PolicyArbitraries} generates well-typed
 * requests for any policy package and registry, so a Java team writes {@code @Property} tests of
 * its own policy in JUnit 5. See {@code docs/testing-policies.md}.
 */
package dev.flexauth.testkit;
