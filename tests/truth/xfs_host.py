#!/usr/bin/env python3
"""Docker hosts on XFS (images/real-xfs/, written by a real dockerd on
mkfs.xfs -n ftype=1 by images/build-xfs-host.sh): dof diff equals the
engine's `docker diff` (truth diff/<container>.json), show-container-log
equals `docker logs` byte for byte, status names the volume xfs, warns
exactly when the log needs recovery (truth: the kernel refuses a plain
read-only mount) and never calls overlay2/backingFsBlockDev a stray layer.
The inventory (list-containers, list-images, history, verify-image) is
tests/truth/truth_inventory.py run over the same directory (xfs_inventory.sh)."""
import glob
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from tap import Tap  # noqa: E402

t = Tap()
SRC = os.environ.get("DOF_SRCDIR") or os.path.join(HERE, "..", "..")
BUILD = os.environ.get("DOF_BUILDDIR") or os.getcwd()
CLI = os.environ.get("DOF") or os.path.join(BUILD, "dof")
REAL = os.path.join(SRC, "images", "real-xfs")
xzs = sorted(glob.glob(os.path.join(REAL, "*.raw.xz")))
if not xzs:
    t.skip_all("no images in images/real-xfs")


def run(*args):
    p = subprocess.run([CLI] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


for xz in xzs:
    var = os.path.basename(xz)[:-len(".raw.xz")]
    truth = os.path.join(REAL, var + ".truth")
    meta = json.load(open(os.path.join(truth, "meta.json")))
    fd, raw = tempfile.mkstemp(suffix=".raw", prefix="xfs-host.")
    try:
        with os.fdopen(fd, "wb") as o, lzma.open(xz) as i:
            shutil.copyfileobj(i, o, 1 << 20)
        rc, out, err = run("status", "--json", raw)
        doc = json.loads(out or b"{}")
        vols = doc.get("status", {}).get("evidence", {}).get("volumes", [])
        t.ok(any(v.get("signature") == "xfs" for v in vols),
             "%s: status names an xfs volume" % var, json.dumps(vols)[:600])
        warns = [w.get("message", "") for w in doc.get("warnings", [])]
        t.eq(any("xfs log" in w and "needs recovery" in w for w in warns),
             meta["journal_needs_recovery"],
             "%s: the log warning exactly when the kernel needs recovery" % var)
        t.eq([w for w in warns if "backingFsBlockDev" in w], [],
             "%s: backingFsBlockDev is no stray layer" % var)
        for tf in sorted(glob.glob(os.path.join(truth, "diff", "*.json"))):
            cname = os.path.basename(tf)[:-5]
            want = set(("CAD"[c["Kind"]], c["Path"])
                       for c in json.load(open(tf)) or [])
            rc, out, err = run("diff", "-q", "--container", cname, raw)
            got = set()
            for line in out.decode().splitlines():
                k, _, p = line.partition(" ")
                got.add((k, p))
            t.ok(rc in (0, 1) and got == want,
                 "%s: %s: dof diff == docker diff (%d changes)" %
                 (var, cname, len(want)),
                 "rc %d %s\nmissing %s\nextra %s" % (
                     rc, err.decode(errors="replace")[:300],
                     sorted(want - got)[:10], sorted(got - want)[:10]))
        for f in sorted(glob.glob(os.path.join(truth, "logs", "*.stdout"))):
            name = os.path.basename(f)[:-len(".stdout")]
            for s in ("stdout", "stderr"):
                rc, out, err = run("show-container-log", "-q", "--container",
                                   name, "--stream", s, raw)
                want = open(os.path.join(truth, "logs", name + "." + s),
                            "rb").read()
                t.ok(out == want, "%s: %s %s byte for byte (exit %d)" %
                     (var, name, s, rc), err.decode(errors="replace")[:300])
    finally:
        os.unlink(raw)
t.done()
