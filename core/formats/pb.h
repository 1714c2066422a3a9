/*
 * pb.h - a bounded reader of protocol buffers' wire format (no schema:
 * the caller knows its messages).  Used for the local log driver's
 * LogEntry and, next, containerd's records.  Not installed.
 */
#ifndef DOF_PB_H
#define DOF_PB_H

#include "base/base_private.h"

/* A message being read: s[pos..len); why/whylen take the reason of the
 * first error ("<what> at byte <pos>"). */
typedef struct dof_pb {
    const unsigned char *s;
    size_t len, pos;
    char *why;
    size_t whylen;
} dof_pb;

/* Wire types. */
enum { DOF_PB_VARINT = 0, DOF_PB_I64 = 1, DOF_PB_LEN = 2, DOF_PB_I32 = 5 };

/* One field: its number and wire type; v for VARINT, I64 and I32 (read
 * little-endian), d/n (pointing into the message) for LEN. */
typedef struct dof_pb_field {
    uint64_t num;
    unsigned wt;
    uint64_t v;
    const unsigned char *d;
    size_t n;
} dof_pb_field;

void dof_pb_init(dof_pb *p, const void *buf, size_t len, char *why,
                 size_t whylen);
/* The next field: 1 when f holds one, 0 at the end of the message,
 * DOF_ERR_FORMAT (why set) for a truncated or malformed field, a field
 * number 0 or a group wire type. */
int dof_pb_next(dof_pb *p, dof_pb_field *f);
/* Record why (with the current position) and return DOF_ERR_FORMAT. */
int dof_pb_fail(dof_pb *p, const char *what);

#endif /* DOF_PB_H */
