#!/usr/bin/env bash
# CI pipeline step: reset a test cluster to a golden snapshot kept in S3, before a test run.
#
# Needs: clusterctl on PATH, the cluster's cluster.yml (and cluster.rkestate beside it), SSH access to its nodes,
# and S3 credentials in the environment (never on the command line):
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   or an instance role
#   GOLDEN_SNAPSHOT   e.g. ci-golden-2026-11
#   S3_BUCKET, S3_FOLDER, S3_ENDPOINT (optional, for MinIO and other stores)
#
# clusterctl never prompts; its exit codes drive the pipeline:
#   0 restored   1 failed, cluster unchanged or rolled back (or the golden snapshot failed its drill)
#   2 bad input (e.g. unknown snapshot)
#   3 needs manual attention (the JSON report lists the steps)   130 interrupted
set -euo pipefail

config=${CLUSTER_CONFIG:-cluster.yml}
s3=(--s3 --bucket-name "$S3_BUCKET" --folder "${S3_FOLDER:-golden}")
[[ -n "${S3_ENDPOINT:-}" ]] && s3+=(--s3-endpoint "$S3_ENDPOINT")

# Once per golden snapshot, a restore drill proves that it restores and holds the state recorded when it was saved
# (a throwaway etcd on one node, no network; the cluster is not touched). The runner remembers that it passed.
marker="${XDG_CACHE_HOME:-$HOME/.cache}/clusterctl/verified-$GOLDEN_SNAPSHOT"
if [[ ! -e "$marker" ]]; then
  clusterctl etcd snapshot-verify --config "$config" --name "$GOLDEN_SNAPSHOT" "${s3[@]}" --output json > verify-report.json
  mkdir -p "$(dirname "$marker")" && jq -r .revision verify-report.json > "$marker"
fi

# Check first: the plan, preflight on every etcd node, and the snapshot verified; nothing is written.
clusterctl etcd snapshot-restore --config "$config" --name "$GOLDEN_SNAPSHOT" "${s3[@]}" --dry-run --output json > restore-plan.json

set +e
clusterctl etcd snapshot-restore --config "$config" --name "$GOLDEN_SNAPSHOT" "${s3[@]}" --output json --quiet > restore-report.json
status=$?
set -e

case $status in
  0) echo "reset to $GOLDEN_SNAPSHOT in $(jq -r .totalSeconds restore-report.json) s, revision $(jq -r .finalRevision restore-report.json)" ;;
  1) echo "restore failed and the cluster was left as it was (or rolled back): $(jq -r .failure restore-report.json)" >&2 ;;
  3) echo "restore needs manual attention:" >&2; jq -r '.manualSteps[] | "  \(.host): \(.command)"' restore-report.json >&2 ;;
  *) echo "clusterctl exited $status" >&2 ;;
esac
exit $status
