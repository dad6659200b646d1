#!/usr/bin/env python3
"""The Cerbos peer set-up of ../shared/peers/cerbos (its README) as bench/http.sh's primary peer.

    peer.py prepare --peer PEER_DIR --actors N --registry REGISTRY_JSON --out DIR
    peer.py check DIR FLEX_PORT CERBOS_PORT

prepare runs the peer's own gen_policies.py (fixture for 4 actors, else N synthetic actors) into
DIR: its policy (DIR/policies/ssh_cert.json) and its request mix with the expected decisions
(DIR/mixed.json: 10 allows and 2 of each deny, as its wrk_mixed.lua posts them). It checks that
the peer's registry (its registry.py) is the flex-auth registry being served, actor for actor, and
writes the same mix for both servers, one body per line, for bench/http/post.lua:
DIR/flex.bodies (POST /v1/check) and DIR/cerbos.bodies (POST /api/check/resources, the peer's own
request_body()), and DIR/expect.jsonl (effect and reason of each).

check posts every request of the mix to both servers (a port 0 leaves that server out) and requires the expected effect and reason
from each (Cerbos: the action's effect and the one output of the rule that activated, as the
peer's check.py reads it); exits 1 on any difference, before any load is run.
"""
import argparse
import http.client
import json
import os
import subprocess
import sys


def prepare(args):
    sys.path.insert(0, args.peer)
    import gen_policies  # noqa: E402  (the peer's)
    import registry as peer_registry  # noqa: E402

    spec = "fixture" if args.actors == 4 else str(args.actors)
    subprocess.run([sys.executable, os.path.join(args.peer, "gen_policies.py"), "--registry", spec, "--out", args.out],
                   check=True, stdout=sys.stderr)
    theirs = peer_registry.registry_for(spec)
    with open(args.registry, encoding="utf-8") as f:
        ours = {a["id"]: a for a in json.load(f)["entities"]["actor"]}
    if set(ours) != set(theirs):
        raise SystemExit("the peer's registry (%s) and %s name different actors (%d against %d)"
                         % (spec, args.registry, len(theirs), len(ours)))
    for name, a in theirs.items():
        o = ours[name]
        if (o["type"], o["principal"], o["max_ttl_hours"], sorted(o["allowed_subjects"])) != \
                (a["type"], a["principal"], a["max_ttl_hours"], sorted(a["allowed_subjects"])):
            raise SystemExit("actor %s differs between the peer's registry and %s: %s against %s" % (name, args.registry, a, o))
    with open(os.path.join(args.out, "mixed.json"), encoding="utf-8") as f:
        mixed = json.load(f)
    with open(os.path.join(args.out, "flex.bodies"), "w", encoding="utf-8") as fb, \
            open(os.path.join(args.out, "cerbos.bodies"), "w", encoding="utf-8") as cb, \
            open(os.path.join(args.out, "expect.jsonl"), "w", encoding="utf-8") as ex:
        for m in mixed:
            q = m["request"]
            flex = {"actor": q["actor"], "subject": q["subject"], "action": q["action"], "ttl_hours": q["ttl_hours"]}
            if q["principal"] is not None:
                flex["principal"] = q["principal"]
            cerbos = gen_policies.request_body(q["subject"], q["action"], q["actor"], q["ttl_hours"], q["principal"])
            fb.write(json.dumps(flex, separators=(",", ":")) + "\n")
            cb.write(json.dumps(cerbos, separators=(",", ":")) + "\n")
            ex.write(json.dumps({"action": q["action"], "effect": "allow" if m["allow"] else "deny", "reason": m["reason"]}) + "\n")
    print("peer mix: %d requests, %d actors, the peer's registry equals the served one" % (len(mixed), len(ours)), file=sys.stderr)


def post(conn, path, body):
    conn.request("POST", path, body=body.encode(), headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        raise SystemExit("%s answered %d: %s" % (path, r.status, data[:300]))
    return json.loads(data)


def check(args):
    flex = http.client.HTTPConnection("127.0.0.1", args.flex_port, timeout=30) if args.flex_port else None
    cerbos = http.client.HTTPConnection("127.0.0.1", args.cerbos_port, timeout=30) if args.cerbos_port else None
    d = args.dir
    bad = []
    n = 0
    with open(os.path.join(d, "flex.bodies")) as fb, open(os.path.join(d, "cerbos.bodies")) as cb, \
            open(os.path.join(d, "expect.jsonl")) as ex:
        for fl, cl, el in zip(fb, cb, ex):
            want = json.loads(el)
            expected = (want["effect"], want["reason"])
            got_flex = got_cerbos = expected
            if flex:
                env = post(flex, "/v1/check", fl.strip())
                got_flex = (env["effect"], env["reason"])
            if cerbos:
                res = post(cerbos, "/api/check/resources", cl.strip())["results"][0]
                outs = res.get("outputs", [])
                effect = {"EFFECT_ALLOW": "allow", "EFFECT_DENY": "deny"}.get(res["actions"][want["action"]], "?")
                reason = outs[0]["val"] if len(outs) == 1 and outs[0]["src"].endswith("#" + str(outs[0]["val"])) \
                    else "%d outputs" % len(outs)
                got_cerbos = (effect, reason)
            n += 1
            if got_flex != expected or got_cerbos != expected:
                bad.append("%s: expected %s, flex-auth %s, Cerbos %s" % (fl.strip(), expected, got_flex, got_cerbos))
    if bad:
        print("peer equivalence: %d of %d requests differ" % (len(bad), n))
        for b in bad[:20]:
            print("  " + b)
        sys.exit(1)
    who = " and ".join(w for w, port in (("flex-auth", args.flex_port), ("the Cerbos peer", args.cerbos_port)) if port)
    print("peer mix: %s gave the expected effect and reason on all %d requests" % (who, n))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("prepare")
    a.add_argument("--peer", required=True)
    a.add_argument("--actors", type=int, required=True)
    a.add_argument("--registry", required=True)
    a.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("dir")
    c.add_argument("flex_port", type=int)
    c.add_argument("cerbos_port", type=int)
    args = p.parse_args()
    prepare(args) if args.cmd == "prepare" else check(args)


if __name__ == "__main__":
    main()
