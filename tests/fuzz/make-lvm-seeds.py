#!/usr/bin/env python3
"""make-lvm-seeds.py - seeds of tests/fuzz/corpus/lvm/ from a disk the real
LVM tools wrote (tests/unit/lvm_mkimg.sh OUTDIR makes OUTDIR/lvm.raw).

Usage: make-lvm-seeds.py LVM.RAW P2_BYTE_OFFSET [OUT]

Seeds: the committed metadata text, the PV's first 2048 bytes (label and
PV header), the first 64 KiB of its metadata area (header and ring
buffer), and a 64 KiB bare PV: the same label and text with the metadata
area shrunk to 48 KiB (PV header and CRCs redone), so that the whole
reader runs on it within the fuzzer's size limit.
"""
import hashlib
import os
import struct
import sys


def crc(b, c=0xf597a6cf):
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ (0xEDB88320 if c & 1 else 0)
    return c


def put(out, data):
    os.makedirs(out, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def main():
    img, p2 = sys.argv[1], int(sys.argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "corpus", "lvm")
    with open(img, "rb") as f:
        f.seek(p2)
        pv = f.read(2 << 20)
    lab = bytearray(pv[512:1024])
    mda = struct.unpack_from("<Q", lab, 32 + 32 + 8 + 32)[0]
    h = pv[mda:mda + 512]
    off, tlen = struct.unpack_from("<QQ", h, 40)
    text = pv[mda + off:mda + off + tlen]
    put(out, text)
    put(out, pv[:2048])
    put(out, pv[mda:mda + 65536])
    # a small bare PV: mda at 4096, 48 KiB, the text right after its header
    size = 48 << 10
    disk = bytearray(64 << 10)
    struct.pack_into("<QQ", lab, 32 + 32 + 8 + 32, 4096, size)
    struct.pack_into("<I", lab, 16, crc(bytes(lab[20:])))
    disk[512:1024] = lab
    nh = bytearray(h)
    struct.pack_into("<QQ", nh, 24, 4096, size)
    struct.pack_into("<QQII", nh, 40, 512, tlen, crc(text), 0)
    struct.pack_into("<I", nh, 0, crc(bytes(nh[4:512])))
    disk[4096:4608] = nh
    disk[4096 + 512:4096 + 512 + tlen] = text
    put(out, bytes(disk))


if __name__ == "__main__":
    main()
