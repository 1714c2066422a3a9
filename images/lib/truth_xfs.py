#!/usr/bin/env python3
"""truth_xfs.py IMAGE OUTDIR META.json - truth.py's "after" step for hosts on XFS
(images/build-xfs-host.sh): the state of every container as the acquired image
holds it, read through the kernel's read-only mount of partition 1 (a read-only
loop device, `ro,norecovery`: no log replay, like dof), and whether the log needs
recovery: the kernel refuses a plain read-only mount of a read-only device whose
log is dirty ("recovery required on read-only device")."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from truth import dump  # noqa: E402


def run(*a):
    return subprocess.run(a, check=True, capture_output=True).stdout.decode()


def main(image, out, meta_path):
    meta = json.load(open(meta_path))
    facts = meta_path[:-len(".json")] + ".facts"
    if os.path.exists(facts):
        for line in open(facts):
            k, _, v = line.rstrip("\n").partition("\t")
            meta.setdefault("facts", {})[k] = v
    cj = f"{out}/containers.json"
    if os.path.exists(cj):
        meta["containers"] = {c["Name"].lstrip("/"): c["Id"] for c in json.load(open(cj))}
    p = meta["partitions"][0]
    loop = run("losetup", "-r", "-f", "--show", "-o", str(p["offset_bytes"]),
               "--sizelimit", str(p["size_bytes"]), image).strip()
    mnt = tempfile.mkdtemp(prefix="truth-xfs")
    try:
        plain = subprocess.run(["mount", "-t", "xfs", "-o", "ro,nouuid", loop, mnt],
                               capture_output=True)
        if plain.returncode == 0:
            subprocess.run(["umount", mnt], check=True)
        run("mount", "-t", "xfs", "-o", "ro,norecovery,nouuid", loop, mnt)
        try:
            p["fs"] = "xfs"
            p["needs_recovery"] = plain.returncode != 0
            meta["journal_needs_recovery"] = p["needs_recovery"]
            dr = meta["data_root"]
            cdir = os.path.join(mnt, dr.lstrip("/"), "containers")
            states = []
            for cid in sorted(os.listdir(cdir)):
                if not re.fullmatch(r"[0-9a-f]{64}", cid):
                    continue
                path = f"{dr}/containers/{cid}/config.v2.json"
                raw = open(os.path.join(cdir, cid, "config.v2.json"), "rb").read()
                try:
                    cfg = json.loads(raw)
                    states.append({"id": cfg["ID"], "name": cfg["Name"], "path": path,
                                   "State": cfg["State"]})
                except ValueError as e:
                    states.append({"id": cid, "name": None, "path": path,
                                   "error": f"unparsable config.v2.json: {e}",
                                   "raw_len": len(raw)})
        finally:
            subprocess.run(["umount", mnt], check=True)
    finally:
        subprocess.run(["losetup", "-d", loop])
        os.rmdir(mnt)
    states.sort(key=lambda s: s["name"] or "")
    dump(f"{out}/states-after.json", states)
    dump(f"{out}/meta.json", meta)


if __name__ == "__main__":
    main(*sys.argv[1:4])
