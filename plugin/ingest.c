/*
 * ingest.c - the ingest pipeline: one evidence item, the selected
 * modules in order, one transaction (BEGIN IMMEDIATE ... COMMIT).
 */
#include "plugin_private.h"

#include <errno.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

/* Run order.  Adding an artifact family = one mod_*.c + one line here. */
static const dof_ingest_module *const modules[] = {
    &dof_mod_host,   &dof_mod_containers, &dof_mod_images,
    &dof_mod_layers, &dof_mod_volumes,    &dof_mod_networks,
    &dof_mod_logs,   &dof_mod_timeline,   &dof_mod_findings,
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

size_t
dof_ingest_module_count(void)
{
    return NMODULES;
}

const char *
dof_ingest_module_name(size_t i)
{
    return i < NMODULES ? modules[i]->name : NULL;
}

const char *
dof_ingest_module_tables(size_t i)
{
    return i < NMODULES ? modules[i]->tables : NULL;
}

const char *
dof_ingest_module_description(size_t i)
{
    return i < NMODULES ? modules[i]->description : NULL;
}

void
dof_ingest_opts_init(dof_ingest_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->offset_sectors = -1;
}

/* ---------------------------------------------------------------- */
/* helpers for the modules                                            */
/* ---------------------------------------------------------------- */

sqlite3_stmt *
ing_stmt(dof_ing *ing, const char *sql)
{
    sqlite3_stmt *st = NULL;
    for (size_t i = 0; i < ing->ncache; i++)
        if (ing->cache[i].sql == sql)
            return ing->cache[i].st;
    if (sqlite3_prepare_v2(ing->db, sql, -1, &st, NULL) != SQLITE_OK) {
        ing_db_error(ing->ctx, ing->db, "prepare");
        return NULL;
    }
    if (ing->ncache < ING_STMT_CACHE) {
        ing->cache[ing->ncache].sql = sql;
        ing->cache[ing->ncache].st = st;
        ing->ncache++;
        return st;
    }
    /* cache full: should not happen; keep it simple and leak-free */
    sqlite3_finalize(st);
    dof_set_error(ing->ctx, DOF_ERR_DB, "case database: statement cache");
    return NULL;
}

int
ing_step(dof_ing *ing, sqlite3_stmt *st)
{
    int rc;
    do
        rc = sqlite3_step(st);
    while (rc == SQLITE_ROW);
    if (rc != SQLITE_DONE) {
        ing_db_error(ing->ctx, ing->db, sqlite3_sql(st));
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return DOF_ERR_DB;
    }
    ing->rows += (uint64_t)sqlite3_changes(ing->db);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return DOF_OK;
}

int
ing_exec_eid(dof_ing *ing, const char *sql)
{
    sqlite3_stmt *st = ing_stmt(ing, sql);
    if (st == NULL)
        return DOF_ERR_DB;
    sqlite3_bind_int64(st, 1, ing->eid);
    return ing_step(ing, st);
}

void
ing_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st, i);
    else
        ing_bind_name(st, i, s, strlen(s));
}

void
ing_bind_name(sqlite3_stmt *st, int i, const char *raw, size_t len)
{
    char *e = dof_name_encode(raw, len, NULL);
    if (e == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, e, -1, free);
}

void
ing_bind_text_take(sqlite3_stmt *st, int i, char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, free);
}

void
ing_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len)
{
    sqlite3_bind_blob64(st, i, p, len, SQLITE_TRANSIENT);
}

void
ing_bind_time(sqlite3_stmt *st, int i, int64_t ns)
{
    if (ns == DOF_TIME_NONE)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, ns);
}

void
ing_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(st, i, v);
}

/* A JSON string of the encoded name (the encoding leaves no control
 * byte, so only '"' and '\\' need escaping). */
static void
json_str(dof_buf *b, const char *s)
{
    char *e = dof_name_encode(s ? s : "", s ? strlen(s) : 0, NULL);
    dof_buf_putc(b, '"');
    if (e == NULL) {
        b->oom = 1;
        return;
    }
    for (const char *p = e; *p; p++) {
        if (*p == '"' || *p == '\\')
            dof_buf_putc(b, '\\');
        dof_buf_putc(b, *p);
    }
    dof_buf_putc(b, '"');
    free(e);
}

/* The JSON text of n strings (kv: n pairs) as an array (an object); NULL
 * when there are none or out of memory. */
static char *
json_list(const char *const *v, const dof_kv *kv, size_t n)
{
    dof_buf b;

    if (n == 0 || (v == NULL && kv == NULL))
        return NULL;
    dof_buf_init(&b);
    dof_buf_putc(&b, kv ? '{' : '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            dof_buf_putc(&b, ',');
        json_str(&b, kv ? kv[i].key : v[i]);
        if (kv) {
            dof_buf_putc(&b, ':');
            json_str(&b, kv[i].value);
        }
    }
    dof_buf_putc(&b, kv ? '}' : ']');
    if (b.oom) {
        dof_buf_free(&b);
        return NULL;
    }
    return dof_buf_take(&b);
}

char *
ing_json_strv(const char *const *v, size_t n)
{
    return json_list(v, NULL, n);
}

char *
ing_json_kv(const dof_kv *kv, size_t n)
{
    return json_list(NULL, kv, n);
}

int64_t
ing_container_key(const dof_ing *ing, size_t root, const dof_container *c)
{
    const dof_store *r = dof_host_store(ing->host, root);
    return ing->ckey_base[root] + (int64_t)(c - r->containers);
}

int64_t
ing_image_key(const dof_ing *ing, size_t root, const dof_image *img)
{
    const dof_store *r = dof_host_store(ing->host, root);
    return ing->ikey_base[root] + (int64_t)(img - r->images);
}

const dof_image *
ing_container_image(const dof_store *r, const dof_container *c)
{
    if (c->image_id == NULL)
        return NULL;
    for (size_t i = 0; i < r->nimages; i++)
        if (r->images[i].id && strcmp(r->images[i].id, c->image_id) == 0)
            return &r->images[i];
    return NULL;
}

uint64_t
ing_path_inode(dof_fs *fs, const char *path)
{
    dof_node n;
    dof_stat st;
    if (fs == NULL || path == NULL ||
        dof_fs_resolve(fs, path, 0, &n) != DOF_OK ||
        dof_fs_stat(fs, n, &st) != DOF_OK)
        return 0;
    return st.ino;
}

/* Modules report done/total of their own work; the callback gets the
 * whole ingest on one scale: module k of n, and the module's share. */
void
ing_progress(dof_ing *ing, const char *stage, uint64_t done, uint64_t total)
{
    uint64_t part = total ? (done * 1000) / total : 0;
    if (part > 1000)
        part = 1000;
    if (ing->opts && ing->opts->progress)
        ing->opts->progress(ing->opts->progress_arg, stage,
                            ing->stage_index * 1000 + part,
                            ing->stage_count * 1000);
}

int
ing_each(dof_ing *ing, ing_kind kind, const char *stage, ing_each_fn fn)
{
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *st = dof_host_store(ing->host, r);
        const char *base;
        size_t n, size;
        switch (kind) {
        case ING_CONTAINERS:
            base = (const char *)st->containers;
            n = st->ncontainers;
            size = sizeof(*st->containers);
            break;
        case ING_IMAGES:
            base = (const char *)st->images;
            n = st->nimages;
            size = sizeof(*st->images);
            break;
        case ING_VOLUMES:
            base = (const char *)st->volumes;
            n = st->nvolumes;
            size = sizeof(*st->volumes);
            break;
        default:
            base = (const char *)st->networks;
            n = st->nnetworks;
            size = sizeof(*st->networks);
            break;
        }
        for (size_t i = 0; i < n; i++) {
            int rc;
            if (stage)
                ing_progress(ing, stage, i, n);
            if ((rc = fn(ing, r, st, base + i * size)) != DOF_OK)
                return rc;
        }
    }
    return DOF_OK;
}

/* ---------------------------------------------------------------- */
/* the pipeline                                                       */
/* ---------------------------------------------------------------- */

static int64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* 1 if name is in the comma separated list. */
static int
in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while (p && *p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* Selected modules (with what they require) into sel[]; unknown names
 * are a DOF_ERR_ARG. */
static int
select_modules(dof_ctx *ctx, const char *list, int sel[NMODULES])
{
    for (size_t i = 0; i < NMODULES; i++)
        sel[i] = list == NULL || in_list(list, modules[i]->name);
    if (list) {
        const char *p = list;
        while (*p) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            int found = 0;
            for (size_t i = 0; i < NMODULES; i++)
                if (strlen(modules[i]->name) == len &&
                    memcmp(modules[i]->name, p, len) == 0)
                    found = 1;
            if (!found && len > 0)
                return dof_set_error(ctx, DOF_ERR_ARG,
                                     "unknown ingest module '%.*s'", (int)len,
                                     p);
            if (e == NULL)
                break;
            p = e + 1;
        }
    }
    /* requirements (modules only require earlier ones) */
    for (size_t k = NMODULES; k-- > 0;)
        if (sel[k])
            for (size_t i = 0; i < k; i++)
                if (in_list(modules[k]->requires, modules[i]->name))
                    sel[i] = 1;
    return DOF_OK;
}

/* md5/sha1 of a plain image file. */
static int
hash_file(dof_ctx *ctx, const char *path, char md5hex[33], char sha1hex[41])
{
    struct md5_ctx m;
    struct sha1_ctx s;
    unsigned char buf[1 << 16], dm[MD5_DIGEST_SIZE], ds[SHA1_DIGEST_SIZE];
    size_t got;
    FILE *f = fopen(path, "rb");

    if (f == NULL)
        return dof_set_error(ctx, DOF_ERR_IO, "%s: %s", path, strerror(errno));
    md5_init(&m);
    sha1_init(&s);
    while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
        md5_update(&m, got, buf);
        sha1_update(&s, got, buf);
    }
    if (ferror(f)) {
        fclose(f);
        return dof_set_error(ctx, DOF_ERR_IO, "%s: read error", path);
    }
    fclose(f);
    md5_digest(&m, sizeof(dm), dm);
    sha1_digest(&s, sizeof(ds), ds);
    for (size_t i = 0; i < sizeof(dm); i++)
        snprintf(md5hex + 2 * i, 3, "%02x", dm[i]);
    for (size_t i = 0; i < sizeof(ds); i++)
        snprintf(sha1hex + 2 * i, 3, "%02x", ds[i]);
    return DOF_OK;
}

static const char SQL_FIND_SAME[] =
    "SELECT id FROM evidence WHERE path = ?1 OR (size_bytes = ?2 AND "
    "((?3 IS NOT NULL AND ?3 IN (computed_md5, stored_md5)) OR "
    "(?4 IS NOT NULL AND ?4 IN (computed_md5, stored_md5))))";
static const char SQL_DEL_EV[] = "DELETE FROM evidence WHERE id = ?1";
static const char SQL_INS_EV[] =
    "INSERT INTO evidence (path, format, vs_type, size_bytes, stored_md5, "
    "stored_sha1, computed_md5, computed_sha1, ingested_at, "
    "ingested_at_text, status, warnings_count, modules) VALUES (?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'ok', 0, ?11)";
static const char SQL_UPD_EV[] =
    "UPDATE evidence SET status = ?2, status_reason = ?3, warnings_count = "
    "?4 WHERE id = ?1";
static const char SQL_INS_WARN[] =
    "INSERT INTO warnings (evidence_id, seq, code, code_name, path, "
    "message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_INS_RUN[] =
    "INSERT INTO ingest_runs (evidence_id, dof_version, libtsk_version, "
    "sqlite_version, command_line, modules, started, started_text, "
    "finished, finished_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10)";

static void
ing_free(dof_ing *ing)
{
    for (size_t i = 0; i < ing->ncache; i++)
        sqlite3_finalize(ing->cache[i].st);
    ing->ncache = 0;
    free(ing->ckey_base);
    free(ing->ikey_base);
    free(ing->vkey_base);
    free(ing->nkey_base);
    dof_host_close(ing->host);
    dof_evidence_close(ing->ev);
}

static int
assign_keys(dof_ing *ing)
{
    size_t n = ing->host ? dof_host_store_count(ing->host) : 0;
    int64_t c = 1, i = 1, v = 1, k = 1;
    ing->nroots = n;
    ing->ckey_base = calloc(n + 1, sizeof(int64_t));
    ing->ikey_base = calloc(n + 1, sizeof(int64_t));
    ing->vkey_base = calloc(n + 1, sizeof(int64_t));
    ing->nkey_base = calloc(n + 1, sizeof(int64_t));
    if (!ing->ckey_base || !ing->ikey_base || !ing->vkey_base ||
        !ing->nkey_base)
        return dof_set_error(ing->ctx, DOF_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < n; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        ing->ckey_base[r] = c;
        ing->ikey_base[r] = i;
        ing->vkey_base[r] = v;
        ing->nkey_base[r] = k;
        c += (int64_t)rt->ncontainers;
        i += (int64_t)rt->nimages;
        v += (int64_t)rt->nvolumes;
        k += (int64_t)rt->nnetworks;
    }
    return DOF_OK;
}

int
dof_case_ingest(dof_ctx *ctx, dof_case *cs, const char *path,
                const dof_ingest_opts *o, int64_t *evidence_id)
{
    dof_ingest_opts defaults;
    dof_ing ing;
    int sel[NMODULES];
    char *abs = NULL, md5hex[33] = "", sha1hex[41] = "", tbuf[40];
    char mods[512] = "";
    size_t w0 = dof_warning_count(ctx), nw;
    int64_t started = now_ns();
    int rc, nodata = 0, in_tx = 0;
    sqlite3_stmt *st;

    memset(&ing, 0, sizeof(ing));
    if (evidence_id)
        *evidence_id = 0;
    if (cs == NULL || path == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_case_ingest: no case");
    if (o == NULL) {
        dof_ingest_opts_init(&defaults);
        o = &defaults;
    }
    ing.ctx = ctx;
    ing.db = cs->db;
    ing.opts = o;
    if ((rc = select_modules(ctx, o->modules, sel)) != DOF_OK)
        return rc;
    for (size_t i = 0; i < NMODULES; i++)
        if (sel[i]) {
            size_t l = strlen(mods);
            snprintf(mods + l, sizeof(mods) - l, "%s%s", l ? "," : "",
                     modules[i]->name);
        }
    /* stages: open, the selected modules, commit */
    ing.stage_count = 2;
    for (size_t i = 0; i < NMODULES; i++)
        ing.stage_count += (uint64_t)sel[i];
    abs = realpath(path, NULL);
    if (abs == NULL) {
        rc = dof_set_error(ctx, DOF_ERR_EVIDENCE, "%s: %s", path,
                           strerror(errno));
        goto failed;
    }

    /* 1. Everything that can fail on the evidence, before the lock. */
    ing_progress(&ing, "open", 0, 0);
    {
        dof_evidence_opts eo;
        dof_evidence_opts_init(&eo);
        eo.offset_sectors = o->offset_sectors;
        eo.backing = o->backing;
        eo.snapshot = o->snapshot;
        eo.volume = o->volume;
        if ((rc = dof_evidence_open_opts(ctx, abs, &eo, &ing.ev)) != DOF_OK)
            goto failed;
    }
    {
        size_t nv = dof_evidence_partition_count(ing.ev), nfs = 0;
        for (size_t i = 0; i < nv; i++)
            if (dof_evidence_partition(ing.ev, i)->fs)
                nfs++;
        if (nfs == 0) {
            rc = dof_set_error(ctx, DOF_ERR_EVIDENCE,
                               "%s: no readable filesystem on the evidence "
                               "(%zu volumes)",
                               abs, nv);
            goto failed;
        }
    }
    if (o->hash) {
        struct stat sb;
        if (stat(abs, &sb) == 0 && S_ISREG(sb.st_mode) &&
            strcmp(dof_evidence_format(ing.ev), "raw") == 0) {
            if ((rc = hash_file(ctx, abs, md5hex, sha1hex)) != DOF_OK)
                goto failed;
        }
        else
            dof_warn(ctx, DOF_ERR_UNSUPPORTED, abs,
                     "--hash: computed hashes are supported for raw "
                     "images only (format %s)",
                     dof_evidence_format(ing.ev));
    }
    {
        dof_host_opts ho;
        memset(&ho, 0, sizeof(ho));
        ho.docker_root = o->docker_root;
        rc = dof_host_open(ctx, ing.ev, &ho, &ing.host);
        if (rc == DOF_ERR_NODATA) {
            nodata = 1;
            dof_warn(ctx, DOF_ERR_NODATA, NULL, "%s", dof_errmsg(ctx));
        }
        else if (rc != DOF_OK)
            goto failed;
    }
    if ((rc = assign_keys(&ing)) != DOF_OK)
        goto fail;

    /* 2. One transaction: replace the old rows, run the modules. */
    if (sqlite3_exec(cs->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
        SQLITE_OK) {
        rc = ing_db_error(ctx, cs->db, "BEGIN");
        goto fail;
    }
    in_tx = 1;
    if ((st = ing_stmt(&ing, SQL_FIND_SAME)) == NULL)
        goto dberr;
    {
        int64_t old[16];
        size_t nold = 0;
        const char *smd5 = dof_evidence_stored_md5(ing.ev);
        sqlite3_bind_text(st, 1, abs, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (int64_t)dof_evidence_size(ing.ev));
        if (md5hex[0])
            sqlite3_bind_text(st, 3, md5hex, -1, SQLITE_TRANSIENT);
        if (smd5)
            sqlite3_bind_text(st, 4, smd5, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(st) == SQLITE_ROW && nold < 16)
            old[nold++] = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        st = ing_stmt(&ing, SQL_DEL_EV);
        for (size_t i = 0; st && i < nold; i++) {
            sqlite3_bind_int64(st, 1, old[i]);
            if ((rc = ing_step(&ing, st)) != DOF_OK)
                goto fail;
        }
    }
    if ((st = ing_stmt(&ing, SQL_INS_EV)) == NULL)
        goto dberr;
    dof_time_format(started, tbuf, sizeof(tbuf));
    sqlite3_bind_text(st, 1, abs, -1, SQLITE_TRANSIENT);
    ing_bind_text(st, 2, dof_evidence_format(ing.ev));
    ing_bind_text(st, 3, dof_evidence_vs_type(ing.ev));
    ing_bind_i64(st, 4, (int64_t)dof_evidence_size(ing.ev));
    ing_bind_text(st, 5, dof_evidence_stored_md5(ing.ev));
    ing_bind_text(st, 6, dof_evidence_stored_sha1(ing.ev));
    ing_bind_text(st, 7, md5hex[0] ? md5hex : NULL);
    ing_bind_text(st, 8, sha1hex[0] ? sha1hex : NULL);
    ing_bind_i64(st, 9, started);
    ing_bind_text(st, 10, tbuf);
    ing_bind_text(st, 11, mods);
    if ((rc = ing_step(&ing, st)) != DOF_OK)
        goto fail;
    ing.eid = sqlite3_last_insert_rowid(cs->db);

    for (size_t i = 0; i < NMODULES; i++) {
        if (!sel[i])
            continue;
        if (ing.host == NULL && modules[i] != &dof_mod_host)
            continue;
        ing.stage_index++;
        ing_progress(&ing, modules[i]->name, 0, 1);
        if ((rc = modules[i]->run(&ing)) != DOF_OK)
            goto fail;
    }

    /* 3. Warnings, status, provenance. */
    ing.stage_index = ing.stage_count - 1;
    ing_progress(&ing, "commit", 0, 1);
    nw = dof_warning_count(ctx);
    if ((st = ing_stmt(&ing, SQL_INS_WARN)) == NULL)
        goto dberr;
    for (size_t i = w0; i < nw; i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        if (w == NULL)
            continue; /* dropped beyond the context's cap */
        ing_bind_i64(st, 1, ing.eid);
        ing_bind_i64(st, 2, (int64_t)(i - w0));
        ing_bind_i64(st, 3, w->code);
        ing_bind_text(st, 4, dof_status_name(w->code));
        ing_bind_text(st, 5, w->path);
        ing_bind_text(st, 6, w->message);
        if ((rc = ing_step(&ing, st)) != DOF_OK)
            goto fail;
    }
    if ((st = ing_stmt(&ing, SQL_UPD_EV)) == NULL)
        goto dberr;
    ing_bind_i64(st, 1, ing.eid);
    sqlite3_bind_text(st, 2, nw > w0 ? "warnings" : "ok", -1, SQLITE_STATIC);
    if (nodata)
        sqlite3_bind_text(st, 3, "no container data found", -1, SQLITE_STATIC);
    ing_bind_i64(st, 4, (int64_t)(nw - w0));
    if ((rc = ing_step(&ing, st)) != DOF_OK)
        goto fail;
    if ((st = ing_stmt(&ing, SQL_INS_RUN)) == NULL)
        goto dberr;
    {
        int64_t fin = now_ns();
        char fbuf[40];
        dof_time_format(fin, fbuf, sizeof(fbuf));
        ing_bind_i64(st, 1, ing.eid);
        ing_bind_text(st, 2, DOF_VERSION);
        ing_bind_text(st, 3, dof_libtsk_version());
        ing_bind_text(st, 4, sqlite3_libversion());
        ing_bind_text(st, 5, o->command_line);
        ing_bind_text(st, 6, mods);
        ing_bind_i64(st, 7, started);
        ing_bind_text(st, 8, tbuf);
        ing_bind_i64(st, 9, fin);
        ing_bind_text(st, 10, fbuf);
        if ((rc = ing_step(&ing, st)) != DOF_OK)
            goto fail;
    }
    for (size_t i = 0; i < ing.ncache; i++)
        sqlite3_reset(ing.cache[i].st);
    if (sqlite3_exec(cs->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = ing_db_error(ctx, cs->db, "COMMIT");
        goto fail;
    }
    in_tx = 0;
    if (evidence_id)
        *evidence_id = ing.eid;
    ing_free(&ing);
    free(abs);
    if (nodata)
        return dof_set_error(ctx, DOF_ERR_NODATA,
                             "%s: no container data found", path);
    return DOF_OK;

dberr:
    rc = DOF_ERR_DB;
fail:
    if (in_tx) {
        for (size_t i = 0; i < ing.ncache; i++)
            sqlite3_reset(ing.cache[i].st);
        sqlite3_exec(cs->db, "ROLLBACK", NULL, NULL, NULL);
    }
    ing_free(&ing);
    free(abs);
    return rc;

failed:
    /* The evidence could not be read: record it (a first ingest only). */
    ing_free(&ing);
    {
        char reason[512];
        snprintf(reason, sizeof(reason), "%s", dof_errmsg(ctx));
        int code = dof_errcode(ctx);
        dof_case_record_failure(ctx, cs, abs ? abs : path, reason);
        dof_set_error(ctx, code ? code : rc, "%s", reason);
    }
    free(abs);
    return rc;
}

/* ---- records from their field tables ---- */

static int
cols_append(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > cap)
        return -1;
    memcpy(buf + *len, s, n + 1);
    *len += n;
    return 0;
}

/* Column names of t (OBJ and PTR flattened); the count, -1 if too long. */
static int
cols_of(char *buf, size_t cap, size_t *len, const dof_field *t)
{
    int n = 0, k;

    for (; t->json || t->py || t->sql; t++) {
        if (t->kind == DOF_F_OBJ || t->kind == DOF_F_PTR) {
            if ((k = cols_of(buf, cap, len, t->sub)) < 0)
                return -1;
            n += k;
            continue;
        }
        if (t->sql == NULL || t->kind == DOF_F_LIST)
            continue;
        if (cols_append(buf, cap, len, ", ") ||
            cols_append(buf, cap, len, t->sql))
            return -1;
        n++;
    }
    return n;
}

const char *
ing_fields_insert(char *buf, size_t cap, const char *table, const char *pre,
                  int npre, const dof_field *t, const char *post, int npost)
{
    size_t len = 0;
    int n;

    if (buf[0] != '\0')
        return buf;
    if (cols_append(buf, cap, &len, "INSERT INTO ") ||
        cols_append(buf, cap, &len, table) ||
        cols_append(buf, cap, &len, " (") || cols_append(buf, cap, &len, pre))
        goto fail;
    if ((n = cols_of(buf, cap, &len, t)) < 0)
        goto fail;
    if (post != NULL && (cols_append(buf, cap, &len, ", ") ||
                         cols_append(buf, cap, &len, post)))
        goto fail;
    if (cols_append(buf, cap, &len, ") VALUES (?"))
        goto fail;
    for (int i = 1; i < npre + n + npost; i++)
        if (cols_append(buf, cap, &len, ", ?"))
            goto fail;
    if (cols_append(buf, cap, &len, ")"))
        goto fail;
    return buf;
fail:
    buf[0] = '\0';
    return NULL;
}

int
ing_bind_fields(sqlite3_stmt *st, int k, const dof_field *t, const void *rec)
{
    for (; t->json || t->py || t->sql; t++) {
        const char *p = (const char *)rec + t->off;
        const dof_store *rs;
        if (t->kind == DOF_F_OBJ || t->kind == DOF_F_PTR) {
            const void *sub = t->kind == DOF_F_PTR ? *(const void *const *)p
                              : (t->present == NULL || t->present(rec)) ? rec
                                                                        : NULL;
            if (sub != NULL) {
                k = ing_bind_fields(st, k, t->sub, sub);
                continue;
            }
            /* absent: every column NULL (left unbound after a reset) */
            for (const dof_field *s = t->sub; s->json || s->py || s->sql; s++)
                if (s->sql != NULL)
                    sqlite3_bind_null(st, k++);
            continue;
        }
        if (t->sql == NULL || t->kind == DOF_F_LIST)
            continue;
        switch (t->kind) {
        case DOF_F_STR:
        case DOF_F_STR_NULL: {
            const char *s = *(const char *const *)p;
            /* "id" is NOT NULL in every table that has it */
            if (s == NULL && strcmp(t->sql, "id") == 0)
                s = "";
            ing_bind_text(st, k, s);
            break;
        }
        case DOF_F_TIME:
        case DOF_F_NS: ing_bind_time(st, k, *(const int64_t *)p); break;
        case DOF_F_INT:
        case DOF_F_BOOL: ing_bind_i64(st, k, *(const int *)p); break;
        case DOF_F_U64:
            ing_bind_i64(st, k, (int64_t) * (const uint64_t *)p);
            break;
        case DOF_F_COUNT:
            ing_bind_i64(st, k, (int64_t)DOF_FIELD_CNT(rec, t));
            break;
        case DOF_F_STRV:
            ing_bind_text_take(st, k,
                               ing_json_strv(*(const char *const *const *)p,
                                             DOF_FIELD_CNT(rec, t)));
            break;
        case DOF_F_KV:
            ing_bind_text_take(
                st, k,
                ing_json_kv(*(const dof_kv *const *)p, DOF_FIELD_CNT(rec, t)));
            break;
        case DOF_F_STATE:
            ing_bind_text(st, k, dof_state_name(*(const dof_state *)p));
            break;
        case DOF_F_STORE:
            rs = *(const dof_store *const *)p;
            ing_bind_text(st, k, rs ? rs->path : NULL);
            break;
        case DOF_F_STORE_OFF:
            rs = *(const dof_store *const *)p;
            if (rs == NULL)
                sqlite3_bind_null(st, k);
            else
                ing_bind_i64(st, k, (int64_t)rs->volume_offset_bytes);
            break;
        default: sqlite3_bind_null(st, k);
        }
        k++;
    }
    return k;
}

int
ing_insert_kv(dof_ing *ing, const char *sql, int64_t key, const dof_kv *kv,
              size_t n)
{
    sqlite3_stmt *st;
    int rc;

    for (size_t i = 0; i < n; i++) {
        if ((st = ing_stmt(ing, sql)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_text(st, 3, kv[i].key);
        ing_bind_text(st, 4, kv[i].value);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

int
ing_insert_endpoints(dof_ing *ing, int of_network, int64_t key,
                     const dof_endpoint *e, size_t n)
{
    static char sql_c[512], sql_n[512];
    const char *sql =
        of_network ? ing_fields_insert(sql_n, sizeof(sql_n), "endpoints",
                                       "evidence_id, network_key", 2,
                                       dof_endpoint_fields, NULL, 0)
                   : ing_fields_insert(sql_c, sizeof(sql_c), "endpoints",
                                       "evidence_id, container_key", 2,
                                       dof_endpoint_fields, NULL, 0);
    sqlite3_stmt *st;
    int rc;

    for (size_t i = 0; i < n; i++) {
        if (sql == NULL || (st = ing_stmt(ing, sql)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_fields(st, 3, dof_endpoint_fields, &e[i]);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

sqlite3_stmt *
ing_record_stmt(dof_ing *ing, char *buf, size_t cap, const char *table,
                const char *pre, int64_t key, size_t root, const dof_field *t,
                const void *rec, const char *post, int npost, int *k)
{
    const char *sql =
        ing_fields_insert(buf, cap, table, pre, 3, t, post, npost);
    sqlite3_stmt *st = sql ? ing_stmt(ing, sql) : NULL;

    if (st == NULL)
        return NULL;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, key);
    ing_bind_i64(st, 3, (int64_t)root);
    *k = ing_bind_fields(st, 4, t, rec);
    return st;
}

int
ing_record_step(dof_ing *ing, sqlite3_stmt *st, const char *table, int k)
{
    if (k - 1 != sqlite3_bind_parameter_count(st)) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return dof_set_error(ing->ctx, DOF_ERR_DB,
                             "%s: %d values for %d columns", table, k - 1,
                             sqlite3_bind_parameter_count(st));
    }
    return ing_step(ing, st);
}
