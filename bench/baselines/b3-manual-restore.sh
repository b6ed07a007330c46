#!/usr/bin/env bash
# B3, the manual restore of the kubeadm and RKE docs, node after node over ssh: stop etcd, restore the
# snapshot into a new directory (etcdutl on 3.5, etcdctl on 3.4), swap it in for the data dir's member,
# start etcd; then wait until every endpoint is healthy. The snapshot is already on every node.
# etcd is stopped on every node before the first restored member starts: a restored member has the old
# cluster's identity, and an old member still running would be taken for it (the restored one then panics
# with "tocommit(N) is out of range [lastIndex(3)]", as the first version of this script showed).
#   bench/baselines/b3-manual-restore.sh NAME        restores /opt/rke/etcd-snapshots/NAME.db
source "$(dirname "$0")/common.sh"
name=$1.db
tool=etcdutl
[[ "$TB_ETCD" == 3.4 ]] && tool=etcdctl

cluster=""
for ((n = 1; n <= TB_NODES; n++)); do cluster+="${cluster:+,}etcd-node$n=https://$(node_addr "$n"):2380"; done
stamp=$(date +%s%N)

for ((n = 1; n <= TB_NODES; n++)); do
  node_ssh "$n" "docker stop etcd >/dev/null"
done
for ((n = 1; n <= TB_NODES; n++)); do
  node_ssh "$n" "set -e
    docker run --rm -e ETCDCTL_API=3 -v /var/lib/etcd:/var/lib/rancher/etcd -v $snapshots:/backup $TB_ETCD_IMAGE \
      $tool snapshot restore /backup/$name --data-dir=/var/lib/rancher/etcd/bench-restore-$stamp \
      --name=etcd-node$n --initial-cluster=$cluster --initial-cluster-token=etcd-cluster-1 \
      --initial-advertise-peer-urls=https://$(node_addr "$n"):2380 >/dev/null 2>&1 || { echo \"node$n: $tool snapshot restore failed\" >&2; exit 1; }
    mkdir /var/lib/etcd/bench-old-$stamp
    mv /var/lib/etcd/member /var/lib/etcd/bench-old-$stamp/member
    mv /var/lib/etcd/bench-restore-$stamp/member /var/lib/etcd/member
    rmdir /var/lib/etcd/bench-restore-$stamp
    docker start etcd >/dev/null"
done

deadline=$((SECONDS + 300))
until node_ssh 1 "docker exec etcd etcdctl endpoint health --cluster" >/dev/null 2>&1; do
  (( SECONDS < deadline )) || { echo "etcd is not healthy 300 s after the restore" >&2; exit 1; }
  sleep 0.2
done
