#!/bin/sh
# bench/bench-xfs.sh - a full walk of a 200 000-file XFS image, warm cache:
#   dof: tests/truth/dof-fs-walk -m IMG (every name through the dof_fs API:
#        readdir, lookup, stat, symlink targets, every xattr list; no file
#        contents)
#   vs   find MNT -printf (path, inode, mode, owner, group, size, nlink,
#        three times, symlink target) over the same image loop-mounted
#        read-only (ro,norecovery)
# Sides alternate (A B, A B, ...); each is warmed once, untimed.  Prints
# the median wall and CPU (user+sys) time of each side and dof/find.
#
#   bench/bench-xfs.sh [BUILD] [NFILES]
#
# The image (GPT + mkfs.xfs with Debian's defaults, NFILES small files in
# directories of 1000, written through the kernel) is made by
# tests/truth/xfs_mkimg.py and cached in DOF_BENCH_CACHE when set.
# Needs root (loop devices, mount).
set -eu
BUILD=${1:-${BUILD:-}}
[ -n "$BUILD" ] && export BUILD
. "$(dirname "$0")/bench-lib.sh"
n=${2:-200000}
bench_dof_setup
walk=$build/tests/truth/dof-fs-walk
[ -x "$walk" ] || {
    echo "build $walk first (make tests/truth/dof-fs-walk)" >&2
    exit 2
}

if [ -n "${DOF_BENCH_CACHE:-}" ]; then
    mkdir -p "$DOF_BENCH_CACHE"
    img=$DOF_BENCH_CACHE/xfs-$n.img
else
    img=$work/xfs-$n.img
fi
if [ ! -f "$img" ]; then
    echo "generating $img" >&2
    _t0=$(bench_now)
    python3 "$top/tests/truth/xfs_mkimg.py" "$img.tmp" v5 "$n" >/dev/null
    mv "$img.tmp" "$img"
    echo "  generated in $(bench_since "$_t0") s" >&2
fi
off=$((2048 * 512))
loop=$(losetup -r -f --show -o "$off" "$img")
_loops="$loop $_loops"
mnt=$work/mnt
mkdir -p "$mnt"
mount -t xfs -o ro,norecovery,nouuid "$loop" "$mnt"
_mounts="$mnt $_mounts"

side_dof() { "$walk" -m "$img" >/dev/null; }
side_find() {
    find "$mnt" -printf '%p %i %m %U %G %s %n %A@ %T@ %C@ %l\n' >/dev/null
}
cpu() { # cpu FILE CMD...: user+sys seconds of CMD appended to FILE
    _f=$1
    shift
    python3 - "$_f" "$@" <<'PY'
import os, subprocess, sys, time
f = sys.argv[1]
t0 = time.time()
r0 = os.times()
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, check=True)
r1 = os.times()
t1 = time.time()
with open(f, "a") as o:
    o.write("%.6f\n" % ((r1.children_user - r0.children_user) +
                        (r1.children_system - r0.children_system)))
with open(f + ".wall", "a") as o:
    o.write("%.6f\n" % (t1 - t0))
PY
}

bench_header
echo "image:    $img ($n files), $(find "$mnt" | wc -l) names in the kernel's view"
side_dof
side_find
for i in $(seq "$reps"); do
    cpu "$work/dof" "$walk" -m "$img"
    cpu "$work/find" find "$mnt" -printf '%p %i %m %U %G %s %n %A@ %T@ %C@ %l\n'
done
dw=$(bench_median "$work/dof.wall")
fw=$(bench_median "$work/find.wall")
dc=$(bench_median "$work/dof")
fc=$(bench_median "$work/find")
echo "dof-fs-walk -m: wall $dw s (runs: $(bench_all "$work/dof.wall")), cpu $dc s"
echo "find -printf:   wall $fw s (runs: $(bench_all "$work/find.wall")), cpu $fc s"
python3 -c 'import sys; a,b,c,d=map(float,sys.argv[1:]); print("dof/find: wall %.2fx, cpu %.2fx (target <= 1.5x)" % (a/b, c/d))' "$dw" "$fw" "$dc" "$fc"
bench_footer
