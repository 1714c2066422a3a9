#!/usr/bin/env python3
"""fields_agree.py - the three front ends carry the same records (TAP).

For every record of every real-engine image (images/real): containers,
images, Docker volumes and networks, with their mounts and endpoints,
the JSON reports (`dof list-* --json`), the Python binding (`import dof`)
and the case database (`dof ingest`, then SQLite) carry the same fields
with the same values.  The names each front end uses, and which front
end leaves a field out, are read from the one field list,
include/dof_fields.h; no name mapping is written here.

DOF_FIELDS_ONLY=variant limits the run to one image."""
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
sys.dont_write_bytecode = True  # the source tree may be read-only

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
SO_DIR = os.path.join(corpus.BUILDDIR, "bindings", "python", ".libs")
if not os.path.exists(os.path.join(SO_DIR, "_dof.so")):
    t.skip_all("_dof.so not built (make check builds it)")
with open(os.path.join(SO_DIR, "_dof.so"), "rb") as f:
    if b"libasan.so" in f.read():
        t.skip_all("sanitized build: tests/test_python.py covers the binding")
sys.path.insert(0, SO_DIR)
sys.path.insert(0, os.path.join(corpus.SRCDIR, "bindings", "python"))
import dof  # noqa: E402

# ---- the field list, read from the header every front end compiles ----

HEADER = os.path.join(corpus.SRCDIR, "include", "dof_fields.h")


def _name(tok):
    tok = tok.strip()
    return None if tok == "NULL" else tok.strip('"')


def read_tables(path):
    """{table: [row]}, a row {kind, member, json, py, sql, sub}."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    tables = {}
    for m in re.finditer(r"DOF_FIELDS_TABLE\s+(\w+)\[\]\s*=\s*\{(.*?)"
                         r"DOF_FIELDS_END\}", text, re.S):
        rows = []
        body = m.group(2)
        for r in re.finditer(r"DOF_F(N|L)?_\(([^()]*)\)|"
                             r"\{(DOF_F_[A-Z_]+),([^{}]*)\}", body):
            if r.group(2) is not None:
                a = [x.strip() for x in r.group(2).split(",")]
                if r.group(1) == "L":  # T, member, elem, sub, json, py
                    rows.append(dict(kind="DOF_F_LIST", member=a[1],
                                     sub=a[3], json=_name(a[4]),
                                     py=_name(a[5]), sql=None))
                else:  # T, kind, member, json, py, sql
                    rows.append(dict(kind=a[1], member=a[2], sub=None,
                                     json=_name(a[3]), py=_name(a[4]),
                                     sql=_name(a[5])))
            else:
                a = [x.strip() for x in
                     re.sub(r"offsetof\([^()]*\)", "0", r.group(4)).split(",")]
                rows.append(dict(kind=r.group(3), member=None,
                                 json=_name(a[0]), py=_name(a[1]),
                                 sql=_name(a[2]),
                                 sub=a[6] if a[6] != "NULL" else None))
        tables[m.group(1)] = rows
    return tables


TABLES = read_tables(HEADER)
for need in ("dof_container_fields", "dof_image_fields", "dof_volume_fields",
             "dof_network_fields", "dof_mount_fields",
             "dof_endpoint_fields"):
    if not TABLES.get(need):
        t.ok(False, "%s: no table %s" % (HEADER, need))
        t.done()
        sys.exit(1)

# ---- values in the database's terms ----


def enc(s):
    """dof_name_encode for the strings of the corpus (printable UTF-8
    stays; other bytes as \\xNN)."""
    if s is None:
        return None
    b = s.encode("utf-8", "surrogateescape")
    out = []
    for ch in b.decode("utf-8", "surrogateescape"):
        o = ord(ch)
        if 0xdc80 <= o <= 0xdcff:
            out.append("\\x%02x" % (o - 0xdc00))
        elif o < 0x20 or o == 0x7f:
            out.append("\\x%02x" % o)
        elif ch == "\\":
            out.append("\\\\")
        else:
            out.append(ch)
    return "".join(out)


def ns(s):
    if s is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)"
                     r"(?:\.(\d+))?Z", s)
    if not m:
        return ("bad time", s)
    d = datetime.datetime(*[int(x) for x in m.groups()[:6]],
                          tzinfo=datetime.timezone.utc)
    frac = (m.group(7) or "0").ljust(9, "0")[:9]
    return (int(d.timestamp()) * 1000000000) + int(frac)


def as_sql(kind, v):
    """The column a JSON value of this kind becomes."""
    if v is None:
        return None
    if kind in ("DOF_F_STR", "DOF_F_STR_NULL", "DOF_F_STATE", "DOF_F_STORE"):
        return enc(v)
    if kind == "DOF_F_TIME":
        return ns(v)
    if kind == "DOF_F_BOOL":
        return 1 if v else 0
    if kind in ("DOF_F_INT", "DOF_F_U64", "DOF_F_STORE_OFF", "DOF_F_COUNT",
                "DOF_F_NS"):
        return v
    if kind == "DOF_F_STRV":
        return [enc(x) for x in v] if v else None
    if kind == "DOF_F_KV":
        return {enc(k): enc(x) for k, x in v.items()} if v else None
    return ("unknown kind", kind)


def sql_value(kind, v):
    if kind in ("DOF_F_STRV", "DOF_F_KV") and v is not None:
        return json.loads(v)
    return v


def str_null(kind, v):
    """JSON gives null for NULL and "", the database keeps ""."""
    return None if kind == "DOF_F_STR_NULL" and v == "" else v


# ---- comparing one record ----


def compare(what, table, j, p, row, bad):
    """j: the JSON object, p: the Python dict, row: {column: value} or
    None (the database has no row for this kind of record)."""
    for f in TABLES[table]:
        kind = f["kind"]
        if f["json"] is not None and f["json"] not in j:
            bad.append((what, "json lacks", f["json"]))
            continue
        if f["py"] is not None and f["py"] not in p:
            bad.append((what, "python lacks", f["py"]))
            continue
        jv = j.get(f["json"]) if f["json"] else None
        pv = p.get(f["py"]) if f["py"] else None
        if f["json"] and f["py"] and kind not in ("DOF_F_LIST",):
            if jv != pv:
                bad.append((what, "json != python", f["json"], jv, pv))
        if kind == "DOF_F_LIST" and f["json"] and f["py"]:
            if len(jv) != len(pv):
                bad.append((what, "json != python", f["json"], len(jv),
                            len(pv)))
            else:
                for i, (a, b) in enumerate(zip(jv, pv)):
                    compare("%s.%s[%d]" % (what, f["json"], i), f["sub"],
                            a, b, None, bad)
            continue
        if row is None:
            continue
        if kind in ("DOF_F_OBJ", "DOF_F_PTR"):
            sub = jv if jv is not None else {}
            for s in TABLES[f["sub"]]:
                if s["sql"] is None or s["json"] is None:
                    continue
                if s["sql"] not in row:
                    bad.append((what, "database lacks", s["sql"]))
                    continue
                want = as_sql(s["kind"], sub.get(s["json"]))
                got = str_null(s["kind"],
                               sql_value(s["kind"], row[s["sql"]]))
                if got != want:
                    bad.append((what, "json != database", s["sql"], want,
                                got))
            continue
        if f["sql"] is None or f["json"] is None:
            continue
        if f["sql"] not in row:
            bad.append((what, "database lacks", f["sql"]))
            continue
        want = as_sql(kind, jv)
        got = str_null(kind, sql_value(kind, row[f["sql"]]))
        if got != want:
            bad.append((what, "json != database", f["sql"], want, got))


def rows(db, sql, args=()):
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute(sql, args)]


def cli_json(img, cmd, key):
    r = subprocess.run([corpus.DOF, cmd, "--json", "-q", img],
                       stdout=subprocess.PIPE, timeout=600)
    return json.loads(r.stdout.decode("utf-8"))[key]


VARIANTS = corpus.variants()
only = os.environ.get("DOF_FIELDS_ONLY")
if only:
    VARIANTS = [v for v in VARIANTS if v == only]
if not VARIANTS:
    t.skip_all("no real-engine images in images/real")

tmp = tempfile.mkdtemp(prefix="dof-fields-")
for v in VARIANTS:
    img = corpus.raw(v)
    dbp = os.path.join(tmp, v + ".db")
    r = subprocess.run([corpus.DOF, "ingest", "-q", "--db", dbp, img],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=900)
    # exit 1: done, with warnings (a dirty journal)
    t.ok(r.returncode in (0, 1) and os.path.exists(dbp),
         "%s: ingest (exit %d)" % (v, r.returncode),
         r.stderr.decode("utf-8", "replace")[-400:])
    db = sqlite3.connect(dbp)
    with dof.open(img) as ev:
        host = ev.host()
        py = {"containers": host.containers(), "images": host.images(),
              "volumes": host.volumes(), "networks": host.networks()}
    # containers, with their mounts and endpoints
    js = cli_json(img, "list-containers", "containers")
    pys = {(c["id"], c["data_root"]): c for c in py["containers"]}
    dbs = {(c["id"], c["store"]): c for c in rows(db, "SELECT * FROM containers")}
    bad = []
    t.ok(len(js) == len(py["containers"]) == len(dbs) and len(js) > 0,
         "%s: %d containers in JSON, Python, database" % (v, len(js)),
         (len(js), len(py["containers"]), len(dbs)))
    nmounts = neps = 0
    for j in js:
        k = (j["id"], j["data_root"])
        p, row = pys.get(k), dbs.get(k)
        if p is None or row is None:
            bad.append((k, "missing in python or database"))
            continue
        compare("container " + j["name"], "dof_container_fields", j, p, row,
                bad)
        key = row["container_key"]
        ms = rows(db, "SELECT * FROM container_mounts WHERE container_key = ?"
                  " ORDER BY position", (key,))
        eps = rows(db, "SELECT * FROM endpoints WHERE container_key = ? "
                   "ORDER BY rowid", (key,))
        if len(ms) != len(j["mounts"]) or len(eps) != len(j["networks"]):
            bad.append((j["name"], "mounts/endpoints rows",
                        len(ms), len(eps)))
            continue
        for i, m in enumerate(j["mounts"]):
            compare("%s mount %d" % (j["name"], i), "dof_mount_fields", m,
                    p["mounts"][i], ms[i], bad)
            nmounts += 1
        for i, e in enumerate(j["networks"]):
            compare("%s endpoint %d" % (j["name"], i), "dof_endpoint_fields",
                    e, p["networks"][i], eps[i], bad)
            neps += 1
    t.ok(not bad, "%s: containers agree (%d mounts, %d endpoints)" %
         (v, nmounts, neps), bad[:10])
    # images
    js = cli_json(img, "list-images", "images")
    pys = {(x["id"], x["data_root"]): x for x in py["images"]}
    dbs = {(x["id"], x["store"]): x for x in rows(db, "SELECT * FROM images")}
    bad = []
    for j in js:
        k = (j["id"], j["data_root"])
        if k not in pys or k not in dbs:
            bad.append((k, "missing"))
            continue
        compare("image " + j["id"][:19], "dof_image_fields", j, pys[k],
                dbs[k], bad)
    t.ok(not bad and len(js) == len(pys) == len(dbs) and js,
         "%s: %d images agree" % (v, len(js)), bad[:10])
    # volumes
    js = cli_json(img, "list-volumes", "volumes")
    pys = {(x["name"], x["data_root"]): x for x in py["volumes"]}
    dbs = {x["name"]: x for x in rows(db, "SELECT * FROM volumes_docker")}
    bad = []
    for j in js:
        k = (j["name"], j["data_root"])
        if k not in pys or j["name"] not in dbs:
            bad.append((k, "missing"))
            continue
        compare("volume " + j["name"][:19], "dof_volume_fields", j, pys[k],
                dbs[j["name"]], bad)
    t.ok(not bad and len(js) == len(pys) == len(dbs),
         "%s: %d volumes agree" % (v, len(js)), bad[:10])
    # networks, with their endpoints
    js = cli_json(img, "list-networks", "networks")
    pys = {(x["id"], x["data_root"]): x for x in py["networks"]}
    dbs = {x["id"]: x for x in rows(db, "SELECT * FROM networks")}
    bad = []
    neps = 0
    for j in js:
        k = (j["id"], j["data_root"])
        if k not in pys or j["id"] not in dbs:
            bad.append((k, "missing"))
            continue
        row = dbs[j["id"]]
        compare("network " + j["name"], "dof_network_fields", j, pys[k],
                row, bad)
        eps = rows(db, "SELECT * FROM endpoints WHERE network_key = ? "
                   "ORDER BY rowid", (row["network_key"],))
        if len(eps) != len(j["endpoints"]):
            bad.append((j["name"], "endpoint rows", len(eps)))
            continue
        for i, e in enumerate(j["endpoints"]):
            compare("%s endpoint %d" % (j["name"], i), "dof_endpoint_fields",
                    e, pys[k]["endpoints"][i], eps[i], bad)
            neps += 1
    t.ok(not bad and len(js) == len(pys) == len(dbs) and js,
         "%s: %d networks agree (%d endpoints)" % (v, len(js), neps),
         bad[:10])
    db.close()
    os.unlink(dbp)
t.done()
