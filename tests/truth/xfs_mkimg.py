#!/usr/bin/env python3
"""Build XFS test images with the real tools (root, loop devices):

    xfs_mkimg.py OUT.img v5|v4|dirty [NFILES]

A GPT disk with one partition (1 MiB in) holding mkfs.xfs with Debian's
defaults (v5: CRC, bigtime, sparse inodes, ftype=1; v4: -m crc=0), filled
through the kernel so that every on-disk form shows up: shortform, block,
leaf, node and B+tree directories; extent-list and bmbt files, holes,
unwritten extents; local and remote symlinks; device nodes (char 0/0 too),
fifo, socket; xattrs user/trusted/security in shortform, leaf and node form
and a remote value; an opaque directory; odd owners, modes and ns times
(past 2038 with bigtime).  "dirty": the log is left unrecovered
(xfs_io shutdown before unmount).  NFILES (bench): a tree of that many
small files instead."""
import os
import socket
import subprocess
import sys
import tempfile

PART_START = 2048  # sectors


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, **kw).stdout.decode()


def make_disk(path, size_mb):
    with open(path, "wb") as f:
        f.truncate(size_mb << 20)
    sh("sgdisk", "-o", "-n", "1:%d:0" % PART_START, "-t", "1:8300", path)
    end = int(sh("sgdisk", "-i", "1", path).split("Last sector: ")[1]
              .split()[0])
    return PART_START * 512, (end - PART_START + 1) * 512


def populate(m, v5):
    def w(p, data=b"", mode=None):
        with open(os.path.join(m, p), "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(os.path.join(m, p), mode)

    os.makedirs(os.path.join(m, "small"))
    for i in range(3):
        w("small/f%d" % i, b"x" * i)
    # block (one dir block), leaf, node forms
    for d, n, nl in (("blockdir", 20, 10), ("leafdir", 300, 20),
                     ("nodedir", 3000, 60)):
        os.makedirs(os.path.join(m, d))
        for i in range(n):
            w("%s/%s%06d" % (d, "n" * nl, i), b"%d" % i)
    # B+tree directory: grows interleaved with file data so its blocks
    # are not contiguous
    os.makedirs(os.path.join(m, "btreedir"))
    os.makedirs(os.path.join(m, "filler"))
    for i in range(6000):
        w("btreedir/%s%06d" % ("b" * 200, i))
        if i % 20 == 0:
            w("filler/%d" % i, os.urandom(8192))
    # files: extent list with holes, bmbt form, unwritten extents
    with open(os.path.join(m, "holes"), "wb") as f:
        for i in range(8):
            f.seek(i * 65536)
            f.write(os.urandom(5000))
    with open(os.path.join(m, "bmbt"), "wb") as f:
        for i in range(400):
            f.seek(i * 8192)
            f.write(os.urandom(4096))
    w("prealloc", b"")
    sh("xfs_io", "-c", "falloc 0 1m", "-c", "pwrite -S 0x61 4096 8192",
       os.path.join(m, "prealloc"))
    w("big", os.urandom(3 << 20))
    w("empty")
    # symlinks: local and remote (longer than the data fork)
    os.symlink("small/f1", os.path.join(m, "link"))
    os.symlink("/" + "long/" * 150 + "end", os.path.join(m, "longlink"))
    # devices, fifo, socket
    os.mknod(os.path.join(m, "whiteout"), 0o20000 | 0o600, os.makedev(0, 0))
    os.mknod(os.path.join(m, "null"), 0o20000 | 0o666, os.makedev(1, 3))
    os.mknod(os.path.join(m, "sda1"), 0o60000 | 0o660, os.makedev(8, 1))
    os.mknod(os.path.join(m, "bigdev"), 0o20000 | 0o600,
             os.makedev(300, 70000))
    os.mkfifo(os.path.join(m, "fifo"))
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.path.join(m, "sock"))
    s.close()
    # xattrs
    w("xa_sf", b"sf")
    os.setxattr(os.path.join(m, "xa_sf"), "user.color", b"blue")
    os.setxattr(os.path.join(m, "xa_sf"), "trusted.t", b"\x00\x01")
    os.setxattr(os.path.join(m, "xa_sf"), "security.s", b"sec")
    w("xa_leaf")
    for i in range(20):
        os.setxattr(os.path.join(m, "xa_leaf"), "user.k%02d" % i, b"v" * 90)
    os.setxattr(os.path.join(m, "xa_leaf"), "trusted.k", b"t" * 200)
    w("xa_node")
    for i in range(600):
        ns = ("user.", "trusted.", "security.")[i % 3]
        os.setxattr(os.path.join(m, "xa_node"), "%sattr%04d" % (ns, i),
                    os.urandom(60))
    w("xa_remote")
    os.setxattr(os.path.join(m, "xa_remote"), "user.big",
                os.urandom(20000))
    os.setxattr(os.path.join(m, "xa_remote"), "user.small", b"s")
    # POSIX ACLs (XFS keeps them as trusted.SGI_ACL_FILE/_DEFAULT)
    import struct

    def acl(entries):
        return struct.pack("<I", 2) + b"".join(
            struct.pack("<HHI", t, p, i) for t, p, i in entries)
    u = 0xffffffff
    w("acl_file", b"acl")
    os.setxattr(os.path.join(m, "acl_file"), "system.posix_acl_access",
                acl([(1, 6, u), (2, 4, 1000), (4, 4, u), (0x10, 6, u),
                     (0x20, 4, u)]))
    os.makedirs(os.path.join(m, "acl_dir"))
    os.setxattr(os.path.join(m, "acl_dir"), "system.posix_acl_default",
                acl([(1, 7, u), (4, 5, u), (8, 5, 2000), (0x10, 5, u),
                     (0x20, 5, u)]))
    os.makedirs(os.path.join(m, "opaque/inside"))
    os.setxattr(os.path.join(m, "opaque"), "trusted.overlay.opaque", b"y")
    # owners, modes, links, times
    w("suid", b"#!/bin/sh\n", 0o4755)
    os.chown(os.path.join(m, "suid"), 1000, 1000)
    os.makedirs(os.path.join(m, "sticky"))
    os.chmod(os.path.join(m, "sticky"), 0o1777)
    w("nobody", b"n")
    os.chown(os.path.join(m, "nobody"), 65534, 100000)
    os.link(os.path.join(m, "small/f2"), os.path.join(m, "hardlink"))
    w("future", b"f")
    os.utime(os.path.join(m, "future"),
             ns=(1234567890123456789, 4102444800987654321 if v5 else
                 2147483000111111111))
    w("past", b"p")
    os.utime(os.path.join(m, "past"), ns=(-1000000001, 86400000000001))
    os.utime(os.path.join(m, "link"), ns=(1600000000000000001,
                                          1600000000000000002),
             follow_symlinks=False)


def populate_many(m, n):
    per = 1000
    for d in range((n + per - 1) // per):
        dp = os.path.join(m, "d%04d" % d)
        os.makedirs(dp)
        for i in range(min(per, n - d * per)):
            with open(os.path.join(dp, "file%05d" % i), "wb") as f:
                f.write(b"%d" % i)


def main():
    out, kind = sys.argv[1], sys.argv[2]
    nfiles = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    off, size = make_disk(out, 2048 if nfiles else 320)
    loop = sh("losetup", "-f", "--show", "-o", str(off), "--sizelimit",
              str(size), out).strip()
    mnt = tempfile.mkdtemp(prefix="xfsmk")
    try:
        opts = ["-q", "-n", "ftype=1"] if kind != "v4" else ["-q", "-m",
                                                               "crc=0"]
        sh("mkfs.xfs", *opts, loop)
        sh("mount", loop, mnt)
        try:
            if nfiles:
                populate_many(mnt, nfiles)
            else:
                populate(mnt, kind != "v4")
            sh("sync")
            if kind == "dirty":
                # a clean unmount puts everything in place; then one more
                # mount whose changes reach only the log
                sh("umount", mnt)
                sh("mount", loop, mnt)
                with open(os.path.join(mnt, "late"), "wb") as f:
                    f.write(b"late")
                sh("sync")
                sh("xfs_io", "-x", "-c", "shutdown", mnt)
        finally:
            sh("umount", mnt)
    finally:
        os.rmdir(mnt)
        sh("losetup", "-d", loop)
    print(off, size)


if __name__ == "__main__":
    main()
