# shellcheck shell=bash
# Shared functions of the clusterctl testbed. Sourced by testbed.sh.
#
# NETWORK SAFETY: everything here talks only to 127.0.0.0/8 and to the test
# hosts on 10.213.<instance>.0/24, inside namespaces this script creates. Node
# namespaces get no default route and there is no NAT.

# CLUSTERCTL_TESTBED_ID selects an independent instance (own directory, bridge, namespaces,
# /24 and s3rver port), so that two lines of work can each have a testbed. CI uses instance 0.
TB_ID=${CLUSTERCTL_TESTBED_ID:-0}
[[ "$TB_ID" =~ ^[0-9]$ ]] || { echo "CLUSTERCTL_TESTBED_ID must be a digit" >&2; exit 2; }
if ((TB_ID == 0)); then NAME_PREFIX=cctl; else NAME_PREFIX=cctl$TB_ID; fi
TB=${CLUSTERCTL_TESTBED_DIR:-/var/lib/clusterctl-testbed$( ((TB_ID == 0)) || echo "-$TB_ID")}
CACHE=$TB/cache
RUNDIR=$TB/run
STATE=$RUNDIR/state

BRIDGE=$NAME_PREFIX-br0
NET_PREFIX=10.213.$TB_ID
HOST_ADDR=$NET_PREFIX.1
# A second network between the nodes only ('internal-net on'), for a cluster.yml whose internal_address differs from
# address: this machine has no address on it, so the operator's side cannot use it by mistake.
INTERNAL_BRIDGE=$NAME_PREFIX-br1
INTERNAL_PREFIX=10.214.$TB_ID
INTERNAL_MARKER=$RUNDIR/internal-net

# Every simulated host is one cgroup (cgroup v1, the cpu controller): its sshd, dockerd, containerd and, through
# dockerd's --cgroup-parent, every container it runs. The operator's side (s3rver, and whoever joins it: the bench
# harness with clusterctl and its ssh) is one more. Without quotas (the default) they only group processes; 'cpu'
# sets quotas, so that work on three hosts at once costs three hosts' CPU, as on real machines.
CGROUP_NAME=$NAME_PREFIX-testbed
CPU_CGROUP=/sys/fs/cgroup/cpu/$CGROUP_NAME
# The operator link's shaping ('link'): the bridge's own egress is what this machine sends to the nodes; what the
# nodes send to it is redirected from the bridge's ingress to this ifb and shaped on its egress.
LINK_IFB=$NAME_PREFIX-ifb0

BUSYBOX_IMAGE=local/busybox:1
ETCD34_IMAGE=local/etcd:v3.4.23
ETCD35_IMAGE=local/etcd:v3.5.16
# No etcd 3.6 is packaged here: this is the 3.5 image with etcdctl cut down to what 3.6's still does offline.
ETCD36_SHAPED_IMAGE=local/etcd:v3.6-shaped
ETCD34_VERSION=3.4.23
ETCD35_VERSION=3.5.16
ETCD35_DIR=$CACHE/etcd-3.5
IMAGES_DIR=$CACHE/images
# Bump when the image recipe changes: cached tars are then rebuilt.
IMAGE_RECIPE=2

S3RVER_VERSION=3.7.1
S3RVER_DIR=$CACHE/s3rver
SSH_USER=rancher
S3RVER_BIN=$S3RVER_DIR/node_modules/.bin/s3rver
S3_ADDR=127.0.0.1
S3_PORT=$((4568 + TB_ID))
S3_BUCKET=clusterctl
S3_KEY=S3RVER

# A private registry on each node's own loopback (dockerd trusts 127.0.0.0/8 over plain HTTP), htpasswd-protected,
# one process per node sharing one store. The password is made on first use and kept in $REGISTRY_DIR/password.
REGISTRY_PORT=5999
REGISTRY_USER=puller
REGISTRY_IMAGE=127.0.0.1:$REGISTRY_PORT/testbed/busybox:1
REGISTRY_DIR=$TB/registry

# etcd's --quota-backend-bytes ('up --quota-backend-bytes'), also in cluster.yml's extra_args; empty: etcd's 2 GiB.
ETCD_QUOTA=""

STANDINS_SCRIPT='trap "exit 0" TERM INT; sleep 1000000 & wait'

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
# The docker CLI refuses -H together with a context; never use the caller's.
unset DOCKER_HOST DOCKER_CONTEXT

# ----------------------------------------------------------------- basics

log() { echo "[testbed] $*"; }
warn() { echo "[testbed] WARNING: $*" >&2; }
die() { echo "[testbed] ERROR: $*" >&2; exit 1; }

now() { date +%s.%N; }

# output_has TEXT COMMAND...: COMMAND succeeds and its stdout contains TEXT.
# (Not "COMMAND | grep -q": with pipefail, grep's early exit can SIGPIPE the
# command and turn a match into a failure.)
output_has() {
    local text=$1 out
    shift
    out=$("$@" 2>/dev/null) || return 1
    [[ "$out" == *"$text"* ]]
}
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

# wait_for TIMEOUT_SECONDS COMMAND... : retry every 0.2 s; 1 on timeout.
wait_for() {
    local timeout=$1; shift
    local deadline=$((SECONDS + timeout))
    while :; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

node_addr() { echo "$NET_PREFIX.1$1"; }
node_dashed() { node_addr "$1" | tr . -; }
node_internal_addr() { echo "$INTERNAL_PREFIX.1$1"; }
node_internal_veth() { echo "$NAME_PREFIX-w$1"; }
internal_net_on() { [[ -e "$INTERNAL_MARKER" ]]; }
# The address etcd's certificate is named after and issued for, as RKE does it: the internal one when there is one.
etcd_cert_addr() { if internal_net_on; then node_internal_addr "$1"; else node_addr "$1"; fi; }
node_dir() { echo "$TB/nodes/node$1"; }
node_ns() { echo "$NAME_PREFIX-n$1"; }
node_veth() { echo "$NAME_PREFIX-v$1"; }
node_sock() { echo "$TB/nodes/node$1/docker.sock"; }

check_node_number() {
    [[ "$1" =~ ^[1-9][0-9]?$ ]] && (($1 <= 80)) || die "bad node number '$1' (expected 1..80)"
}

etcd_image_for() {
    case $1 in
        3.4) echo "$ETCD34_IMAGE" ;;
        3.5) echo "$ETCD35_IMAGE" ;;
        3.6) echo "$ETCD36_SHAPED_IMAGE" ;;
        *) die "bad etcd version '$1' (expected 3.4, 3.5 or 3.6 (3.5 shaped like 3.6))" ;;
    esac
}

# docker CLI against node N's host-visible socket.
dk() {
    local n=$1; shift
    docker -H "unix://$(node_sock "$n")" "$@"
}

# As dk, for checks and clean-up that must come back: a dockerd that stopped answering (or one container it cannot
# get a lock on) fails the check after $DK_CHECK_SECONDS instead of holding every later testbed command.
DK_CHECK_SECONDS=${DK_CHECK_SECONDS:-30}
dk_bounded() {
    local n=$1; shift
    timeout -k 5 "$DK_CHECK_SECONDS" docker -H "unix://$(node_sock "$n")" "$@"
}

# ----------------------------------------------------------------- processes
# PID 1 of some sandboxes does not reap orphans, so a dead daemon can linger as
# a zombie: "alive" means present and not a zombie.

pid_alive() {
    local pid=$1 stat
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ "${stat%% *}" != Z ]]
}

# pid_is PID COMM: alive and its command name is COMM (guards pid reuse).
pid_is() {
    pid_alive "$1" && [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == "$2" ]]
}

read_pid() { [[ -r "$1" ]] && tr -dc 0-9 <"$1" || true; }

# stop_pid PID COMM TIMEOUT: TERM, wait, then KILL. Only if PID still is COMM.
stop_pid() {
    local pid=$1 comm=$2 timeout=$3
    pid_is "$pid" "$comm" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for "$timeout" eval "! pid_alive $pid"; then
        warn "$comm (pid $pid) did not stop within ${timeout}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        wait_for 5 eval "! pid_alive $pid" || warn "$comm (pid $pid) survives SIGKILL"
    fi
}

# Kill every process left in node N's network namespace. Only processes of the
# testbed can be there: the namespace was created by it.
sweep_netns() {
    local n=$1 ns pids
    ns=$(node_ns "$n")
    [[ -e /run/netns/$ns ]] || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null | grep -vx "$$" || true)
    [[ -n "$pids" ]] || return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    local p
    for p in $pids; do wait_for 5 eval "! pid_alive $p" || kill -KILL "$p" 2>/dev/null || true; done
}

# ----------------------------------------------------------------- locking

# fd 9 holds the lock; every daemon is started with 9>&- so that it does not
# keep the lock after testbed.sh exits.
take_lock() {
    mkdir -p "$TB"
    exec 9>"$TB/.lock"
    if ! flock -w 900 9; then die "another testbed.sh holds $TB/.lock for more than 15 min"; fi
}

# ----------------------------------------------------------------- install

# unzip: the integration tests open our zips with it, as an operator would.
DEB_PACKAGES=(docker.io containerd runc openssh-server openssh-client etcd-server etcd-client
    busybox-static openssl iproute2 iptables util-linux ca-certificates unzip docker-registry apache2-utils)

install_packages() {
    local missing=() p status
    for p in "${DEB_PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
        [[ "$status" == ii* ]] || missing+=("$p")
    done
    # nodejs/npm: any working npm will do (e.g. NodeSource's nodejs ships it).
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    if ((${#missing[@]})); then
        log "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q || die "apt-get update failed"
        apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" ||
            die "apt-get install ${missing[*]} failed"
    fi
    local c
    for c in dockerd containerd runc sshd ssh ssh-keygen openssl ip iptables nsenter unshare setsid flock busybox etcd etcdctl node npm unzip docker-registry htpasswd; do
        command -v "$c" >/dev/null 2>&1 || [[ -x /usr/sbin/$c ]] || die "required command '$c' not found after install"
    done
}

# The Debian mirror apt already uses (for the private trixie source).
debian_mirror() {
    if [[ -n "${CLUSTERCTL_TESTBED_DEBIAN_MIRROR:-}" ]]; then echo "$CLUSTERCTL_TESTBED_DEBIAN_MIRROR"; return; fi
    local m
    # shellcheck disable=SC2016 # $(URI) is apt's placeholder, not a shell expansion
    m=$(apt-get indextargets --format '$(URI)' 'Created-By: Packages' 2>/dev/null |
        awk '!f && /\/dists\/bookworm\/main\/binary-/ {sub(/\/dists\/bookworm\/.*/, ""); print; f=1}' || true)
    echo "${m:-http://deb.debian.org/debian}"
}

install_etcd35() {
    if [[ -x "$ETCD35_DIR/usr/bin/etcdutl" ]] &&
        output_has "etcd Version: $ETCD35_VERSION" "$ETCD35_DIR/usr/bin/etcd" --version; then
        return 0
    fi
    local d=$CACHE/apt-trixie mirror
    mirror=$(debian_mirror)
    log "fetching etcd $ETCD35_VERSION (server + client) from Debian trixie at $mirror (private apt lists in $d)"
    rm -rf "$d/debs"
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/debs"
    echo "deb $mirror trixie main" >"$d/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o APT::Sandbox::User=root
        -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
        -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false
        -o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false)
    apt-get "${opts[@]}" -q update || die "apt-get update of the private trixie source failed"
    local cand
    cand=$(apt-cache "${opts[@]}" policy etcd-server | awk '/Candidate:/{print $2}')
    [[ "$cand" == "$ETCD35_VERSION"-* ]] ||
        die "trixie offers etcd-server '$cand', expected $ETCD35_VERSION-*"
    (cd "$d/debs" && apt-get "${opts[@]}" -q download "etcd-server=$cand" "etcd-client=$cand") ||
        die "apt-get download etcd-server/etcd-client=$cand failed"
    rm -rf "$ETCD35_DIR.tmp"
    mkdir -p "$ETCD35_DIR.tmp"
    local deb
    for deb in "$d"/debs/*.deb; do dpkg -x "$deb" "$ETCD35_DIR.tmp"; done
    output_has "etcd Version: $ETCD35_VERSION" "$ETCD35_DIR.tmp/usr/bin/etcd" --version ||
        die "the extracted etcd does not run or is not $ETCD35_VERSION"
    [[ -x "$ETCD35_DIR.tmp/usr/bin/etcdutl" ]] || die "etcdutl missing from the trixie debs"
    rm -rf "$ETCD35_DIR"
    mv "$ETCD35_DIR.tmp" "$ETCD35_DIR"
}

install_s3rver() {
    if [[ -x "$S3RVER_BIN" ]] &&
        grep -q "\"version\": \"$S3RVER_VERSION\"" "$S3RVER_DIR/node_modules/s3rver/package.json" 2>/dev/null; then
        return 0
    fi
    log "installing s3rver@$S3RVER_VERSION with npm into $S3RVER_DIR"
    rm -rf "$S3RVER_DIR"
    mkdir -p "$S3RVER_DIR"
    (cd "$S3RVER_DIR" && npm install --prefix "$S3RVER_DIR" --no-audit --no-fund --loglevel=error \
        "s3rver@$S3RVER_VERSION") || die "npm install s3rver@$S3RVER_VERSION failed"
    "$S3RVER_BIN" --version >/dev/null || die "$S3RVER_BIN does not run"
}

# Copy a binary and every library ldd names into ROOTFS, at the same paths.
copy_with_libs() {
    local rootfs=$1 bin=$2 dest=$3 lib
    install -D -m 0755 "$bin" "$rootfs$dest"
    for lib in $(ldd "$bin" | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}'); do
        [[ -e "$rootfs$lib" ]] || install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
    done
}

# make_rootfs DIR [etcd-bin-dir]
make_rootfs() {
    local r=$1 bindir=${2:-} a
    rm -rf "$r"
    mkdir -p "$r"/{bin,usr/bin,usr/local/bin,etc,root,tmp,var/tmp,lib,lib64}
    chmod 1777 "$r/tmp" "$r/var/tmp"
    install -m 0755 "$(command -v busybox)" "$r/bin/busybox"
    for a in $("$r/bin/busybox" --list); do
        [[ "$a" == busybox ]] || ln -sf busybox "$r/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
    printf 'hosts: files dns\n' >"$r/etc/nsswitch.conf"
    if [[ -n "$bindir" ]]; then
        for a in etcd etcdctl etcdutl; do
            if [[ -x "$bindir/$a" ]]; then copy_with_libs "$r" "$bindir/$a" "/usr/local/bin/$a"; fi
        done
    fi
}

# etcd 3.6 removed `snapshot status` and `snapshot restore` from etcdctl (etcdutl has them). Its `snapshot` command is
# then not runnable: asked for `status`, cobra prints the help and exits 0; restore's flags are unknown flags.
shape_like_etcd36() {
    local r=$1
    mv "$r/usr/local/bin/etcdctl" "$r/usr/local/bin/etcdctl-3.5"
    cat >"$r/usr/local/bin/etcdctl" <<'WRAPPER'
#!/bin/sh
case " $* " in
*" snapshot status "* | *" snapshot restore "*)
    for a in "$@"; do
        case $a in --name* | --data-dir* | --initial-* | --skip-hash-check* | --bump-revision* | --mark-compacted*)
            echo "Error: unknown flag: ${a%%=*}" >&2; exit 1 ;;
        esac
    done
    printf 'Manages etcd node snapshots\n\nUsage:\n  etcdctl snapshot <subcommand> [flags]\n\nAvailable Commands:\n  save        Stores an etcd node backend snapshot to a given file\n'
    exit 0 ;;
esac
exec /usr/local/bin/etcdctl-3.5 "$@"
WRAPPER
    chmod 0755 "$r/usr/local/bin/etcdctl"
}

build_image_tar() {
    local name=$1 bindir=${2:-} shape=${3:-} tar=$IMAGES_DIR/$1.r$IMAGE_RECIPE.tar
    [[ -s "$tar" && -s "$tar.sha256" ]] && return 0
    log "building image root filesystem $name"
    local r=$CACHE/rootfs/$name
    make_rootfs "$r" "$bindir"
    [[ -z "$shape" ]] || "$shape" "$r"
    if [[ -n "$bindir" ]]; then
        chroot "$r" /usr/local/bin/etcd --version >/dev/null || die "etcd does not run inside rootfs $name"
    fi
    chroot "$r" /bin/sha256sum /bin/busybox >/dev/null || die "busybox does not run inside rootfs $name"
    mkdir -p "$IMAGES_DIR"
    tar --numeric-owner --owner=0 --group=0 -C "$r" -cf "$tar.tmp" .
    sha256sum "$tar.tmp" | cut -c1-64 >"$tar.sha256"
    mv "$tar.tmp" "$tar"
    rm -rf "$r"
}

build_images() {
    build_image_tar busybox-1
    build_image_tar etcd-v$ETCD34_VERSION /usr/bin
    build_image_tar etcd-v$ETCD35_VERSION "$ETCD35_DIR/usr/bin"
    build_image_tar etcd-v3.6-shaped "$ETCD35_DIR/usr/bin" shape_like_etcd36
}

cmd_install() {
    mkdir -p "$CACHE"
    install_packages
    install_etcd35
    install_s3rver
    build_images
    ensure_client_key
    ensure_ssh_user
}

# RKE's usual set-up: a non-root SSH user in the docker group (user: rancher). Nodes share this machine's
# /etc/passwd, so one account serves them all; its key is authorized per node (write_user_keys).
ensure_ssh_user() {
    getent group docker >/dev/null || groupadd --system docker
    if ! id -u "$SSH_USER" >/dev/null 2>&1; then
        log "creating the non-root SSH user $SSH_USER (group docker)"
        useradd --create-home --shell /bin/sh --groups docker "$SSH_USER"
    fi
    # A locked account ("!" in /etc/shadow) cannot log in, even with a key, when sshd runs without PAM.
    usermod --password '*' "$SSH_USER"
}

# sshd reads a user's keys with that user's rights, so the file is the user's own, in a directory only root writes.
write_user_keys() {
    local nd
    nd=$(node_dir "$1")
    install -d -m 0755 "$nd/user-keys"
    install -m 0600 -o "$SSH_USER" "$TB/id_ed25519.pub" "$nd/user-keys/$SSH_USER"
}

# ----------------------------------------------------------------- keys, certs

ensure_client_key() {
    if [[ ! -s "$TB/id_ed25519" || ! -s "$TB/id_ed25519.pub" ]]; then
        log "creating the client SSH key $TB/id_ed25519"
        rm -f "$TB/id_ed25519" "$TB/id_ed25519.pub"
        ssh-keygen -q -t ed25519 -N '' -C clusterctl-testbed -f "$TB/id_ed25519"
    fi
    chmod 600 "$TB/id_ed25519"
}

ensure_ca() {
    local d=$TB/ca
    mkdir -p "$d"
    chmod 700 "$d"
    if [[ ! -s "$d/kube-ca.pem" || ! -s "$d/kube-ca-key.pem" ]]; then
        log "creating the cluster CA in $d"
        rm -rf "$d/etcd"
        openssl genrsa -out "$d/kube-ca-key.pem" 2048 2>/dev/null
        openssl req -x509 -new -sha256 -days 3650 -key "$d/kube-ca-key.pem" -subj /CN=kube-ca \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
            -out "$d/kube-ca.pem"
        chmod 600 "$d/kube-ca-key.pem"
    fi
}

# Certificate of etcd node N, cached in $TB/ca/etcd and reused while the CA is.
ensure_etcd_cert() {
    local n=$1 d=$TB/ca/etcd name san
    name=kube-etcd-$(etcd_cert_addr "$n" | tr . -)
    san=IP:$(node_addr "$n")
    internal_net_on && san+=,IP:$(node_internal_addr "$n")
    mkdir -p "$d"
    if [[ -s "$d/$name.pem" && -s "$d/$name-key.pem" ]] &&
        openssl verify -CAfile "$TB/ca/kube-ca.pem" "$d/$name.pem" >/dev/null 2>&1; then
        return 0
    fi
    local ext
    ext=$(mktemp)
    cat >"$ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$san,IP:127.0.0.1,DNS:localhost,DNS:node$n
EOF
    openssl genrsa -out "$d/$name-key.pem" 2048 2>/dev/null
    openssl req -new -key "$d/$name-key.pem" -subj "/CN=kube-etcd" -out "$d/$name.csr"
    openssl x509 -req -sha256 -days 3650 -in "$d/$name.csr" -CA "$TB/ca/kube-ca.pem" \
        -CAkey "$TB/ca/kube-ca-key.pem" -CAcreateserial -extfile "$ext" -out "$d/$name.pem" 2>/dev/null
    rm -f "$ext" "$d/$name.csr"
    chmod 600 "$d/$name-key.pem"
}

# Put the CA and the certificates of ALL etcd nodes (1..NODES) on node N, as
# RKE does.
install_certs() {
    local n=$1 nodes=$2 ssl i name
    ssl=$(node_dir "$n")/kubernetes/ssl
    mkdir -p "$ssl"
    chmod 755 "$ssl"
    install -m 0644 "$TB/ca/kube-ca.pem" "$ssl/kube-ca.pem"
    install -m 0600 "$TB/ca/kube-ca-key.pem" "$ssl/kube-ca-key.pem"
    for ((i = 1; i <= nodes; i++)); do
        name=kube-etcd-$(etcd_cert_addr "$i" | tr . -)
        install -m 0644 "$TB/ca/etcd/$name.pem" "$ssl/$name.pem"
        install -m 0600 "$TB/ca/etcd/$name-key.pem" "$ssl/$name-key.pem"
    done
}

# ----------------------------------------------------------------- network

ensure_bridge() {
    ensure_bridge_link "$BRIDGE"
    output_has "inet $HOST_ADDR/24" ip -4 addr show dev "$BRIDGE" || ip addr add "$HOST_ADDR/24" dev "$BRIDGE"
}

ensure_bridge_link() {
    local br=$1
    if ! ip link show "$br" >/dev/null 2>&1; then
        log "creating bridge $br"
        ip link add "$br" type bridge
        [[ -e /proc/sys/net/ipv6/conf/$br/disable_ipv6 ]] && echo 1 >"/proc/sys/net/ipv6/conf/$br/disable_ipv6"
    fi
    ip link set "$br" up
    # Bridged frames cross the FORWARD chain when br_netfilter is loaded, and a
    # dockerd in the root namespace sets its policy to DROP.
    iptables -C FORWARD -i "$br" -o "$br" -j ACCEPT 2>/dev/null ||
        iptables -I FORWARD 1 -i "$br" -o "$br" -j ACCEPT ||
        die "cannot insert the iptables FORWARD rule for $br"
}

remove_bridge() {
    local br=${1:-$BRIDGE}
    while iptables -C FORWARD -i "$br" -o "$br" -j ACCEPT 2>/dev/null; do
        iptables -D FORWARD -i "$br" -o "$br" -j ACCEPT || break
    done
    if ip link show "$br" >/dev/null 2>&1; then
        ip link del "$br" || warn "could not delete bridge $br"
    fi
}

# Network namespace + veth of node N (no default route, no NAT).
create_node_net() {
    local n=$1 ns veth addr
    ns=$(node_ns "$n") veth=$(node_veth "$n") addr=$(node_addr "$n")
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    [[ -e /proc/sys/net/ipv6/conf/$veth/disable_ipv6 ]] && echo 1 >"/proc/sys/net/ipv6/conf/$veth/disable_ipv6"
    ip link set "$veth" master "$BRIDGE" up
    nsenter --net="/run/netns/$ns" sh -c "
        if [ -e /proc/sys/net/ipv6/conf/all/disable_ipv6 ]; then
            echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
            echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
            echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6
        fi
        ip addr add $addr/24 dev eth0 && ip link set eth0 up && ip link set lo up"
}

remove_node_net() {
    local n=$1 ns veth
    ns=$(node_ns "$n") veth=$(node_veth "$n")
    if ip link show "$veth" >/dev/null 2>&1; then ip link del "$veth" || warn "could not delete $veth"; fi
    ip link del "$(node_internal_veth "$n")" 2>/dev/null || true
    if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" || warn "could not delete netns $ns"; fi
}

# Node N's network is whole: netns, veth on the bridge and up, address inside.
node_net_ok() {
    local n=$1 ns veth
    ns=$(node_ns "$n") veth=$(node_veth "$n")
    [[ -e /run/netns/$ns ]] || return 1
    output_has "master $BRIDGE" ip link show "$veth" || return 1
    output_has "inet $(node_addr "$n")/24" nsenter --net="/run/netns/$ns" ip -4 addr show dev eth0
}

# Node N's second link, eth1 on the internal bridge with its internal address; etcd's ports refused on eth0, so
# that members can only reach each other over the internal network.
attach_internal() {
    local n=$1 ns veth addr port
    ns=$(node_ns "$n") veth=$(node_internal_veth "$n") addr=$(node_internal_addr "$n")
    ip link show "$veth" >/dev/null 2>&1 || ip link add "$veth" type veth peer name eth1 netns "$ns"
    [[ -e /proc/sys/net/ipv6/conf/$veth/disable_ipv6 ]] && echo 1 >"/proc/sys/net/ipv6/conf/$veth/disable_ipv6"
    ip link set "$veth" master "$INTERNAL_BRIDGE" up
    nsenter --net="/run/netns/$ns" sh -c "
        [ -e /proc/sys/net/ipv6/conf/eth1/disable_ipv6 ] && echo 1 >/proc/sys/net/ipv6/conf/eth1/disable_ipv6
        ip -4 addr show dev eth1 | grep -q 'inet $addr/24' || ip addr add $addr/24 dev eth1
        ip link set eth1 up"
    for port in 2379 2380; do
        ip netns exec "$ns" iptables -C INPUT -i eth0 -p tcp --dport "$port" -j DROP 2>/dev/null ||
            ip netns exec "$ns" iptables -A INPUT -i eth0 -p tcp --dport "$port" -j DROP
    done
}

detach_internal() {
    local n=$1 ns port
    ns=$(node_ns "$n")
    ip link del "$(node_internal_veth "$n")" 2>/dev/null || true
    if [[ -e /run/netns/$ns ]]; then
        for port in 2379 2380; do
            while ip netns exec "$ns" iptables -D INPUT -i eth0 -p tcp --dport "$port" -j DROP 2>/dev/null; do :; done
        done
    fi
    rm -f "$(node_dir "$n")/kubernetes/ssl/kube-etcd-${INTERNAL_PREFIX//./-}-"*
}

# ----------------------------------------------------------------- nodes

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

write_sshd_config() {
    local n=$1 nd key
    nd=$(node_dir "$n")
    key=$nd/ssh_host_ed25519_key
    [[ -s "$nd/ssh_host_ed25519_key.rekeyed" ]] && key=$nd/ssh_host_ed25519_key.rekeyed
    cat >"$nd/run/sshd_config" <<EOF
# sshd of testbed node$n ($(node_addr "$n")), written by testbed.sh
Port 22
ListenAddress 0.0.0.0
AddressFamily inet
HostKey $key
PidFile none
PermitRootLogin prohibit-password
PubkeyAuthentication yes
# Not ~/.ssh: a bind over the host's /root/.ssh dies with it when someone on the host removes that
# directory (deleting a mount point detaches it in every other mount namespace), and logins then fail.
AuthorizedKeysFile $nd/root-ssh/authorized_keys $nd/user-keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
AllowStreamLocalForwarding yes
AllowTcpForwarding yes
MaxSessions 50
MaxStartups 100
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
Subsystem sftp internal-sftp
LogLevel INFO
EOF
    # sshd -t runs here, in the machine's namespace, and insists on the privilege separation directory, which only
    # a started ssh service creates: a fresh machine whose package install did not start sshd has none.
    [[ -d /run/sshd ]] || install -d -m 0755 /run/sshd
    /usr/sbin/sshd -t -f "$nd/run/sshd_config" || die "node$n: sshd rejects $nd/run/sshd_config"
}

node_dockerd_ok() { dk_bounded "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

wait_node_ready() {
    local n=$1 nd
    nd=$(node_dir "$n")
    wait_for 120 node_dockerd_ok "$n" ||
        die "node$n: dockerd did not answer on $(node_sock "$n") within 120s; last log lines:
$(tail -n 15 "$nd/run/dockerd.log" 2>/dev/null)"
    wait_for 90 port_open "$(node_addr "$n")" 22 ||
        die "node$n: sshd did not open $(node_addr "$n"):22 within 90s; last log lines:
$(tail -n 15 "$nd/run/sshd.log" 2>/dev/null)"
}

# Start node N from nothing: dirs, keys, netns, mount namespace, daemons.
start_node() {
    local n=$1 nd
    nd=$(node_dir "$n")
    mkdir -p "$nd"/{docker,etcd,opt-rke,kubernetes,root-ssh,run}
    chmod 700 "$nd/root-ssh" "$nd/run"
    if [[ ! -s "$nd/ssh_host_ed25519_key" ]]; then
        ssh-keygen -q -t ed25519 -N '' -C "node$n" -f "$nd/ssh_host_ed25519_key"
    fi
    install -m 0600 "$TB/id_ed25519.pub" "$nd/root-ssh/authorized_keys"
    write_user_keys "$n"
    echo '{}' >"$nd/run/daemon.json"
    write_sshd_config "$n"
    install -m 0755 "$LIBDIR/node-inner.sh" "$nd/run/node-inner.sh"
    ensure_cpu_cgroup "node$n"
    echo "/$CGROUP_NAME/node$n" >"$nd/run/cgroup"
    create_node_net "$n"
    rm -f "$nd/run/"{inner,dockerd,sshd}.pid
    setsid nsenter --net="/run/netns/$(node_ns "$n")" \
        unshare --mount --uts --propagation private \
        bash "$nd/run/node-inner.sh" main "$n" "$nd" </dev/null >>"$nd/run/inner.log" 2>&1 9>&- &
    wait_for 10 test -s "$nd/run/sshd.pid" ||
        die "node$n: the node's inner process did not start; see $nd/run/inner.log:
$(tail -n 15 "$nd/run/inner.log" 2>/dev/null)"
    wait_node_ready "$n"
    log "node$n: up at $(node_addr "$n") (dockerd pid $(read_pid "$nd/run/dockerd.pid"), sshd pid $(read_pid "$nd/run/sshd.pid"))"
}

# Run node-inner.sh WHAT (dockerd|sshd) inside node N's namespaces.
node_inner_exec() {
    local n=$1 what=$2 nd anchor
    nd=$(node_dir "$n")
    anchor=$(read_pid "$nd/run/inner.pid")
    pid_alive "$anchor" || die "node$n: its anchor process is gone; run 'testbed.sh reset' or 'up'"
    install -m 0755 "$LIBDIR/node-inner.sh" "$nd/run/node-inner.sh"
    nsenter --target "$anchor" --net --mount --uts \
        bash "$nd/run/node-inner.sh" "$what" "$n" "$nd" </dev/null >>"$nd/run/inner.log" 2>&1 9>&-
}

sshd_running() { pid_is "$(read_pid "$(node_dir "$1")/run/sshd.pid")" sshd; }
dockerd_running() { pid_is "$(read_pid "$(node_dir "$1")/run/dockerd.pid")" dockerd; }
anchor_running() { pid_alive "$(read_pid "$(node_dir "$1")/run/inner.pid")"; }

# Runs a command in node N's mount namespace (what its dockerd and containers see), through its anchor process.
in_node_mounts() {
    local n=$1
    shift
    nsenter --target "$(read_pid "$(node_dir "$n")/run/inner.pid")" --mount "$@"
}

start_sshd() {
    local n=$1
    sshd_running "$n" && return 0
    write_sshd_config "$n"
    node_inner_exec "$n" sshd
    wait_for 90 port_open "$(node_addr "$n")" 22 ||
        die "node$n: sshd did not open $(node_addr "$n"):22 within 30s (is the link cut?); log:
$(tail -n 10 "$(node_dir "$n")/run/sshd.log" 2>/dev/null)"
}

stop_sshd() {
    local n=$1
    stop_pid "$(read_pid "$(node_dir "$n")/run/sshd.pid")" sshd 10
}

start_dockerd() {
    local n=$1
    dockerd_running "$n" && return 0
    node_inner_exec "$n" dockerd
    wait_for 120 node_dockerd_ok "$n" || die "node$n: restarted dockerd does not answer within 60s"
}

# Stop everything of node N and remove its network; keep its data.
stop_node() {
    local n=$1 nd ids=""
    nd=$(node_dir "$n")
    if [[ -S "$nd/docker.sock" ]]; then
        ids=$(timeout 5 docker -H "unix://$nd/docker.sock" ps -q --no-trunc 2>/dev/null || true)
    fi
    stop_pid "$(read_pid "$nd/run/sshd.pid")" sshd 5
    # The node's data is thrown away, so kill the containers outright: an etcd
    # leader that gets SIGTERM while its peers also stop tries to hand over
    # leadership and can cost dockerd's whole 10 s stop timeout.
    if [[ -n "$ids" ]]; then
        # shellcheck disable=SC2086
        timeout 15 docker -H "unix://$nd/docker.sock" kill $ids >/dev/null 2>&1 || true
    fi
    stop_pid "$(read_pid "$nd/run/dockerd.pid")" dockerd 30
    local anchor
    anchor=$(read_pid "$nd/run/inner.pid")
    pid_alive "$anchor" && [[ "$(cat "/proc/$anchor/comm" 2>/dev/null)" == bash ]] && stop_pid "$anchor" bash 5
    sweep_netns "$n"
    # Container processes in namespaces of their own (helpers without host
    # network) if dockerd had to be killed: find them by their cgroups.
    local id f p
    for id in $ids; do
        for f in /sys/fs/cgroup/pids/"$CGROUP_NAME/node$n/$id"/cgroup.procs /sys/fs/cgroup/pids/docker/"$id"/cgroup.procs \
            /sys/fs/cgroup/system.slice/docker-"$id".scope/cgroup.procs; do
            [[ -r "$f" ]] || continue
            for p in $(cat "$f"); do kill -KILL "$p" 2>/dev/null || true; done
        done
    done
    remove_node_net "$n"
    rm -f "$nd/run/"{inner,dockerd,sshd}.pid "$nd/docker.sock"
}

wipe_node_data() {
    local n=$1 nd
    nd=$(node_dir "$n")
    rm -rf "$nd/docker" "$nd/etcd" "$nd/opt-rke" "$nd/kubernetes" "$nd/root-ssh" \
        "$nd/ssh_host_ed25519_key.rekeyed" "$nd/ssh_host_ed25519_key.rekeyed.pub"
}

# ----------------------------------------------------------------- images

ensure_image() {
    local n=$1 tag=$2 name=$3 tar sha have
    tar=$IMAGES_DIR/$name.r$IMAGE_RECIPE.tar
    [[ -s "$tar" ]] || die "image tar $tar missing; run 'testbed.sh install'"
    sha=$(cat "$tar.sha256")
    have=$(dk "$n" image inspect -f '{{index .Config.Labels "io.clusterctl.testbed.tar-sha256"}}' "$tag" 2>/dev/null || true)
    [[ "$have" == "$sha" ]] && return 0
    dk "$n" import -c 'ENV PATH=/usr/local/bin:/bin:/usr/bin' \
        -c "LABEL io.clusterctl.testbed.tar-sha256=$sha" "$tar" "$tag" >/dev/null ||
        die "node$n: docker import of $tag failed"
    log "node$n: imported $tag"
}

ensure_images() {
    local n=$1
    ensure_image "$n" "$BUSYBOX_IMAGE" busybox-1
    ensure_image "$n" "$ETCD34_IMAGE" "etcd-v$ETCD34_VERSION"
    ensure_image "$n" "$ETCD35_IMAGE" "etcd-v$ETCD35_VERSION"
    ensure_image "$n" "$ETCD36_SHAPED_IMAGE" etcd-v3.6-shaped
}

# ----------------------------------------------------------------- containers

# The etcd container exactly as RKE builds it (docs/design.md).
create_etcd() {
    local n=$1 nodes=$2 image=$3 addr dashed cluster="" i
    addr=$(node_addr "$n") dashed=$(node_dashed "$n")
    for ((i = 1; i <= nodes; i++)); do
        cluster+="${cluster:+,}etcd-node$i=https://$(node_addr "$i"):2380"
    done
    local ssl=/etc/kubernetes/ssl
    dk "$n" run -d --name etcd --network host --restart always \
        --label io.rancher.rke.container.name=etcd \
        -v /var/lib/etcd:/var/lib/rancher/etcd/ -v /etc/kubernetes:/etc/kubernetes \
        -e ETCDCTL_API=3 -e "ETCDCTL_CACERT=$ssl/kube-ca.pem" \
        -e "ETCDCTL_CERT=$ssl/kube-etcd-$dashed.pem" -e "ETCDCTL_KEY=$ssl/kube-etcd-$dashed-key.pem" \
        -e ETCDCTL_ENDPOINTS=https://127.0.0.1:2379 \
        "$image" \
        /usr/local/bin/etcd --peer-client-cert-auth --client-cert-auth \
        "--name=etcd-node$n" \
        --data-dir=/var/lib/rancher/etcd/ \
        "--advertise-client-urls=https://$addr:2379" \
        --listen-client-urls=https://0.0.0.0:2379 \
        "--initial-advertise-peer-urls=https://$addr:2380" \
        --listen-peer-urls=https://0.0.0.0:2380 \
        --initial-cluster-token=etcd-cluster-1 \
        "--initial-cluster=$cluster" \
        --initial-cluster-state=new \
        "--trusted-ca-file=$ssl/kube-ca.pem" \
        "--peer-trusted-ca-file=$ssl/kube-ca.pem" \
        "--cert-file=$ssl/kube-etcd-$dashed.pem" \
        "--key-file=$ssl/kube-etcd-$dashed-key.pem" \
        "--peer-cert-file=$ssl/kube-etcd-$dashed.pem" \
        "--peer-key-file=$ssl/kube-etcd-$dashed-key.pem" \
        --election-timeout=5000 \
        --heartbeat-interval=500 \
        ${ETCD_QUOTA:+"--quota-backend-bytes=$ETCD_QUOTA"} >/dev/null || die "node$n: creating the etcd container failed"
}

# Deterministic pseudo-random k8s names (stable across resets).
k8s_suffix() { printf '%s' "$1" | sha256sum | tr -dc 'b-df-hj-np-tv-z2-9' | cut -c1-5; }
k8s_uid() {
    local h
    h=$(printf '%s' "$1" | sha256sum | cut -c1-32)
    echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"
}

standin() {
    local n=$1 name=$2; shift 2
    # Everything after "--" goes after the sh -c script, i.e. becomes Args.
    local labels=() args=()
    while (($#)) && [[ "$1" != -- ]]; do labels+=(--label "$1"); shift; done
    (($#)) && shift
    args=("$@")
    dk "$n" create --name "$name" --network host --restart unless-stopped \
        --label io.clusterctl.testbed.standin=true "${labels[@]}" \
        "$BUSYBOX_IMAGE" sh -c "$STANDINS_SCRIPT" "${args[@]}" >/dev/null ||
        die "node$n: creating stand-in $name failed"
}

create_standins() {
    local n=$1 nodes=$2 servers="" i
    for ((i = 1; i <= nodes; i++)); do servers+="${servers:+,}https://$(node_addr "$i"):2379"; done
    local ssl=/etc/kubernetes/ssl
    standin "$n" kube-apiserver io.rancher.rke.container.name=kube-apiserver \
        "io.clusterctl.testbed.etcd-servers=$servers" -- \
        kube-apiserver "--etcd-servers=$servers" "--etcd-cafile=$ssl/kube-ca.pem" \
        "--etcd-certfile=$ssl/kube-node.pem" "--etcd-keyfile=$ssl/kube-node-key.pem" \
        --etcd-prefix=/registry "--advertise-address=$(node_addr "$n")" --secure-port=6443
    local c
    for c in kube-controller-manager kube-scheduler kubelet kube-proxy; do
        standin "$n" "$c" "io.rancher.rke.container.name=$c" -- "$c"
    done
    local pod cname sfx uid
    for pod in kube-flannel-ds:kube-flannel calico-node:calico-node; do
        cname=${pod#*:} pod=${pod%%:*}
        sfx=$(k8s_suffix "$pod-node$n") uid=$(k8s_uid "$pod-node$n")
        local kl=(io.kubernetes.pod.name="$pod-$sfx" io.kubernetes.pod.namespace=kube-system
            io.kubernetes.pod.uid="$uid")
        standin "$n" "k8s_POD_${pod}-${sfx}_kube-system_${uid}_0" "${kl[@]}" \
            io.kubernetes.container.name=POD io.kubernetes.docker.type=podsandbox -- pause
        standin "$n" "k8s_${cname}_${pod}-${sfx}_kube-system_${uid}_0" "${kl[@]}" \
            "io.kubernetes.container.name=$cname" io.kubernetes.docker.type=container -- "$cname"
    done
    # One CLI call starts them all.
    # shellcheck disable=SC2046
    dk "$n" start $(dk "$n" ps -aq --filter label=io.clusterctl.testbed.standin=true) >/dev/null ||
        die "node$n: starting the stand-in containers failed"
}

# Returns 1 (with a log line) when dockerd fails or does not finish within DK_CHECK_SECONDS.
remove_all_containers() {
    local n=$1 ids
    ids=$(dk_bounded "$n" ps -aq) || { log "node$n: docker ps failed or did not answer within ${DK_CHECK_SECONDS}s"; return 1; }
    [[ -z "$ids" ]] && return 0
    # shellcheck disable=SC2086
    dk_bounded "$n" rm -f -v $ids >/dev/null || { log "node$n: removing containers failed or did not finish within ${DK_CHECK_SECONDS}s"; return 1; }
}

# Stops node N's dockerd (its containers stop with it) and starts it again.
restart_dockerd() {
    local n=$1
    stop_pid "$(read_pid "$(node_dir "$n")/run/dockerd.pid")" dockerd 30
    start_dockerd "$n"
}

# ----------------------------------------------------------------- etcd health

etcd_healthy() {
    local n=$1
    dk_bounded "$n" exec etcd etcdctl --command-timeout=3s endpoint health --cluster >/dev/null 2>&1
}

etcd_members() {
    dk_bounded "$1" exec etcd etcdctl --command-timeout=3s member list 2>/dev/null | grep -c ', started, ' || true
}

wait_etcd_healthy() {
    local nodes=$1 t0 i
    t0=$(now)
    log "waiting for etcd to become healthy on $nodes node(s)"
    if ! wait_for 120 eval "etcd_healthy 1 && [[ \$(etcd_members 1) == $nodes ]]"; then
        local msg=""
        for ((i = 1; i <= nodes; i++)); do
            msg+="
--- node$i: etcd logs (last 8 lines) ---
$(dk "$i" logs --tail 8 etcd 2>&1)"
        done
        die "etcd did not become healthy with $nodes started members within 120s:$msg"
    fi
    for ((i = 2; i <= nodes; i++)); do
        wait_for 30 etcd_healthy "$i" || die "etcd on node$i reports the cluster unhealthy"
    done
    log "etcd healthy on all $nodes node(s) after $(elapsed "$t0")s"
}

# ----------------------------------------------------------------- s3rver

s3rver_running() {
    local pid
    pid=$(read_pid "$RUNDIR/s3rver.pid")
    pid_alive "$pid" && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *s3rver* ]]
}

start_s3rver() {
    if s3rver_running; then return 0; fi
    if port_open "$S3_ADDR" "$S3_PORT"; then
        die "port $S3_ADDR:$S3_PORT is taken by a process that is not the testbed's s3rver"
    fi
    mkdir -p "$TB/s3" "$RUNDIR"
    setsid "$S3RVER_BIN" --address "$S3_ADDR" --port "$S3_PORT" --directory "$TB/s3" \
        --configure-bucket "$S3_BUCKET" </dev/null >>"$RUNDIR/s3rver.log" 2>&1 9>&- &
    echo $! >"$RUNDIR/s3rver.pid"
    join_cpu_cgroup operator $!
    wait_for 30 port_open "$S3_ADDR" "$S3_PORT" ||
        die "s3rver did not open $S3_ADDR:$S3_PORT within 30s; log:
$(tail -n 10 "$RUNDIR/s3rver.log")"
    log "s3rver: http://$S3_ADDR:$S3_PORT bucket $S3_BUCKET (pid $(read_pid "$RUNDIR/s3rver.pid"))"
}

registry_running() { pid_is "$(read_pid "$REGISTRY_DIR/node$1.pid")" docker-registry; }

registry_answers() { nsenter --net="/run/netns/$(node_ns "$1")" bash -c "exec 3<>/dev/tcp/127.0.0.1/$REGISTRY_PORT"; }

start_registries() {
    local n cfg
    mkdir -p "$REGISTRY_DIR/data"
    chmod 700 "$REGISTRY_DIR"
    [[ -s "$REGISTRY_DIR/password" ]] || (umask 077 && openssl rand -hex 16 >"$REGISTRY_DIR/password")
    htpasswd -Bic "$REGISTRY_DIR/htpasswd" "$REGISTRY_USER" <"$REGISTRY_DIR/password" 2>/dev/null ||
        die "htpasswd could not write $REGISTRY_DIR/htpasswd"
    cat >"$REGISTRY_DIR/config.yml" <<EOF
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $REGISTRY_DIR/data}}
http: {addr: 127.0.0.1:$REGISTRY_PORT}
auth: {htpasswd: {realm: testbed, path: $REGISTRY_DIR/htpasswd}}
EOF
    for n in $(seq 1 "$STATE_NODES"); do
        registry_running "$n" && continue
        setsid nsenter --net="/run/netns/$(node_ns "$n")" docker-registry serve "$REGISTRY_DIR/config.yml" \
            </dev/null >>"$REGISTRY_DIR/node$n.log" 2>&1 9>&- &
        echo $! >"$REGISTRY_DIR/node$n.pid"
    done
    for n in $(seq 1 "$STATE_NODES"); do
        wait_for 30 registry_answers "$n" || die "node$n: the registry did not open 127.0.0.1:$REGISTRY_PORT within 30s; log:
$(tail -n 10 "$REGISTRY_DIR/node$n.log")"
    done
    if [[ ! -d "$REGISTRY_DIR/data/docker/registry/v2/repositories/testbed/busybox" ]]; then
        # Pushed once from node 1, with a throwaway client config so that no login is left behind.
        cfg=$(mktemp -d)
        dk 1 tag "$BUSYBOX_IMAGE" "$REGISTRY_IMAGE" &&
            DOCKER_CONFIG=$cfg dk 1 login -u "$REGISTRY_USER" --password-stdin "127.0.0.1:$REGISTRY_PORT" <"$REGISTRY_DIR/password" >/dev/null 2>&1 &&
            DOCKER_CONFIG=$cfg dk 1 push -q "$REGISTRY_IMAGE" >/dev/null || { rm -rf "$cfg"; die "pushing $REGISTRY_IMAGE failed"; }
        rm -rf "$cfg"
    fi
    for n in $(seq 1 "$STATE_NODES"); do dk "$n" rmi "$REGISTRY_IMAGE" >/dev/null 2>&1 || true; done
    log "registry: $REGISTRY_IMAGE on every node's loopback, user $REGISTRY_USER, password in $REGISTRY_DIR/password; no node has the image"
}

stop_registries() {
    local f pid
    for f in "$REGISTRY_DIR"/node*.pid; do
        [[ -e "$f" ]] || continue
        pid=$(read_pid "$f")
        if pid_is "$pid" docker-registry; then kill -TERM "$pid" 2>/dev/null || true; fi
        rm -f "$f"
    done
}

stop_s3rver() {
    local pid
    pid=$(read_pid "$RUNDIR/s3rver.pid")
    if s3rver_running; then
        kill -TERM "$pid" 2>/dev/null || true
        wait_for 10 eval "! pid_alive $pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$RUNDIR/s3rver.pid"
}

# ----------------------------------------------------------------- files

json_pem() { awk 'BEGIN{ORS=""; print "\""} {gsub(/\\/,"\\\\"); gsub(/"/,"\\\""); print $0 "\\n"} END{print "\""}' "$1"; }

write_cluster_files() {
    local nodes=$1 etcd=$2 image i tmp
    image=$(etcd_image_for "$etcd")
    tmp=$TB/cluster.yml.tmp
    {
        echo "# Written by tests/testbed/testbed.sh; rewritten by 'up' and 'reset'."
        echo "cluster_name: testbed"
        echo "ssh_key_path: $TB/id_ed25519"
        echo "nodes:"
        for ((i = 1; i <= nodes; i++)); do
            echo "  - address: $(node_addr "$i")"
            echo "    user: root"
            echo "    role: [controlplane, etcd, worker]"
            echo "    hostname_override: node$i"
        done
        echo "system_images:"
        echo "  etcd: $image"
        echo "  alpine: $BUSYBOX_IMAGE"
        echo "  cert_downloader: $BUSYBOX_IMAGE"
        echo "services:"
        if [[ -n "$ETCD_QUOTA" ]]; then
            echo "  etcd:"
            echo "    extra_args:"
            echo "      quota-backend-bytes: \"$ETCD_QUOTA\""
        else
            echo "  etcd: {}"
        fi
    } >"$tmp"
    mv "$tmp" "$TB/cluster.yml"

    local bundle
    bundle="{\"kube-ca\":{\"certificatePEM\":$(json_pem "$TB/ca/kube-ca.pem"),\"keyPEM\":$(json_pem "$TB/ca/kube-ca-key.pem"),\"name\":\"kube-ca\",\"commonName\":\"kube-ca\",\"ouName\":\"\",\"envName\":\"KUBE_CA\",\"path\":\"/etc/kubernetes/ssl/kube-ca.pem\",\"keyEnvName\":\"KUBE_CA_KEY\",\"keyPath\":\"/etc/kubernetes/ssl/kube-ca-key.pem\"}}"
    printf '{"desiredState":{"certificatesBundle":%s},"currentState":{"certificatesBundle":%s}}\n' \
        "$bundle" "$bundle" >"$TB/cluster.rkestate.tmp"
    chmod 600 "$TB/cluster.rkestate.tmp"
    mv "$TB/cluster.rkestate.tmp" "$TB/cluster.rkestate"

    {
        echo "# Written by tests/testbed/testbed.sh"
        echo "TB_DIR=$TB"
        echo "TB_NODES=$nodes"
        echo "TB_ETCD=$etcd"
        echo "TB_ETCD_IMAGE=$image"
        echo "TB_BUSYBOX_IMAGE=$BUSYBOX_IMAGE"
        echo "TB_CLUSTER_YML=$TB/cluster.yml"
        echo "TB_RKESTATE=$TB/cluster.rkestate"
        echo "TB_SSH_KEY=$TB/id_ed25519"
        echo "TB_SSH_USER=root"
        for ((i = 1; i <= nodes; i++)); do
            echo "TB_NODE${i}_ADDR=$(node_addr "$i")"
            echo "TB_NODE${i}_NAME=node$i"
            echo "TB_NODE${i}_DOCKER_SOCK=$(node_sock "$i")"
        done
        echo "TB_INTERNAL_PREFIX=$INTERNAL_PREFIX"
        echo "TB_BRIDGE=$BRIDGE"
        echo "TB_CPU_CGROUP=$CPU_CGROUP"
        echo "TB_S3_ENDPOINT=http://$S3_ADDR:$S3_PORT"
        echo "TB_S3_BUCKET=$S3_BUCKET"
        echo "TB_S3_ACCESS_KEY=$S3_KEY"
        echo "TB_S3_SECRET_KEY=$S3_KEY"
    } >"$TB/testbed.env.tmp"
    mv "$TB/testbed.env.tmp" "$TB/testbed.env"
}

write_state() {
    mkdir -p "$RUNDIR"
    printf 'TB_NODES=%s\nTB_ETCD=%s\nTB_ETCD_QUOTA=%s\n' "$1" "$2" "$ETCD_QUOTA" >"$STATE.tmp"
    mv "$STATE.tmp" "$STATE"
}

# Sets STATE_NODES / STATE_ETCD; returns 1 when there is no state.
read_state() {
    STATE_NODES="" STATE_ETCD=""
    [[ -r "$STATE" ]] || return 1
    STATE_NODES=$(sed -n 's/^TB_NODES=//p' "$STATE")
    STATE_ETCD=$(sed -n 's/^TB_ETCD=//p' "$STATE")
    STATE_ETCD_QUOTA=$(sed -n 's/^TB_ETCD_QUOTA=//p' "$STATE")
    [[ -n "$STATE_NODES" && -n "$STATE_ETCD" ]]
}

# Node numbers that have any trace: a recorded anchor pid, a netns or a veth.
known_nodes() {
    {
        local d
        for d in "$TB"/nodes/node*/run/inner.pid; do
            [[ -e "$d" ]] && basename "$(dirname "$(dirname "$d")")" | sed 's/^node//'
        done
        ip netns list 2>/dev/null | awk '{print $1}' | sed -n "s/^$NAME_PREFIX-n\([0-9][0-9]*\)\$/\1/p"
        ip -o link show 2>/dev/null | sed -n "s/^[0-9]*: $NAME_PREFIX-v\([0-9][0-9]*\)[@:].*/\1/p"
    } | sort -n -u
}

# ----------------------------------------------------------------- host profile

ensure_cpu_cgroup() {
    [[ -d "$CPU_CGROUP/$1" ]] || mkdir -p "$CPU_CGROUP/$1"
}

# join_cpu_cgroup GROUP PID: moves one process (its children follow from then on) into node<N> or operator.
join_cpu_cgroup() {
    ensure_cpu_cgroup "$1"
    echo "$2" >"$CPU_CGROUP/$1/cgroup.procs"
}

set_cpu_quota() {
    local group=$1 cpus=$2 period
    ensure_cpu_cgroup "$group"
    period=$(cat "$CPU_CGROUP/$group/cpu.cfs_period_us")
    awk -v cpus="$cpus" -v period="$period" 'BEGIN { printf "%d\n", cpus * period }' >"$CPU_CGROUP/$group/cpu.cfs_quota_us"
}

lift_cpu_quotas() {
    local group
    for group in "$CPU_CGROUP"/*/; do
        [[ -d "$group" ]] && echo -1 >"$group/cpu.cfs_quota_us"
    done
    return 0
}

# Removes the testbed's cgroups in every controller (dockerd made its --cgroup-parent in all of them). A group that
# still holds a process stays; the next 'up' reuses it.
remove_cgroups() {
    local root
    for root in /sys/fs/cgroup/*/"$CGROUP_NAME"; do
        [[ -d "$root" ]] && find "$root" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
}

link_off() {
    tc qdisc del dev "$BRIDGE" root 2>/dev/null || true
    tc qdisc del dev "$BRIDGE" ingress 2>/dev/null || true
    if ip link show "$LINK_IFB" >/dev/null 2>&1; then ip link del "$LINK_IFB"; fi
}

# shape_link DEV RATE [ONE_WAY_DELAY]: all of DEV's egress at RATE, delayed when a delay is given.
shape_link() {
    local dev=$1 rate=$2 delay=${3:-}
    tc qdisc add dev "$dev" root handle 1: htb default 10
    tc class add dev "$dev" parent 1: classid 1:10 htb rate "$rate" ceil "$rate" quantum 60000
    if [[ -n "$delay" ]]; then
        tc qdisc add dev "$dev" parent 1:10 handle 10: netem delay "$delay" limit 100000
    fi
}
