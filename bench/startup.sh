#!/usr/bin/env bash
# Start-up cost of clusterctl builds, side by side: `version`, and `etcd status` against the running testbed.
#   bench/startup.sh [REPS] BINARY...     e.g. bench/startup.sh 5 src/ClusterCtl/bin/Release/net10.0/clusterctl artifacts/native/linux-x64/clusterctl
# Prints, per build and command, the median wall time, user+sys CPU and peak RSS of REPS runs (GNU time), the builds
# alternated in every repetition so that drift on a noisy machine hits them all.
set -euo pipefail
cd "$(dirname "$0")/.."

reps=5
[[ ${1:-} =~ ^[0-9]+$ ]] && { reps=$1; shift; }
(($# > 0)) || { sed -n '3p' "$0" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
tb=${CLUSTERCTL_TESTBED_DIR:-/var/lib/clusterctl-testbed}
[[ -f $tb/cluster.yml ]] || { echo "startup.sh: no testbed at $tb; run tests/testbed/testbed.sh up" >&2; exit 2; }

samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
run() { # build command args...: one sample line "build<TAB>command<TAB>wall<TAB>cpu<TAB>rssKB"
  local build=$1 name=$2; shift 2
  local out; out=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$build" "$@" >/dev/null 2>&1 || { echo "startup.sh: $build $* failed" >&2; exit 1; }
  read -r wall user sys rss < "$out"; rm -f "$out"
  printf '%s\t%s\t%s\t%s\t%s\n' "$build" "$name" "$wall" "$(echo "$user + $sys" | bc)" "$rss" >> "$samples"
}

for ((i = 0; i < reps; i++)); do
  builds=("$@")
  for ((r = 0; r < i % $#; r++)); do builds=("${builds[@]:1}" "${builds[0]}"); done
  for b in "${builds[@]}"; do
    run "$b" version version
    run "$b" "etcd status" etcd status --config "$tb/cluster.yml" --known-hosts "$tb/bench-known_hosts" --quiet
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
printf '%-60s %-12s %9s %9s %9s\n' build command "wall s" "cpu s" "rss MB"
for b in "$@"; do
  for c in version "etcd status"; do
    rows=$(awk -F'\t' -v b="$b" -v c="$c" '$1 == b && $2 == c' "$samples")
    printf '%-60s %-12s %9s %9s %9.1f\n' "$b" "$c" \
      "$(cut -f3 <<<"$rows" | median)" "$(cut -f4 <<<"$rows" | median)" "$(echo "$(cut -f5 <<<"$rows" | median) / 1024" | bc -l)"
  done
done
