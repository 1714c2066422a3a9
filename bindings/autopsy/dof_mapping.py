# -*- coding: utf-8 -*-
"""dof_mapping - from a dof case database to Autopsy artifacts.

Plain Python that runs unchanged under Jython 2.7 (inside Autopsy) and
CPython 3 (the tests): no f-strings, no py3-only syntax, no third-party
imports.  The Autopsy module (dof_ingest.py) only supplies an `api`
object with the thin Autopsy calls (see post_all); everything that
decides *what* is posted, with which attributes, attached to which file,
is here.

The database is read through a `db` object with one method,
query(sql, params) -> list of dicts (column name -> value):
JdbcDB (Jython: org.sqlite.JDBC, as Autopsy reads SQLite) and SqliteDB
(CPython: the sqlite3 module).

Identity: every case-database row that describes something on disk
carries (volume_offset_bytes, inode, path); the artifact is attached to
the data source's file with that name and parent path whose meta address
is the inode and whose filesystem starts at that byte offset
(match_file).  Without such a file it goes on the data source itself.
"""

import re

# ---- artifact and attribute types ----------------------------------------

# (type name, display name, category): "data" -> newDataArtifact,
# "analysis" -> newAnalysisResult.
ARTIFACT_TYPES = [
    ("DOF_DOCKER_CONTAINER", "Docker Containers", "data"),
    ("DOF_DOCKER_IMAGE", "Docker Images", "data"),
    ("DOF_DOCKER_LOG_ENTRY", "Docker Log Entries", "data"),
    ("DOF_DOCKER_FILE_CHANGE", "Docker Container File Changes", "data"),
    ("DOF_DOCKER_FINDING", "Docker Findings", "analysis"),
]

# (attribute name, value type, display name); value types are
# BlackboardAttribute.TSK_BLACKBOARD_ATTRIBUTE_VALUE_TYPE names.
ATTRIBUTE_TYPES = [
    ("DOF_CONTAINER_ID", "STRING", "Container ID"),
    ("DOF_CONTAINER_NAME", "STRING", "Container Name"),
    ("DOF_IMAGE", "STRING", "Image (as typed)"),
    ("DOF_IMAGE_ID", "STRING", "Image ID"),
    ("DOF_STATE", "STRING", "State"),
    ("DOF_EXIT_CODE", "LONG", "Exit Code"),
    ("DOF_PID", "LONG", "PID"),
    ("DOF_CREATED", "DATETIME", "Created"),
    ("DOF_STARTED", "DATETIME", "Started"),
    ("DOF_FINISHED", "DATETIME", "Finished"),
    ("DOF_COMMAND", "STRING", "Command"),
    ("DOF_PRIVILEGED", "LONG", "Privileged"),
    ("DOF_MOUNTS", "STRING", "Mounts"),
    ("DOF_PORTS", "STRING", "Port Bindings"),
    ("DOF_LOG_DRIVER", "STRING", "Log Driver"),
    ("DOF_TAGS", "STRING", "Tags"),
    ("DOF_DIGESTS", "STRING", "Digests"),
    ("DOF_ARCH", "STRING", "Architecture / OS"),
    ("DOF_LAYERS", "LONG", "Layers"),
    ("DOF_TIME", "DATETIME", "Time"),
    ("DOF_TIME_NS", "STRING", "Time (RFC 3339, ns)"),
    ("DOF_STREAM", "STRING", "Stream"),
    ("DOF_MESSAGE", "STRING", "Message"),
    ("DOF_CHANGE", "STRING", "Change (A/C/D)"),
    ("DOF_CONTAINER_PATH", "STRING", "Path in Container"),
    ("DOF_FILE_TYPE", "STRING", "File Type"),
    ("DOF_SIZE", "LONG", "Size"),
    ("DOF_MODE", "STRING", "Mode"),
    ("DOF_MTIME", "DATETIME", "Modified"),
    ("DOF_SEVERITY", "STRING", "Severity"),
    ("DOF_FINDING", "STRING", "Finding"),
    ("DOF_DESCRIPTION", "STRING", "Description"),
    ("DOF_PATH", "STRING", "Path on Evidence"),
    ("DOF_INODE", "LONG", "Inode"),
    ("DOF_VOLUME_OFFSET", "LONG", "Volume Offset (bytes)"),
    ("DOF_EVIDENCE", "STRING", "Evidence"),
]

ATTRIBUTE_VALUE_TYPE = dict((a[0], a[1]) for a in ATTRIBUTE_TYPES)

# Autopsy Score significance for each finding severity.
SEVERITY_SCORE = {"high": "NOTABLE", "medium": "LIKELY_NOTABLE",
                  "low": "LIKELY_NOTABLE", "info": "NONE"}


# ---- databases -------------------------------------------------------------

class SqliteDB(object):
    """CPython: the sqlite3 module, read-only."""

    def __init__(self, path):
        import sqlite3
        import os
        self.con = sqlite3.connect("file:%s?mode=ro" % os.path.abspath(path),
                                   uri=True)

    def query(self, sql, params=()):
        cur = self.con.execute(sql, tuple(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def close(self):
        self.con.close()


class JdbcDB(object):
    """Jython: JDBC with org.sqlite.JDBC (xerial), as Autopsy does."""

    def __init__(self, path):
        from java.util import Properties
        url = "jdbc:sqlite:%s" % path
        try:
            from java.lang import Class
            from java.sql import DriverManager
            Class.forName("org.sqlite.JDBC")
            self.con = DriverManager.getConnection(url)
        except Exception:  # noqa: BLE001 - the jar is not on the class path
            from org.sqlite import JDBC  # of the JVM (sys.path only)
            self.con = JDBC().connect(url, Properties())
        # only SELECTs are run: the case stays as dof wrote it

    def query(self, sql, params=()):
        st = self.con.prepareStatement(sql)
        try:
            for i, p in enumerate(params):
                st.setObject(i + 1, p)
            rs = st.executeQuery()
            md = rs.getMetaData()
            names = [md.getColumnLabel(i + 1)
                     for i in range(md.getColumnCount())]
            out = []
            while rs.next():
                row = {}
                for i, n in enumerate(names):
                    v = rs.getObject(i + 1)
                    if v is not None and not isinstance(v, (int, long,
                                                            float,
                                                            basestring)):
                        v = unicode(v)  # noqa: F821 (Jython 2.7)
                    row[n] = v
                out.append(row)
            rs.close()
            return out
        finally:
            st.close()

    def close(self):
        self.con.close()


# ---- helpers ---------------------------------------------------------------

def secs(ns):
    """Autopsy DATETIME attributes are seconds since the epoch."""
    if ns is None:
        return None
    return int(ns) // 1000000000


def split_path(path):
    """("/a/b/c.txt") -> ("c.txt", "/a/b/"): Autopsy's name and parent."""
    if not path:
        return None, None
    i = path.rfind("/")
    return path[i + 1:], path[:i + 1] or "/"


def _utf8_len(b, i):
    """Length of the valid UTF-8 sequence at b[i], or 0."""
    c = b[i]
    if c < 0x80:
        return 1
    if 0xc2 <= c <= 0xdf:
        n, lo = 2, 0x80
    elif 0xe0 <= c <= 0xef:
        n, lo = 3, 0xa0 if c == 0xe0 else 0x80
    elif 0xf0 <= c <= 0xf4:
        n, lo = 4, 0x90 if c == 0xf0 else 0x80
    else:
        return 0
    hi = 0x9f if c == 0xed else 0x8f if c == 0xf4 else 0xbf
    if i + n > len(b) or not lo <= b[i + 1] <= hi:
        return 0
    for k in range(2, n):
        if not 0x80 <= b[i + k] <= 0xbf:
            return 0
    return n


def tsk_name(text):
    """A path as dof encodes it (\\xNN for bytes that are not printable
    UTF-8, \\\\ for a backslash) -> the name Autopsy keeps in tsk_files
    (TSK: invalid UTF-8 and control bytes become '^')."""
    if text is None:
        return None
    raw = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1:i + 2] == "\\":
            raw.append(0x5c)
            i += 2
        elif text[i] == "\\" and text[i + 1:i + 2] == "x" and \
                re.match("[0-9a-fA-F]{2}$", text[i + 2:i + 4]):
            raw.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raw += bytearray(text[i].encode("utf-8"))
            i += 1
    out = []
    i = 0
    while i < len(raw):
        n = _utf8_len(raw, i)
        if n == 0 or raw[i] < 0x20 or raw[i] == 0x7f:
            out.append(u"^")
            i += 1
        else:
            out.append(bytes(raw[i:i + n]).decode("utf-8"))
            i += n
    return u"".join(out)


def target(offset, inode, path):
    """Where an artifact belongs: a file of the data source."""
    if path is None or inode is None:
        return None
    name, parent = split_path(tsk_name(path))
    return {"volume_offset_bytes": offset, "inode": int(inode),
            "path": path, "name": name, "parent": parent}


def match_file(candidates, tgt):
    """Among candidate files (dicts: meta_addr, fs_offset, parent_path,
    name), the one tgt names: same name, same parent path (Autopsy's
    parent paths end in '/'), same inode, and - when both are known - a
    filesystem at the same byte offset.  None if there is none."""
    if tgt is None:
        return None
    for c in candidates:
        if c.get("name") != tgt["name"]:
            continue
        if c.get("meta_addr") != tgt["inode"]:
            continue
        pp = c.get("parent_path")
        if pp is not None and pp.rstrip("/") != tgt["parent"].rstrip("/"):
            continue
        off = c.get("fs_offset")
        if off is not None and tgt["volume_offset_bytes"] is not None \
                and int(off) != int(tgt["volume_offset_bytes"]):
            continue
        return c
    return None


def record(art_type, attrs, tgt, score=None, conclusion=None):
    """One artifact to post: attrs is a list of (attribute, value), with
    None values left out."""
    return {"type": art_type,
            "category": [a[2] for a in ARTIFACT_TYPES if a[0] == art_type][0],
            "attrs": [(k, v) for k, v in attrs if v is not None],
            "target": tgt, "score": score, "conclusion": conclusion}


def located(art_type, attrs, row, evidence_path, path_key="path", **kw):
    """record() of a row that names a file on the evidence: its path,
    inode, volume offset and the evidence are added as attributes and as
    the file the artifact is attached to."""
    path = row[path_key]
    return record(art_type, attrs + [
        ("DOF_PATH", path),
        ("DOF_INODE", row["inode"]),
        ("DOF_VOLUME_OFFSET", row["volume_offset_bytes"]),
        ("DOF_EVIDENCE", evidence_path),
    ], target(row["volume_offset_bytes"], row["inode"], path), **kw)


# ---- the mapping -----------------------------------------------------------

def evidence_rows(db, paths):
    """The evidence rows of the data source's image paths (any segment:
    the case keeps the first one, as given to dof ingest)."""
    out = []
    for p in paths:
        for r in db.query("SELECT id, path, status FROM evidence "
                          "WHERE path = ?", (p,)):
            if r["id"] not in [o["id"] for o in out]:
                out.append(r)
    return out


def containers(db, eid, evidence_path=None):
    mounts = {}
    for m in db.query("SELECT container_key, type, source, destination, rw "
                      "FROM container_mounts WHERE evidence_id = ? "
                      "ORDER BY container_key, position", (eid,)):
        mounts.setdefault(m["container_key"], []).append(
            "%s:%s:%s (%s)" % (m["source"] or "", m["destination"] or "",
                               "rw" if m["rw"] else "ro", m["type"] or ""))
    ports = {}
    for p in db.query("SELECT container_key, container_port, host_ip, "
                      "host_port FROM container_ports WHERE evidence_id = ? "
                      "AND kind = 'binding'", (eid,)):
        ports.setdefault(p["container_key"], []).append(
            "%s:%s->%s" % (p["host_ip"] or "0.0.0.0", p["host_port"] or "",
                           p["container_port"] or ""))
    out = []
    for c in db.query("SELECT * FROM containers WHERE evidence_id = ? "
                      "ORDER BY container_key", (eid,)):
        k = c["container_key"]
        out.append(located("DOF_DOCKER_CONTAINER", [
            ("DOF_CONTAINER_ID", c["id"]),
            ("DOF_CONTAINER_NAME", c["name"]),
            ("DOF_IMAGE", c["image"]),
            ("DOF_IMAGE_ID", c["image_id"]),
            ("DOF_STATE", c["state"]),
            ("DOF_EXIT_CODE", c["exit_code"]),
            ("DOF_PID", c["pid"]),
            ("DOF_CREATED", secs(c["created"])),
            ("DOF_STARTED", secs(c["started_at"])),
            ("DOF_FINISHED", secs(c["finished_at"])),
            ("DOF_COMMAND", c["command"]),
            ("DOF_PRIVILEGED", c["privileged"]),
            ("DOF_MOUNTS", "; ".join(mounts.get(k, [])) or None),
            ("DOF_PORTS", ", ".join(sorted(ports.get(k, []))) or None),
            ("DOF_LOG_DRIVER", c["log_driver"]),
        ], c, evidence_path))
    return out


def images(db, eid, evidence_path=None):
    tags = {}
    for t in db.query("SELECT image_key, kind, value FROM image_tags "
                      "WHERE evidence_id = ? ORDER BY value", (eid,)):
        tags.setdefault((t["image_key"], t["kind"]), []).append(t["value"])
    nlayers = {}
    for r in db.query("SELECT image_key, count(*) AS n FROM image_layers "
                      "WHERE evidence_id = ? GROUP BY image_key", (eid,)):
        nlayers[r["image_key"]] = r["n"]
    out = []
    for i in db.query("SELECT * FROM images WHERE evidence_id = ? "
                      "ORDER BY image_key", (eid,)):
        k = i["image_key"]
        out.append(located("DOF_DOCKER_IMAGE", [
            ("DOF_IMAGE_ID", i["id"]),
            ("DOF_TAGS", ", ".join(tags.get((k, "tag"), [])) or None),
            ("DOF_DIGESTS", ", ".join(tags.get((k, "digest"), [])) or None),
            ("DOF_CREATED", secs(i["created"])),
            ("DOF_ARCH", "%s/%s" % (i["architecture"] or "", i["os"] or "")),
            ("DOF_LAYERS", nlayers.get(k, 0)),
        ], i, evidence_path))
    return out


def log_entries(db, eid, evidence_path=None, limit=None):
    sql = ("SELECT c.id AS cid, c.name AS cname, l.seq, l.time, "
           "l.time_text, l.stream, l.message, l.volume_offset_bytes, "
           "l.inode, l.path FROM log_records l JOIN containers c ON "
           "c.evidence_id = l.evidence_id AND c.container_key = "
           "l.container_key WHERE l.evidence_id = ? "
           "ORDER BY l.container_key, l.seq")
    params = (eid,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (eid, int(limit))
    out = []
    for r in db.query(sql, params):
        out.append(located("DOF_DOCKER_LOG_ENTRY", [
            ("DOF_CONTAINER_ID", r["cid"]),
            ("DOF_CONTAINER_NAME", r["cname"]),
            ("DOF_TIME", secs(r["time"])),
            ("DOF_TIME_NS", r["time_text"]),
            ("DOF_STREAM", r["stream"]),
            ("DOF_MESSAGE", r["message"]),
        ], r, evidence_path))
    return out


# A file of a container's writable layer is A (added) when no lower layer
# of the container has the path, C when one has; a whiteout is D.  Like
# moby's naive diff, a path deleted under an opaque directory shows as
# the opaque directory's C (moby also lists D for each hidden path).
_CHANGES_SQL = (
    "SELECT c.id AS cid, c.name AS cname, f.path, f.type, f.mode, f.size, "
    "f.mtime, f.is_whiteout, f.is_opaque, f.volume_offset_bytes, f.inode, "
    "l.diff_path || f.path AS disk_path, "
    "EXISTS (SELECT 1 FROM container_layers u JOIN layer_files x ON "
    "x.evidence_id = u.evidence_id AND x.layer_key = u.layer_key "
    "WHERE u.evidence_id = cl.evidence_id AND u.container_key = "
    "cl.container_key AND u.position > cl.position AND x.path = f.path "
    "AND x.is_whiteout = 0) AS below "
    "FROM container_layers cl "
    "JOIN containers c ON c.evidence_id = cl.evidence_id AND "
    "c.container_key = cl.container_key "
    "JOIN layer_files f ON f.evidence_id = cl.evidence_id AND "
    "f.layer_key = cl.layer_key "
    "JOIN layers l ON l.evidence_id = cl.evidence_id AND "
    "l.layer_key = cl.layer_key "
    "WHERE cl.evidence_id = ? AND cl.role = 'container' "
    "ORDER BY cl.container_key, f.path")


def change_kind(row):
    if row["is_whiteout"]:
        return "D"
    return "C" if row["below"] else "A"


def file_changes(db, eid, evidence_path=None):
    out = []
    for r in db.query(_CHANGES_SQL, (eid,)):
        out.append(located("DOF_DOCKER_FILE_CHANGE", [
            ("DOF_CONTAINER_ID", r["cid"]),
            ("DOF_CONTAINER_NAME", r["cname"]),
            ("DOF_CHANGE", change_kind(r)),
            ("DOF_CONTAINER_PATH", r["path"]),
            ("DOF_FILE_TYPE", r["type"]),
            ("DOF_SIZE", r["size"]),
            ("DOF_MODE", "%04o" % r["mode"] if r["mode"] is not None
             else None),
            ("DOF_MTIME", secs(r["mtime"])),
        ], r, evidence_path, path_key="disk_path"))
    return out


def findings(db, eid, evidence_path=None):
    out = []
    for r in db.query("SELECT f.*, c.name AS cname FROM findings f "
                      "LEFT JOIN containers c ON c.evidence_id = "
                      "f.evidence_id AND c.container_key = f.container_key "
                      "WHERE f.evidence_id = ? ORDER BY f.rowid", (eid,)):
        out.append(located("DOF_DOCKER_FINDING", [
            ("DOF_FINDING", r["kind"]),
            ("DOF_SEVERITY", r["severity"]),
            ("DOF_DESCRIPTION", r["description"]),
            ("DOF_CONTAINER_ID", r["container_id"]),
            ("DOF_CONTAINER_NAME", r["cname"]),
            ("DOF_IMAGE_ID", r["image_id"]),
        ], r, evidence_path,
            score=SEVERITY_SCORE.get(r["severity"], "LIKELY_NOTABLE"),
            conclusion="%s: %s" % (r["kind"], r["description"] or "")))
    return out


FAMILIES = [("containers", containers), ("images", images),
            ("logs", log_entries), ("file_changes", file_changes),
            ("findings", findings)]


def build(db, eid, evidence_path=None, families=None):
    """Every artifact of one evidence item, family by family."""
    out = []
    for name, fn in FAMILIES:
        if families is None or name in families:
            out.extend(fn(db, eid, evidence_path))
    return out


# ---- driving the Autopsy API ----------------------------------------------

def post_all(api, db, paths, families=None, log=None):
    """Register the types, then post every artifact of the evidence items
    of `paths` (the data source's image paths).  api supplies:

      artifact_type(name, display, category) -> type handle
      attribute_type(name, value_type, display) -> type handle
      find_files(name, parent) -> list of (file, info) where info is a
          dict: meta_addr, fs_offset, parent_path, name
      data_source() -> the file to use when no file matches
      new_data_artifact(file, art_type, [(attr_type, value)]) -> artifact
      new_analysis_result(file, art_type, score, conclusion,
                          [(attr_type, value)]) -> artifact
      post(list of artifacts)
      cancelled() -> bool

    Returns counts: {family type name: n, "attached": n, "on_data_source":
    n, "evidence": n}."""
    art_types = {}
    for name, display, category in ARTIFACT_TYPES:
        art_types[name] = api.artifact_type(name, display, category)
    attr_types = {}
    for name, vtype, display in ATTRIBUTE_TYPES:
        attr_types[name] = api.attribute_type(name, vtype, display)
    counts = {"attached": 0, "on_data_source": 0, "evidence": 0}
    cache = {}
    for ev in evidence_rows(db, paths):
        counts["evidence"] += 1
        batch = []
        for rec in build(db, ev["id"], ev["path"], families):
            if api.cancelled():
                return counts
            f = None
            t = rec["target"]
            if t is not None:
                key = (t["name"], t["parent"])
                if key not in cache:
                    cache[key] = api.find_files(t["name"], t["parent"])
                cands = cache[key]
                info = match_file([c[1] for c in cands], t)
                for c in cands:
                    if c[1] is info:
                        f = c[0]
            if f is None:
                f = api.data_source()
                counts["on_data_source"] += 1
            else:
                counts["attached"] += 1
            attrs = [(attr_types[k], v) for k, v in rec["attrs"]]
            if rec["category"] == "analysis":
                art = api.new_analysis_result(f, art_types[rec["type"]],
                                              rec["score"], rec["conclusion"],
                                              attrs)
            else:
                art = api.new_data_artifact(f, art_types[rec["type"]], attrs)
            batch.append(art)
            counts[rec["type"]] = counts.get(rec["type"], 0) + 1
            if len(batch) >= 500:
                api.post(batch)
                batch = []
        if batch:
            api.post(batch)
        if log is not None:
            log("dof: evidence %s: %r" % (ev["path"], counts))
    return counts


def ingest_command(dof_bin, db_path, image_path, modules=None):
    """The dof ingest command line for one image path."""
    cmd = [dof_bin, "ingest", "-q", "--db", db_path]
    if modules:
        cmd += ["--modules", modules]
    return cmd + [image_path]
