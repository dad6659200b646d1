#!/usr/bin/env bash
# Time from `bin/flex-auth serve ... --log` to the first 200 from /healthz (polled every 10 ms), for
# two or more checkouts in turn, run by run, so that a change of the start is compared under the
# same machine state: docs/performance.md#footprint-and-start-up-issue-18 (run 8). Run by hand,
# never in CI.
#
# Usage: bench/http/healthy-ab.sh [--runs N] REGISTRY TREE...
#   TREE   a checkout whose bin/flex-auth is started (a copy of another commit:
#          git worktree add /tmp/base BASE); each is started once first, unmeasured, so its
#          launcher builds its jar and class-data archive.
# Prints one line per round: the milliseconds of each tree, in the order given.
set -euo pipefail
runs=5
if [ "${1:-}" = --runs ]; then
  runs=$2
  shift 2
fi
[ $# -ge 2 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
registry=$1
shift
root="$(cd "$(dirname "$0")/../.." && pwd)"
policy="$root/examples/ops-warden/policy_package.md"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One start: prints its milliseconds to healthy.
start() {
  local tree=$1 port=$((20000 + RANDOM % 20000)) t0 t1 pid
  t0=$(date +%s%N)
  "$tree/bin/flex-auth" serve --addr "127.0.0.1:$port" --registry "$registry" --policy "$policy" \
    --log "$work/decisions-$port.jsonl" >/dev/null 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "flex-auth in $tree exited before it was healthy" >&2; return 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo $(((t1 - t0) / 1000000))
}

for tree in "$@"; do
  start "$tree" >/dev/null
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  line="round $i:"
  for tree in "$@"; do
    line="$line $tree $(start "$tree") ms"
  done
  echo "$line"
done
