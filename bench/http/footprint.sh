#!/usr/bin/env bash
# Footprint of one `flex-auth serve` as the launcher starts it, for docs/performance.md#large-registries:
# time from launch to a healthy /healthz, RSS after the registry load, requests/s and RSS after a
# wrk run of the script's own mix (decision log on), then a class histogram (a full collection).
# Run by hand, never in CI.
#
# Usage: bench/http/footprint.sh [--tree DIR] [--port N] [--duration S] ACTORS...
#   --tree DIR   the checkout whose bin/flex-auth is measured (default: this one); give a copy of
#                another commit to compare before and after in one run, e.g.
#                git archive BASE | tar -x -C /tmp/base   (its launcher builds its own jar once)
#   --duration S the wrk run (default 40 s: over 100,000 requests on a loaded 2-core machine)
# Workloads are bench/http/gen.py's (bench/work/http/wN, written when missing); results and the
# histograms go under bench/work/http/footprint/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=bench/http/lib.sh
source bench/http/lib.sh
TREE=$ROOT
PORT=28181
DURATION=40
ACTORS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tree) TREE=$(cd "$2" && pwd); shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -*) echo "usage: bench/http/footprint.sh [--tree DIR] [--port N] [--duration S] ACTORS..." >&2; exit 2 ;;
    *) ACTORS+=("$1"); shift ;;
  esac
done
[[ ${#ACTORS[@]} -gt 0 ]] || { echo "give at least one number of actors, e.g. 4 100000 1000000" >&2; exit 2; }
"$TREE/bin/flex-auth" --version >/dev/null # builds that tree's jar first, outside the timing
rss_mb() { echo $(( $(awk '/^VmRSS:/ {print $2}' "/proc/$1/status") / 1024 )); }
for actors in "${ACTORS[@]}"; do
  dir=$(workload "$actors")
  out=$ROOT/bench/work/http/footprint/$(date -u +%H%M%S)-$actors
  mkdir -p "$out"
  echo "== $TREE, $actors actors, load before $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s%N)
  "$TREE/bin/flex-auth" serve --addr "127.0.0.1:$PORT" --registry "$dir/registry.json" \
    --policy "$TREE/examples/ops-warden/policy_package.md" --no-watch --no-sighup --log "$out/decisions.jsonl" \
    >"$out/out" 2>"$out/err" &
  pid=$!
  await_healthy "http://127.0.0.1:$PORT/healthz" "$pid" || { cat "$out/err" >&2; exit 1; }
  echo "time to healthy: $(( ($(date +%s%N) - start) / 1000000 )) ms"
  sleep 1
  echo "RSS after load: $(rss_mb "$pid") MB"
  wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/http/post.lua "http://127.0.0.1:$PORT" -- "$dir/flex.bodies" /v1/check \
    | sed -n 's/^RESULT //p' | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print("requests: %d, %.0f requests/s, p99 %.2f ms" % (r["requests"], r["rps"], r["p99_us"]/1e3))'
  echo "RSS after the requests: $(rss_mb "$pid") MB"
  jcmd "$pid" GC.class_histogram >"$out/histogram.txt" 2>&1 || true
  echo "heap after a full collection (class histogram total): $(( $(tail -1 "$out/histogram.txt" | awk '{print $3}') / 1048576 )) MB"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
