#!/bin/bash
# clusterctl testbed: simulated RKE hosts (netns + mount ns + dockerd + sshd
# each) with a TLS etcd cluster built the way RKE builds it, plus s3rver.
# See tests/testbed/README.md. Run as root.
set -euo pipefail

LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/testbed/lib.sh
source "$LIBDIR/lib.sh"

usage() {
    cat <<EOF
usage: testbed.sh COMMAND [ARGS]

  install                         install prerequisites, build cached images
  up [--nodes N] [--etcd 3.4|3.5|3.6] [--quota-backend-bytes BYTES]
                                  bring the testbed up (default 3 nodes, etcd 3.5); 3.6 is
                                  3.5 shaped like 3.6 (etcdctl without snapshot status/restore);
                                  a no-op when it is already up, same shape, healthy; the quota (etcd's
                                  flag and cluster.yml's extra_args) lets a db grow past etcd's 2 GiB
  down                            stop and remove everything up started
  reset [--etcd 3.4|3.5|3.6]      repair and recreate etcd + stand-ins, fresh data
  add-node N                      start an extra bare node N (no certs, no etcd)
  destroy-node N                  stop node N and delete its state and namespace
  cut N | heal N                  link of node N down / up
  stop-sshd N | start-sshd N      stop / start node N's sshd only
  isolate-etcd N | rejoin-etcd N  drop node N's etcd peer traffic (2380) / let it through again: its etcd
                                  falls behind while it still answers clients, ssh and docker
  restart-dockerd N               stop node N's dockerd (its containers stop with it) and start it again
  slow N RATE | slow N off        shape what the operator's side sends to node N (tc tbf, e.g. 8mbit)
  small-disk N SIZE | small-disk N off
                                  node N's snapshot directory on a tmpfs of SIZE (e.g. 64k), seen only
                                  inside the node (its dockerd and helpers); off puts the real one back
  slow-s3 RATE | slow-s3 off      shape what is sent to s3rver (its port only, on lo)
  cpu NODE_CPUS OPERATOR_CPUS | cpu off
                                  CPU quotas (e.g. 0.5 0.5): each node's cgroup (sshd, dockerd and every container
                                  it runs) and the operator's (s3rver and whatever joined it); off lifts them
  join-operator PID               put process PID (and what it starts from then on) in the operator's cgroup
  link RATE[,RTT] | link off      shape the operator's link: everything between this machine and the nodes (not
                                  node to node), RATE each way (e.g. 100mbit), RTT split over the two directions
                                  (e.g. 20ms; needs the kernel's netem)
  registry on | registry off      a private registry (htpasswd) on every node's loopback holding busybox
                                  (see README); reset and down stop it
  stop-s3 | start-s3              stop / start s3rver (its data stays)
  refuse-direct N | allow-direct N
                                  refuse / allow new TCP connections from this machine to node N (a node
                                  reachable only through a bastion: another node, e.g. from add-node)
  prefix N PATH | prefix N off    node N laid out under PATH as RKE's prefix_path does it (/etc/kubernetes,
                                  /var/lib/etcd, /opt/rke under it); the unprefixed paths empty and read-only
  docker-socket N PATH | docker-socket N off
                                  node N's dockerd answers on PATH (under /run) instead of /var/run/docker.sock
  internal-net on | internal-net off
                                  a second network between the nodes (10.214.<id>.1N, eth1; this machine is not on
                                  it), etcd's ports refused on eth0, and certificates named after and issued for the
                                  internal addresses on every node; etcd itself is left to the caller; reset and down
                                  take it all back
  rekey N                         give node N a new sshd host key (until unrekey/reset/down)
  unrekey N                       give node N its original sshd host key back
  docker N ARGS...                docker CLI against node N's dockerd
  etcdctl N ARGS...               etcdctl inside node N's etcd container
  status                          what is up (exit 0 healthy, 1 degraded, 3 down)

State directory: \$CLUSTERCTL_TESTBED_DIR (default /var/lib/clusterctl-testbed).
EOF
}

need_root() { ((EUID == 0)) || die "testbed.sh must run as root"; }

# run FN for each node in parallel; fail if any failed.
par() {
    local fn=$1 n p rc=0 pids=()
    shift
    for n in "$@"; do
        ("$fn" "$n") &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    ((rc == 0)) || die "$fn failed on at least one node (see the messages above)"
}

seq_nodes() { seq 1 "$1"; }

# ----------------------------------------------------------------- up

link_up() { [[ "$(cat "/sys/class/net/$(node_veth "$1")/operstate" 2>/dev/null)" == up ]]; }

# Quick check: up with this shape and healthy?
testbed_healthy() {
    local nodes=$1 etcd=$2 image n
    image=$(etcd_image_for "$etcd")
    read_state || return 1
    [[ "$STATE_NODES" == "$nodes" && "$STATE_ETCD" == "$etcd" && "$STATE_ETCD_QUOTA" == "$ETCD_QUOTA" ]] || return 1
    ip link show "$BRIDGE" >/dev/null 2>&1 || return 1
    iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || return 1
    for n in $(seq_nodes "$nodes"); do
        node_net_ok "$n" && link_up "$n" || return 1
        anchor_running "$n" && dockerd_running "$n" && sshd_running "$n" || return 1
        [[ "$(dk_bounded "$n" inspect -f '{{.Config.Image}} {{.State.Running}}' etcd 2>/dev/null)" == "$image true" ]] || return 1
    done
    s3rver_running || return 1
    [[ -s "$TB/cluster.yml" && -s "$TB/cluster.rkestate" && -s "$TB/testbed.env" ]] || return 1
    etcd_healthy 1 && [[ "$(etcd_members 1)" == "$nodes" ]]
}

up_node() {
    local n=$1
    start_node "$n"
    ensure_images "$n"
    install_certs "$n" "$UP_NODES"
    create_etcd "$n" "$UP_NODES" "$UP_IMAGE"
    create_standins "$n" "$UP_NODES"
    log "node$n: etcd and stand-in containers created"
}

do_up() {
    local nodes=$1 etcd=$2 t0 n
    t0=$(now)
    UP_NODES=$nodes UP_IMAGE=$(etcd_image_for "$etcd")
    if [[ -n "$(known_nodes)" ]] || [[ -e "$STATE" ]] || ip link show "$BRIDGE" >/dev/null 2>&1 || s3rver_running; then
        log "tearing down the previous or partial testbed first"
        do_down
    fi
    log "bringing up $nodes node(s) with etcd $etcd ($UP_IMAGE)"
    ensure_client_key
    ensure_ca
    for n in $(seq_nodes "$nodes"); do ensure_etcd_cert "$n"; done
    ensure_bridge
    tc qdisc del dev lo root 2>/dev/null || true
    start_s3rver
    local list
    mapfile -t list < <(seq_nodes "$nodes")
    par up_node "${list[@]}"
    wait_etcd_healthy "$nodes"
    write_cluster_files "$nodes" "$etcd"
    write_state "$nodes" "$etcd"
    log "up: $nodes node(s), etcd $etcd, in $(elapsed "$t0")s; cluster.yml: $TB/cluster.yml, env: $TB/testbed.env"
}

cmd_up() {
    local nodes=3 etcd=3.5
    while (($#)); do
        case $1 in
            --quota-backend-bytes) ETCD_QUOTA=${2:?--quota-backend-bytes needs a value}; shift 2 ;;
            --nodes) nodes=${2:?--nodes needs a value}; shift 2 ;;
            --nodes=*) nodes=${1#*=}; shift ;;
            --etcd) etcd=${2:?--etcd needs a value}; shift 2 ;;
            --etcd=*) etcd=${1#*=}; shift ;;
            *) die "up: unknown argument '$1'" ;;
        esac
    done
    [[ "$nodes" =~ ^[1-9]$ ]] || die "up: --nodes must be 1..9, got '$nodes'"
    [[ -z "$ETCD_QUOTA" || "$ETCD_QUOTA" =~ ^[1-9][0-9]*$ ]] || die "up: --quota-backend-bytes must be a number of bytes, got '$ETCD_QUOTA'"
    etcd_image_for "$etcd" >/dev/null
    take_lock
    cmd_install
    if testbed_healthy "$nodes" "$etcd"; then
        log "already up with $nodes node(s) and etcd $etcd, and etcd is healthy; nothing to do"
        return 0
    fi
    do_up "$nodes" "$etcd"
}

# ----------------------------------------------------------------- down

do_down() {
    local t0 nodes
    t0=$(now)
    mapfile -t nodes < <(known_nodes)
    if ((${#nodes[@]})); then
        log "stopping node(s): ${nodes[*]}"
        par stop_node "${nodes[@]}"
    fi
    stop_s3rver
    stop_registries
    tc qdisc del dev lo root 2>/dev/null || true
    link_off
    remove_bridge
    remove_cgroups
    internal_net_off
    local d
    for d in "$TB"/nodes/node*; do
        [[ -d "$d" ]] && wipe_node_data "${d##*/node}"
    done
    rm -rf "$TB/s3"
    rm -f "$STATE" "$TB/cluster.yml" "$TB/cluster.rkestate" "$TB/testbed.env"
    log "down in $(elapsed "$t0")s (kept: $CACHE, $TB/ca, $TB/id_ed25519, node host keys)"
}

cmd_down() {
    take_lock
    do_down
}

# ----------------------------------------------------------------- reset

# Re-create node N's veth pair when it was deleted while the node lives.
repair_node_net() {
    local n=$1 ns veth
    ns=$(node_ns "$n") veth=$(node_veth "$n")
    if ! ip link show "$veth" >/dev/null 2>&1; then
        log "node$n: re-creating its veth"
        nsenter --net="/run/netns/$ns" ip link del eth0 2>/dev/null || true
        ip link add "$veth" type veth peer name eth0 netns "$ns"
    fi
    ip link set "$veth" master "$BRIDGE"
    ip link set "$veth" up
    nsenter --net="/run/netns/$ns" sh -c "
        ip -4 addr show dev eth0 | grep -q 'inet $(node_addr "$n")/24' || ip addr add $(node_addr "$n")/24 dev eth0
        ip link set eth0 up; ip link set lo up"
}

restart_node_from_scratch() {
    local n=$1
    stop_node "$n"
    wipe_node_data "$n"
    start_node "$n"
}

reset_node() {
    local n=$1 nd
    nd=$(node_dir "$n")
    if ! anchor_running "$n" || [[ ! -e /run/netns/$(node_ns "$n") ]]; then
        log "node$n: its namespaces are gone; starting it from scratch"
        restart_node_from_scratch "$n"
    elif dockerd_running "$n" && ! node_dockerd_ok "$n"; then
        # Alive but silent: a fresh node is surer than a dockerd restart racing its own containerd's exit.
        log "node$n: dockerd does not answer within ${DK_CHECK_SECONDS}s; starting the node from scratch"
        restart_node_from_scratch "$n"
    else
        # Faults and layouts a test injected and could not take back (slow, small-disk, prefix, docker-socket, refuse-direct) go too.
        tc qdisc del dev "$(node_veth "$n")" root 2>/dev/null || true
        undo_small_disk "$n"
        undo_prefix "$n"
        undo_docker_socket "$n"
        allow_direct "$n"
        rejoin_etcd "$n"
        if ! node_net_ok "$n" || ! link_up "$n"; then
            log "node$n: repairing its link"
            repair_node_net "$n"
        fi
        if ! dockerd_running "$n"; then log "node$n: restarting dockerd"; start_dockerd "$n"; fi
        if [[ -e "$nd/ssh_host_ed25519_key.rekeyed" ]]; then
            log "node$n: restoring its original sshd host key"
            stop_sshd "$n"
            rm -f "$nd/ssh_host_ed25519_key.rekeyed" "$nd/ssh_host_ed25519_key.rekeyed.pub"
        fi
        install -m 0600 "$TB/id_ed25519.pub" "$nd/root-ssh/authorized_keys"
        write_user_keys "$n"
        if ! sshd_running "$n"; then log "node$n: starting sshd"; start_sshd "$n"; fi
        wait_node_ready "$n"
    fi
    if ! remove_all_containers "$n"; then
        log "node$n: starting it from scratch to get rid of its containers"
        restart_node_from_scratch "$n"
        remove_all_containers "$n" || die "node$n: its containers cannot be removed even on a fresh node"
    fi
    find "$nd/etcd" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    rm -rf "$nd/opt-rke"/etcd-snapshots*
    ensure_images "$n"
    install_certs "$n" "$UP_NODES"
    create_etcd "$n" "$UP_NODES" "$UP_IMAGE"
    create_standins "$n" "$UP_NODES"
}

cmd_reset() {
    local etcd=""
    while (($#)); do
        case $1 in
            --etcd) etcd=${2:?--etcd needs a value}; shift 2 ;;
            --etcd=*) etcd=${1#*=}; shift ;;
            *) die "reset: unknown argument '$1'" ;;
        esac
    done
    [[ -z "$etcd" ]] || etcd_image_for "$etcd" >/dev/null
    take_lock
    cmd_install
    if ! read_state; then
        log "the testbed is not up; doing a full 'up' instead"
        do_up 3 "${etcd:-3.5}"
        return 0
    fi
    local t0 nodes n
    t0=$(now)
    nodes=$STATE_NODES etcd=${etcd:-$STATE_ETCD} ETCD_QUOTA=$STATE_ETCD_QUOTA
    UP_NODES=$nodes UP_IMAGE=$(etcd_image_for "$etcd")
    log "reset: $nodes node(s), etcd $etcd ($UP_IMAGE)"
    stop_registries
    internal_net_off
    link_off
    lift_cpu_quotas
    for n in $(known_nodes); do
        if ((n > nodes)); then
            log "node$n: extra node, destroying it"
            stop_node "$n"
            wipe_node_data "$n"
        fi
    done
    ensure_client_key
    ensure_ca
    for n in $(seq_nodes "$nodes"); do ensure_etcd_cert "$n"; done
    ensure_bridge
    tc qdisc del dev lo root 2>/dev/null || true
    start_s3rver
    local list
    mapfile -t list < <(seq_nodes "$nodes")
    par reset_node "${list[@]}"
    wait_etcd_healthy "$nodes"
    write_cluster_files "$nodes" "$etcd"
    write_state "$nodes" "$etcd"
    log "reset done in $(elapsed "$t0")s"
}

# ----------------------------------------------------------------- single nodes

cmd_add_node() {
    local n=${1:?add-node needs a node number}
    check_node_number "$n"
    take_lock
    if read_state && ((n <= STATE_NODES)); then
        die "node$n is a cluster node (1..$STATE_NODES); pick a number above $STATE_NODES"
    fi
    cmd_install
    ensure_client_key
    ensure_bridge
    local known
    mapfile -t known < <(known_nodes)
    if [[ " ${known[*]} " == *" $n "* ]]; then
        log "node$n exists; destroying it first so that it comes up fresh"
        stop_node "$n"
        wipe_node_data "$n"
    fi
    local t0
    t0=$(now)
    start_node "$n"
    if internal_net_on; then
        attach_internal "$n"
        log "node$n: on the internal network at $(node_internal_addr "$n")"
    fi
    ensure_images "$n"
    log "node$n added at $(node_addr "$n") in $(elapsed "$t0")s (no certificates, no etcd, not in cluster.yml)"
}

cmd_destroy_node() {
    local n=${1:?destroy-node needs a node number}
    check_node_number "$n"
    take_lock
    stop_node "$n"
    wipe_node_data "$n"
    log "node$n destroyed: processes stopped, namespace and veth removed, data deleted (host key kept)"
}

need_veth() { ip link show "$(node_veth "$1")" >/dev/null 2>&1 || die "node$1 has no link $(node_veth "$1"); is it up?"; }

cmd_cut() {
    local n=${1:?cut needs a node number}
    check_node_number "$n"
    need_veth "$n"
    ip link set "$(node_veth "$n")" down
    log "node$n cut off (link $(node_veth "$n") down)"
}

# Node N behind a wall, as nodes reachable only through a bastion are: this machine (the operator's side) can open no
# new TCP connection to it; the nodes and a bastion node still reach it over the bridge, which this rule never sees.
direct_rule() { echo "OUTPUT -d $(node_addr "$1") -p tcp -m conntrack --ctstate NEW -j REJECT --reject-with tcp-reset"; }

cmd_refuse_direct() {
    local n=${1:?refuse-direct needs a node number}
    check_node_number "$n"
    # shellcheck disable=SC2046
    iptables -C $(direct_rule "$n") 2>/dev/null || iptables -I $(direct_rule "$n")
    log "node$n: new TCP connections from this machine refused (through a bastion only)"
}

allow_direct() {
    # shellcheck disable=SC2046
    while iptables -D $(direct_rule "$1") 2>/dev/null; do :; done
}

cmd_heal() {
    local n=${1:?heal needs a node number}
    check_node_number "$n"
    need_veth "$n"
    ip link set "$(node_veth "$n")" up
    wait_for 10 link_up "$n" || die "node$n: link $(node_veth "$n") did not come up"
    log "node$n healed (link $(node_veth "$n") up)"
}

cmd_stop_sshd() {
    local n=${1:?stop-sshd needs a node number}
    check_node_number "$n"
    take_lock
    stop_sshd "$n"
    log "node$n: sshd stopped (existing sessions are left alone, as systemctl stop ssh does)"
}

cmd_start_sshd() {
    local n=${1:?start-sshd needs a node number}
    check_node_number "$n"
    take_lock
    if sshd_running "$n"; then log "node$n: sshd already running"; return 0; fi
    start_sshd "$n"
    log "node$n: sshd started (pid $(read_pid "$(node_dir "$n")/run/sshd.pid"))"
}

# As 'systemctl restart docker' does it: containers stop with the daemon, and those with a restart policy come back.
cmd_restart_dockerd() {
    local n=${1:?restart-dockerd needs a node number}
    check_node_number "$n"
    take_lock
    restart_dockerd "$n"
    log "node$n: dockerd restarted"
}

# Inside the node's own network namespace, so the rules go with it and touch nothing else.
cmd_isolate_etcd() {
    local n=${1:?isolate-etcd needs a node number}
    check_node_number "$n"
    rejoin_etcd "$n"
    # Both ports: each member reads the other's messages on a connection it dialled itself.
    local chain port
    for chain in INPUT OUTPUT; do
        for port in --dport --sport; do
            ip netns exec "$(node_ns "$n")" iptables -A "$chain" -p tcp "$port" 2380 -j DROP
        done
    done
    log "node$n: etcd peer traffic dropped"
}

cmd_rejoin_etcd() {
    local n=${1:?rejoin-etcd needs a node number}
    check_node_number "$n"
    rejoin_etcd "$n"
    log "node$n: etcd peer traffic flows again"
}

rejoin_etcd() {
    local ns chain port
    ns=$(node_ns "$1")
    for chain in INPUT OUTPUT; do
        for port in --dport --sport; do
            while ip netns exec "$ns" iptables -D "$chain" -p tcp "$port" 2380 -j DROP 2>/dev/null; do :; done
        done
    done
}

cmd_internal_net() {
    local mode=${1:?internal-net needs on or off} n
    take_lock
    case $mode in
        on)
            read_state || die "internal-net: the testbed is not up"
            ensure_bridge_link "$INTERNAL_BRIDGE"
            touch "$INTERNAL_MARKER"
            for n in $(seq_nodes "$STATE_NODES"); do ensure_etcd_cert "$n"; done
            for n in $(known_nodes); do
                anchor_running "$n" || continue
                attach_internal "$n"
                install_certs "$n" "$STATE_NODES"
            done
            log "internal network on: nodes at $INTERNAL_PREFIX.1N, etcd's ports refused on eth0"
            ;;
        off) internal_net_off; log "internal network off" ;;
        *) die "internal-net: expected on or off, got '$mode'" ;;
    esac
}

internal_net_off() {
    local n
    for n in $(known_nodes); do detach_internal "$n"; done
    remove_bridge "$INTERNAL_BRIDGE"
    rm -f "$INTERNAL_MARKER"
}

cmd_slow() {
    local n=${1:?slow needs a node number} rate=${2:?slow needs a rate (e.g. 8mbit) or off}
    check_node_number "$n"
    need_veth "$n"
    tc qdisc del dev "$(node_veth "$n")" root 2>/dev/null || true
    if [[ "$rate" == off ]]; then
        log "node$n: link unshaped"
        return 0
    fi
    tc qdisc add dev "$(node_veth "$n")" root tbf rate "$rate" burst 32kbit latency 400ms
    log "node$n: what is sent to it limited to $rate"
}

cmd_cpu() {
    local nodes=${1:?cpu needs CPUs per node (e.g. 0.5) or off} operator=${2:-} n
    if [[ "$nodes" == off ]]; then
        lift_cpu_quotas
        log "cpu: no quotas"
        return 0
    fi
    [[ "$nodes" =~ ^[0-9]+(\.[0-9]+)?$ && "$operator" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
        die "cpu: give CPUs per node and for the operator, e.g. 'cpu 0.5 0.5', or 'cpu off'"
    [[ -d /sys/fs/cgroup/cpu ]] || die "cpu: no cgroup v1 cpu controller at /sys/fs/cgroup/cpu"
    for n in $(known_nodes); do set_cpu_quota "node$n" "$nodes"; done
    set_cpu_quota operator "$operator"
    log "cpu: $nodes CPU per node, $operator CPU for the operator's side"
}

cmd_link() {
    local spec=${1:?link needs RATE[,RTT] (e.g. 100mbit,20ms) or off} rate delay=""
    link_off
    if [[ "$spec" == off ]]; then
        log "operator link: unshaped"
        return 0
    fi
    rate=${spec%%,*}
    if [[ "$spec" == *,* ]]; then
        local rtt=${spec#*,}
        [[ "$rtt" =~ ^([0-9]+)ms$ ]] || die "link: RTT must be in ms, e.g. 20ms, got '$rtt'"
        delay="$((BASH_REMATCH[1] * 500))us"
    fi
    ip link show "$BRIDGE" >/dev/null 2>&1 || die "link: no bridge $BRIDGE; is the testbed up?"
    ip link add "$LINK_IFB" type ifb
    ip link set "$LINK_IFB" up
    if ! shape_link "$BRIDGE" "$rate" "$delay" || ! shape_link "$LINK_IFB" "$rate" "$delay"; then
        link_off
        [[ -n "$delay" ]] && die "link: could not shape $rate with ${delay} each way; this kernel may lack netem (try without the RTT)"
        die "link: could not shape $BRIDGE at $rate"
    fi
    tc qdisc add dev "$BRIDGE" handle ffff: ingress
    tc filter add dev "$BRIDGE" parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev "$LINK_IFB"
    log "operator link: $rate each way${delay:+, $delay delay each way}"
}

# The node's own mount namespace gets the tmpfs, so its dockerd binds it into helpers; the host's view of the
# directory (the real one underneath) stays as it was.
cmd_small_disk() {
    local n=${1:?small-disk needs a node number} size=${2:?small-disk needs a size (e.g. 64k) or off}
    check_node_number "$n"
    anchor_running "$n" || die "node$n is not up"
    if [[ "$size" == off ]]; then
        undo_small_disk "$n"
        log "node$n: snapshot directory back on its disk"
        return 0
    fi
    in_node_mounts "$n" mkdir -p /opt/rke/etcd-snapshots
    in_node_mounts "$n" mount -t tmpfs -o "size=$size,mode=755" tmpfs /opt/rke/etcd-snapshots
    log "node$n: snapshot directory on a $size tmpfs"
}

# An htb whose default class is unlimited and a slow class that a filter fills with s3rver's port alone: the test
# host's other loopback traffic (the test runner's own sockets among it) keeps its speed.
cmd_slow_s3() {
    local rate=${1:?slow-s3 needs a rate (e.g. 100kbit) or off}
    tc qdisc del dev lo root 2>/dev/null || true
    if [[ "$rate" == off ]]; then
        log "s3rver: unshaped"
        return 0
    fi
    tc qdisc add dev lo root handle 1: htb default 10
    tc class add dev lo parent 1: classid 1:10 htb rate 100gbit
    tc class add dev lo parent 1: classid 1:20 htb rate "$rate" ceil "$rate"
    tc filter add dev lo parent 1: protocol ip u32 match ip dport "$S3_PORT" 0xffff flowid 1:20
    log "s3rver: what is sent to it limited to $rate"
}

undo_small_disk() {
    while in_node_mounts "$1" findmnt -n -o FSTYPE /opt/rke/etcd-snapshots 2>/dev/null | grep -qx tmpfs; do
        in_node_mounts "$1" umount /opt/rke/etcd-snapshots
    done
}

# RKE's prefix_path on node N: /etc/kubernetes, /var/lib/etcd and /opt/rke appear under PREFIX (a tmpfs holding
# bind mounts of the node's own directories), and the unprefixed paths become empty and read-only, so that anything
# that still used them would fail or find nothing.
cmd_prefix() {
    local n=${1:?prefix needs a node number} prefix=${2:?prefix needs a path (e.g. /opt/custom) or off} nd pair
    check_node_number "$n"
    anchor_running "$n" || die "node$n is not up"
    nd=$(node_dir "$n")
    undo_prefix "$n"
    if [[ "$prefix" == off ]]; then
        log "node$n: laid out without a prefix again"
        return 0
    fi
    [[ "$prefix" == /?* && "$prefix" != *..* ]] || die "prefix must be an absolute path, e.g. /opt/custom"
    echo "$prefix" >"$nd/run/prefix"
    in_node_mounts "$n" sh -ec 'mkdir -p "$1" && mount -t tmpfs -o mode=755 tmpfs "$1"' sh "$prefix"
    for pair in etcd:/var/lib/etcd opt-rke:/opt/rke kubernetes:/etc/kubernetes; do
        in_node_mounts "$n" sh -ec 'mkdir -p "$1" && mount --bind "$2" "$1" && mount -t tmpfs -o ro,size=4k,mode=755 tmpfs "$3"' \
            sh "$prefix${pair#*:}" "$nd/${pair%%:*}" "${pair#*:}"
    done
    log "node$n: laid out under $prefix; /etc/kubernetes, /var/lib/etcd and /opt/rke are empty and read-only"
}

undo_prefix() {
    local nd prefix p
    nd=$(node_dir "$1")
    [[ -s "$nd/run/prefix" ]] || return 0
    prefix=$(cat "$nd/run/prefix")
    for p in /var/lib/etcd /opt/rke /etc/kubernetes; do
        in_node_mounts "$1" umount "$p" 2>/dev/null || true
    done
    in_node_mounts "$1" umount -R "$prefix" 2>/dev/null || true
    rm -f "$nd/run/prefix"
}

# Node N's dockerd answers on SOCKET (a path under /run, inside the node) instead of /var/run/docker.sock: the
# socket is linked there and the default path removed. The testbed's own docker commands use another socket.
cmd_docker_socket() {
    local n=${1:?docker-socket needs a node number} socket=${2:?docker-socket needs a path under /run or off}
    check_node_number "$n"
    anchor_running "$n" || die "node$n is not up"
    undo_docker_socket "$n"
    if [[ "$socket" == off ]]; then
        log "node$n: dockerd on /var/run/docker.sock again"
        return 0
    fi
    [[ "$socket" == /run/?* && "$socket" != *..* ]] || die "the socket must be a path under /run, e.g. /run/custom/docker.sock"
    echo "$socket" >"$(node_dir "$n")/run/docker-socket"
    in_node_mounts "$n" sh -ec 'mkdir -p "${1%/*}" && ln /run/docker.sock "$1" && rm /run/docker.sock' sh "$socket"
    log "node$n: dockerd answers on $socket only"
}

undo_docker_socket() {
    local state
    state=$(node_dir "$1")/run/docker-socket
    [[ -s "$state" ]] || return 0
    in_node_mounts "$1" sh -c 'ln "$1" /run/docker.sock && rm "$1"' sh "$(cat "$state")" 2>/dev/null || true
    rm -f "$state"
}

cmd_registry() {
    take_lock
    read_state || die "the testbed is not up"
    case ${1:-} in
        on) start_registries ;;
        off) stop_registries; log "registry stopped" ;;
        *) die "registry needs on or off" ;;
    esac
}

cmd_rekey() {
    local n=${1:?rekey needs a node number} nd
    check_node_number "$n"
    take_lock
    nd=$(node_dir "$n")
    anchor_running "$n" || die "node$n is not up"
    rm -f "$nd/ssh_host_ed25519_key.rekeyed" "$nd/ssh_host_ed25519_key.rekeyed.pub"
    ssh-keygen -q -t ed25519 -N '' -C "node$n-rekeyed" -f "$nd/ssh_host_ed25519_key.rekeyed"
    stop_sshd "$n"
    start_sshd "$n"
    log "node$n: new sshd host key $(ssh-keygen -lf "$nd/ssh_host_ed25519_key.rekeyed.pub" | awk '{print $2}') (reset/down restore the original)"
}

cmd_unrekey() {
    local n=${1:?unrekey needs a node number} nd
    check_node_number "$n"
    take_lock
    nd=$(node_dir "$n")
    anchor_running "$n" || die "node$n is not up"
    [[ -e "$nd/ssh_host_ed25519_key.rekeyed" ]] || { log "node$n: already has its original host key"; return 0; }
    rm -f "$nd/ssh_host_ed25519_key.rekeyed" "$nd/ssh_host_ed25519_key.rekeyed.pub"
    stop_sshd "$n"
    start_sshd "$n"
    log "node$n: original sshd host key restored"
}

cmd_docker() {
    local n=${1:?docker needs a node number}
    shift
    check_node_number "$n"
    [[ -S "$(node_sock "$n")" ]] || die "node$n has no docker socket $(node_sock "$n"); is it up?"
    exec docker -H "unix://$(node_sock "$n")" "$@"
}

cmd_etcdctl() {
    local n=${1:?etcdctl needs a node number}
    shift
    check_node_number "$n"
    [[ -S "$(node_sock "$n")" ]] || die "node$n has no docker socket $(node_sock "$n"); is it up?"
    exec docker -H "unix://$(node_sock "$n")" exec etcd etcdctl "$@"
}

# ----------------------------------------------------------------- status

yes_no() { if "$@" >/dev/null 2>&1; then echo yes; else echo NO; fi; }

cmd_status() {
    local rc=0 n nodes
    if read_state; then
        echo "testbed: $TB, up with $STATE_NODES node(s), etcd $STATE_ETCD ($(etcd_image_for "$STATE_ETCD"))"
    else
        echo "testbed: $TB, not up (no state)"
        rc=3
    fi
    echo "bridge $BRIDGE: $(yes_no ip link show "$BRIDGE"), FORWARD rule: $(yes_no iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT)"
    nodes=$(known_nodes)
    for n in $nodes; do
        local nd line
        nd=$(node_dir "$n")
        line="node$n $(node_addr "$n"): link=$(cat "/sys/class/net/$(node_veth "$n")/operstate" 2>/dev/null || echo none)"
        line+=" anchor=$(anchor_running "$n" && read_pid "$nd/run/inner.pid" || echo dead)"
        line+=" dockerd=$(dockerd_running "$n" && read_pid "$nd/run/dockerd.pid" || echo dead)"
        line+=" sshd=$(sshd_running "$n" && read_pid "$nd/run/sshd.pid" || echo dead)"
        if node_dockerd_ok "$n"; then
            line+=" containers=$(dk_bounded "$n" ps -q | wc -l)/$(dk_bounded "$n" ps -aq | wc -l)"
            local st
            st=$(dk_bounded "$n" inspect -f '{{.State.Status}}' etcd 2>/dev/null) || st=none
            line+=" etcd=$st"
        fi
        [[ -e "$nd/ssh_host_ed25519_key.rekeyed" ]] && line+=" (rekeyed)"
        echo "$line"
    done
    if s3rver_running; then
        echo "s3rver: pid $(read_pid "$RUNDIR/s3rver.pid"), http://$S3_ADDR:$S3_PORT bucket $S3_BUCKET"
    else
        echo "s3rver: not running"
        ((rc == 0)) && rc=1
    fi
    if [[ -n "$STATE_NODES" ]]; then
        if ETCD_QUOTA=$STATE_ETCD_QUOTA testbed_healthy "$STATE_NODES" "$STATE_ETCD"; then
            echo "health: OK (etcd healthy, $STATE_NODES started members)"
        else
            echo "health: DEGRADED"
            rc=1
        fi
    fi
    return "$rc"
}

# ----------------------------------------------------------------- main

main() {
    local cmd=${1:-}
    (($#)) && shift
    case $cmd in
        -h | --help | help | "") usage; [[ -n "$cmd" ]] ;;
        install) need_root; take_lock; cmd_install; log "install: done" ;;
        up) need_root; cmd_up "$@" ;;
        down) need_root; cmd_down ;;
        reset) need_root; cmd_reset "$@" ;;
        add-node) need_root; cmd_add_node "$@" ;;
        destroy-node) need_root; cmd_destroy_node "$@" ;;
        cut) need_root; cmd_cut "$@" ;;
        heal) need_root; cmd_heal "$@" ;;
        stop-sshd) need_root; cmd_stop_sshd "$@" ;;
        restart-dockerd) need_root; cmd_restart_dockerd "$@" ;;
        isolate-etcd) need_root; cmd_isolate_etcd "$@" ;;
        rejoin-etcd) need_root; cmd_rejoin_etcd "$@" ;;
        start-sshd) need_root; cmd_start_sshd "$@" ;;
        slow) need_root; cmd_slow "$@" ;;
        small-disk) need_root; cmd_small_disk "$@" ;;
        slow-s3) need_root; cmd_slow_s3 "$@" ;;
        cpu) need_root; cmd_cpu "$@" ;;
        join-operator) need_root; join_cpu_cgroup operator "${1:?join-operator needs a pid}" ;;
        link) need_root; cmd_link "$@" ;;
        registry) need_root; cmd_registry "$@" ;;
        stop-s3) need_root; take_lock; stop_s3rver; log "s3rver stopped" ;;
        start-s3) need_root; take_lock; start_s3rver ;;
        refuse-direct) need_root; cmd_refuse_direct "$@" ;;
        allow-direct) need_root; check_node_number "${1:?allow-direct needs a node number}"; allow_direct "$1"; log "node$1: reachable directly again" ;;
        prefix) need_root; cmd_prefix "$@" ;;
        docker-socket) need_root; cmd_docker_socket "$@" ;;
        internal-net) need_root; cmd_internal_net "$@" ;;
        rekey) need_root; cmd_rekey "$@" ;;
        unrekey) need_root; cmd_unrekey "$@" ;;
        docker) cmd_docker "$@" ;;
        etcdctl) cmd_etcdctl "$@" ;;
        status) need_root; cmd_status ;;
        *) usage >&2; die "unknown command '$cmd'" ;;
    esac
}

main "$@"
