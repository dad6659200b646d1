package com.example.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ops-warden smoke expectations, through the installed flex-auth-core, with the policy read from this jar. */
class SshGateTest {
    private static final Path SNAPSHOT = Path.of("../ops-warden/production_registry_snapshot.json");

    @Test
    void the_smoke_decisions() {
        SshGate gate = new SshGate(SNAPSHOT);
        assertEquals("allow signing_policy_matched", gate.decide("agt-state-hub-bridge", "iam:agt-state-hub-bridge", 24));
        assertEquals("deny ttl_out_of_bounds", gate.decide("agt-state-hub-bridge", "iam:agt-state-hub-bridge", 999));
        assertEquals("deny unknown_actor_resource",
                gate.decide("agt-not-in-the-inventory", "iam:agt-not-in-the-inventory", 24));
    }

    @Test
    void a_reload_revokes_an_actor_removed_from_the_snapshot(@TempDir Path dir) throws Exception {
        Path snapshot = Files.copy(SNAPSHOT, dir.resolve("snapshot.json"));
        SshGate gate = new SshGate(snapshot);
        Files.writeString(snapshot, Files.readString(snapshot)
                .replace("\"id\": \"agt-state-hub-bridge\"", "\"id\": \"agt-state-hub-bridge-retired\""));
        gate.reload();
        assertEquals("deny unknown_actor_resource", gate.decide("agt-state-hub-bridge", "iam:agt-state-hub-bridge", 24));
    }
}
