#!/bin/sh
# bench/bench-export.sh - two measurements on generated hosts:
#
# 1. `dof export-container` of a container with >= 50 000 files in its
#    merged view against the obvious alternative on the same image in the
#    same run: loop-mount the image read-only, mount the container's layers
#    with the kernel's overlayfs (lowerdirs only: container diff, -init,
#    image layers; read-only) and `cp -a` the merged tree out.  Sides
#    alternate, warm page cache, outputs removed and `sync`ed between runs
#    (untimed); medians of DOF_BENCH_REPS (3).  The two output trees are
#    compared (entry count and the sorted list of path/type/size).
# 2. `dof ls -R` per-entry cost on that 50k-entry tree against a 500-entry
#    tree of the same shape (100x fewer files per layer): us/entry on
#    both, raw and net of the fixed cost (`dof ls` of one small directory
#    on the same image), and the big/small ratio (1.0 = linear); medians
#    of DOF_BENCH_REPS+2 runs (the small tree takes milliseconds).
# Also the export as one tar (`--tar`) against `tar -cf` of the overlay.
#
# Needs root (loop and overlay mounts).
#
#   bench/bench-export.sh [BUILD_DIR]
set -eu
BUILD=${1:-${BUILD:-}}
. "$(dirname "$0")/bench-lib.sh"
bench_dof_setup

gen_big="--containers 5 --layers 10 --files-per-layer 5000 --container-files 5000"
gen_small="--containers 5 --layers 10 --files-per-layer 50 --container-files 50"
# shellcheck disable=SC2086
big=$(bench_gen export50k $gen_big)
# shellcheck disable=SC2086
small=$(bench_gen export500 $gen_small)
c=c00000

# kernel overlay of c00000: lowerdir = diff : lower (already top first)
mnt=$work/mnt
bench_loop "$big"
bench_mount "$loop" "$mnt"
lowers=$(python3 - "$mnt" "$c" <<'PY'
import json, os, sys
mnt, name = sys.argv[1], sys.argv[2]
root = mnt + "/var/lib/docker"
for cid in os.listdir(root + "/containers"):
    if json.load(open(root + "/containers/" + cid + "/config.v2.json"))["Name"] == "/" + name:
        break
mid = open(root + "/image/overlay2/layerdb/mounts/" + cid + "/mount-id").read().strip()
o2 = root + "/overlay2"
low = [o2 + "/" + mid + "/diff"]
low += [o2 + "/" + l for l in open(o2 + "/" + mid + "/lower").read().strip().split(":")]
print(":".join(low))
PY
)
ovl=$work/ovl
mkdir -p "$ovl"
mount -t overlay overlay -o "ro,lowerdir=$lowers" "$ovl"
_mounts="$ovl $_mounts"

out=$work/out
run_dof() {
    "$dof" export-container --container "$c" --output "$out" "$big"
}
run_cp() { cp -a "$ovl" "$out"; }
reset_out() {
    rm -rf "$out" "$out.sha256" # export-container writes its manifest beside
    sync
}
listing() {
    (cd "$1" && find . -printf '%p %y %s\n' | LC_ALL=C sort)
}

bench_header
echo "image:    $big ($(du -h "$big" | cut -f1) used), gen-large-host $gen_big"
echo "overlay:  $(echo "$lowers" | tr ':' '\n' | wc -l) lowerdirs"

# warm-up + check (untimed)
reset_out
run_dof > /dev/null 2>&1 || [ $? -eq 1 ]
listing "$out" > "$work/l.dof"
reset_out
run_cp
listing "$out" > "$work/l.cp"
ndof=$(wc -l < "$work/l.dof")
ncp=$(wc -l < "$work/l.cp")
echo "entries: dof export $ndof, cp -a of overlay $ncp;" \
    "path/type/size listings $(cmp -s "$work/l.dof" "$work/l.cp" && echo identical || echo DIFFER)"
cmp -s "$work/l.dof" "$work/l.cp" ||
    diff "$work/l.dof" "$work/l.cp" | head -n 10

i=0
while [ $i -lt "$reps" ]; do
    reset_out
    bench_time "$work/t.dof" "$dof" export-container --container "$c" \
        --output "$out" "$big" > /dev/null 2>&1
    reset_out
    bench_time "$work/t.cp" cp -a "$ovl" "$out"
    i=$((i + 1))
done
reset_out

# the same as one tar file (less bound by creating 55 000 files)
i=0
while [ $i -lt "$reps" ]; do
    rm -f "$work/x.tar" "$work/x.tar.sha256"
    sync
    bench_time "$work/t.dtar" "$dof" export-container --container "$c" \
        --tar "$work/x.tar" "$big" > /dev/null 2>&1
    rm -f "$work/x.tar" "$work/x.tar.sha256"
    sync
    bench_time "$work/t.ktar" tar -C "$ovl" -cf "$work/x.tar" .
    i=$((i + 1))
done
echo "tar members: tar of overlay $(tar -tf "$work/x.tar" | wc -l)"
rm -f "$work/x.tar" "$work/x.tar.sha256"
"$dof" export-container --container "$c" --tar "$work/x.tar" "$big" \
    > /dev/null 2>&1 || [ $? -eq 1 ]
echo "tar members: dof export --tar $(tar -tf "$work/x.tar" | wc -l)"
rm -f "$work/x.tar" "$work/x.tar.sha256"

# ls -R: big and small alternately, plus the fixed cost on each
nb=$("$dof" ls --container "$c" -R "$big" / 2>/dev/null | wc -l)
ns=$("$dof" ls --container "$c" -R "$small" / 2>/dev/null | wc -l)
i=0
while [ $i -lt $((reps + 2)) ]; do
    bench_time "$work/t.lsb" "$dof" ls --container "$c" -R "$big" / \
        > /dev/null 2>&1
    bench_time "$work/t.lss" "$dof" ls --container "$c" -R "$small" / \
        > /dev/null 2>&1
    bench_time "$work/t.l0b" "$dof" ls --container "$c" "$big" /etc \
        > /dev/null 2>&1
    bench_time "$work/t.l0s" "$dof" ls --container "$c" "$small" /etc \
        > /dev/null 2>&1
    i=$((i + 1))
done

python3 - "$work" "$ndof" "$nb" "$ns" <<'PY'
import statistics, sys
work, n, nb, ns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def m(s):
    t = [float(x) for x in open(work + "/t." + s)]
    return statistics.median(t), " ".join("%.2f" % x for x in t)
d, dr = m("dof")
c, cr = m("cp")
print("dof export-container (raw image)   median %6.2f s  runs: %s" % (d, dr))
print("overlay mount + cp -a              median %6.2f s  runs: %s" % (c, cr))
print("ratio dof/cp: %.2fx  (target <= 1.5x: %s); dof %.0f entries/s, cp %.0f entries/s"
      % (d / c, "met" if d / c <= 1.5 else "NOT met", n / d, n / c))
rss = [int(x) for x in open(work + "/t.dof.rss")]
print("dof export peak RSS: %.1f MB" % (max(rss) / 1024))
dt, dtr = m("dtar")
kt, ktr = m("ktar")
print("dof export-container --tar             median %6.2f s  runs: %s" % (dt, dtr))
print("overlay mount + tar -cf                median %6.2f s  runs: %s" % (kt, ktr))
print("ratio dof/tar: %.2fx" % (dt / kt))
lb, lbr = m("lsb")
ls_, lsr = m("lss")
b0, _ = m("l0b")
s0, _ = m("l0s")
ub, us = lb / nb * 1e6, ls_ / ns * 1e6
nub, nus = (lb - b0) / nb * 1e6, (ls_ - s0) / ns * 1e6
print("dof ls -R big:   %6d entries, median %.3f s (fixed %.3f s)  runs: %s" % (nb, lb, b0, lbr))
print("dof ls -R small: %6d entries, median %.3f s (fixed %.3f s)  runs: %s" % (ns, ls_, s0, lsr))
print("us/entry raw:  big %.2f, small %.2f, ratio big/small %.2f" % (ub, us, ub / us))
print("us/entry net of fixed cost: big %.2f, small %.2f, ratio big/small %.2f"
      % (nub, nus, nub / nus if nus > 0 else float("nan")))
rss = [int(x) for x in open(work + "/t.lsb.rss")]
print("dof ls -R big peak RSS: %.1f MB" % (max(rss) / 1024))
PY
bench_footer
