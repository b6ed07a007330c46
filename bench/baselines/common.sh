# Shared by the baselines: the testbed's addresses and key, and ssh the way a person scripts it.
# shellcheck shell=bash
set -euo pipefail
if [[ -n "${CLUSTERCTL_TESTBED_DIR:-}" ]]; then
  tb=$CLUSTERCTL_TESTBED_DIR
elif [[ "${CLUSTERCTL_TESTBED_ID:-0}" != 0 ]]; then
  tb=/var/lib/clusterctl-testbed-$CLUSTERCTL_TESTBED_ID
else
  tb=/var/lib/clusterctl-testbed
fi
# shellcheck disable=SC1091
source "$tb/testbed.env"

snapshots=/opt/rke/etcd-snapshots
ssl=/etc/kubernetes/ssl

node_ssh() {
  local node=$1; shift
  local addr_var="TB_NODE${node}_ADDR"
  ssh -i "$TB_SSH_KEY" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    "$TB_SSH_USER@${!addr_var}" "$@"
}

node_addr() { local v="TB_NODE${1}_ADDR"; echo "${!v}"; }

# etcdctl in a one-shot container on the node, with the node's own certificate, as RKE's helpers run it.
etcdctl_once() {
  local node=$1; shift
  local dashed; dashed=$(node_addr "$node" | tr . -)
  echo "docker run --rm --network host -v /etc/kubernetes:/etc/kubernetes:ro -v $snapshots:/backup -e ETCDCTL_API=3 $TB_ETCD_IMAGE" \
    "etcdctl --cacert=$ssl/kube-ca.pem --cert=$ssl/kube-etcd-$dashed.pem --key=$ssl/kube-etcd-$dashed-key.pem $*"
}
