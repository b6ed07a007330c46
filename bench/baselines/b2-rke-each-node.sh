#!/usr/bin/env bash
# B2, RKE's way: every etcd node snapshots its own member and compresses the file, one node after the other
# (rke-tools writes a deflate zip on the node; busybox gzip at the same default level stands in for it).
#   bench/baselines/b2-rke-each-node.sh NAME         writes /opt/rke/etcd-snapshots/NAME.gz on every node
source "$(dirname "$0")/common.sh"
name=$1

for ((n = 1; n <= TB_NODES; n++)); do
  node_ssh "$n" "$(etcdctl_once "$n" --endpoints=https://127.0.0.1:2379 snapshot save /backup/$name) >/dev/null &&
    docker run --rm -v $snapshots:/backup $TB_ETCD_IMAGE gzip -f /backup/$name"
done
