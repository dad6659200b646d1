#!/bin/sh
# Runs the hardening tests of flex-auth-server and prints the figures they produced, with the
# date, the machine and the command, ready to paste into docs/reliability.md.
#
#   bench/reliability/run.sh          the fast variants (as in every mvn -B verify)
#   bench/reliability/run.sh long     the long variants (-Preliability): several minutes
#
# Extra arguments go to Maven, e.g. -Dhardening.seed=123 to replay a hostile battery.
set -eu
cd "$(dirname "$0")/../.."
scale=${1:-fast}
[ $# -gt 0 ] && shift
profile=""
[ "$scale" = long ] && profile="-Preliability"
rm -f flex-auth-server/target/hardening/figures.txt
command="mvn -B verify $profile -pl flex-auth-server -am -Dtest=dev/flexauth/server/hardening/*Test -Dsurefire.failIfNoSpecifiedTests=false $*"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "# $command"
$command > flex-auth-server/target/hardening-run.log 2>&1 || { tail -50 flex-auth-server/target/hardening-run.log; exit 1; }
cut -d' ' -f2- flex-auth-server/target/hardening/figures.txt
