#!/usr/bin/env python3
"""test_plugin_ingest.py - the case database end to end (TAP).

Builds synthetic hosts (images/synth/make-synth.sh), ingests them with
tests/dof_plugin (the ingest/batch/merge front ends), and checks the
database against the cases' expect.json (written by the generator, not by
dof), SQLite's own integrity checks, re-ingest, kill -9, batch = single
ingests, shards merged = batch, a corrupt image failing alone, and the
queries of doc/queries.md.  DOF_PLUGIN_BIG=FILE.raw adds the kill -9 test
on a larger image (otherwise a generated medium one is used when
images/gen-large-host works).
"""
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import Tap  # noqa: E402
from casedb import TABLES, content  # noqa: E402

SRC = os.environ.get("DOF_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("DOF_BUILDDIR", ".")
DOFP = os.environ.get("DOF") or os.path.join(BUILD, "dof")


T = Tap()
ok = T.ok


def run(*args, **kw):
    return subprocess.run([DOFP] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, **kw)


def enc(s):
    """dof's name encoding of a str (as in expect.json, plus the control
    bytes dof_name_encode escapes)."""
    return "".join("\\x%02x" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7f
                   else c for c in s)


def checks(db_path):
    db = sqlite3.connect(db_path)
    ic = db.execute("PRAGMA integrity_check").fetchall()
    db.execute("PRAGMA foreign_keys=ON")
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    db.close()
    return ic == [("ok",)], fk


def q(db_path, sql, args=()):
    db = sqlite3.connect(db_path)
    r = db.execute(sql, args).fetchall()
    db.close()
    return r


def test_good(tmp, synth):
    good = os.path.join(synth, "good.raw")
    exp = json.load(open(os.path.join(synth, "good.expect.json")))
    db = os.path.join(tmp, "good.db")
    r = run("ingest", "--db", db, "--hash", "--hash-files", good)
    ok(r.returncode == exp["exit_code"], "ingest good: exit %d" %
       exp["exit_code"], r.stderr)
    ic, fk = checks(db)
    ok(ic, "integrity_check ok")
    ok(fk == [], "foreign_key_check empty", fk)
    ok(q(db, "PRAGMA user_version") == [(4,)], "user_version 4")
    want = mmls_addresses(good)
    got = q(db, "SELECT address, volume_offset_bytes FROM volumes "
            "ORDER BY vol_index")
    ok(want is not None and sorted(got) == sorted(want),
       "volumes: addresses as TSK's mmls numbers them", (got, want))
    # evidence + computed hashes
    md5 = hashlib.md5(open(good, "rb").read()).hexdigest()
    ok(q(db, "SELECT computed_md5, status FROM evidence") == [(md5, "ok")],
       "computed md5 = hashlib's, status ok")
    # containers
    got = {r[0]: r[1:] for r in q(db, "SELECT name, id, state, exit_code, "
                                  "image_id, driver, mount_id FROM containers")}
    want = {c["name"]: (c["id"], c["state"], c["exit_code"], c["image_id"],
                        c["driver"], c["mount_id"]) for c in exp["containers"]}
    ok(got == want, "containers equal expect.json", (got, want))
    # images: tags, diff ids and chain ids (base first)
    for im in exp["images"]:
        (key,) = q(db, "SELECT image_key FROM images WHERE id = ?",
                   (im["id"],))[0] or (None,)
        tags = sorted(r[0] for r in q(db, "SELECT value FROM image_tags "
                                      "WHERE image_key = ? AND kind = 'tag'",
                                      (key,)))
        layers = q(db, "SELECT l.diff_id, l.chain_id FROM image_layers il "
                   "JOIN layers l ON l.evidence_id = il.evidence_id AND "
                   "l.layer_key = il.layer_key WHERE il.image_key = ? "
                   "ORDER BY il.position", (key,))
        ok(tags == sorted(im["tags"]), "image %s tags" % im["id"][:19],
           (tags, im["tags"]))
        ok([l[0] for l in layers] == im["diff_ids"] and
           [l[1] for l in layers] == im["chain_ids"],
           "image %s diff/chain ids" % im["id"][:19], layers)
    # merged view
    bad = []
    for cname, paths in exp["merged"].items():
        for p, e in paths.items():
            rows = q(db, "SELECT type, size, sha256, symlink_target, source "
                     "FROM container_merged WHERE container_name = ? AND "
                     "path = ?", (cname, enc(p)))
            if e is None:
                if rows:
                    bad.append(("present", cname, p, rows))
                continue
            if len(rows) != 1:
                bad.append(("missing", cname, p))
                continue
            t, size, sha, tgt, src = rows[0]
            if t != e["type"] or src != e["layer"] or \
               (t == "file" and (size, sha) != (e["size"], e["sha256"])) or \
               (t == "symlink" and tgt != e["target"]):
                bad.append(("differs", cname, p, rows[0], e))
    total = sum(len(v) for v in exp["merged"].values())
    ok(not bad, "merged view: %d paths as in expect.json" % total, bad)
    # whiteouts and opaque dirs
    names = dict(q(db, "SELECT container_key, name FROM containers"))
    def layer_name(kind, lkey):
        if kind == "image":
            r = q(db, "SELECT position FROM image_layers WHERE layer_key = ? "
                  "LIMIT 1", (lkey,))
            return "image:%d" % r[0][0]
        ck = q(db, "SELECT container_key FROM container_layers WHERE "
               "layer_key = ?", (lkey,))[0][0]
        return "container:%s" % names[ck]
    wo = sorted((layer_name(k, l), p) for k, l, p in q(
        db, "SELECT layer_kind, layer_key, path FROM whiteouts WHERE "
        "is_whiteout"))
    ok(wo == sorted((w["layer"], w["path"]) for w in exp["whiteouts"]),
       "whiteouts", wo)
    op = sorted((layer_name(k, l), p) for k, l, p in q(
        db, "SELECT layer_kind, layer_key, path FROM whiteouts WHERE "
        "is_opaque"))
    ok(op == sorted((w["layer"], w["path"]) for w in exp["opaque_dirs"]),
       "opaque dirs", op)
    # mounts
    for cname, mps in exp["mount_points"].items():
        got = sorted(q(db, "SELECT m.destination, m.type, m.source FROM "
                       "container_mounts m JOIN containers c USING "
                       "(evidence_id, container_key) WHERE c.name = ?",
                       (cname,)))
        want = sorted((m["destination"], m["type"], m["source"]) for m in mps)
        ok(got == want, "mounts of %s" % cname, (got, want))
    # every on-disk row can be checked with istat: inode of config.v2.json
    web = [c for c in exp["containers"] if c["name"] == "web"][0]
    ino, path = q(db, "SELECT inode, path FROM containers WHERE name = 'web'")[0]
    ist = subprocess.run(["ifind", "-n", path, good], stdout=subprocess.PIPE,
                         text=True)
    ok(ist.stdout.strip() == str(ino), "config.v2.json inode = ifind's (%s)"
       % ist.stdout.strip(), (ino, path))
    ok(web["id"] in path, "path names the container")
    # findings and timeline
    kinds = {r[0] for r in q(db, "SELECT kind FROM findings")}
    ok("running_at_acquisition" in kinds, "finding: web running", kinds)
    ok(q(db, "SELECT count(*) FROM findings WHERE kind = "
         "'executable_added'")[0][0] ==
       q(db, "SELECT count(*) FROM layer_files f JOIN container_layers cl "
         "USING (evidence_id, layer_key) WHERE cl.role = 'container' AND "
         "f.type = 'file' AND f.mode & 73")[0][0],
       "one executable_added finding per executable in a container layer")
    ev = q(db, "SELECT count(*) FROM timeline_events WHERE kind = "
           "'container_created'")[0][0]
    ok(ev == 3, "3 container_created events")
    # logs (expect.json "logs": first record and count of web)
    for cname, lg in exp["logs"].items():
        rows = q(db, "SELECT r.stream, r.message_raw FROM log_records r JOIN "
                 "containers c USING (evidence_id, container_key) WHERE "
                 "c.name = ? ORDER BY r.seq", (cname,))
        ok(len(rows) == lg["records"], "%s: %d log records" %
           (cname, lg["records"]), rows)
        ok(rows and rows[0][0] == lg["first"]["stream"] and
           rows[0][1].decode() == lg["first"]["log"],
           "%s: first log record" % cname, rows[:1])
    # re-ingest: same content, same counts
    before = content(db)
    r = run("ingest", "--db", db, "--hash", "--hash-files", good)
    ok(r.returncode == 0, "re-ingest exit 0", r.stderr)
    ok(content(db) == before, "re-ingest: every table's content unchanged")
    ok(q(db, "SELECT count(*) FROM evidence")[0][0] == 1, "one evidence row")
    # --modules selects (and pulls what they require)
    db2 = os.path.join(tmp, "mods.db")
    r = run("ingest", "--db", db2, "--modules", "findings", good)
    ok(r.returncode == 0, "--modules findings", r.stderr)
    ok(q(db2, "SELECT modules FROM evidence")[0][0] ==
       "containers,images,findings", "findings pulls containers,images")
    ok(q(db2, "SELECT count(*) FROM layer_files")[0][0] == 0,
       "layers not run")
    r = run("ingest", "--db", db2, "--modules", "nope", good)
    ok(r.returncode == 2, "unknown module: exit 2", (r.returncode, r.stderr))
    # a newer case is refused with exit 6
    c = sqlite3.connect(db2)
    c.execute("PRAGMA user_version = 7")
    c.close()
    r = run("ingest", "--db", db2, good)
    ok(r.returncode == 6 and "newer" in r.stderr, "newer schema: exit 6",
       r.stderr)
    return db


def mmls_addresses(img):
    """[(address, byte offset)] from TSK's mmls: GPT entry / DOS primary
    slot i is p(i+1) (the synthetic hosts have no logical partitions);
    no partition table: ("0", 0).  None if mmls is missing."""
    try:
        r = subprocess.run(["mmls", img], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    except OSError:
        return None
    if r.returncode != 0:
        return [("0", 0)]
    out = []
    for line in r.stdout.splitlines():
        m = re.match(r"\d+:\s+(?:\d+:)?(\d+)\s+(\d+)\s", line)
        if m:
            out.append(("p%d" % (int(m.group(1)) + 1), int(m.group(2)) * 512))
    return out


def test_migrate(tmp, synth):
    """A case written by schema 1 (the shipped plugin/schema.sql of dof
    0.1, kept in tests/data/casedb) is upgraded in place by an ingest."""
    db = os.path.join(tmp, "v1.db")
    con = sqlite3.connect(db)
    con.executescript(open(os.path.join(SRC, "tests", "data", "casedb",
                                        "schema-v1.sql")).read())
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO evidence (id, path, status) VALUES "
                "(1, '/old/host.raw', 'ok')")
    con.execute("INSERT INTO volumes (evidence_id, vol_index, "
                "volume_offset_bytes, fs_type) VALUES (1, 0, 1048576, 'ext4')")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    good = os.path.join(synth, "good.raw")
    r = run("ingest", "--db", db, good)
    ok(r.returncode in (0, 1), "v1 case: ingest into it (exit %d)" %
       r.returncode, r.stderr)
    ok(q(db, "PRAGMA user_version") == [(4,)], "v1 case: now user_version 4")
    ok(q(db, "SELECT value FROM meta WHERE key = 'schema_version'") ==
       [("4",)], "v1 case: meta schema_version 4")
    ok(q(db, "SELECT volume_offset_bytes, fs_type, address FROM volumes "
         "WHERE evidence_id = 1") == [(1048576, "ext4", None)],
       "v1 case: the old row is kept, address NULL")
    got = q(db, "SELECT v.address, v.volume_offset_bytes FROM volumes v "
            "JOIN evidence e ON e.id = v.evidence_id WHERE e.path = ?",
            (os.path.abspath(good),))
    want = mmls_addresses(good)
    ok(want is not None and sorted(got) == sorted(want),
       "v1 case: the new item's volumes have addresses", (got, want))
    ic, fk = checks(db)
    ok(ic and fk == [], "v1 case: integrity and foreign keys", fk)


def test_formats(tmp, synth):
    """E01: the hash stored in the image; the same evidence by size+md5
    replaces a raw ingest; qcow2 is ingested through dof's reader."""
    e01 = os.path.join(synth, "good-e01.E01")
    if not os.path.exists(e01):
        return
    db = os.path.join(tmp, "formats.db")
    run("ingest", "-q", "--db", db, "--hash", os.path.join(synth, "good.raw"))
    r = run("ingest", "-q", "--db", db, e01)
    ok(r.returncode == 0, "ingest E01", r.stderr)
    info = subprocess.run(["ewfinfo", e01], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout
    m = re.search(r"MD5:\s+([0-9a-f]{32})", info)
    rows = q(db, "SELECT path, format, stored_md5 FROM evidence")
    ok(m and rows == [(e01, "ewf", m.group(1))],
       "E01 stored md5 = ewfinfo's, and it replaced the raw (same size+md5)",
       rows)
    r = run("ingest", "-q", "--db", db, os.path.join(synth, "good.qcow2"))
    st = q(db, "SELECT format, status FROM evidence WHERE path LIKE "
           "'%.qcow2'")
    ok(r.returncode in (0, 1) and st and st[0][0] == "qcow2" and
       st[0][1] != "failed", "qcow2: read by dof's reader, format qcow2",
       (r.returncode, r.stderr[-300:], st))


def test_corrupt_config(tmp, synth):
    db = os.path.join(tmp, "cc.db")
    exp = json.load(open(os.path.join(synth, "corrupt-config.expect.json")))
    r = run("ingest", "-q", "--db", db,
            os.path.join(synth, "corrupt-config.raw"))
    ok(r.returncode == exp["exit_code"], "corrupt-config: exit %d" %
       exp["exit_code"], (r.returncode, r.stderr))
    st, nw = q(db, "SELECT status, warnings_count FROM evidence")[0]
    ok(st == "warnings" and nw > 0, "status warnings, %d warnings" % nw)
    msgs = " ".join((p or "") + " " + m for p, m in
                    q(db, "SELECT path, message FROM warnings"))
    for s in exp["warnings_must_mention"]:
        ok(s in msgs, "warning mentions %s" % s, msgs)
    names = sorted(r[0] or "" for r in q(db, "SELECT name FROM containers"))
    want = sorted(exp.get("containers_listed",
                          exp.get("containers_listed_min", [])))
    ok(set(want) <= set(names), "containers listed %s" % want, names)


def test_batch(tmp, synth):
    # 8 items: copies of three cases under different names, plus a broken one
    items = []
    srcs = ["good", "corrupt-config", "bbolt"]
    d = os.path.join(tmp, "ev")
    os.mkdir(d)
    for i in range(8):
        p = os.path.join(d, "host%02d.raw" % i)
        shutil.copyfile(os.path.join(synth, srcs[i % 3] + ".raw"), p)
        items.append(p)
    # 8 single ingests
    single = os.path.join(tmp, "single.db")
    for p in items:
        r = run("ingest", "-q", "--db", single, p)
        if r.returncode not in (0, 1):
            ok(False, "single ingest %s" % p, r.stderr)
    lst = os.path.join(tmp, "list.txt")
    with open(lst, "w") as f:
        f.write("# evidence list\n" + "\n".join(reversed(items)) + "\n")
    batch = os.path.join(tmp, "batch.db")
    t0 = time.time()
    r = run("batch", "--db", batch, "-j", "2", "--list", lst)
    ok(r.returncode == 1, "batch -j 2: exit 1 (corrupt-config warns)",
       (r.returncode, r.stderr))
    ok("8 items" in r.stderr and r.stderr.count(": ok") >= 5,
       "plain progress lines when not a TTY", r.stderr)
    ok(content(batch) == content(single),
       "batch -j 2 of 8 = 8 single ingests (every table)",
       [t for t in TABLES if content(batch)[t] != content(single)[t]])
    ic, fk = checks(batch)
    ok(ic and fk == [], "batch: integrity and foreign keys")
    # resume skips everything
    r = run("batch", "--db", batch, "-j", "2", "--resume", "--list", lst)
    ok(r.returncode == 0 and r.stderr.count(": skipped") == 8,
       "--resume skips the 8 complete items", r.stderr)
    # 4 shards merged = the batch
    shards = []
    for k in range(1, 5):
        s = os.path.join(tmp, "shard%d.db" % k)
        r = run("batch", "-q", "--db", s, "-j", "1", "--shard", "%d/4" % k,
                "--list", lst)
        ok(r.returncode in (0, 1), "shard %d/4" % k, r.stderr)
        shards.append(s)
    ok(sorted(sum((list(x[0] for x in q(s, "SELECT path FROM evidence"))
                   for s in shards), [])) == sorted(items),
       "the 4 shards partition the list")
    merged = os.path.join(tmp, "merged.db")
    r = run("merge", "--db", merged, *shards)
    ok(r.returncode == 0, "merge 4 shards", r.stderr)
    ok(content(merged) == content(batch), "4 shards merged = the batch")
    # the same shards run by GNU parallel (when installed), merged
    if shutil.which("parallel"):
        pdir = os.path.join(tmp, "par")
        os.mkdir(pdir)
        r = subprocess.run(
            ["parallel", "--will-cite", "-j", "2", "--joblog",
             os.path.join(pdir, "joblog"), DOFP, "batch", "-q",
             "--db", os.path.join(pdir, "shard{}.db"), "-j", "1",
             "--shard", "{}/4", "--list", lst, ":::", "1", "2", "3", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # parallel's exit = jobs that exited non-zero; 1 (warnings) is fine
        log = [l.split("\t") for l in
               open(os.path.join(pdir, "joblog")).read().splitlines()[1:]]
        ok(len(log) == 4 and all(l[6] in ("0", "1") for l in log),
           "GNU parallel runs the 4 shards (exit 0 or 1 each)", log)
        pm = os.path.join(tmp, "par-merged.db")
        r = run("merge", "--db", pm,
                *[os.path.join(pdir, "shard%d.db" % k) for k in range(1, 5)])
        ok(r.returncode == 0 and content(pm) == content(batch),
           "shards from GNU parallel merged = the batch", r.stderr)
    # a corrupt image fails alone
    broken = os.path.join(d, "broken.raw")
    with open(broken, "wb") as f:
        f.write(os.urandom(1 << 20))
    missing = os.path.join(d, "missing.raw")
    b2 = os.path.join(tmp, "b2.db")
    r = run("batch", "--db", b2, "-j", "2", items[0], broken, items[2],
            missing)
    ok(r.returncode == 7, "batch with a corrupt image: exit 7",
       (r.returncode, r.stderr))
    st = dict(q(b2, "SELECT path, status FROM evidence"))
    ok(st.get(items[0]) == "ok" and st.get(items[2]) in ("ok", "warnings"),
       "the others complete", st)
    ok(st.get(broken) == "failed", "corrupt image: status failed", st)
    reason = q(b2, "SELECT status_reason FROM evidence WHERE path = ?",
               (broken,))
    ok(reason and reason[0][0], "failure reason recorded: %s" %
       (reason[0][0] if reason else None))
    ok(any(r[0] == "failed" for r in q(b2, "SELECT status FROM evidence "
                                       "WHERE path LIKE '%missing.raw'")),
       "a missing file is a failed item too")


def test_kill(tmp, big):
    db = os.path.join(tmp, "kill.db")
    t0 = time.time()
    r = run("ingest", "-q", "--db", db, big)
    first = time.time() - t0
    ok(r.returncode in (0, 1), "ingest the large image", r.stderr)
    before = content(db)
    t0 = time.time()
    r = run("ingest", "-q", "--db", db, "--hash-files", big)
    full = time.time() - t0
    ok(r.returncode in (0, 1), "re-ingest with --hash-files (%.2fs)" % full)
    before = content(db)
    for frac in (0.05, 0.2, 0.4, 0.6, 0.8, 0.95):
        p = subprocess.Popen([DOFP, "ingest", "-q", "--db", db, "--hash-files",
                              big], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(full * frac)
        p.send_signal(signal.SIGKILL)
        p.wait()
        ic, fk = checks(db)
        ok(ic and fk == [] and content(db) == before,
           "kill -9 at %.0f%% (%.2fs): previous state intact" %
           (frac * 100, full * frac), (ic, fk))
    # a first ingest killed leaves nothing
    db2 = os.path.join(tmp, "kill2.db")
    p = subprocess.Popen([DOFP, "ingest", "-q", "--db", db2, "--hash-files",
                          big], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(first * 0.3)
    p.send_signal(signal.SIGKILL)
    p.wait()
    ok(p.returncode == -signal.SIGKILL, "killed before the end")
    try:
        left = (q(db2, "SELECT count(*) FROM layer_files")[0][0] +
                q(db2, "SELECT count(*) FROM evidence")[0][0])
    except sqlite3.OperationalError:
        left = 0  # killed before the schema was committed
    ok(left == 0, "first ingest killed: no partial rows")


def test_queries(tmp, synth):
    """Every ```sql block of doc/queries.md whose heading has a
    `-- expect:` comment runs on a case holding the good image twice (two
    paths, two evidence items)."""
    db = os.path.join(tmp, "queries.db")
    good = os.path.join(synth, "good.raw")
    good2 = os.path.join(tmp, "good-copy.raw")
    shutil.copyfile(good, good2)
    for p in (good, good2):
        r = run("ingest", "--db", db, p)
        ok(r.returncode in (0, 1), "queries case: ingest %s" % os.path.basename(p),
           r.stderr)
    ok(q(db, "SELECT id FROM evidence ORDER BY id") == [(1,), (2,)],
       "queries case: two evidence items")
    text = open(os.path.join(SRC, "doc", "queries.md")).read()
    blocks = re.findall(r"```sql\n(.*?)```", text, re.S)
    ok(len(blocks) >= 6, "doc/queries.md has %d queries" % len(blocks))
    c = sqlite3.connect(db)
    for b in blocks:
        m = re.search(r"-- test: (.*)\n-- params: (.*)\n-- expect: (.*)\n", b)
        if not ok(m is not None, "query has test/params/expect lines", b):
            continue
        name, params, expect = m.group(1), json.loads(m.group(2)), \
            json.loads(m.group(3))
        try:
            rows = c.execute(b, params).fetchall()
        except sqlite3.Error as e:
            ok(False, "query '%s' runs" % name, e)
            continue
        got = [list(r) for r in rows]
        ok(all(g and g[0] in (1, 2) for g in got),
           "query '%s': every row starts with evidence_id" % name, got[:3])
        if isinstance(expect, dict) and "contains" in expect:
            miss = [e for e in expect["contains"]
                    if not any(g[:len(e)] == e for g in got)]
            ok(not miss, "query '%s': contains %d rows" %
               (name, len(expect["contains"])), (miss, got))
        if isinstance(expect, dict) and expect.get("count_per_evidence"):
            n1 = sum(1 for g in got if g[0] == 1)
            n2 = sum(1 for g in got if g[0] == 2)
            ok(n1 > 0 and n1 == n2, "query '%s': as many rows for each "
               "evidence item (%d, %d)" % (name, n1, n2))
        elif isinstance(expect, dict) and "count" in expect:
            ok(len(got) == expect["count"], "query '%s': %d rows" %
               (name, expect["count"]), got)
        else:
            ok(sorted(map(repr, got)) == sorted(map(repr, expect)),
               "query '%s'" % name, got)


def main():
    if not os.access(DOFP, os.X_OK):
        print("1..0 # SKIP %s not built" % DOFP)
        return 0
    tmp = tempfile.mkdtemp(prefix="dof-plugin-")
    try:
        synth = os.path.join(tmp, "synth")
        r = subprocess.run([os.path.join(SRC, "images", "synth",
                                         "make-synth.sh"), synth, "good",
                            "corrupt-config", "bbolt", "derived-formats"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if r.returncode != 0:
            print("1..0 # SKIP make-synth.sh failed: %s" % r.stdout[-200:])
            return 0
        db = test_good(tmp, synth)
        test_migrate(tmp, synth)
        test_formats(tmp, synth)
        test_corrupt_config(tmp, synth)
        test_batch(tmp, synth)
        test_queries(tmp, synth)
        big = os.environ.get("DOF_PLUGIN_BIG")
        if not big:
            big = os.path.join(tmp, "big.raw")
            g = subprocess.run([os.path.join(SRC, "images", "gen-large-host"),
                                "--containers", "60", "--layers", "30",
                                "--files-per-layer", "300", "--file-bytes",
                                "4096", "--out", big],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            if g.returncode != 0:
                big = None
        if big:
            test_kill(tmp, big)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
