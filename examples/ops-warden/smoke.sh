#!/usr/bin/env bash
# ops-warden smoke against a running flex-auth: the pre-flight, one allow and one deny, as
# `warden sign` would ask them. Prints only non-secret evidence. See docs/ops-warden-policy-gate-handoff.md.
#
# Usage: examples/ops-warden/smoke.sh [--token-file FILE] [--timeout SECONDS] URL
#   URL           flex-auth base URL, e.g. http://flex-auth.flex-auth.svc.cluster.local:8080
#   --token-file  a file holding the check token (sent as Authorization: Bearer; never printed)
#   --timeout     seconds for each request, connection included (default 5)
#
# Exit codes:
#   0   pre-flight passed, the allow smoke was allowed and the deny smoke denied, as expected
#   1   mismatch: an answer was not a 200 decision envelope with the expected effect, reason and backend
#   2   unreachable: the pre-flight failed or a request got no answer (the fail-closed case)
#   64  usage error
set -euo pipefail

readonly ACTOR=agt-state-hub-bridge
readonly SUBJECT="iam:$ACTOR"
readonly DENY_TTL=999

usage() {
  sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
}

token_file=""
timeout=5
url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --token-file) [ $# -ge 2 ] || usage; token_file="$2"; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; timeout="$2"; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "smoke: unknown option $1" >&2; usage ;;
    *) [ -z "$url" ] || usage; url="$1"; shift ;;
  esac
done
[ -n "$url" ] || usage
[[ $timeout =~ ^[1-9][0-9]*$ ]] || { echo "smoke: --timeout must be a whole number of seconds, got $timeout" >&2; exit 64; }
url="${url%/}"
if [ -n "$token_file" ] && [ ! -r "$token_file" ]; then
  echo "smoke: cannot read the token file $token_file" >&2
  exit 64
fi
command -v curl >/dev/null 2>&1 || { echo "smoke: curl is required" >&2; exit 64; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

unreachable() {
  echo "UNREACHABLE: $*; flex-auth gave no usable answer, so warden sign must not sign (fail closed)" >&2
  exit 2
}

mismatch() {
  echo "MISMATCH: $*" >&2
  exit 1
}

# Prints NAME=VALUE lines for the members named in $2.. of the JSON file $1 ("a.b" for nested
# members; absent ones are left out). Exits non-zero when the file is not one JSON object.
if command -v python3 >/dev/null 2>&1; then
  json_fields() {
    python3 -c '
import json, sys
with open(sys.argv[1], "rb") as f:
    doc = json.loads(f.read().decode("utf-8"))
if not isinstance(doc, dict):
    sys.exit(1)
for path in sys.argv[2:]:
    v = doc
    for part in path.split("."):
        v = v.get(part) if isinstance(v, dict) else None
    if v is None or isinstance(v, (dict, list)):
        continue
    if isinstance(v, bool):
        v = str(v).lower()
    print("%s=%s" % (path, v))
' "$@"
  }
else
  # Without python3: a plain text match on the answer flattened to one line. A dotted path is
  # looked up after its parent's name, enough for the envelope and /healthz (the same member
  # name, e.g. digest, appears under several parents).
  json_fields() {
    local flat rest path name value
    flat="$(tr -d '\n\r' <"$1")"
    shift
    [[ $flat =~ ^[[:space:]]*\{.*\}[[:space:]]*$ ]] || return 1
    for path in "$@"; do
      rest="$flat"
      if [[ $path == *.* ]]; then
        rest="${flat#*\"${path%.*}\"}"
        [ "$rest" != "$flat" ] || continue
      fi
      name="${path##*.}"
      value="$(printf '%s' "$rest" | grep -o "\"$name\"[[:space:]]*:[[:space:]]*\(\"[^\"]*\"\|-\{0,1\}[0-9][0-9]*\|true\|false\)" \
        | head -n 1 | sed -e 's/^"[^"]*"[[:space:]]*:[[:space:]]*//' -e 's/^"\(.*\)"$/\1/')" || true
      [ -z "$value" ] || printf '%s=%s\n' "$path" "$value"
    done
  }
fi

# The value of member $2 in the NAME=VALUE lines $1.
field() {
  printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1
}

# Curl options shared by every request; the token goes through a config on standard input, so it
# never appears in the process list or in any output.
curl_common=(--silent --show-error --max-time "$timeout" --connect-timeout "$timeout" --proto =http,https)

# --- pre-flight: the runbook's `curl -fsS <url>/healthz` --------------------------------------
if ! curl --fail "${curl_common[@]}" -o "$work/healthz.json" "$url/healthz" 2>"$work/healthz.err"; then
  unreachable "pre-flight GET $url/healthz failed: $(tr '\n' ' ' <"$work/healthz.err")"
fi
health="$(json_fields "$work/healthz.json" status policy.package policy.version policy.digest registry.digest \
  registry.generated_at examples.passed examples.failed decision_log.state)" || health=""
echo "preflight url=$url/healthz status=$(field "$health" status)" \
  "policy=$(field "$health" policy.package) $(field "$health" policy.version) $(field "$health" policy.digest)" \
  "registry=$(field "$health" registry.digest) generated_at=$(field "$health" registry.generated_at)" \
  "examples_passed=$(field "$health" examples.passed) examples_failed=$(field "$health" examples.failed)" \
  "decision_log=$(field "$health" decision_log.state)"

# Posts the JSON body $2 to /v1/check, saving the answer as $work/$1.json; prints the HTTP status.
check() {
  local name="$1" body="$2" status
  local args=("${curl_common[@]}" -o "$work/$name.json" -w '%{http_code}' -X POST
    -H 'Content-Type: application/json' --data-binary "$body" "$url/v1/check")
  if [ -n "$token_file" ]; then
    local token
    token="$(tr -d '[:space:]' <"$token_file")"
    token="${token//\\/\\\\}"
    status="$(printf 'header = "Authorization: Bearer %s"\n' "${token//\"/\\\"}" \
      | curl --config - "${args[@]}" 2>"$work/$name.err")" || unreachable "POST $url/v1/check ($name smoke) failed: $(tr '\n' ' ' <"$work/$name.err")"
  else
    status="$(curl "${args[@]}" 2>"$work/$name.err")" \
      || unreachable "POST $url/v1/check ($name smoke) failed: $(tr '\n' ' ' <"$work/$name.err")"
  fi
  printf '%s' "$status"
}

# Checks the answer to the $1 smoke: HTTP 200, a decision envelope with effect $3 and reason $4 from
# backend flex-auth; prints the evidence line (extra evidence members: $5..).
expect() {
  local name="$1" status="$2" effect="$3" reason="$4" fields got
  shift 4
  if [ "$status" != 200 ]; then
    got="$(json_fields "$work/$name.json" error message 2>/dev/null)" || got=""
    mismatch "$name smoke: expected HTTP 200 with a decision, got HTTP $status $(field "$got" error): $(field "$got" message)"
  fi
  fields="$(json_fields "$work/$name.json" decision_id effect reason backend "$@")" \
    || mismatch "$name smoke: the answer is not a JSON object"
  local id actual_effect actual_reason backend line
  id="$(field "$fields" decision_id)"
  actual_effect="$(field "$fields" effect)"
  actual_reason="$(field "$fields" reason)"
  backend="$(field "$fields" backend)"
  line="$name actor=$ACTOR decision_id=$id effect=$actual_effect reason=$actual_reason backend=$backend"
  for extra in "$@"; do
    line="$line ${extra##*.}=$(field "$fields" "$extra")"
  done
  echo "$line"
  [[ $id =~ ^decision:[0-9a-f]{16}$ ]] || mismatch "$name smoke: expected a decision_id decision:<16 hex>, got '$id'"
  [ "$backend" = flex-auth ] || mismatch "$name smoke: expected backend flex-auth, got '$backend'"
  [ "$actual_effect $actual_reason" = "$effect $reason" ] \
    || mismatch "$name smoke: expected $effect $reason, got ${actual_effect:-no effect} ${actual_reason:-no reason}"
}

# --- allow smoke: the default TTL (no ttl_hours), as `warden sign` asks without --ttl ----------
status="$(check allow "{\"actor\":\"$ACTOR\",\"subject\":\"$SUBJECT\",\"action\":\"ssh.sign\"}")"
expect allow "$status" allow signing_policy_matched outputs.principal outputs.max_ttl_hours
allow="$(json_fields "$work/allow.json" outputs.principal outputs.max_ttl_hours)"
[ -n "$(field "$allow" outputs.principal)" ] || mismatch "allow smoke: the allow carries no outputs.principal to sign for"
[[ $(field "$allow" outputs.max_ttl_hours) =~ ^[1-9][0-9]*$ ]] \
  || mismatch "allow smoke: the allow carries no positive integer outputs.max_ttl_hours"

# --- deny smoke: `warden sign --ttl 999` ------------------------------------------------------
status="$(check deny "{\"actor\":\"$ACTOR\",\"subject\":\"$SUBJECT\",\"action\":\"ssh.sign\",\"ttl_hours\":$DENY_TTL}")"
expect deny "$status" deny ttl_out_of_bounds

echo "OK flex-auth at $url: pre-flight passed, default TTL allowed (signing_policy_matched), TTL $DENY_TTL denied (ttl_out_of_bounds)"
