#!/usr/bin/env bash
# Makes snapshot.db, the small real etcd snapshot the storage unit tests read: a throwaway etcd on
# 127.0.0.1 (random high ports, temp data dir), a few Kubernetes-like keys, then `etcdctl snapshot save`.
# Run once by hand (needs etcd-server and etcd-client); the output is checked in, so tests need no etcd.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)/snapshot.db"
dir=$(mktemp -d)
client=$((20000 + RANDOM % 20000))
peer=$((client + 1))
etcd --name clusterctl-testdata --data-dir "$dir/data" \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "clusterctl-testdata=http://127.0.0.1:$peer" >"$dir/etcd.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
export ETCDCTL_API=3
ctl() { etcdctl --endpoints "http://127.0.0.1:$client" "$@"; }
for _ in $(seq 50); do ctl endpoint health >/dev/null 2>&1 && break; sleep 0.2; done
for i in $(seq 1 40); do
  ctl put "/registry/configmaps/default/cm-$i" \
    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-$i\",\"namespace\":\"default\",\"uid\":\"$(cat /proc/sys/kernel/random/uuid)\"},\"data\":{\"index\":\"$i\"}}" >/dev/null
done
ctl snapshot save "$dir/snapshot.db" >/dev/null 2>&1
cp "$dir/snapshot.db" "$out"
ls -l "$out"
