/**
 * The tamper-evident decision log: {@link dev.flexauth.log.DecisionLog} appends one hash-chained
 * JSONL record per decision, {@code {"seq":<n>,<body>,"prev":"<hex>","chain":"<hex>"}}, where
 * {@code chain} is the SHA-256 of the line up to {@code ,"chain":} and {@code prev} repeats the
 * chain of the line before; {@link dev.flexauth.log.LogVerifier} checks files of such lines and
 * names the first line that was edited, deleted, inserted or reordered. With a
 * {@link dev.flexauth.log.LogKey}, the log also writes signed checkpoint records over the chain
 * head and line count, and the verifier checks them, so a forger without the key cannot
 * recompute the chain unnoticed. {@link dev.flexauth.log.Redaction} keeps credential-shaped text
 * out of any log. The package knows nothing of decisions: callers hand it the serialized members
 * of each record.
 */
package dev.flexauth.log;
