#!/usr/bin/env bash
# The benchmark harness (see bench/README.md). Run as root on Debian 12, from anywhere:
#   bench/bench.sh                                   the full run: etcd 3.5 and 3.4; small, 32M, 256M, 1G; 3 repetitions
#   bench/bench.sh --quick                           the CI smoke: 32M, one repetition; asserts no timings
#   bench/bench.sh --cpu 0.5,0.5 --link 100mbit      CPU quotas per node and for the operator (the default), a shaped link
#   bench/bench.sh --update-readme bench/README.md   ... and put the tables into the README
# It brings the testbed up (or resets it) per etcd version and leaves it up; `tests/testbed/testbed.sh down` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $(id -u) -eq 0 ]] || { echo "bench: needs root (the testbed uses network namespaces and its own dockerds)" >&2; exit 2; }
if [[ ! -x /usr/bin/time ]]; then
  echo "[bench] installing GNU time (peak memory)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
tests/testbed/testbed.sh install
# The harness, clusterctl and the ssh it runs are the operator's side: under the per-host profile, its own CPU quota.
tests/testbed/testbed.sh join-operator $$
dotnet build src/ClusterCtl/ClusterCtl.csproj -c Release -nologo -v quiet
dotnet build bench/ClusterCtl.Bench/ClusterCtl.Bench.csproj -c Release -nologo -v quiet
exec bench/ClusterCtl.Bench/bin/Release/net10.0/clusterctl-bench "$@"
