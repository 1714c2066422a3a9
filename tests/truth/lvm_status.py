#!/usr/bin/env python3
"""lvm_status.py - `dof status` on a disk whose LVM2 volume group the real
LVM tools wrote (tests/unit/lvm_mkimg.sh: needs root and lvm2): every LV of
`lvs -a -o +seg_pe_ranges,seg_start_pe,seg_size_pe` is a volume with the
tools' size, type and segments, the seqno and VG uuid of `vgs`, the
partition offsets of sgdisk and pe_start of `pvs`; text and --json agree;
--volume selects an LV.  TAP."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import Tap  # noqa: E402
import corpus  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="dof-lvm-status.")
try:
    r = subprocess.run(["sh", os.path.join(corpus.SRCDIR, "tests", "unit", "lvm_mkimg.sh"),
                        tmp], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode == 77:
        t.skip_all("lvm_mkimg.sh needs root, unshare, losetup and lvm2")
    t.ok(r.returncode == 0, "fixture built by the LVM tools", r.stderr.decode()[-2000:])
    truth = dict(line.split("=", 1) for line in open(os.path.join(tmp, "truth")).read().split("\n") if "=" in line)
    lvs = json.load(open(os.path.join(tmp, "lvs.json")))["report"][0]["lv"]
    pvs = json.load(open(os.path.join(tmp, "pvs.json")))["report"][0]["pv"]
    vgs = json.load(open(os.path.join(tmp, "vgs.json")))["report"][0]["vg"]
    img = os.path.join(tmp, "lvm.raw")
    addr = {"/dev/sda2": "p2", "/dev/sda3": "p3"}
    pe_start = {addr[p["pv_name"]]: int(p["pe_start"]) for p in pvs}

    p = subprocess.run([corpus.DOF, "status", "--json", img], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    doc = json.loads(p.stdout.decode())
    vols = {v["address"]: v for v in doc["status"]["evidence"]["volumes"]}
    rows = {}
    for s in lvs:
        rows.setdefault(s["lv_name"], []).append(s)
    for name, segs in sorted(rows.items()):
        a = "p2/lvm:vgdof/" + name
        v = vols.get(a)
        if not t.ok(v is not None and v["lvm"] is not None, "%s listed with lvm" % a, sorted(vols)):
            continue
        lv = v["lvm"]
        t.eq(v["length_bytes"], int(segs[0]["lv_size"]), "%s: size as lvs" % a)
        t.eq(lv["type"], segs[0]["segtype"], "%s: type as lvs" % a)
        t.eq((lv["vg"], lv["lv"]), ("vgdof", name), "%s: VG and LV" % a)
        t.eq(lv["vg_id"], vgs[0]["vg_uuid"], "%s: VG uuid as vgs" % a)
        t.eq(lv["metadata_seqno"], int(vgs[0]["vg_seqno"]), "%s: seqno as vgs" % a)
        t.eq(lv["older_metadata_seqnos"], list(range(int(vgs[0]["vg_seqno"]) - 1, 0, -1)),
             "%s: the older texts still in the ring buffer" % a)
        ext = int(segs[0]["vg_extent_size"])
        t.eq(lv["extent_size_bytes"], ext, "%s: extent size as lvs" % a)
        got = [(g["pv_address"], g["pv_start_extent"], g["start_extent"], g["extent_count"],
                g["offset_bytes"]) for g in lv["segments"]]
        want = []
        for s in segs:
            dev, rng = s["seg_pe_ranges"].split()[0].split(":")
            first = int(rng.split("-")[0])
            pa = addr[dev]
            want.append((pa, first, int(s["seg_start_pe"]), int(s["seg_size_pe"]),
                         int(truth[pa]) + pe_start[pa] + first * ext))
        t.eq(got, want, "%s: segments as lvs seg_pe_ranges/seg_start_pe/seg_size_pe" % a)
        t.eq(v["offset_bytes"], want[0][4], "%s: offset is its first extent's" % a)
        readable = segs[0]["segtype"] == "linear"
        t.eq(lv["readable"], readable, "%s: readable only if linear" % a)
        t.eq(v["filesystem"], "ext4" if readable else None, "%s: filesystem" % a)
        if not readable:
            t.ok(v["note"] and "not supported" in v["note"], "%s: note says not supported" % a,
                 v["note"])
            t.ok(any(a in w["message"] for w in doc.get("warnings", [])),
                 "%s: a warning names it" % a, doc.get("warnings"))
    for pa in ("p2", "p3"):
        v = vols.get(pa)
        t.ok(v and v["signature"] == "lvm2" and "VG vgdof" in (v["note"] or ""),
             "%s: the PV, of VG vgdof" % pa, v)
        t.eq(v and v["offset_bytes"], int(truth[pa]), "%s: offset as sgdisk" % pa)

    p = subprocess.run([corpus.DOF, "status", img], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.decode()
    t.ok("Volume p2/lvm:vgdof/root at byte offset %d (%s bytes): ext4" % (
        int(truth["p2"]) + pe_start["p2"], rows["root"][0]["lv_size"]) in out and
        "LVM2: VG vgdof, LV root, linear" in out, "status text: the root LV", out)

    p = subprocess.run([corpus.DOF, "status", "--json", "--volume", "p2/lvm:vgdof/data", img],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    doc = json.loads(p.stdout.decode())
    t.eq([v["address"] for v in doc["status"]["evidence"]["volumes"]], ["p2/lvm:vgdof/data"],
         "--volume p2/lvm:vgdof/data: that LV only")

    # the Python module: volumes()[].lvm is the JSON's volumes[].lvm
    so_dir = os.path.join(corpus.BUILDDIR, "bindings", "python", ".libs")
    so = os.path.join(so_dir, "_dof.so")
    if not os.path.exists(so) or b"libasan.so" in open(so, "rb").read():
        t.skip("Python volumes()[].lvm", "_dof.so not built or sanitized")
    else:
        sys.path.insert(0, so_dir)
        sys.path.insert(0, os.path.join(corpus.SRCDIR, "bindings", "python"))
        import dof  # noqa: E402
        p = subprocess.run([corpus.DOF, "status", "--json", img], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        want = {v["address"]: v["lvm"] for v in json.loads(p.stdout.decode())["status"]["evidence"]["volumes"]}
        with dof.open(img) as ev:
            got = {v["address"]: v["lvm"] for v in ev.volumes()}
        t.eq(got, want, "Python volumes()[].lvm = status --json volumes[].lvm")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
