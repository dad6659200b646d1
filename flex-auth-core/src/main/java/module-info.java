/**
 * flex-auth's core: registry snapshots, policy packages, the engine, the decision log and the JSON
 * codecs. Only the API packages are exported; {@code dev.flexauth.internal} is not, so a modular
 * application cannot reach it. On the class path (the server, the CLI) this file changes nothing.
 */
module dev.flexauth.core {
    requires transitive com.fasterxml.jackson.core;
    requires transitive com.fasterxml.jackson.databind;
    requires org.commonmark;
    requires org.commonmark.ext.gfm.tables;
    requires org.commonmark.ext.front.matter;

    exports dev.flexauth;
    exports dev.flexauth.analysis;
    exports dev.flexauth.engine;
    exports dev.flexauth.io;
    exports dev.flexauth.json;
    exports dev.flexauth.log;
    exports dev.flexauth.policy;
    exports dev.flexauth.policy.markdown;
    // dev.flexauth.policy.lang is not exported: its public types are the seam between the
    // Markdown reader and the rule language's front end, not API.
    exports dev.flexauth.reason;
    exports dev.flexauth.registry;
}
