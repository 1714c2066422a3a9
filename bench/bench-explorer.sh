#!/bin/sh
# bench/bench-explorer.sh - loading a 1000-container host, warm cache:
#   dof explorer IMG list all_containers  vs  docker-explorer's
#       de.py -r MNT/var/lib/docker list all_containers  (loop mount)
#   dof list-containers --json IMG        vs  loop mount + the plain Python
#       reader of bench-list-containers.sh
# Sides alternate (A B C D, A B C D, ...); each is warmed once, untimed.
# Prints the median wall time and the median CPU time (user+sys) of each
# side and the ratios dof/alternative (lower is better for dof).
#
#   DE_DIR=/path/to/docker-explorer bench/bench-explorer.sh [BUILD] [N]
#
# DE_DIR is a checkout of github.com/google/docker-explorer (de.py runs
# from it with PYTHONPATH=DE_DIR; it needs no install).  Without DE_DIR
# the de.py side is skipped.  Needs root for the loop mount.
set -eu
BUILD=${1:-${BUILD:-}}
[ -n "$BUILD" ] && export BUILD
. "$(dirname "$0")/bench-lib.sh"
n=${2:-1000}
bench_dof_setup

img=$(bench_gen host$n --containers "$n" --layers 40 --files-per-layer 20 \
    --container-files 5 --log-bytes 4096)
bench_loop "$img"
mnt=$work/mnt
bench_mount "$loop" "$mnt"
root=$mnt/var/lib/docker

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

# side NAME CMD...: one timed run; "wall cpu" appended to $work/NAME
side() {
    _name=$1
    shift
    _rc=0
    /usr/bin/time -f '%e %U %S' -o "$work/$_name.t1" "$@" > /dev/null \
        2> /dev/null || _rc=$?
    if [ "$_rc" -gt 1 ]; then
        echo "FAILED (exit $_rc): $*" >&2
        exit 1
    fi
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$work/$_name.t1" \
        >> "$work/$_name"
}

run_de() {
    PYTHONPATH=$DE_DIR python3 "$DE_DIR/tools/de.py" -r "$root" \
        list all_containers
}

bench_header
echo "host:     $img ($n containers)"
have_de=0
if [ -n "${DE_DIR:-}" ] && [ -f "$DE_DIR/tools/de.py" ]; then
    have_de=1
else
    echo "de.py:    skipped (set DE_DIR to a docker-explorer checkout)"
fi
# warm every side once
"$dof" explorer "$img" list all_containers > /dev/null 2>&1 || true
"$dof" list-containers --json "$img" > /dev/null 2>&1 || true
python3 "$work/plain.py" "$mnt" > /dev/null
[ $have_de = 1 ] && run_de > /dev/null 2>&1
i=0
while [ $i -lt "$reps" ]; do
    side dof-explorer "$dof" explorer "$img" list all_containers
    [ $have_de = 1 ] && side de.py env PYTHONPATH="$DE_DIR" python3 \
        "$DE_DIR/tools/de.py" -r "$root" list all_containers
    side dof-list "$dof" list-containers --json "$img"
    side plain python3 "$work/plain.py" "$mnt"
    i=$((i + 1))
done

python3 - "$work" "$have_de" <<'PY'
import statistics, sys
work, have_de = sys.argv[1], sys.argv[2] == "1"
def load(name):
    rows = [l.split() for l in open(work + "/" + name) if l.strip()]
    wall = [float(r[0]) for r in rows]
    cpu = [float(r[1]) for r in rows]
    return statistics.median(wall), statistics.median(cpu), wall
res = {}
for name in ["dof-explorer", "de.py", "dof-list", "plain"]:
    if name == "de.py" and not have_de:
        continue
    res[name] = load(name)
    w, c, all_w = res[name]
    print("%-13s wall %.3f s  cpu %.2f s  (runs: %s)" % (
        name, w, c, " ".join("%.2f" % x for x in all_w)))
def ratio(a, b, label):
    if a in res and b in res:
        print("%-40s wall %.2fx  cpu %.2fx" % (
            label, res[a][0] / res[b][0], res[a][1] / res[b][1]))
ratio("dof-explorer", "de.py", "dof explorer / de.py list all_containers:")
ratio("dof-list", "plain", "dof list-containers --json / plain:")
PY
bench_footer
