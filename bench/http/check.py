#!/usr/bin/env python3
"""Checks that flex-auth and Cerbos give the same answers on the request mix, before any load.

    check.py MIX_JSONL FLEX_PORT CERBOS_PORT

Every request of the mix (mix.jsonl from gen.py: 1,024 requests over all six outcomes) is posted
to both servers over one keep-alive connection each. Both answers are reduced to (effect, reason,
outputs) and must equal the answer gen.py computed from the package's rules:

- flex-auth: the envelope's effect, reason and outputs.
- Cerbos: the action's effect; the reason and, on allow, principal and max_ttl_hours from the
  output of the one rule that activated. A deny without an output is action_not_supported (the
  one rule Cerbos cannot state: CEL does not see the action, so it is Cerbos' default deny).

Prints a summary per outcome; exits 1 on the first mismatches (all of them listed, up to 20).
"""
import http.client
import json
import sys


def post(conn, path, body):
    conn.request("POST", path, body=body.encode(), headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        raise SystemExit("%s answered %d: %s" % (path, r.status, data[:300]))
    return json.loads(data)


def flex_answer(env):
    return env["effect"], env["reason"], env["outputs"]


def cerbos_answer(resp, action):
    result = resp["results"][0]
    effect = {"EFFECT_ALLOW": "allow", "EFFECT_DENY": "deny"}[result["actions"][action]]
    outputs = [o["val"] for o in result.get("outputs", []) if o.get("action") == action]
    if len(outputs) > 1:
        return effect, "several rules activated: %s" % outputs, {}
    if not outputs:
        return effect, "action_not_supported" if effect == "deny" else "allow without output", {}
    val = dict(outputs[0])
    reason = val.pop("reason")
    return effect, reason, val


def main():
    mix_file, flex_port, cerbos_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    flex = http.client.HTTPConnection("127.0.0.1", flex_port, timeout=30)
    cerbos = http.client.HTTPConnection("127.0.0.1", cerbos_port, timeout=30)
    mismatches = []
    per_reason = {}
    n = 0
    with open(mix_file, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            want = (item["expect"]["effect"], item["expect"]["reason"], item["expect"]["outputs"])
            action = json.loads(item["flex"])["action"]
            got_flex = flex_answer(post(flex, "/v1/check", item["flex"]))
            got_cerbos = cerbos_answer(post(cerbos, "/api/check/resources", item["cerbos"]), action)
            n += 1
            per_reason[want[1]] = per_reason.get(want[1], 0) + 1
            if got_flex != want or got_cerbos != want:
                mismatches.append("request %s: expected %s, flex-auth %s, Cerbos %s" % (item["flex"], want, got_flex, got_cerbos))
    summary = ", ".join("%s %d" % kv for kv in sorted(per_reason.items()))
    if mismatches:
        print("equivalence: %d of %d requests differ (%s)" % (len(mismatches), n, summary))
        for m in mismatches[:20]:
            print("  " + m)
        sys.exit(1)
    print("equivalence: flex-auth and Cerbos both gave the expected effect, reason and outputs on all %d requests (%s)"
          % (n, summary))


if __name__ == "__main__":
    main()
