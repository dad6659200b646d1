#!/usr/bin/env bash
# Every figure of docs/performance.md in one command: the in-process JMH run (flex-auth, the
# hand-written baseline, jCasbin; about ten minutes), then the HTTP run against Cerbos (4 and
# 100,000 actors, decision log off/on/fsync, shared and pinned CPUs; about forty minutes).
#
# Usage: bench/all.sh [--quick]   (--quick: both scripts' smoke runs, about 90 s; not figures to publish)
# Tables: flex-auth-bench/target/results/tables.md and bench/work/http/results/<time>/tables.md.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
case "${1:-}" in
  "") ;;
  --quick) quick=(--quick) ;;
  *) echo "usage: bench/all.sh [--quick]" >&2; exit 2 ;;
esac
bench/run-inprocess.sh "${quick[@]}"
bench/http.sh "${quick[@]}"
