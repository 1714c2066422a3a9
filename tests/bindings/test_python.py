#!/usr/bin/env python3
"""test_python.py - the Python binding (`import dof`, bindings/python)
against the real-engine corpus: containers, images, volumes and networks
equal the engine's ground truth (<variant>.truth/: docker inspect, states
after shutdown); files read through a container's merged view equal
`dof cat` (bytes and sha256) and the inode's size as TSK's istat reports
it; the view's changes equal `docker diff`; logs equal `docker logs -t`;
Case.ingest writes the containers the engine had."""
import calendar
import datetime
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
sys.dont_write_bytecode = True  # the source tree may be read-only
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
SO_DIR = os.path.join(corpus.BUILDDIR, "bindings", "python", ".libs")
SO = os.path.join(SO_DIR, "_dof.so")
if not os.path.exists(SO):
    t.skip_all("%s not built (make check builds it)" % SO)

# A sanitized build links libasan into _dof.so: it must come first.
with open(SO, "rb") as f:
    _so = f.read()
if b"libasan.so" in _so and "libasan" not in os.environ.get("LD_PRELOAD", ""):
    lib = subprocess.run(["gcc", "-print-file-name=libasan.so"],
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    env = dict(os.environ, LD_PRELOAD=lib,
               # the interpreter's own allocations are not leaks of
               # ours: the last option given wins, so this goes last
               ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
               ":detect_leaks=0")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)
del _so
# children (dof, istat, xz) run without the preloaded runtime
os.environ.pop("LD_PRELOAD", None)
CHILD_ENV = dict(os.environ)

sys.path.insert(0, SO_DIR)
sys.path.insert(0, os.path.join(corpus.SRCDIR, "bindings", "python"))
import dof  # noqa: E402

VARIANTS = corpus.variants()
if not VARIANTS:
    t.skip_all("no real-engine images with ground truth in images/real")


def ns(s):
    if s is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?"
                     r"(Z|[+-]\d\d:\d\d)", s)
    assert m, s
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    if y <= 1:
        return None
    secs = calendar.timegm((y, mo, d, h, mi, se, 0, 0, 0))
    z = m.group(8)
    if z != "Z":
        off = int(z[1:3]) * 3600 + int(z[4:6]) * 60
        secs -= off if z[0] == "+" else -off
    return secs * 10**9 + int((m.group(7) or "0")[:9].ljust(9, "0"))


def moby_state(st):
    if st.get("Running"):
        if st.get("Paused"):
            return "paused"
        return "restarting" if st.get("Restarting") else "running"
    if st.get("RemovalInProgress"):
        return "removing"
    if st.get("Dead"):
        return "dead"
    return "created" if ns(st.get("StartedAt")) is None else "exited"


def rfc3339nano(tm):
    d = datetime.datetime.fromtimestamp(tm // 10**9, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (tm % 10**9)


def api_name(p):
    """A path as the engine API gives it (invalid UTF-8 as U+FFFD)."""
    return os.fsencode(p).decode("utf-8", "replace")


def check_inventory(v, host):
    inspect = corpus.truth(v, "containers.json")
    try:
        after = {s["id"]: s for s in corpus.truth(v, "states-after.json")}
    except OSError:
        after = {}
    got = {c["id"]: c for c in host.containers()}
    if after:
        t.eq(sorted(got), sorted(after), "%s: containers() = the engine's set" % v)
    for i in inspect:
        name = i["Name"].lstrip("/")
        c = got.get(i["Id"])
        if not t.ok(c is not None, "%s %s: listed" % (v, name)):
            continue
        want = {
            "name": name, "image": i["Config"]["Image"], "image_id": i["Image"],
            "created_ns": ns(i["Created"]),
            "env": i["Config"].get("Env") or [],
            "labels": i["Config"].get("Labels") or {},
            "privileged": bool(i["HostConfig"].get("Privileged")),
            "cap_add": i["HostConfig"].get("CapAdd") or [],
            "log_driver": i["HostConfig"]["LogConfig"]["Type"],
            "mounts": sorted((m["Type"], m["Source"], m["Destination"],
                              bool(m["RW"])) for m in i.get("Mounts") or []),
            "ports": sorted((cp, b.get("HostIp", ""), b.get("HostPort", ""))
                            for cp, bl in (i["HostConfig"].get("PortBindings")
                                           or {}).items() for b in bl or []),
        }
        have = {k: c.get(k) for k in want}
        have["mounts"] = sorted((m["type"], m["source"], m["destination"],
                                 m["rw"]) for m in c["mounts"])
        have["ports"] = sorted((p["container_port"], p["host_ip"] or "",
                                p["host_port"] or "") for p in c["port_bindings"])
        t.eq(have, want, "%s %s: fields = docker inspect" % (v, name))
        st = (after.get(i["Id"]) or {}).get("State")
        if st:
            t.eq((c["state"], c["exit_code"], c["started_at_ns"]),
                 (moby_state(st), st.get("ExitCode", 0), ns(st.get("StartedAt"))),
                 "%s %s: state, exit code, started at" % (v, name))
    imgs = {im["id"]: im for im in host.images()}
    for i in corpus.truth(v, "images.json"):
        short = (i.get("RepoTags") or [i["Id"][7:19]])[0]
        im = imgs.get(i["Id"])
        if not t.ok(im is not None, "%s image %s: listed" % (v, short)):
            continue
        t.eq((sorted(im["tags"]), sorted(im["digests"]), im["created_ns"],
              [l["diff_id"] for l in im["layers"]], im["architecture"], im["os"],
              im["env"]),
             (sorted(i.get("RepoTags") or []), sorted(i.get("RepoDigests") or []),
              ns(i["Created"]), i["RootFS"].get("Layers") or [],
              i["Architecture"], i["Os"], (i.get("Config") or {}).get("Env") or []),
             "%s image %s: tags, digests, created, layers, arch, os, env"
             % (v, short))
    try:
        vols = corpus.truth(v, "volumes.json")
        t.eq(sorted(x["name"] for x in host.volumes()),
             sorted(x["Name"] for x in vols), "%s: volumes() = docker volume ls" % v)
    except OSError:
        pass
    try:
        nets = corpus.truth(v, "networks.json")
        t.eq(sorted(x["id"] for x in host.networks()),
             sorted(x["Id"] for x in nets), "%s: networks() = docker network ls" % v)
    except OSError:
        pass


def check_same_as_cli(v, img, host):
    """The dicts carry the keys and values of `dof list-*` --json."""
    for cmd, key, got in (("list-containers", "containers", host.containers()),
                          ("list-images", "images", host.images())):
        r = subprocess.run([corpus.DOF, cmd, "--json", "-q", img],
                           stdout=subprocess.PIPE, env=CHILD_ENV, timeout=600)
        want = json.loads(r.stdout.decode("utf-8"))[key]
        byid = {g["id"]: g for g in got}
        bad = [(w.get("id"), k) for w in want for k in w
               if k not in ("history",) and byid.get(w["id"], {}).get(k) != w[k]]
        t.ok(len(got) == len(want) and not bad,
             "%s: %s dicts = dof %s --json" % (v, key, cmd), bad[:10])


def istat_size(img, sector, ino):
    r = subprocess.run(["istat", "-o", str(sector), img, str(ino)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=CHILD_ENV, timeout=120)
    m = re.search(rb"^size: (\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else None


def check_union(v, img, host):
    cid = corpus.truth(v, "meta.json")["containers"].get("web")
    if cid is None:
        return
    view = host.union(cid)
    srcs = view.sources()
    t.eq([s["kind"] for s in srcs[:2]], ["container", "init"],
         "%s web: sources start with the container and -init layers" % v)
    paths = {p: e for p, e in view.walk("/")}
    t.ok(len(paths) > 50, "%s web: walk of / lists the tree (%d)" % (v, len(paths)))
    # `docker diff` (a set: the naive diff's order varies)
    want = sorted((d["Kind"], d["Path"]) for d in corpus.truth(v, "diff/web.json"))
    got = sorted(({"C": 0, "A": 1, "D": 2}[c["kind"]], api_name(c["path"]))
                 for c in host.diff(cid))
    t.eq(got, want, "%s web: diff() = docker diff" % v)
    added = [api_name(p) for p, e in paths.items()]
    for kind, p in want:
        if kind == 1:
            t.ok(p in added or not p.startswith("/srv"),
                 "%s web: added %r is in the walk" % (v, p))
    files = sorted(p for p, e in paths.items() if e["type"] == "reg")
    pick = [p for p in files if p.startswith(("/srv/", "/www/", "/tmp/", "/data/"))]
    pick += [p for p in files if p.startswith("/etc/")][:3]
    t.ok(len(pick) >= 6, "%s web: regular files to read (%d)" % (v, len(pick)))
    for p in pick:
        data = view.read(p)
        r = subprocess.run([corpus.DOF, "cat", "-q", "--container", cid, img,
                            os.fsencode(p)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=CHILD_ENV, timeout=600)
        rc, cat, err = r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")
        t.ok(rc in (0, 1) and data == cat
             and hashlib.sha256(data).hexdigest() == hashlib.sha256(cat).hexdigest(),
             "%s web: read(%r) = dof cat (%d bytes, sha256 %s)"
             % (v, p, len(data), hashlib.sha256(data).hexdigest()[:12]),
             "rc %d, %d vs %d bytes %s" % (rc, len(data), len(cat), err))
        e = view.stat(p)
        src = e["source"]
        if src and src["kind"] in ("container", "init", "layer", "volume") \
                and e["volume_offset_bytes"] is not None:
            t.eq((e["size"], len(data)),
                 (istat_size(img, e["volume_offset_bytes"] // 512, e["ino"]),) * 2,
                 "%s web: %r size = istat of inode %d" % (v, p, e["ino"]))
    part = view.read(pick[0], offset=1, size=3)
    t.eq(part, view.read(pick[0])[1:4], "%s web: read with offset and size" % v)
    try:
        view.read("/no/such/file")
        t.ok(False, "%s: read of a missing path raises NotFoundError" % v)
    except dof.NotFoundError as e:
        t.ok(e.code == -6, "%s: read of a missing path raises NotFoundError" % v)


def check_logs(v, host):
    for c in host.containers():
        for stream in ("stdout", "stderr"):
            lp = corpus.truth_path(v, "logs", "%s.%s" % (c["name"], stream))
            if not os.path.exists(lp):
                continue
            want = open(lp, "rb").read()
            try:
                recs = list(host.logs(c["id"], streams=stream))
            except dof.Error as e:
                t.ok(want == b"", "%s %s: no logs (%s) and docker logs empty"
                     % (v, c["name"], e))
                continue
            got = b"".join(rfc3339nano(r["time"]).encode() + b" " + r["message"]
                           for r in recs)
            t.ok(got == want, "%s %s: %s records = docker logs -t (%d bytes)"
                 % (v, c["name"], stream, len(want)),
                 "got %d bytes, first 200: %r\nwant first 200: %r"
                 % (len(got), got[:200], want[:200]))


def check_case(v, img):
    tmp = tempfile.mkdtemp(prefix="dof-python-")
    db = os.path.join(tmp, "case.db")
    with dof.Case(db) as case:
        eid, st = case.ingest(img, modules="host,containers,images,logs")
        t.ok(eid > 0 and st == "ok", "%s: Case.ingest -> evidence %d (%s)"
             % (v, eid, st))
        t.ok(case.evidence_status(img) in ("ok", "warnings"),
             "%s: evidence_status after ingest" % v)
        con = case.connect()
        ids = sorted(r[0] for r in con.execute("SELECT id FROM containers"))
        con.close()
    want = sorted(i["Id"] for i in corpus.truth(v, "containers.json"))
    t.eq(ids, want, "%s: the case database's containers = docker inspect" % v)
    c = sqlite3.connect(db)
    t.eq(c.execute("PRAGMA integrity_check").fetchall(), [("ok",)],
         "%s: integrity_check of the case" % v)
    c.close()
    os.unlink(db)
    os.rmdir(tmp)


t.ok(dof.versions()["dof"] == dof.VERSION, "versions()")
t.ok("containers" in [m["name"] for m in dof.ingest_modules()], "ingest_modules()")
try:
    dof.open("/nonexistent/evidence.raw")
    t.ok(False, "opening a missing image raises dof.Error")
except dof.Error as e:
    t.ok(e.code < 0, "opening a missing image raises dof.Error (%s)" % e)

def check_stores(v, img, host):
    """roots() and stores() against `dof status --json` of the image."""
    p = subprocess.run([os.environ.get("DOF", "dof"), "status", "--json",
                        img], stdout=subprocess.PIPE, env=CHILD_ENV)
    st = json.loads(p.stdout)["status"]
    t.eq([(r["path"], r["volume"], r["engine"]) for r in host.roots()],
         [(r["path"], r["volume"], r["engine"]) for r in st["data_roots"]],
         "%s: roots() are status.data_roots" % v)
    t.eq([(s["engine"], s["path"], s["volume"], s["read"], s["reason"],
           s["rootless_user"]) for s in host.stores()],
         [(s["engine"], s["path"], s["volume"], s["read"], s["reason"],
           s["rootless_user"]) for s in st["stores"]],
         "%s: stores() are status.stores" % v)
def mmls_addresses(img):
    """[(address, byte offset)] from TSK's mmls (GPT entry / DOS primary
    slot i is p(i+1)); no partition table: [("0", 0)]."""
    r = subprocess.run(["mmls", img], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return [("0", 0)]
    out = []
    for line in r.stdout.splitlines():
        m = re.match(r"\d+:\s+(?:\d+:)?(\d+)\s+(\d+)\s", line)
        if m:
            out.append(("p%d" % (int(m.group(1)) + 1), int(m.group(2)) * 512))
    return sorted(out)


for v in VARIANTS:
    img = corpus.raw(v)
    with dof.open(img) as ev:
        info = ev.info()
        t.eq(sorted((x["address"], x["offset_bytes"]) for x in ev.volumes()),
             mmls_addresses(img),
             "%s: volumes() addresses as TSK's mmls numbers them" % v)
        t.eq((info["path"], info["size_bytes"]), (img, os.path.getsize(img)),
             "%s: evidence path and size" % v)
        try:
            host = ev.host()
        except dof.Error as e:
            t.ok(False, "%s: host() (%s)" % (v, e))
            continue
        ncont = len(host.containers())
        check_inventory(v, host)
        check_stores(v, img, host)
        if v in ("host-a-live", "host-d-overlay"):
            check_same_as_cli(v, img, host)
        if v == "host-a-live":
            check_union(v, img, host)
            check_case(v, img)
        check_logs(v, host)
        try:
            host.container("no-such-container")
            t.ok(False, "%s: unknown container raises NotFoundError" % v)
        except dof.NotFoundError:
            t.ok(True, "%s: unknown container raises NotFoundError" % v)
    # the host keeps its evidence open after close()
    t.eq(len(host.containers()), ncont,
         "%s: a host stays usable after its evidence's close()" % v)
    del host
t.done()
