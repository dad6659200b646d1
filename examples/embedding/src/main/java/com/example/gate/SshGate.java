package com.example.gate;

import dev.flexauth.FlexAuth;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.ReloadingEngine;
import java.nio.file.Path;

/**
 * An embedder's gate: the policy ships in this jar (a class-path resource), the snapshot comes
 * from a file the inventory job writes, and a reload picks up the next snapshot.
 */
public final class SshGate {
    private final ReloadingEngine live;

    public SshGate(Path snapshot) {
        this.live = FlexAuth.builder()
                .registry(snapshot)
                .policyResource("policies/policy_package.md")
                .buildReloading();
    }

    /** May {@code subject} get a certificate as {@code actor} for {@code ttlHours}? "allow reason" or "deny reason". */
    public String decide(String actor, String subject, int ttlHours) {
        Engine engine = live.current();
        Decision d = engine.check(engine.request()
                .put("actor", actor)
                .put("subject", subject)
                .put("action", "ssh.sign")
                .put("ttl_hours", ttlHours)
                .build());
        return d.effect() + " " + d.reason();
    }

    /** Reads the snapshot again; a snapshot that does not load leaves the current one serving. */
    public void reload() {
        live.reload();
    }

    public static void main(String[] args) {
        SshGate gate = new SshGate(Path.of(args.length > 0 ? args[0] : "../ops-warden/production_registry_snapshot.json"));
        System.out.println(gate.decide("agt-state-hub-bridge", "iam:agt-state-hub-bridge", 24));
        System.out.println(gate.decide("agt-state-hub-bridge", "iam:agt-state-hub-bridge", 999));
        System.out.println(gate.decide("agt-not-in-the-inventory", "iam:agt-not-in-the-inventory", 24));
    }
}
