#!/usr/bin/env python3
"""Mutated qcow2 images through the dof CLI (the mutation harness for
dof's qcow2 reader; robust.c mutates raw images in memory).

The committed real host, converted by qemu-img (plain and zlib-compressed),
is copied ROBUST_QCOW2_N times (default 40, seed ROBUST_SEED) with a few
bytes overwritten where the reader looks: the header, the L1 table, the L2
tables, a compressed cluster, or anywhere.  Each mutant goes through
`dof list-containers --json` and `dof status --json`: no crash, no
sanitizer report, no hang (120 s), an exit status from the documented set
(0, 1, 3, 4), and a JSON document whenever the exit status says the
evidence was read."""
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
VARIANT = "host-a-clean"
N = int(os.environ.get("ROBUST_QCOW2_N", "40"))
rng = random.Random(int(os.environ.get("ROBUST_SEED", "7")))

# as robust.c: the slow unwinder, so that tests/lsan.supp's libtsk frames
# (a damaged ext4 extent tree leaks inside TSK) are seen in a leak's stack
os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                              ":fast_unwind_on_malloc=0").lstrip(":")

if not corpus.have("qemu-img"):
    t.skip_all("qemu-img not installed")
if VARIANT not in corpus.variants():
    t.skip_all("images/real/%s.raw.xz not present" % VARIANT)


def regions(data):
    """(name, start, length) of the places the reader decodes."""
    cb = struct.unpack(">I", data[20:24])[0]
    cs = 1 << cb
    l1n, l1off = struct.unpack(">IQ", data[36:48])
    out = [("header", 0, 112), ("L1", l1off, l1n * 8)]
    l2s = []
    for i in range(min(l1n, 64)):
        e = struct.unpack(">Q", data[l1off + 8 * i:l1off + 8 * i + 8])[0]
        off = e & 0x00fffffffffffe00
        if off:
            l2s.append(off)
            out.append(("L2", off, cs))
    for off in l2s[:4]:
        for j in range(cs // 8):
            e = struct.unpack(">Q", data[off + 8 * j:off + 8 * j + 8])[0]
            if e & (1 << 62):
                shift = 62 - (cb - 8)
                out.append(("compressed", e & ((1 << shift) - 1), 512))
                break
    out.append(("anywhere", 0, len(data)))
    return [r for r in out if r[1] + r[2] <= len(data) and r[2] > 0]


tmp = tempfile.mkdtemp(prefix="dof-qcow2-mut.")
for fmt in ("qcow2", "qcow2c"):
    src = open(corpus.converted(VARIANT, fmt), "rb").read()
    regs = regions(src)
    for k in range(N // 2):
        data = bytearray(src)
        name, start, length = rng.choice(regs)
        what = []
        for _ in range(rng.randint(1, 8)):
            pos = start + rng.randrange(length)
            data[pos] = rng.randrange(256)
            what.append(pos)
        path = os.path.join(tmp, "m.qcow2")
        with open(path, "wb") as f:
            f.write(data)
        label = "%s mutant %d (%s bytes %s)" % (fmt, k, name, what[:4])
        for cmd in ("list-containers", "status"):
            try:
                p = subprocess.run([corpus.DOF, cmd, "--json", path],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=120)
            except subprocess.TimeoutExpired:
                t.ok(False, "%s: %s finishes within 120 s" % (label, cmd))
                continue
            err = p.stderr.decode("utf-8", "replace")
            good = p.returncode in (0, 1, 3, 4) and "Sanitizer" not in err \
                and "runtime error" not in err
            if good and p.returncode in (0, 1) or \
                    (p.returncode == 4 and cmd == "status"):
                try:
                    json.loads(p.stdout)
                except ValueError:
                    good = False
            t.ok(good, "%s: %s exit %d" % (label, cmd, p.returncode),
                 err[-800:])
        os.unlink(path)
os.rmdir(tmp)
t.done()
