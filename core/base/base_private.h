/*
 * private.h - internals shared by every module of libdof (not installed).
 * Byte decoding, an arena allocator, a growable buffer, JSON helpers.
 */
#ifndef DOF_PRIVATE_H
#define DOF_PRIVATE_H

#include "dof.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* ---- on-disk integers: decode from bytes, never cast structs ---- */
static inline uint16_t
dof_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t
dof_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t
dof_le64(const unsigned char *p)
{
    return (uint64_t)dof_le32(p) | ((uint64_t)dof_le32(p + 4) << 32);
}
static inline uint32_t
dof_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline uint64_t
dof_be64(const unsigned char *p)
{
    return ((uint64_t)dof_be32(p) << 32) | (uint64_t)dof_be32(p + 4);
}

/* ---- arena: many small allocations freed together ---- */
typedef struct dof_arena dof_arena;
dof_arena *dof_arena_new(void);
void dof_arena_free(dof_arena *a);
/* Zeroed memory; NULL on out of memory or overflow. */
void *dof_arena_alloc(dof_arena *a, size_t size);
void *dof_arena_calloc(dof_arena *a, size_t n, size_t size);
char *dof_arena_strdup(dof_arena *a, const char *s);
char *dof_arena_strndup(dof_arena *a, const char *s, size_t n);
char *dof_arena_printf(dof_arena *a, const char *fmt, ...) DOF_PRINTF(2, 3);

/* ---- growable byte buffer (always NUL terminated) ----
 * A zeroed dof_buf (calloc, memset, = {0}) is an empty buffer, the same
 * as after dof_buf_init(); dof_buf_free() leaves it so again. */
typedef struct dof_buf {
    char *data;
    size_t len, cap;
    int oom; /* sticky: an append failed */
} dof_buf;
void dof_buf_init(dof_buf *b);
void dof_buf_free(dof_buf *b);
void dof_buf_reset(dof_buf *b);
int dof_buf_append(dof_buf *b, const void *p, size_t n);
int dof_buf_putc(dof_buf *b, char c);
int dof_buf_printf(dof_buf *b, const char *fmt, ...) DOF_PRINTF(2, 3);
/* Append raw name bytes encoded as dof_name_encode() does. */
int dof_buf_put_name(dof_buf *b, const char *raw, size_t len,
                     const char *also);
/* Hand the data to the caller (malloc'd) and reset the buffer. */
char *dof_buf_take(dof_buf *b);

/* ---- context internals ---- */
int dof_set_errorv(dof_ctx *ctx, int code, const char *fmt, va_list ap)
    DOF_PRINTF(3, 0);

/* ---- misc ---- */
/* 1 if s[0..len) is valid UTF-8 without NUL bytes. */
int dof_utf8_valid(const char *s, size_t len);
/* 1 if s is exactly 64 lowercase hex digits. */
int dof_is_hex64(const char *s, size_t len);
/* A malloc'd copy of the n bytes at p and a NUL after them (for names,
 * which may hold any byte); NULL on out of memory. */
char *dof_memdup0(const void *p, size_t n);
/* Join a directory path and a name with exactly one '/'. */
char *dof_path_join(dof_arena *a, const char *dir, const char *name);
/* SHA-256 of a buffer into 64 lowercase hex digits + NUL. */
void dof_sha256_hex(const void *data, size_t len, char out[65]);

/* Decode base64 (standard or URL alphabet, '=' padding, line breaks
 * skipped) of in[0..len) into out; the number of bytes written, or -1
 * for a character outside the alphabet or more than cap bytes. */
long dof_base64_decode(const char *in, size_t len, unsigned char *out,
                       size_t cap);

/* The next line of buf[0..len) from *pos: [*s, *e) without its '\n';
 * *pos moves past it.  0 when *pos is at the end. */
static inline int
dof_line_next(const char *buf, size_t len, size_t *pos, size_t *s, size_t *e)
{
    if (*pos >= len)
        return 0;
    *s = *e = *pos;
    while (*e < len && buf[*e] != '\n')
        (*e)++;
    *pos = *e + 1;
    return 1;
}

/* ---- null-safe accessors of the public API ---- */
/* Define `rtype fname(const otype *o)` returning o->field, or dflt for
 * a NULL object. */
#define DOF_GETTER(rtype, fname, otype, field, dflt)                          \
    rtype fname(const otype *o)                                               \
    {                                                                         \
        return o ? o->field : (dflt);                                         \
    }
/* Define `rtype fname(const otype *o, size_t i)` returning o->arr[i], or
 * NULL for a NULL object or i >= o->count. */
#define DOF_GETTER_AT(rtype, fname, otype, arr, count)                        \
    rtype fname(const otype *o, size_t i)                                     \
    {                                                                         \
        return o && i < o->count ? o->arr[i] : NULL;                          \
    }

/* ---- arrays in an arena (core/base/strv.c) ---- */
/* Return an array with room for element n (n+1 elements), copying the
 * n old ones when it grows (capacity: powers of two >= 4).  NULL on out
 * of memory (the old array is still valid). */
void *dof_arena_grow(dof_arena *a, void *v, size_t n, size_t elsize);
/* Room for element n in the malloc'd array whose address is pv (a T **)
 * of *cap elements of elsize bytes: doubles it (first: the first size)
 * when n == *cap.  DOF_ERR_NOMEM (array untouched) on failure. */
int dof_grow(void *pv, size_t *cap, size_t n, size_t elsize, size_t first);
/* Append s (already owned by the arena) to (*v, *n). */
int dof_arena_push_str(dof_arena *a, const char ***v, size_t *n,
                       const char *s);
/* Sort an array of strings in place (strcmp order). */
void dof_strv_sort(const char **v, size_t n);

/* A small string -> string map in an arena (open addressing). */
typedef struct dof_strmap dof_strmap;
dof_strmap *dof_strmap_new(dof_arena *a);
const char *dof_strmap_get(const dof_strmap *m, const char *key);
int dof_strmap_put(dof_strmap *m, const char *key, const char *value);

#endif /* DOF_PRIVATE_H */
