#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, builds, brings the local
# multi-host testbed up, runs unit and end-to-end tests and the benchmark smoke, and tears the testbed down.
#   ./test.sh                      everything
#   ./test.sh --unit               unit tests only (no root, no testbed)
#   KEEP_TESTBED=1 ./test.sh       leave the testbed up afterwards (faster re-runs)
# Test results (TRX) land in artifacts/test-results/.
set -euo pipefail
cd "$(dirname "$0")"

unit_only=false
[[ "${1:-}" == "--unit" ]] && unit_only=true

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# The completion tests run the generated scripts in real zsh and fish.
if [[ $(id -u) -eq 0 ]] && ! { command -v zsh && command -v fish; } >/dev/null; then
  echo "[test] installing zsh and fish"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends zsh fish >/dev/null
fi

echo "[test] building"
dotnet build ClusterCtl.sln -c Release -warnaserror -nologo -v quiet

echo "[test] unit tests"
status=0
dotnet test tests/ClusterCtl.Tests -c Release --no-build --nologo \
  --logger "trx;LogFileName=unit.trx" --results-directory "$results" || status=1

if ! $unit_only; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "[test] the end-to-end tests need root (network namespaces, dockerd); run as root or use --unit" >&2
    exit 2
  fi
  testbed=tests/testbed/testbed.sh
  if [[ "${KEEP_TESTBED:-0}" != 1 ]]; then
    trap '"$testbed" down || true' EXIT
  fi
  # The end-to-end tests run the native binary, as a release ships it; the install tests take the tarball and the tool.
  ./build.sh release
  ./build.sh tool
  export CLUSTERCTL_EXECUTABLE=$PWD/artifacts/native/linux-x64/clusterctl
  "$testbed" up --nodes 3 --etcd 3.5
  echo "[test] end-to-end tests against the testbed, with the native binary"
  dotnet test tests/ClusterCtl.IntegrationTests -c Release --no-build --nologo \
    --logger "trx;LogFileName=integration.trx" --results-directory "$results" || status=1
  # Keeps the benchmark harness working (bench/README.md); it checks every run's result but asserts no timings.
  echo "[test] benchmark smoke: bench/bench.sh --quick"
  bench/bench.sh --quick --out artifacts/bench-quick || status=1
fi

exit $status
