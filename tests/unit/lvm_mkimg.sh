#!/bin/sh
# lvm_mkimg.sh OUTDIR - an Ubuntu-style LVM2 disk made by the real LVM
# tools (CORPUS.md "LVM without device-mapper"), for test_lvm.c.  Needs
# root, unshare, losetup, sgdisk, mke2fs/debugfs/resize2fs and lvm2;
# exits 77 when something is missing.
#   lvm.raw     GPT: p1 ext4 (/boot), p2 PV (pv0), p3 PV (pv1) of VG vgdof:
#               root  12 MiB on pv0, written, then lvextend +8 MiB onto
#                     pv1 (2 segments), the fs grown and a file written
#                     across both; data 8 MiB + 4 MiB on pv0 with a gap
#                     (2 segments); striped over pv0 and pv1
#   pvs.json lvs.json vgs.json   the tools' own reports of lvm.raw
#   files       LV PATH SHA256 of each file put into an LV's filesystem
#   truth       KEY=VALUE: p1 p2 p3 (byte offsets, sgdisk), from the
#               reports: <lv>_size, <lv>_segN = pvaddr:first-last@lvstart
#               (PV extents), pe_start_pvN (bytes), extent (bytes), seqno
#   wrap.raw    lvm.raw with the committed texts moved so they wrap
#               around the end of the ring buffer (vgs_wrap: the tools'
#               seqno of it)
#   snap.raw    lvm.raw with a snapshot "snap" of LV data, written by
#               vgcfgrestore (snap_attr, snap_origin: `lvs -a` of it)
#   badtext.raw lvm.raw with a byte of the committed metadata text of both
#               PVs flipped (the tools then read an older seqno: vgs_bad)
set -eu
out=$1
for t in unshare losetup sgdisk mke2fs debugfs resize2fs lvm python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "missing $t" >&2; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 77; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$out"
rm -rf lvm.raw badtext.raw wrap.raw snap.raw snaplvs.json etc lock backup archive tree* *.fs *.json files \
    truth
mkdir -p etc lock backup archive

truncate -s 80M lvm.raw
sgdisk -o -n 1:2048:+8M -t 1:8300 -c 1:boot -n 2:0:+40M -t 2:8e00 \
    -n 3:0:+16M -t 3:8e00 lvm.raw >/dev/null
start() { sgdisk -i "$1" lvm.raw | sed -n 's/^First sector: \([0-9]*\).*/\1/p'; }
s1=$(start 1) s2=$(start 2) s3=$(start 3)
mkdir tree_boot
printf 'boot-ok\n' > tree_boot/grub.cfg
mke2fs -q -t ext4 -d tree_boot -F boot.fs 8M >/dev/null
dd if=boot.fs of=lvm.raw bs=512 seek="$s1" conv=notrunc status=none

L2=$(losetup -f --show -o $((s2 * 512)) --sizelimit $((40 << 20)) lvm.raw)
L3=$(losetup -f --show -o $((s3 * 512)) --sizelimit $((16 << 20)) lvm.raw)
trap 'for l in $L2 $L3; do losetup -d "$l" 2>/dev/null; done; true' EXIT
M2=$(stat -c %T "$L2") M3=$(stat -c %T "$L3")
m2=$((0x$M2)) m3=$((0x$M3))
j2=$(stat -c %t "$L2") j3=$(stat -c %t "$L3")
j2=$((0x$j2)) j3=$((0x$j3))

cat > etc/lvm.conf <<EOF
devices {
    filter = [ "a|^/dev/sda[23]\$|", "r|.*|" ]
    obtain_device_list_from_udev = 0
    use_devicesfile = 0
    scan = [ "/dev" ]
}
global { activation = 0 locking_dir = "$out/lock" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
backup {
    backup = 1 backup_dir = "$out/backup"
    archive = 1 archive_dir = "$out/archive"
}
EOF

# one LVM command in a private mount namespace with its own /dev
lvmx() {
    unshare --mount sh -c '
        mount -t tmpfs tmpfs /dev &&
        mknod /dev/null c 1 3 && mknod /dev/zero c 1 5 &&
        mknod /dev/urandom c 1 9 && mknod /dev/random c 1 8 &&
        chmod 666 /dev/null /dev/zero &&
        mknod /dev/sda2 b '"$j2 $m2"' && mknod /dev/sda3 b '"$j3 $m3"' &&
        exec "$@"' lvmx "$@" 2>lvm.err || { cat lvm.err >&2; return 1; }
}
export LVM_SYSTEM_DIR="$out/etc"

ext=$((4 << 20))
lvmx pvcreate -q --norestorefile /dev/sda2 >/dev/null
lvmx pvcreate -q --norestorefile /dev/sda3 >/dev/null
lvmx vgcreate -q -s 4M vgdof /dev/sda2 /dev/sda3 >/dev/null
lvmx lvcreate -q --zero n -L 12M -n root vgdof /dev/sda2 >/dev/null
lvmx lvcreate -q --zero n -L 8M -n data vgdof /dev/sda2 >/dev/null
lvmx lvcreate -q --zero n -L 4M -n spacer vgdof /dev/sda2 >/dev/null

# where an LV's segments are: "pvstart_bytes pe count lvstart" lines
segs() {
    lvmx lvs --reportformat json --units b --nosuffix \
        -o lv_name,seg_pe_ranges,seg_start_pe,seg_size_pe vgdof/"$1" |
        python3 -c '
import json, sys
p2, p3 = int(sys.argv[1]), int(sys.argv[2])
for s in json.load(sys.stdin)["report"][0]["lv"]:
    dev, r = s["seg_pe_ranges"].split(":")
    first = int(r.split("-")[0])
    base = p2 if dev == "/dev/sda2" else p3
    print(base, first, s["seg_size_pe"], s["seg_start_pe"])' \
        $((s2 * 512 + (1 << 20))) $((s3 * 512 + (1 << 20)))
}
# copy fs image $2 into LV $1's extents
put() {
    segs "$1" | while read -r base pe n lvstart; do
        dd if="$2" of=lvm.raw bs=$ext skip="$lvstart" count="$n" \
            oflag=seek_bytes seek=$((base + pe * ext)) conv=notrunc \
            status=none
    done
}

# root: written at 12 MiB, then extended onto pv1 and grown
mkdir -p tree_root/etc
printf 'root-ok\n' > tree_root/etc/hostname
head -c 3000000 /dev/urandom > tree_root/first.bin
mke2fs -q -t ext4 -b 4096 -d tree_root -F root.fs 12M >/dev/null
put root root.fs
lvmx lvextend -q -L +8M vgdof/root /dev/sda3 >/dev/null
dd if=lvm.raw of=root.fs bs=$ext count=3 iflag=skip_bytes \
    skip=$((s2 * 512 + (1 << 20))) status=none # read back what is on disk
truncate -s 20M root.fs
e2fsck -fy root.fs >/dev/null 2>&1 || true
resize2fs root.fs 20M >/dev/null 2>&1
head -c 12000000 /dev/urandom > big.bin
debugfs -w -R "write big.bin big.bin" root.fs >/dev/null 2>&1
debugfs -R "dump big.bin big.chk" root.fs >/dev/null 2>&1
cmp -s big.bin big.chk || { echo "debugfs write of big.bin failed" >&2; exit 1; }
put root root.fs

# data: 2 segments on pv0 with the spacer's extents between them
mkdir -p tree_data/srv
printf 'data-ok\n' > tree_data/srv/marker.txt
head -c 7000000 /dev/urandom > tree_data/srv/blob.bin
lvmx lvextend -q -L +4M vgdof/data /dev/sda2 >/dev/null
lvmx lvremove -q -f vgdof/spacer >/dev/null
mke2fs -q -t ext4 -b 4096 -d tree_data -F data.fs 12M >/dev/null
put data data.fs
lvmx lvcreate -q --zero n -i 2 -I 64k -L 8M -n striped vgdof >/dev/null

{
    for f in etc/hostname first.bin; do
        echo "root /$f $(sha256sum "tree_root/$f" | cut -d' ' -f1)"
    done
    echo "root /big.bin $(sha256sum big.bin | cut -d' ' -f1)"
    for f in srv/marker.txt srv/blob.bin; do
        echo "data /$f $(sha256sum "tree_data/$f" | cut -d' ' -f1)"
    done
} > files

lvmx pvs --reportformat json --units b --nosuffix \
    -o pv_name,pv_uuid,vg_name,pe_start,dev_size,pv_pe_count > pvs.json
lvmx lvs -a --reportformat json --units b --nosuffix \
    -o lv_name,vg_name,lv_size,segtype,stripes,seg_pe_ranges,seg_start_pe,seg_size_pe,vg_extent_size \
    > lvs.json
lvmx vgs --reportformat json -o vg_name,vg_uuid,vg_seqno > vgs.json

python3 - "$s1" "$s2" "$s3" > truth <<'EOF'
import json, sys
s1, s2, s3 = (int(x) * 512 for x in sys.argv[1:4])
addr = {"/dev/sda2": "p2", "/dev/sda3": "p3"}
print("p1=%d\np2=%d\np3=%d" % (s1, s2, s3))
for p in json.load(open("pvs.json"))["report"][0]["pv"]:
    print("pe_start_%s=%s" % (addr[p["pv_name"]], p["pe_start"]))
    print("uuid_%s=%s" % (addr[p["pv_name"]], p["pv_uuid"]))
n = {}
for s in json.load(open("lvs.json"))["report"][0]["lv"]:
    lv = s["lv_name"]
    n[lv] = n.get(lv, 0) + 1
    if n[lv] == 1:
        print("%s_size=%s" % (lv, s["lv_size"]))
        print("%s_type=%s" % (lv, s["segtype"]))
    print("extent=%s" % s["vg_extent_size"])
    ranges = s["seg_pe_ranges"].split()
    dev, r = ranges[0].split(":")
    print("%s_seg%d=%s:%s@%s" % (lv, n[lv], addr[dev], r, s["seg_start_pe"]))
for lv, k in n.items():
    print("%s_nsegs=%d" % (lv, k))
for v in json.load(open("vgs.json"))["report"][0]["vg"]:
    print("seqno=%s" % v["vg_seqno"])
EOF

# wrap.raw: the committed text of both PVs moved to the end of the ring
# buffer so that it wraps to just after the header (CRCs redone here from
# the format's description); the tools read it back (vgs_wrap)
cp lvm.raw wrap.raw
python3 - "$s2" "$s3" <<'EOF'
import struct, sys
def crc(b, c=0xf597a6cf):
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ (0xEDB88320 if c & 1 else 0)
    return c
with open("wrap.raw", "r+b") as f:
    for s in sys.argv[1:]:
        pv = int(s) * 512
        f.seek(pv + 512 + 32 + 32 + 8 + 32)  # label, uuid, size, data list
        mda = struct.unpack("<Q", f.read(8))[0]
        f.seek(pv + mda)
        h = bytearray(f.read(512))
        size = struct.unpack_from("<Q", h, 32)[0]
        off, tlen, tcrc, fl = struct.unpack_from("<QQII", h, 40)
        f.seek(pv + mda)
        area = bytearray(f.read(size))
        text = bytes(area[off:off + tlen])
        new = size - 1024
        assert tlen > 1024 and crc(text) == tcrc
        area[new:size] = text[:1024]
        area[512:512 + tlen - 1024] = text[1024:]
        struct.pack_into("<Q", h, 40, new)
        struct.pack_into("<I", h, 0, crc(bytes(h[4:512])))
        area[0:512] = h
        f.seek(pv + mda)
        f.write(area)
EOF

# damage the committed text of both PVs: the tools fall back (oracle)
cp lvm.raw badtext.raw
python3 - "$s2" "$s3" <<'EOF'
import struct, sys
with open("badtext.raw", "r+b") as f:
    for s in sys.argv[1:]:
        pv = int(s) * 512
        f.seek(pv + 512 + 32 + 32 + 8 + 32)  # label, uuid, size, data list
        mda = struct.unpack("<Q", f.read(8))[0]
        f.seek(pv + mda + 40)
        off, size = struct.unpack("<QQ", f.read(16))
        f.seek(pv + mda + off + 20)
        b = f.read(1)
        f.seek(pv + mda + off + 20)
        f.write(bytes([b[0] ^ 0x20]))
EOF
# the seqno the tools read from an image (read-only loop devices), in
# $seq (not in a subshell: the loop devices stay known to the EXIT trap)
seqno_of() {
    losetup -d "$L2" "$L3"
    L2= L3=
    L2=$(losetup -f --show -r -o $((s2 * 512)) --sizelimit $((40 << 20)) "$1")
    L3=$(losetup -f --show -r -o $((s3 * 512)) --sizelimit $((16 << 20)) "$1")
    M2=$(stat -c %T "$L2") M3=$(stat -c %T "$L3")
    m2=$((0x$M2)) m3=$((0x$M3))
    lvmx vgs --noheadings -o vg_seqno --readonly vgdof > vgs.out 2>/dev/null ||
        true
    seq=$(grep -o '^ *[0-9][0-9]* *$' vgs.out | tr -d ' ' || true)
    seq=${seq:-none}
    rm -f vgs.out
}
seqno_of badtext.raw
echo "vgs_bad=$seq" >> truth
seqno_of wrap.raw
echo "vgs_wrap=$seq" >> truth

# snap.raw: lvm.raw with a snapshot of LV data added to the metadata by
# vgcfgrestore (lvcreate -s needs device-mapper): its copy-on-write store
# "snap" on pv0 extent 5 and LVM's internal "snapshot0"; `lvs -a` then
# shows snap as a snapshot (attr s...) of data: snap_attr, snap_origin
cp lvm.raw snap.raw
losetup -d "$L2" "$L3"
L2= L3=
L2=$(losetup -f --show -o $((s2 * 512)) --sizelimit $((40 << 20)) snap.raw)
L3=$(losetup -f --show -o $((s3 * 512)) --sizelimit $((16 << 20)) snap.raw)
m2=$((0x$(stat -c %T "$L2"))) m3=$((0x$(stat -c %T "$L3")))
lvmx vgcfgbackup -q -f "$out/cur.vg" vgdof >/dev/null
python3 - "$out/cur.vg" "$out/snap.vg" <<'EOF'
import random, string, sys
r = random.Random(7)
def uid():
    c = string.ascii_letters + string.digits
    g = [6, 4, 4, 4, 4, 4, 6]
    return "-".join("".join(r.choice(c) for _ in range(n)) for n in g)
s = open(sys.argv[1]).read()
add = """
snap {
id = "%s"
status = ["READ", "WRITE", "VISIBLE"]
flags = []
segment_count = 1
segment1 {
start_extent = 0
extent_count = 1
type = "striped"
stripe_count = 1
stripes = [
"pv0", 5
]
}
}
snapshot0 {
id = "%s"
status = ["READ", "WRITE"]
flags = []
segment_count = 1
segment1 {
start_extent = 0
extent_count = 3
type = "snapshot"
chunk_size = 8
origin = "data"
cow_store = "snap"
}
}
""" % (uid(), uid())
i = s.index("logical_volumes {") + len("logical_volumes {")
open(sys.argv[2], "w").write(s[:i] + add + s[i:])
EOF
lvmx vgcfgrestore -q -f "$out/snap.vg" vgdof >/dev/null 2>&1 || true
lvmx lvs -a --reportformat json -o lv_name,lv_attr,origin vgdof > snaplvs.json
python3 - >> truth <<'EOF'
import json
for s in json.load(open("snaplvs.json"))["report"][0]["lv"]:
    if s["lv_name"] == "snap":
        print("snap_attr=%s\nsnap_origin=%s" % (s["lv_attr"], s["origin"]))
EOF
rm -f cur.vg snap.vg
rm -rf tree_boot tree_root tree_data big.bin big.chk boot.fs root.fs data.fs
