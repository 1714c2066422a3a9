#!/bin/sh
# ev_mkimg.sh OUTDIR - evidence-layer fixtures, without root:
#   fs.raw        bare ext4 with /marker.txt and 3 MiB of random data
#   gpt.raw       GPT: p1 = fs.raw, p2 = LVM2 label, p3 = XFS magic,
#                 p4 = empty (unknown)
#   split.001...  gpt.raw split in 4 MiB pieces
#   e01.E01...    gpt.raw as EnCase 6, 1 MiB segments
#   gpt.vmdk gpt.vhd gpt.qcow2   qemu-img conversions
#   trunc.raw     gpt.raw cut in the middle of p1
#   truth         KEY=VALUE: partition offsets (sgdisk), md5 (md5sum)
set -eu
out=$1
mkdir -p "$out"
cd "$out"
rm -rf tree fs.raw gpt.raw split.* e01.* gpt.vmdk gpt.vhd gpt.qcow2 \
    trunc.raw truth
mkdir tree
printf 'evidence-ok\n' > tree/marker.txt
head -c 3145728 /dev/urandom > tree/random.bin
mke2fs -q -t ext4 -b 4096 -d tree -F fs.raw 12M

truncate -s 40M gpt.raw
sgdisk -o -n 1:2048:+12M -t 1:8300 -c 1:rootfs -n 2:0:+4M -t 2:8e00 \
    -n 3:0:+4M -n 4:0:+4M gpt.raw >/dev/null
start() { sgdisk -i "$1" gpt.raw | sed -n 's/^First sector: \([0-9]*\).*/\1/p'; }
p1=$(start 1) p2=$(start 2) p3=$(start 3) p4=$(start 4)
dd if=fs.raw of=gpt.raw bs=512 seek="$p1" conv=notrunc status=none
# LVM2 label in the partition's second sector, XFS magic at its start
printf 'LABELONE' | dd of=gpt.raw bs=1 seek=$((p2 * 512 + 512)) \
    conv=notrunc status=none
printf 'LVM2 001' | dd of=gpt.raw bs=1 seek=$((p2 * 512 + 512 + 24)) \
    conv=notrunc status=none
printf 'XFSB' | dd of=gpt.raw bs=1 seek=$((p3 * 512)) conv=notrunc \
    status=none

split -b 4M -a 3 --numeric-suffixes=1 gpt.raw split.
ewfacquire -u -q -t e01 -f encase6 -c deflate:fast -d sha1 -S 1MiB gpt.raw \
    </dev/null >/dev/null 2>&1
qemu-img convert -f raw -O vmdk gpt.raw gpt.vmdk
qemu-img convert -f raw -O vpc gpt.raw gpt.vhd
qemu-img convert -f raw -O qcow2 gpt.raw gpt.qcow2
head -c $((p1 * 512 + 6 * 1024 * 1024)) gpt.raw > trunc.raw

{
    echo "p1=$((p1 * 512))"
    echo "p2=$((p2 * 512))"
    echo "p3=$((p3 * 512))"
    echo "p4=$((p4 * 512))"
    echo "p1_sectors=$p1"
    echo "size=$(stat -c %s gpt.raw)"
    echo "md5=$(md5sum gpt.raw | cut -d' ' -f1)"
    echo "sha1=$(sha1sum gpt.raw | cut -d' ' -f1)"
    echo "e01_segments=$(ls e01.E* | wc -l)"
} > truth
