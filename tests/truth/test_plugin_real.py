#!/usr/bin/env python3
"""test_plugin_real.py - `dof ingest` of every committed real-engine image
(images/real/<variant>.raw.xz): the case database's containers, images,
mounts, port bindings and log records equal the ground truth the engine
wrote (<variant>.truth/: docker inspect, states after shutdown, logs);
integrity_check and foreign_key_check pass; re-ingest keeps the rows."""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
BUILD = os.environ.get("DOF_BUILDDIR", ".")
DOFP = os.environ.get("DOF") or os.path.join(BUILD, "dof")
VARIANTS = corpus.variants()
if not VARIANTS:
    t.skip_all("no real-engine images with ground truth in images/real")
if not os.access(DOFP, os.X_OK):
    t.skip_all("%s not built" % DOFP)


def ns(s):
    if s is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?"
                     r"(Z|[+-]\d\d:\d\d)", s)
    assert m, s
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    if y <= 1:
        return None
    import calendar
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
        if st.get("Restarting"):
            return "restarting"
        return "running"
    if st.get("RemovalInProgress"):
        return "removing"
    if st.get("Dead"):
        return "dead"
    if ns(st.get("StartedAt")) is None:
        return "created"
    return "exited"


def rfc3339nano(t):
    """What `docker logs -t` prints (jsonmessage.RFC3339NanoFixed, UTC)."""
    import datetime
    d = datetime.datetime.fromtimestamp(t // 10**9, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (t % 10**9)


def first_diff(a, b):
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]),
             min(len(a), len(b)))
    return "lengths %d/%d, first difference at %d:\ngot  %r\nwant %r" % (
        len(a), len(b), i, a[max(0, i - 60):i + 60], b[max(0, i - 60):i + 60])


def q(db, sql, args=()):
    c = sqlite3.connect(db)
    r = c.execute(sql, args).fetchall()
    c.close()
    return r


def counts(db):
    c = sqlite3.connect(db)
    names = [r[0] for r in c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {n: c.execute("SELECT count(*) FROM %s" % n).fetchone()[0]
           for n in names if n not in ("ingest_runs", "meta")}
    c.close()
    return out


tmp = tempfile.mkdtemp(prefix="dof-plugin-real-")
for v in VARIANTS:
    img = corpus.raw(v)
    db = os.path.join(tmp, v + ".db")
    r = subprocess.run([DOFP, "ingest", "-q", "--db", db, img],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not t.ok(r.returncode in (0, 1), "%s: ingest exit %d" % (v, r.returncode),
                r.stderr):
        continue
    c = sqlite3.connect(db)
    t.eq(c.execute("PRAGMA integrity_check").fetchall(), [("ok",)],
         "%s: integrity_check" % v)
    c.execute("PRAGMA foreign_keys=ON")
    t.eq(c.execute("PRAGMA foreign_key_check").fetchall(), [],
         "%s: foreign_key_check" % v)
    c.close()
    inspect = {i["Id"]: i for i in corpus.truth(v, "containers.json")}
    try:
        after = {s["id"]: s for s in corpus.truth(v, "states-after.json")}
    except OSError:
        after = {}
    got = {r[0]: r for r in q(db, "SELECT id, name, image, image_id, state, "
                              "exit_code, created, started_at, privileged, "
                              "container_key FROM containers")}
    if after:
        t.eq(sorted(got), sorted(after), "%s: the container set" % v)
    for cid, i in sorted(inspect.items()):
        row = got.get(cid)
        name = i["Name"].lstrip("/")
        if not t.ok(row is not None, "%s %s: in the database" % (v, name)):
            continue
        _, gname, gimage, gimage_id, gstate, gexit, gcreated, gstarted, gpriv, key = row
        t.eq(gname, name, "%s %s: name" % (v, name))
        t.eq(gimage, i["Config"]["Image"], "%s %s: image as typed" % (v, name))
        t.eq(gimage_id, i["Image"], "%s %s: image id" % (v, name))
        t.eq(gcreated, ns(i["Created"]), "%s %s: created ns" % (v, name))
        t.eq(bool(gpriv), bool(i["HostConfig"].get("Privileged")),
             "%s %s: privileged" % (v, name))
        st = (after.get(cid) or {}).get("State")
        if st:
            t.eq(gstate, moby_state(st), "%s %s: state" % (v, name))
            t.eq(gexit, st.get("ExitCode", 0), "%s %s: exit code" % (v, name))
            t.eq(gstarted, ns(st.get("StartedAt")), "%s %s: started_at" % (v, name))
        want_m = sorted((m["Type"], m["Source"], m["Destination"], int(bool(m["RW"])))
                        for m in i.get("Mounts") or [])
        got_m = sorted(q(db, "SELECT type, source, destination, rw FROM "
                         "container_mounts WHERE container_key = ?", (key,)))
        t.eq(got_m, want_m, "%s %s: mounts" % (v, name))
        want_p = sorted((cp, b.get("HostIp", ""), b.get("HostPort", ""))
                        for cp, bl in (i["HostConfig"].get("PortBindings") or {}).items()
                        for b in bl or [])
        got_p = sorted((a, b or "", c or "") for a, b, c in q(
            db, "SELECT container_port, host_ip, host_port FROM container_ports "
            "WHERE container_key = ? AND kind = 'binding'", (key,)))
        t.eq(got_p, want_p, "%s %s: port bindings" % (v, name))
        # logs: `docker logs` output saved by the engine, when present
        lp = corpus.truth_path(v, "logs", name + ".stdout")
        if os.path.exists(lp):
            want = open(lp, "rb").read()
            gotb = b"".join(rfc3339nano(tm).encode() + b" " + m for tm, m in q(
                db, "SELECT time, message_raw FROM log_records WHERE "
                "container_key = ? AND stream = 'stdout' ORDER BY seq", (key,)))
            t.ok(gotb == want, "%s %s: stdout log records = docker logs -t "
                 "(%d bytes)" % (v, name, len(want)),
                 first_diff(gotb, want))
    imgs = {r[0]: r[1] for r in q(db, "SELECT id, image_key FROM images")}
    for i in corpus.truth(v, "images.json"):
        short = (i.get("RepoTags") or [i["Id"][7:19]])[0]
        key = imgs.get(i["Id"])
        if not t.ok(key is not None, "%s image %s: in the database" % (v, short)):
            continue
        tags = sorted(r[0] for r in q(db, "SELECT value FROM image_tags WHERE "
                                      "image_key = ? AND kind = 'tag'", (key,)))
        t.eq(tags, sorted(i.get("RepoTags") or []), "%s image %s: tags" % (v, short))
        diffs = [r[0] for r in q(db, "SELECT l.diff_id FROM image_layers il JOIN "
                                 "layers l USING (evidence_id, layer_key) WHERE "
                                 "il.image_key = ? ORDER BY il.position", (key,))]
        t.eq(diffs, i["RootFS"].get("Layers") or [],
             "%s image %s: layers (diff ids, base first)" % (v, short))
    before = counts(db)
    r = subprocess.run([DOFP, "ingest", "-q", "--db", db, img],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t.eq(counts(db), before, "%s: re-ingest keeps every row count" % v)
shutil.rmtree(tmp, ignore_errors=True)
t.done()
