#!/usr/bin/env bash
# Revocation latency under load (issue 14; docs/performance.md): a real `flex-auth serve` with its
# decision log beside the registry, steady checks at a fixed rate, and SWAPS registry snapshots
# renamed into place, alternately without and with one actor; prints p50, p99 and max of the time
# from each rename to the first answer that follows it. Not a test: it measures; about 1 min per 60 swaps.
#
# Usage: bench/revocation.sh [--swaps N] [--rate CHECKS_PER_S] [--clients N] [--serve-args "..."]
# (defaults: 60 swaps, 600 checks/s from 4 clients, serve's default reload settings)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=flex-auth-cli/target/flex-auth.jar
if [[ ! -f $jar ]] || [[ -n $(find flex-auth-core/src flex-auth-server/src flex-auth-cli/src -newer "$jar" -name '*.java' -print -quit) ]]; then
  mvn -o -B -q -pl flex-auth-cli -am package -DskipTests >&2
fi
# The source launcher runs one file: the harness the programs share is compiled beside it.
classes=$(mktemp -d /tmp/flex-auth-bench-classes-XXXXXX)
trap 'rm -rf "$classes"' EXIT
javac -d "$classes" bench/lib/Harness.java
java -cp "$classes" bench/revocation/RevocationLatency.java --jar "$jar" --examples examples/ops-warden "$@"
