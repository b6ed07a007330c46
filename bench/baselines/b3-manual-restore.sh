#!/usr/bin/env bash
# B3R and B3P, the manual restore a person really does, from what a save left on every node (the zip RKE or
# clusterctl wrote there), over ssh:
#   1. unzip the db on every node
#   2. stop kube-apiserver and etcd on every node
#   3. on every node, restore the snapshot into a new directory (etcdutl on 3.5, etcdctl on 3.4), swap it in for the
#      data dir's member, start etcd
#   4. wait until every endpoint is healthy
#   5. on every node, restart kube-apiserver, kubelet, kube-controller-manager, kube-scheduler and kube-proxy, and
#      the flannel and calico containers
#   bench/baselines/b3-manual-restore.sh NAME serial     B3R: one node after another, as the docs describe it
#   bench/baselines/b3-manual-restore.sh NAME parallel   B3P: each step on all nodes at once (& and wait), the floor
# etcd is stopped on every node before the first restored member starts: a restored member has the old cluster's
# identity, and an old member still running would be taken for it (the restored one then panics with
# "tocommit(N) is out of range [lastIndex(3)]", as the first version of this script showed).
source "$(dirname "$0")/common.sh"
name=$1
mode=${2:?serial or parallel}
tool=etcdutl
[[ "$TB_ETCD" == 3.4 ]] && tool=etcdctl

cluster=""
for ((n = 1; n <= TB_NODES; n++)); do cluster+="${cluster:+,}etcd-node$n=https://$(node_addr "$n"):2380"; done
stamp=$(date +%s%N)
work=$snapshots/bench-manual-$stamp

# on_every_node STEP: STEP N on each node, one after another or all at once.
on_every_node() {
  local step=$1 n pids=()
  for ((n = 1; n <= TB_NODES; n++)); do
    if [[ "$mode" == parallel ]]; then
      "$step" "$n" &
      pids+=($!)
    else
      "$step" "$n"
    fi
  done
  for n in "${pids[@]}"; do wait "$n"; done
}

# unzip exits 1 after a warning: the zip's entries have absolute paths (/backup/NAME, as RKE writes them), which it strips.
unzip_db() { node_ssh "$1" "mkdir -p $work && { unzip -qq -o $snapshots/$name.zip -d $work 2>/dev/null || [ \$? -eq 1 ]; }"; }

stop_apiserver_and_etcd() { node_ssh "$1" "docker stop kube-apiserver etcd >/dev/null"; }

restore_swap_start() {
  local n=$1
  node_ssh "$n" "set -e
    docker run --rm -e ETCDCTL_API=3 -v /var/lib/etcd:/var/lib/rancher/etcd -v $work/backup:/backup $TB_ETCD_IMAGE \
      $tool snapshot restore /backup/$name --data-dir=/var/lib/rancher/etcd/bench-restore-$stamp \
      --name=etcd-node$n --initial-cluster=$cluster --initial-cluster-token=etcd-cluster-1 \
      --initial-advertise-peer-urls=https://$(node_addr "$n"):2380 >/dev/null 2>&1 || { echo \"node$n: $tool snapshot restore failed\" >&2; exit 1; }
    mkdir /var/lib/etcd/bench-old-$stamp
    mv /var/lib/etcd/member /var/lib/etcd/bench-old-$stamp/member
    mv /var/lib/etcd/bench-restore-$stamp/member /var/lib/etcd/member
    rmdir /var/lib/etcd/bench-restore-$stamp
    docker start etcd >/dev/null"
}

restart_components() {
  node_ssh "$1" 'docker restart kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy \
    $(docker ps -aq --filter name=k8s_kube-flannel --filter name=k8s_calico-node) >/dev/null'
}

on_every_node unzip_db
on_every_node stop_apiserver_and_etcd
on_every_node restore_swap_start
deadline=$((SECONDS + 300))
until node_ssh 1 "docker exec etcd etcdctl endpoint health --cluster" >/dev/null 2>&1; do
  (( SECONDS < deadline )) || { echo "etcd is not healthy 300 s after the restore" >&2; exit 1; }
  sleep 0.2
done
on_every_node restart_components
