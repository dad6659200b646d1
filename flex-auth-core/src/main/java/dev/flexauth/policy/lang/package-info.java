/**
 * The rule language's front end: the lexer, the parser of rule and property text into
 * {@link dev.flexauth.policy.Expr} trees, and the type checker against a package's Request,
 * Registry and Reasons tables, reporting into the {@link dev.flexauth.policy.lang.Diagnostics} of
 * one reading. Knows nothing of Markdown: the reader gives it each block's text with the block's
 * file positions ({@link dev.flexauth.policy.lang.SourceText}). Not exported by the module; its
 * public types are the seam to {@code dev.flexauth.policy.markdown}, not API.
 */
package dev.flexauth.policy.lang;
