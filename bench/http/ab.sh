#!/usr/bin/env bash
# A/B of two flex-auth builds over HTTP: the before/after figures of a change to the request path.
# Starts both jars at once (ports 18181 and 18182, same options, the CDS archive off for both),
# warms both up, then alternates wrk rounds between them and prints the medians.
#
# Usage: bench/http/ab.sh BEFORE.jar AFTER.jar [--actors 4] [--mode off|log|fsync] [--rounds 5]
#                         [--duration 10] [-t 2] [-c 32]
# Keep a copy of the jar before a change: cp flex-auth-cli/target/flex-auth.jar bench/work/before.jar
# ARGS_A, ARGS_B: extra serve options for one side (e.g. ARGS_B="--worker-threads 2" with the same jar twice).
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ $# -ge 2 ]] || { echo "usage: bench/http/ab.sh BEFORE.jar AFTER.jar [--actors N] [--mode M] [--rounds N] [--duration S] [-t N] [-c N]" >&2; exit 2; }
A=$1
B=$2
shift 2
ACTORS=4
MODE=log
ROUNDS=5
DURATION=10
THREADS=2
CONNECTIONS=32
while [[ $# -gt 0 ]]; do
  case "$1" in
    --actors) ACTORS=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -t) THREADS=$2; shift 2 ;;
    -c) CONNECTIONS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench/http/lib.sh
source bench/http/lib.sh
WORK=bench/work/http
DIR=$(workload "$ACTORS")
mkdir -p "$WORK/run"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
start() { # jar port name
  rm -f "$WORK/run/ab-$3.jsonl"
  serve_args "$DIR" "$2" "$MODE" "$WORK/run/ab-$3.jsonl"
  local extra=${ARGS_A:-}
  [[ $3 == b ]] && extra=${ARGS_B:-}
  # shellcheck disable=SC2086
  java -jar "$1" "${SERVE_ARGS[@]}" $extra 2>"$WORK/run/ab-$3.err" &
  pids+=($!)
  await_healthy "http://127.0.0.1:$2/healthz" $! || { echo "$1 did not become healthy; see $WORK/run/ab-$3.err" >&2; exit 1; }
}
drive() { # port seconds
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s -s bench/http/post.lua "http://127.0.0.1:$1" -- "$DIR/flex.bodies" /v1/check \
    | sed -n 's/^RESULT //p'
}
start "$A" 18181 a
start "$B" 18182 b
drive 18181 10 >/dev/null
drive 18182 10 >/dev/null
: >"$WORK/run/ab.jsonl"
for r in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    port=18181
    [[ $side == b ]] && port=18182
    res=$(drive $port "$DURATION")
    echo "{\"side\":\"$side\",\"round\":$r,\"result\":$res}" >>"$WORK/run/ab.jsonl"
  done
done
python3 - "$WORK/run/ab.jsonl" "$A" "$B" "$ACTORS" "$MODE" "$THREADS" "$CONNECTIONS" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("A/B, %s actors, log %s, wrk -t%s -c%s, %d rounds each (medians):" % (sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7], len(rows) // 2))
for side, jar in (("a", sys.argv[2]), ("b", sys.argv[3])):
    rs = [r["result"] for r in rows if r["side"] == side]
    m = lambda k: statistics.median(x[k] for x in rs)
    print("  %s %-40s %8.0f req/s  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms   (req/s per round: %s)" % (
        side.upper(), jar, m("rps"), m("p50_us") / 1e3, m("p99_us") / 1e3, m("p999_us") / 1e3,
        ", ".join("%.0f" % x["rps"] for x in rs)))
EOF
