/*
 * plugin_private.h - internals of the case database (plugin/ only; the
 * only header that includes sqlite3.h).
 */
#ifndef DOF_PLUGIN_PRIVATE_H
#define DOF_PLUGIN_PRIVATE_H

#include "base/base_private.h"
#include "dof_fields.h"

#include <sqlite3.h>

/* The schema text (plugin/schema.sql, compiled in: schema_sql.c). */
extern const char dof_case_schema_sql[];

struct dof_case {
    sqlite3 *db;
    char *path;
};

/* One ingest of one evidence item. */
typedef struct dof_ing dof_ing;

typedef struct dof_ingest_module {
    const char *name;
    const char *tables; /* what it fills, comma separated */
    const char *description;
    const char *requires;     /* modules it needs, comma separated, or "" */
    int (*run)(dof_ing *ing); /* DOF_OK or a dof_status (aborts) */
} dof_ingest_module;

#define ING_STMT_CACHE 64

struct dof_ing {
    dof_ctx *ctx;
    sqlite3 *db;
    dof_evidence *ev;
    dof_host *host; /* NULL when no container data was found */
    int64_t eid;
    const dof_ingest_opts *opts;
    /* keys: per data root, the key of its first container/image etc.
     * (keys are 1-based, consecutive over the roots in order). */
    int64_t *ckey_base, *ikey_base, *vkey_base, *nkey_base;
    size_t nroots;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[ING_STMT_CACHE];
    size_t ncache;
    uint64_t rows;                     /* rows inserted (statistics) */
    uint64_t stage_index, stage_count; /* progress scale */
};

/* Prepared statement for sql (cached by pointer: pass string literals).
 * NULL after setting the error on ing->ctx. */
sqlite3_stmt *ing_stmt(dof_ing *ing, const char *sql);
/* Step a statement that returns no row (or ignore them), then reset and
 * clear its bindings.  DOF_OK or DOF_ERR_DB (error set). */
int ing_step(dof_ing *ing, sqlite3_stmt *st);
/* Run a statement with only the evidence id bound to ?1. */
int ing_exec_eid(dof_ing *ing, const char *sql);
int ing_db_error(dof_ctx *ctx, sqlite3 *db, const char *what);

/* Binding helpers (NULL / DOF_TIME_NONE bind SQL NULL). */
void ing_bind_text(sqlite3_stmt *st, int i, const char *s);
void ing_bind_name(sqlite3_stmt *st, int i, const char *raw, size_t len);
void ing_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len);
void ing_bind_time(sqlite3_stmt *st, int i, int64_t ns);
void ing_bind_i64(sqlite3_stmt *st, int i, int64_t v);
/* A JSON array of encoded strings / object of key->value; malloc'd, NULL
 * for n == 0 (binds NULL) or out of memory. */
char *ing_json_strv(const char *const *v, size_t n);
char *ing_json_kv(const dof_kv *kv, size_t n);
/* Bind and free a malloc'd text. */
void ing_bind_text_take(sqlite3_stmt *st, int i, char *s);

/* ---- records from their field tables (dof_fields.h) ---- */
/* "INSERT INTO table (pre, <every column of t>, post) VALUES (?, ...)"
 * with npre + npost leading/trailing columns the caller binds, written
 * once into buf (our own names only; no value is ever put in SQL text).
 * buf[0] != 0 means done.  NULL if cap is too small. */
/* The INSERT of one record of t into table, its columns pre (three:
 * "evidence_id, <key>, root_key"), t's, then post (npost of them), from
 * the statement cache in buf: binds the first three and t's values; *k
 * is the next parameter.  NULL when it cannot be prepared. */
sqlite3_stmt *ing_record_stmt(dof_ing *ing, char *buf, size_t cap,
                              const char *table, const char *pre, int64_t key,
                              size_t root, const dof_field *t, const void *rec,
                              const char *post, int npost, int *k);
/* Step st after checking that k - 1 values were bound, one per column. */
int ing_record_step(dof_ing *ing, sqlite3_stmt *st, const char *table, int k);
/* Rows (evidence_id, key, k, v) through sql (?1..?4), one per pair. */
int ing_insert_kv(dof_ing *ing, const char *sql, int64_t key, const dof_kv *kv,
                  size_t n);
/* The endpoints rows of a container (of_network 0) or a network. */
int ing_insert_endpoints(dof_ing *ing, int of_network, int64_t key,
                         const dof_endpoint *e, size_t n);
const char *ing_fields_insert(char *buf, size_t cap, const char *table,
                              const char *pre, int npre, const dof_field *t,
                              const char *post, int npost);
/* Bind rec's columns of t from parameter k on; the next k. */
int ing_bind_fields(sqlite3_stmt *st, int k, const dof_field *t,
                    const void *rec);

/* Keys of model objects within this evidence item. */
int64_t ing_container_key(const dof_ing *ing, size_t root,
                          const dof_container *c);
int64_t ing_image_key(const dof_ing *ing, size_t root, const dof_image *img);
/* The image of a container on the same root, or NULL. */
const dof_image *ing_container_image(const dof_store *r,
                                     const dof_container *c);
/* Inode of a path on fs, 0 if it cannot be resolved. */
uint64_t ing_path_inode(dof_fs *fs, const char *path);
void ing_progress(dof_ing *ing, const char *stage, uint64_t done,
                  uint64_t total);

/* The records ing_each walks. */
typedef enum ing_kind {
    ING_CONTAINERS,
    ING_IMAGES,
    ING_VOLUMES,
    ING_NETWORKS
} ing_kind;
/* rec: a dof_container, dof_image, dof_docker_volume or dof_network of
 * store st (the host's store number root). */
typedef int (*ing_each_fn)(dof_ing *ing, size_t root, const dof_store *st,
                           const void *rec);
/* fn for every record of that kind of every store, in order, reporting
 * progress under stage (when not NULL); stops at the first error. */
int ing_each(dof_ing *ing, ing_kind kind, const char *stage, ing_each_fn fn);

/* The modules, in run order (ingest.c). */
extern const dof_ingest_module dof_mod_host, dof_mod_containers,
    dof_mod_images, dof_mod_layers, dof_mod_volumes, dof_mod_networks,
    dof_mod_logs, dof_mod_timeline, dof_mod_findings;

/* db.c */
int dof_case_db_open(dof_ctx *ctx, const char *path, unsigned flags,
                     sqlite3 **out);

#endif /* DOF_PLUGIN_PRIVATE_H */
