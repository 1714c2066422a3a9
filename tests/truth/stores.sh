#!/bin/sh
# stores.sh - container stores of engines this version does not read
# (containerd, Podman; rootful and rootless) are named by `dof status`,
# with their path and volume, "not read", counts null, exit 1 - never
# shown as a Docker data root with 0 containers.  The images are made
# here with mke2fs -d from the files that mark each store.  TAP.

DOF=${DOF:-./dof}
T=$(mktemp -d "${TMPDIR:-/tmp}/dof-stores.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
n=0
fail=0

ok() { # ok COND-EXIT-STATUS DESC
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
        echo "not ok $n - $2"
        fail=1
    fi
}

# mkimg NAME DIR...: an ext4 image of a tree holding the given dirs/files
mkimg() {
    name=$1
    shift
    rm -rf "$T/$name.d"
    mkdir -p "$T/$name.d/etc"
    for p in "$@"; do
        case $p in
        */) mkdir -p "$T/$name.d/$p" ;;
        *) mkdir -p "$T/$name.d/$(dirname "$p")" && : >"$T/$name.d/$p" ;;
        esac
    done
    mke2fs -q -F -t ext4 -d "$T/$name.d" "$T/$name.img" 16M >/dev/null 2>&1
}

# json IMG PYEXPR: evaluate PYEXPR with s = the status object
json() {
    "$DOF" status --json "$1" 2>/dev/null >"$T/out.json"
    python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))["status"]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out.json" "$2"
}

if ! command -v mke2fs >/dev/null; then
    echo "1..0 # SKIP mke2fs missing"
    exit 0
fi

# 1. a containerd-only host (a Kubernetes node)
mkimg cd var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db \
    var/lib/containerd/io.containerd.content.v1.content/blobs/
"$DOF" status "$T/cd.img" >"$T/out" 2>"$T/err"
ok $([ $? -eq 1 ]; echo $?) "containerd only: status exits 1"
grep -q '^containerd store /var/lib/containerd on volume 0 ' "$T/out"
ok $? "containerd only: the store, its path and volume are named"
grep -q 'NOT READ: containerd stores are not read by this version' "$T/out"
ok $? "containerd only: says it is not read by this version"
! grep -q '^Docker data root' "$T/out"
ok $? "containerd only: no Docker data root appears"
grep -q 'warning: /var/lib/containerd: containerd store' "$T/err"
ok $? "containerd only: a warning names the store"
json "$T/cd.img" 's["data_roots"] == [] and len(s["stores"]) == 1'
ok $? "containerd only: JSON data_roots empty, one store"
json "$T/cd.img" 'all(s["stores"][0][k] == v for k, v in dict(engine="containerd", path="/var/lib/containerd", volume="0", read=False, containers=None, images=None, rootless_user=None).items()) and "not read" in s["stores"][0]["reason"]'
ok $? "containerd only: JSON store {engine, path, volume, read: false, counts null}"
"$DOF" list-containers "$T/cd.img" >"$T/out" 2>"$T/err"
ok $([ $? -eq 1 ]; echo $?) "containerd only: list-containers exits 1 (not an empty success)"
grep -q 'containerd store /var/lib/containerd on volume 0 is not read' "$T/err"
ok $? "containerd only: list-containers warns about the store"

# 2. a rootless Podman user, nothing else
mkimg pm home/alice/.local/share/containers/storage/overlay-containers/containers.json \
    home/alice/.local/share/containers/storage/libpod/bolt_state.db
"$DOF" status "$T/pm.img" >"$T/out" 2>"$T/err"
ok $([ $? -eq 1 ]; echo $?) "podman rootless: status exits 1"
grep -q '^podman store /home/alice/.local/share/containers/storage on volume 0 ' "$T/out"
ok $? "podman rootless: the store is named"
grep -q 'rootless, user alice' "$T/out"
ok $? "podman rootless: the user is named"
json "$T/pm.img" 's["data_roots"] == [] and [(x["engine"], x["rootless_user"], x["read"], x["containers"]) for x in s["stores"]] == [("podman", "alice", False, None)]'
ok $? "podman rootless: JSON store with rootless_user"

# 3. Docker next to rootful Podman: Docker is read, Podman is listed
mkimg both var/lib/docker/containers/ var/lib/docker/image/overlay2/ \
    var/lib/containers/storage/overlay-containers/containers.json
"$DOF" status "$T/both.img" >"$T/out" 2>"$T/err"
grep -q '^Docker data root /var/lib/docker on volume 0 ' "$T/out"
ok $? "docker + podman: the Docker data root is read"
grep -q '^podman store /var/lib/containers/storage on volume 0' "$T/out"
ok $? "docker + podman: the Podman store is listed"
json "$T/both.img" '[x["path"] for x in s["data_roots"]] == ["/var/lib/docker"] and [(x["engine"], x["read"]) for x in s["stores"]] == [("docker", True), ("podman", False)] and s["stores"][0]["containers"] == 0 and s["data_roots"][0]["other_stores"] == ["podman: /var/lib/containers/storage"]'
ok $? "docker + podman: JSON data_roots, stores and other_stores"

# 4. two rootless Podman users: the package version from dpkg, on both
mkimg pv home/a/.local/share/containers/storage/libpod/bolt_state.db \
    home/b/.local/share/containers/storage/libpod/bolt_state.db
mkdir -p "$T/pv.d/var/lib/dpkg"
printf 'Package: podman\nStatus: install ok installed\nVersion: 4.3.1+ds1-8\n\n' \
    >"$T/pv.d/var/lib/dpkg/status"
mke2fs -q -F -t ext4 -d "$T/pv.d" "$T/pv.img" 16M >/dev/null 2>&1
json "$T/pv.img" '[(x["rootless_user"], x["engine_version"]) for x in s["stores"]] == [("a", "4.3.1+ds1-8"), ("b", "4.3.1+ds1-8")]'
ok $? "podman x2: each store has the dpkg version of podman"

# 5. no store at all: still "no container data" (exit 4)
mkimg none etc/hostname
"$DOF" status "$T/none.img" >"$T/out" 2>"$T/err"
ok $([ $? -eq 4 ]; echo $?) "no store: status exits 4"

echo "1..$n"
exit $fail
