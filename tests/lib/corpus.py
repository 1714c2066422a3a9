"""Shared helpers for the integration tests: the committed real-engine corpus
(images/real/*.raw.xz + <variant>.truth/), unpacking and format conversion into a
cache under the build directory, running the dof binary, and TAP output.

Expected values come only from the truth files the engine produced."""
import hashlib
import json
import os
import shutil
import subprocess

from tap import Tap  # noqa: F401 (the tests use corpus.Tap)

SRCDIR = os.environ.get("DOF_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILDDIR = os.environ.get("DOF_BUILDDIR") or os.getcwd()
DOF = os.environ.get("DOF") or os.path.join(BUILDDIR, "dof")
REAL = os.environ.get("DOF_REAL_IMAGES") or os.path.join(SRCDIR, "images", "real")
CACHE = os.path.join(BUILDDIR, "tests", "cache")


def variants():
    """Committed real-engine variants that have ground truth."""
    if not os.path.isdir(REAL):
        return []
    out = []
    for f in sorted(os.listdir(REAL)):
        if f.endswith(".raw.xz"):
            v = f[:-len(".raw.xz")]
            if os.path.isdir(os.path.join(REAL, v + ".truth")):
                out.append(v)
    return out


def truth(variant, name):
    with open(os.path.join(REAL, variant + ".truth", name), "rb") as f:
        return json.loads(f.read().decode("utf-8", "surrogateescape"))


def truth_path(variant, *parts):
    return os.path.join(REAL, variant + ".truth", *parts)


def raw(variant):
    """Unpack images/real/<variant>.raw.xz once into the cache."""
    os.makedirs(CACHE, exist_ok=True)
    out = os.path.join(CACHE, variant + ".raw")
    src = os.path.join(REAL, variant + ".raw.xz")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        tmp = out + ".tmp%d" % os.getpid()
        with open(tmp, "wb") as f:
            subprocess.run(["xz", "-dc", src], stdout=f, check=True)
        os.replace(tmp, out)
    return out


def converted(variant, fmt):
    """The same bytes as E01 (several segments), VMDK, VHD, split raw or
    qcow2 (plain "qcow2", compressed "qcow2c", version 2 "qcow2v2")."""
    src = raw(variant)
    base = os.path.join(CACHE, variant)
    if fmt == "raw":
        return src

    def stale(path):
        return (not os.path.exists(path)
                or os.path.getmtime(path) < os.path.getmtime(src))
    if fmt == "e01":
        out = base + ".E01"
        if stale(out):
            for f in os.listdir(CACHE):
                if f.startswith(variant + ".E"):
                    os.unlink(os.path.join(CACHE, f))
            subprocess.run(["ewfacquire", "-u", "-q", "-t", base, "-f", "encase6",
                            "-c", "deflate:fast", "-S", "1MiB", src],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           check=True)
        return out
    if fmt in ("vmdk", "vhd"):
        out = base + "." + fmt
        if stale(out):
            if os.path.exists(out):
                os.unlink(out)
            # the VMDK descriptor names its extent file: write it in place
            try:
                subprocess.run(["qemu-img", "convert", "-O",
                                "vmdk" if fmt == "vmdk" else "vpc", src, out],
                               check=True)
            except BaseException:
                if os.path.exists(out):
                    os.unlink(out)
                raise
        return out
    if fmt in QCOW2:
        out = base + "." + fmt
        if stale(out):
            tmp = out + ".tmp%d" % os.getpid()
            subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2"]
                           + QCOW2[fmt] + [src, tmp], check=True)
            os.replace(tmp, out)
        return out
    if fmt == "split":
        out = base + ".split.000"
        if stale(out):
            subprocess.run(["split", "-d", "-a", "3", "-b", "64M", src,
                            base + ".split."], check=True)
        return out
    raise ValueError(fmt)


# qcow2 variants of converted(): qemu-img convert options
QCOW2 = {"qcow2": [], "qcow2c": ["-c"], "qcow2v2": ["-o", "compat=0.10"]}


def qcow2_overlay(variant):
    """A qcow2 overlay over the variant (qemu-img create -b) with a snapshot
    "before" taken while it was empty, then data written into it with
    qemu-io (whole and partial clusters, a zero range).  Returns the
    directory holding base.qcow2 and top.qcow2 (which names base.qcow2),
    and qemu's own raw conversion of both states (top.raw, before.raw)."""
    src = raw(variant)
    d = os.path.join(CACHE, variant + ".qcow2-overlay")
    top = os.path.join(d, "top.qcow2")
    if os.path.exists(os.path.join(d, "done")) and \
            os.path.getmtime(top) >= os.path.getmtime(src):
        return d
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)

    def q(*argv):
        subprocess.run(list(argv), check=True, stdout=subprocess.DEVNULL)
    q("qemu-img", "convert", "-f", "raw", "-O", "qcow2", src,
      os.path.join(d, "base.qcow2"))
    q("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2",
      "-F", "qcow2", top)
    q("qemu-img", "snapshot", "-c", "before", top)
    q("qemu-io", "-c", "write -P 0xab 250M 4k", "-c", "write -z 251M 64k",
      "-c", "write -P 0xcd 252M 1M", "-c", "write -P 0x11 1000k 8k", top)
    q("qemu-img", "convert", "-O", "raw", top, os.path.join(d, "top.raw"))
    q("qemu-img", "convert", "-O", "raw", "-l", "snapshot.name=before", top,
      os.path.join(d, "before.raw"))
    open(os.path.join(d, "done"), "w").close()
    return d


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dof(*args, check_json=False):
    """Run dof; returns (exit code, stdout bytes, stderr text)."""
    p = subprocess.run([DOF] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    out = p.stdout
    if check_json:
        out = json.loads(out.decode("utf-8"))
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def have(cmd):
    return shutil.which(cmd) is not None
