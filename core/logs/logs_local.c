/*
 * logs_local.c - one record of the local log driver: a LogEntry protobuf
 * (moby api/types/plugins/logdriver/entry.proto), decoded by hand.
 */
#include "logs/logs_private.h"

#include <stdio.h>

typedef struct pb {
    const unsigned char *s;
    size_t len, pos;
    char *why;
    size_t whylen;
} pb;

static int
pb_fail(pb *p, const char *what)
{
    if (p->why && p->whylen)
        snprintf(p->why, p->whylen, "%s at byte %zu", what, p->pos);
    return DOF_ERR_FORMAT;
}

static int
pb_varint(pb *p, uint64_t *v)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < 10; i++) {
        if (p->pos >= p->len)
            return pb_fail(p, "truncated varint");
        unsigned char b = p->s[p->pos++];
        if (i == 9 && b > 1)
            return pb_fail(p, "varint overflows 64 bits");
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            *v = r;
            return DOF_OK;
        }
    }
    return pb_fail(p, "varint too long");
}

/* A length-delimited field: *d, *n point into the buffer. */
static int
pb_bytes(pb *p, const unsigned char **d, size_t *n)
{
    uint64_t l;

    if (pb_varint(p, &l))
        return DOF_ERR_FORMAT;
    if (l > p->len - p->pos)
        return pb_fail(p, "length-delimited field past the end");
    *d = p->s + p->pos;
    *n = (size_t)l;
    p->pos += (size_t)l;
    return DOF_OK;
}

/* A field's key: its number and wire type. */
static int
pb_key(pb *p, uint64_t *field, unsigned *wt)
{
    uint64_t key;

    if (pb_varint(p, &key))
        return DOF_ERR_FORMAT;
    *field = key >> 3;
    *wt = (unsigned)(key & 7);
    return DOF_OK;
}

static int
pb_skip(pb *p, unsigned wt)
{
    uint64_t v;
    const unsigned char *d;
    size_t n;

    switch (wt) {
    case 0: return pb_varint(p, &v);
    case 1:
        if (p->len - p->pos < 8)
            return pb_fail(p, "truncated fixed64");
        p->pos += 8;
        return DOF_OK;
    case 2: return pb_bytes(p, &d, &n);
    case 5:
        if (p->len - p->pos < 4)
            return pb_fail(p, "truncated fixed32");
        p->pos += 4;
        return DOF_OK;
    default: return pb_fail(p, "unsupported wire type");
    }
}

static int
pb_meta(pb *outer, const unsigned char *d, size_t n, dof_log_lentry *e)
{
    pb p = {d, n, 0, outer->why, outer->whylen};

    while (p.pos < p.len) {
        uint64_t field, v;
        unsigned wt;
        const unsigned char *b;
        size_t bl;

        if (pb_key(&p, &field, &wt))
            return DOF_ERR_FORMAT;
        if (field == 1 && wt == 0) {
            if (pb_varint(&p, &v))
                return DOF_ERR_FORMAT;
            e->last = v != 0;
        }
        else if (field == 2 && wt == 2) {
            if (pb_bytes(&p, &b, &bl))
                return DOF_ERR_FORMAT;
            e->id = (const char *)b;
            e->id_len = bl;
        }
        else if (field == 3 && wt == 0) {
            if (pb_varint(&p, &v))
                return DOF_ERR_FORMAT;
            e->ordinal = (int32_t)(uint32_t)v;
        }
        else if (field >= 1 && field <= 3) {
            return pb_fail(&p, "wrong wire type in partial_log_metadata");
        }
        else if (field == 0 || pb_skip(&p, wt)) {
            return pb_fail(&p, "bad field in partial_log_metadata");
        }
    }
    return DOF_OK;
}

int
dof_log_local_parse(const unsigned char *buf, size_t len, dof_log_lentry *e,
                    char *why, size_t whylen)
{
    pb p = {buf, len, 0, why, whylen};

    memset(e, 0, sizeof(*e));
    e->source = "";
    e->line = "";
    e->id = "";
    if (why && whylen)
        why[0] = '\0';
    if (buf == NULL && len)
        return pb_fail(&p, "no data");
    while (p.pos < p.len) {
        uint64_t field, v;
        unsigned wt;
        const unsigned char *d;
        size_t n;

        if (pb_key(&p, &field, &wt))
            return DOF_ERR_FORMAT;
        switch (field) {
        case 1:
        case 3:
        case 5:
            if (wt != 2)
                return pb_fail(&p, "wrong wire type");
            if (pb_bytes(&p, &d, &n))
                return DOF_ERR_FORMAT;
            if (field == 1) {
                e->source = (const char *)d;
                e->source_len = n;
            }
            else if (field == 3) {
                e->line = (const char *)d;
                e->line_len = n;
            }
            else {
                e->has_meta = 1;
                if (pb_meta(&p, d, n, e))
                    return DOF_ERR_FORMAT;
            }
            break;
        case 2:
        case 4:
            if (wt != 0)
                return pb_fail(&p, "wrong wire type");
            if (pb_varint(&p, &v))
                return DOF_ERR_FORMAT;
            if (field == 2)
                e->time_nano = (int64_t)v;
            else
                e->partial = v != 0;
            break;
        case 0: return pb_fail(&p, "field number 0");
        default:
            if (pb_skip(&p, wt))
                return DOF_ERR_FORMAT;
            break;
        }
    }
    return DOF_OK;
}
