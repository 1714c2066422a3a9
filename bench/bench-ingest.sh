#!/bin/sh
# bench/bench-ingest.sh - two measurements:
#
# 1. `dof ingest` against `tsk_loaddb` (TSK's own case database loader,
#    the obvious alternative) on the same large generated host in the same
#    run: wall time, rows written (sum of count(*) over every table of each
#    database), rows/s and peak RSS.  Sides alternate, fresh database each
#    run, page cache warm (image read once before timing); medians of
#    DOF_BENCH_REPS (3).  The two do different work (dof: Docker findings,
#    layer files, timeline; tsk_loaddb: every file of the fs, blocks) -
#    the ratio is time per image, rows/s is per row.
# 2. `dof batch -j 2` against `dof batch -j 1` over 8 copies of a medium
#    host (alternating, medians of 3): speed-up (target >= 1.6x on 2
#    cores; the load average is printed - other work shares the box).
#
# No root needed.
#
#   bench/bench-ingest.sh [BUILD_DIR] [large|medium]
#   (medium = a smaller "large" host for a quick run; says so in the output)
set -eu
BUILD=${1:-${BUILD:-}}
. "$(dirname "$0")/bench-lib.sh"
size=${2:-large}
bench_dof_setup

if [ "$size" = large ]; then
    gen_l="--containers 1000 --layers 300 --files-per-layer 667"
else
    gen_l="--containers 200 --layers 60 --files-per-layer 667"
fi
gen_m="--containers 30 --layers 20 --files-per-layer 300 --container-files 300"
# shellcheck disable=SC2086
large=$(bench_gen "ingest-$size" $gen_l)
# shellcheck disable=SC2086
medium=$(bench_gen batch-medium $gen_m)

rows() {
    sqlite3 "$1" "select name from sqlite_master where type='table'
                  and name not like 'sqlite_%'" |
        while read -r t; do
            sqlite3 "$1" "select count(*) from \"$t\""
        done | awk '{s += $1} END {print s}'
}

bench_header
echo "large:    $large ($(du -h "$large" | cut -f1) used), gen-large-host $gen_l"
cat "$large" > /dev/null

i=0
while [ $i -lt "$reps" ]; do
    rm -f "$work/dof.db" "$work/tsk.db"
    sync
    bench_time "$work/t.dof" "$dof" ingest --db "$work/dof.db" "$large" \
        > /dev/null 2>&1
    sync
    bench_time "$work/t.tsk" tsk_loaddb -d "$work/tsk.db" "$large" \
        > /dev/null 2>&1
    i=$((i + 1))
done
rdof=$(rows "$work/dof.db")
rtsk=$(rows "$work/tsk.db")
fdof=$(sqlite3 "$work/dof.db" "select count(*) from layer_files" 2>/dev/null || echo '?')
ftsk=$(sqlite3 "$work/tsk.db" "select count(*) from tsk_files")
echo "rows: dof $rdof (layer_files $fdof), tsk_loaddb $rtsk (tsk_files $ftsk)"
echo "db sizes: dof $(du -h "$work/dof.db" | cut -f1), tsk_loaddb $(du -h "$work/tsk.db" | cut -f1)"
rm -f "$work/dof.db" "$work/tsk.db"

python3 - "$work" "$rdof" "$rtsk" <<'PY'
import statistics, sys
work, rd, rt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def m(s):
    t = [float(x) for x in open(work + "/t." + s)]
    r = max(int(x) for x in open(work + "/t." + s + ".rss"))
    return statistics.median(t), " ".join("%.1f" % x for x in t), r / 1024
d, dr, drss = m("dof")
t, tr, trss = m("tsk")
print("dof ingest   median %6.1f s  %8.0f rows/s  peak RSS %6.1f MB  runs: %s" % (d, rd / d, drss, dr))
print("tsk_loaddb   median %6.1f s  %8.0f rows/s  peak RSS %6.1f MB  runs: %s" % (t, rt / t, trss, tr))
print("ratio time tsk_loaddb/dof: %.2fx" % (t / d))
PY

# batch: 8 copies of the medium host
echo "medium:   $medium ($(du -h "$medium" | cut -f1) used), gen-large-host $gen_m"
list=""
k=1
while [ $k -le 8 ]; do
    cp --sparse=always "$medium" "$work/m$k.raw"
    list="$list $work/m$k.raw"
    k=$((k + 1))
done
i=0
while [ $i -lt "$reps" ]; do
    for j in 1 2; do
        rm -f "$work/b.db"
        sync
        echo "  -j $j run $((i + 1)): loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
        # shellcheck disable=SC2086
        bench_time "$work/t.j$j" "$dof" batch --db "$work/b.db" -j "$j" \
            $list > /dev/null 2>&1
    done
    i=$((i + 1))
done
echo "batch evidence rows: $(sqlite3 "$work/b.db" 'select count(*) from evidence'), layer_files $(sqlite3 "$work/b.db" 'select count(*) from layer_files')"
python3 - "$work" <<'PY'
import statistics, sys
work = sys.argv[1]
def m(s):
    t = [float(x) for x in open(work + "/t." + s)]
    return statistics.median(t), " ".join("%.1f" % x for x in t)
a, ar = m("j1")
b, br = m("j2")
print("dof batch -j 1 (8 images) median %6.1f s  runs: %s" % (a, ar))
print("dof batch -j 2 (8 images) median %6.1f s  runs: %s" % (b, br))
print("speed-up -j2 vs -j1: %.2fx  (target >= 1.6x: %s)" % (a / b, "met" if a / b >= 1.6 else "NOT met"))
PY
bench_footer
