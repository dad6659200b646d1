#!/usr/bin/env bash
# The fleet's revocation latency (issue 21; docs/performance.md, "Fleet revocation latency"): nginx
# serves a signed snapshot, three `flex-auth serve --registry URL` replicas pull it (default poll),
# HAProxy in front carries a steady load, and PUBLICATIONS times a snapshot without one actor is
# published (snapshot, then .sig, each by an atomic rename), the actor put back in between. Prints
# p50, p99 and max of the time from the first rename until every replica denies the actor. Not a
# test: it measures. Needs nginx, haproxy, ssh-keygen and python3.
#
# Usage: bench/fleet/revocation.sh [--actors 4|N] [--publications N] [--rate CHECKS_PER_S]
# (defaults: 4 actors (the ops-warden example), 20 publications, 200 checks/s through HAProxy)
set -euo pipefail
cd "$(dirname "$0")/../.."
actors=4 publications=20 rate=200
while [[ $# -gt 0 ]]; do
  case $1 in
    --actors) actors=$2; shift 2 ;;
    --publications) publications=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    *) echo "usage: $0 [--actors N] [--publications N] [--rate CHECKS_PER_S]" >&2; exit 2 ;;
  esac
done
for tool in nginx haproxy ssh-keygen python3; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "$0: $tool is not installed" >&2; exit 2; }
done
jar=flex-auth-cli/target/flex-auth.jar
if [[ ! -f $jar ]] || [[ -n $(find flex-auth-core/src flex-auth-server/src flex-auth-cli/src -newer "$jar" -name '*.java' -print -quit) ]]; then
  mvn -o -B -q -pl flex-auth-cli -am package -DskipTests >&2
fi
dir=$(mktemp -d /tmp/flex-auth-fleet-revocation-XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/html" "$dir/logs"

# The two snapshots: with and without the probe actor, written the same way (compact JSON).
if [[ $actors == 4 ]]; then
  cp examples/ops-warden/production_registry_snapshot.json "$dir/full.json"
  probe=agt-state-hub-bridge
else
  python3 bench/http/gen.py --actors "$actors" --out "$dir/gen" >/dev/null
  cp "$dir/gen/registry.json" "$dir/full.json"
  probe=agt-synthetic-000001
fi
python3 - "$dir" "$probe" <<'PY'
import json, sys
d, probe = sys.argv[1], sys.argv[2]
with open(f"{d}/full.json") as f:
    reg = json.load(f)
def actors(node):
    # The actors are the objects of entities.actor (the registry format), whatever else is there.
    return node["entities"]["actor"]
before = len(actors(reg))
for name, keep in (("with", lambda a: True), ("without", lambda a: a.get("id") != probe)):
    r = json.loads(json.dumps(reg))
    r["entities"]["actor"] = [a for a in actors(r) if keep(a)]
    if name == "without" and len(r["entities"]["actor"]) != before - 1:
        sys.exit(f"no actor {probe} in the snapshot")
    with open(f"{d}/{name}.json", "w") as f:
        json.dump(r, f, separators=(",", ":"))
PY
ssh-keygen -q -t ed25519 -N '' -C fleet-bench -f "$dir/key"
echo "fleet-bench namespaces=\"flex-auth-registry\" $(cut -d' ' -f1,2 "$dir/key.pub")" >"$dir/allowed_signers"
for v in with without; do
  ssh-keygen -q -Y sign -n flex-auth-registry -f "$dir/key" "$dir/$v.json" 2>/dev/null
done
# The source launcher runs one file: the harness the programs share is compiled beside it.
javac -d "$dir/classes" bench/lib/Harness.java
java -cp "$dir/classes" bench/fleet/FleetRevocation.java --jar "$jar" --dir "$dir" --policy examples/ops-warden/policy_package.md \
  --probe "$probe" --actors "$actors" --publications "$publications" --rate "$rate"
