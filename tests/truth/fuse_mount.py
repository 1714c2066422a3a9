#!/usr/bin/env python3
"""fuse_mount.py - mount-image and mount-container over FUSE.

Mounts synth `good` (every volume, then container web), reads files and
compares their sha256 with `icat` of the same inode (found with
`ifind -n`) and with the expect file's merged view, lists directories,
checks that writes fail with EROFS, and unmounts with `fusermount3 -u`.
Skipped only where /dev/fuse or fusermount3 is absent.
"""
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import Tap  # noqa: E402

SRC = os.environ.get("DOF_SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
BUILD = os.environ.get("DOF_BUILDDIR") or "."
CLI = os.environ.get("DOF") or os.path.join(BUILD, "dof")


T = Tap()
ok = T.ok


def sha_file(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def icat_sha(img, path):
    r = subprocess.run(["ifind", "-n", path, img], capture_output=True, text=True)
    ino = r.stdout.strip()
    if r.returncode != 0 or not ino.isdigit():
        return None, None
    d = subprocess.run(["icat", img, ino], capture_output=True).stdout
    return int(ino), hashlib.sha256(d).hexdigest()


def is_mounted(mp):
    with open("/proc/self/mounts") as f:
        return any(l.split()[1] == mp for l in f)


def mount(args, mp):
    p = subprocess.Popen([CLI] + args + ["-f", "-q"] + [mp], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    for _ in range(100):
        if is_mounted(mp) or p.poll() is not None:
            break
        time.sleep(0.1)
    return p


def unmount(p, mp, label):
    r = subprocess.run(["fusermount3", "-u", mp], capture_output=True)
    ok(r.returncode == 0, "%s: fusermount3 -u" % label, r.stderr)
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = -1
    ok(rc == 0 and not is_mounted(mp), "%s: server exits 0 after unmount (%d)" % (label, rc),
       p.stderr.read().decode(errors="replace") if p.stderr else "")


def synth(tmp):
    d = os.environ.get("DOF_SYNTH_DIR")
    if d and os.path.exists(os.path.join(d, "good.raw")):
        return d
    out = os.path.join(tmp, "synth")
    r = subprocess.run(["sh", os.path.join(SRC, "images/synth/make-synth.sh"), out, "good"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        print("1..0 # SKIP make-synth.sh failed")
        sys.exit(0)
    return out


def main():
    if not os.path.exists("/dev/fuse"):
        print("1..0 # SKIP /dev/fuse is absent: FUSE mounts cannot be tested here")
        return 0
    if not shutil.which("fusermount3"):
        print("1..0 # SKIP fusermount3 is not installed")
        return 0
    if not os.path.exists(CLI):
        print("1..0 # SKIP %s not built" % CLI)
        return 0
    r = subprocess.run([CLI, "mount-image", "--help"], capture_output=True, text=True)
    if "without FUSE" in r.stderr:
        print("1..0 # SKIP dof built without libfuse3")
        return 0
    tmp = tempfile.mkdtemp(prefix="dof-fuse-")
    procs = []
    try:
        sd = synth(tmp)
        img = os.path.join(sd, "good.raw")
        exp = json.load(open(os.path.join(sd, "good.expect.json")))
        web = [c for c in exp["containers"] if c["name"] == "web"][0]

        mp = os.path.join(tmp, "img")
        os.mkdir(mp)
        p = mount(["mount-image", img], mp)
        procs.append((p, mp))
        ok(is_mounted(mp), "mount-image: mounted")
        vols = sorted(os.listdir(mp))
        ok(vols == ["vol0-ext4-offset0"], "one directory per volume", repr(vols))
        root = os.path.join(mp, vols[0]) if vols else mp
        ok("docker" in os.listdir(os.path.join(root, "var", "lib")), "lists /var/lib")
        fls = subprocess.run(["fls", img, str(icat_sha(img, "/var/lib/docker/containers")[0])],
                             capture_output=True, text=True).stdout
        want = sorted(l.split("\t")[1] for l in fls.splitlines() if "\t" in l)
        got = sorted(os.listdir(os.path.join(root, "var/lib/docker/containers")))
        ok(got == want, "containers/ listing equals fls", "%r\n%r" % (got, want))
        for rel in ["var/lib/docker/containers/%s/config.v2.json" % web["id"],
                    "var/lib/docker/overlay2/%s/diff/etc/app.conf" % web["mount_id"]]:
            ino, isha = icat_sha(img, "/" + rel)
            fp = os.path.join(root, rel)
            ok(isha is not None and os.path.exists(fp) and sha_file(fp) == isha,
               "%s: sha256 equals icat of inode %s" % (rel, ino))
            ok(os.stat(fp).st_ino == ino, "%s: st_ino is the inode (%s)" % (rel, ino))
        wh = os.path.join(root, "var/lib/docker/overlay2/%s/diff/usr/share/doc/README" % web["mount_id"])
        st = os.lstat(wh) if os.path.lexists(wh) else None
        ok(st is not None and (st.st_mode & 0o170000) == 0o020000 and st.st_rdev == 0,
           "a whiteout shows as char device 0/0")
        opq = [x for x in exp["opaque_dirs"] if x["layer"].startswith("image")]
        found = subprocess.run(["getfattr", "-R", "-n", "trusted.overlay.opaque",
                                os.path.join(root, "var/lib/docker/overlay2")],
                               capture_output=True).stdout.decode(errors="replace") \
            if shutil.which("getfattr") else None
        if found is not None:
            ok(found.count('trusted.overlay.opaque="y"') >= len(opq),
               "opaque xattrs readable (%d)" % len(opq), found)
        try:
            open(os.path.join(root, "newfile"), "w")
            e = 0
        except OSError as x:
            e = x.errno
        ok(e == errno.EROFS, "creating a file fails with EROFS (%d)" % e)
        unmount(p, mp, "mount-image")
        procs.pop()

        cm = os.path.join(tmp, "ctr")
        os.mkdir(cm)
        p = mount(["mount-container", "--container", "web", img], cm)
        procs.append((p, cm))
        ok(is_mounted(cm), "mount-container: mounted")
        merged = exp["merged"]["web"]
        bad = []
        for name, w in sorted(merged.items()):
            if "\\" in name:
                continue  # encoded names: export_safety.py covers them
            if name in ("/etc/hostname", "/etc/hosts", "/etc/resolv.conf"):
                continue  # mapped from the container's directory, as docker does
            fp = cm + name
            if w is None:
                if os.path.lexists(fp):
                    bad.append(name + ": present")
            elif w["type"] == "file":
                if not os.path.isfile(fp) or sha_file(fp) != w["sha256"]:
                    bad.append(name + ": content")
            elif w["type"] == "symlink":
                if not os.path.islink(fp) or os.readlink(fp) != w["target"]:
                    bad.append(name + ": link")
            elif w["type"] == "dir" and not os.path.isdir(fp):
                bad.append(name + ": dir")
        ok(not bad, "merged view over FUSE equals the expect file", "\n".join(bad))
        ino, isha = icat_sha(img, "/var/lib/docker/overlay2/%s/diff/etc/app.conf" % web["mount_id"])
        ok(sha_file(cm + "/etc/app.conf") == isha,
           "/etc/app.conf is the container layer's inode %s (icat)" % ino)
        tl = sorted(os.listdir(cm + "/tmp"))
        want = sorted(n.split("/")[-1] for n in merged if n.startswith("/tmp/") and "\\" not in n)
        ok(all(w in tl for w in want), "/tmp lists the container's files", repr(tl))
        try:
            os.unlink(cm + "/etc/app.conf")
            e = 0
        except OSError as x:
            e = x.errno
        ok(e == errno.EROFS, "unlink fails with EROFS (%d)" % e)
        unmount(p, cm, "mount-container")
        procs.pop()
    finally:
        for p, m in procs:
            subprocess.run(["fusermount3", "-u", m], capture_output=True)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
