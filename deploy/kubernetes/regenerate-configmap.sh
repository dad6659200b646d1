#!/usr/bin/env bash
# Rewrites deploy/kubernetes/configmap.yaml from the registry snapshot and policy package under
# examples/ops-warden (or the two files given), with kubectl's own ConfigMap encoding.
# Usage: deploy/kubernetes/regenerate-configmap.sh [SNAPSHOT POLICY]
set -euo pipefail
cd "$(dirname "$0")/../.."
snapshot="${1:-examples/ops-warden/production_registry_snapshot.json}"
policy="${2:-examples/ops-warden/policy_package.md}"
out=deploy/kubernetes/configmap.yaml
{
  cat <<'HEADER'
# The registry snapshot and policy package flex-auth serves, mounted at /etc/flex-auth. Generated
# by deploy/kubernetes/regenerate-configmap.sh from the files under examples/ops-warden; it must
# hold them byte for byte (dev.flexauth.deploy.DeploymentManifestTest fails when they differ).
HEADER
  kubectl create configmap flex-auth-ops-warden --namespace flex-auth \
    --from-file=production_registry_snapshot.json="$snapshot" \
    --from-file=policy_package.md="$policy" \
    --dry-run=client -o yaml | grep -v '^  creationTimestamp: null$'
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out" >&2
