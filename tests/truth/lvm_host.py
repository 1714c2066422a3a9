#!/usr/bin/env python3
"""lvm_host.py - a real Docker host (images/real/host-a-clean, whose root
partition dockerd wrote) moved into an LVM2 logical volume by the real LVM
tools (tests/truth/lvm_host_mkimg.sh: Ubuntu layout, ubuntu-vg/ubuntu-lv
in two segments, a second LV between them).  On the LV, list-containers,
list-images, show-image-history, diff and show-container-log give what
they give on the original partition (which truth_inventory.py checks
against the engine's own output), apart from the evidence's path, size
and the volume's offset; the data root is on volume
p2/lvm:ubuntu-vg/ubuntu-lv.  Needs root and lvm2.  TAP."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402
from tap import Tap  # noqa: E402

VARIANT = "host-a-clean"
t = Tap()
if VARIANT not in corpus.variants():
    t.skip_all("images/real/%s missing" % VARIANT)
src = corpus.raw(VARIANT)
tmp = tempfile.mkdtemp(prefix="dof-lvm-host.")


def strip(o):
    """The JSON without what names the evidence or the volume's place."""
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items()
                if k not in ("volume_offset_bytes", "volume", "volume_index", "dof")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o


def run(*args):
    p = subprocess.run([corpus.DOF] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape")


try:
    out = subprocess.run(["sgdisk", "-i", "1", src], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    first = int(out.split("First sector: ")[1].split()[0])
    last = int(out.split("Last sector: ")[1].split()[0])
    fs = os.path.join(tmp, "root.fs")
    subprocess.run(["dd", "if=" + src, "of=" + fs, "bs=512", "skip=%d" % first,
                    "count=%d" % (last - first + 1), "status=none"], check=True)
    r = subprocess.run(["sh", os.path.join(corpus.SRCDIR, "tests", "truth",
                                           "lvm_host_mkimg.sh"), fs, tmp],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode == 77:
        t.skip_all("lvm_host_mkimg.sh needs root, unshare, losetup and lvm2")
    t.ok(r.returncode == 0, "LVM host built by the LVM tools", r.stderr.decode()[-2000:])
    img = os.path.join(tmp, "lvm-host.raw")
    segs = [s for s in json.load(open(os.path.join(tmp, "lvs.json")))["report"][0]["lv"]
            if s["lv_name"] == "ubuntu-lv"]
    t.eq(len(segs), 2, "lvs: ubuntu-lv has two segments")

    rc, st = run("status", "--json", img)
    doc = json.loads(st)
    roots = doc["status"]["data_roots"]
    t.eq([r["volume"] for r in roots], ["p2/lvm:ubuntu-vg/ubuntu-lv"],
         "the data root is on the LV")
    rc, st = run("status", "--json", src)
    want_roots = json.loads(st)["status"]["data_roots"]
    t.eq(strip(roots), strip(want_roots), "status data_roots as on the partition")

    rc, cs = run("list-containers", "--json", src)
    names = [c["name"] for c in json.loads(cs)["containers"]]
    cmds = [("list-containers", "--json"), ("list-images", "--json")]
    for n in names:
        cmds.append(("diff", "--json", "--container", n))
        cmds.append(("show-container-log", "--json", "--container", n))
    rc, ims = run("list-images", "--json", src)
    for im in json.loads(ims)["images"][:3]:
        cmds.append(("show-image-history", "--json", "--image", im["id"]))
    for c in cmds:
        rc1, a = run(*(c + (src,)))
        rc2, b = run(*(c + (img,)))
        if c[0] == "show-container-log":  # JSON lines, no volume in them
            t.ok(rc1 == rc2 and a == b, "%s: as on the partition (%d lines)"
                 % (" ".join(c), a.count("\n")), "exit %d vs %d" % (rc1, rc2))
            continue
        try:
            ja, jb = strip(json.loads(a)), strip(json.loads(b))
        except ValueError as e:
            t.ok(False, "%s: JSON" % " ".join(c), str(e))
            continue
        t.ok(rc1 == rc2 and ja == jb, "%s: as on the partition (exit %d)" % (" ".join(c), rc2),
             "exit %d vs %d" % (rc1, rc2))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
