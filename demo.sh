#!/usr/bin/env bash
# The sandbox demo: builds clusterctl, brings up the local 3-node testbed (each node with its own
# network and mount namespace, dockerd, sshd and a TLS etcd member), then runs the main job against it.
# Run as root on Debian 12. `tests/testbed/testbed.sh down` removes the sandbox afterwards.
set -euo pipefail
cd "$(dirname "$0")"

testbed=tests/testbed/testbed.sh
tb=${CLUSTERCTL_TESTBED_DIR:-/var/lib/clusterctl-testbed}

"$testbed" install
dotnet build src/ClusterCtl/ClusterCtl.csproj -c Release -nologo -v quiet
"$testbed" up --nodes 3 --etcd "${ETCD_VERSION:-3.5}"

clusterctl() { src/ClusterCtl/bin/Release/net10.0/clusterctl "$@" --config "$tb/cluster.yml" --known-hosts "$tb/known_hosts"; }

echo
echo "== clusterctl etcd status"
clusterctl etcd status
