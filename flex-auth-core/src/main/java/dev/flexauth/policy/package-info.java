/**
 * The policy package model: a {@link dev.flexauth.policy.PolicyPackage} with its request contract
 * ({@link dev.flexauth.policy.RequestSchema}, {@link dev.flexauth.policy.Field}), reasons, rules
 * and properties whose conditions are {@link dev.flexauth.policy.Expr} trees, examples, and the
 * {@link dev.flexauth.policy.Diagnostic}s a refused package carries in a
 * {@link dev.flexauth.policy.PolicyException}. {@link dev.flexauth.policy.Printer} writes a tree
 * back as canonical rule text. Packages are read by
 * {@link dev.flexauth.policy.markdown.PolicyReader}; this package imports neither the reader nor
 * the rule language's front end. See {@code docs/policy-language.md}.
 */
package dev.flexauth.policy;
