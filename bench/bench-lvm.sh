#!/bin/sh
# bench/bench-lvm.sh [BUILDDIR] [FILE_MB] - sequential read through an
# LVM2 LV vs the same filesystem as a bare raw image (issue 13: within
# 1.2x).  Root (loop devices, unshare) and lvm2 needed.
#
# The disk is made by the real LVM tools as in tests/unit/lvm_mkimg.sh
# (private mount namespace, activation off): VG benchvg on p2, LV root in
# two segments (400 MiB, a 4 MiB LV between, +420 MiB).  An ext4 with one
# FILE_MB file of random bytes is built in root.fs and copied to the LV's
# extents.  bench/lvm_read.c reads the file with dof_fs_read (1 MiB
# reads), 9 times per call, 3 calls per side, alternating: through
# p2/lvm:benchvg/root of disk.raw, and through volume 0 of bare.raw (the
# same bytes, no LVM); the ratio of the medians is printed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
mb=${2:-600}
work=$(mktemp -d /tmp/dof-bench-lvm.XXXXXX)
L2=
cleanup() {
    [ -n "$L2" ] && losetup -d "$L2" 2>/dev/null
    [ -n "${DOF_BENCH_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
mkdir etc lock backup archive

cc -O2 -I"$top/include" -o lvm_read "$top/bench/lvm_read.c" \
    -L"$build/.libs" -ldof -Wl,-rpath,"$build/.libs"

truncate -s 900M disk.raw
sgdisk -o -n 1:2048:+8M -t 1:8300 -n 2:0:0 -t 2:8e00 disk.raw >/dev/null
s2=$(sgdisk -i 2 disk.raw | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
e2=$(sgdisk -i 2 disk.raw | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
L2=$(losetup -f --show -o $((s2 * 512)) \
    --sizelimit $(((e2 - s2 + 1) * 512)) disk.raw)
min=$((0x$(stat -c %T "$L2"))) maj=$((0x$(stat -c %t "$L2")))
cat > etc/lvm.conf <<CONF
devices { filter = [ "a|^/dev/sda2\$|", "r|.*|" ]
    obtain_device_list_from_udev = 0 use_devicesfile = 0 scan = [ "/dev" ] }
global { activation = 0 locking_dir = "$work/lock" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
backup { backup = 1 backup_dir = "$work/backup"
    archive = 1 archive_dir = "$work/archive" }
CONF
export LVM_SYSTEM_DIR="$work/etc"
lvmx() {
    unshare --mount sh -c '
        mount -t tmpfs tmpfs /dev && mknod /dev/null c 1 3 &&
        mknod /dev/urandom c 1 9 && chmod 666 /dev/null &&
        mknod /dev/sda2 b '"$maj $min"' && exec "$@"' lvmx "$@" \
        >/dev/null 2>lvm.err || { cat lvm.err >&2; exit 1; }
}
lvmx pvcreate -q --norestorefile /dev/sda2
lvmx vgcreate -q -s 4M benchvg /dev/sda2
lvmx lvcreate -q --zero n -L 400M -n root benchvg
lvmx lvcreate -q --zero n -L 4M -n gap benchvg
lvmx lvextend -q -L +420M benchvg/root
ext=$((4 << 20)) base=$((s2 * 512 + (1 << 20)))
mkdir tree
head -c $((mb * 1000000)) /dev/urandom > tree/big.bin
mke2fs -q -t ext4 -b 4096 -d tree -F root.fs 820M >/dev/null
rm -rf tree
# root: extents 0-99 of the PV, then 101-205 (the gap LV holds 100)
dd if=root.fs of=disk.raw bs=$ext count=100 oflag=seek_bytes seek=$base \
    conv=notrunc status=none
dd if=root.fs of=disk.raw bs=$ext skip=100 count=105 oflag=seek_bytes \
    seek=$((base + 101 * ext)) conv=notrunc status=none
# the raw side written the same way (dd, 4 MiB blocks): mke2fs's own small
# writes leave a page cache that reads ~2x slower than dd's (measured)
dd if=root.fs of=bare.raw bs=$ext status=none
rm root.fs
losetup -d "$L2"
L2=

echo "# $(date -u '+%F %T UTC'), nproc=$(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/dof" status disk.raw 2>/dev/null | grep 'lvm:benchvg/root' -A1
for i in 1 2 3; do
    ./lvm_read disk.raw p2/lvm:benchvg/root /big.bin 9 | tee -a lv.out
    ./lvm_read bare.raw 0 /big.bin 9 | tee -a raw.out
done
python3 - <<'PY'
import re, statistics
def med(f):
    return statistics.median(float(re.search(r"median ([0-9.]+) s", l).group(1))
                             for l in open(f))
def sums(f):
    return {re.search(r"sum ([0-9a-f]+)", l).group(1) for l in open(f)}
lv, raw = med("lv.out"), med("raw.out")
print("median of medians: LV %.3f s, raw %.3f s: LV/raw %.2fx (target <= 1.2x); "
      "same bytes: %s" % (lv, raw, lv / raw, sums("lv.out") == sums("raw.out")))
PY
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"
