#!/usr/bin/env python3
"""bodyfile_truth.py - dof macrobber-container-layer / macrobber-volumes
against TSK's own `fls -r -m` over the same directories of the same image,
and against the real `mactime` (every line must be accepted).

Images: images/synth/make-synth.sh OUTDIR good (built here), and every
images/real/*.raw.xz with its <variant>.truth/ (containers.json = docker
inspect: GraphDriver.Data.UpperDir, Mounts; meta.json: partitions, data
root).  Truth = fls output and the engine's own records, never dof's.

Documented differences from fls, normalised before comparing:
  - names: dof encodes (\\xNN, \\\\); fls prints raw bytes with control
    bytes as '^' -> decode dof's name, apply fls's '^' rule;
  - long symlink targets: dof always prints "-> target", fls only for
    targets stored in the inode -> compare without the target then;
  - whiteouts: dof "NAME (whiteout)", fls "NAME" (a c/c--------- entry);
  - opaque directories: dof adds " (opaque)".
Prints TAP.
"""
import glob
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


T = Tap()
ok = T.ok


def cli_cmd():
    dof = os.environ.get("DOF", os.path.join(BUILD, "dof"))
    try:
        r = subprocess.run([dof, "macrobber-container-layer", "--help"],
                           capture_output=True)
        if r.returncode == 0:
            return [dof]
    except OSError:
        pass
    return [dof]


CLI = cli_cmd()


def decode_dof(name: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(name):
        if name[i:i + 2] == b"\\\\":
            out += b"\\"
            i += 2
        elif name[i:i + 2] == b"\\x" and re.fullmatch(rb"[0-9a-f]{2}", name[i + 2:i + 4]):
            out.append(int(name[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(name[i])
            i += 1
    return bytes(out)


def fls_style(raw: bytes) -> bytes:
    # fls prints control bytes as '^'
    return bytes(ord("^") if b < 0x20 or b == 0x7f else b for b in raw)


def split_line(line: bytes):
    f = line.split(b"|")
    if len(f) < 11:
        return None
    name = b"|".join(f[1:len(f) - 9])
    return [f[0], name] + f[len(f) - 9:]


def parse_fls(out: bytes):
    ents = {}
    for line in out.split(b"\n"):
        if not line:
            continue
        f = split_line(line)
        if f is None:
            continue
        name = f[1]
        link = None
        if b" -> " in name and f[3].startswith(b"l/"):
            name, link = name.split(b" -> ", 1)
        ents.setdefault(name, []).append((tuple(f[2:]), link))
    return ents


def parse_dof(out: bytes):
    """(normalised name -> [(fields, link)]), problems"""
    ents = {}
    bad = []
    for line in out.split(b"\n"):
        if not line:
            continue
        f = line.split(b"|")
        if len(f) != 11:
            bad.append(line)
            continue
        name = f[1]
        link = None
        mode = f[3]
        for marker in (b" (opaque)",):
            if name.endswith(marker):
                name = name[:-len(marker)]
        if name.endswith(b" (whiteout)") and mode.startswith(b"c/c"):
            name = name[:-len(b" (whiteout)")]   # whiteout
        if mode.startswith(b"l/") and b" -> " in name:
            name, link = name.split(b" -> ", 1)
            link = fls_style(decode_dof(link))
        ents.setdefault(fls_style(decode_dof(name)), []).append((tuple(f[2:]), link))
    return ents, bad


def compare(dof_ents, fls_ents, what):
    diffs = []
    for name in sorted(set(dof_ents) | set(fls_ents)):
        d = dof_ents.get(name, [])
        f = fls_ents.get(name, [])
        dset = sorted(x[0] for x in d)
        fset = sorted(x[0] for x in f)
        if dset != fset:
            diffs.append(f"{name!r}: dof {dset} fls {fset}")
            continue
        for (df, dl), (ff, fl) in zip(sorted(d), sorted(f)):
            if fl is not None and dl != fl:
                diffs.append(f"{name!r}: link dof {dl!r} fls {fl!r}")
            if df[1].startswith(b"l/") and dl is None:
                diffs.append(f"{name!r}: dof shows no symlink target")
    ok(not diffs, f"{what}: same entries, inodes, modes, sizes and times as fls "
       f"({len(fls_ents)} names)", "\n".join(diffs))


def mactime_rows_expected(body: bytes):
    keys = set()
    for line in body.split(b"\n"):
        f = line.split(b"|")
        if len(f) != 11:
            continue
        times = [int(float(x)) for x in f[7:11]]
        if not any(times):
            continue
        for t in set(times):
            keys.add((t, f[2], f[1]))
    return len(keys)


def check_mactime(body: bytes, what, tmp):
    if shutil.which("mactime") is None:
        ok(True, f"{what}: mactime not installed # SKIP")
        return
    p = os.path.join(tmp, "body.txt")
    with open(p, "wb") as fh:
        fh.write(body)
    r = subprocess.run(["mactime", "-b", p, "-d", "-y", "-z", "UTC"],
                       capture_output=True)
    rows = [l for l in r.stdout.split(b"\n")[1:] if l]
    want = mactime_rows_expected(body)
    ok(r.returncode == 0 and len(rows) == want,
       f"{what}: mactime accepts every line ({len(rows)} rows, expected {want})",
       r.stderr.decode(errors="replace"))


def run_dof(args):
    r = subprocess.run(CLI + args, capture_output=True)
    return r.returncode, r.stdout, r.stderr


def ifind(img, off_sectors, path):
    r = subprocess.run(["ifind", "-o", str(off_sectors), "-n", path, img],
                       capture_output=True)
    t = r.stdout.decode().strip()
    return t if re.fullmatch(r"\d+", t) else None


def fls(img, off_sectors, ino):
    r = subprocess.run(["fls", "-r", "-m", "/", "-o", str(off_sectors), img, ino],
                       capture_output=True)
    return r.stdout


def rebase(ents, dest):
    if dest == "/":
        return ents
    d = dest.encode()
    return {d + k: v for k, v in ents.items()}


def check_container(img, off, name, upper_fs, mounts, tmp, label):
    """upper_fs: upper dir path on the fs; mounts: [(dest, src path on fs)]"""
    rc, out, err = run_dof(["macrobber-container-layer", "--container", name,
                            "-o", str(off), img])
    ok(rc in (0, 1), f"{label} {name}: macrobber-container-layer ran (exit {rc})",
       err.decode(errors="replace"))
    dents, bad = parse_dof(out)
    ok(not bad, f"{label} {name}: every line has 11 fields", b"\n".join(bad[:5]).decode(errors="replace"))
    ino = ifind(img, off, upper_fs)
    ok(ino is not None, f"{label} {name}: ifind finds the upper dir {upper_fs}")
    if ino:
        compare(dents, parse_fls(fls(img, off, ino)), f"{label} {name} layer")
    check_mactime(out, f"{label} {name} layer", tmp)
    rc, vout, err = run_dof(["macrobber-volumes", "--container", name, "-o", str(off), img])
    ok(rc in (0, 1), f"{label} {name}: macrobber-volumes ran (exit {rc})", err.decode(errors="replace"))
    want = {}
    for dest, src in mounts:
        vino = ifind(img, off, src)
        if vino is None:
            continue  # not on this fs (dof warns)
        # TSK's virtual $OrphanFiles (listed when the fs root is walked)
        fe = {k: v for k, v in parse_fls(fls(img, off, vino)).items()
              if b"/$OrphanFiles" not in k}
        if not fe:
            # a bind-mounted file: one entry at its destination
            continue
        for k, v in rebase(fe, dest).items():
            want.setdefault(k, []).extend(v)
    vents, bad = parse_dof(vout)
    # only directory sources are compared (file binds have no fls walk)
    vents = {k: v for k, v in vents.items() if any(k.startswith(d.encode().rstrip(b"/") + b"/") or d == "/" for d, _ in mounts)}
    if want or vents:
        compare(vents, want, f"{label} {name} volumes")
        check_mactime(vout + out, f"{label} {name} layer+volumes", tmp)


def synth_cases(tmp):
    out = os.path.join(tmp, "synth")
    r = subprocess.run(["sh", os.path.join(SRC, "images/synth/make-synth.sh"), out, "good"],
                       capture_output=True)
    if r.returncode != 0:
        ok(False, "make-synth.sh good", r.stderr.decode(errors="replace"))
        return
    exp = json.load(open(os.path.join(out, "good.expect.json")))
    img = os.path.join(out, exp["image"])
    root = exp["data_roots"][0]["path"]
    off = exp["data_roots"][0]["volume_offset_bytes"] // 512
    for c in exp["containers"]:
        upper = f"{root}/overlay2/{c['mount_id']}/diff"
        mounts = [(m["destination"], m["source"]) for m in
                  exp.get("mount_points", {}).get(c["name"], [])]
        check_container(img, off, c["name"], upper, mounts, tmp, "synth good")


def real_cases(tmp):
    imgs = sorted(glob.glob(os.path.join(SRC, "images/real/*.raw.xz")))
    for xz in imgs:
        variant = os.path.basename(xz)[:-len(".raw.xz")]
        tdir = os.path.join(os.path.dirname(xz), variant + ".truth")
        try:
            meta = json.load(open(os.path.join(tdir, "meta.json")))
            cj = json.load(open(os.path.join(tdir, "containers.json")))
        except (OSError, ValueError) as e:
            ok(True, f"real {variant}: no truth ({e}) # SKIP")
            continue
        img = os.path.join(tmp, variant + ".raw")
        with lzma.open(xz) as src, open(img, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        parts = meta["partitions"]

        def on_fs(path):
            best = max((p for p in parts if path == p["mountpoint"] or
                        path.startswith(p["mountpoint"].rstrip("/") + "/")),
                       key=lambda p: len(p["mountpoint"]), default=None)
            if best is None:
                return None, None
            rel = "/" + path[len(best["mountpoint"].rstrip("/")):].lstrip("/")
            return best["offset_bytes"] // 512, rel

        for c in cj:
            name = c["Name"].lstrip("/")
            gd = (c.get("GraphDriver") or {}).get("Data") or {}
            upper = gd.get("UpperDir")
            if not upper:
                ok(True, f"real {variant} {name}: no UpperDir # SKIP")
                continue
            off, upper_fs = on_fs(upper)
            mounts = []
            for m in c.get("Mounts") or []:
                if m.get("Type") not in ("volume", "bind"):
                    continue
                moff, src = on_fs(m.get("Source", ""))
                if src is not None and moff == off:
                    mounts.append((m["Destination"], src))
            check_container(img, off, name, upper_fs, mounts, tmp, f"real {variant}")
        os.unlink(img)


def main():
    if shutil.which("fls") is None or shutil.which("ifind") is None:
        print("1..0 # SKIP sleuthkit (fls, ifind) not installed")
        return 0
    tmp = tempfile.mkdtemp(prefix="bodyfile-truth.")
    try:
        synth_cases(tmp)
        real_cases(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
