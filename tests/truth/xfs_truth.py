#!/usr/bin/env python3
"""The XFS reader against the kernel: images built at test time by
xfs_mkimg.py (mkfs.xfs with Debian's defaults inside a GPT partition,
filled so that every directory, file, symlink and xattr form shows up) are
walked by dof (tests/truth/dof-fs-walk, the dof_fs API) and by the kernel's
read-only mount (`ro,norecovery` through a loop device): names, types,
modes, owners, sizes, nlink, inode numbers, ns times, device numbers,
symlink targets, xattrs (trusted and security too) and sha256 of contents
must be equal.  crtime, which the kernel does not show, comes from
`xfs_db -r`.  The on-disk forms the image is meant to hold are checked
with xfs_db too, so the test cannot pass on an image that lacks them.  A
log left dirty (xfs_io shutdown) must give needs_recovery and a warning.
Needs root, loop devices and the kernel's XFS; skips otherwise."""
import hashlib
import os
import re
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from tap import Tap  # noqa: E402

t = Tap()
if os.geteuid() != 0:
    t.skip_all("needs root for loop devices and the kernel's XFS mount")
for tool in ("mkfs.xfs", "xfs_db", "xfs_io", "sgdisk", "losetup"):
    if subprocess.run(["sh", "-c", "command -v " + tool],
                      stdout=subprocess.DEVNULL).returncode:
        t.skip_all("%s missing (tools/setup.sh installs xfsprogs)" % tool)
if subprocess.run(["grep", "-qw", "xfs", "/proc/filesystems"]).returncode:
    subprocess.run(["modprobe", "xfs"], stderr=subprocess.DEVNULL)
    if subprocess.run(["grep", "-qw", "xfs", "/proc/filesystems"]).returncode:
        t.skip_all("the kernel has no XFS")

BUILD = os.environ.get("DOF_BUILDDIR", os.path.join(HERE, "..", "..", "build"))
WALK = os.path.join(BUILD, "tests", "truth", "dof-fs-walk")
MKIMG = os.path.join(HERE, "xfs_mkimg.py")
S_IFMT_NAMES = {stat.S_IFREG: "file", stat.S_IFDIR: "dir",
                stat.S_IFLNK: "symlink", stat.S_IFCHR: "char",
                stat.S_IFBLK: "block", stat.S_IFIFO: "fifo",
                stat.S_IFSOCK: "socket"}


def run(*cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE).stdout.decode()


def kernel_walk(top):
    """The same lines as dof-fs-walk, from the kernel's view."""
    lines = []

    def one(p, rel):
        st = os.lstat(p)
        m = st.st_mode
        kind = S_IFMT_NAMES.get(stat.S_IFMT(m), "unknown")
        if kind == "file":
            with open(p, "rb") as f:
                extra = hashlib.sha256(f.read()).hexdigest()
        elif kind == "symlink":
            extra = os.fsencode(os.readlink(p)).hex() or "-"
        else:
            extra = "-"
        xs = []
        for n in os.listxattr(p, follow_symlinks=False):
            v = os.getxattr(p, n, follow_symlinks=False)
            xs.append("%s=%s" % (n, v.hex()))
        xs.sort()
        dev = st.st_rdev if kind in ("char", "block") else 0
        lines.append("\t".join(str(x) for x in (
            "P", rel.hex(), kind, "%o" % stat.S_IMODE(m), st.st_uid,
            st.st_gid, st.st_size, st.st_nlink, st.st_atime_ns,
            st.st_mtime_ns, st.st_ctime_ns, os.major(dev), os.minor(dev),
            st.st_ino, extra, ",".join(xs) or "-")))

    one(top, b"/")
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            one(p, b"/" + os.fsencode(os.path.relpath(p, top)))
    return sorted(lines)


def dof_walk(img):
    r = subprocess.run([WALK, img], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    out = r.stdout.decode("utf-8", "replace").splitlines()
    return r.returncode, out, r.stderr.decode("utf-8", "replace")


def xfs_db(dev, *cmds):
    args = ["xfs_db", "-r"]
    for c in cmds:
        args += ["-c", c]
    return run(*(args + [dev]))


def fork_format(dev, ino, field="core.format"):
    """"local", "extents" or "btree" as xfs_db prints it."""
    out = xfs_db(dev, "inode %d" % ino, "print " + field)
    m = re.search(r"\((\w+)\)", out)
    return m.group(1) if m else out


def check_image(kind, tmp):
    img = os.path.join(tmp, kind + ".img")
    off, size = (int(x) for x in run(sys.executable, MKIMG, img,
                                     kind).split())
    loop = run("losetup", "-f", "--show", "-r", "-o", str(off),
               "--sizelimit", str(size), img).strip()
    mnt = tempfile.mkdtemp(prefix="xfsro", dir=tmp)
    try:
        run("mount", "-t", "xfs", "-o", "ro,norecovery,nouuid", loop, mnt)
        try:
            want = kernel_walk(mnt)
            inos = {os.path.relpath(os.path.join(d, n), mnt):
                    os.lstat(os.path.join(d, n)).st_ino
                    for d, ds, fs in os.walk(mnt) for n in ds + fs}
        finally:
            run("umount", mnt)
        rc, got_all, err = dof_walk(img)
        t.eq(rc, 0, "%s: dof-fs-walk runs" % kind)
        head = [ln for ln in got_all if ln.startswith("R\t")]
        t.eq(head, ["R\t%d\txfs" % (kind == "dirty")],
             "%s: xfs opened, needs_recovery as the log says" % kind)
        got = sorted(ln for ln in got_all if ln.startswith("P\t"))
        errs = [ln for ln in got_all if ln.startswith("E\t")]
        t.eq(errs, [], "%s: every node stats and resolves" % kind)
        t.ok(len(got) == len(want) and len(want) > 9000,
             "%s: %d nodes walked, the kernel sees %d" % (kind, len(got),
                                                          len(want)))
        gs, ws = set(got), set(want)
        t.ok(got == want, "%s: full walk equals the kernel's (names, types, "
             "modes, owners, sizes, nlink, inodes, ns times, rdev, targets, "
             "sha256, xattrs)" % kind,
             "dof only:\n%s\nkernel only:\n%s" % (
                 "\n".join(sorted(gs - ws)[:8]), "\n".join(sorted(ws - gs)[:8])))
        t.eq([w for w in err.splitlines() if w.startswith("W")
              and kind != "dirty"], [], "%s: no warnings" % kind)
        # crtime against xfs_db, on a sample
        crt = {}
        for ln in got_all:
            if ln.startswith("C\t"):
                _, i, ns = ln.split("\t")
                crt[int(i)] = int(ns)
        bad = []
        for rel in ("big", "bmbt", "small/f1", "nodedir", "longlink",
                    "whiteout", "xa_node", "future"):
            o = xfs_db(loop, "inode %d" % inos[rel], "print v3.crtime")
            m = re.search(r"v3\.crtime\.sec = (.*)\n.*v3\.crtime\.nsec = (\d+)",
                          o, re.S)
            if not m:
                bad.append((rel, o))
                continue
            sec = int(run("date", "-u", "-d", m.group(1).strip(),
                          "+%s").strip())
            if crt.get(inos[rel]) != sec * 10**9 + int(m.group(2)):
                bad.append((rel, crt.get(inos[rel]), sec, m.group(2)))
        t.eq(bad, [], "%s: crtime equals xfs_db's v3.crtime" % kind)
        if kind == "v5":
            forms = {
                "small": ("core.format", "local"),
                "blockdir": ("core.format", "extents"),
                "leafdir": ("core.format", "extents"),
                "btreedir": ("core.format", "btree"),
                "bmbt": ("core.format", "btree"),
                "big": ("core.format", "extents"),
                "longlink": ("core.format", "extents"),
                "link": ("core.format", "local"),
                "xa_sf": ("core.aformat", "local"),
                "xa_leaf": ("core.aformat", "extents"),
                "xa_node": ("core.aformat", "extents"),
            }
            gotf = {k: fork_format(loop, inos[k], f)
                    for k, (f, _) in forms.items()}
            t.eq(gotf, {k: v[1] for k, v in forms.items()},
                 "v5: the image holds every fork format (xfs_db)")
            # the block at the 32 GiB leaf offset: leaf form (XFS_DIR3_
            # LEAF1 0x3df1), node form (da node 0x3ebe); attr block 0:
            # leaf (0x3bee) or node (0x3ebe)
            magics = {
                "leafdir": xfs_db(loop, "inode %d" % inos["leafdir"],
                                  "dblock 8388608",
                                  "print lhdr.info.hdr.magic"),
                "nodedir": xfs_db(loop, "inode %d" % inos["nodedir"],
                                  "dblock 8388608",
                                  "print nhdr.info.hdr.magic"),
                "xa_leaf": xfs_db(loop, "inode %d" % inos["xa_leaf"],
                                  "ablock 0", "print hdr.info.hdr.magic"),
                "xa_node": xfs_db(loop, "inode %d" % inos["xa_node"],
                                  "ablock 0", "print hdr.info.hdr.magic"),
            }
            magics = {k: v.split("=")[-1].strip() for k, v in magics.items()}
            t.eq(magics, {"leafdir": "0x3df1", "nodedir": "0x3ebe",
                          "xa_leaf": "0x3bee", "xa_node": "0x3ebe"},
                 "v5: leaf and node forms of directories and xattrs "
                 "(xfs_db)")
            hole = xfs_db(loop, "inode %d" % inos["holes"], "bmap")
            t.ok(" flag 1" in hole, "v5: holes has unwritten extents", hole)
        if kind == "dirty":
            st = subprocess.run([os.path.join(BUILD, "dof"), "status", img],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
            txt = (st.stdout + st.stderr).decode("utf-8", "replace")
            t.ok("xfs" in txt, "dirty: dof status lists the xfs volume", txt)
    finally:
        subprocess.run(["umount", mnt], stderr=subprocess.DEVNULL)
        subprocess.run(["losetup", "-d", loop])
        os.rmdir(mnt)
        os.unlink(img)


def check_v4(tmp):
    """A v4 filesystem (256-byte v2 inodes, no CRC headers, no ftype):
    this kernel does not mount v4, so mkfs.xfs builds it from a prototype
    file and xfs_db sets its xattrs; the truth is what they were told."""
    img = os.path.join(tmp, "v4.img")
    src = os.path.join(tmp, "src")
    os.makedirs(src)
    want = {"/": ("dir", "755", 0, 0, "-", "-")}
    proto = ["/dev/null", "0 0", "d--755 0 0"]

    def reg(path, name, data, mode="644", uid=0, gid=0, suid=""):
        sp = os.path.join(src, "%d" % len(want))
        with open(sp, "wb") as f:
            f.write(data)
        proto.append("%s -%s-%s %d %d %s" % (name, "u" if suid else "-",
                                             mode, uid, gid, sp))
        want[path] = ("file", ("4" if suid else "") + mode, uid, gid,
                      hashlib.sha256(data).hexdigest(), "-")

    def mkdir(path, name, entries):
        proto.append("%s d--755 0 0" % name)
        want[path] = ("dir", "755", 0, 0, "-", "-")
        for e in entries:
            e()
        proto.append("$")

    mkdir("/small", "small", [lambda i=i: reg("/small/f%d" % i, "f%d" % i,
                                               b"x" * i) for i in range(3)])
    for d, n, nl in (("blockdir", 20, 10), ("leafdir", 300, 20),
                     ("nodedir", 2000, 60)):
        mkdir("/" + d, d, [lambda i=i, d=d, nl=nl: reg(
            "/%s/%s%06d" % (d, "n" * nl, i), "%s%06d" % ("n" * nl, i),
            b"%d" % i) for i in range(n)])
    reg("/big", "big", os.urandom(3 << 20))
    reg("/suid", "suid", b"#!/bin/sh\n", "755", 1000, 1000, suid="u")
    reg("/empty", "empty", b"")
    for name, target in (("link", "small/f1"),
                         ("longlink", "/" + "long/" * 150 + "end")):
        proto.append("%s l--777 0 0 %s" % (name, target))
        want["/" + name] = ("symlink", "777", 0, 0,
                            target.encode().hex(), "-")
    for name, kind, ma, mi in (("whiteout", "c", 0, 0), ("null", "c", 1, 3),
                               ("sda1", "b", 8, 1)):
        proto.append("%s %s--600 0 0 %d %d" % (name, kind, ma, mi))
        want["/" + name] = ("char" if kind == "c" else "block", "600", 0, 0,
                            "-", "%d:%d" % (ma, mi))
    proto.append("fifo p--644 0 0")
    want["/fifo"] = ("fifo", "644", 0, 0, "-", "-")
    for name in ("xa_sf", "xa_leaf", "xa_node", "xa_remote"):
        reg("/" + name, name, b"")
    proto += ["$", "$"]
    with open(os.path.join(tmp, "proto"), "w") as f:
        f.write("\n".join(proto) + "\n")
    # xattrs, set by xfs_db (values are 'v' * length)
    attrs = {"xa_sf": [("-u", "user.", "color", 4), ("-r", "trusted.", "t", 2),
                       ("-s", "security.", "s", 3)],
             "xa_leaf": [("-u", "user.", "k%02d" % i, 90) for i in range(20)],
             "xa_node": [(("-u", "-r", "-s")[i % 3],
                          ("user.", "trusted.", "security.")[i % 3],
                          "attr%04d" % i, 60) for i in range(600)],
             "xa_remote": [("-u", "user.", "big", 20000),
                           ("-u", "user.", "small", 1)]}
    off, size = make_disk_v4(img)
    loop = run("losetup", "-f", "--show", "-o", str(off), "--sizelimit",
               str(size), img).strip()
    try:
        run("mkfs.xfs", "-q", "-f", "-m", "crc=0", "-n", "ftype=0", "-p",
            os.path.join(tmp, "proto"), loop)
        for name, lst in attrs.items():
            cmds = ["path /" + name] + ["attr_set %s -v %d %s" % (f, ln, n)
                                        for f, _, n, ln in lst]
            args = ["xfs_db", "-x"]
            for c in cmds:
                args += ["-c", c]
            run(*(args + [loop]))
            xs = sorted("%s%s=%s" % (p, n, (b"v" * ln).hex())
                        for _, p, n, ln in lst)
            w = want["/" + name]
            want["/" + name] = w[:5] + (",".join(xs),)
        aform = fork_format(loop, int(xfs_db(loop, "path /xa_node", "inode")
                                      .split()[-1]), "core.aformat")
        vnum = xfs_db(loop, "sb 0", "print versionnum")
    finally:
        run("losetup", "-d", loop)
    t.ok("0x" in vnum and vnum.strip().split()[-1][-1] == "4",
         "v4: the superblock is version 4 (xfs_db)", vnum)
    t.eq(aform, "extents", "v4: xa_node's attributes are in blocks")
    rc, lines, err = dof_walk(img)
    t.eq(rc, 0, "v4: dof-fs-walk runs")
    got = {}
    for ln in lines:
        f = ln.split("\t")
        if f[0] != "P":
            continue
        extra = f[14] if f[2] in ("file", "symlink") else (
            "%s:%s" % (f[11], f[12]) if f[2] in ("char", "block") else "-")
        got[bytes.fromhex(f[1]).decode()] = (
            f[2], f[3], int(f[4]), int(f[5]),
            extra if f[2] in ("file", "symlink") else "-",
            extra if f[2] in ("char", "block") else f[15])
    for k, v in want.items():
        if v[0] in ("char", "block"):
            want[k] = v[:4] + ("-", v[5])
    diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    t.ok(len(want) > 2000 and not diff,
         "v4: %d nodes equal what mkfs and xfs_db were told (names, types, "
         "modes, owners, sha256, targets, rdev, xattrs)" % len(want),
         "\n".join("%s: dof %r want %r" % (k, got.get(k), want.get(k))
                   for k in diff[:8]))
    t.eq([w for w in err.splitlines() if w.startswith("W")], [],
         "v4: no warnings")
    os.unlink(img)


def make_disk_v4(path):
    sys.path.insert(0, HERE)
    import xfs_mkimg
    return xfs_mkimg.make_disk(path, 320)


with tempfile.TemporaryDirectory(prefix="xfstruth") as tmp:
    for k in ("v5", "dirty"):
        check_image(k, tmp)
    check_v4(tmp)
t.done()
