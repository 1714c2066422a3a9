/*
 * mod_logs.c - ingest module "logs": every record of every container's
 * json-file / local logs (rotated and gzipped files included), streamed
 * through dof_log_* (memory stays flat).
 */
#include "plugin_private.h"

#include <stdlib.h>

static const char SQL_R[] =
    "INSERT INTO log_records (evidence_id, container_key, seq, time, "
    "time_text, stream, message, message_raw, partial, format, "
    "volume_offset_bytes, inode, path, file_offset) VALUES (?1, ?2, ?3, "
    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

static int
container(dof_ing *ing, size_t r, const dof_store *rt, const void *crec)
{
    const dof_container *c = crec;
    dof_log *log = NULL;
    const dof_log_record *rec;
    int64_t key = ing_container_key(ing, r, c), seq = 0;
    char *last_src = NULL;
    uint64_t ino = 0;
    int rc, n;

    rc = dof_log_open(ing->ctx, c, NULL, &log);
    if (rc == DOF_ERR_NODATA || rc == DOF_ERR_NOTFOUND)
        return DOF_OK; /* never started, or logs kept elsewhere */
    if (rc != DOF_OK) {
        dof_warn(ing->ctx, rc, c->dir, "logs of %s: %s",
                 c->name ? c->name : c->id, dof_errmsg(ing->ctx));
        return DOF_OK;
    }
    while ((n = dof_log_next(log, &rec)) == 1) {
        sqlite3_stmt *st = ing_stmt(ing, SQL_R);
        char tbuf[40];
        if (st == NULL) {
            rc = DOF_ERR_DB;
            goto done;
        }
        if (rec->source &&
            (last_src == NULL || strcmp(last_src, rec->source) != 0)) {
            free(last_src);
            last_src = strdup(rec->source);
            ino = ing_path_inode(rt->fs, rec->source);
        }
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_i64(st, 3, seq++);
        ing_bind_time(st, 4, rec->time);
        if (rec->time_raw)
            ing_bind_text(st, 5, rec->time_raw);
        else if (rec->time != DOF_TIME_NONE) {
            dof_time_format(rec->time, tbuf, sizeof(tbuf));
            ing_bind_text(st, 5, tbuf);
        }
        ing_bind_text(st, 6, rec->stream_name);
        /* TEXT: encoded, without the line's final newline; the BLOB
         * keeps the exact bytes */
        ing_bind_name(st, 7, rec->message ? rec->message : "",
                      (rec->len > 0 && rec->message[rec->len - 1] == '\n')
                          ? rec->len - 1
                          : rec->len);
        ing_bind_blob(st, 8, rec->message ? rec->message : "", rec->len);
        ing_bind_i64(st, 9, rec->partial);
        ing_bind_text(st, 10,
                      rec->format == DOF_LOG_LOCAL ? "local" : "json-file");
        ing_bind_i64(st, 11, (int64_t)rt->volume_offset_bytes);
        if (ino)
            ing_bind_i64(st, 12, (int64_t)ino);
        ing_bind_text(st, 13, rec->source);
        ing_bind_i64(st, 14, (int64_t)rec->offset);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            goto done;
    }
    if (n < 0)
        dof_warn(ing->ctx, n, c->dir, "logs of %s: %s",
                 c->name ? c->name : c->id, dof_errmsg(ing->ctx));
    rc = DOF_OK;
done:
    free(last_src);
    dof_log_close(log);
    return rc;
}

static int
run(dof_ing *ing)
{
    return ing_each(ing, ING_CONTAINERS, "logs", container);
}

const dof_ingest_module dof_mod_logs = {
    "logs", "log_records",
    "container log records (json-file, local; rotated and gzipped)",
    "containers", run};
