#!/usr/bin/env python3
"""export_safety.py - export-container against independent truth.

* synth `good`, container web: the directory export and the tar export
  equal the expect file's `merged` (types, sha256, sizes, symlink
  targets, absent paths); the manifest passes `sha256sum -c`.
* synth `hostile-names`: nothing is created outside the target (the
  parent directory listing before/after, /tmp/pwned), symlinks are
  links with their raw targets, hostile names survive byte for byte.

Env: DOF_BUILDDIR, DOF_SRCDIR (make check); DOF_SYNTH_DIR reuses built
synth images.  TAP output.
"""
import calendar
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import Tap  # noqa: E402

SRC = os.environ.get("DOF_SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
BUILD = os.environ.get("DOF_BUILDDIR") or "."
CLI = os.environ.get("DOF") or os.path.join(BUILD, "dof")


T = Tap()
ok = T.ok


def decode_name(s):
    """dof's name encoding back to bytes: \\xNN and \\\\."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and s[i + 1:i + 2] == "\\":
            out += b"\\"
            i += 2
        elif c == "\\" and s[i + 1:i + 2] == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += c.encode("utf-8")
            i += 1
    return bytes(out)


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(65536), b""):
            h.update(b)
    return h.hexdigest()


def synth(tmp, cases):
    d = os.environ.get("DOF_SYNTH_DIR")
    if d and all(os.path.exists(os.path.join(d, c + ".raw")) for c in cases):
        return d
    out = os.path.join(tmp, "synth")
    r = subprocess.run(["sh", os.path.join(SRC, "images/synth/make-synth.sh"), out] + cases,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        print("1..0 # SKIP make-synth.sh failed: " + r.stdout.decode(errors="replace")[-300:])
        sys.exit(0)
    return out


def image_mtime_ns(img, path):
    """The mtime of PATH in the ext4 image IMG as TSK reads it (ifind,
    istat), in ns since the epoch; None if TSK does not find it."""
    r = subprocess.run(["ifind", "-n", path, img], capture_output=True, text=True)
    ino = r.stdout.strip()
    if r.returncode != 0 or not ino.isdigit():
        return None
    r = subprocess.run(["istat", img, ino], capture_output=True, text=True,
                       env=dict(os.environ, TZ="UTC"))
    m = re.search(r"^File Modified:\s+(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)"
                  r"(?:\.(\d{9}))? \(UTC\)", r.stdout, re.M)
    if not m:
        return None
    sec = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    return sec * 1000000000 + int(m.group(7) or 0)


def under_symlink(name, merged):
    """A path below a symlink of the merged view is hidden by it (the
    expect file may still list what the lower layer holds there)."""
    parts = name.split("/")
    for i in range(2, len(parts)):
        up = merged.get("/".join(parts[:i]))
        if up and up["type"] == "symlink":
            return True
    return False


def check_merged_dir(root, merged, label):
    bad = []
    for name, want in sorted(merged.items()):
        if under_symlink(name, merged):
            continue
        p = os.path.join(os.fsencode(root), decode_name(name).lstrip(b"/"))
        if want is None:
            if os.path.lexists(p):
                bad.append("%s: present, should be absent" % name)
            continue
        if want["type"] == "file":
            if not os.path.isfile(p) or os.path.islink(p):
                bad.append("%s: not a regular file" % name)
            elif sha(p) != want["sha256"] or os.path.getsize(p) != want["size"]:
                bad.append("%s: content differs" % name)
        elif want["type"] == "symlink":
            if not os.path.islink(p) or os.readlink(p) != decode_name(want["target"]):
                bad.append("%s: not the symlink %s" % (name, want["target"]))
        elif want["type"] == "dir":
            if os.path.islink(p) or not os.path.isdir(p):
                bad.append("%s: not a directory" % name)
    ok(not bad, "%s: %d merged paths as expected" % (label, len(merged)), "\n".join(bad))


def check_merged_tar(tpath, merged, label):
    bad = []
    with tarfile.open(tpath, encoding="utf-8", errors="surrogateescape") as t:
        mem = {}
        for m in t.getmembers():
            mem[m.name.encode("utf-8", "surrogateescape").rstrip(b"/")] = m
        for name, want in sorted(merged.items()):
            key = decode_name(name).lstrip(b"/")
            if under_symlink(name, merged):
                if key in mem:
                    bad.append("%s: below a symlink, yet in the tar" % name)
                continue
            m = mem.get(key)
            if want is None:
                if m is not None:
                    bad.append("%s: in the tar, should be absent" % name)
                continue
            if m is None:
                bad.append("%s: missing from the tar" % name)
            elif want["type"] == "file":
                data = t.extractfile(m).read() if m.isreg() else None
                if data is None or hashlib.sha256(data).hexdigest() != want["sha256"]:
                    bad.append("%s: content differs" % name)
            elif want["type"] == "symlink":
                if not m.issym() or m.linkname.encode("utf-8", "surrogateescape") != decode_name(want["target"]):
                    bad.append("%s: not the symlink" % name)
            elif want["type"] == "dir" and not m.isdir():
                bad.append("%s: not a dir" % name)
        unsafe = [k for k in mem if k.startswith(b"/") or b".." in k.split(b"/")]
        if unsafe:
            bad.append("unsafe member names: %r" % unsafe[:5])
    ok(not bad, "%s: tar members as expected" % label, "\n".join(bad))


def main():
    if not os.path.exists(CLI):
        print("1..0 # SKIP %s not built" % CLI)
        return 0
    tmp = tempfile.mkdtemp(prefix="dof-export-")
    try:
        sd = synth(tmp, ["good", "hostile-names"])
        good = os.path.join(sd, "good.raw")
        exp = json.load(open(os.path.join(sd, "good.expect.json")))
        merged = exp["merged"]["web"]

        out = os.path.join(tmp, "web")
        r = subprocess.run([CLI, "export-container", "--container", "web", "-q",
                            "--output", out, good], capture_output=True)
        ok(r.returncode in (0, 1), "export web to a directory (exit %d)" % r.returncode, r.stderr)
        check_merged_dir(out, merged, "web directory")
        r = subprocess.run(["sha256sum", "-c", "--quiet", os.path.join(tmp, "web.sha256")],
                           cwd=out, capture_output=True)
        ok(r.returncode == 0, "web manifest passes sha256sum -c", r.stdout + r.stderr)
        nfiles = sum(1 for name, w in merged.items() if w and w["type"] == "file")
        lines = open(os.path.join(tmp, "web.sha256"), "rb").read().count(b"\n")
        ok(lines >= nfiles, "manifest has every regular file (%d >= %d)" % (lines, nfiles))
        # the exported file keeps the mtime the image holds for the
        # container layer's copy (TSK's istat), to the nanosecond
        web = [c for c in exp["containers"] if c["name"] == "web"][0]
        want_ns = image_mtime_ns(good, "/var/lib/docker/overlay2/%s/diff/etc/app.conf"
                                 % web["mount_id"])
        st = os.lstat(os.path.join(out, "etc", "app.conf"))
        ok(want_ns is not None and st.st_mtime_ns == want_ns,
           "/etc/app.conf: mtime from the image (%d, istat %s)" % (st.st_mtime_ns, want_ns))

        tpath = os.path.join(tmp, "web.tar")
        r = subprocess.run([CLI, "export-container", "--container", "web", "-q",
                            "--tar", tpath, good], capture_output=True)
        ok(r.returncode in (0, 1), "export web to a tar (exit %d)" % r.returncode, r.stderr)
        check_merged_tar(tpath, merged, "web tar")
        r = subprocess.run(["tar", "-tvf", tpath], capture_output=True)
        ok(r.returncode == 0, "GNU tar reads the tar", r.stderr)

        # hostile names: nothing outside the target
        hostile = os.path.join(sd, "hostile-names.raw")
        hexp = json.load(open(os.path.join(sd, "hostile-names.expect.json")))
        parent = os.path.join(tmp, "parent")
        os.mkdir(parent)
        open(os.path.join(parent, "sentinel"), "w").write("x")
        before = sorted(os.listdir(parent))
        tmp_before = set(os.listdir("/tmp"))
        pwned_before = os.path.lexists("/tmp/pwned")
        hout = os.path.join(parent, "out")
        r = subprocess.run([CLI, "export-container", "--container", "hostile", "-q",
                            "--output", hout, hostile], capture_output=True)
        ok(r.returncode in (0, 1), "export hostile (exit %d)" % r.returncode, r.stderr)
        after = sorted(os.listdir(parent))
        ok(after == sorted(before + ["out", "out.sha256"]),
           "parent holds only out and out.sha256 besides what was there", repr(after))
        ok(pwned_before or not os.path.lexists("/tmp/pwned"), "/tmp/pwned not created")
        hm = hexp["merged"]["hostile"]
        # /tmp is shared (compilers write there): look for our names only
        ours = {os.path.basename(decode_name(k)) for k in hm} | {b"pwned", b"inner.txt"}
        new_tmp = set(os.listdir(b"/tmp")) - {os.fsencode(x) for x in tmp_before}
        ok(not (new_tmp & ours), "no exported name appeared in /tmp",
           repr(sorted(new_tmp & ours)))
        check_merged_dir(hout, hm, "hostile directory")
        links = {k: v for k, v in hm.items() if v and v["type"] == "symlink"}
        ok(len(links) >= 3, "hostile has symlinks to check (%d)" % len(links))
        for name, v in sorted(links.items()):
            p = os.path.join(os.fsencode(hout), decode_name(name).lstrip(b"/"))
            ok(os.path.islink(p) and os.readlink(p) == decode_name(v["target"]),
               "%s is a link to %s" % (name, v["target"]))
        esc = [decode_name(x) for x in hexp.get("escaped_names_must_appear", [])]
        for e in esc:
            ok(os.path.lexists(os.path.join(os.fsencode(hout), e)), "name %r exported byte for byte" % e)
        # every path under out stays under out (realpath of non-links)
        outside = []
        for dp, dns, fns in os.walk(os.fsencode(hout)):
            for x in dns + fns:
                p = os.path.join(dp, x)
                if not os.path.islink(p):
                    rp = os.path.realpath(p)
                    if not rp.startswith(os.path.realpath(os.fsencode(hout)) + b"/"):
                        outside.append(p)
        ok(not outside, "every exported object is inside the target", repr(outside[:5]))
        r = subprocess.run(["sha256sum", "-c", "--quiet", os.path.join(parent, "out.sha256")],
                           cwd=hout, capture_output=True)
        ok(r.returncode == 0, "hostile manifest (escaped names) passes sha256sum -c",
           r.stdout + r.stderr)
        r = subprocess.run([CLI, "export-container", "--container", "hostile", "-q",
                            "--output", hout, hostile], capture_output=True)
        ok(r.returncode == 2, "a non-empty target is refused (exit %d)" % r.returncode)
        ht = os.path.join(tmp, "hostile.tar")
        r = subprocess.run([CLI, "export-container", "--container", "hostile", "-q",
                            "--tar", ht, hostile], capture_output=True)
        ok(r.returncode in (0, 1), "export hostile to a tar (exit %d)" % r.returncode, r.stderr)
        check_merged_tar(ht, hm, "hostile tar")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
