#!/bin/sh
# ev_mkimg.sh OUTDIR - evidence-layer fixtures, without root:
#   fs.raw        bare ext4 with /marker.txt and 3 MiB of random data
#   gpt.raw       GPT: p1 = fs.raw, p2 = LVM2 label, p3 = XFS magic,
#                 p4 = empty (unknown)
#   split.001...  gpt.raw split in 4 MiB pieces
#   e01.E01...    gpt.raw as EnCase 6, 1 MiB segments
#   gpt.vmdk gpt.vhd gpt.qcow2   qemu-img conversions
#   trunc.raw     gpt.raw cut in the middle of p1
#   gap.raw       GPT using entries 2 and 4 only (fs.raw in entry 2)
#   gaptrunc.raw  gap.raw up to its first partition (TSK refuses the GPT)
#   dos.raw       DOS: primaries 1 and 3, extended 2, logical partitions
#                 whose chain order is not their disk order (fs.raw in
#                 the first logical one, an LVM2 label in the second);
#                 only when sfdisk is installed
#   truth         KEY=VALUE: partition offsets (sgdisk), md5 (md5sum),
#                 gap_pN / dos_pN: byte offset of the partition Linux
#                 calls N (sgdisk -p, sfdisk -d)
set -eu
out=$1
mkdir -p "$out"
cd "$out"
rm -rf tree fs.raw gpt.raw split.* e01.* gpt.vmdk gpt.vhd gpt.qcow2 \
    trunc.raw gap.raw gaptrunc.raw dos.raw truth
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

# GPT with unused entries 1 and 3
truncate -s 24M gap.raw
sgdisk -o -n 2:2048:+12M -t 2:8300 -c 2:data -n 4:0:+4M -t 4:8e00 \
    gap.raw >/dev/null
gap2=$(sgdisk -i 2 gap.raw | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
dd if=fs.raw of=gap.raw bs=512 seek="$gap2" conv=notrunc status=none
head -c $((gap2 * 512 - 512)) gap.raw > gaptrunc.raw

# DOS: the chain holds the logical partition at 61440 first, then the
# one at 12288 (sfdisk keeps the order it is given)
if command -v sfdisk >/dev/null 2>&1; then
    truncate -s 48M dos.raw
    printf '%s\n' 'label: dos' 'start=2048, size=8192, type=83' \
        'start=10240, size=81920, type=5' 'start=92160, size=4096, type=83' \
        'start=61440, size=24576, type=83' 'start=12288, size=8192, type=8e' |
        sfdisk -q dos.raw >/dev/null
    dd if=fs.raw of=dos.raw bs=512 seek=61440 conv=notrunc status=none
    printf 'LABELONE' | dd of=dos.raw bs=1 seek=$((12288 * 512 + 512)) \
        conv=notrunc status=none
fi

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
    sgdisk -p gap.raw | awk '$1 ~ /^[0-9]+$/ { print "gap_p" $1 "=" $2 * 512 }'
    if [ -f dos.raw ]; then
        sfdisk -d dos.raw | sed -n \
            's/^dos\.raw\([0-9]*\) : start= *\([0-9]*\),.*type=\([0-9a-f]*\).*/\1 \2 \3/p' |
            awk '$3 != "5" { print "dos_p" $1 "=" $2 * 512 }'
    fi
} > truth
