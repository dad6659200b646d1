#!/usr/bin/env python3
"""Writes everything one HTTP benchmark workload needs, deterministically, into one directory.

    gen.py --actors N --out DIR [--example-registry FILE]

- registry.json: the flex-auth registry snapshot. For --actors 4 the ops-warden production
  example (copied); otherwise the synthetic snapshot of issue 7, by the rule of flex-auth-bench's
  SyntheticSnapshot: actor i is named <type>-synthetic-<i, 6 digits>, of type [adm, agt, atm][i % 3],
  with principal <type>-principal-<i % 50>, max_ttl_hours 1 + (i * 7919) % 48 and subjects its name
  and iam:<name>.
- cerbos/policies/actor.json: a Cerbos resource policy (kind "actor") that holds the same registry
  as a constant map and encodes the ops-warden package rule for rule, so that a Cerbos caller sends
  the same small request (actor, subject, action, optional principal, optional ttl_hours).
- cerbos/config-off.yaml, cerbos/config-audit.yaml: Cerbos on loopback, disk storage, audit off or
  the file audit backend on (the counterpart of flex-auth's decision log). The port is substituted
  by http.sh (@HTTP_PORT@, @GRPC_PORT@, @AUDIT_FILE@).
- mix.jsonl: the request mix, one line per request: the flex-auth body, the Cerbos body and the
  expected answer, computed here from the package's rules (a third implementation the two servers
  are checked against).
- flex.bodies, cerbos.bodies: the request bodies alone, one per line, for the wrk Lua script.

The mix is 1,024 requests, composed like flex-auth-bench's RequestMix (its Random differs from
Java's, so the draws differ): half allows, a tenth each of the five denies, with and without
principal and ttl_hours, with requests that fail several checks so that the deny order matters.
"""
import argparse
import json
import os
import random
import shutil

SIZE = 1024
SEED = 0x5EED7
SIGN = "ssh.sign"
OTHER_ACTIONS = ["ssh.deploy", "ssh.revoke", "SSH.SIGN", "ssh.sign "]
TYPES = ["adm", "agt", "atm"]


def synthetic_actor(i):
    t = TYPES[i % 3]
    name = "%s-synthetic-%06d" % (t, i)
    return {"id": name, "type": t, "principal": "%s-principal-%d" % (t, i % 50),
            "max_ttl_hours": 1 + (i * 7919) % 48, "allowed_subjects": [name, "iam:" + name]}


def write_synthetic(path, n):
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n  "format" : "flex-auth/registry",\n  "format_version" : 1,\n')
        f.write('  "source" : {\n    "system" : "ops-warden",\n    "inventory" : "synthetic-%d",\n' % n)
        f.write('    "generated_at" : "2026-06-23T00:00:00Z"\n  },\n  "entities" : {\n    "actor" : [ ')
        for i in range(n):
            a = synthetic_actor(i)
            f.write(("" if i == 0 else ", ") + json.dumps(a, separators=(", ", " : ")))
        f.write(" ]\n  }\n}\n")


def decide(actors, req):
    """The ops-warden package's rules, in their order: (effect, reason, outputs)."""
    a = actors.get(req["actor"])
    if a is None:
        return "deny", "unknown_actor_resource", {}
    if req["action"] != SIGN:
        return "deny", "action_not_supported", {}
    if req["subject"] not in a["allowed_subjects"]:
        return "deny", "subject_not_bound", {}
    if "principal" in req and req["principal"] != a["principal"]:
        return "deny", "principal_not_allowed", {}
    if "ttl_hours" in req and not (1 <= req["ttl_hours"] <= a["max_ttl_hours"]):
        return "deny", "ttl_out_of_bounds", {}
    return "allow", "signing_policy_matched", {"principal": a["principal"], "max_ttl_hours": a["max_ttl_hours"]}


class Mix:
    def __init__(self, actors):
        self.actors = actors
        self.ids = list(actors)
        self.r = random.Random(SEED)

    def any_actor(self):
        return self.actors[self.ids[self.r.randrange(len(self.ids))]]

    def any_actor_but(self, a):
        while True:
            o = self.any_actor()
            if o is not a:
                return o

    def own_subject(self, a):
        return a["id"] if self.r.random() < 0.5 else "iam:" + a["id"]

    def optional_ttl(self, bound):
        return None if self.r.random() < 0.5 else self.r.randrange(bound + 1)

    def coin(self):
        return self.r.random() < 0.5

    def allow(self):
        a = self.any_actor()
        principal = None if self.coin() else a["principal"]
        ttl = None if self.r.randrange(3) == 0 else 1 + self.r.randrange(a["max_ttl_hours"])
        return ask(a["id"], self.own_subject(a), SIGN, principal, ttl, "signing_policy_matched")

    def unknown_actor(self):
        name = "agt-not-inventoried-%d" % self.r.randrange(1000000)
        action = OTHER_ACTIONS[self.r.randrange(4)] if self.r.randrange(4) == 0 else SIGN
        return ask(name, "iam:" + name, action, None, self.optional_ttl(48), "unknown_actor_resource")

    def other_action(self):
        a = self.any_actor()
        subject = self.own_subject(self.any_actor()) if self.r.randrange(4) == 0 else self.own_subject(a)
        return ask(a["id"], subject, OTHER_ACTIONS[self.r.randrange(4)], None, self.optional_ttl(a["max_ttl_hours"]),
                   "action_not_supported")

    def unbound_subject(self):
        a = self.any_actor()
        other = self.any_actor_but(a)
        subject = self.own_subject(other) if self.coin() else "iam:" + a["id"] + "-impostor"
        return ask(a["id"], subject, SIGN, None if self.coin() else a["principal"], self.optional_ttl(a["max_ttl_hours"]),
                   "subject_not_bound")

    def other_principal(self):
        a = self.any_actor()
        principal = a["principal"] + "-x" if self.coin() else "root"
        return ask(a["id"], self.own_subject(a), SIGN, principal, self.optional_ttl(a["max_ttl_hours"] + 5),
                   "principal_not_allowed")

    def ttl_out_of_bounds(self):
        a = self.any_actor()
        k = self.r.randrange(4)
        m = a["max_ttl_hours"]
        ttl = [0, -1 - self.r.randrange(100), m + 1, m + 1 + self.r.randrange(1000)][k]
        return ask(a["id"], self.own_subject(a), SIGN, None if self.coin() else a["principal"], ttl, "ttl_out_of_bounds")

    def generate(self):
        per_deny = SIZE // 10
        asks = [self.allow() for _ in range(SIZE - 5 * per_deny)]
        for _ in range(per_deny):
            asks += [self.unknown_actor(), self.other_action(), self.unbound_subject(), self.other_principal(),
                     self.ttl_out_of_bounds()]
        self.r.shuffle(asks)
        return asks


def ask(actor, subject, action, principal, ttl, intended):
    req = {"actor": actor, "subject": subject, "action": action}
    if principal is not None:
        req["principal"] = principal
    if ttl is not None:
        req["ttl_hours"] = ttl
    return req, intended


def cerbos_body(i, req):
    attr = {}
    if "principal" in req:
        attr["principal"] = req["principal"]
    if "ttl_hours" in req:
        attr["ttl_hours"] = req["ttl_hours"]
    return {"requestId": "r%d" % i,
            "principal": {"id": req["subject"], "roles": ["caller"]},
            "resources": [{"actions": [req["action"]],
                           "resource": {"kind": "actor", "id": req["actor"], "attr": attr}}]}


# The package's rules as Cerbos rules. Cerbos evaluates every rule that matches the action and
# lets a deny win, so each condition is written as "this is the first rule of the package that
# refuses": exactly one rule activates per request, and its output is the reason. CEL has no view
# of the action, so action_not_supported is the one answer without an output: an action other
# than ssh.sign matches no rule but the unknown-actor one, and Cerbos denies by default.
KNOWN = "R.id in C.actors"
BOUND = "P.id in C.actors[R.id].subjects"
PRINCIPAL_OK = "(!has(R.attr.principal) || R.attr.principal == C.actors[R.id].principal)"
TTL_OK = "(!has(R.attr.ttl_hours) || (R.attr.ttl_hours >= 1.0 && R.attr.ttl_hours <= C.actors[R.id].max_ttl_hours))"


def reason_output(reason):
    return {"when": {"ruleActivated": '{"reason": "%s"}' % reason}}


def cerbos_policy(actors):
    table = {a["id"]: {"subjects": a["allowed_subjects"], "principal": a["principal"],
                       "max_ttl_hours": a["max_ttl_hours"]} for a in actors.values()}
    rules = [
        {"name": "unknown_actor_resource", "actions": ["*"], "roles": ["*"], "effect": "EFFECT_DENY",
         "condition": {"match": {"expr": "!(%s)" % KNOWN}}, "output": reason_output("unknown_actor_resource")},
        {"name": "subject_not_bound", "actions": [SIGN], "roles": ["*"], "effect": "EFFECT_DENY",
         "condition": {"match": {"all": {"of": [{"expr": KNOWN}, {"expr": "!(%s)" % BOUND}]}}},
         "output": reason_output("subject_not_bound")},
        {"name": "principal_not_allowed", "actions": [SIGN], "roles": ["*"], "effect": "EFFECT_DENY",
         "condition": {"match": {"all": {"of": [{"expr": KNOWN}, {"expr": BOUND}, {"expr": "!" + PRINCIPAL_OK}]}}},
         "output": reason_output("principal_not_allowed")},
        {"name": "ttl_out_of_bounds", "actions": [SIGN], "roles": ["*"], "effect": "EFFECT_DENY",
         "condition": {"match": {"all": {"of": [{"expr": KNOWN}, {"expr": BOUND}, {"expr": PRINCIPAL_OK},
                                                 {"expr": "!" + TTL_OK}]}}},
         "output": reason_output("ttl_out_of_bounds")},
        {"name": "signing_policy_matched", "actions": [SIGN], "roles": ["*"], "effect": "EFFECT_ALLOW",
         "condition": {"match": {"all": {"of": [{"expr": KNOWN}, {"expr": BOUND}, {"expr": PRINCIPAL_OK},
                                                 {"expr": TTL_OK}]}}},
         "output": {"when": {"ruleActivated": '{"reason": "signing_policy_matched", "principal": '
                                              'C.actors[R.id].principal, "max_ttl_hours": C.actors[R.id].max_ttl_hours}'}}},
    ]
    return {"apiVersion": "api.cerbos.dev/v1",
            "resourcePolicy": {"resource": "actor", "version": "default",
                               "constants": {"local": {"actors": table}}, "rules": rules}}


CONFIG = """# Cerbos for bench/http.sh: loopback only, policies from disk, no telemetry.
server:
  httpListenAddr: "127.0.0.1:@HTTP_PORT@"
  grpcListenAddr: "127.0.0.1:@GRPC_PORT@"
storage:
  driver: disk
  disk:
    directory: "@POLICY_DIR@"
    watchForChanges: false
telemetry:
  disabled: true
%s"""
AUDIT_OFF = "audit:\n  enabled: false\n"
AUDIT_ON = """audit:
  enabled: true
  accessLogsEnabled: false
  decisionLogsEnabled: true
  backend: file
  file:
    path: "@AUDIT_FILE@"
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--actors", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--example-registry", default="examples/ops-warden/production_registry_snapshot.json")
    args = p.parse_args()
    out = args.out
    os.makedirs(os.path.join(out, "cerbos", "policies"), exist_ok=True)
    registry = os.path.join(out, "registry.json")
    if args.actors == 4:
        shutil.copyfile(args.example_registry, registry)
    else:
        write_synthetic(registry, args.actors)
    with open(registry, encoding="utf-8") as f:
        actors = {a["id"]: a for a in json.load(f)["entities"]["actor"]}
    if len(actors) != args.actors:
        raise SystemExit("expected %d actors in %s, found %d" % (args.actors, registry, len(actors)))

    with open(os.path.join(out, "cerbos", "policies", "actor.json"), "w", encoding="utf-8") as f:
        json.dump(cerbos_policy(actors), f, separators=(",", ":"))
    policy_dir = os.path.abspath(os.path.join(out, "cerbos", "policies"))
    for name, audit in (("config-off.yaml", AUDIT_OFF), ("config-audit.yaml", AUDIT_ON)):
        with open(os.path.join(out, "cerbos", name), "w", encoding="utf-8") as f:
            f.write((CONFIG % audit).replace("@POLICY_DIR@", policy_dir))

    asks = Mix(actors).generate()
    counts = {}
    with open(os.path.join(out, "mix.jsonl"), "w", encoding="utf-8") as mix, \
            open(os.path.join(out, "flex.bodies"), "w", encoding="utf-8") as fb, \
            open(os.path.join(out, "cerbos.bodies"), "w", encoding="utf-8") as cb:
        for i, (req, intended) in enumerate(asks):
            effect, reason, outputs = decide(actors, req)
            if reason != intended:
                raise SystemExit("request %d was drawn as %s but the rules answer %s: %s" % (i, intended, reason, req))
            counts[reason] = counts.get(reason, 0) + 1
            flex = json.dumps(req, separators=(",", ":"))
            cerbos = json.dumps(cerbos_body(i, req), separators=(",", ":"))
            mix.write(json.dumps({"flex": flex, "cerbos": cerbos,
                                  "expect": {"effect": effect, "reason": reason, "outputs": outputs}}) + "\n")
            fb.write(flex + "\n")
            cb.write(cerbos + "\n")
    print("%s: %d actors, %d requests %s" % (out, len(actors), len(asks), json.dumps(dict(sorted(counts.items())))))


if __name__ == "__main__":
    main()
