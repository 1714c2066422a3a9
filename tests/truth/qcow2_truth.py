#!/usr/bin/env python3
"""qcow2 read by dof's own reader, with QEMU as the oracle.

The committed real host is converted at test time with qemu-img (plain,
zlib-compressed, version 2 via compat=0.10, extended L2 entries) and turned
into an overlay over a backing file with a snapshot taken before qemu-io
wrote into it (tests/lib/corpus.py).  Checks:
  - every byte dof reads through the reader equals qemu-img's own raw
    conversion (qemu-img convert -O raw, -l snapshot.name= for a snapshot);
  - dof's status / list-containers / list-images / diff on the qcow2 equal
    its output on qemu's raw image (provenance and the evidence's path,
    format and qcow2 section aside);
  - status lists what qemu-img info / snapshot -l say (snapshots, backing
    file, compressed clusters);
  - a missing backing file, an encrypted (LUKS) image, zstd compression and
    an unknown snapshot are refused by name with their exit codes.
"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
READ = os.path.join(corpus.BUILDDIR, "tests", "truth", "dof-read-image")
VARIANT = "host-a-clean"

if not (corpus.have("qemu-img") and corpus.have("qemu-io")):
    t.skip_all("qemu-img/qemu-io (qemu-utils) not installed")
if VARIANT not in corpus.variants():
    t.skip_all("images/real/%s.raw.xz not present" % VARIANT)


def read_sha(path, *opts):
    """sha256 of every byte dof's byte source yields for path."""
    import hashlib
    p = subprocess.Popen([READ] + list(opts) + [path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    h = hashlib.sha256()
    for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
        h.update(chunk)
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait()
    return p.returncode, h.hexdigest(), err


def strip(doc):
    """A JSON document without what names the evidence file itself."""
    doc = json.loads(json.dumps(doc))
    doc.pop("dof", None)  # provenance: command line, time, evidence
    ev = (doc.get("status") or {}).get("evidence")
    if isinstance(ev, dict):
        for k in ("path", "format", "qcow2"):
            ev.pop(k, None)
    return doc


def same_output(label, img, oracle, *args):
    rc1, a, e1 = corpus.dof(*(list(args) + [img]))
    rc2, b, e2 = corpus.dof(*(list(args) + [oracle]))
    if "--json" in args:
        try:
            a, b = strip(json.loads(a)), strip(json.loads(b))
        except ValueError as ex:
            t.ok(False, "%s: %s is JSON" % (label, args[0]), str(ex))
            return
    t.ok(rc1 == rc2 and a == b,
         "%s: dof %s equals its output on qemu's raw image (exit %d)"
         % (label, args[0], rc1),
         "exit %d vs %d\n%s\n%s" % (rc1, rc2, e1[-400:], e2[-400:]))


def oracle_raw(img, out, *extra):
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(img):
        subprocess.run(["qemu-img", "convert", "-O", "raw"] + list(extra)
                       + [img, out + ".tmp"], check=True)
        os.replace(out + ".tmp", out)
    return out


def status(img, *opts):
    rc, out, err = corpus.dof("status", "--json", *(list(opts) + [img]))
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err


def qemu_info(img):
    return json.loads(subprocess.run(
        ["qemu-img", "info", "--output=json", img], check=True,
        stdout=subprocess.PIPE).stdout)


containers = [c["Id"] for c in corpus.truth(VARIANT, "containers.json")][:3]

# ---- plain, compressed, version 2: bytes and outputs ----
for fmt in ("qcow2", "qcow2c", "qcow2v2"):
    img = corpus.converted(VARIANT, fmt)
    oracle = oracle_raw(img, img + ".oracle.raw")
    rc, got, err = read_sha(img)
    t.ok(rc == 0 and got == corpus.sha256(oracle),
         "%s: every byte read equals qemu-img convert -O raw" % fmt, err)
    rc, st, err = status(img)
    ev = (st or {}).get("status", {}).get("evidence", {})
    q = ev.get("qcow2") or {}
    t.eq(ev.get("format"), "qcow2", "%s: status format is qcow2" % fmt)
    t.eq(q.get("version"), 2 if fmt == "qcow2v2" else 3,
         "%s: version as qemu-img info compat says" % fmt)
    t.eq(q.get("virtual_size"), qemu_info(img)["virtual-size"],
         "%s: virtual size as qemu-img info" % fmt)
    t.eq(q.get("compressed"), fmt == "qcow2c",
         "%s: compressed clusters reported exactly for convert -c" % fmt)
    same_output(fmt, img, oracle, "status", "--json")
    same_output(fmt, img, oracle, "list-containers", "--json")
    same_output(fmt, img, oracle, "list-images", "--json")
    for c in containers if fmt == "qcow2c" else containers[:1]:
        same_output("%s %s" % (fmt, c[:12]), img, oracle, "diff", "--json",
                    "--container", c)

# ---- overlay over a backing file, a snapshot taken before the writes ----
d = corpus.qcow2_overlay(VARIANT)
top = os.path.join(d, "top.qcow2")
rc, got, err = read_sha(top)
t.ok(rc == 0 and got == corpus.sha256(os.path.join(d, "top.raw")),
     "overlay: bytes equal qemu's raw of the overlay (backing + writes)", err)
t.ok(corpus.sha256(os.path.join(d, "top.raw"))
     != corpus.sha256(corpus.raw(VARIANT)), "overlay: the writes changed bytes")
rc, got, err = read_sha(top, "--snapshot", "before")
t.ok(rc == 0 and got == corpus.sha256(os.path.join(d, "before.raw")),
     "overlay --snapshot before: bytes equal qemu's raw of the snapshot", err)
same_output("overlay", top, os.path.join(d, "top.raw"), "list-containers",
            "--json")
same_output("overlay", top, os.path.join(d, "top.raw"), "status", "--json")
rc, st, err = status(top)
q = (st or {}).get("status", {}).get("evidence", {}).get("qcow2") or {}
info = qemu_info(top)
t.eq([b.get("name") for b in q.get("backing", [])],
     [info.get("backing-filename")],
     "overlay: status names the backing file as qemu-img info does")
snaps = info.get("snapshots") or []
t.eq([(s.get("name"), s.get("id")) for s in q.get("snapshots", [])],
     [(s["name"], s["id"]) for s in snaps],
     "overlay: snapshots (name, id) as qemu-img lists them")
if snaps:
    s0 = snaps[0]
    want = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s0["date-sec"])) \
        + ".%09dZ" % s0["date-nsec"]
    t.eq(q.get("snapshots", [{}])[0].get("date"), want,
         "overlay: snapshot date as qemu-img lists it")
    t.eq(q.get("snapshots", [{}])[0].get("vm_state_size"),
         snaps[0]["vm-state-size"], "overlay: snapshot VM state size")
t.eq(q.get("snapshot_read"), None, "overlay: the active state is read")
rc, st, err = status(top, "--snapshot", "before")
q = (st or {}).get("status", {}).get("evidence", {}).get("qcow2") or {}
t.eq(q.get("snapshot_read"), "before", "--snapshot before: status says so")

# missing backing file: exit 3, named; --backing PATH supplies it
lone = os.path.join(corpus.CACHE, VARIANT + ".qcow2-lone")
shutil.rmtree(lone, ignore_errors=True)
os.makedirs(lone)
shutil.copy(top, lone)
rc, out, err = corpus.dof("list-containers", os.path.join(lone, "top.qcow2"))
t.ok(rc == 3 and "base.qcow2" in err and "backing" in err,
     "missing backing file: exit 3 naming it (exit %d)" % rc, err)
rc1, a, _ = corpus.dof("list-containers", "--json", "--backing",
                       os.path.join(d, "base.qcow2"),
                       os.path.join(lone, "top.qcow2"))
rc2, b, _ = corpus.dof("list-containers", "--json", os.path.join(d, "top.raw"))
t.ok(rc1 == rc2 and strip(json.loads(a)) == strip(json.loads(b)),
     "--backing PATH: the overlay reads as with the file next to it")
rc, out, err = corpus.dof("status", "--snapshot", "nosuch", top)
t.ok(rc == 2 and "nosuch" in err and "before" in err,
     "unknown snapshot: exit 2, the message lists the snapshots", err)
rc, out, err = corpus.dof("status", "--backing", top, corpus.raw(VARIANT))
t.ok(rc == 2 and "qcow2" in err, "--backing on a raw image: exit 2", err)

# an overlay whose header names itself as its backing file (qemu-img info
# --backing-chain calls it an infinite loop): exit 3, never an endless chain
with open(top, "rb") as f:
    hdr = bytearray(f.read())
boff, blen = int.from_bytes(hdr[8:16], "big"), int.from_bytes(hdr[16:20], "big")
if hdr[boff:boff + blen] == b"base.qcow2":
    hdr[boff:boff + blen] = b"loop.qcow2"
    loop = os.path.join(lone, "loop.qcow2")
    with open(loop, "wb") as f:
        f.write(hdr)
    qrc = subprocess.run(["qemu-img", "info", "--backing-chain", loop],
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL).returncode
    rc, out, err = corpus.dof("status", loop)
    t.ok(qrc != 0 and rc == 3 and "loops" in err,
         "backing chain naming itself: qemu-img refuses, dof exit 3 (%d)" % rc,
         err)

# a qcow2 cut short (an interrupted copy): qemu-img check finds the data
# past the end; qemu-img convert reads it as zeros, and so does dof, with
# one warning naming the cut (exit 1)
plain = corpus.converted(VARIANT, "qcow2")
cut = os.path.join(lone, "cut.qcow2")
with open(plain, "rb") as f, open(cut, "wb") as g:
    g.write(f.read(os.path.getsize(plain) // 2))
qrc = subprocess.run(["qemu-img", "check", cut], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL).returncode
rc, got, err = read_sha(cut)
t.ok(qrc != 0 and rc == 0 and got == corpus.sha256(oracle_raw(cut, cut + ".raw")),
     "qcow2 cut in half: qemu-img check fails; bytes equal qemu's raw", err)
rc, out, err = corpus.dof("list-containers", cut)
t.ok(rc == 1 and err.count("cut short") == 1,
     "qcow2 cut in half: dof warns once about the cut, exit %d" % rc,
     err[-600:])

# ---- extended L2 entries (subclusters): overlay written in part ----
ext = os.path.join(d, "ext.qcow2")
if not os.path.exists(ext):
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o",
                    "extended_l2=on,cluster_size=128k", "-b", "base.qcow2",
                    "-F", "qcow2", ext], check=True)
    subprocess.run(["qemu-io", "-c", "write -P 0xab 250M 4k", "-c",
                    "write -z 251M 12k", "-c", "write -P 0xcd 252M 100k",
                    ext], check=True, stdout=subprocess.DEVNULL)
rc, got, err = read_sha(ext)
t.ok(rc == 0 and got == corpus.sha256(oracle_raw(ext, ext + ".raw")),
     "extended L2 overlay: bytes equal qemu's raw (subclusters)", err)

# ---- refused by name ----
enc = os.path.join(d, "luks.qcow2")
if not os.path.exists(enc):
    subprocess.run(["qemu-img", "create", "-q", "--object",
                    "secret,id=sec0,data=dof-test", "-f", "qcow2", "-o",
                    "encrypt.format=luks,encrypt.key-secret=sec0", enc, "16M"],
                   check=True)
rc, out, err = corpus.dof("status", enc)
t.ok(rc == 3 and "encrypted" in err and "LUKS" in err,
     "LUKS-encrypted qcow2: exit 3, refused by name (exit %d)" % rc, err)
zstd = os.path.join(d, "zstd.qcow2")
if not os.path.exists(zstd):
    r = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o",
                        "compression_type=zstd", zstd, "16M"])
if os.path.exists(zstd):
    rc, out, err = corpus.dof("status", zstd)
    t.ok(rc == 3 and "zstd" in err,
         "zstd-compressed qcow2: exit 3, refused by name (exit %d)" % rc, err)
t.done()
