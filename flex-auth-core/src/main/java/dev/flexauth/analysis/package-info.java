/**
 * Exact analysis of a policy package over a registry snapshot: because a package compares request
 * fields only with its own constants, with entity attributes and with entity keys, the requests it
 * can tell apart are finitely many, and can be enumerated ({@link dev.flexauth.analysis.RequestDomain}).
 * {@link dev.flexauth.analysis.GrantDiff} lists the grants two engines differ in;
 * {@link dev.flexauth.analysis.PropertyChecker} checks a package's properties over its registry;
 * {@link dev.flexauth.analysis.Search} lists the values of one field an engine allows (the AuthZEN Search APIs). Depends on {@code engine}, {@code policy} and
 * {@code registry}; nothing in them depends on it.
 */
package dev.flexauth.analysis;
