#!/usr/bin/env python3
"""A directory is accepted wherever an image is: each real-engine host is
mounted read-only (a copy, loop device, ro,noload, every partition at the
mount point the host had) and dof reads the mounted tree as a directory
evidence; list-containers and list-images must still equal the engine's
ground truth.  Needs root; skips otherwise."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
if os.geteuid() != 0:
    t.skip_all("needs root to loop-mount the images")
if not corpus.variants():
    t.skip_all("no real-engine images")


def ns(s):
    if s is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z", s)
    if m is None or int(m.group(1)) <= 1:
        return None
    import calendar
    secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]) + (0, 0, 0))
    return secs * 10**9 + int((m.group(7) or "0")[:9].ljust(9, "0"))


work = tempfile.mkdtemp(prefix="dof-dir.")
mounts, loops = [], []
try:
    for v in corpus.variants():
        meta = corpus.truth(v, "meta.json")
        copy = os.path.join(work, v + ".raw")
        shutil.copyfile(corpus.raw(v), copy)
        top = os.path.join(work, v)
        os.mkdir(top)
        for p in sorted(meta["partitions"], key=lambda p: len(p["mountpoint"])):
            loop = subprocess.run(
                ["losetup", "-r", "-f", "--show", "-o", str(p["offset_bytes"]),
                 "--sizelimit", str(p["size_bytes"]), copy],
                check=True, stdout=subprocess.PIPE).stdout.decode().strip()
            loops.append(loop)
            mp = os.path.join(top, p["mountpoint"].lstrip("/"))
            subprocess.run(["mount", "-o", "ro,noload", loop, mp], check=True)
            mounts.append(mp)
        rc, doc, err = corpus.dof("list-containers", "--json", top, check_json=True)
        t.ok(rc in (0, 1), "%s/dir: list-containers exit %d" % (v, rc), err)
        after = {s["id"]: s for s in corpus.truth(v, "states-after.json")}
        inspect = {c["Id"]: c for c in corpus.truth(v, "containers.json")}
        got = {c["id"]: c for c in doc["containers"]}
        t.eq(sorted(got), sorted(after), "%s/dir: the container set" % v)
        for cid, s in after.items():
            c, i = got.get(cid), inspect.get(cid)
            if c is None or i is None or s.get("State") is None:
                continue
            name = c["name"]
            t.eq(ns(c["started_at"]), ns(s["State"].get("StartedAt")),
                 "%s/dir %s: started_at" % (v, name))
            t.eq((c["name"], c["image"], c["image_id"], c["log_driver"]),
                 (i["Name"].lstrip("/"), i["Config"]["Image"], i["Image"],
                  i["HostConfig"]["LogConfig"]["Type"]),
                 "%s/dir %s: name, image, image id, log driver" % (v, name))
            t.eq(sorted((m["type"], m["source"], m["destination"])
                        for m in c["mounts"]),
                 sorted((m["Type"], m["Source"], m["Destination"])
                        for m in i.get("Mounts") or []),
                 "%s/dir %s: mounts" % (v, name))
        rc, doc, err = corpus.dof("list-images", "--json", top, check_json=True)
        imgs = {im["id"]: im for im in doc["images"]}
        for i in corpus.truth(v, "images.json"):
            im = imgs.get(i["Id"])
            t.ok(im is not None and sorted(im["tags"]) == sorted(i.get("RepoTags") or [])
                 and [l["diff_id"] for l in im["layers"]] == (i["RootFS"].get("Layers") or []),
                 "%s/dir: image %s, tags and layers" % (v, i["Id"][7:19]))
        # trusted.* xattrs are readable as root: opaque dirs are seen, so the
        # diff of web equals the engine's where web exists
        if "web" in {c["name"] for c in got.values()}:
            rc, out, err = corpus.dof("diff", "--container", "web", top)
            want = sorted("%s %s" % ("CAD"[d["Kind"]], d["Path"]) for d in
                          corpus.truth(v, "diff/web.json"))
            lines = sorted(out.decode("utf-8", "replace").splitlines())
            t.ok(len(lines) == len(want), "%s/dir: diff of web has %d changes as "
                 "docker diff" % (v, len(want)), "got %d" % len(lines))
        for mp in reversed(mounts):
            subprocess.run(["umount", mp], check=True)
        mounts = []
finally:
    for mp in reversed(mounts):
        subprocess.run(["umount", "-l", mp])
    for lp in loops:
        subprocess.run(["losetup", "-d", lp])
    shutil.rmtree(work, ignore_errors=True)
t.done()
