/*
 * evidence_qcow2_img.c - a qcow2 image as a byte source: the image file,
 * its backing chain (qcow2 or raw files, found next to the image or given
 * with --backing, at most DOF_QCOW2_MAX_CHAIN deep), served to TSK through
 * tsk_img_open_external like evidence_ewf.c, so the partition tables and
 * the filesystem probe run on top unchanged.  The format itself is
 * evidence_qcow2.c.
 */
#include "evidence/evidence_private.h"
#include "evidence/evidence_qcow2.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NLAYERS (DOF_QCOW2_MAX_CHAIN + 1u)

typedef struct qlayer {
    int fd;
    dof_qcow2 *q;  /* NULL: a raw file */
    uint64_t size; /* guest bytes (raw: the file size) */
    char *path;
    char *name; /* as the overlay above named it (NULL for the top) */
    const char *format;
    dev_t dev;
    ino_t ino;
} qlayer;

/* TSK's external image: TSK_IMG_INFO first, then our fields. */
typedef struct qcow2_img {
    TSK_IMG_INFO img;
    dof_ctx *ctx;
    qlayer layer[NLAYERS];
    unsigned nlayers;
    dof_qcow2_info info;
    dof_qcow2_snapshot *snaps;
    dof_qcow2_backing *backing;
    int counted_once;
} qcow2_img;

static ssize_t
file_read(void *arg, uint64_t off, void *buf, size_t len)
{
    qlayer *l = arg;
    size_t done = 0;

    while (done < len) {
        ssize_t n =
            pread(l->fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return done ? (ssize_t)done : -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/* Guest bytes of layer l (the backing of the layer above it). */
static int
layer_read(void *arg, uint64_t off, void *buf, size_t len)
{
    qlayer *l = arg;
    ssize_t n;

    if (l->q)
        return dof_qcow2_read(l->q, off, buf, len);
    n = file_read(l, off, buf, len);
    if (n < 0)
        return -1;
    memset((char *)buf + n, 0, len - (size_t)n);
    return 0;
}

static void
layers_close(qcow2_img *e)
{
    for (unsigned i = 0; i < e->nlayers; i++) {
        dof_qcow2_close(e->layer[i].q);
        if (e->layer[i].fd >= 0)
            close(e->layer[i].fd);
        free(e->layer[i].path);
        free(e->layer[i].name);
    }
    e->nlayers = 0;
    free(e->snaps);
    free(e->backing);
}

/* Where the backing file `name` of the image at `over` is: relative to
 * the overlay's directory; an absolute name is looked for next to the
 * overlay first (evidence travels without its original paths). */
static char *
backing_path(const char *over, const char *name)
{
    const char *slash = strrchr(over, '/');
    int dirlen = slash ? (int)(slash - over) : 1;
    const char *dir = slash ? over : ".";
    char *p = NULL;

    if (name[0] == '/') {
        const char *base = strrchr(name, '/') + 1;
        if (*base && asprintf(&p, "%.*s/%s", dirlen, dir, base) >= 0 &&
            access(p, R_OK) == 0)
            return p;
        free(p);
        return strdup(name);
    }
    if (asprintf(&p, "%.*s/%s", dirlen, dir, name) < 0)
        return NULL;
    return p;
}

/* Open layer i at path: qcow2 (by magic, or as fmt demands) or raw. */
static int
layer_open(qcow2_img *e, unsigned i, const char *path, const char *fmt,
           const char *snapshot, const char *named_by)
{
    qlayer *l = &e->layer[i];
    unsigned char magic[4] = {0};
    struct stat sb;
    int rc;

    l->fd = -1;
    e->nlayers = i + 1;
    if ((l->path = strdup(path)) == NULL)
        return dof_set_error(e->ctx, DOF_ERR_NOMEM, "out of memory");
    if ((l->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
        fstat(l->fd, &sb) != 0) {
        if (named_by)
            return dof_set_error(e->ctx, DOF_ERR_EVIDENCE,
                                 "%s: its qcow2 backing file %s cannot be "
                                 "opened (%s): the image is an overlay and "
                                 "its unallocated clusters live there; give "
                                 "the file with --backing PATH",
                                 named_by, path, strerror(errno));
        return dof_set_error(e->ctx, DOF_ERR_EVIDENCE, "cannot open %s: %s",
                             path, strerror(errno));
    }
    if (S_ISDIR(sb.st_mode))
        return dof_set_error(e->ctx, DOF_ERR_EVIDENCE,
                             "%s: its qcow2 backing file %s is a directory",
                             named_by ? named_by : path, path);
    for (unsigned k = 0; k < i; k++)
        if (e->layer[k].dev == sb.st_dev && e->layer[k].ino == sb.st_ino)
            return dof_set_error(e->ctx, DOF_ERR_LOOP,
                                 "%s: the qcow2 backing chain loops: %s is "
                                 "already in it",
                                 e->layer[0].path, path);
    l->dev = sb.st_dev;
    l->ino = sb.st_ino;
    l->size = (uint64_t)sb.st_size;
    (void)file_read(l, 0, magic, sizeof(magic));
    if (fmt != NULL && strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0)
        return dof_set_error(e->ctx, DOF_ERR_UNSUPPORTED,
                             "%s: its backing file %s is in format %s: only "
                             "qcow2 and raw backing files are supported",
                             named_by, path, fmt);
    if ((fmt == NULL || strcmp(fmt, "qcow2") == 0) &&
        memcmp(magic, DOF_QCOW2_MAGIC, 4) == 0) {
        rc = dof_qcow2_open(e->ctx, path, file_read, l, l->size, snapshot,
                            &l->q);
        if (rc != DOF_OK)
            return rc;
        l->size = dof_qcow2_size(l->q);
        l->format = "qcow2";
        return DOF_OK;
    }
    if (fmt != NULL && strcmp(fmt, "qcow2") == 0)
        return dof_set_error(e->ctx, DOF_ERR_FORMAT,
                             "%s: its backing file %s should be qcow2 but "
                             "has no qcow2 header",
                             named_by, path);
    l->format = "raw";
    return DOF_OK;
}

/* The chain below layer 0: each qcow2 layer's backing file. */
static int
open_chain(qcow2_img *e, const char *backing)
{
    for (unsigned i = 0; e->layer[i].q != NULL; i++) {
        qlayer *l = &e->layer[i];
        const char *name = dof_qcow2_backing_name(l->q);
        char *path;
        int rc;
        if (name == NULL)
            break;
        if (i + 1 >= NLAYERS)
            return dof_set_error(e->ctx, DOF_ERR_LIMIT,
                                 "%s: the qcow2 backing chain is deeper than "
                                 "%u files",
                                 e->layer[0].path, DOF_QCOW2_MAX_CHAIN);
        path =
            i == 0 && backing ? strdup(backing) : backing_path(l->path, name);
        if (path == NULL)
            return dof_set_error(e->ctx, DOF_ERR_NOMEM, "out of memory");
        if ((e->layer[i + 1].name = strdup(name)) == NULL) {
            free(path);
            return dof_set_error(e->ctx, DOF_ERR_NOMEM, "out of memory");
        }
        rc = layer_open(e, i + 1, path, dof_qcow2_backing_format(l->q), NULL,
                        l->path);
        free(path);
        if (rc != DOF_OK)
            return rc;
        dof_qcow2_set_backing(l->q, layer_read, &e->layer[i + 1],
                              e->layer[i + 1].size);
    }
    return DOF_OK;
}

/* The public description (dof_evidence_qcow2), pointing into the layers. */
static int
fill_info(qcow2_img *e)
{
    dof_qcow2 *q = e->layer[0].q;
    const dof_qcow2_header *h = dof_qcow2_hdr(q);
    const dof_qcow2_snap *cur = dof_qcow2_snapshot_read(q);
    size_t ns = dof_qcow2_snapshot_count(q);
    dof_qcow2_info *in = &e->info;

    in->version = h->version;
    in->cluster_size = 1ull << h->cluster_bits;
    in->virtual_size = dof_qcow2_size(q);
    in->dirty = (h->incompatible & 1) != 0;
    in->corrupt = (h->incompatible & 2) != 0;
    in->extended_l2 = (h->incompatible & 16) != 0;
    in->snapshot = cur ? cur->name : NULL;
    if (ns > 0 && (e->snaps = calloc(ns, sizeof(*e->snaps))) == NULL)
        return DOF_ERR_NOMEM;
    for (size_t i = 0; i < ns; i++) {
        const dof_qcow2_snap *s = dof_qcow2_snap_at(q, i);
        e->snaps[i].id = s->id;
        e->snaps[i].name = s->name;
        e->snaps[i].date = s->date_ns;
        e->snaps[i].vm_clock_ns = s->vm_clock_ns;
        e->snaps[i].vm_state_size = s->vm_state_size;
        e->snaps[i].disk_size = s->disk_size;
    }
    in->snapshots = e->snaps;
    in->nsnapshots = ns;
    if (e->nlayers > 1 &&
        (e->backing = calloc(e->nlayers - 1, sizeof(*e->backing))) == NULL)
        return DOF_ERR_NOMEM;
    for (unsigned i = 1; i < e->nlayers; i++) {
        e->backing[i - 1].name = e->layer[i].name;
        e->backing[i - 1].path = e->layer[i].path;
        e->backing[i - 1].format = e->layer[i].format;
    }
    in->backing = e->backing;
    in->nbacking = e->nlayers - 1;
    return DOF_OK;
}

static ssize_t
qcow2_tsk_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
    qcow2_img *e = (qcow2_img *)img;
    uint64_t size = e->layer[0].size;

    if (off < 0 || (uint64_t)off > size) {
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
        tsk_error_set_errstr("qcow2 %s: offset %lld beyond the disk",
                             e->layer[0].path, (long long)off);
        return -1;
    }
    if (len > size - (uint64_t)off)
        len = (size_t)(size - (uint64_t)off);
    if (dof_qcow2_read(e->layer[0].q, (uint64_t)off, buf, len) != 0) {
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ);
        tsk_error_set_errstr("qcow2 %s: cannot read %zu bytes at byte %lld "
                             "from its backing file",
                             e->layer[0].path, len, (long long)off);
        return -1;
    }
    return (ssize_t)len;
}

static void
qcow2_tsk_close(TSK_IMG_INFO *img)
{
    qcow2_img *e = (qcow2_img *)img;

    layers_close(e);
    free(e);
}

TSK_IMG_INFO *
dof_evidence_qcow2_open(dof_ctx *ctx, const char *path, const char *backing,
                        const char *snapshot)
{
    qcow2_img *e = calloc(1, sizeof(*e));
    TSK_IMG_INFO *img;

    if (e == NULL) {
        dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    e->ctx = ctx;
    for (unsigned i = 0; i < NLAYERS; i++)
        e->layer[i].fd = -1;
    if (layer_open(e, 0, path, "qcow2", snapshot, NULL) != DOF_OK)
        goto fail;
    if (backing && dof_qcow2_backing_name(e->layer[0].q) == NULL) {
        dof_set_error(ctx, DOF_ERR_ARG,
                      "%s has no backing file: --backing applies to qcow2 "
                      "overlays only",
                      path);
        goto fail;
    }
    if (open_chain(e, backing) != DOF_OK)
        goto fail;
    if (fill_info(e) != DOF_OK) {
        dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (e->layer[0].size == 0) {
        dof_set_error(ctx, DOF_ERR_EVIDENCE, "%s: the qcow2 disk is empty",
                      path);
        goto fail;
    }
    img = tsk_img_open_external(e, (TSK_OFF_T)e->layer[0].size, 512,
                                qcow2_tsk_read, qcow2_tsk_close,
                                dof_evidence_imgstat);
    if (img == NULL) {
        dof_evidence_img_fail(ctx, path);
        goto fail;
    }
    return img;
fail:
    layers_close(e);
    free(e);
    return NULL;
}

const dof_qcow2_info *
dof_evidence_qcow2(const dof_evidence *ev)
{
    qcow2_img *e;
    dof_qcow2_counts c;

    if (ev == NULL || ev->img == NULL || ev->format == NULL ||
        strcmp(ev->format, "qcow2") != 0)
        return NULL;
    e = (qcow2_img *)ev->img;
    if (!e->counted_once && (e->counted_once = 1) &&
        dof_qcow2_count(e->layer[0].q, &c) == 0) {
        e->info.counted = 1;
        e->info.clusters_allocated = c.allocated;
        e->info.clusters_compressed = c.compressed;
        e->info.clusters_zero = c.zero;
        e->info.clusters_unallocated = c.unallocated;
    }
    return &e->info;
}
