/*
 * test_plugin.c - case database unit tests: schema creation and version
 * checks, the JSON helpers, and the container_merged view's rules on
 * hand-made layer rows (values set here, so the truth is known).
 */
#include "plugin_private.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

static char dbpath[256];

static long long
q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* One text value (static buffer). */
static const char *
q_text(sqlite3 *db, const char *sql)
{
    static char buf[256];
    sqlite3_stmt *st = NULL;
    const char *r = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(buf, sizeof(buf), "%s",
                 (const char *)sqlite3_column_text(st, 0));
        r = buf;
    }
    sqlite3_finalize(st);
    return r;
}

TEST(open)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_case *cs = NULL;

    unlink(dbpath);
    is_int(dof_case_open(ctx, dbpath, 0, &cs), DOF_ERR_DB,
           "missing case without CREATE fails");
    is_int(dof_case_open(ctx, dbpath, DOF_CASE_CREATE, &cs), DOF_OK,
           "create a case");
    is_int(q_int(cs->db, "PRAGMA user_version"), DOF_CASE_SCHEMA_VERSION,
           "user_version");
    is_str(q_text(cs->db, "SELECT value FROM meta WHERE key = "
                          "'schema_version'"),
           "4", "meta schema_version");
    is_str(q_text(cs->db, "SELECT value FROM meta WHERE key = "
                          "'dof_version'"),
           DOF_VERSION, "meta dof_version");
    ok(q_text(cs->db, "SELECT value FROM meta WHERE key = 'created'") != NULL,
       "meta created");
    is_str(q_text(cs->db, "PRAGMA journal_mode"), "wal", "WAL mode");
    is_int(q_int(cs->db, "PRAGMA foreign_keys"), 1, "foreign keys on");
    /* a newer case is refused */
    sqlite3_exec(cs->db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    dof_case_close(cs);
    cs = NULL;
    is_int(dof_case_open(ctx, dbpath, 0, &cs), DOF_ERR_DB,
           "newer schema refused");
    ok(strstr(dof_errmsg(ctx), "newer") != NULL, "message says newer: %s",
       dof_errmsg(ctx));
    is_int(dof_status_exit_code(DOF_ERR_DB), DOF_EXIT_DB, "exit code 6");
    ok(cs == NULL, "*out stays NULL");
    unlink(dbpath);
    dof_ctx_free(ctx);
}

TEST(json)
{
    const char *v[] = {"a", "q\"b\\", "n\nl"};
    dof_kv kv[] = {{"k", "v"}};
    char *s = ing_json_strv(v, 3);
    is_str(s, "[\"a\",\"q\\\"b\\\\\\\\\",\"n\\\\x0al\"]",
           "JSON array of encoded strings");
    free(s);
    s = ing_json_kv(kv, 1);
    is_str(s, "{\"k\":\"v\"}", "JSON object");
    free(s);
    ok(ing_json_strv(v, 0) == NULL, "empty array is NULL");
}

/* The merged view on hand-made rows.  Stack of container 1 (top first):
 * 0 container, 1 init, 2 image:2, 3 image:1, 4 image:0. */
static const char view_rows[] =
    "INSERT INTO evidence (id, path, status) VALUES (1, '/x', 'ok');"
    "INSERT INTO containers (evidence_id, container_key, id, name) VALUES "
    " (1, 1, 'c1', 'one');"
    "INSERT INTO layers (evidence_id, layer_key, kind, cache_id) VALUES "
    " (1, 10, 'container', 'm'), (1, 11, 'init', 'm-init'),"
    " (1, 12, 'image', 'l2'), (1, 13, 'image', 'l1'), (1, 14, 'image', "
    "'l0');"
    "INSERT INTO container_layers VALUES (1, 1, 0, 10, 'container', NULL),"
    " (1, 1, 1, 11, 'init', NULL), (1, 1, 2, 12, 'image', 2),"
    " (1, 1, 3, 13, 'image', 1), (1, 1, 4, 14, 'image', 0);"
    /* base layer */
    "INSERT INTO layer_files (evidence_id, layer_key, path, type) VALUES"
    " (1, 14, '/etc', 'dir'), (1, 14, '/etc/app.conf', 'file'),"
    " (1, 14, '/etc/motd', 'file'), (1, 14, '/var', 'dir'),"
    " (1, 14, '/var/cache', 'dir'), (1, 14, '/var/cache/old', 'file'),"
    " (1, 14, '/opt', 'dir'), (1, 14, '/opt/x', 'dir'),"
    " (1, 14, '/opt/x/deep', 'file'), (1, 14, '/srv', 'dir'),"
    " (1, 14, '/srv/f', 'file');"
    /* image:1: app.conf again, motd whiteout, /opt/x becomes a file */
    "INSERT INTO layer_files (evidence_id, layer_key, path, type, "
    "is_whiteout) VALUES (1, 13, '/etc', 'dir', 0),"
    " (1, 13, '/etc/app.conf', 'file', 0),"
    " (1, 13, '/etc/motd', 'whiteout', 1), (1, 13, '/opt', 'dir', 0),"
    " (1, 13, '/opt/x', 'file', 0);"
    /* image:2: /var/cache opaque with a new file; app.conf again; /opt/x
     * a directory again (not merged with the base's) */
    "INSERT INTO layer_files (evidence_id, layer_key, path, type, "
    "is_opaque) VALUES (1, 12, '/var', 'dir', 0),"
    " (1, 12, '/var/cache', 'dir', 1), (1, 12, '/var/cache/new', "
    "'file', 0), (1, 12, '/etc', 'dir', 0), (1, 12, '/etc/app.conf', "
    "'file', 0), (1, 12, '/opt', 'dir', 0), (1, 12, '/opt/x', 'dir', 0),"
    " (1, 12, '/opt/x/mine', 'file', 0);"
    /* init */
    "INSERT INTO layer_files (evidence_id, layer_key, path, type) VALUES"
    " (1, 11, '/etc', 'dir'), (1, 11, '/etc/hostname', 'file');"
    /* container: app.conf again, whiteout of the whole /srv */
    "INSERT INTO layer_files (evidence_id, layer_key, path, type, "
    "is_whiteout) VALUES (1, 10, '/etc', 'dir', 0),"
    " (1, 10, '/etc/app.conf', 'file', 0), (1, 10, '/srv', 'whiteout', "
    "1);";

static const char *
src_of(sqlite3 *db, const char *path)
{
    static char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT source FROM container_merged WHERE container_key = 1 "
             "AND path = '%s'",
             path);
    return q_text(db, sql);
}

TEST(view)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_case *cs = NULL;
    char *msg = NULL;

    unlink(dbpath);
    if (dof_case_open(ctx, dbpath, DOF_CASE_CREATE, &cs) != DOF_OK) {
        ok(0, "open: %s", dof_errmsg(ctx));
        dof_ctx_free(ctx);
        return;
    }
    is_int(sqlite3_exec(cs->db, view_rows, NULL, NULL, &msg), SQLITE_OK,
           "rows inserted %s", msg ? msg : "");
    sqlite3_free(msg);
    is_str(src_of(cs->db, "/etc/app.conf"), "container",
           "changed in 3 layers and the container: container wins");
    is_str(src_of(cs->db, "/etc/hostname"), "init", "init layer file");
    ok(src_of(cs->db, "/etc/motd") == NULL, "whiteout hides the base file");
    is_str(src_of(cs->db, "/var/cache/new"), "image:2",
           "file in the opaque dir's layer is visible");
    ok(src_of(cs->db, "/var/cache/old") == NULL,
       "opaque dir hides lower files");
    is_str(src_of(cs->db, "/var/cache"), "image:2", "opaque dir itself");
    is_str(src_of(cs->db, "/opt/x"), "image:2", "dir over a file");
    is_str(src_of(cs->db, "/opt/x/mine"), "image:2", "its own file");
    ok(src_of(cs->db, "/opt/x/deep") == NULL,
       "a file in between hides the base directory's content");
    ok(src_of(cs->db, "/srv") == NULL, "whited-out directory absent");
    ok(src_of(cs->db, "/srv/f") == NULL, "and everything below it");
    is_int(q_int(cs->db, "SELECT count(*) FROM container_merged"), 9,
           "9 visible entries");
    /* cascade: deleting the evidence leaves nothing */
    sqlite3_exec(cs->db, "DELETE FROM evidence WHERE id = 1", NULL, NULL,
                 NULL);
    is_int(q_int(cs->db, "SELECT count(*) FROM layer_files"), 0,
           "ON DELETE CASCADE reaches layer_files");
    is_int(q_int(cs->db, "SELECT count(*) FROM container_layers"), 0,
           "and container_layers");
    dof_case_close(cs);
    unlink(dbpath);
    dof_ctx_free(ctx);
}

static int
setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dbpath, sizeof(dbpath), "%s/test_plugin_%ld.db", t ? t : "/tmp",
             (long)getpid());
    return 0;
}

static void
teardown(void)
{
    char b[300];
    snprintf(b, sizeof(b), "%s-wal", dbpath);
    unlink(b);
    snprintf(b, sizeof(b), "%s-shm", dbpath);
    unlink(b);
}

TAP_MAIN(setup, teardown)
