#!/bin/bash
# Build the real-engine test corpus: GPT raw disk images of Docker hosts written by a real
# dockerd 20.10 / containerd / runc, each with ground truth captured from the engine.
#
#   images/build-real-host.sh [OUTDIR]        (default OUTDIR: images/real)
#
# Variants: host-a-live host-a-dirty host-a-clean host-a-killed host-b-dataroot
#           host-c-barefs host-d-overlay  ->  OUTDIR/<variant>.raw.xz + OUTDIR/<variant>.truth/
# See images/README.md. Needs root, loop devices, overlayfs; about 2-3 minutes on 2 cores.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$HERE/lib
OUT=${1:-$HERE/real}
# shellcheck source=lib/common.sh
. "$LIB/common.sh"
# shellcheck source=lib/scenario.sh
. "$LIB/scenario.sh"

check_requirements
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/dof-real.XXXXXX)
mkdir -p "$WORK/client"
KEEP_WORK=${KEEP_WORK:-0}
on_exit() {
    local rc=$?
    [ $rc -ne 0 ] && echo "FAILED (rc=$rc); cleaning up" >&2
    cleanup_all
    [ "$KEEP_WORK" = 1 ] || rm -rf "$WORK"
    exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM
T0=$SECONDS

step "busybox rootfs (fixed recipe)"
make_busybox_rootfs "$WORK/bb"

build_host_a
build_host_b
build_host_d

step "waiting for compression (xz -9 -T2, started as each image was ready)"
wait_compress
for v in host-a-live host-a-dirty host-a-clean host-a-killed host-b-dataroot host-c-barefs host-d-overlay; do
    info "$v.raw.xz $(stat -c %s "$OUT/$v.raw.xz") bytes"
done
write_scenario_md
step "done in $((SECONDS-T0)) s -> $OUT"
