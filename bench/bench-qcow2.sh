#!/bin/sh
# bench/bench-qcow2.sh - sequential throughput of dof's qcow2 reader: read
# a whole disk front to back through dof's byte-source step
# (tests/truth/dof-read-image --null: dof_evidence_img_read in 64 KiB
# requests, TSK's image cache, then the source) as raw, as qcow2 (plain)
# and as zlib-compressed qcow2, in the same run.  The disk is SIZE_MB of
# real file data (the start of `tar -c /usr`: binaries, text, already
# compressed files), fully allocated, so no cluster is skipped as sparse.
# Sides alternate (raw plain comp raw plain comp ...); medians of
# DOF_BENCH_REPS (default 3) runs, wall and user+sys CPU time (the CPU
# figure holds up better on a loaded box); warm page cache (one untimed
# pass each, which also checks that all three give the same bytes).
#
#   bench/bench-qcow2.sh [BUILD_DIR] [SIZE_MB]
set -eu
BUILD=${1:-${BUILD:-}}
. "$(dirname "$0")/bench-lib.sh"
mb=${2:-1024}
bench_dof_setup
reader=$build/tests/truth/.libs/dof-read-image
[ -x "$reader" ] || reader=$build/tests/truth/dof-read-image
[ -x "$reader" ] || {
    echo "build $build/tests/truth/dof-read-image first (make tests/truth/dof-read-image)" >&2
    exit 2
}

dir=${DOF_BENCH_CACHE:-$work}/qcow2-$mb
mkdir -p "$dir"
if [ ! -f "$dir/disk.comp.qcow2" ]; then
    echo "generating $dir: $mb MiB of tar -c /usr, qemu-img convert" >&2
    tar -cf - /usr 2>/dev/null | head -c "$((mb * 1048576))" > "$dir/disk.raw"
    truncate -s "$((mb * 1048576))" "$dir/disk.raw"
    qemu-img convert -f raw -O qcow2 "$dir/disk.raw" "$dir/disk.qcow2"
    qemu-img convert -f raw -O qcow2 -c "$dir/disk.raw" "$dir/disk.comp.qcow2"
fi
raw=$dir/disk.raw
plain=$dir/disk.qcow2
comp=$dir/disk.comp.qcow2

# one timed run: wall and user+sys CPU seconds appended to t.SIDE
run() {
    /usr/bin/time -f '%e %U %S' -o "$work/one" "$reader" --null "$2" 2>/dev/null
    cat "$work/one" >> "$work/t.$1"
}

bench_header
echo "reader:   $reader --null (64 KiB requests)"
for f in "$raw" "$plain" "$comp"; do
    echo "file:     $f ($(du -h "$f" | cut -f1) on disk, $(stat -c %s "$f") bytes)"
done
h_raw=$("$reader" "$raw" 2>/dev/null | sha256sum | cut -c1-16)
h_plain=$("$reader" "$plain" 2>/dev/null | sha256sum | cut -c1-16)
h_comp=$("$reader" "$comp" 2>/dev/null | sha256sum | cut -c1-16)
echo "bytes sha256: raw $h_raw, qcow2 $h_plain, compressed $h_comp$( [ "$h_raw" = "$h_plain" ] && [ "$h_raw" = "$h_comp" ] && echo ' (identical)' || echo ' (DIFFERENT)')"

i=0
while [ $i -lt "$reps" ]; do
    run raw "$raw"
    run plain "$plain"
    run comp "$comp"
    i=$((i + 1))
done

python3 - "$((mb * 1048576))" "$work" <<'PY'
import statistics, sys
size, work = int(sys.argv[1]), sys.argv[2]
wall, cpu = {}, {}
for s in ("raw", "plain", "comp"):
    runs = [[float(x) for x in l.split()] for l in open("%s/t.%s" % (work, s))
            if l.strip()]
    wall[s] = statistics.median(r[0] for r in runs)
    cpu[s] = statistics.median(r[1] + r[2] for r in runs)
    print("%-6s wall %.3f s = %7.1f MB/s, cpu %.3f s = %7.1f MB/s  (wall runs: %s)"
          % (s, wall[s], size / wall[s] / 1e6, cpu[s], size / cpu[s] / 1e6,
             ", ".join("%.2f" % r[0] for r in runs)))
for s, name in (("plain", "plain qcow2"), ("comp", "compressed qcow2")):
    print("%s / raw: wall %.2fx, cpu %.2fx%s" % (
        name, wall[s] / wall["raw"], cpu[s] / cpu["raw"],
        " (target <= 1.2x)" if s == "plain" else ""))
PY
bench_footer
