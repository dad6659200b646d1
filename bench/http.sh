#!/usr/bin/env bash
# flex-auth serve against Cerbos over HTTP on loopback (issues 7 and 18); the figures behind
# docs/performance.md#over-http and #footprint-and-start-up-issue-18. Run by hand; never part of
# `mvn verify` or CI.
#
# The primary peer is the reference Cerbos set-up of ../shared/peers/cerbos (its README: the
# policy written as an experienced Cerbos user would, its 20-request mix with the expected
# answers, its pinned Cerbos from package-lock.json); --peer DIR or CERBOS_PEER names another copy.
# A second row ("own") keeps this script's earlier formulation (bench/http/gen.py: a Cerbos policy
# of its own and a 1,024-request mix), with flex-auth measured on that mix too.
#
# For each snapshot (the 4-actor ops-warden example, N-actor synthetic ones: the peer's registry,
# checked equal actor for actor) it
#   1. writes the workloads (bench/http/gen.py; the peer's gen_policies.py through bench/http/peer.py);
#   2. measures time from process start to a healthy health endpoint, several runs each;
#   3. for each mode (decision log off; --log; --log --log-fsync; Cerbos with audit off, then its
#      file audit backend on, decision logs on, as the peer's README says) starts flex-auth, the
#      Cerbos peer, the own Cerbos and the ceiling (flex-auth-bench's NoopServer: the JDK HTTP
#      server as serve sets it up, with a do-nothing handler answering as many bytes as flex-auth),
#      checks that both servers give the expected answer to every request of each mix (the run
#      stops on any mismatch), then drives each with wrk (bench/http/post.lua: keep-alive, the same
#      threads and connections for all):
#        - the first 10 s right after healthy (flex-auth's JIT is cold) and the RSS after them;
#        - a warm-up, then the RSS (by then each server has answered well over 100,000 requests);
#        - alternating rounds: flex-auth, Cerbos peer, ceiling, flex-auth on the own mix, own Cerbos;
#      and records the RSS after the load;
#   4. writes the tables (bench/http/report.py), ratios from the same run.
# CPU configurations: "shared" (server and wrk on both cores, as the issue measured) and "pinned"
# (taskset: the server on CPU 0, wrk on CPU 1).
#
# Usage: bench/http.sh [--quick] [--actors 4,100000] [--modes off,log,fsync] [--cpu shared,pinned]
#                      [--rounds 3] [--duration 20] [--warmup 10] [-t 2] [-c 32] [--health-runs 5]
#                      [--peer DIR] [--own on|off] [--ceiling on|off] [--cerbos-max-actors 100000]
#   --quick   one 5 s round after a 3 s warm-up, 4 actors, shared CPUs: a smoke test, not figures
#   --cerbos-max-actors  above this, Cerbos is left out (it compiles the registry into its policy:
#             23 s to healthy and 400 MB at 100,000 actors)
# Installs what it needs (wrk from apt, the peer's Cerbos with `npm ci` into bench/work/cerbos-peer,
# the flex-auth jar through bin/flex-auth, flex-auth-bench's jar with Maven). Work files and
# results go under bench/work/http/ (gitignored).
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
PEER=${CERBOS_PEER:-}
OWN=on
CEILING=on
CERBOS_MAX_ACTORS=100000
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
    --peer) PEER=$2; shift 2 ;;
    --own) OWN=$2; shift 2 ;;
    --ceiling) CEILING=$2; shift 2 ;;
    --cerbos-max-actors) CERBOS_MAX_ACTORS=$2; shift 2 ;;
    *) echo "usage: bench/http.sh [--quick] [--actors 4,100000] [--modes off,log,fsync] [--cpu shared,pinned]" \
         "[--rounds N] [--duration S] [--warmup S] [-t N] [-c N] [--health-runs N] [--peer DIR] [--own on|off]" \
         "[--ceiling on|off] [--cerbos-max-actors N]; got: $1" >&2; exit 2 ;;
  esac
done

WORK=$ROOT/bench/work/http
PEER=${PEER:-$ROOT/../shared/peers/cerbos}
CERBOS_DIR=$ROOT/bench/work/cerbos-peer
CERBOS=$CERBOS_DIR/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64
BENCH_JAR=$ROOT/flex-auth-bench/target/benchmarks.jar
FLEX_PORT=18181
CERBOS_PORT=3592
CERBOS_GRPC=3593
OWN_PORT=3594
OWN_GRPC=3595
NOOP_PORT=18182
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
[[ -f $PEER/gen_policies.py && -f $PEER/package-lock.json ]] \
  || die "the Cerbos peer set-up is not at $PEER (expected gen_policies.py and package-lock.json there, see its README);" \
    "give its directory with --peer DIR or CERBOS_PEER=DIR"
PEER=$(cd "$PEER" && pwd)
if [[ ! -x $CERBOS ]] || ! cmp -s "$PEER/package-lock.json" "$CERBOS_DIR/package-lock.json"; then
  command -v npm >/dev/null || die "npm is needed to install Cerbos (apt-get install -y npm)"
  log "installing the peer's Cerbos (npm ci of $PEER/package-lock.json) into $CERBOS_DIR"
  rm -rf "$CERBOS_DIR"
  mkdir -p "$CERBOS_DIR"
  cp "$PEER/package.json" "$PEER/package-lock.json" "$CERBOS_DIR/"
  (cd "$CERBOS_DIR" && npm ci --silent >/dev/null)
  [[ -x $CERBOS ]] || die "npm ci in $CERBOS_DIR did not install $CERBOS"
fi
if [[ $CEILING == on ]] && { [[ ! -f $BENCH_JAR ]] || [[ -n $(find flex-auth-server/src/main flex-auth-bench/src/main -newer "$BENCH_JAR" -print -quit) ]]; }; then
  log "building $BENCH_JAR (the ceiling's NoopServer)"
  mvn -B -q -o -Pbench -DskipTests -pl flex-auth-bench -am package >&2 || mvn -B -q -Pbench -DskipTests -pl flex-auth-bench -am package >&2 \
    || die "could not build $BENCH_JAR"
fi
# Builds the jar when stale and records the class-data-sharing archive, as an operator's first start would.
bin/flex-auth --version >/dev/null
for port in $FLEX_PORT $CERBOS_PORT $CERBOS_GRPC $OWN_PORT $OWN_GRPC $NOOP_PORT; do
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
  echo "cerbos: $("$CERBOS" --version 2>&1 | head -1) (peer set-up: $PEER)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "wrk options: -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds each after a ${WARMUP}s warm-up"
  echo "actors: $ACTORS; modes: $MODES; cpu: $CPUS; own formulation: $OWN; ceiling: $CEILING"
  echo "flex-auth JVM: $(FLEX_AUTH_PRINT_JAVA=1 bin/flex-auth serve --registry "$ROOT/examples/ops-warden/production_registry_snapshot.json" | sed 's/ -jar .*//')"
} | tee "$OUT/machine.txt"

# --- helpers -------------------------------------------------------------------------------------
# taskset prefix for the server and for wrk in a CPU configuration
server_cpus() { [[ $1 == pinned ]] && echo "taskset -c 0" || true; }
client_cpus() { [[ $1 == pinned ]] && echo "taskset -c 1" || true; }

wait_healthy() { # url pid
  await_healthy "$1" "$2" || die "see $RUN/*.err"
}

# The own formulation's Cerbos config (bench/http/gen.py) for a mode -> config file
own_config() { # actors-dir mode
  local src=$1/cerbos/config-off.yaml
  [[ $2 == off ]] || src=$1/cerbos/config-audit.yaml
  sed -e "s|@HTTP_PORT@|$OWN_PORT|; s|@GRPC_PORT@|$OWN_GRPC|; s|@AUDIT_FILE@|$RUN/cerbos-own-audit.log|" "$src" >"$RUN/cerbos-own.yaml"
  echo "$RUN/cerbos-own.yaml"
}

# The peer's Cerbos command line for a mode: its cerbos.yaml, its policies, its audit settings.
PEER_ARGS=()
peer_args() { # peer-dir mode
  PEER_ARGS=(server --config="$PEER/cerbos.yaml" --set=storage.disk.directory="$1/policies"
    --set=server.httpListenAddr=127.0.0.1:$CERBOS_PORT --set=server.grpcListenAddr=127.0.0.1:$CERBOS_GRPC)
  if [[ $2 != off ]]; then
    PEER_ARGS+=(--set=audit.enabled=true --set=audit.backend=file --set=audit.accessLogsEnabled=false
      --set=audit.decisionLogsEnabled=true --set=audit.file.path="$RUN/cerbos-audit.log")
  fi
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

start() { # name cpu command... : starts a server in the background, sets STARTED to its pid
  local name=$1 cpu=$2
  shift 2
  # shellcheck disable=SC2046
  CERBOS_NO_TELEMETRY=1 $(server_cpus "$cpu") "$@" >"$RUN/$name.out" 2>"$RUN/$name.err" &
  STARTED=$!
  PIDS+=("$STARTED")
}

say_result() { # label json
  log "  $1: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (%d requests)" % (r["rps"], r["p50_us"]/1e3, r["p99_us"]/1e3, r["p999_us"]/1e3, r["requests"]))' "$2")"
}

for actors in "${actor_list[@]}"; do
  dir=$(workload "$actors")
  python3 bench/http/peer.py prepare --peer "$PEER" --actors "$actors" --registry "$dir/registry.json" --out "$dir/peer" >&2
  with_cerbos=on
  (( actors <= CERBOS_MAX_ACTORS )) || with_cerbos=off
  log "$actors actors: registry $(du -h "$dir/registry.json" | cut -f1), Cerbos peer policy $(du -h "$dir/peer/policies/ssh_cert.json" | cut -f1)" \
    "$([[ $with_cerbos == on ]] || echo "(Cerbos left out above $CERBOS_MAX_ACTORS actors)")"
  # The size of flex-auth's answer to the peer mix, which the ceiling answers with.
  flex_bytes=0

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
    if [[ $with_cerbos == on ]]; then
      peer_args "$dir/peer" off
      h=$(python3 bench/http/healthy.py --url "http://127.0.0.1:$CERBOS_PORT/_cerbos/health" --runs "$HEALTH_RUNS" "${pin[@]}" -- \
        env CERBOS_NO_TELEMETRY=1 "$CERBOS" "${PEER_ARGS[@]}")
      record "{\"kind\":\"healthy\",\"actors\":$actors,\"cpu\":\"$cpu\",\"server\":\"cerbos\",\"result\":$h}"
      log "  Cerbos    $h"
    fi

    for mode in "${mode_list[@]}"; do
      rm -f "$RUN/decisions.jsonl" "$RUN"/decisions.jsonl.* "$RUN/cerbos-audit.log" "$RUN/cerbos-own-audit.log"
      servers=(flex-auth)
      serve_args "$dir" $FLEX_PORT "$mode" "$RUN/decisions.jsonl"
      start flex-auth "$cpu" bin/flex-auth "${SERVE_ARGS[@]}"
      declare -A pid_of=([flex-auth]=$STARTED)
      if [[ $with_cerbos == on ]]; then
        peer_args "$dir/peer" "$mode"
        start cerbos "$cpu" "$CERBOS" "${PEER_ARGS[@]}"
        pid_of[cerbos]=$STARTED
        servers+=(cerbos)
      fi
      wait_healthy "http://127.0.0.1:$FLEX_PORT/healthz" "${pid_of[flex-auth]}"
      flex_url=http://127.0.0.1:$FLEX_PORT
      cerbos_url=http://127.0.0.1:$CERBOS_PORT
      # Checked before it is timed (20 requests: too few to warm anything up).
      python3 bench/http/peer.py check "$dir/peer" $FLEX_PORT 0 | tee -a "$OUT/equivalence.txt" >&2 \
        || die "$actors actors, $mode: flex-auth does not give the peer mix's expected answers (see above); no load was run"
      # The first 10 s after healthy, while the JIT compiles the request path (Cerbos after it).
      r=$(drive "flex-auth first 10 s" "$cpu" "$flex_url" /v1/check "$dir/peer/flex.bodies" 10)
      record "{\"kind\":\"first10\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"flex-auth\",\"result\":$r,\"rss_kb\":$(rss_kb "${pid_of[flex-auth]}")}"
      say_result "flex-auth, first 10 s after healthy" "$r"
      if [[ $with_cerbos == on ]]; then
        wait_healthy "$cerbos_url/_cerbos/health" "${pid_of[cerbos]}"
        python3 bench/http/peer.py check "$dir/peer" 0 $CERBOS_PORT | tee -a "$OUT/equivalence.txt" >&2 \
          || die "$actors actors, $mode: the Cerbos peer does not give the peer mix's expected answers (see above); no load was run"
        r=$(drive "Cerbos first 10 s" "$cpu" "$cerbos_url" /api/check/resources "$dir/peer/cerbos.bodies" 10)
        record "{\"kind\":\"first10\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"cerbos\",\"result\":$r,\"rss_kb\":$(rss_kb "${pid_of[cerbos]}")}"
        say_result "Cerbos, first 10 s after healthy" "$r"
      fi
      if [[ $flex_bytes == 0 ]]; then
        flex_bytes=$(curl -s -o /dev/null -w '%{size_download}' -H 'Content-Type: application/json' \
          --data-binary "$(head -1 "$dir/peer/flex.bodies")" "$flex_url/v1/check")
      fi
      if [[ $CEILING == on ]]; then
        start noop "$cpu" java -XX:+UseSerialGC -cp "$BENCH_JAR" dev.flexauth.server.NoopServer $NOOP_PORT "$flex_bytes"
        pid_of[noop]=$STARTED
        servers+=(noop)
        wait_healthy "http://127.0.0.1:$NOOP_PORT/" "${pid_of[noop]}"
      fi
      if [[ $OWN == on && $with_cerbos == on ]]; then
        start cerbos-own "$cpu" "$CERBOS" server --config="$(own_config "$dir" "$mode")"
        pid_of[cerbos-own]=$STARTED
        servers+=(flex-auth-own cerbos-own)
        wait_healthy "http://127.0.0.1:$OWN_PORT/_cerbos/health" "${pid_of[cerbos-own]}"
        python3 bench/http/check.py "$dir/mix.jsonl" $FLEX_PORT $OWN_PORT | tee -a "$OUT/equivalence.txt" >&2 \
          || die "$actors actors, $mode: flex-auth and the own Cerbos disagree (see above); no load was run"
      fi

      # url, path and bodies of each row; flex-auth-own is the same process on the own mix.
      target() {
        case $1 in
          flex-auth) echo "$flex_url /v1/check $dir/peer/flex.bodies" ;;
          cerbos) echo "$cerbos_url /api/check/resources $dir/peer/cerbos.bodies" ;;
          noop) echo "http://127.0.0.1:$NOOP_PORT /v1/check $dir/peer/flex.bodies" ;;
          flex-auth-own) echo "$flex_url /v1/check $dir/flex.bodies" ;;
          cerbos-own) echo "http://127.0.0.1:$OWN_PORT /api/check/resources $dir/cerbos.bodies" ;;
        esac
      }
      log "$actors actors, $cpu, log $mode: warm-up ${WARMUP}s each"
      for server in "${servers[@]}"; do
        read -r u pth b <<<"$(target "$server")"
        r=$(drive "$server warm-up" "$cpu" "$u" "$pth" "$b" "$WARMUP")
        record "{\"kind\":\"warmup\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"$server\",\"result\":$r}"
      done
      for server in flex-auth cerbos; do
        [[ -n ${pid_of[$server]:-} ]] || continue
        record "{\"kind\":\"rss_warm\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"$server\",\"kb\":$(rss_kb "${pid_of[$server]}")}"
      done
      for round in $(seq 1 "$ROUNDS"); do
        for server in "${servers[@]}"; do
          read -r u pth b <<<"$(target "$server")"
          r=$(drive "$server round $round" "$cpu" "$u" "$pth" "$b" "$DURATION")
          record "{\"kind\":\"load\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"$server\",\"round\":$round,\"result\":$r}"
          say_result "round $round $server" "$r"
        done
      done
      for server in flex-auth cerbos noop cerbos-own; do
        [[ -n ${pid_of[$server]:-} ]] || continue
        record "{\"kind\":\"rss\",\"actors\":$actors,\"cpu\":\"$cpu\",\"mode\":\"$mode\",\"server\":\"$server\",\"kb\":$(rss_kb "${pid_of[$server]}")}"
      done
      if [[ $mode != off ]]; then
        log "  decision log $(wc -l <"$RUN/decisions.jsonl") lines$([[ -n ${pid_of[cerbos]:-} ]] && echo "; Cerbos audit log $(cat "$RUN/cerbos-audit.log" 2>/dev/null | wc -l) lines")"
      fi
      unset pid_of
      stop_all
    done
  done
done

python3 bench/http/report.py "$RESULTS" "$OUT/machine.txt" >"$OUT/tables.md"
cat "$OUT/tables.md"
log "results in $OUT (results.jsonl, tables.md, wrk.txt, equivalence.txt, machine.txt)"
