#!/usr/bin/env python3
"""integrity.py - dof never changes the evidence (issue 7).

For every test image (images/synth: raw, split raw, E01 segments, VMDK,
VHD, a truncated E01; one decompressed images/real image) and every
command `dof --help` lists:
- the image files' size, mtime and ctime are unchanged after each run,
  and their SHA-256 is unchanged after all of them (hashed before and
  after);
- under strace, no open of an evidence file (any segment) asks for write
  access (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND);
- the exit code is one of the documented ones (0-7), never a signal.
Commands that need a container, an image or a path get the first ones
the image lists; exports and case databases go to a scratch directory;
the FUSE mounts run in the foreground, are walked and unmounted.  Commands
that land later with no known arguments are run with the image alone and
with a container.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
DOF = corpus.DOF
if not os.access(DOF, os.X_OK):
    t.skip_all("dof not built")
STRACE = shutil.which("strace")
if STRACE:
    # LeakSanitizer cannot run under ptrace: in a sanitizer build, leaks
    # are checked by every other test, not by these strace runs
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":detect_leaks=0").lstrip(":")

# ---- the images ----
synth = os.path.join(corpus.CACHE, "synth")
own = os.path.join(corpus.CACHE, "integrity")
cases = ["good", "good-e01", "good-split", "good-vmdk", "good-vhd",
         "truncated-e01", "hostile-names"]


def case_files(d, case):
    exp = os.path.join(d, case + ".expect.json")
    if not os.path.exists(exp):
        return None
    first = json.load(open(exp))["image"]
    base = os.path.join(d, first)
    stem = re.sub(r"\.(E01|001)$", "", base)
    segs = sorted(f for f in (os.path.join(d, x) for x in os.listdir(d))
                  if f == base or (f.startswith(stem + ".") and
                                   re.search(r"\.(E\d\d|\d\d\d)$", f)))
    return base, segs


images = []
missing = [c for c in cases if case_files(synth, c) is None]
if missing:
    os.makedirs(own, exist_ok=True)
    need = [c for c in cases if case_files(own, c) is None]
    if need:
        # the E01/split/VMDK/VHD/truncated cases come from "derived-formats"
        build = ["good", "derived-formats", "hostile-names"]
        subprocess.run([os.path.join(corpus.SRCDIR, "images", "synth",
                                     "make-synth.sh"), own] + build,
                       stdout=subprocess.DEVNULL, check=False)
for c in cases:
    cf = case_files(synth, c) or case_files(own, c)
    if cf:
        images.append((c,) + cf)
reals = sorted((os.path.getsize(os.path.join(corpus.REAL, f)), f)
               for f in (os.listdir(corpus.REAL) if os.path.isdir(corpus.REAL) else [])
               if f.endswith(".raw.xz"))
if reals:
    xzf = os.path.join(corpus.REAL, reals[0][1])
    raw = os.path.join(own, reals[0][1][:-3])
    os.makedirs(own, exist_ok=True)
    if not os.path.exists(raw) or os.path.getmtime(raw) < os.path.getmtime(xzf):
        with open(raw + ".tmp", "wb") as f:
            subprocess.run(["xz", "-dc", xzf], stdout=f, check=True)
        os.rename(raw + ".tmp", raw)
    images.append(("real:" + reals[0][1], raw, [raw]))
t.ok(len(images) >= 6, "%d test images (%s)" % (len(images),
                                                 ", ".join(i[0] for i in images)))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def stamp(path):
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


# ---- the commands ----
helptext = subprocess.run([DOF, "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout.decode()
commands = []
section = False
for line in helptext.splitlines():
    if line.startswith("Commands:"):
        section = True
        continue
    if section:
        m = re.match(r"^  ([a-z][a-z0-9-]+)\s", line)
        if m:
            if m.group(1) != "help":
                commands.append(m.group(1))
        elif line.strip() == "" or not line.startswith(" "):
            section = False
t.ok(len(commands) >= 10, "dof --help lists %d commands" % len(commands))


def first(img, cmd, key, field):
    p = subprocess.run([DOF, cmd, "--json", "-q", img], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=300)
    try:
        v = json.loads(p.stdout)[key]
        return v[0][field] if v else None
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def argsets(cmd, img, ctr, image, tmp):
    """Argument lists for one command (each run separately)."""
    c = ["--container", ctr] if ctr else []
    known = {
        "status": [[img], ["--json", img]],
        "list-containers": [[img], ["--json", img]],
        "list-images": [[img], ["--json", img]],
        "list-volumes": [["--json", img]],
        "list-networks": [["--json", img]],
        "show-container-config": [["--container", ctr, img]] if ctr else [],
        "show-image-config": [["--image", image, img]] if image else [],
        "show-image-history": [["--image", image, img]] if image else [],
        "show-container-log": [c + [img], c + ["--json", img]] if ctr else [],
        "ls": [c + ["-l", "-R", img, "/etc"]] if ctr else [],
        "cat": [c + [img, "/etc/hostname"]] if ctr else [],
        "diff": [c + [img], c + ["--json", img]] if ctr else [],
        "macrobber-container-layer": [c + [img]] if ctr else [],
        "macrobber-volumes": [c + [img]] if ctr else [],
        "timeline": [[img], ["--logs", "--format", "csv", img]],
        "verify-image": [["--image", image, img]] if image else [],
        "export-container": [c + ["--output", os.path.join(tmp, "exp"),
                                  img],
                             c + ["--tar", os.path.join(tmp, "exp.tar"),
                                  img]] if ctr else [],
        "ingest": [["--db", os.path.join(tmp, "case.db"), img]],
        "batch": [["--db", os.path.join(tmp, "batch.db"), img]],
        "merge": [],  # only databases, no evidence
        "mount-image": [["-f", img, MNT]],
        "mount-container": [c + ["-f", img, MNT]] if ctr else [],
        "explorer": [[img, "list", "all_containers"],
                     [img, "list", "repositories"]] +
                    ([[img, "history", ctr[:12]]] if ctr else []),
    }
    if cmd in known:
        return known[cmd]
    # a command that landed later: with the image alone, and a container
    return [[img], c + [img]]


WRITE = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
tmp = tempfile.mkdtemp(prefix="dof-integrity-")
logdir = tempfile.mkdtemp(prefix="dof-integrity-log-")
MNT = os.path.join(tmp, "mnt")
os.makedirs(MNT)
FUSERMOUNT = shutil.which("fusermount3") or shutil.which("fusermount")


def run_mount(argv):
    """A FUSE command in the foreground: wait for the mount, read through
    it, unmount.  Returns the exit code (-999: never mounted / hung)."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd=tmp)
    mounted = False
    for _ in range(100):
        if os.path.ismount(MNT):
            mounted = True
            break
        if p.poll() is not None:
            return p.returncode  # refused (no /dev/fuse...): exit code
        time.sleep(0.1)
    if mounted:
        n = 0
        for root, dirs, files in os.walk(MNT):
            for f in files[:5]:
                try:
                    with open(os.path.join(root, f), "rb") as fh:
                        fh.read(4096)
                except OSError:
                    pass
            n += 1
            if n > 200:
                break
        if FUSERMOUNT:
            subprocess.run([FUSERMOUNT, "-u", MNT], check=False,
                           stderr=subprocess.DEVNULL)
    try:
        return p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return -999
if STRACE:
    # control: the strace check does see a write open
    probe = os.path.join(tmp, "probe.raw")
    open(probe, "wb").close()
    log = os.path.join(tmp, "control.log")
    subprocess.run([STRACE, "-f", "-qq", "-e", "trace=open,openat,creat",
                    "-o", log, sys.executable, "-c",
                    "open(%r, 'r+b').close()" % probe], check=False)
    seen = [ln for ln in open(log) if probe in ln and WRITE.search(ln)]
    t.ok(len(seen) == 1, "control: strace shows an open for writing")
    os.unlink(log)
    os.unlink(probe)
for name, img, segs in images:
    before = {s: sha256(s) for s in segs}
    ctr = first(img, "list-containers", "containers", "id")
    image = first(img, "list-images", "images", "id")
    runs = bad_exit = changed = writes = opens = 0
    work = tempfile.mkdtemp(dir=tmp)  # exports and case databases
    problems = []
    for cmd in commands:
        for args in argsets(cmd, img, ctr, image, work):
            st0 = {s: stamp(s) for s in segs}
            argv = [DOF, cmd] + args
            log = os.path.join(logdir, "strace.log")
            if STRACE:
                argv = [STRACE, "-f", "-qq", "-e", "trace=open,openat,creat",
                        "-o", log] + argv
            if cmd.startswith("mount-"):
                rc = run_mount(argv)
            else:
                try:
                    p = subprocess.run(argv, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, timeout=300,
                                       cwd=tmp)
                    rc = p.returncode
                except subprocess.TimeoutExpired:
                    rc = -999
            runs += 1
            print("# %s: %s %s: exit %d" % (name, cmd, " ".join(
                os.path.basename(a) if a == img else a for a in args), rc))
            if rc < 0 or rc > 7:
                bad_exit += 1
                problems.append("%s %s: exit %d" % (cmd, " ".join(args), rc))
            if {s: stamp(s) for s in segs} != st0:
                changed += 1
                problems.append("%s %s: an image file's size/mtime/ctime "
                                "changed" % (cmd, " ".join(args)))
            if STRACE and os.path.exists(log):
                for line in open(log, errors="replace"):
                    if not any('"%s"' % s in line or
                               '"%s"' % os.path.basename(s) in line
                               for s in segs):
                        continue
                    opens += 1
                    if WRITE.search(line):
                        writes += 1
                        problems.append("%s: %s" % (cmd, line.strip()))
                os.unlink(log)
    after = {s: sha256(s) for s in segs}
    t.ok(runs >= len(commands), "%s: %d runs of %d commands" %
         (name, runs, len(commands)))
    t.ok(bad_exit == 0, "%s: every exit code documented (0-7)" % name,
         "\n".join(problems))
    t.ok(after == before, "%s: SHA-256 of %d file(s) unchanged" %
         (name, len(segs)), "before %r\nafter  %r" % (before, after))
    t.ok(changed == 0, "%s: size, mtime, ctime unchanged after each run" %
         name, "\n".join(problems))
    if STRACE:
        t.ok(opens > 0 and writes == 0,
             "%s: %d opens of the evidence seen, none for writing (strace)" %
             (name, opens), "\n".join(problems))
if FUSERMOUNT and os.path.ismount(MNT):
    subprocess.run([FUSERMOUNT, "-u", MNT], check=False)
shutil.rmtree(tmp, ignore_errors=True)
shutil.rmtree(logdir, ignore_errors=True)
t.done()
