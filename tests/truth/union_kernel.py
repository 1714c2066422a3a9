#!/usr/bin/env python3
"""The union view against the kernel's overlayfs, on every container of every
real-engine image: the kernel mounts the same layers (a copy of the image,
read-only loop device, `ro,noload`, the layers as lowerdirs only so nothing is
written), in the order the engine wrote in the container's overlay2 `lower`
file (legacy overlay: upper over the lower-id's root/); dof exports its merged
view of the same container from the image file.  Names, types, modes, owners,
sizes, symlink targets, device numbers and sha256 of contents must be equal.
Needs root (loop devices, mounts); skips with a message otherwise."""
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
if os.geteuid() != 0:
    t.skip_all("needs root for loop devices and the kernel overlay mount")
if not corpus.variants():
    t.skip_all("no real-engine images")
if subprocess.run(["grep", "-qw", "overlay", "/proc/filesystems"]).returncode:
    t.skip_all("the kernel has no overlayfs")


def walk(top):
    """{relative path: (type, mode, uid, gid, size, target, sha256, rdev)}"""
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, top).encode("utf-8", "surrogateescape")
            m = st.st_mode
            kind = stat.S_IFMT(m)
            target = digest = rdev = None
            size = None
            if stat.S_ISLNK(m):
                target = os.readlink(p).encode("utf-8", "surrogateescape")
            elif stat.S_ISREG(m):
                size = st.st_size
                h = hashlib.sha256()
                with open(p, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                digest = h.hexdigest()
            elif stat.S_ISCHR(m) or stat.S_ISBLK(m):
                rdev = (os.major(st.st_rdev), os.minor(st.st_rdev))
            out[rel] = (kind, stat.S_IMODE(m), st.st_uid, st.st_gid, size,
                        target, digest, rdev)
    return out


def sh(*a):
    return subprocess.run(a, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE).stdout.decode().strip()


work = tempfile.mkdtemp(prefix="dof-kernel.")
mounts, loops = [], []
try:
    for v in corpus.variants():
        meta = corpus.truth(v, "meta.json")
        raw = corpus.raw(v)
        copy = os.path.join(work, v + ".raw")
        shutil.copyfile(raw, copy)  # the kernel never sees the test's image
        dr = meta["data_root"]
        parts = meta["partitions"]
        best = max((p for p in parts if dr == p["mountpoint"] or
                    dr.startswith(p["mountpoint"].rstrip("/") + "/")),
                   key=lambda p: len(p["mountpoint"]))
        mnt = os.path.join(work, v + ".mnt")
        os.mkdir(mnt)
        loop = sh("losetup", "-r", "-f", "--show", "-o",
                  str(best["offset_bytes"]), "--sizelimit",
                  str(best["size_bytes"]), copy)
        loops.append(loop)
        subprocess.run(["mount", "-o", "ro,noload", loop, mnt], check=True)
        mounts.append(mnt)
        root = mnt + "/" + dr[len(best["mountpoint"].rstrip("/")):].lstrip("/")
        drv = meta["storage_driver"]
        rc, doc, err = corpus.dof("list-containers", "--json", raw,
                                  check_json=True)
        for c in doc["containers"]:
            name, mid = c["name"], c.get("mount_id")
            if not mid:
                continue
            if drv == "overlay2":
                base = os.path.join(root, "overlay2")
                with open(os.path.join(base, mid, "lower")) as f:
                    lower = [os.path.join(base, x) for x in f.read().strip().split(":")]
                layers = [os.path.join(base, mid, "diff")] + lower
            else:  # legacy overlay: upper over one full root/ tree
                base = os.path.join(root, "overlay")
                with open(os.path.join(base, mid, "lower-id")) as f:
                    lid = f.read().strip()
                layers = [os.path.join(base, mid, "upper"),
                          os.path.join(base, lid, "root")]
            kmnt = os.path.join(work, "%s.%s.kernel" % (v, name))
            os.mkdir(kmnt)
            subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                            "ro,lowerdir=" + ":".join(layers), kmnt], check=True)
            mounts.append(kmnt)
            out = os.path.join(work, "%s.%s.dof" % (v, name))
            rc, _, err = corpus.dof("export-container", "-q", "--container",
                                    c["id"], "--output", out, raw)
            if not t.ok(rc in (0, 1), "%s %s: export exit %d" % (v, name, rc), err):
                continue
            want, got = walk(kmnt), walk(out)
            missing = sorted(set(want) - set(got))
            extra = sorted(set(got) - set(want))
            differ = sorted(p for p in set(want) & set(got) if want[p] != got[p])
            t.ok(not missing and not extra and not differ,
                 "%s %s: dof's merged view == kernel overlayfs (%d entries)"
                 % (v, name, len(want)),
                 "missing: %r\nextra: %r\ndiffer: %r" % (
                     missing[:10], extra[:10],
                     [(p, want[p], got[p]) for p in differ[:5]]))
            subprocess.run(["umount", kmnt], check=True)
            mounts.remove(kmnt)
            shutil.rmtree(out, ignore_errors=True)
finally:
    for m in reversed(mounts):
        subprocess.run(["umount", "-l", m])
    for lp in loops:
        subprocess.run(["losetup", "-d", lp])
    shutil.rmtree(work, ignore_errors=True)
t.done()
