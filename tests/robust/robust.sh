#!/bin/sh
# robust.sh - the CI-sized mutation run (make check): ROBUST_N mutants
# (default 1000) of small synthetic hosts (images/synth: good, bbolt,
# hostile-names) and of one real-engine image (images/real, the smallest
# .raw.xz) through tests/robust/robust, which checks each one for crashes,
# hangs, leaks, statuses and warnings (see tests/robust/robust.c); then
# ROBUST_E01_N (default 100) mutants with damaged chunks of an E01 made
# from the synth good host (ewfacquire, cached), each a copy in a temp
# dir.  ROBUST_ALL=1 runs every operation on every mutant (make
# check-robust-full sets it with ROBUST_N=10000, ROBUST_E01_N=1000).
# The result is what robust prints: TAP.
set -u
src=${DOF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${DOF_BUILDDIR:-$(pwd)}
bin=$build/tests/robust/robust
n=${ROBUST_N:-1000}
ne=${ROBUST_E01_N:-100}
seed=${ROBUST_SEED:-7}
cache=$build/tests/cache/robust
PATH=$PATH:/usr/sbin:/sbin
export PATH
if [ ! -x "$bin" ]; then
    echo "1..0 # SKIP $bin not built"
    exit 0
fi
mkdir -p "$cache"
imgs=
good=
# synthetic cases: reuse the shared cache when synth_cases.py built it
for c in good bbolt hostile-names; do
    f=$build/tests/cache/synth/$c.raw
    if [ ! -f "$f" ]; then
        f=$cache/$c.raw
        if [ ! -f "$f" ]; then
            "$src/images/synth/make-synth.sh" "$cache" "$c" >/dev/null 2>&1 ||
                { echo "# could not build synth case $c"; continue; }
        fi
    fi
    [ -f "$f" ] && imgs="$imgs $f"
    [ "$c" = good ] && [ -f "$f" ] && good=$f
done
# the good host as a one-segment EnCase 6 E01 (deflate: compressed chunks)
e01=
if [ -n "${good:-}" ] && [ "$ne" -gt 0 ] && command -v ewfacquire >/dev/null
then
    e01=$cache/good-robust.E01
    if [ ! -f "$e01" ] || [ "$good" -nt "$e01" ]; then
        rm -f "$cache/good-robust.E01" "$cache/good-robust-tmp.E01"
        ewfacquire -u -q -t "$cache/good-robust-tmp" -f encase6 \
            -c deflate:fast "$good" </dev/null >/dev/null 2>&1 &&
            mv "$cache/good-robust-tmp.E01" "$e01" || e01=
    fi
fi
# one real-engine image, decompressed once
real=$(ls -S -r "$src"/images/real/*.raw.xz 2>/dev/null | head -n 1)
if [ -n "$real" ]; then
    f=$cache/$(basename "$real" .xz)
    if [ ! -f "$f" ] || [ "$real" -nt "$f" ]; then
        xz -dc "$real" >"$f.tmp" && mv "$f.tmp" "$f"
    fi
    [ -f "$f" ] && imgs="$imgs $f"
fi
if [ -z "$imgs" ]; then
    echo "1..0 # SKIP no image to mutate"
    exit 0
fi
all=
[ "${ROBUST_ALL:-0}" = 1 ] && all=-a
# the E01 is made from the first image (good); robust checks they match
ewfopt=
[ -n "$e01" ] && ewfopt="-E $e01 -e $ne"
# shellcheck disable=SC2086
exec "$bin" -n "$n" -s "$seed" -t "${ROBUST_TIMEOUT:-30}" $all $ewfopt $imgs
