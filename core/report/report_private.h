/*
 * report_private.h - internals of the report layer (core/report*.c):
 * JSON building over json-c with encoded strings, the envelope, a pretty
 * printer with a chosen indent, text helpers.  Not installed.
 */
#ifndef DOF_REPORT_PRIVATE_H
#define DOF_REPORT_PRIVATE_H

#include "base/base_private.h"

#include <json.h>

#include "dof_fields.h"

/* ---- JSON values from model fields (NULL on out of memory) ---- */
/* Encoded string (dof_name_encode); NULL s gives JSON null (NULL). */
json_object *dof_rj_str(const char *s);
/* Encoded string, or JSON null for NULL and "" */
json_object *dof_rj_str_or_null(const char *s);
/* RFC 3339 with 9 digits, or JSON null for DOF_TIME_NONE. */
json_object *dof_rj_time(int64_t ns);
json_object *dof_rj_strv(const char *const *v, size_t n);
/* Object of encoded keys and values. */
json_object *dof_rj_kv(const dof_kv *kv, size_t n);
json_object *dof_rj_u64(uint64_t v);
/* Add a member whose key comes from the evidence (encoded). */
void dof_rj_add_enc(json_object *obj, const char *rawkey, json_object *v);

/* The provenance object ("dof") and the warnings array. */
json_object *dof_rj_provenance(const dof_report_opts *o);
json_object *dof_rj_warnings(const dof_ctx *ctx);

/* Pretty print v with `indent` spaces per level (0: one line), keys in
 * their insertion order (sorted when sort_keys), then a newline. */
int dof_rj_print(dof_ctx *ctx, FILE *f, json_object *v, int indent,
                 int sort_keys);
/* {"dof": ..., key: result, "warnings": [...]} written to o->out with a
 * 2-space indent; takes (and frees) result. */
int dof_rj_envelope_write(dof_ctx *ctx, const dof_report_opts *o,
                          const char *key, json_object *result);

/* ---- text ---- */
/* Encoded copy of s (malloc'd; NULL s gives ""), NULL on out of
 * memory. */
char *dof_rt_enc(const char *s);
/* fputs of the encoded s ("-" for NULL or ""). */
void dof_rt_put(FILE *f, const char *s);
/* Time as "YYYY-MM-DD HH:MM:SS UTC" ("-" for never) into buf (>= 32). */
const char *dof_rt_time(int64_t ns, char *buf, size_t len);
/* Flush f and map a write error to DOF_ERR_IO. */
int dof_rt_finish(dof_ctx *ctx, FILE *f);
/* The JSON string escapes of s[0..len) (no quotes around them). */
void dof_rt_json_chars(FILE *f, const char *s, size_t len);
/* Short id: the 12 hex digits after an optional "sha256:". */
const char *dof_rt_short_id(const char *id, char buf[13]);

/* ---- qcow2 evidence (report_qcow2.c); nothing / NULL for others ---- */
void dof_rt_qcow2(FILE *f, const dof_evidence *ev);
json_object *dof_rj_qcow2(const dof_evidence *ev);

/* ---- shared lookups and filters ---- */
/* The number of containers in all of host's stores. */
size_t dof_rt_container_total(const dof_host *host);
/* A calloc'd array with room for every container of host; NULL (error
 * on ctx) when out of memory. */
const dof_container **dof_rt_container_slots(dof_ctx *ctx,
                                             const dof_host *host);
/* 1 if the container passes o's --running / --exclude-registry. */
int dof_report_container_selected(const dof_report_opts *o,
                                  const dof_container *c);
/* Size of each history entry: empty_layer -> 0, the others map in order
 * onto img->layers.  sizes has img->nhistory elements. */
void dof_report_history_sizes(const dof_image *img, uint64_t *sizes);

/* ---- records streamed as JSON from their field tables ---- */
/* An object being written: members at level + 1, `indent` spaces per
 * level (0: one line), as dof_rj_print would print it. */
typedef struct dof_rw {
    FILE *f;
    int indent, level;
    size_t n;
} dof_rw;
void dof_rw_open(dof_rw *w, FILE *f, int indent, int level);
/* Start a member: writes the separator and the key. */
void dof_rw_key(dof_rw *w, const char *key);
void dof_rw_close(dof_rw *w);
/* Every field of table t that has a JSON name, in table order. */
void dof_rw_fields(dof_rw *w, const dof_field *t, const void *rec);
/* A member: n records of size bytes at a (last first if reverse). */
void dof_rw_list(dof_rw *w, const char *key, const dof_field *t, const void *a,
                 size_t size, size_t n, int reverse);
/* A member: the object of table t over rec. */
void dof_rw_object(dof_rw *w, const char *key, const dof_field *t,
                   const void *rec);
/* More members of one record after its table's (list-containers
 * --layers). */
typedef void (*dof_rw_extra_fn)(dof_rw *w, const dof_report_opts *o,
                                const void *rec);
/* {"dof": ..., key: [records], "warnings": [...]} to o->out, the records
 * written straight from their table (no json-c tree). */
int dof_rw_records(dof_ctx *ctx, const dof_report_opts *o, const char *key,
                   const dof_field *t, const void *const *v, size_t n,
                   dof_rw_extra_fn extra);
/* One record as a json-c object (tests, fuzzing). */
json_object *dof_rw_json(const dof_field *t, const void *rec);
json_object *dof_report_volume_json(const dof_docker_volume *v);
json_object *dof_report_network_json(const dof_network *n);
/* Write a list of containers (as dof_report_containers does). */
int dof_report_containers_write(dof_ctx *ctx, const dof_report_opts *o,
                                const dof_container *const *v, size_t n);
/* Write images / history over plain arrays (used by tests). */
int dof_report_images_write(dof_ctx *ctx, const dof_report_opts *o,
                            const dof_image *const *v, size_t n);
/* de.py start_date: "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00". */
void dof_report_explorer_date(int64_t ns, char *buf, size_t len);
/* One de.py container object. */
json_object *dof_report_explorer_container_json(const dof_container *c);

#endif
