/*
 * db.c - opening a case database: pragmas, schema creation, versioning
 * and migrations; merging another case database.
 */
#include "plugin_private.h"

#include <stdlib.h>
#include <time.h>

/* One migration step: run on a case at version `from` to bring it to
 * from + 1.  Step 0 creates the current schema (schema.sql, always the
 * latest) on a new case, which is then at DOF_CASE_SCHEMA_VERSION.  A
 * schema change edits schema.sql, appends a step that brings the
 * previous version's cases to it, and bumps DOF_CASE_SCHEMA_VERSION;
 * never edit a shipped step. */
typedef struct case_migration {
    int from;
    const char *sql; /* NULL: the schema (schema.sql) */
} case_migration;

static const case_migration migrations[] = {
    {0, NULL},
    /* 2: partitions are named by their address (p2, 0, dir); rows
     * ingested by schema 1 keep NULL until re-ingested */
    {1, "ALTER TABLE volumes ADD COLUMN address TEXT;"},
    /* 3: the new container and image fields of dof_fields.h */
    {2, "ALTER TABLE containers ADD COLUMN engine TEXT;"
        "ALTER TABLE containers ADD COLUMN store TEXT;"
        "ALTER TABLE containers ADD COLUMN namespace TEXT;"
        "ALTER TABLE containers ADD COLUMN pod_name TEXT;"
        "ALTER TABLE containers ADD COLUMN pod_namespace TEXT;"
        "ALTER TABLE containers ADD COLUMN pod_uid TEXT;"
        "ALTER TABLE containers ADD COLUMN pod_sandbox_id TEXT;"
        "ALTER TABLE containers ADD COLUMN sandbox TEXT;"
        "ALTER TABLE containers ADD COLUMN rootless_user TEXT;"
        "ALTER TABLE containers ADD COLUMN state_raw TEXT;"
        "ALTER TABLE images ADD COLUMN engine TEXT;"
        "ALTER TABLE images ADD COLUMN store TEXT;"
        "ALTER TABLE images ADD COLUMN namespace TEXT;"
        "ALTER TABLE images ADD COLUMN rootless_user TEXT;"},
    /* 4: intermediate images of the classic builder */
    {3, "ALTER TABLE images ADD COLUMN intermediate INTEGER;"},
};

int
ing_db_error(dof_ctx *ctx, sqlite3 *db, const char *what)
{
    return dof_set_error(ctx, DOF_ERR_DB, "case database: %s: %s", what,
                         db ? sqlite3_errmsg(db) : "out of memory");
}

static int
exec_sql(dof_ctx *ctx, sqlite3 *db, const char *sql, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        dof_set_error(ctx, DOF_ERR_DB, "case database: %s: %s", what,
                      msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return DOF_ERR_DB;
    }
    return DOF_OK;
}

static int
get_user_version(dof_ctx *ctx, sqlite3 *db, int *v)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
        SQLITE_OK)
        return ing_db_error(ctx, db, "reading the schema version");
    *v = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return DOF_OK;
}

static int
set_meta(dof_ctx *ctx, sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    int rc = DOF_OK;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO meta (key, value) "
                           "VALUES (?1, ?2)",
                           -1, &st, NULL) != SQLITE_OK)
        return ing_db_error(ctx, db, "meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ing_db_error(ctx, db, "meta");
    sqlite3_finalize(st);
    return rc;
}

static int
migrate(dof_ctx *ctx, sqlite3 *db, const char *path)
{
    int v = 0, rc;
    char buf[40], num[16];

    if (exec_sql(ctx, db, "BEGIN IMMEDIATE", "locking the case") != DOF_OK)
        return DOF_ERR_DB;
    if ((rc = get_user_version(ctx, db, &v)) != DOF_OK)
        goto fail;
    if (v > DOF_CASE_SCHEMA_VERSION) {
        rc = dof_set_error(ctx, DOF_ERR_DB,
                           "%s: case database schema version %d is newer "
                           "than this dof (%s) supports (%d): use a newer "
                           "dof",
                           path, v, DOF_VERSION, DOF_CASE_SCHEMA_VERSION);
        goto fail;
    }
    if (v == DOF_CASE_SCHEMA_VERSION) {
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        return DOF_OK;
    }
    for (size_t i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
        if (migrations[i].from != v)
            continue;
        rc = exec_sql(ctx, db,
                      migrations[i].sql ? migrations[i].sql
                                        : dof_case_schema_sql,
                      "migrating the schema");
        if (rc != DOF_OK)
            goto fail;
        /* step 0 (schema.sql) creates the current schema at once */
        v = migrations[i].sql ? v + 1 : DOF_CASE_SCHEMA_VERSION;
    }
    if (v != DOF_CASE_SCHEMA_VERSION) {
        rc = dof_set_error(ctx, DOF_ERR_DB,
                           "%s: no migration from schema version %d", path, v);
        goto fail;
    }
    snprintf(num, sizeof(num), "%d", v);
    dof_time_format((int64_t)time(NULL) * 1000000000LL, buf, sizeof(buf));
    if ((rc = set_meta(ctx, db, "schema_version", num)) != DOF_OK ||
        (rc = set_meta(ctx, db, "dof_version", DOF_VERSION)) != DOF_OK)
        goto fail;
    /* created: only the first time */
    {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db,
                               "INSERT OR IGNORE INTO meta (key, value) "
                               "VALUES ('created', ?1)",
                               -1, &st, NULL) != SQLITE_OK) {
            rc = ing_db_error(ctx, db, "meta");
            goto fail;
        }
        sqlite3_bind_text(st, 1, buf, -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    /* PRAGMA cannot take a bound parameter; num is our own integer. */
    {
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
        if ((rc = exec_sql(ctx, db, sql, "schema version")) != DOF_OK)
            goto fail;
    }
    if ((rc = exec_sql(ctx, db, "COMMIT", "migrating the schema")) != DOF_OK)
        goto fail;
    return DOF_OK;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int
dof_case_db_open(dof_ctx *ctx, const char *path, unsigned flags, sqlite3 **out)
{
    sqlite3 *db = NULL;
    int oflags, rc;

    *out = NULL;
    if (flags & DOF_CASE_READONLY)
        oflags = SQLITE_OPEN_READONLY;
    else
        oflags = SQLITE_OPEN_READWRITE |
                 ((flags & DOF_CASE_CREATE) ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
        rc = dof_set_error(ctx, DOF_ERR_DB, "%s: cannot open the case: %s",
                           path, db ? sqlite3_errmsg(db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(db, 60000);
    sqlite3_extended_result_codes(db, 1);
    if (!(flags & DOF_CASE_READONLY) &&
        (rc = exec_sql(ctx, db, "PRAGMA journal_mode=WAL", path)) != DOF_OK)
        goto fail;
    if ((rc = exec_sql(ctx, db,
                       "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL",
                       path)) != DOF_OK)
        goto fail;
    if (flags & DOF_CASE_READONLY) {
        int v = 0;
        if ((rc = get_user_version(ctx, db, &v)) != DOF_OK)
            goto fail;
        if (v != DOF_CASE_SCHEMA_VERSION) {
            rc = dof_set_error(ctx, DOF_ERR_DB,
                               "%s: case database schema version %d, this "
                               "dof reads %d",
                               path, v, DOF_CASE_SCHEMA_VERSION);
            goto fail;
        }
    }
    else if ((rc = migrate(ctx, db, path)) != DOF_OK)
        goto fail;
    *out = db;
    return DOF_OK;
fail:
    sqlite3_close(db);
    return rc;
}

int
dof_case_open(dof_ctx *ctx, const char *path, unsigned flags, dof_case **out)
{
    dof_case *cs = NULL;
    int rc;

    if (out == NULL || path == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_case_open: no path");
    *out = NULL;
    cs = calloc(1, sizeof(*cs));
    if (cs == NULL || (cs->path = strdup(path)) == NULL) {
        rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((rc = dof_case_db_open(ctx, path, flags, &cs->db)) != DOF_OK)
        goto fail;
    *out = cs;
    return DOF_OK;
fail:
    dof_case_close(cs);
    return rc;
}

void
dof_case_close(dof_case *cs)
{
    if (cs == NULL)
        return;
    sqlite3_close(cs->db);
    free(cs->path);
    free(cs);
}

int
dof_case_evidence_status(dof_ctx *ctx, dof_case *cs, const char *path,
                         char **status)
{
    sqlite3_stmt *st = NULL;
    char *abs = realpath(path, NULL);
    int rc = DOF_OK;

    *status = NULL;
    if (sqlite3_prepare_v2(cs->db,
                           "SELECT status FROM evidence WHERE path = ?1", -1,
                           &st, NULL) != SQLITE_OK) {
        rc = ing_db_error(ctx, cs->db, "evidence status");
        goto done;
    }
    sqlite3_bind_text(st, 1, abs ? abs : path, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if (s && (*status = strdup(s)) == NULL)
            rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
done:
    sqlite3_finalize(st);
    free(abs);
    return rc;
}

int
dof_case_record_failure(dof_ctx *ctx, dof_case *cs, const char *path,
                        const char *reason)
{
    sqlite3_stmt *st = NULL;
    char *abs = realpath(path, NULL);
    char tbuf[40];
    int64_t now = (int64_t)time(NULL) * 1000000000LL;
    int rc = DOF_OK;

    dof_time_format(now, tbuf, sizeof(tbuf));
    if (sqlite3_prepare_v2(
            cs->db,
            "INSERT OR IGNORE INTO evidence (path, ingested_at, "
            "ingested_at_text, status, status_reason) "
            "VALUES (?1, ?2, ?3, 'failed', ?4)",
            -1, &st, NULL) != SQLITE_OK) {
        rc = ing_db_error(ctx, cs->db, "recording a failure");
        goto done;
    }
    sqlite3_bind_text(st, 1, abs ? abs : path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, tbuf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, reason ? reason : "unknown", -1,
                      SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ing_db_error(ctx, cs->db, "recording a failure");
done:
    sqlite3_finalize(st);
    free(abs);
    return rc;
}

/* ---------------------------------------------------------------- */
/* merge                                                              */
/* ---------------------------------------------------------------- */

/* Tables copied per evidence item, parents before children.  Column lists
 * come from PRAGMA table_info of our own schema (names, never values). */
static const char *const merge_tables[] = {
    "ingest_runs",      "volumes",       "data_roots",
    "host_settings",    "containers",    "container_mounts",
    "container_ports",  "container_env", "container_labels",
    "images",           "image_tags",    "image_labels",
    "image_history",    "layers",        "image_layers",
    "container_layers", "layer_files",   "volumes_docker",
    "networks",         "endpoints",     "log_records",
    "timeline_events",  "findings",      "warnings",
};

/* Build "INSERT INTO main.T (cols) SELECT <cols, evidence_id = ?1> FROM
 * src.T WHERE evidence_id = ?2".  The id column of ingest_runs is left to
 * the target. */
static char *
merge_sql(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st = NULL;
    dof_buf cols, sel, sql;
    char *out = NULL;
    int first = 1;

    dof_buf_init(&cols);
    dof_buf_init(&sel);
    dof_buf_init(&sql);
    dof_buf_printf(&sql, "PRAGMA main.table_info(%s)", table);
    if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK)
        goto done;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 1);
        if (c == NULL ||
            (strcmp(table, "ingest_runs") == 0 && strcmp(c, "id") == 0))
            continue;
        dof_buf_printf(&cols, "%s\"%s\"", first ? "" : ", ", c);
        if (strcmp(c, "evidence_id") == 0)
            dof_buf_printf(&sel, "%s?1", first ? "" : ", ");
        else
            dof_buf_printf(&sel, "%s\"%s\"", first ? "" : ", ", c);
        first = 0;
    }
    dof_buf_reset(&sql);
    dof_buf_printf(&sql,
                   "INSERT INTO main.%s (%s) SELECT %s FROM src.%s "
                   "WHERE evidence_id = ?2",
                   table, cols.data ? cols.data : "", sel.data ? sel.data : "",
                   table);
    if (!first && !sql.oom)
        out = dof_buf_take(&sql);
done:
    sqlite3_finalize(st);
    dof_buf_free(&cols);
    dof_buf_free(&sel);
    dof_buf_free(&sql);
    return out;
}

/* Run sql with ?1 = a (and ?2 = b when b >= 0) to its first step: the
 * step's result (SQLITE_ROW, SQLITE_DONE, an error) or the prepare's
 * error; the message stays on db. */
static int
step_ids(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(st, 1, a);
    if (b >= 0)
        sqlite3_bind_int64(st, 2, b);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

static int
merge_one(dof_ctx *ctx, sqlite3 *db, int64_t src_id)
{
    int64_t new_id;
    int rc;

    if (exec_sql(ctx, db, "BEGIN IMMEDIATE", "merge") != DOF_OK)
        return DOF_ERR_DB;
    /* A failed item never replaces an item already in the case (the
     * previous complete state is kept, as dof_case_ingest does). */
    rc = step_ids(db,
                  "SELECT 1 FROM src.evidence s JOIN main.evidence m ON "
                  "m.path = s.path WHERE s.id = ?1 AND s.status = 'failed'",
                  src_id, -1);
    if (rc == SQLITE_ROW) {
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        return DOF_OK;
    }
    if (rc != SQLITE_DONE)
        goto dberr;
    /* replace an item of the same path */
    if (step_ids(db,
                 "DELETE FROM main.evidence WHERE path = "
                 "(SELECT path FROM src.evidence WHERE id = ?1)",
                 src_id, -1) != SQLITE_DONE ||
        step_ids(db,
                 "INSERT INTO main.evidence (path, format, vs_type, "
                 "size_bytes, stored_md5, stored_sha1, computed_md5, "
                 "computed_sha1, ingested_at, ingested_at_text, status, "
                 "status_reason, warnings_count, modules) SELECT path, "
                 "format, vs_type, size_bytes, stored_md5, stored_sha1, "
                 "computed_md5, computed_sha1, ingested_at, "
                 "ingested_at_text, status, status_reason, warnings_count, "
                 "modules FROM src.evidence WHERE id = ?1",
                 src_id, -1) != SQLITE_DONE)
        goto dberr;
    new_id = sqlite3_last_insert_rowid(db);
    for (size_t i = 0; i < sizeof(merge_tables) / sizeof(merge_tables[0]);
         i++) {
        char *sql = merge_sql(db, merge_tables[i]);
        if (sql == NULL) {
            rc = dof_set_error(ctx, DOF_ERR_DB, "merge: table %s",
                               merge_tables[i]);
            goto fail;
        }
        rc = step_ids(db, sql, new_id, src_id);
        free(sql);
        if (rc != SQLITE_DONE)
            goto dberr;
    }
    if (exec_sql(ctx, db, "COMMIT", "merge") != DOF_OK) {
        rc = DOF_ERR_DB;
        goto fail;
    }
    return DOF_OK;
dberr:
    rc = ing_db_error(ctx, db, "merge");
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int
dof_case_merge(dof_ctx *ctx, dof_case *cs, const char *other)
{
    sqlite3 *odb = NULL;
    sqlite3_stmt *st = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;

    /* Check its version (and migrate it if it is older). */
    if ((rc = dof_case_db_open(ctx, other, 0, &odb)) != DOF_OK)
        return rc;
    sqlite3_close(odb);
    odb = NULL;
    if (sqlite3_prepare_v2(cs->db, "ATTACH DATABASE ?1 AS src", -1, &st,
                           NULL) != SQLITE_OK)
        return ing_db_error(ctx, cs->db, "attach");
    sqlite3_bind_text(st, 1, other, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = ing_db_error(ctx, cs->db, other);
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(cs->db, "SELECT id FROM src.evidence ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = ing_db_error(ctx, cs->db, "merge");
        goto done;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            int64_t *p = realloc(ids, nc * sizeof(*ids));
            if (p == NULL) {
                rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
                goto done;
            }
            ids = p;
            cap = nc;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    st = NULL;
    for (size_t i = 0; i < n; i++)
        if ((rc = merge_one(ctx, cs->db, ids[i])) != DOF_OK)
            goto done;
    rc = DOF_OK;
done:
    sqlite3_finalize(st);
    free(ids);
    sqlite3_exec(cs->db, "DETACH DATABASE src", NULL, NULL, NULL);
    return rc;
}
