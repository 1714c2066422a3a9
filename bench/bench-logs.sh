#!/bin/sh
# bench/bench-logs.sh - `dof show-container-log` on a big json-file log
# (default 1 GB) against the obvious alternatives on the same image in the
# same run: loop-mount the image read-only and print `time message` for
# every json-file line with (a) a plain Python script and (b) jq.
# Sides alternate (A B C A B C ...); medians of DOF_BENCH_REPS (3) runs;
# warm page cache for every side (one untimed warm-up each).  Also checks
# that dof and the Python script print the same bytes, and records dof's
# peak RSS.  Needs root (loop mount) and jq for side (c).
#
#   bench/bench-logs.sh [BUILD_DIR] [LOG_BYTES]
set -eu
BUILD=${1:-${BUILD:-}}
. "$(dirname "$0")/bench-lib.sh"
bytes=${2:-1000000000}
bench_dof_setup

img=$(bench_gen biglog --containers 2 --layers 2 --files-per-layer 2 \
    --big-log "$bytes")
mnt=$work/mnt
bench_loop "$img"
bench_mount "$loop" "$mnt"

# the first container (c00000) holds the big log
cid=$(python3 -c '
import json, os, sys
root = sys.argv[1] + "/var/lib/docker/containers"
for c in sorted(os.listdir(root)):
    if json.load(open(root + "/" + c + "/config.v2.json"))["Name"] == "/c00000":
        print(c)
' "$mnt")
log=$mnt/var/lib/docker/containers/$cid/$cid-json.log
size=$(stat -c %s "$log")

cat > "$work/plain.py" <<'PY'
import json, sys
out = sys.stdout.buffer
with open(sys.argv[1], "rb") as f:
    for line in f:
        try:
            j = json.loads(line)
        except ValueError:
            continue
        out.write((j["time"] + " " + j["log"]).encode())
PY

run_dof() { "$dof" show-container-log --container c00000 "$img"; }
run_py() { python3 "$work/plain.py" "$log"; }
run_jq() { jq -j '.time + " " + .log' "$log"; }

sides="dof py"
command -v jq >/dev/null && sides="$sides jq"

bench_header
echo "image:    $img ($(du -h "$img" | cut -f1) used)"
echo "log:      $size bytes ($(wc -l < "$log") lines)"

# same output?  (untimed; also warms the page cache for every side)
h_dof=$(run_dof | sha256sum | cut -c1-16)
h_py=$(run_py | sha256sum | cut -c1-16)
echo "output sha256: dof $h_dof, python $h_py$( [ "$h_dof" = "$h_py" ] && echo ' (identical)' || echo ' (DIFFERENT)')"
[ "${sides#*jq}" != "$sides" ] && run_jq > /dev/null

i=0
while [ $i -lt "$reps" ]; do
    for s in $sides; do
        if [ "$s" = dof ]; then
            bench_time "$work/t.dof" "$dof" show-container-log \
                --container c00000 "$img" > /dev/null
        else
            bench_time "$work/t.$s" "run_$s" > /dev/null
        fi
    done
    i=$((i + 1))
done

# shellcheck disable=SC2086 # one argument per side
python3 - "$size" "$work" $sides <<'PY'
import statistics, sys
size, work, sides = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
name = {"dof": "dof show-container-log (raw image, TSK)",
        "py": "loop mount + Python json.loads",
        "jq": "loop mount + jq -j '.time+\" \"+.log'"}
med = {}
for s in sides:
    t = [float(x) for x in open(work + "/t." + s)]
    med[s] = statistics.median(t)
    print("%-42s median %7.2f s  %7.1f MB/s   runs: %s" % (
        name[s], med[s], size / med[s] / 1e6, " ".join("%.2f" % x for x in t)))
rss = [int(x) for x in open(work + "/t.dof.rss")]
print("dof peak RSS: %.1f MB (max of %d runs; target < 50 MB)" % (max(rss) / 1024, len(rss)))
for s in sides[1:]:
    print("ratio %s/dof: %.2fx" % (s, med[s] / med["dof"]))
print("dof throughput target >= 100 MB/s: %s" % (
    "met" if size / med["dof"] / 1e6 >= 100 else "NOT met"))
PY
bench_footer
