#!/usr/bin/env bash
# flex-auth serve against Cerbos over HTTP on loopback (issue 7, "Over HTTP"); the figures behind
# docs/performance.md#over-http. Run by hand; never part of `mvn verify` or CI.
#
# For each snapshot (the 4-actor ops-warden example, a 100,000-actor synthetic one) it
#   1. writes the workload (bench/http/gen.py): the registry, a Cerbos resource policy holding the
#      same registry, Cerbos configs, and a 1,024-request mix over all six outcomes;
#   2. measures time from process start to a healthy health endpoint, several runs each;
#   3. for each mode (decision log off; --log; --log --log-fsync; Cerbos with audit off, then its
#      file audit backend on) starts both servers, checks that both give the expected answer to
#      every request of the mix (bench/http/check.py; the run stops on any mismatch), warms both
#      up, then drives them in alternating rounds with wrk (bench/http/post.lua: keep-alive, the
#      same threads and connections for both), and records RSS after the load;
#   4. writes the tables (bench/http/report.py), ratios flex-auth/Cerbos from the same run.
# CPU configurations: "shared" (server and wrk on both cores, as the issue measured) and "pinned"
# (taskset: the server on CPU 0, wrk on CPU 1).
#
# Usage: bench/http.sh [--quick] [--actors 4,100000] [--modes off,log,fsync] [--cpu shared,pinned]
#                      [--rounds 3] [--duration 20] [--warmup 10] [-t 2] [-c 32] [--health-runs 5]
#   --quick   one 5 s round after a 3 s warm-up, 4 actors, shared CPUs: a smoke test, not figures
# Installs what it needs (wrk from apt, Cerbos from npm into bench/work/cerbos, the flex-auth jar
# through bin/flex-auth). Work files and results go under bench/work/http/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/http/lib.sh
source bench/http/lib.sh

ACTORS=4,100000
MODES=off,log,fsync
CPUS=shared,pinned
ROUNDS=3
DURATION=20
WARMUP=10
THREADS=2
CONNECTIONS=32
HEALTH_RUNS=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) ACTORS=4; CPUS=shared; ROUNDS=1; DURATION=5; WARMUP=3; HEALTH_RUNS=2; shift ;;
    --actors) ACTORS=$2; shift 2 ;;
    --modes) MODES=$2; shift 2 ;;
    --cpu) CPUS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -t) THREADS=$2; shift 2 ;;
    -c) CONNECTIONS=$2; shift 2 ;;
    --health-runs) HEALTH_RUNS=$2; shift 2 ;;
    *) echo "usage: bench/http.sh [--quick] [--actors 4,100000] [--modes off,log,fsync] [--cpu shared,pinned]" \
         "[--rounds N] [--duration S] [--warmup S] [-t N] [-c N] [--health-runs N]; got: $1" >&2; exit 2 ;;
  esac
done

WORK=$ROOT/bench/work/http
CERBOS_DIR=$ROOT/bench/work/cerbos
CERBOS=$CERBOS_DIR/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64
FLEX_PORT=18181
CERBOS_PORT=3592
CERBOS_GRPC=3593
OUT=$WORK/results/$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.jsonl
RUN=$WORK/run
PIDS=()

log() { echo "http.sh: $*" >&2; }
die() { log "$*"; exit 1; }

stop_all() {
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap stop_all EXIT

# --- tools ---------------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is needed (apt-get install -y python3)"
command -v taskset >/dev/null || die "taskset is needed (apt-get install -y util-linux)"
command -v curl >/dev/null || die "curl is needed (apt-get install -y curl)"
if ! command -v wrk >/dev/null; then
  log "installing wrk (apt)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if [[ ! -x $CERBOS ]]; then
  command -v npm >/dev/null || die "npm is needed to install Cerbos (apt-get install -y npm)"
  log "installing Cerbos (npm @cerbos/cerbos-linux-x64) into $CERBOS_DIR"
  mkdir -p "$CERBOS_DIR"
  npm install --silent --prefix "$CERBOS_DIR" @cerbos/cerbos-linux-x64 >/dev/null
  [[ -x $CERBOS ]] || die "the npm package did not hold $CERBOS"
fi
# Builds the jar when stale and records the class-data-sharing archive, as an operator's first start would.
bin/flex-auth --version >/dev/null
for port in $FLEX_PORT $CERBOS_PORT $CERBOS_GRPC; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    die "port $port already answers; stop whatever listens there"
  fi
done

mkdir -p "$OUT" "$RUN"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores: $(nproc)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  java -version 2>&1 | sed 's/^/java: /'
  echo "flex-auth: $(bin/flex-auth --version)"
  echo "cerbos: $("$CERBOS" --version 2>&1 | head -1)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "wrk options: -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds each after a ${WARMUP}s warm-up"
  echo "actors: $ACTORS; modes: $MODES; cpu: $CPUS"
} | tee "$OUT/machine.txt"

# --- helpers -------------------------------------------------------------------------------------
# taskset prefix for the server and for wrk in a CPU configuration
server_cpus() { [[ $1 == pinned ]] && echo "taskset -c 0" || true; }
client_cpus() { [[ $1 == pinned ]] && echo "taskset -c 1" || true; }

wait_healthy() { # url pid
  await_healthy "$1" "$2" || die "see $RUN/*.err"
}

cerbos_config() { # actors-dir mode -> config file
  local src=$1/cerbos/config-off.yaml
  [[ $2 == off ]] || src=$1/cerbos/config-audit.yaml
  sed -e "s|@HTTP_PORT@|$CERBOS_PORT|; s|@GRPC_PORT@|$CERBOS_GRPC|; s|@AUDIT_FILE@|$RUN/cerbos-audit.log|" "$src" >"$RUN/cerbos.yaml"
  echo "$RUN/cerbos.yaml"
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

record() { echo "$1" >>"$RESULTS"; }

drive() { # label cpu url path bodies duration -> RESULT json
  local out
  # shellcheck disable=SC2046
  out=$($(client_cpus "$2") wrk -t"$THREADS" -c"$CONNECTIONS" -d"$6"s --latency -s bench/http/post.lua "$3" -- "$5" "$4")
  echo "$out" >>"$OUT/wrk.txt"
  local json
  json=$(sed -n 's/^RESULT //p' <<<"$out")
  [[ -n $json ]] || die "wrk printed no result for $1: $out"
  local bad
  bad=$(python3 -c 'import json,sys; e=json.loads(sys.argv[1])["errors"]; print(sum(e.values()))' "$json")
  [[ $bad == 0 ]] || die "$1: wrk saw errors or non-2xx answers: $json"
  echo "$json"
}

# --- the runs ------------------------------------------------------------------------------------
IFS=, read -r -a actor_list <<<"$ACTORS"
IFS=, read -r -a mode_list <<<"$MODES"
IFS=, read -r -a cpu_list <<<"$CPUS"

for actors in "${actor_list[@]}"; do
  dir=$(workload "$actors")
  log "$actors actors: registry $(du -h "$dir/registry.json" | cut -f1), Cerbos policy $(du -h "$dir/cerbos/policies/actor.json" | cut -f1)"

  for cpu in "${cpu_list[@]}"; do
    # Time to healthy: launch to the first 200, polled every 10 ms; the launcher as an operator runs it.
    log "$actors actors, $cpu: time to healthy ($HEALTH_RUNS runs each)"
    pin=()
    [[ $cpu == pinned ]] && pin=(--taskset 0)
    serve_args "$dir" $FLEX_PORT off
    h=$(python3 bench/http/healthy.py --url "http://127.0.0.1:$FLEX_PORT/healthz" --runs "$HEALTH_RUNS" "${pin[@]}" -- \
      bin/flex-auth "${SERVE_ARGS[@]}")
    record "{\"kind\":\"healthy\",\"actors\":$actors,\"cpu\":\"$cpu\",\"server\":\"flex-auth\",\"result\":$h}"
    log "  flex-auth $h"
    h=$(python3 bench/http/healthy.py --url "http://127.0.0.1:$CERBOS_PORT/_cerbos/health" --runs "$HEALTH_RUNS" "${pin[@]}" -- \
      "$CERBOS" server --config="$(cerbos_config "$dir" off)")
    record "{\"kind\":\"healthy\",\"actors\":$actors,\"cpu\":\"$cpu\",\"server\":\"cerbos\",\"result\":$h}"
    log "  Cerbos    $h"

    for mode in "${mode_list[@]}"; do
      rm -f "$RUN/decisions.jsonl" "$RUN"/decisions.jsonl.* "$RUN/cerbos-audit.log"
      serve_args "$dir" $FLEX_PORT "$mode" "$RUN/decisions.jsonl"
      # shellcheck disable=SC2046
      $(server_cpus "$cpu") bin/flex-auth "${SERVE_ARGS[@]}" >"$RUN/flex.out" 2>"$RUN/flex.err" &
      flex_pid=$!
      PIDS+=("$flex_pid")
      # shellcheck disable=SC2046
      CERBOS_NO_TELEMETRY=1 $(server_cpus "$cpu") "$CERBOS" server --config="$(cerbos_config "$dir" "$mode")" \
        >"$RUN/cerbos.out" 2>"$RUN/cerbos.err" &
      cerbos_pid=$!
      PIDS+=("$cerbos_pid")
      wait_healthy "http://127.0.0.1:$FLEX_PORT/healthz" "$flex_pid"
      wait_healthy "http://127.0.0.1:$CERBOS_PORT/_cerbos/health" "$cerbos_pid"
      python3 bench/http/check.py "$dir/mix.jsonl" $FLEX_PORT $CERBOS_PORT | tee -a "$OUT/equivalence.txt" >&2 \
        || die "$actors actors, $mode: the servers disagree (see above); no load was run"

      flex_url=http://127.0.0.1:$FLEX_PORT
      cerbos_url=http://127.0.0.1:$CERBOS_PORT
      log "$actors actors, $cpu, log $mode: warm-up ${WARMUP}s each"
      drive "flex-auth warm-up" "$cpu" "$flex_url" /v1/check "$dir/flex.bodies" "$WARMUP" >/dev/null
      drive "Cerbos warm-up" "$cpu" "$cerbos_url" /api/check/resources "$dir/cerbos.bodies" "$WARMUP" >/dev/null
      for round in $(seq 1 "$ROUNDS"); do
        for server in flex-auth cerbos; do
          if [[ $server == flex-auth ]]; then
            r=$(drive "$server round $round" "$cpu" "$flex_url" /v1/check "$dir/flex.bodies" "$DURATION")
          else
            r=$(drive "$server round $round" "$cpu" "$cerbos_url" /api/check/resources "$dir/cerbos.bodies" "$DURATION")
          fi
          record "{\"kind\":\"load\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"$server\",\"round\":$round,\"result\":$r}"
          log "  round $round $server: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms" % (r["rps"], r["p50_us"]/1e3, r["p99_us"]/1e3, r["p999_us"]/1e3))' "$r")"
        done
      done
      record "{\"kind\":\"rss\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"flex-auth\",\"kb\":$(rss_kb "$flex_pid")}"
      record "{\"kind\":\"rss\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"cerbos\",\"kb\":$(rss_kb "$cerbos_pid")}"
      if [[ $mode != off ]]; then
        log "  decision log $(wc -l <"$RUN/decisions.jsonl") lines; Cerbos audit log $(wc -l <"$RUN/cerbos-audit.log" 2>/dev/null || echo 0) lines"
      fi
      stop_all
    done
  done
done

python3 bench/http/report.py "$RESULTS" "$OUT/machine.txt" >"$OUT/tables.md"
cat "$OUT/tables.md"
log "results in $OUT (results.jsonl, tables.md, wrk.txt, equivalence.txt, machine.txt)"
