/*
 * fuzz_lvm.c - the LVM2 reader (core/evidence/evidence_lvm*.c): the
 * metadata text parser over the whole input, the label / PV header
 * decoder over its first 2048 bytes, the metadata area header and the
 * ring buffer scan over it as a metadata area, and the input as an
 * in-memory disk (PVs, VGs, LVs, the LV byte sources).
 */
#include "evidence/evidence_lvm.h"
#include "fuzz.h"

static void
text_fn(void *arg, uint64_t off, const char *text, size_t len)
{
    size_t *n = arg;

    FUZZ_ASSERT(off >= DOF_LVM_MDA_HEADER && off % DOF_LVM_SECTOR == 0);
    FUZZ_ASSERT(strlen(text) == len);
    (*n)++;
}

FUZZ_TARGET(lvm)
{
    dof_arena *a = dof_arena_new();
    dof_lvm_label l;
    dof_lvm_mdah h;
    dof_lvm_vgx vg;
    const char *why;
    char name[128];
    dof_ctx *ctx;
    dof_evidence *ev = NULL;

    if (a == NULL)
        return 0;
    if (dof_evidence_lvm_text_parse((const char *)data, size, a, &vg, &why) ==
        DOF_OK) {
        FUZZ_ASSERT(vg.name && vg.id && vg.extent_size > 0);
        for (size_t i = 0; i < vg.nlvs; i++)
            for (size_t k = 1; k < vg.lvs[i].nsegs; k++)
                FUZZ_ASSERT(vg.lvs[i].segs[k - 1].start_extent <=
                            vg.lvs[i].segs[k].start_extent);
    }
    if (dof_evidence_lvm_label_parse(data, size, &l, &why) > 0) {
        FUZZ_ASSERT(l.sector < 4 && strlen(l.uuid) == 32);
        FUZZ_ASSERT(l.ndata <= DOF_LVM_MAX_AREAS &&
                    l.nmda <= DOF_LVM_MAX_AREAS);
    }
    if (dof_evidence_lvm_mdah_parse(data, size, &h, &why) > 0)
        FUZZ_ASSERT(h.nloc <= DOF_LVM_MAX_RLOCN);
    if (dof_evidence_lvm_text_vgname(
            (const char *)data + (size > 512 ? 512 : 0),
            size > 512 ? size - 512 : 0, name, sizeof(name))) {
        size_t n = 0;
        FUZZ_ASSERT(strlen(name) > 0);
        (void)dof_evidence_lvm_ring_scan(data, size, name, 64, text_fn, &n);
    }
    dof_arena_free(a);
    if (size == 0 || size > (1u << 20) || (ctx = dof_ctx_new()) == NULL)
        return 0;
    if (dof_evidence_open_mem(ctx, "fuzz", data, size, -1, &ev) == DOF_OK) {
        for (size_t i = 0; i < dof_evidence_partition_count(ev); i++) {
            const dof_partition *v = dof_evidence_partition(ev, i);
            FUZZ_ASSERT(v->address != NULL && v->signature != NULL);
            if (v->lvm != NULL)
                FUZZ_ASSERT(strstr(v->address, "/lvm:") != NULL &&
                            (v->fs == NULL || v->lvm->readable));
        }
        dof_evidence_close(ev);
    }
    dof_ctx_free(ctx);
    return 0;
}
