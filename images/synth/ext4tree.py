"""Build a bare ext4 image from a staging tree, without root.

The tree is written with ordinary file calls; what an unprivileged user
cannot create (character devices 0/0 = overlay whiteouts, trusted.*
xattrs = opaque dirs, root ownership, fixed ctime/crtime) is applied
afterwards with `debugfs -w`.  Everything is deterministic: fixed UUID,
hash seed and E2FSPROGS_FAKE_TIME; inode times are rewritten at the end.

Paths are bytes or str, relative to the filesystem root.
"""

import os
import re
import shutil
import subprocess
import calendar
import time

UUID = "d0f5d0f5-0000-4000-8000-00000000d0f5"
HASH_SEED = "d0f5d0f5-1111-4111-8111-11111111d0f5"
# 2023-05-06T07:08:09Z: "now" for the filesystem (mkfs time, ctime, ...)
FS_NOW = 1683356889


def b(x):
    if isinstance(x, bytes):
        return x
    return x.encode("utf-8", "surrogateescape")


def ts(s):
    """'2023-05-01T10:00:00' (UTC) -> epoch seconds."""
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S"))


def dq(p):
    """Quote a path for a debugfs command line (no embedded quotes)."""
    p = b(p)
    if b'"' in p or b"\n" in p:
        raise ValueError("path not usable in debugfs: %r" % p)
    return b'"/' + p.lstrip(b"/") + b'"'


class Tree:
    def __init__(self, stage, default_mtime=FS_NOW - 86400):
        self.stage = b(stage)
        if os.path.exists(self.stage):
            shutil.rmtree(self.stage)
        os.makedirs(self.stage)
        self.default_mtime = default_mtime
        self.mtimes = {}      # rel path -> mtime
        self.post = []        # debugfs commands (bytes)
        self.dev_mtimes = []  # (rel path, mtime) for nodes made by debugfs

    def _abs(self, p):
        return os.path.join(self.stage, b(p).lstrip(b"/"))

    def _parents(self, p, mtime):
        parts = b(p).strip(b"/").split(b"/")[:-1]
        cur = b""
        for part in parts:
            cur = cur + b"/" + part if cur else part
            a = self._abs(cur)
            if not os.path.isdir(a):
                os.mkdir(a, 0o755)
                self.mtimes.setdefault(cur, mtime)

    def dir(self, p, mtime=None, mode=0o755):
        mtime = self.default_mtime if mtime is None else mtime
        self._parents(p, mtime)
        a = self._abs(p)
        if not os.path.isdir(a):
            os.mkdir(a)
        os.chmod(a, mode)
        self.mtimes[b(p).strip(b"/")] = mtime

    def file(self, p, data=b"", mtime=None, mode=0o644):
        mtime = self.default_mtime if mtime is None else mtime
        self._parents(p, mtime)
        a = self._abs(p)
        with open(a, "wb") as f:
            f.write(b(data))
        os.chmod(a, mode)
        self.mtimes[b(p).strip(b"/")] = mtime

    def sparse_file(self, p, size, writer, mtime=None, mode=0o644):
        """writer(fileobj) writes the content; for big generated files."""
        mtime = self.default_mtime if mtime is None else mtime
        self._parents(p, mtime)
        with open(self._abs(p), "wb") as f:
            writer(f)
        self.mtimes[b(p).strip(b"/")] = mtime

    def symlink(self, p, target, mtime=None):
        mtime = self.default_mtime if mtime is None else mtime
        self._parents(p, mtime)
        os.symlink(b(target), self._abs(p))
        self.mtimes[b(p).strip(b"/")] = mtime

    def hardlink(self, p, existing):
        self._parents(p, self.default_mtime)
        os.link(self._abs(existing), self._abs(p))

    def exists(self, p):
        return os.path.lexists(self._abs(p))

    def remove(self, p):
        a = self._abs(p)
        if os.path.isdir(a) and not os.path.islink(a):
            shutil.rmtree(a)
        elif os.path.lexists(a):
            os.unlink(a)
        self.mtimes.pop(b(p).strip(b"/"), None)

    def read(self, p):
        with open(self._abs(p), "rb") as f:
            return f.read()

    # --- things applied with debugfs after mke2fs ---
    def whiteout(self, p, mtime=None):
        """overlay whiteout: character device 0/0, mode 0000."""
        mtime = self.default_mtime if mtime is None else mtime
        p = b(p).strip(b"/")
        parent, _, name = p.rpartition(b"/")
        if parent:
            self._parents(p, mtime)
        if b" " in name or b'"' in name:
            raise ValueError("whiteout names must be simple")
        self.post.append(b"cd " + (dq(parent) if parent else b"/"))
        self.post.append(b"mknod " + name + b" c 0 0")
        self.post.append(b"sif " + name + b" mode 020000")
        self.post.append(b"cd /")
        self.dev_mtimes.append((p, mtime))

    def xattr(self, p, name, value):
        self.post.append(b"ea_set " + dq(p) + b" " + b(name) + b" " + b(value))

    def opaque(self, p):
        self.xattr(p, "trusted.overlay.opaque", "y")

    def owner(self, p, uid, gid):
        self.post.append(b"sif %s uid %d" % (dq(p), uid))
        self.post.append(b"sif %s gid %d" % (dq(p), gid))

    # --- build ---
    def _apply_mtimes(self):
        # deepest first so that creating children does not move a parent
        for p in sorted(self.mtimes, key=lambda x: -x.count(b"/")):
            a = self._abs(p)
            if os.path.lexists(a):
                t = self.mtimes[p]
                os.utime(a, (t, t), follow_symlinks=False)

    def build(self, image, size_mib, mkfs_opts=(), fix_inodes=True,
              fs_now=FS_NOW, uuid=UUID):
        self._apply_mtimes()
        env = dict(os.environ, E2FSPROGS_FAKE_TIME=str(fs_now), TZ="UTC")
        if os.path.exists(image):
            os.unlink(image)
        cmd = ["mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-I", "256",
               "-U", uuid, "-E", "hash_seed=" + HASH_SEED,
               "-L", "dofsynth", "-d", self.stage.decode("utf-8", "surrogateescape")]
        cmd += list(mkfs_opts)
        cmd += [image, "%dM" % size_mib]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        post = list(self.post)
        for p, t in self.dev_mtimes:
            post.append(b"sif %s mtime @%d" % (dq(p), t))
        if post:
            self._debugfs(image, post, env)
        if fix_inodes:
            self._fix_inodes(image, env, fs_now)
        # parents of debugfs-made nodes: restore their mtime
        post = []
        for p, _ in self.dev_mtimes:
            parent = p.rpartition(b"/")[0]
            if parent in self.mtimes:
                post.append(b"sif %s mtime @%d" % (dq(parent), self.mtimes[parent]))
        if post:
            self._debugfs(image, post, env)

    @staticmethod
    def _debugfs(image, cmds, env):
        cf = image + ".debugfs"
        with open(cf, "wb") as f:
            f.write(b"\n".join(cmds) + b"\n")
        r = subprocess.run(["debugfs", "-w", "-f", cf, image], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        os.unlink(cf)
        out = r.stdout.decode("utf-8", "replace")
        bad = [l for l in out.splitlines()
               if not l.startswith("debugfs") and not l.startswith("Allocated inode")
               and l.strip()]
        if r.returncode != 0 or bad:
            raise RuntimeError("debugfs failed on %s:\n%s" % (image, out))

    def _fix_inodes(self, image, env, fs_now):
        """ctime/atime/crtime are the builder's clock and uid/gid the
        builder's ids: make every allocated inode deterministic."""
        out = subprocess.run(["fls", "-r", "-p", image], check=True,
                             stdout=subprocess.PIPE).stdout
        inos = {2, 11}
        for m in re.finditer(rb"^[a-zA-Z-]/[a-zA-Z-] (\d+)(?:-\d+-\d+)?:\t(.*)$",
                             out, re.M):
            if not m.group(2).startswith(b"$OrphanFiles"):
                inos.add(int(m.group(1)))
        inos = sorted(i for i in inos if i == 2 or i >= 11)
        crt = fs_now - 7 * 86400
        cmds = []
        for i in inos:
            if True:
                for f in (b"ctime", b"atime"):
                    cmds.append(b"sif <%d> %s @%d" % (i, f, fs_now))
                    cmds.append(b"sif <%d> %s_extra 0" % (i, f))
                cmds.append(b"sif <%d> crtime @%d" % (i, crt))
                cmds.append(b"sif <%d> crtime_extra 0" % i)
                cmds.append(b"sif <%d> mtime_extra 0" % i)
                cmds.append(b"sif <%d> uid 0" % i)
                cmds.append(b"sif <%d> gid 0" % i)
        self._debugfs(image, cmds, env)
        # owner() commands must win over the blanket uid 0
        own = [c for c in self.post if c.startswith(b"sif ") and
               (b" uid " in c or b" gid " in c)]
        if own:
            self._debugfs(image, own, env)
