#!/bin/sh
# bench/bench-list-containers.sh - dof list-containers --json on a raw image
# against the obvious alternative: loop-mount the same image read-only and
# read + parse the same files (config.v2.json, hostconfig.json, layerdb
# mount ids) with a plain Python script.  Same image, same run; prints the
# ratio.  Needs root for the loop mount (the dof side does not).
#
#   bench/bench-list-containers.sh [BUILD_DIR] [CONTAINERS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${2:-1000}
dof=$build/dof
work=$(mktemp -d /tmp/dof-bench.XXXXXX)
mnt=$work/mnt
cleanup() {
    mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"
    [ -n "${loop:-}" ] && losetup -d "$loop" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "generating a host with $n containers..." >&2
"$top/images/gen-large-host" --containers "$n" --layers 40 \
    --files-per-layer 20 --container-files 5 --log-bytes 4096 \
    --out "$work/host.raw" >/dev/null

cat > "$work/plain.py" <<'PY'
import json, os, sys
root = sys.argv[1] + "/var/lib/docker"
out = []
for cid in sorted(os.listdir(root + "/containers")):
    d = root + "/containers/" + cid
    with open(d + "/config.v2.json") as f:
        c = json.load(f)
    try:
        with open(d + "/hostconfig.json") as f:
            h = json.load(f)
    except OSError:
        h = {}
    m = root + "/image/overlay2/layerdb/mounts/" + cid + "/mount-id"
    try:
        with open(m) as f:
            mid = f.read()
    except OSError:
        mid = None
    out.append({"id": c["ID"], "name": c["Name"].lstrip("/"),
                "image": c["Config"]["Image"], "state": c["State"],
                "mounts": c.get("MountPoints"), "ports": h.get("PortBindings"),
                "log": h.get("LogConfig"), "mount_id": mid})
json.dump({"containers": out}, sys.stdout)
PY

sync
echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
t0=$(date +%s.%N)
"$dof" list-containers --json "$work/host.raw" > "$work/dof.json" || [ $? -eq 1 ]
t1=$(date +%s.%N)
got=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["containers"]))' "$work/dof.json")

mkdir -p "$mnt"
loop=$(losetup -r -f --show "$work/host.raw")
sync
echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
t2=$(date +%s.%N)
mount -o ro,noload "$loop" "$mnt"
python3 "$work/plain.py" "$mnt" > "$work/plain.json"
t3=$(date +%s.%N)

python3 - "$t0" "$t1" "$t2" "$t3" "$got" "$n" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
got, n = int(sys.argv[5]), int(sys.argv[6])
d, p = t1 - t0, t3 - t2
print("containers: %d listed by dof (of %d generated)" % (got, n))
print("dof list-containers --json, raw image:        %.3f s" % d)
print("loop mount + plain Python read/parse, cold:   %.3f s" % p)
print("ratio plain/dof: %.2fx" % (p / d))
PY
