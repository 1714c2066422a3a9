/*
 * fuzz_partitions.c - the evidence stack below the filesystems: the GPT
 * entry parser (core/evidence/evidence_vs.c), the filesystem probe table
 * (core/fs/fs_probe.c), and the whole input opened as an in-memory disk
 * image (partition tables through TSK or dof's GPT reader, addresses,
 * probes).  The first 8 bytes also serve as the GPT entry count and size
 * for the parser, over the bytes that follow.
 */
#include "evidence/evidence_private.h"
#include "fuzz.h"

typedef struct gpt_seen {
    uint32_t n, last_index;
    int any;
} gpt_seen;

static int
gpt_fn(void *arg, uint32_t index, uint64_t first, uint64_t last,
       const char *name)
{
    gpt_seen *s = arg;

    FUZZ_ASSERT(index < s->n);
    FUZZ_ASSERT(!s->any || index > s->last_index);
    FUZZ_ASSERT(first <= last);
    FUZZ_ASSERT(strlen(name) <= 36);
    s->last_index = index;
    s->any = 1;
    return DOF_OK;
}

FUZZ_TARGET(partitions)
{
    dof_fs_probe_result r;
    dof_ctx *ctx;
    dof_evidence *ev = NULL;

    dof_fs_probe(data, size, &r);
    FUZZ_ASSERT(r.signature != NULL);
    FUZZ_ASSERT(!r.openable || (r.kind && r.kind->open && !r.note));
    FUZZ_ASSERT(r.openable || r.note != NULL);
    if (size >= 8) {
        gpt_seen s = {dof_le32(data), 0, 0};
        (void)dof_evidence_gpt_parse(data + 8, size - 8, s.n,
                                     dof_le32(data + 4), gpt_fn, &s);
    }
    if (size == 0 || size > (1u << 20) || (ctx = dof_ctx_new()) == NULL)
        return 0;
    if (dof_evidence_open_mem(ctx, "fuzz", data, size, -1, &ev) == DOF_OK) {
        size_t n = dof_evidence_partition_count(ev);
        for (size_t i = 0; i < n; i++) {
            const dof_partition *v = dof_evidence_partition(ev, i);
            FUZZ_ASSERT(v->address != NULL && v->signature != NULL);
            /* addresses name one partition each */
            FUZZ_ASSERT(dof_evidence_partition_find(ev, v->address) == v);
        }
        dof_evidence_close(ev);
    }
    dof_ctx_free(ctx);
    return 0;
}
