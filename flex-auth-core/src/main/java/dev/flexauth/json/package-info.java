/**
 * The wire formats: the one configured Jackson factory, the strict reader of check requests and
 * the writer of decision envelopes and decision-log records. It sees the other packages; none of
 * them sees it.
 */
package dev.flexauth.json;
