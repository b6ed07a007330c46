#!/usr/bin/env bash
# B1, the floor for snapshot-save: `etcdctl snapshot save` in a one-shot container on node 1, then the file
# copied to every other node at the same time with `ssh … cat`. No compression, no verification.
#   bench/baselines/b1-save-and-fan-out.sh NAME      writes /opt/rke/etcd-snapshots/NAME.db on every node
source "$(dirname "$0")/common.sh"
name=$1.db

node_ssh 1 "$(etcdctl_once 1 --endpoints=https://$(node_addr 1):2379 snapshot save /backup/$name) >/dev/null"

pids=()
for ((n = 2; n <= TB_NODES; n++)); do
  node_ssh 1 "cat $snapshots/$name" | node_ssh "$n" "mkdir -p $snapshots && cat > $snapshots/$name" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
