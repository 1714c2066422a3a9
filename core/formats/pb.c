/*
 * pb.c - protocol buffers' wire format, read field by field with every
 * length checked against the message (see pb.h).
 */
#include "formats/pb.h"

#include <stdio.h>

void
dof_pb_init(dof_pb *p, const void *buf, size_t len, char *why, size_t whylen)
{
    p->s = buf;
    p->len = buf ? len : 0;
    p->pos = 0;
    p->why = why;
    p->whylen = whylen;
    if (why && whylen)
        why[0] = '\0';
}

int
dof_pb_fail(dof_pb *p, const char *what)
{
    if (p->why && p->whylen)
        snprintf(p->why, p->whylen, "%s at byte %zu", what, p->pos);
    return DOF_ERR_FORMAT;
}

static int
pb_varint(dof_pb *p, uint64_t *v)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < 10; i++) {
        if (p->pos >= p->len)
            return dof_pb_fail(p, "truncated varint");
        unsigned char b = p->s[p->pos++];
        if (i == 9 && b > 1)
            return dof_pb_fail(p, "varint overflows 64 bits");
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            *v = r;
            return DOF_OK;
        }
    }
    return dof_pb_fail(p, "varint too long");
}

static int
pb_fixed(dof_pb *p, unsigned n, uint64_t *v)
{
    if (p->len - p->pos < n)
        return dof_pb_fail(p,
                           n == 8 ? "truncated fixed64" : "truncated fixed32");
    *v = n == 8 ? dof_le64(p->s + p->pos) : dof_le32(p->s + p->pos);
    p->pos += n;
    return DOF_OK;
}

int
dof_pb_next(dof_pb *p, dof_pb_field *f)
{
    uint64_t key, l;

    memset(f, 0, sizeof(*f));
    if (p->pos >= p->len)
        return 0;
    if (pb_varint(p, &key))
        return DOF_ERR_FORMAT;
    f->num = key >> 3;
    f->wt = (unsigned)(key & 7);
    if (f->num == 0)
        return dof_pb_fail(p, "field number 0");
    switch (f->wt) {
    case DOF_PB_VARINT: return pb_varint(p, &f->v) ? DOF_ERR_FORMAT : 1;
    case DOF_PB_I64: return pb_fixed(p, 8, &f->v) ? DOF_ERR_FORMAT : 1;
    case DOF_PB_I32: return pb_fixed(p, 4, &f->v) ? DOF_ERR_FORMAT : 1;
    case DOF_PB_LEN:
        if (pb_varint(p, &l))
            return DOF_ERR_FORMAT;
        if (l > p->len - p->pos)
            return dof_pb_fail(p, "length-delimited field past the end");
        f->d = p->s + p->pos;
        f->n = (size_t)l;
        p->pos += (size_t)l;
        return 1;
    default: return dof_pb_fail(p, "unsupported wire type");
    }
}
