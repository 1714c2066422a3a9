# -*- coding: utf-8 -*-
"""test_autopsy_mapping.py - the Autopsy module's mapping
(bindings/autopsy/dof_mapping.py) from a real case database
(`dof ingest` of images/real/host-a-live.raw) to artifacts, driven through
a fake Autopsy API that records every call.  Runs under CPython (sqlite3)
and, from tests/bindings/test_autopsy_jython.sh, under Jython 2.7 (JDBC with
org.sqlite.JDBC, as Autopsy reads SQLite): keep it Python 2.7 compatible.

The fake data source's files come from TSK's `fls -r -p` of the image
(name, parent path, meta address, file system offset: what Autopsy's
tsk_files holds).  Expected values come from the engine's ground truth
(host-a-live.truth/: docker inspect, states, docker diff, docker logs)."""
from __future__ import print_function

import codecs
import json
import os
import re
import shutil
import subprocess
import sys
sys.dont_write_bytecode = True  # the source tree may be read-only
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("DOF_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
BUILDDIR = os.environ.get("DOF_BUILDDIR") or os.getcwd()
DOF = os.environ.get("DOF") or os.path.join(BUILDDIR, "dof")
REAL = os.path.join(SRCDIR, "images", "real")
VARIANT = "host-a-live"
JYTHON = sys.platform.startswith("java")
sys.path.insert(0, os.path.join(SRCDIR, "bindings", "autopsy"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import dof_mapping  # noqa: E402
from tap import Tap  # noqa: E402

PFX = "jython: " if JYTHON else ""


T = Tap(PFX)
ok = T.ok


def eq(got, want, desc):
    return ok(got == want, desc, "got:  %r\nwant: %r" % (got, want))


skip_all = T.skip_all


def truth(name):
    with open(os.path.join(REAL, VARIANT + ".truth", name), "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def which(cmd):
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if os.access(os.path.join(d, cmd), os.X_OK):
            return True
    return False


def unenc(s):
    """dof's name encoding back to text as the engine API prints it
    (\\xNN -> the byte, invalid UTF-8 as U+FFFD)."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "\\" and s[i + 1:i + 2] == "\\":
            out += b"\\"
            i += 2
        elif s[i] == "\\" and s[i + 1:i + 2] == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += s[i].encode("utf-8")
            i += 1
    return bytes(out).decode("utf-8", "replace")


codecs.register_error("tsk_caret",
                      lambda e: (u"^" * (e.end - e.start), e.end))

if not os.path.exists(os.path.join(REAL, VARIANT + ".raw.xz")):
    skip_all("images/real/%s.raw.xz not present" % VARIANT)
if not os.access(DOF, os.X_OK):
    skip_all("%s not built" % DOF)
if not which("fls") or not which("xz"):
    skip_all("fls (sleuthkit) or xz missing")

# ---- the image and its case database ---------------------------------------
cache = os.path.join(BUILDDIR, "tests", "cache")
if not os.path.isdir(cache):
    os.makedirs(cache)
img = os.path.join(cache, VARIANT + ".raw")
src = os.path.join(REAL, VARIANT + ".raw.xz")
if not os.path.exists(img) or os.path.getmtime(img) < os.path.getmtime(src):
    tmp_img = img + ".tmp%d" % os.getpid()
    with open(tmp_img, "wb") as f:
        subprocess.check_call(["xz", "-dc", src], stdout=f)
    os.rename(tmp_img, img)
tmp = tempfile.mkdtemp(prefix="dof-autopsy-")
db_path = os.path.join(tmp, "case.db")
cmd = dof_mapping.ingest_command(DOF, db_path, img)
rc = subprocess.call(cmd)
if not ok(rc in (0, 1), "dof ingest exit %d (%s)" % (rc, " ".join(cmd))):
    T.plan()
    sys.exit(1)

# ---- the fake data source: TSK's view of the image ------------------------
meta = truth("meta.json")
files = {}     # (name, parent) -> [(file, info)]
by_path = {}   # path -> info
fs_offsets = []
mmls = subprocess.Popen(["mmls", img], stdout=subprocess.PIPE).communicate()[0]
for line in mmls.decode("utf-8", "replace").splitlines():
    m = re.match(r"\s*\d+:\s+\d+\s+(\d+)\s+\d+\s+\d+", line)
    if m:
        fs_offsets.append(int(m.group(1)))
for sector in fs_offsets:
    out = subprocess.Popen(["fls", "-r", "-p", "-o", str(sector), img],
                           stdout=subprocess.PIPE).communicate()[0]
    for line in out.split(b"\n"):
        m = re.match(br"^\S+ \*? ?(\d+)(?:-\d+-\d+)?(?:\(realloc\))?:\t(.*)$",
                     line)
        if not m or b"(deleted)" in line[:20]:
            continue
        ino = int(m.group(1))
        # what Autopsy's tsk_files keeps: invalid UTF-8 bytes as '^'
        # (fls already prints control bytes as '^')
        path = "/" + m.group(2).decode("utf-8", "tsk_caret")
        name, parent = dof_mapping.split_path(path)
        info = {"meta_addr": ino, "fs_offset": sector * 512,
                "parent_path": parent, "name": name, "path": path}
        files.setdefault((name, parent), []).append(({"file": path}, info))
        by_path[path] = info
ok(len(by_path) > 1000 and
   any(p.endswith("/uploads/bad^^name") for p in by_path), "fls lists the data source's files (%d)"
   % len(by_path))


class FakeApi(object):
    """Records the Autopsy calls dof_ingest.py would make."""

    def __init__(self):
        self.art_types = {}
        self.attr_types = {}
        self.created = []
        self.posted = []
        self.lookups = 0

    def artifact_type(self, name, display, category):
        assert name not in self.art_types, name
        self.art_types[name] = (display, category)
        return ("ART", name)

    def attribute_type(self, name, value_type, display):
        assert name not in self.attr_types, name
        self.attr_types[name] = (value_type, display)
        return ("ATTR", name)

    def find_files(self, name, parent):
        self.lookups += 1
        return files.get((name, parent), [])

    def data_source(self):
        return {"file": "<data source>"}

    def _check_attrs(self, attrs):
        for t, v in attrs:
            vt = self.attr_types[t[1]][0]
            if vt in ("LONG", "DATETIME"):
                assert isinstance(v, int) or type(v).__name__ == "long", \
                    (t, v)
            else:
                assert v is not None, t

    def new_data_artifact(self, f, art_type, attrs):
        self._check_attrs(attrs)
        a = {"file": f["file"], "type": art_type[1], "score": None,
             "attrs": dict((t[1], v) for t, v in attrs)}
        self.created.append(a)
        return a

    def new_analysis_result(self, f, art_type, score, conclusion, attrs):
        self._check_attrs(attrs)
        a = {"file": f["file"], "type": art_type[1], "score": score,
             "conclusion": conclusion,
             "attrs": dict((t[1], v) for t, v in attrs)}
        self.created.append(a)
        return a

    def post(self, arts):
        self.posted.extend(arts)

    def cancelled(self):
        return False


if JYTHON:
    db = dof_mapping.JdbcDB(db_path)
else:
    db = dof_mapping.SqliteDB(db_path)
api = FakeApi()
counts = dof_mapping.post_all(api, db, [img, "/not/this/one.E01"])
db.close()

eq(sorted(api.art_types.items()),
   sorted([("DOF_DOCKER_CONTAINER", ("Docker Containers", "data")),
           ("DOF_DOCKER_IMAGE", ("Docker Images", "data")),
           ("DOF_DOCKER_LOG_ENTRY", ("Docker Log Entries", "data")),
           ("DOF_DOCKER_FILE_CHANGE",
            ("Docker Container File Changes", "data")),
           ("DOF_DOCKER_FINDING", ("Docker Findings", "analysis"))]),
   "getOrAddArtifactType: the five types and their categories")
ok(len(api.attr_types) == len(dof_mapping.ATTRIBUTE_TYPES) and
   api.attr_types["DOF_CREATED"][0] == "DATETIME",
   "getOrAddAttributeType: every attribute type once")
eq(counts["evidence"], 1, "one evidence item of the data source's paths")
ok(len(api.posted) == len(api.created) and
   len(set(id(a) for a in api.posted)) == len(api.created),
   "every artifact posted once (%d)" % len(api.created))


def arts(t):
    return [a for a in api.created if a["type"] == t]


# containers: attached to their config.v2.json (same inode as TSK says)
inspect = truth("containers.json")
states = dict((s["id"], s) for s in truth("states-after.json"))
got = dict((a["attrs"]["DOF_CONTAINER_ID"], a)
           for a in arts("DOF_DOCKER_CONTAINER"))
eq(sorted(got), sorted(i["Id"] for i in inspect),
   "container artifacts = docker inspect's containers")
for i in inspect:
    a = got.get(i["Id"])
    if a is None:
        continue
    name = i["Name"].lstrip("/")
    cfg = "%s/containers/%s/config.v2.json" % (meta["data_root"], i["Id"])
    eq((a["file"], a["attrs"]["DOF_INODE"]),
       (cfg, by_path.get(cfg, {}).get("meta_addr")),
       "container %s: attached to config.v2.json, TSK's inode" % name)
    st = states.get(i["Id"], {}).get("State", {})
    want_state = ("paused" if st.get("Paused") else "running"
                  if st.get("Running") else "created"
                  if st.get("StartedAt", "").startswith("0001") else
                  "exited")
    eq((a["attrs"]["DOF_CONTAINER_NAME"], a["attrs"]["DOF_IMAGE"],
        a["attrs"]["DOF_IMAGE_ID"], a["attrs"]["DOF_STATE"],
        a["attrs"]["DOF_EXIT_CODE"], a["attrs"]["DOF_PRIVILEGED"]),
       (name, i["Config"]["Image"], i["Image"], want_state,
        st.get("ExitCode", 0), int(bool(i["HostConfig"].get("Privileged")))),
       "container %s: name, image, image id, state, exit code, privileged"
       % name)

# images: attached to the image config file
gimg = dict((a["attrs"]["DOF_IMAGE_ID"], a) for a in arts("DOF_DOCKER_IMAGE"))
for i in truth("images.json"):
    a = gimg.get(i["Id"])
    short = (i.get("RepoTags") or [i["Id"][7:19]])[0]
    if not ok(a is not None, "image %s: an artifact" % short):
        continue
    eq((a["attrs"].get("DOF_TAGS", ""), a["attrs"]["DOF_LAYERS"]),
       (", ".join(sorted(i.get("RepoTags") or [])),
        len(i["RootFS"].get("Layers") or [])),
       "image %s: tags and layer count" % short)
    ok(a["file"] == a["attrs"]["DOF_PATH"] and
       by_path.get(a["file"], {}).get("meta_addr") == a["attrs"]["DOF_INODE"],
       "image %s: attached to its config file (%s)" % (short, a["file"]))

# log entries: the messages of docker logs, attached to the log file
names = dict((i["Id"], i["Name"].lstrip("/")) for i in inspect)
for cid, name in sorted(names.items(), key=lambda x: x[1]):
    for stream in ("stdout", "stderr"):
        p = os.path.join(REAL, VARIANT + ".truth", "logs",
                         "%s.%s" % (name, stream))
        if not os.path.exists(p):
            continue
        with open(p, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        if any(len(x) > 16000 for x in lines):
            continue  # split into partial records by the engine
        want = [x.split(" ", 1)[1] if " " in x else "" for x in lines]
        mine = [a for a in arts("DOF_DOCKER_LOG_ENTRY")
                if a["attrs"]["DOF_CONTAINER_ID"] == cid and
                a["attrs"]["DOF_STREAM"] == stream]
        eq([a["attrs"].get("DOF_MESSAGE", "") for a in mine], want,
           "log entries of %s %s = docker logs (%d)" % (name, stream,
                                                        len(want)))
        ok(all(a["file"] == a["attrs"]["DOF_PATH"] for a in mine),
           "log entries of %s %s: attached to the log file" % (name, stream))

# container file changes of web = docker diff (as a set), attached to the
# file in the writable layer with TSK's inode
web = meta["containers"]["web"]
mine = [a for a in arts("DOF_DOCKER_FILE_CHANGE")
        if a["attrs"]["DOF_CONTAINER_ID"] == web]
got = set((a["attrs"]["DOF_CHANGE"], unenc(a["attrs"]["DOF_CONTAINER_PATH"]))
          for a in mine)
opaque = [p for k, p in got if k == "C"]
want = set()
for d in truth("diff/web.json"):
    k = "CAD"[d["Kind"]]
    parent = d["Path"].rsplit("/", 1)[0]
    if k == "D" and ("D", d["Path"]) not in got and parent in opaque:
        continue  # hidden by an opaque directory: its C stands for it
    want.add((k, d["Path"]))
eq(sorted(got), sorted(want), "file changes of web = docker diff")
bad = [a["attrs"]["DOF_PATH"] for a in mine
       if by_path.get(a["file"], {}).get("meta_addr") != a["attrs"]["DOF_INODE"]
       or a["file"] != dof_mapping.tsk_name(a["attrs"]["DOF_PATH"])]
ok(len(mine) > 0 and not bad,
   "file changes of web: attached to the upper dir's files (%d)" % len(mine),
   bad[:5])

# findings: analysis results with a score
fnd = arts("DOF_DOCKER_FINDING")
kinds = set((a["attrs"]["DOF_FINDING"], a["attrs"].get("DOF_CONTAINER_NAME"))
            for a in fnd)
for i in inspect:
    name = i["Name"].lstrip("/")
    if i["HostConfig"].get("Privileged"):
        ok(("privileged", name) in kinds, "finding: %s privileged" % name)
    if any(m["Source"].endswith("docker.sock") for m in i.get("Mounts") or []):
        ok(("docker_sock_mount", name) in kinds,
           "finding: %s mounts docker.sock" % name)
ok(all(a["score"] == dof_mapping.SEVERITY_SCORE[a["attrs"]["DOF_SEVERITY"]]
       for a in fnd) and len(fnd) > 0,
   "findings are analysis results scored by severity (%d)" % len(fnd))

# identity: everything with a path on the evidence found its file
eq(counts["on_data_source"],
   len([a for a in api.created if a["file"] == "<data source>"]),
   "count of artifacts left on the data source")
stray = [a["attrs"].get("DOF_PATH") for a in api.created
         if a["file"] == "<data source>" and a["type"] != "DOF_DOCKER_FINDING"]
ok(not stray, "every container, image, log and change artifact attached to "
   "its file", stray[:5])

# match_file refuses a wrong inode or file system
t = dof_mapping.target(1048576, 5, "/a/b")
eq([dof_mapping.match_file(c, t) is not None for c in (
    [{"name": "b", "parent_path": "/a/", "meta_addr": 5,
      "fs_offset": 1048576}],
    [{"name": "b", "parent_path": "/a/", "meta_addr": 6,
      "fs_offset": 1048576}],
    [{"name": "b", "parent_path": "/a/", "meta_addr": 5, "fs_offset": 0}],
    [{"name": "b", "parent_path": "/x/", "meta_addr": 5,
      "fs_offset": 1048576}])], [True, False, False, False],
   "match_file: name, parent, inode and file system offset")

shutil.rmtree(tmp, True)
T.done()
