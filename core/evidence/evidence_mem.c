/*
 * evidence_mem.c - evidence held in memory, served to TSK through
 * tsk_img_open_external (no copy, no file): dof_evidence_open_mem.
 */
#include "evidence/evidence_private.h"

#include <stdlib.h>

/* TSK's external image: TSK_IMG_INFO first, then our fields. */
typedef struct mem_img {
    TSK_IMG_INFO info;
    const unsigned char *buf;
    uint64_t len;
} mem_img;

static ssize_t
mem_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
    const mem_img *m = (const mem_img *)img;
    size_t n;

    if (off < 0 || (uint64_t)off > m->len) {
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
        tsk_error_set_errstr("mem_read: offset %lld beyond the image",
                             (long long)off);
        return -1;
    }
    n = (size_t)(m->len - (uint64_t)off);
    if (n > len)
        n = len;
    memcpy(buf, m->buf + off, n);
    return (ssize_t)n;
}

static void
mem_close(TSK_IMG_INFO *img)
{
    free(img); /* tsk_img_close has released the cache lock */
}

int
dof_evidence_open_mem(dof_ctx *ctx, const char *name, const void *buf,
                      uint64_t len, int64_t offset_sectors, dof_evidence **out)
{
    mem_img *m;
    TSK_IMG_INFO *img;

    if (out == NULL)
        return DOF_ERR_ARG;
    *out = NULL;
    if (buf == NULL && len > 0)
        return dof_set_error(ctx, DOF_ERR_ARG, "no buffer given");
    if (name == NULL)
        name = "(memory)";
    if (len == 0)
        return dof_set_error(ctx, DOF_ERR_EVIDENCE, "%s is empty", name);
    if (len > (uint64_t)INT64_MAX)
        return dof_set_error(ctx, DOF_ERR_ARG, "%s: too large", name);
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    m->buf = buf;
    m->len = len;
    img = tsk_img_open_external(m, (TSK_OFF_T)len, 512, mem_read, mem_close,
                                dof_evidence_imgstat);
    if (img == NULL) {
        free(m);
        return dof_set_tsk_error(ctx, DOF_ERR_EVIDENCE, name);
    }
    return dof_evidence_open_img(ctx, name, "mem", img, offset_sectors, out);
}
