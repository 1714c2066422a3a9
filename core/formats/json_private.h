/*
 * json_private.h - JSON over json-c with caps, for the engine model and
 * every other layer that reads JSON from the evidence (not installed).
 */
#ifndef DOF_JSON_PRIVATE_H
#define DOF_JSON_PRIVATE_H

#include "base/base_private.h"

#include <json.h>

/* ---- JSON over json-c, with a size cap (core/formats/json.c) ---- */
/* Parse a whole buffer.  DOF_ERR_LIMIT if len > cap, DOF_ERR_FORMAT if
 * it is not exactly one JSON value (why names the reason). */
int dof_json_parse(const char *buf, size_t len, size_t cap, json_object **out,
                   char *why, size_t whylen);

/* Field extraction that records wrong types instead of failing. */
typedef struct dof_jx {
    dof_arena *a;
    int bad;            /* number of fields with a wrong type */
    char first_bad[96]; /* name of the first one */
    int oom;
} dof_jx;

void dof_jx_init(dof_jx *x, dof_arena *a);
/* Member of an object, or NULL (absent, JSON null, or o not an object). */
json_object *dof_jx_get(json_object *o, const char *key);
/* Member that must be an object (NULL if absent; wrong type = bad). */
json_object *dof_jx_obj(dof_jx *x, json_object *o, const char *key);
/* Member that must be an array. */
json_object *dof_jx_arr(dof_jx *x, json_object *o, const char *key);
const char *dof_jx_str(dof_jx *x, json_object *o, const char *key);
int dof_jx_bool(dof_jx *x, json_object *o, const char *key);
int64_t dof_jx_int(dof_jx *x, json_object *o, const char *key, int64_t dflt);
/* RFC 3339 string; *raw gets the text (NULL if absent). */
int64_t dof_jx_time(dof_jx *x, json_object *o, const char *key,
                    const char **raw);
/* Array of strings (a lone string counts as one element). */
const char **dof_jx_strv(dof_jx *x, json_object *o, const char *key,
                         size_t *n);
/* Object of strings -> key/value pairs sorted by key. */
dof_kv *dof_jx_kv(dof_jx *x, json_object *o, const char *key, size_t *n);
/* Keys of an object, sorted. */
const char **dof_jx_keys(dof_jx *x, json_object *o, const char *key,
                         size_t *n);
/* Note a wrong type by hand. */
void dof_jx_bad(dof_jx *x, const char *key);

#endif /* DOF_JSON_PRIVATE_H */
