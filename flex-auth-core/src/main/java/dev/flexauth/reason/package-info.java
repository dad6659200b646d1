/**
 * The one place flex-auth's codes live: diagnostic codes of policy packages, problem codes of
 * registry snapshots, refusal codes of check requests, and the engine's own reasons. Each code
 * carries a line of documentation; the codes are stable across releases.
 */
package dev.flexauth.reason;
