#!/bin/bash
# PID 1 of the isolated "host" (run by: unshare --mount --uts --net --pid --fork
# --propagation private ns-init.sh ROOT HOSTNAME [REGDIR]).
#
# ROOT is the image's filesystem, already mounted (with any sub-partitions) by the caller.
# We turn it into "/" with pivot_root, so that every path the daemon writes is a real path in
# the image: /var/lib/docker, /var/lib/containerd, /etc/docker, /srv, /root ...
# Host /usr is bind-mounted read-only (the image holds only empty mount-point dirs for /usr,
# /proc, /sys, /dev, /run, /tmp). /run and /tmp are tmpfs, so sockets, pid files, the
# registry's storage and the daemons' own logs never land in the image.
#
# SIGTERM to this process = clean shutdown: dockerd gets SIGTERM, then the registry and
# containerd; SIGKILL = power cut (the kernel kills the whole PID namespace).
set -eu
R=$1; HN=$2; REGDIR=${3:-}

mount --bind /usr "$R/usr"
mount -o remount,bind,ro "$R/usr"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
if [ -n "$REGDIR" ]; then
    mkdir -p "$R/run/registry"
    mount --bind "$REGDIR" "$R/run/registry"
fi
cd "$R"
pivot_root . .          # no put_old directory needed on the image
umount -l .
cd /
hostname "$HN"
ip link set lo up
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root

containerd >/run/containerd.log 2>&1 &
CTD=$!
for _ in $(seq 100); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.1; done
dockerd -H unix:///run/docker.sock --containerd=/run/containerd/containerd.sock \
    >/run/dockerd.log 2>&1 &
DKD=$!
REG=
if [ -n "$REGDIR" ]; then
    docker-registry serve /run/registry/config.yml >/run/registry.log 2>&1 &
    REG=$!
fi
echo "$CTD $DKD $REG" >/run/ns-init.pids

shutdown() {
    kill -TERM "$DKD" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$DKD" 2>/dev/null || break; sleep 0.1; done
    [ -n "$REG" ] && kill -TERM "$REG" 2>/dev/null || true
    kill -TERM "$CTD" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$CTD" 2>/dev/null || break; sleep 0.1; done
    sync
    exit 0
}
trap shutdown TERM INT
# PID 1 must reap orphans (shims re-parent to us): wait in a loop.
while :; do wait || true; sleep 1; done
