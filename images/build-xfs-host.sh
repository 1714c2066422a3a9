#!/bin/bash
# Build Docker hosts on XFS (issue 13): a real dockerd 20.10 with overlay2 on
# mkfs.xfs -n ftype=1 (Debian's xfsprogs defaults: v5, bigtime, sparse inodes,
# reflink), GPT partition 1, with ground truth captured from the engine.
#
#   images/build-xfs-host.sh [OUTDIR]        (default OUTDIR: images/real-xfs)
#
# Variants -> OUTDIR/<variant>.raw.xz + OUTDIR/<variant>.truth/:
#   host-e-xfs        clean: containers stopped, truth, SIGTERM dockerd, unmounted
#   host-e-xfs-dirty  the same host booted again, xweb started and written to,
#                     truth, everything pushed in place (fsfreeze), one more file
#                     written (it reaches only the log), then xfs_io shutdown
#                     before unmount: the log needs recovery
# Reuses images/lib/common.sh and scenario.sh (see images/README.md); the truth
# after acquisition comes from the kernel's read-only mount (truth_xfs.py).
# Needs root, loop devices, overlayfs and XFS.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$HERE/lib
OUT=${1:-$HERE/real-xfs}
# shellcheck source=lib/common.sh
. "$LIB/common.sh"
# shellcheck source=lib/scenario.sh
. "$LIB/scenario.sh"

check_requirements
command -v mkfs.xfs >/dev/null && command -v xfs_io >/dev/null ||
    die "xfsprogs missing (tools/setup.sh installs it)"
grep -qw xfs /proc/filesystems || modprobe xfs 2>/dev/null ||
    die "no XFS in this kernel"
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/dof-xfs.XXXXXX)
mkdir -p "$WORK/client"
KEEP_WORK=${KEEP_WORK:-0}
on_exit() {
    local rc=$?
    [ $rc -ne 0 ] && echo "FAILED (rc=$rc); cleaning up" >&2
    cleanup_all
    [ "$KEEP_WORK" = 1 ] || rm -rf "$WORK"
    exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM
T0=$SECONDS

# xfs_meta VARIANT DISK NOTES ACQ: meta.json as base_meta writes it, fs "xfs"
xfs_meta() {
    base_meta "$1" "$2" /var/lib/docker overlay2 "$4" "$3" 1:/
    jq '.partitions[0].fs = "xfs"' "$WORK/meta-$1.json" >"$WORK/meta-$1.json.tmp"
    mv "$WORK/meta-$1.json.tmp" "$WORK/meta-$1.json"
}

build_host_e() {
    local R=$WORK/mnt-e disk=$WORK/host-e-xfs.raw dev
    step "host E: Docker on XFS (overlay2, ftype=1)"
    new_disk "$disk" 512
    loop_part "$disk" 1 dev
    mkfs.xfs -q -n ftype=1 -L host-e-root "$dev"
    mkdir -p "$R"
    mount -t xfs "$dev" "$R"
    push_clean "umount -l $R"
    make_host_root "$R" host-e
    cat >"$R/etc/docker/daemon.json" <<'EOF'
{
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "storage-driver": "overlay2"
}
EOF
    mkdir -p "$R/root/build/xapp"
    cat >"$R/root/build/xapp/Dockerfile" <<'EOF'
FROM local/base:1
RUN mkdir -p /srv/x/keep /srv/x/swap && echo one > /srv/x/file.txt && echo k > /srv/x/keep/k && echo s > /srv/x/swap/old && echo gone > /srv/x/gone.txt && ln -s file.txt /srv/x/link
RUN echo two >> /srv/x/file.txt && rm /srv/x/gone.txt && rm -rf /srv/x/swap && mkdir /srv/x/swap && echo n > /srv/x/swap/new
ENV XMODE=xfs
CMD ["sleep", "100000"]
EOF
    : >"$WORK/cmds-e.log"
    boot_host "$R" host-e
    tar -C "$WORK/bb" -c . | dl e import -m "busybox-static rootfs" - local/base:1 >/dev/null
    DOCKER_BUILDKIT=0 dl e build -q -t local/xapp:1 "$R/root/build/xapp" >/dev/null
    dl e volume create xdata >/dev/null
    dl e run -d --name xweb -v xdata:/data --label fs=xfs local/xapp:1 >/dev/null
    dl e exec xweb sh -c 'echo three >> /srv/x/file.txt && rm /etc/issue && rm -rf /srv/x/keep && mkdir /srv/x/keep && echo fresh > /srv/x/keep/f && echo added > /root/added.txt && echo vol > /data/v.txt'
    dl e run -d --name xjob local/base:1 sh -c 'echo "xfs job out"; echo "xfs job err" >&2; exit 3' >/dev/null
    wait_exit xjob
    cp "$WORK/cmds-e.log" "$R/root/.bash_history"
    dl e stop -t 1 xweb >/dev/null
    ls -l "$R/var/lib/docker/overlay2/backingFsBlockDev" >&2 || true
    capture host-e-xfs
    stop_host_term
    umount_retry "$R"
    pop_clean
    detach_loop "$dev"
    pop_clean
    xfs_meta host-e-xfs "$disk" \
        "overlay2 on XFS (ftype=1, Debian mkfs.xfs defaults); dockerd's overlay2/backingFsBlockDev block node is there" \
        "clean: containers stopped, truth, SIGTERM dockerd, filesystem unmounted"
    python3 "$LIB/truth_xfs.py" "$disk" "$OUT/host-e-xfs.truth" "$WORK/meta-host-e-xfs.json"

    step "host E dirty: one more container, then xfs_io shutdown before unmount"
    cp --sparse=always "$disk" "$WORK/host-e-xfs-dirty.raw"
    compress_async host-e-xfs
    disk=$WORK/host-e-xfs-dirty.raw
    loop_part "$disk" 1 dev
    mount -t xfs "$dev" "$R"
    push_clean "umount -l $R"
    boot_host "$R" host-e
    dl e start xweb >/dev/null
    dl e exec xweb sh -c 'echo late > /root/late.txt'
    capture host-e-xfs-dirty
    # everything so far in place (a freeze pushes the log's items home),
    # then a change that reaches only the log
    sync; fsfreeze -f "$R"; fsfreeze -u "$R"
    echo "written after the freeze: only in the log" >"$R/root/in-log-only.txt"
    sync
    xfs_io -x -c shutdown "$R"
    kill_host
    umount_retry "$R"
    pop_clean
    detach_loop "$dev"
    pop_clean
    xfs_meta host-e-xfs-dirty "$disk" \
        "host-e-xfs booted again, xweb started and written to (/root/late.txt), fsfreeze, then /root/in-log-only.txt written and the filesystem shut down: the XFS log needs recovery; that file is only in the log" \
        "dirty: xfs_io shutdown while dockerd ran, SIGKILL, unmount"
    python3 "$LIB/truth_xfs.py" "$disk" "$OUT/host-e-xfs-dirty.truth" "$WORK/meta-host-e-xfs-dirty.json"
    compress_async host-e-xfs-dirty
}

step "busybox rootfs (fixed recipe)"
make_busybox_rootfs "$WORK/bb"
build_host_e
step "waiting for compression (xz -9 -T2)"
wait_compress
for v in host-e-xfs host-e-xfs-dirty; do
    info "$v.raw.xz $(stat -c %s "$OUT/$v.raw.xz") bytes"
done
step "done in $((SECONDS-T0)) s -> $OUT"
