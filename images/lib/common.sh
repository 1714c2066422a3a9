# Shared helpers for build-real-host.sh (sourced, not executed).
# Globals used: WORK (scratch dir), LIB (this dir), OUT (output dir).

DOCKER=/usr/bin/docker
SECTOR=512
PART_START=2048                     # first partition at sector 2048 (1 MiB)

step() { printf '\n==> [%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- cleanup registry
# Every resource is registered when it is created and released in reverse order by
# cleanup_all (run from the EXIT trap, also on failure).
CLEAN_STACK=()
push_clean() { CLEAN_STACK+=("$*"); }
pop_clean()  { [ ${#CLEAN_STACK[@]} -gt 0 ] && unset 'CLEAN_STACK[${#CLEAN_STACK[@]}-1]'; return 0; }
cleanup_all() {
    local i
    for ((i=${#CLEAN_STACK[@]}-1; i>=0; i--)); do
        eval "${CLEAN_STACK[$i]}" >/dev/null 2>&1 || true
    done
    CLEAN_STACK=()
}

# ---------------------------------------------------------------- requirements
check_requirements() {
    local missing=() c
    for c in unshare nsenter pivot_root losetup mount umount sgdisk mkfs.ext4 dumpe2fs debugfs \
             fsfreeze xz cp dd truncate dockerd containerd runc containerd-shim-runc-v2 \
             docker-proxy docker-registry busybox iptables ip fls istat python3 jq flock; do
        command -v "$c" >/dev/null 2>&1 || missing+=("$c")
    done
    [ -x "$DOCKER" ] || missing+=("$DOCKER")
    if [ ${#missing[@]} -gt 0 ]; then
        echo "missing commands: ${missing[*]}" >&2
        echo "install with:" >&2
        echo "  apt-get install --no-install-recommends docker.io containerd runc tini busybox-static gdisk e2fsprogs iproute2 iptables sleuthkit ewf-tools attr xz-utils docker-registry util-linux python3 jq" >&2
        echo "  (and a /usr/sbin/policy-rc.d that exits 101 so the packaged services do not start)" >&2
        exit 2
    fi
    [ "$(id -u)" = 0 ] || die "must run as root (loop devices, mounts, namespaces)"
    grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || die "no overlayfs in this kernel"
}

# ---------------------------------------------------------------- disks
# new_disk FILE SIZE_MiB [PART2_MiB]: sparse raw, GPT, one (or two) Linux partitions.
new_disk() {
    local f=$1 size=$2 p2=${3:-}
    rm -f "$f"
    truncate -s "${size}M" "$f"
    if [ -z "$p2" ]; then
        sgdisk -o -n 1:${PART_START}:0 -t 1:8300 "$f" >/dev/null
    else
        sgdisk -o -n "1:${PART_START}:-${p2}M" -t 1:8300 -n 2:0:0 -t 2:8300 "$f" >/dev/null
    fi
    sgdisk -p "$f" | grep -q '^ *1 ' || die "sgdisk wrote no partition table on $f"
}
# part_field FILE INDEX -> "start_sector end_sector"
part_range() {
    sgdisk -i "$2" "$1" | awk '/^First sector:/{s=$3} /^Last sector:/{e=$3} END{print s, e}'
}
# loop_part FILE INDEX VAR -> sets VAR to a loop device over that partition (offset-based: no
# partition nodes needed). Not in $(...): the cleanup entry must be pushed in this shell.
loop_part() {
    local _lf=$1 _li=$2 _ls _le _ld
    read -r _ls _le < <(part_range "$_lf" "$_li")
    _ld=$(losetup -f --show -o $((_ls*SECTOR)) --sizelimit $(((_le-_ls+1)*SECTOR)) "$_lf")
    push_clean "detach_loop $_ld"
    printf -v "$3" %s "$_ld"
}
detach_loop() {  # retry: right after a (lazy) umount the device is still busy for a moment
    local n
    for n in $(seq 50); do
        losetup -d "$1" 2>/dev/null || true
        losetup -a | grep -q "^$1:" || return 0
        sleep 0.2
    done
    echo "WARNING: could not detach $1" >&2; return 1
}
mkfs_quiet() {  # mkfs_quiet DEV LABEL
    mkfs.ext4 -q -F -L "$2" -E lazy_itable_init=1,lazy_journal_init=1,nodiscard "$1"
}
mount_dev() {   # mount_dev DEV DIR
    mkdir -p "$2"
    mount -t ext4 "$1" "$2"
    push_clean "umount -l $2"
}
umount_retry() {
    local d=$1 n
    for n in $(seq 50); do
        umount "$d" 2>/dev/null && return 0
        sleep 0.2
    done
    die "cannot unmount $d"
}

# ---------------------------------------------------------------- host skeleton
# make_host_root ROOT HOSTNAME: the minimal host root the daemon runs in.
make_host_root() {
    local R=$1 hn=$2
    mkdir -p "$R"/{usr,proc,sys,dev,run,tmp,etc/docker,var/lib/docker,var/lib/containerd,var/log,var/tmp,root/.docker,srv,home/alice,opt}
    chmod 1777 "$R/tmp" "$R/var/tmp"; chmod 700 "$R/root"
    ln -s usr/bin "$R/bin"; ln -s usr/sbin "$R/sbin"; ln -s usr/lib "$R/lib"; ln -s usr/lib64 "$R/lib64"
    ln -s /run "$R/var/run"
    # what binaries need from /etc: alternatives (iptables), ld.so cache, nss
    cp -a /etc/alternatives "$R/etc/"
    cp /etc/ld.so.cache /etc/nsswitch.conf /etc/protocols "$R/etc/"
    ln -s ../usr/lib/os-release "$R/etc/os-release"
    echo "$hn" >"$R/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$hn" >"$R/etc/hosts"
    printf 'nameserver 10.0.2.3\nsearch corp.example\n' >"$R/etc/resolv.conf"
    cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
alice:x:1000:1000:Alice Admin,,,:/home/alice:/bin/bash
EOF
    cat >"$R/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
sudo:x:27:alice
nogroup:x:65534:
alice:x:1000:
docker:x:999:alice
EOF
    chmod 644 "$R/etc/passwd" "$R/etc/group"
    chown 1000:1000 "$R/home/alice"
}

# ---------------------------------------------------------------- busybox rootfs
# make_busybox_rootfs DIR: fixed recipe, deterministic content (busybox-static + applet links).
make_busybox_rootfs() {
    local d=$1
    rm -rf "$d"; mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/www,proc,sys,dev,home}
    cp /usr/bin/busybox "$d/bin/busybox"
    chroot "$d" /bin/busybox --install -s
    chmod 1777 "$d/tmp"; chmod 700 "$d/root"
    printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$d/etc/passwd"
    printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' >"$d/etc/group"
    printf 'base image for dof test corpus\n' >"$d/etc/issue"
    printf 'hosts: files dns\n' >"$d/etc/nsswitch.conf"
    find "$d" -exec touch -h -d '2024-01-01 00:00:00 UTC' {} +
}

# ---------------------------------------------------------------- engine lifecycle
# boot_host ROOT HOSTNAME [REGDIR]: starts the namespace; sets INIT (host pid of ns PID 1)
boot_host() {
    local R=$1 hn=$2 reg=${3:-} upid
    unshare --mount --uts --net --pid --fork --propagation private \
        bash "$LIB/ns-init.sh" "$R" "$hn" "$reg" </dev/null >"$WORK/ns-$hn.log" 2>&1 &
    upid=$!
    push_clean "kill -KILL $upid"
    INIT=
    for _ in $(seq 50); do
        INIT=$(cat /proc/$upid/task/$upid/children 2>/dev/null | awk '{print $1}')
        [ -n "$INIT" ] && break; sleep 0.1
    done
    [ -n "$INIT" ] || die "namespace init did not start (see $WORK/ns-$hn.log)"
    UNSHARE_PID=$upid
    pop_clean
    push_clean "hard_stop_host $INIT $upid"
    SOCK=/proc/$INIT/root/run/docker.sock
    for _ in $(seq 300); do
        d version >/dev/null 2>&1 && break
        kill -0 "$INIT" 2>/dev/null || { cat "$WORK/ns-$hn.log" >&2; die "namespace died"; }
        sleep 0.2
    done
    d version >/dev/null 2>&1 || { cat "/proc/$INIT/root/run/dockerd.log" >&2 || true; die "dockerd did not come up"; }
    info "host $hn up: ns init pid $INIT, dockerd $(d version --format '{{.Server.Version}}')"
}
# the client runs on the host side, against the namespace's socket
d() { DOCKER_CONFIG=$WORK/client HOME=$WORK/client "$DOCKER" -H "unix://$SOCK" "$@"; }
# run a command inside the namespace (its root, network, pid namespace)
ns() { nsenter -t "$INIT" -m -u -n -p -r -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

# stop_host_term: SIGTERM to ns init -> dockerd SIGTERM -> containerd; waits for all to exit
stop_host_term() {
    kill -TERM "$INIT"
    for _ in $(seq 600); do kill -0 "$UNSHARE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$UNSHARE_PID" 2>/dev/null && die "namespace did not stop after SIGTERM"
    wait "$UNSHARE_PID" 2>/dev/null || true
    pop_clean
    INIT=; SOCK=
    for f in /sys/fs/cgroup/*/docker; do [ -d "$f" ] && rmdir "$f" 2>/dev/null; done
    true
}
# compress_async VARIANT: xz -9 -T2 WORK/VARIANT.raw -> OUT/VARIANT.raw.xz in the background,
# one at a time (flock), so that compression overlaps the next host's build.
XZ_PIDS=()
compress_async() {
    local v=$1
    ( flock 9
      xz -9 -T2 --block-size=32MiB -c "$WORK/$v.raw" >"$OUT/$v.raw.xz.tmp"
      mv "$OUT/$v.raw.xz.tmp" "$OUT/$v.raw.xz"
      rm -f "$WORK/$v.raw"
    ) 9>"$WORK/xz.lock" &
    XZ_PIDS+=($!)
    push_clean "kill $! ; rm -f $OUT/$v.raw.xz.tmp"
}
wait_compress() {
    local p
    for p in "${XZ_PIDS[@]}"; do wait "$p" || die "xz failed"; done
}
# ns_cgroups INIT: ids of container cgroups (freezer hierarchy) whose first task descends from
# the namespace init INIT, i.e. this host's running/paused containers.
ns_cgroups() {
    local init=$1 dir pid p
    for dir in /sys/fs/cgroup/freezer/docker/*/; do
        [ -f "$dir/tasks" ] || continue
        pid=$(head -n1 "$dir/tasks" 2>/dev/null || true); [ -n "$pid" ] || continue
        p=$pid
        while [ -n "$p" ] && [ "$p" -gt 1 ]; do
            if [ "$p" = "$init" ]; then basename "$dir"; break; fi
            p=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f2 || true)
        done
    done
}
# hard_stop_host INIT UNSHARE_PID: SIGKILL the namespace's PID 1 and make sure it goes away.
# A paused container sits in a FROZEN freezer cgroup: its processes cannot die (and the PID
# namespace cannot go away) until thawed. The cgroupfs driver's cgroups of containers that
# were running are left behind by a dead dockerd: remove them (only ours, by id).
hard_stop_host() {
    local init=$1 upid=$2 ids c f
    ids=$(ns_cgroups "$init")
    kill -KILL "$init" 2>/dev/null || true
    for c in $ids; do
        f=/sys/fs/cgroup/freezer/docker/$c/freezer.state
        [ -f "$f" ] && echo THAWED >"$f" 2>/dev/null
    done
    for _ in $(seq 300); do kill -0 "$upid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$upid" 2>/dev/null && { echo "WARNING: namespace $upid did not die" >&2; return 1; }
    wait "$upid" 2>/dev/null || true
    for _ in $(seq 20); do
        for c in $ids; do for f in /sys/fs/cgroup/*/docker/$c; do [ -d "$f" ] && rmdir "$f" 2>/dev/null; done; done
        ls -d /sys/fs/cgroup/*/docker/$c >/dev/null 2>&1 || break; sleep 0.1
    done
    for f in /sys/fs/cgroup/*/docker; do [ -d "$f" ] && rmdir "$f" 2>/dev/null; done
    return 0
}
# kill_host: SIGKILL the namespace's PID 1 (power-cut model)
kill_host() {
    hard_stop_host "$INIT" "$UNSHARE_PID" || die "namespace did not die after SIGKILL"
    pop_clean
    INIT=; SOCK=
}
