#!/usr/bin/env bash
# Builds what people install:
#   ./build.sh native [RID]    the native binary only, in artifacts/native/RID/clusterctl (RID default linux-x64)
#   ./build.sh release [RID]   dist/clusterctl-VERSION-RID.tar.gz (binary, README, LICENSE) and its .sha256
#   ./build.sh tool            dist/clusterctl.VERSION.nupkg, a dotnet tool (framework-dependent, needs the .NET 10 runtime)
# The native build links with clang and zlib; as root this installs Debian's clang and zlib1g-dev when they are missing.
# linux-arm64 is cross-compiled on x64; that also needs, after 'dpkg --add-architecture arm64', Debian's
# gcc-aarch64-linux-gnu, binutils-aarch64-linux-gnu, libc6-dev-arm64-cross and zlib1g-dev:arm64.
set -euo pipefail
cd "$(dirname "$0")"

what=${1:-}
rid=${2:-linux-x64}
project=src/ClusterCtl/ClusterCtl.csproj

need_native_toolchain() {
  local missing=() p
  for p in clang zlib1g-dev; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return
  if [[ $(id -u) -ne 0 ]]; then
    echo "build.sh: the native build needs ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "[build] installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

version() { sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props; }

native() {
  need_native_toolchain
  local out=artifacts/native/$rid
  local cross=()
  # Cross-compiled on x64: the symbols are split off with the target's objcopy (Debian's binutils-aarch64-linux-gnu).
  [[ $rid == linux-arm64 && $(uname -m) == x86_64 ]] && cross=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)
  echo "[build] native clusterctl for $rid"
  # Warnings are errors here too: a trim or AOT warning means code that may fail only in this build.
  dotnet publish "$project" -c Release -r "$rid" -nologo -v quiet -o "$out" "${cross[@]}"
  rm -f "$out"/*.dbg "$out"/*.pdb
  echo "[build] $out/clusterctl ($(du -h "$out/clusterctl" | cut -f1))"
}

case "$what" in
  native)
    native
    ;;
  release)
    native
    name=clusterctl-$(version)-$rid
    stage=artifacts/release/$name
    rm -rf "$stage" && mkdir -p "$stage" dist
    cp "artifacts/native/$rid/clusterctl" README.md LICENSE "$stage/"
    tar -C artifacts/release -czf "dist/$name.tar.gz" "$name"
    (cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
    echo "[build] dist/$name.tar.gz"
    ;;
  tool)
    mkdir -p dist
    dotnet pack "$project" -c Release -nologo -v quiet -o dist
    echo "[build] dist/clusterctl.$(version).nupkg"
    ;;
  *)
    sed -n '2,7s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
