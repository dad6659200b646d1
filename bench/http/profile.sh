#!/usr/bin/env bash
# Profiles flex-auth serve under the wrk load of bench/http.sh with Java Flight Recorder: where
# the microseconds of a request go (bench/http/jfr_top.py), and how many system calls a request
# makes (strace -c on the server, if installed). Run after bench/http.sh has written the workload.
#
# Usage: bench/http/profile.sh [--actors 4] [--mode off|log|fsync] [--duration 20] [-t 2] [-c 32]
# Output: bench/work/http/profile-<actors>-<mode>.{jfr,txt}
set -euo pipefail
cd "$(dirname "$0")/../.."
ACTORS=4
MODE=log
DURATION=20
THREADS=2
CONNECTIONS=32
while [[ $# -gt 0 ]]; do
  case "$1" in
    --actors) ACTORS=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -t) THREADS=$2; shift 2 ;;
    -c) CONNECTIONS=$2; shift 2 ;;
    *) echo "usage: bench/http/profile.sh [--actors N] [--mode off|log|fsync] [--duration S] [-t N] [-c N]" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench/http/lib.sh
source bench/http/lib.sh
WORK=bench/work/http
DIR=$(workload "$ACTORS")
PORT=18181
OUT=$WORK/profile-$ACTORS-$MODE
rm -f "$OUT.jfr" "$WORK/run/profile-decisions.jsonl"
mkdir -p "$WORK/run"
serve_args "$DIR" $PORT "$MODE" "$WORK/run/profile-decisions.jsonl"
FLEX_AUTH_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" bin/flex-auth "${SERVE_ARGS[@]}" 2>"$WORK/run/profile.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
await_healthy http://127.0.0.1:$PORT/healthz $pid || { echo "see $WORK/run/profile.err" >&2; exit 1; }
drive() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s -s bench/http/post.lua http://127.0.0.1:$PORT -- "$DIR/flex.bodies" /v1/check; }
drive 10 >/dev/null # warm-up: let C2 compile the request path first
# CPU per request: the server's user and system time (/proc/<pid>/stat) and the whole machine's busy
# time (/proc/stat) over one run without the profiler, divided by the requests answered.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
t0=$(cpu_ticks); m0=$(busy_ticks)
plain=$(drive "$DURATION" | sed -n 's/^RESULT //p')
t1=$(cpu_ticks); m1=$(busy_ticks)
hz=$(getconf CLK_TCK)
# The profile settings, with Java and native stacks sampled every millisecond instead of every 10-20 ms.
jfc=$WORK/run/cpu.jfc
sed -e '/<event name="jdk.ExecutionSample">/,/<\/event>/ s|<setting name="period">[^<]*</setting>|<setting name="period">1 ms</setting>|' \
  -e '/<event name="jdk.NativeMethodSample">/,/<\/event>/ s|<setting name="period">[^<]*</setting>|<setting name="period">1 ms</setting>|' \
  "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" >"$jfc"
jcmd "$pid" JFR.start name=http settings="$PWD/$jfc" >/dev/null
result=$(drive "$DURATION" | sed -n 's/^RESULT //p')
jcmd "$pid" JFR.dump name=http filename="$PWD/$OUT.jfr" >/dev/null
jcmd "$pid" JFR.stop name=http >/dev/null
{
  echo "flex-auth, $ACTORS actors, log $MODE, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
  echo "without the profiler: $plain"
  python3 - "$plain" "$((t1 - t0))" "$((m1 - m0))" "$hz" "$(nproc)" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); server, machine, hz, cores = (int(a) for a in sys.argv[2:6])
n = r["requests"]
print("CPU per request: server %.1f µs, whole machine (server, wrk, kernel, everything else) %.1f µs; "
      "machine busy %.0f%% of its %d cores" % (server / hz / n * 1e6, machine / hz / n * 1e6, 100.0 * machine / hz / r["seconds"] / cores, cores))
PY
  echo "with the profiler: $result"
  echo
  python3 bench/http/jfr_top.py "$OUT.jfr"
  if command -v strace >/dev/null; then
    echo
    echo "System calls of the server during 5 s of the same load (strace -f -c):"
    strace -f -c -p "$pid" -o "$OUT.strace" &
    spid=$!
    sleep 0.5
    result=$(drive 5 | sed -n 's/^RESULT //p')
    kill -INT $spid
    wait $spid 2>/dev/null || true
    echo "(under strace: $result)"
    head -25 "$OUT.strace"
  fi
} | tee "$OUT.txt"
