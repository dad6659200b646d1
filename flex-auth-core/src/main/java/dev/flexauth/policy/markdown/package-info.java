/**
 * Reading a policy package from Markdown with commonmark-java:
 * {@link dev.flexauth.policy.markdown.PolicyReader} takes the front matter, finds the Request,
 * Registry, Reasons and Examples tables and the {@code rule} and {@code property} blocks, hands
 * each block to the rule language ({@code dev.flexauth.policy.lang}) and reports every problem as
 * {@code file:line:column: code: message}. The only package of the core that imports
 * {@code org.commonmark}.
 */
package dev.flexauth.policy.markdown;
