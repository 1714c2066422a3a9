/*
 * arena.c - bump allocator for model records, and the growable buffer.
 */
#include "base/base_private.h"

#include <stdio.h>
#include <stdlib.h>

#define DOF_ARENA_CHUNK (64u * 1024u)

typedef struct dof_chunk {
    struct dof_chunk *next;
    size_t used, size;
    max_align_t data[];
} dof_chunk;

struct dof_arena {
    dof_chunk *head;
};

dof_arena *
dof_arena_new(void)
{
    return calloc(1, sizeof(dof_arena));
}

void
dof_arena_free(dof_arena *a)
{
    if (a == NULL)
        return;
    dof_chunk *c = a->head;
    while (c) {
        dof_chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void *
dof_arena_alloc(dof_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size_t need;
    dof_chunk *c;

    if (a == NULL || size > SIZE_MAX / 2)
        return NULL;
    need = (size + align - 1) / align * align;
    if (need == 0)
        need = align;
    c = a->head;
    if (c == NULL || c->size - c->used < need) {
        size_t sz = need > DOF_ARENA_CHUNK ? need : DOF_ARENA_CHUNK;
        c = malloc(sizeof(dof_chunk) + sz);
        if (c == NULL)
            return NULL;
        c->size = sz;
        c->used = 0;
        if (need > DOF_ARENA_CHUNK && a->head) {
            /* big one-off block: keep the current chunk on top */
            c->next = a->head->next;
            a->head->next = c;
        }
        else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += need;
    memset(p, 0, size);
    return p;
}

void *
dof_arena_calloc(dof_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / 2 / size)
        return NULL;
    return dof_arena_alloc(a, n * size);
}

char *
dof_arena_strndup(dof_arena *a, const char *s, size_t n)
{
    char *p;
    if (s == NULL)
        return NULL;
    p = dof_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *
dof_arena_strdup(dof_arena *a, const char *s)
{
    return s ? dof_arena_strndup(a, s, strlen(s)) : NULL;
}

char *
dof_arena_printf(dof_arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = dof_arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- dof_buf ---- */

void
dof_buf_init(dof_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

void
dof_buf_free(dof_buf *b)
{
    free(b->data);
    dof_buf_init(b);
}

void
dof_buf_reset(dof_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int
buf_grow(dof_buf *b, size_t extra)
{
    if (b->oom)
        return DOF_ERR_NOMEM;
    if (extra > SIZE_MAX / 4 - b->len) {
        b->oom = 1;
        return DOF_ERR_NOMEM;
    }
    if (b->len + extra + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap < b->len + extra + 1)
            ncap *= 2;
        char *nd = realloc(b->data, ncap);
        if (nd == NULL) {
            b->oom = 1;
            return DOF_ERR_NOMEM;
        }
        b->data = nd;
        b->cap = ncap;
        nd[b->len] = '\0'; /* a fresh buffer is "" too (dof_buf_take) */
    }
    return DOF_OK;
}

int
dof_buf_append(dof_buf *b, const void *p, size_t n)
{
    if (buf_grow(b, n) != DOF_OK)
        return DOF_ERR_NOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return DOF_OK;
}

int
dof_buf_putc(dof_buf *b, char c)
{
    return dof_buf_append(b, &c, 1);
}

int
dof_buf_printf(dof_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_grow(b, (size_t)n) != DOF_OK)
        return DOF_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return DOF_OK;
}

char *
dof_buf_take(dof_buf *b)
{
    char *p;
    if (b->oom) {
        dof_buf_free(b);
        return NULL;
    }
    if (b->data == NULL) {
        if (buf_grow(b, 0) != DOF_OK)
            return NULL;
        b->data[0] = '\0';
    }
    p = b->data;
    dof_buf_init(b);
    return p;
}

int
dof_grow(void *pv, size_t *cap, size_t n, size_t elsize, size_t first)
{
    void *v, *nv;
    size_t nc;

    if (n < *cap)
        return DOF_OK;
    nc = *cap ? *cap * 2 : first;
    if (nc < *cap || elsize == 0 || nc > SIZE_MAX / elsize)
        return DOF_ERR_NOMEM;
    memcpy(&v, pv, sizeof(v));
    nv = realloc(v, nc * elsize);
    if (nv == NULL)
        return DOF_ERR_NOMEM;
    memcpy(pv, &nv, sizeof(nv));
    *cap = nc;
    return DOF_OK;
}
