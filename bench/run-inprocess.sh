#!/usr/bin/env bash
# Builds flex-auth-bench and runs every in-process measurement behind docs/performance.md:
#   1. CheckBenchmark (JMH, -prof gc): flex-auth, the hand-written baseline and jCasbin on the
#      4-actor example and a 100,000-actor synthetic snapshot; every implementation is first
#      checked against the baseline on every request of the mix, and the run stops on a mismatch.
#   2. PolicyBenchmark (JMH, -prof gc): policy package parse + validate; full example load.
#   3. LoadFootprint: registry load time and retained heap for 100,000 and 1,000,000 actors,
#      each size in a fresh JVM with a fixed 4 GiB heap.
#   4. Report: the Markdown tables, from the JSON results.
#   Opt-in step "properties": PropertyBenchmark (JMH, -prof gc), the exact check of the ops-warden
#   package's properties over the 4-actor example and the 100,000-actor snapshot (docs/testing-policies.md).
# Results land in flex-auth-bench/target/results/ (generated snapshots in flex-auth-bench/target/snapshots/).
#
# Usage: bench/run-inprocess.sh [--quick] [check] [policy] [load] [properties]
#   --quick        one short fork per benchmark: a smoke test, not figures to publish
#   check|policy|load  run only these steps (default: all three); the report uses every result
#                  file present, so one step can be redone on its own (e.g. after a noisy run)
#   JMH_OPTS=...   override the JMH run options (default: -f 2 -wi 5 -w 1s -i 5 -r 1s)
#   MVN_ARGS=-o    extra Maven arguments, e.g. offline
set -euo pipefail
cd "$(dirname "$0")/.."

JMH_OPTS=${JMH_OPTS:-"-f 2 -wi 5 -w 1s -i 5 -r 1s"}
LOAD_RUNS=5
STEPS=()
for arg in "$@"; do
  case "$arg" in
    --quick) JMH_OPTS="-f 1 -wi 2 -w 200ms -i 2 -r 200ms"; LOAD_RUNS=2 ;;
    check|policy|load|properties) STEPS+=("$arg") ;;
    *) echo "usage: bench/run-inprocess.sh [--quick] [check] [policy] [load] [properties]; got: $arg" >&2; exit 2 ;;
  esac
done
[[ ${#STEPS[@]} -gt 0 ]] || STEPS=(check policy load)
wants() { [[ " ${STEPS[*]} " == *" $1 "* ]]; }

OUT=flex-auth-bench/target/results
JAR=flex-auth-bench/target/benchmarks.jar

# shellcheck disable=SC2086
mvn -B ${MVN_ARGS:-} -Pbench -DskipTests -pl flex-auth-bench -am package
mkdir -p "$OUT"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores: $(nproc)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  java -version 2>&1 | sed 's/^/java: /'
  echo "jmh options: $JMH_OPTS"
  echo "steps: ${STEPS[*]}"
} | tee "$OUT/machine-$(IFS=-; echo "${STEPS[*]}").txt"

if wants check; then
  # shellcheck disable=SC2086
  java -jar "$JAR" CheckBenchmark $JMH_OPTS -prof gc -foe true -rf json -rff "$OUT/check.json" | tee "$OUT/check.txt"
fi
if wants policy; then
  # shellcheck disable=SC2086
  java -jar "$JAR" PolicyBenchmark $JMH_OPTS -prof gc -foe true -rf json -rff "$OUT/policy.json" | tee "$OUT/policy.txt"
fi
if wants properties; then
  # shellcheck disable=SC2086
  java -jar "$JAR" PropertyBenchmark $JMH_OPTS -prof gc -foe true -rf json -rff "$OUT/properties.json" | tee "$OUT/properties.txt"
fi
if wants load; then
  # One fresh JVM per size, so each size's first load is a cold one, as at a server start.
  for actors in 100000 1000000; do
    java -Xms4g -Xmx4g -cp "$JAR" dev.flexauth.bench.LoadFootprint --runs "$LOAD_RUNS" --out "$OUT/load-$actors.json" \
      "$actors" | tee "$OUT/load-$actors.txt"
  done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine-$(IFS=-; echo "${STEPS[*]}").txt"

java -cp "$JAR" dev.flexauth.bench.Report "$OUT/check.json" "$OUT/policy.json" "$OUT/load-100000.json" "$OUT/load-1000000.json" \
  | tee "$OUT/tables.md"
echo "tables written to $OUT/tables.md"
