package dev.flexauth.bench;

import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The fixed request mix every implementation answers: {@value #SIZE} requests drawn with a fixed
 * seed over the actors of one snapshot, half of them allows and a tenth each of the five denies,
 * with and without the optional {@code principal} and {@code ttl_hours}, shuffled. Every string is
 * a fresh copy, as if just parsed from a request body, so no lookup wins by reference equality.
 */
final class RequestMix {
    /** A power of two, so a benchmark can step through the mix with a mask. */
    static final int SIZE = 1024;
    static final long SEED = 0x5eed_7L;

    private static final String SIGN = "ssh.sign";
    private static final String[] OTHER_ACTIONS = {"ssh.deploy", "ssh.revoke", "SSH.SIGN", "ssh.sign "};

    private final List<Entity> actors;
    private final Random random;

    private RequestMix(EntityKind actors, long seed) {
        this.actors = actors.entities();
        this.random = new Random(seed);
    }

    /** The mix over {@code actors} (the snapshot's {@code actor} kind). */
    static Ask[] generate(EntityKind actors) {
        return new RequestMix(actors, SEED).generate();
    }

    private Ask[] generate() {
        List<Ask> asks = new ArrayList<>(SIZE);
        int perDeny = SIZE / 10;
        for (int i = 0; i < SIZE - 5 * perDeny; i++) {
            asks.add(allow());
        }
        for (int i = 0; i < perDeny; i++) {
            asks.add(unknownActor());
            asks.add(otherAction());
            asks.add(unboundSubject());
            asks.add(otherPrincipal());
            asks.add(ttlOutOfBounds());
        }
        Collections.shuffle(asks, random);
        return asks.toArray(new Ask[0]);
    }

    private Ask allow() {
        Entity a = anyActor();
        String principal = random.nextBoolean() ? null : principal(a);
        Long ttl = random.nextInt(3) == 0 ? null : 1 + (long) random.nextInt((int) maxTtl(a));
        return ask(a.id(), ownSubject(a), SIGN, principal, ttl, Outcome.SIGNING_POLICY_MATCHED);
    }

    private Ask unknownActor() {
        String name = "agt-not-inventoried-" + random.nextInt(1_000_000);
        // Later checks would fail too for some of these; the first deny must still win.
        String action = random.nextInt(4) == 0 ? OTHER_ACTIONS[random.nextInt(OTHER_ACTIONS.length)] : SIGN;
        return ask(name, "iam:" + name, action, null, optionalTtl(48), Outcome.UNKNOWN_ACTOR_RESOURCE);
    }

    private Ask otherAction() {
        Entity a = anyActor();
        String subject = random.nextInt(4) == 0 ? ownSubject(anyActor()) : ownSubject(a);
        return ask(a.id(), subject, OTHER_ACTIONS[random.nextInt(OTHER_ACTIONS.length)], null, optionalTtl(maxTtl(a)),
                Outcome.ACTION_NOT_SUPPORTED);
    }

    private Ask unboundSubject() {
        Entity a = anyActor();
        Entity other = anyActorBut(a);
        String subject = random.nextBoolean() ? ownSubject(other) : "iam:" + a.id() + "-impostor";
        return ask(a.id(), subject, SIGN, random.nextBoolean() ? null : principal(a), optionalTtl(maxTtl(a)),
                Outcome.SUBJECT_NOT_BOUND);
    }

    private Ask otherPrincipal() {
        Entity a = anyActor();
        String principal = random.nextBoolean() ? principal(a) + "-x" : "root";
        return ask(a.id(), ownSubject(a), SIGN, principal, optionalTtl(maxTtl(a) + 5), Outcome.PRINCIPAL_NOT_ALLOWED);
    }

    private Ask ttlOutOfBounds() {
        Entity a = anyActor();
        long ttl;
        switch (random.nextInt(4)) {
            case 0: ttl = 0; break;
            case 1: ttl = -1 - random.nextInt(100); break;
            case 2: ttl = maxTtl(a) + 1; break;
            default: ttl = maxTtl(a) + 1 + random.nextInt(1000); break;
        }
        return ask(a.id(), ownSubject(a), SIGN, random.nextBoolean() ? null : principal(a), ttl, Outcome.TTL_OUT_OF_BOUNDS);
    }

    private Long optionalTtl(long bound) {
        return random.nextBoolean() ? null : (long) random.nextInt((int) bound + 1);
    }

    private Entity anyActor() {
        return actors.get(random.nextInt(actors.size()));
    }

    private Entity anyActorBut(Entity a) {
        Entity other;
        do {
            other = anyActor();
        } while (other == a);
        return other;
    }

    private String ownSubject(Entity a) {
        return random.nextBoolean() ? a.id() : "iam:" + a.id();
    }

    private static String principal(Entity a) {
        return (String) a.get("principal");
    }

    private static long maxTtl(Entity a) {
        return (Long) a.get("max_ttl_hours");
    }

    private static Ask ask(String actor, String subject, String action, String principal, Long ttl, Outcome intended) {
        return new Ask(fresh(actor), fresh(subject), fresh(action), principal == null ? null : fresh(principal), ttl, intended);
    }

    /** A copy no other object shares, with its hash not yet computed. */
    private static String fresh(String s) {
        return new String(s.toCharArray());
    }
}
