/*
 * json.c - JSON over json-c with size and depth caps, and typed field
 * extraction that records wrong types instead of failing.
 */
#include "formats/json_private.h"

#include <stdio.h>
#include <stdlib.h>

#define DOF_JSON_DEPTH 64

int
dof_json_parse(const char *buf, size_t len, size_t cap, json_object **out,
               char *why, size_t whylen)
{
    json_tokener *tok = NULL;
    json_object *o = NULL;
    enum json_tokener_error jerr;
    size_t off;
    int rc = DOF_ERR_FORMAT;

    *out = NULL;
    if (why && whylen)
        why[0] = '\0';
    if (len > cap) {
        if (why)
            snprintf(why, whylen, "%zu bytes is over the %zu byte cap", len,
                     cap);
        return DOF_ERR_LIMIT;
    }
    if (len == 0) {
        if (why)
            snprintf(why, whylen, "empty file");
        return DOF_ERR_FORMAT;
    }
    if (len > (size_t)INT32_MAX)
        return DOF_ERR_LIMIT;
    tok = json_tokener_new_ex(DOF_JSON_DEPTH);
    if (tok == NULL)
        return DOF_ERR_NOMEM;
    o = json_tokener_parse_ex(tok, buf, (int)len);
    jerr = json_tokener_get_error(tok);
    if (o == NULL || jerr != json_tokener_success) {
        if (why) {
            if (jerr == json_tokener_continue)
                snprintf(why, whylen, "truncated JSON (%zu bytes)", len);
            else
                snprintf(why, whylen, "invalid JSON at byte %zu: %s",
                         json_tokener_get_parse_end(tok),
                         json_tokener_error_desc(jerr));
        }
        goto fail;
    }
    off = json_tokener_get_parse_end(tok);
    while (off < len && (buf[off] == ' ' || buf[off] == '\n' ||
                         buf[off] == '\r' || buf[off] == '\t'))
        off++;
    if (off < len && buf[off] != '\0') {
        if (why)
            snprintf(why, whylen, "trailing data after JSON at byte %zu", off);
        goto fail;
    }
    json_tokener_free(tok);
    *out = o;
    return DOF_OK;
fail:
    json_object_put(o);
    json_tokener_free(tok);
    return rc;
}

void
dof_jx_init(dof_jx *x, dof_arena *a)
{
    memset(x, 0, sizeof(*x));
    x->a = a;
}

void
dof_jx_bad(dof_jx *x, const char *key)
{
    if (x->bad++ == 0)
        snprintf(x->first_bad, sizeof(x->first_bad), "%s", key ? key : "?");
}

json_object *
dof_jx_get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o == NULL || !json_object_is_type(o, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return v; /* NULL for JSON null */
}

static json_object *
jx_typed(dof_jx *x, json_object *o, const char *key, json_type t)
{
    json_object *v = dof_jx_get(o, key);
    if (v == NULL)
        return NULL;
    if (!json_object_is_type(v, t)) {
        dof_jx_bad(x, key);
        return NULL;
    }
    return v;
}

json_object *
dof_jx_obj(dof_jx *x, json_object *o, const char *key)
{
    return jx_typed(x, o, key, json_type_object);
}

json_object *
dof_jx_arr(dof_jx *x, json_object *o, const char *key)
{
    return jx_typed(x, o, key, json_type_array);
}

static const char *
jx_dup(dof_jx *x, json_object *s)
{
    const char *p = json_object_get_string(s);
    int n = json_object_get_string_len(s);
    char *d = dof_arena_strndup(x->a, p ? p : "", n > 0 ? (size_t)n : 0);
    if (d == NULL)
        x->oom = 1;
    return d;
}

const char *
dof_jx_str(dof_jx *x, json_object *o, const char *key)
{
    json_object *v = jx_typed(x, o, key, json_type_string);
    return v ? jx_dup(x, v) : NULL;
}

int
dof_jx_bool(dof_jx *x, json_object *o, const char *key)
{
    json_object *v = jx_typed(x, o, key, json_type_boolean);
    return v ? json_object_get_boolean(v) != 0 : 0;
}

int64_t
dof_jx_int(dof_jx *x, json_object *o, const char *key, int64_t dflt)
{
    json_object *v = dof_jx_get(o, key);
    if (v == NULL)
        return dflt;
    if (json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    if (json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        if (d >= -9.0e18 && d <= 9.0e18)
            return (int64_t)d;
    }
    dof_jx_bad(x, key);
    return dflt;
}

int64_t
dof_jx_time(dof_jx *x, json_object *o, const char *key, const char **raw)
{
    const char *s = dof_jx_str(x, o, key);
    int64_t ns = DOF_TIME_NONE;

    if (raw)
        *raw = s;
    if (s == NULL || *s == '\0')
        return DOF_TIME_NONE;
    if (dof_time_parse(s, strlen(s), &ns) != DOF_OK) {
        dof_jx_bad(x, key);
        return DOF_TIME_NONE;
    }
    return ns;
}

const char **
dof_jx_strv(dof_jx *x, json_object *o, const char *key, size_t *n)
{
    json_object *v = dof_jx_get(o, key);
    const char **out;
    size_t len, k = 0;

    *n = 0;
    if (v == NULL)
        return NULL;
    if (json_object_is_type(v, json_type_string)) {
        out = dof_arena_calloc(x->a, 1, sizeof(*out));
        if (out == NULL) {
            x->oom = 1;
            return NULL;
        }
        out[0] = jx_dup(x, v);
        *n = 1;
        return out;
    }
    if (!json_object_is_type(v, json_type_array)) {
        dof_jx_bad(x, key);
        return NULL;
    }
    len = json_object_array_length(v);
    if (len == 0)
        return NULL;
    out = dof_arena_calloc(x->a, len, sizeof(*out));
    if (out == NULL) {
        x->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        if (e == NULL || !json_object_is_type(e, json_type_string)) {
            dof_jx_bad(x, key);
            continue;
        }
        out[k++] = jx_dup(x, e);
    }
    *n = k;
    return out;
}

static int
cmp_kv(const void *p, const void *q)
{
    return strcmp(((const dof_kv *)p)->key, ((const dof_kv *)q)->key);
}

/* The object o[key] in *v, its member count in *len and a zeroed array
 * of as many elements of elsize bytes (in x's arena).  NULL when it is
 * missing or empty, or out of memory (then x->oom is set). */
static void *
jx_members(dof_jx *x, json_object *o, const char *key, size_t elsize,
           json_object **v, size_t *len)
{
    void *out;

    *v = dof_jx_obj(x, o, key);
    if (*v == NULL)
        return NULL;
    *len = (size_t)json_object_object_length(*v);
    if (*len == 0)
        return NULL;
    out = dof_arena_calloc(x->a, *len, elsize);
    if (out == NULL)
        x->oom = 1;
    return out;
}

dof_kv *
dof_jx_kv(dof_jx *x, json_object *o, const char *key, size_t *n)
{
    json_object *v;
    size_t k = 0, len;
    dof_kv *out = jx_members(x, o, key, sizeof(*out), &v, &len);

    *n = 0;
    if (out == NULL)
        return NULL;
    json_object_object_foreach(v, mk, mv)
    {
        if (k >= len)
            break;
        if (mv != NULL && !json_object_is_type(mv, json_type_string)) {
            dof_jx_bad(x, key);
            continue;
        }
        out[k].key = dof_arena_strdup(x->a, mk);
        out[k].value = mv ? jx_dup(x, mv) : dof_arena_strdup(x->a, "");
        if (out[k].key == NULL || out[k].value == NULL)
            x->oom = 1;
        else
            k++;
    }
    qsort(out, k, sizeof(*out), cmp_kv);
    *n = k;
    return out;
}

const char **
dof_jx_keys(dof_jx *x, json_object *o, const char *key, size_t *n)
{
    json_object *v;
    size_t k = 0, len;
    const char **out = jx_members(x, o, key, sizeof(*out), &v, &len);

    *n = 0;
    if (out == NULL)
        return NULL;
    json_object_object_foreach(v, mk, mv)
    {
        (void)mv;
        if (k >= len)
            break;
        out[k] = dof_arena_strdup(x->a, mk);
        if (out[k] == NULL)
            x->oom = 1;
        else
            k++;
    }
    dof_strv_sort(out, k);
    *n = k;
    return out;
}
