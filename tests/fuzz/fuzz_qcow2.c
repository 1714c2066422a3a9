/*
 * fuzz_qcow2.c - dof's qcow2 reader (core/evidence/evidence_qcow2.c): the
 * whole input is a qcow2 file held in memory.  Header and extensions,
 * feature checks, the snapshot table, then every snapshot and the active
 * state read through the L1/L2 tables (standard, zero, compressed and
 * subcluster entries) at spread guest offsets, the cluster counts, and
 * the input's tail inflated as one compressed cluster.
 */
#include "evidence/evidence_qcow2.h"
#include "fuzz.h"

#define READ_CAP (256u << 10) /* guest bytes read per state */

typedef struct mem {
    const uint8_t *p;
    size_t n;
} mem;

static ssize_t
mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
    const mem *m = arg;

    if (off >= m->n)
        return 0;
    if (len > m->n - off)
        len = m->n - (size_t)off;
    memcpy(buf, m->p + off, len);
    return (ssize_t)len;
}

/* A backing image of 0xbb bytes, to tell it from zeros. */
static int
backing_read(void *arg, uint64_t off, void *buf, size_t len)
{
    (void)arg;
    (void)off;
    memset(buf, 0xbb, len);
    return 0;
}

static void
read_state(dof_ctx *ctx, const mem *m, const char *snapshot)
{
    dof_qcow2 *q = NULL;
    unsigned char *buf;
    uint64_t size, step;
    dof_qcow2_counts c;

    if (dof_qcow2_open(ctx, "fuzz.qcow2", mem_read, (void *)m, m->n, snapshot,
                       &q) != DOF_OK)
        return;
    size = dof_qcow2_size(q);
    FUZZ_ASSERT(size <= (1ull << 56));
    if (dof_qcow2_backing_name(q) != NULL)
        dof_qcow2_set_backing(q, backing_read, NULL, size / 2);
    buf = malloc(4096);
    step = size / 64 + 1;
    for (uint64_t off = 0; buf && off < size && off / step < 64; off += step) {
        size_t len = size - off < 4096 ? (size_t)(size - off) : 4096;
        FUZZ_ASSERT(dof_qcow2_read(q, off, buf, len) == 0);
    }
    /* a past-the-end read is refused, never served */
    if (buf)
        FUZZ_ASSERT(dof_qcow2_read(q, size, buf, 1) != 0);
    free(buf);
    /* the first bytes in full, crossing clusters */
    if ((buf = malloc(READ_CAP)) != NULL) {
        size_t len = size < READ_CAP ? (size_t)size : READ_CAP;
        FUZZ_ASSERT(dof_qcow2_read(q, 0, buf, len) == 0);
        free(buf);
    }
    if (dof_qcow2_count(q, &c) == 0)
        FUZZ_ASSERT(c.allocated + c.compressed + c.zero + c.unallocated ==
                    (size + (1ull << dof_qcow2_hdr(q)->cluster_bits) - 1) >>
                        dof_qcow2_hdr(q)->cluster_bits);
    if (snapshot == NULL)
        for (size_t i = 0; i < dof_qcow2_snapshot_count(q) && i < 4; i++) {
            const dof_qcow2_snap *s = dof_qcow2_snap_at(q, i);
            FUZZ_ASSERT(s->id != NULL && s->name != NULL);
            read_state(ctx, m, s->name);
        }
    dof_qcow2_close(q);
}

FUZZ_TARGET(qcow2)
{
    dof_qcow2_header h;
    char why[256];
    mem m = {data, size};
    dof_ctx *ctx;

    (void)dof_qcow2_header_parse(data, size, &h, why, sizeof(why));
    if (size > 16) {
        unsigned char out[4096];
        (void)dof_qcow2_inflate(data + size / 2, size - size / 2, out,
                                sizeof(out));
    }
    if (size > (4u << 20) || (ctx = dof_ctx_new()) == NULL)
        return 0;
    read_state(ctx, &m, NULL);
    dof_ctx_free(ctx);
    return 0;
}
