#!/bin/sh
# lvm_host_mkimg.sh FS OUTDIR - a Docker host on LVM2, Ubuntu layout, made
# by the real LVM tools (CORPUS.md "LVM without device-mapper"): GPT, p1 a
# small ext4 /boot, p2 the PV of VG ubuntu-vg; LV ubuntu-lv holds the
# filesystem image FS (a real Docker host's root, copied byte for byte)
# in two segments: 128 MiB, then LV "scratch" (4 MiB), then the rest after
# an lvextend.  Writes OUTDIR/lvm-host.raw and OUTDIR/lvs.json (the tools'
# report).  Exits 77 when root, unshare, losetup, sgdisk or lvm2 are
# missing.
set -eu
fs=$1 out=$2
for t in unshare losetup sgdisk mke2fs lvm python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "missing $t" >&2; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 77; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$out"
rm -rf lvm-host.raw etc lock backup archive lvs.json boot.fs
mkdir -p etc lock backup archive
fsz=$(stat -c %s "$fs")
ext=$((4 << 20))
lvmb=$(((fsz + ext - 1) / ext * ext))
truncate -s $((lvmb + (20 << 20))) lvm-host.raw
sgdisk -o -n 1:2048:+8M -t 1:8300 -n 2:0:0 -t 2:8e00 lvm-host.raw >/dev/null
s1=$(sgdisk -i 1 lvm-host.raw | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
s2=$(sgdisk -i 2 lvm-host.raw | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
e2=$(sgdisk -i 2 lvm-host.raw | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
mke2fs -q -t ext4 -F boot.fs 8M >/dev/null
dd if=boot.fs of=lvm-host.raw bs=512 seek="$s1" conv=notrunc status=none
L2=$(losetup -f --show -o $((s2 * 512)) --sizelimit $(((e2 - s2 + 1) * 512)) \
    lvm-host.raw)
trap 'losetup -d "$L2" 2>/dev/null || true' EXIT
min=$((0x$(stat -c %T "$L2"))) maj=$((0x$(stat -c %t "$L2")))
cat > etc/lvm.conf <<CONF
devices { filter = [ "a|^/dev/sda2\$|", "r|.*|" ]
    obtain_device_list_from_udev = 0 use_devicesfile = 0 scan = [ "/dev" ] }
global { activation = 0 locking_dir = "$out/lock" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
backup { backup = 1 backup_dir = "$out/backup"
    archive = 1 archive_dir = "$out/archive" }
CONF
export LVM_SYSTEM_DIR="$out/etc"
lvmx() {
    unshare --mount sh -c '
        mount -t tmpfs tmpfs /dev && mknod /dev/null c 1 3 &&
        mknod /dev/urandom c 1 9 && chmod 666 /dev/null &&
        mknod /dev/sda2 b '"$maj $min"' && exec "$@"' lvmx "$@" \
        2>lvm.err || { cat lvm.err >&2; exit 1; }
}
lvmx pvcreate -q --norestorefile /dev/sda2 >/dev/null
lvmx vgcreate -q -s 4M ubuntu-vg /dev/sda2 >/dev/null
lvmx lvcreate -q --zero n -L 128M -n ubuntu-lv ubuntu-vg >/dev/null
lvmx lvcreate -q --zero n -L 4M -n scratch ubuntu-vg >/dev/null
lvmx lvextend -q -L "$((lvmb >> 20))M" ubuntu-vg/ubuntu-lv >/dev/null
lvmx lvs --reportformat json --units b --nosuffix \
    -o lv_name,lv_size,seg_pe_ranges,seg_start_pe,seg_size_pe \
    ubuntu-vg > lvs.json
pe=$(lvmx pvs --noheadings --units b --nosuffix -o pe_start /dev/sda2 |
    tr -d ' ')
python3 - "$fs" $((s2 * 512 + pe)) "$ext" <<'PY'
import json, sys
fs, base, ext = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(fs, "rb") as src, open("lvm-host.raw", "r+b") as dst:
    for s in json.load(open("lvs.json"))["report"][0]["lv"]:
        if s["lv_name"] != "ubuntu-lv":
            continue
        first = int(s["seg_pe_ranges"].split(":")[1].split("-")[0])
        src.seek(int(s["seg_start_pe"]) * ext)
        data = src.read(int(s["seg_size_pe"]) * ext)
        dst.seek(base + first * ext)
        dst.write(data)
PY
rm -f boot.fs lvm.err
