#!/bin/bash
# Runs INSIDE one simulated host: in its network namespace (cctl-n<N>) and in
# its private mount and UTS namespaces.  testbed.sh copies this file to
# $TB/nodes/node<N>/run/node-inner.sh before use, so editing the worktree
# never changes a running node.
#
#   node-inner.sh main    N ND   set up mounts, start dockerd + sshd, then stay
#                                alive as the node's anchor process (its pid is
#                                the --target for later nsenter calls)
#   node-inner.sh dockerd N ND   (re)start dockerd only   (via nsenter --target)
#   node-inner.sh sshd    N ND   (re)start sshd only      (via nsenter --target)
#
# ND is the node's state directory on the host, $TB/nodes/node<N>.
set -euo pipefail

cmd=${1:?command} N=${2:?node number} ND=${3:?node dir}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_CONFIG
RUN=$ND/run

log() { echo "[node$N] $*"; }

# This host's cgroup (testbed.sh wrote its name): whatever this script starts, now or on a later restart, runs in it.
CGROUP=$(cat "$RUN/cgroup")
echo $$ >"/sys/fs/cgroup/cpu$CGROUP/cgroup.procs"

setup_mounts() {
    # Nothing we mount here may leak back to the host, and nothing the host
    # mounts later may leak in.
    mount --make-rprivate /
    # The copies of /run/netns/* (nsfs) inherited from the host would keep
    # other nodes' network namespaces alive after they are deleted.
    local m
    for m in $(awk '$2 ~ "^/run/netns/." {print $2}' /proc/self/mounts | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
    mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
    mkdir -p /run/sshd /run/lock
    chmod 755 /run/sshd

    local pair src dst
    for pair in docker:/var/lib/docker etcd:/var/lib/etcd opt-rke:/opt/rke \
                kubernetes:/etc/kubernetes; do
        src=$ND/${pair%%:*} dst=${pair#*:}
        mkdir -p "$src" "$dst"
        mount --bind "$src" "$dst"
    done

    # A host's root shell profile is its own: this machine's (which may run pyenv or the like, ~0.7 s) would
    # otherwise run on every ssh command into every node and slow the hand-typed benchmark baselines.
    local rc
    for rc in /root/.bashrc /root/.profile; do
        if [[ -f "$rc" ]]; then
            : >"$RUN/${rc##*/}"
            mount --bind "$RUN/${rc##*/}" "$rc"
        fi
    done

    # sshd (UsePAM no) refuses logins to an account whose password is locked
    # ("!..."). Give this node its own view of /etc/shadow if root is locked.
    if [[ "$(awk -F: '$1=="root"{print substr($2,1,1)}' /etc/shadow)" == "!" ]]; then
        awk -F: -v OFS=: '$1=="root"{$2="*"} {print}' /etc/shadow >"$RUN/shadow"
        chmod 600 "$RUN/shadow"
        mount --bind "$RUN/shadow" /etc/shadow
    fi
}

start_dockerd() {
    rm -f "$ND/docker.sock" /run/docker.sock /run/docker.pid
    # Own config file: a host /etc/docker/daemon.json (e.g. with "hosts") must
    # not leak into the nodes.
    [[ -f "$RUN/daemon.json" ]] || echo '{}' >"$RUN/daemon.json"
    setsid dockerd \
        --config-file "$RUN/daemon.json" \
        --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
        --data-root /var/lib/docker --exec-root /run/docker \
        --pidfile /run/docker.pid --cgroup-parent "$CGROUP" \
        -H unix:///var/run/docker.sock -H "unix://$ND/docker.sock" \
        </dev/null >>"$RUN/dockerd.log" 2>&1 &
    echo $! >"$RUN/dockerd.pid"
    log "dockerd started, pid $!"
}

start_sshd() {
    [[ -f "$RUN/sshd_config" ]] || { log "missing $RUN/sshd_config"; exit 1; }
    mkdir -p /run/sshd
    setsid /usr/sbin/sshd -D -e -f "$RUN/sshd_config" \
        </dev/null >>"$RUN/sshd.log" 2>&1 &
    echo $! >"$RUN/sshd.pid"
    log "sshd started, pid $!"
}

case $cmd in
    main)
        echo $$ >"$RUN/inner.pid"
        hostname "node$N"   # own UTS namespace: docker info and the shell show nodeN
        setup_mounts
        start_dockerd
        start_sshd
        # Stay alive as the anchor of this node's namespaces. bash reaps the
        # children that exit while we wait.
        sleeper=
        trap 'if [[ -n $sleeper ]]; then kill "$sleeper" 2>/dev/null; wait "$sleeper"; fi; exit 0' TERM INT
        while :; do
            sleep 3600 &
            sleeper=$!
            wait "$sleeper" || true
        done
        ;;
    dockerd) start_dockerd ;;
    sshd) start_sshd ;;
    *) echo "node-inner.sh: unknown command $cmd" >&2; exit 2 ;;
esac
