#!/usr/bin/env python3
"""xfs-seeds.py - seeds of tests/fuzz/corpus/xfs/ from real XFS images.

Usage: xfs-seeds.py [OUT]   (root: loop devices; default OUT is
tests/fuzz/corpus next to this script)

Builds a v5 image with tests/truth/xfs_mkimg.py and a small v4 one with
mkfs.xfs -p, and cuts out what the kernel and mkfs wrote: superblocks,
inodes of every fork format, directory blocks (block, data, leaf, node),
attr leaf and node blocks, bmap btree blocks.  xfs_db finds them
(`convert ... byte`), so the seeds do not depend on dof's own reader.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "truth"))
import xfs_mkimg  # noqa: E402

MAX = 64 * 1024


def put(out, data):
    d = os.path.join(out, "xfs")
    os.makedirs(d, exist_ok=True)
    data = data[:MAX]
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def db(dev, *cmds):
    args = ["xfs_db", "-r"]
    for c in cmds:
        args += ["-c", c]
    return subprocess.run(args + [dev], capture_output=True,
                          check=False).stdout.decode()


def byte_of(dev, what):
    m = re.search(r"0x[0-9a-f]+ \((\d+)\)", db(dev, "convert " + what +
                                                " byte"))
    return int(m.group(1)) if m else None


def cut(devf, off, n):
    devf.seek(off)
    return devf.read(n)


def from_dev(dev, paths, out):
    isize = int(re.search(r"= (\d+)", db(dev, "sb 0", "print inodesize"))
                .group(1))
    bs = int(re.search(r"= (\d+)", db(dev, "sb 0", "print blocksize"))
             .group(1))
    with open(dev, "rb") as f:
        put(out, cut(f, 0, 512))
        for p in paths:
            m = re.search(r"current inode number is (\d+)",
                          db(dev, "path " + p, "inode"))
            if not m:
                continue
            ino = int(m.group(1))
            off = byte_of(dev, "inode %d" % ino)
            if off is not None:
                put(out, cut(f, off, isize))
            for flag in ("", " -a"):
                bm = db(dev, "inode %d" % ino, "bmap" + flag)
                for ln in bm.splitlines()[:6]:
                    m = re.search(r"startblock (\d+) .*count (\d+)", ln)
                    if not m:
                        continue
                    boff = byte_of(dev, "fsblock " + m.group(1))
                    if boff is not None:
                        put(out, cut(f, boff, bs))
            pr = db(dev, "inode %d" % ino, "print")
            m = re.search(r"u3?\.bmbt\.ptrs\[1[^\]]*\] = \[?(\d+)", pr) or \
                re.search(r"u3?\.bmbt\.ptrs\[1\] = (\d+)", pr)
            if m:
                boff = byte_of(dev, "fsblock " + m.group(1))
                if boff is not None:
                    put(out, cut(f, boff, bs))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "v5.img")
        subprocess.run([sys.executable, xfs_mkimg.__file__, img, "v5"],
                       check=True, capture_output=True)
        off, size = 2048 * 512, os.path.getsize(img) - 2048 * 512 - 33 * 512
        loop = subprocess.run(["losetup", "-f", "--show", "-r", "-o",
                               str(off), "--sizelimit", str(size), img],
                              capture_output=True, check=True
                              ).stdout.decode().strip()
        try:
            from_dev(loop, ["/", "/small", "/blockdir", "/leafdir",
                            "/nodedir", "/btreedir", "/bmbt", "/holes",
                            "/longlink", "/link", "/whiteout", "/xa_sf",
                            "/xa_leaf", "/xa_node", "/xa_remote", "/future",
                            "/opaque"], out)
        finally:
            subprocess.run(["losetup", "-d", loop])
        # v4: mkfs.xfs from a prototype (the kernel does not mount v4)
        v4 = os.path.join(tmp, "v4.img")
        with open(v4, "wb") as f:
            f.truncate(320 << 20)
        src = os.path.join(tmp, "s")
        with open(src, "wb") as f:
            f.write(b"hello\n")
        proto = ["/dev/null", "0 0", "d--755 0 0", "sf d--755 0 0",
                 "a ---644 0 0 " + src, "$", "blk d--755 0 0"]
        proto += ["file%04d ---644 0 0 %s" % (i, src) for i in range(40)]
        proto += ["$", "l l--777 0 0 " + "x" * 300, "c c--600 0 0 0 0",
                  "$", "$"]
        pf = os.path.join(tmp, "proto")
        with open(pf, "w") as f:
            f.write("\n".join(proto) + "\n")
        subprocess.run(["mkfs.xfs", "-q", "-f", "-m", "crc=0", "-n",
                        "ftype=0", "-p", pf, v4], check=True)
        subprocess.run(["xfs_db", "-x", "-c", "path /sf", "-c",
                        "attr_set -u small -v 3", v4], check=True,
                       capture_output=True)
        cmds = ["xfs_db", "-x", "-c", "path /blk"]
        for i in range(30):
            cmds += ["-c", "attr_set -r k%02d -v 90" % i]
        subprocess.run(cmds + [v4], check=True, capture_output=True)
        from_dev(v4, ["/", "/sf", "/blk", "/l", "/c"], out)


if __name__ == "__main__":
    main()
