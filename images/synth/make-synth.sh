#!/bin/sh
# Build dof's synthetic Docker-host images into OUTDIR (see images/README.md,
# "Synthetic images").  No root needed.  Usage: make-synth.sh OUTDIR [CASE...]
# Needs: python3, e2fsprogs (mke2fs, debugfs), sleuthkit (fls), ewf-tools
# (ewfacquire), qemu-utils (qemu-img), gdisk (sgdisk), coreutils (split).
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 OUTDIR [CASE...]" >&2
    exit 2
fi
PATH="$PATH:/usr/sbin:/sbin"
for t in python3 mke2fs debugfs fls ewfacquire qemu-img sgdisk split; do
    command -v "$t" >/dev/null 2>&1 || { echo "$0: missing tool: $t" >&2; exit 3; }
done
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/make_synth.py" "$@"
