#!/bin/sh
# robust.sh - the CI-sized mutation run (make check): ROBUST_N mutants
# (default 1000) of small synthetic hosts (images/synth: good, bbolt,
# hostile-names) and of one real-engine image (images/real, the smallest
# .raw.xz) through tests/robust/robust, which checks each one for crashes,
# hangs, leaks, statuses and warnings (see tests/robust/robust.c).
# ROBUST_ALL=1 runs every operation on every mutant (make
# check-robust-full sets it with ROBUST_N=10000).  The result is what
# robust prints: TAP.
set -u
src=${DOF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${DOF_BUILDDIR:-$(pwd)}
bin=$build/tests/robust/robust
n=${ROBUST_N:-1000}
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
done
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
# shellcheck disable=SC2086
exec "$bin" -n "$n" -s "$seed" -t "${ROBUST_TIMEOUT:-30}" $all $imgs
