# Shared by bench/http.sh, bench/http/ab.sh and bench/http/profile.sh; sourced from the repository root.

# workload ACTORS: prints the workload directory for that many actors, after writing it with gen.py
# when it is missing or older than gen.py (so no script measures a workload an older gen.py wrote).
workload() {
  local dir=$PWD/bench/work/http/w$1
  if [[ ! -f $dir/mix.jsonl || bench/http/gen.py -nt $dir/mix.jsonl ]]; then
    python3 bench/http/gen.py --actors "$1" --out "$dir" >&2
  fi
  echo "$dir"
}

# serve_args DIR PORT MODE LOG: sets SERVE_ARGS to the `flex-auth serve` arguments for the workload
# in DIR on loopback PORT, with the decision log MODE (off, log, fsync) writing to LOG.
serve_args() {
  SERVE_ARGS=(serve --addr "127.0.0.1:$2" --registry "$1/registry.json" --policy "$PWD/examples/ops-warden/policy_package.md"
    --no-watch --no-sighup)
  case "$3" in
    off) ;;
    log) SERVE_ARGS+=(--log "$4") ;;
    fsync) SERVE_ARGS+=(--log "$4" --log-fsync) ;;
    *) echo "unknown decision-log mode '$3' (off, log, fsync)" >&2; return 2 ;;
  esac
}

# await_healthy URL PID: waits up to 120 s for URL to answer 2xx; fails when PID exits first.
await_healthy() {
  local _
  for _ in $(seq 1 6000); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server (pid $2) exited before $1 answered" >&2; return 1; }
    sleep 0.02
  done
  echo "$1 not healthy after 120 s" >&2
  return 1
}
