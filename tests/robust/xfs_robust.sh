#!/bin/sh
# xfs_robust.sh - XFS_ROBUST_N (default 50) mutants of the v5 XFS test
# image (tests/truth/xfs_mkimg.py, built once into the build's cache)
# through tests/robust/xfs_robust: the whole reader on damaged metadata.
# Needs root, loop devices and the kernel's XFS to build the image.
set -u
src=${DOF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${DOF_BUILDDIR:-$(pwd)}
bin=$build/tests/robust/xfs_robust
cache=$build/tests/cache/xfs
PATH=$PATH:/usr/sbin:/sbin
export PATH
if [ ! -x "$bin" ]; then
    echo "1..0 # SKIP $bin not built"
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v mkfs.xfs >/dev/null ||
    ! grep -qw xfs /proc/filesystems; then
    echo "1..0 # SKIP needs root, xfsprogs and the kernel's XFS"
    exit 0
fi
mkdir -p "$cache"
img=$cache/robust-v5.img
if [ ! -f "$img" ]; then
    python3 "$src/tests/truth/xfs_mkimg.py" "$img.tmp" v5 >/dev/null 2>&1 &&
        mv "$img.tmp" "$img" ||
        { rm -f "$img.tmp"; echo "1..0 # SKIP could not build the image"; exit 0; }
fi
exec "$bin" -n "${XFS_ROBUST_N:-50}" -s "${ROBUST_SEED:-13}" \
    -t "${ROBUST_TIMEOUT:-60}" "$img"
