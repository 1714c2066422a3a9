/*
 * strv.c - growable arrays and string arrays in an arena, and a small
 * string -> string map (open addressing), for every layer.
 */
#include "base/base_private.h"

#include <stdlib.h>

void *
dof_arena_grow(dof_arena *a, void *v, size_t n, size_t elsize)
{
    size_t cap = 4;
    void *nv;

    if (v != NULL && n < 4)
        return v;
    if (v != NULL && (n & (n - 1)) != 0)
        return v; /* not full: capacity is the next power of two */
    if (v != NULL)
        cap = n * 2;
    if (n > SIZE_MAX / 4)
        return NULL;
    nv = dof_arena_calloc(a, cap, elsize);
    if (nv == NULL)
        return NULL;
    if (v != NULL && n)
        memcpy(nv, v, n * elsize);
    return nv;
}

int
dof_arena_push_str(dof_arena *a, const char ***v, size_t *n, const char *s)
{
    const char **nv;

    if (s == NULL)
        return DOF_ERR_NOMEM;
    nv = dof_arena_grow(a, (void *)*v, *n, sizeof(**v));
    if (nv == NULL)
        return DOF_ERR_NOMEM;
    nv[(*n)++] = s;
    *v = nv;
    return DOF_OK;
}

static int
cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void
dof_strv_sort(const char **v, size_t n)
{
    if (v != NULL && n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
}

/* ---- dof_strmap ---- */

struct dof_strmap {
    dof_arena *arena;
    const char **keys, **vals;
    size_t n, cap; /* cap: a power of two */
};

static size_t
strmap_hash(const char *s)
{
    size_t h = 1469598103934665603ULL & SIZE_MAX; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (1099511628211ULL & SIZE_MAX);
    return h;
}

dof_strmap *
dof_strmap_new(dof_arena *a)
{
    dof_strmap *m = dof_arena_calloc(a, 1, sizeof(*m));
    if (m)
        m->arena = a;
    return m;
}

const char *
dof_strmap_get(const dof_strmap *m, const char *key)
{
    if (m == NULL || m->cap == 0)
        return NULL;
    for (size_t i = strmap_hash(key) & (m->cap - 1);;
         i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == NULL)
            return NULL;
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    }
}

int
dof_strmap_put(dof_strmap *m, const char *key, const char *value)
{
    if (m == NULL)
        return DOF_ERR_ARG;
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        const char **nk = dof_arena_calloc(m->arena, ncap, sizeof(*nk));
        const char **nv = dof_arena_calloc(m->arena, ncap, sizeof(*nv));
        if (nk == NULL || nv == NULL)
            return DOF_ERR_NOMEM;
        for (size_t i = 0; i < m->cap; i++) {
            size_t j;
            if (m->keys[i] == NULL)
                continue;
            for (j = strmap_hash(m->keys[i]) & (ncap - 1); nk[j];
                 j = (j + 1) & (ncap - 1))
                ;
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
        }
        m->keys = nk;
        m->vals = nv;
        m->cap = ncap;
    }
    for (size_t i = strmap_hash(key) & (m->cap - 1);;
         i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == NULL) {
            m->keys[i] = dof_arena_strdup(m->arena, key);
            m->vals[i] = value;
            if (m->keys[i] == NULL)
                return DOF_ERR_NOMEM;
            m->n++;
            return DOF_OK;
        }
        if (strcmp(m->keys[i], key) == 0) {
            m->vals[i] = value;
            return DOF_OK;
        }
    }
}
