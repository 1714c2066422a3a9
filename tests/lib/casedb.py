"""Row content of a case database (plugin/schema.sql), for comparing two
cases built in different ways (single ingests, a batch, merged shards).

Provenance and ingest times differ between such cases by design: evidence
ids, the ingest timestamps and the surrogate `id` columns are left out,
and every row of a per-item table is keyed by its evidence's path."""
import hashlib
import sqlite3

# Tables compared by content: everything but provenance and ingest times.
SKIP_COLS = {"evidence_id", "ingested_at", "ingested_at_text", "id"}
TABLES = ["evidence", "volumes", "data_roots", "host_settings",
          "containers", "container_mounts", "container_ports",
          "container_env", "container_labels", "images", "image_tags",
          "image_labels", "image_history", "layers", "image_layers",
          "container_layers", "layer_files", "volumes_docker", "networks",
          "endpoints", "log_records", "timeline_events", "findings",
          "warnings"]


def content(db_path):
    """{table: (rows, sha256)} with evidence ids replaced by paths."""
    db = sqlite3.connect(db_path)
    out = {}
    for t in TABLES:
        cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % t)]
        # `id` of containers, images and networks is Docker's id: kept
        keep = [c for c in cols if c not in SKIP_COLS or
                (t == "containers" and c == "id") or
                (t == "images" and c == "id") or
                (t == "networks" and c == "id")]
        if t == "evidence":
            sql = "SELECT %s FROM evidence" % ", ".join(keep)
        else:
            sql = ("SELECT e.path, %s FROM %s t JOIN evidence e ON e.id = "
                   "t.evidence_id" % (", ".join("t." + c for c in keep), t))
        rows = sorted(repr(r) for r in db.execute(sql))
        out[t] = (len(rows),
                  hashlib.sha256("\n".join(rows).encode()).hexdigest())
    db.close()
    return out


def differing(a, b):
    """The tables whose content differs between two content() results."""
    return [t for t in TABLES if a.get(t) != b.get(t)]
