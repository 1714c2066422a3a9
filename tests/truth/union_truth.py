#!/usr/bin/env python3
"""union_truth.py - the union view (dof ls/cat/diff) against truth that
did not come from dof:

* synthetic hosts (images/synth/make-synth.sh, or $DOF_SYNTH_DIR): every
  container's "merged" expectation (type, size, sha256, symlink target,
  winning layer; null = absent);
* real dockerd hosts (images/real/<variant>.raw.xz + <variant>.truth/
  diff/<container>.json, the API's /containers/{id}/changes): `dof diff`
  must equal it as a set (invalid UTF-8 -> U+FFFD per byte, as Go does).

TAP output.  Runs $DOF (the dof binary).
"""
import glob
import hashlib
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import Tap  # noqa: E402

SRC = os.environ.get("DOF_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("DOF_BUILDDIR", ".")
CLI = os.environ.get("DOF_UNION_CLI") or os.environ.get("DOF") or os.path.join(BUILD, "dof")


# Expectations that contradict their own case notes (generator bugs), so
# a mismatch there is reported as TODO, not as a failure.
KNOWN_BAD = {
    ("hostile-names", "/opt/linkdir/inner.txt"):
        "make_synth merged() keeps children of a dir replaced by a symlink; "
        "its export_notes say the path is hidden",
}


T = Tap()
ok = T.ok


def run(*args):
    p = subprocess.run([CLI] + [a if isinstance(a, bytes) else a.encode()
                                for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def decode_name(enc):
    """dof_name_encode -> raw bytes."""
    out = bytearray()
    i = 0
    b = enc.encode("utf-8")
    while i < len(b):
        if b[i:i + 2] == b"\\\\":
            out += b"\\"
            i += 2
        elif b[i:i + 2] == b"\\x" and re.match(rb"[0-9a-f]{2}", b[i + 2:i + 4]):
            out.append(int(b[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(b[i])
            i += 1
    return bytes(out)


def go_utf8(raw):
    """Go's encoding/json: each invalid byte becomes U+FFFD."""
    out = []
    i = 0
    while i < len(raw):
        for ln in (1, 2, 3, 4):
            try:
                out.append(raw[i:i + ln].decode("utf-8"))
                i += ln
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append("\ufffd")
            i += 1
    return "".join(out)


def layer_name(src):
    """`--source` column -> the synth expectation's naming."""
    if src.startswith("layer "):
        return "image:" + src.split()[1]
    return src.split()[0]


def synth_cases():
    d = os.environ.get("DOF_SYNTH_DIR")
    tmp = None
    if not d:
        if shutil.which("mke2fs") is None or shutil.which("debugfs") is None:
            return None, None
        tmp = tempfile.mkdtemp(prefix="union-synth.")
        p = subprocess.run(["sh", os.path.join(SRC, "images/synth/make-synth.sh"),
                            tmp, "good", "container-layer-copy-removed",
                            "aufs-handmade", "deep-chain-200", "hostile-names"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if p.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            return None, None
        d = tmp
    return d, tmp


def check_synth(d):
    for f in sorted(glob.glob(os.path.join(d, "*.expect.json"))):
        exp = json.load(open(f))
        merged = exp.get("merged")
        if not isinstance(merged, dict) or not merged:
            continue
        img = os.path.join(d, exp["image"])
        if not os.path.exists(img):
            continue
        for cname, paths in sorted(merged.items()):
            bad = []
            todo = []
            for path, want in sorted(paths.items()):
                if (exp["case"], path) in KNOWN_BAD:
                    todo.append(path)
                rawpath = decode_name(path)
                rc, out, err = run("ls", "-l", "--source", "--no-mounts", "-q",
                                   "--container", cname, img, rawpath)
                if want is None:
                    if rc != 5:
                        bad.append("%s: want absent, got rc %d %r" % (path, rc, out[:200]))
                    continue
                if rc not in (0, 1):
                    bad.append("%s: rc %d %s" % (path, rc, err.decode(errors="replace")[:200]))
                    continue
                line = out.decode().rstrip("\n")
                body, _, src = line.partition("\t")
                fields = body.split(" ", 5)
                if "\n" in line or len(fields) < 6:
                    bad.append("%s: unexpected ls output %r" % (path, line[:200]))
                    continue
                mode, size = fields[0], int(fields[3])
                types = {"-": "file", "d": "dir", "l": "symlink", "c": "char"}
                if types.get(mode[0]) != want["type"]:
                    bad.append("%s: type %s, want %s" % (path, mode[0], want["type"]))
                if layer_name(src) != want["layer"].split(":")[0] + (
                        ":" + want["layer"].split(":")[1]
                        if want["layer"].startswith("image:") else ""):
                    bad.append("%s: layer %r, want %r" % (path, src, want["layer"]))
                if want["type"] == "symlink":
                    tgt = fields[5].split(" -> ", 1)[1] if " -> " in fields[5] else None
                    if tgt is None or decode_name(tgt) != want["target"].encode("utf-8", "surrogateescape"):
                        bad.append("%s: target %r, want %r" % (path, tgt, want["target"]))
                    continue
                if size != want["size"]:
                    bad.append("%s: size %d, want %d" % (path, size, want["size"]))
                rc, data, err = run("cat", "-q", "--no-mounts", "--container",
                                    cname, img, rawpath)
                if rc not in (0, 1) or hashlib.sha256(data).hexdigest() != want["sha256"]:
                    bad.append("%s: sha256 mismatch (rc %d)" % (path, rc))
            real_bad = [x for x in bad if x.split(":")[0] not in todo]
            ok(not real_bad, "%s: %s: %d merged paths as expected" % (exp["case"], cname, len(paths)),
               "\n".join(real_bad))
            for t in todo:
                tb = [x for x in bad if x.split(":")[0] == t]
                ok(not tb, "%s: %s: %s" % (exp["case"], cname, t), "\n".join(tb),
                   todo=KNOWN_BAD[(exp["case"], t)])


def check_real():
    variants = sorted(glob.glob(os.path.join(SRC, "images/real/*.raw.xz")))
    for xz in variants:
        var = os.path.basename(xz)[:-len(".raw.xz")]
        truth = os.path.join(os.path.dirname(xz), var + ".truth", "diff")
        files = sorted(glob.glob(os.path.join(truth, "*.json")))
        if not files:
            continue
        fd, raw = tempfile.mkstemp(suffix=".raw", prefix="union-real.")
        try:
            with os.fdopen(fd, "wb") as o, lzma.open(xz) as i:
                shutil.copyfileobj(i, o, 1 << 20)
            for tf in files:
                cname = os.path.basename(tf)[:-5]
                want = set()
                for ch in json.load(open(tf)) or []:
                    want.add(("CAD"[ch["Kind"]], ch["Path"]))
                rc, out, err = run("diff", "-q", "--container", cname, raw)
                got = set()
                for line in out.decode().splitlines():
                    k, _, p = line.partition(" ")
                    got.add((k, go_utf8(decode_name(p))))
                diag = "rc %d %s\nmissing: %s\nextra: %s" % (
                    rc, err.decode(errors="replace")[:300],
                    sorted(want - got)[:20], sorted(got - want)[:20])
                ok(rc in (0, 1) and got == want,
                   "%s: %s: dof diff == docker diff (%d changes)" % (var, cname, len(want)),
                   diag)
        finally:
            os.unlink(raw)


def main():
    if not os.access(CLI, os.X_OK):
        print("1..0 # SKIP %s not built" % CLI)
        return 0
    d, tmp = synth_cases()
    try:
        if d:
            check_synth(d)
        check_real()
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if T.n == 0:
        print("1..0 # SKIP no synthetic or real images to check")
        return 0
    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
