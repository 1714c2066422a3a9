#!/bin/sh
# bench/bench-bodyfile.sh - `dof macrobber-container-layer` for every
# container against the obvious TSK alternative on the same image in the
# same run: for each container's upper dir (overlay2/<mount-id>/diff),
# `ifind -n PATH IMG` then `fls -r -m / IMG INODE`.  Sides alternate
# (A B A B ...), warm page cache, medians of DOF_BENCH_REPS (3) runs.
# The fls side is reported with and without its ifind lookups; the mount
# ids come from a read-only loop mount made before timing (root needed).
# Also times one-process `dof timeline --format bodyfile` of the whole host
# (container layers, every kind of event) for reference.
#
#   bench/bench-bodyfile.sh [BUILD_DIR]
set -eu
BUILD=${1:-${BUILD:-}}
. "$(dirname "$0")/bench-lib.sh"
bench_dof_setup

gen="--containers 50 --layers 20 --files-per-layer 200 --container-files 2000"
# shellcheck disable=SC2086
img=$(bench_gen bodyfile $gen)
mnt=$work/mnt
bench_loop "$img"
bench_mount "$loop" "$mnt"

# name -> upper dir path on the fs (setup, untimed)
python3 - "$mnt" > "$work/containers" <<'PY'
import json, os, sys
root = sys.argv[1] + "/var/lib/docker"
for cid in sorted(os.listdir(root + "/containers")):
    name = json.load(open(root + "/containers/" + cid + "/config.v2.json"))["Name"].lstrip("/")
    mid = open(root + "/image/overlay2/layerdb/mounts/" + cid + "/mount-id").read().strip()
    print(name, "/var/lib/docker/overlay2/%s/diff" % mid)
PY
n=$(wc -l < "$work/containers")
while read -r name path; do
    echo "$name $(ifind -n "$path" "$img")"
done < "$work/containers" > "$work/inodes"

dof_all() {
    while read -r name path; do
        "$dof" macrobber-container-layer --container "$name" "$img"
    done < "$work/containers"
}
ifind_fls_all() {
    while read -r name path; do
        fls -r -m / "$img" "$(ifind -n "$path" "$img")"
    done < "$work/containers"
}
fls_all() {
    while read -r name ino; do
        fls -r -m / "$img" "$ino"
    done < "$work/inodes"
}
timeline() { "$dof" timeline --format bodyfile "$img"; }

bench_header
echo "image:    $img ($(du -h "$img" | cut -f1) used), gen-large-host $gen"
echo "containers: $n"
# warm-up + entry counts (untimed)
echo "bodyfile lines: dof $(dof_all 2>/dev/null | wc -l), fls $(fls_all | wc -l), dof timeline $(timeline 2>/dev/null | wc -l)"

i=0
while [ $i -lt "$reps" ]; do
    bench_time "$work/t.dof" dof_all > /dev/null 2>&1
    bench_time "$work/t.ifls" ifind_fls_all > /dev/null 2>&1
    bench_time "$work/t.fls" fls_all > /dev/null 2>&1
    bench_time "$work/t.tl" "$dof" timeline --format bodyfile "$img" \
        > /dev/null 2>&1
    i=$((i + 1))
done

python3 - "$work" "$n" <<'PY'
import statistics, sys
work, n = sys.argv[1], int(sys.argv[2])
name = {"dof": "dof macrobber-container-layer x%d" % n,
        "ifls": "ifind -n + fls -r -m x%d" % n,
        "fls": "fls -r -m x%d (inodes known)" % n,
        "tl": "dof timeline --format bodyfile (1 process)"}
med = {}
for s in ("dof", "ifls", "fls", "tl"):
    t = [float(x) for x in open(work + "/t." + s)]
    med[s] = statistics.median(t)
    print("%-44s median %7.2f s  runs: %s" % (name[s], med[s], " ".join("%.2f" % x for x in t)))
r1, r2 = med["dof"] / med["ifls"], med["dof"] / med["fls"]
print("ratio dof/(ifind+fls): %.2fx   dof/fls: %.2fx   (target dof <= 1.5x fls: %s)"
      % (r1, r2, "met" if r2 <= 1.5 else "NOT met"))
rss = [int(x) for x in open(work + "/t.tl.rss")]
print("dof timeline peak RSS: %.1f MB" % (max(rss) / 1024))
PY
bench_footer
