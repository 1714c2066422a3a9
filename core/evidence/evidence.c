/*
 * evidence.c - the evidence object: a directory, or a disk image read
 * as a stack of layers (evidence_private.h): byte source -> partition
 * table -> filesystem probe table.  Every partition gets an address (p2,
 * 0, dir); every allocated one is listed with the filesystem found on it
 * or a note saying why it cannot be read; nothing is dropped silently.
 */
#include "evidence/evidence_lvm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* ---- partitions ---- */

/* addr, or addr@OFFSET when another partition already has addr (a
 * table that numbers two partitions alike: a name is never shared). */
static const char *
unique_address(dof_evidence *ev, const char *addr, uint64_t off)
{
    for (size_t i = 0; i < ev->nvols; i++)
        if (strcmp(ev->vols[i].address, addr) == 0) {
            const char *u = dof_arena_printf(ev->arena, "%s@%llu", addr,
                                             (unsigned long long)off);
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "two partitions are numbered %s; the one at byte "
                     "offset %llu is called %s",
                     addr, (unsigned long long)off, u ? u : "?");
            return u;
        }
    return addr;
}

/* Probe the filesystem at off of img (at most len bytes of it). */
static void
probe(TSK_IMG_INFO *img, uint64_t off, uint64_t len, dof_fs_probe_result *r)
{
    size_t n = DOF_FS_PROBE_BYTES;
    unsigned char *b;

    if (len > 0 && len < n)
        n = (size_t)len; /* never the next partition's bytes */
    b = malloc(DOF_FS_PROBE_BYTES);
    if (b == NULL || dof_evidence_img_read(img, off, b, n) != 0) {
        dof_fs_probe(NULL, 0, r);
        r->note = b ? "unreadable (beyond the end of the image?)"
                    : "not probed: out of memory";
        free(b);
        return;
    }
    dof_fs_probe(b, n, r);
    free(b);
}

/*
 * Add a volume: bytes off..off+len of img (the image, or an LV's byte
 * source), shown at byte offset shown of the image.  With a note it is
 * listed as not readable, without a probe.
 */
static int
vol_add(dof_evidence *ev, TSK_IMG_INFO *img, uint64_t off, uint64_t len,
        uint64_t shown, const char *desc, const char *address,
        const dof_lvm_volume *lvm, const char *note)
{
    uint64_t isize = img->size > 0 ? (uint64_t)img->size : 0;
    dof_partition *v;
    dof_fs_probe_result p;

    if (address == NULL)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    if (ev->want != NULL && strcmp(ev->want, address) != 0) {
        /* --volume p2/lvm:vg/lv: the PVs are needed, not listed */
        if (lvm == NULL && strstr(ev->want, "/lvm:") != NULL &&
            dof_evidence_lvm_pv_note(ev, off, len, address, -1) != DOF_OK)
            return DOF_ERR_NOMEM;
        return dof_arena_push_str(ev->arena, &ev->skipped, &ev->nskipped,
                                  address) == DOF_OK
                   ? DOF_OK
                   : dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    }
    if ((address = unique_address(ev, address, off)) == NULL)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");

    if (dof_grow(&ev->vols, &ev->capvols, ev->nvols, sizeof(*ev->vols), 8) !=
        DOF_OK)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    v = &ev->vols[ev->nvols];
    memset(v, 0, sizeof(*v));
    v->index = (unsigned)ev->nvols;
    v->address = address;
    v->offset_bytes = shown;
    v->length_bytes = len;
    v->lvm = lvm;
    v->desc = dof_arena_strdup(ev->arena, desc ? desc : "");
    if (v->desc == NULL)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    if (note != NULL) {
        v->signature = "lvm2-lv";
        v->note = note;
        ev->nvols++;
        return DOF_OK;
    }
    probe(img, off, len, &p);
    v->signature = p.signature;
    v->note = p.note;
    /* A volume with a recognised signature that dof cannot read is
     * reported, never dropped silently; empty or unknown ones (and the
     * table's quiet kinds) are listed by status only. */
    if (p.note != NULL && p.kind != NULL && !p.kind->quiet)
        dof_warn(ev->ctx, DOF_ERR_UNSUPPORTED, NULL,
                 "volume %s at byte offset %llu (%s): %s", address,
                 (unsigned long long)shown, p.signature, p.note);
    if (p.openable && p.fs_bytes > 0 &&
        (isize < off || p.fs_bytes > isize - off))
        dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                 "volume %s at byte offset %llu: the %s filesystem is %llu "
                 "bytes but the %s holds only %llu from there: %s",
                 address, (unsigned long long)shown, p.signature,
                 (unsigned long long)p.fs_bytes, lvm ? "LV" : "image",
                 (unsigned long long)(isize > off ? isize - off : 0),
                 lvm ? "the filesystem is larger than its LV"
                     : "the image is truncated, data past its end is "
                       "missing");
    if (p.openable) {
        int rc = p.kind->open(ev->ctx, img, off, &v->fs);
        if (rc == DOF_ERR_NOMEM)
            return rc;
        if (rc != DOF_OK) {
            v->note = dof_arena_printf(ev->arena, "cannot be opened: %s",
                                       dof_errmsg(ev->ctx));
            if (v->note == NULL)
                v->note = "cannot be opened";
            dof_warn(ev->ctx, rc, NULL, "volume %s at byte offset %llu: %s",
                     address, (unsigned long long)shown, v->note);
            dof_clear_error(ev->ctx);
        }
        else {
            v->signature = dof_fs_type_name(v->fs);
        }
    }
    ev->nvols++;
    if (lvm == NULL && p.kind != NULL && strcmp(p.kind->name, "lvm2") == 0)
        return dof_evidence_lvm_pv_note(ev, off, len, address,
                                        (int)ev->nvols - 1);
    return DOF_OK;
}

int
dof_evidence_part_add(dof_evidence *ev, uint64_t off, uint64_t len,
                      const char *desc, const char *address)
{
    return vol_add(ev, ev->img, off, len, off, desc, address, NULL, NULL);
}

int
dof_evidence_lv_add(dof_evidence *ev, TSK_IMG_INFO *img, uint64_t len,
                    uint64_t shown, const char *address,
                    const dof_lvm_volume *lvm, const char *note)
{
    if (img == NULL || note != NULL)
        return vol_add(ev, ev->img, 0, len, shown, "", address, lvm,
                       note ? note : "not readable");
    return vol_add(ev, img, 0, len, shown, "", address, lvm, NULL);
}

/* ---- open / close ---- */

static int
open_dir(dof_evidence *ev)
{
    dof_partition *v;
    int rc;

    ev->format = "dir";
    ev->vs_type = "dir";
    ev->vols = calloc(1, sizeof(*ev->vols));
    if (ev->vols == NULL)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    ev->capvols = 1;
    v = &ev->vols[0];
    if ((rc = dof_fs_dir_open(ev->ctx, ev->path, &v->fs)) != DOF_OK)
        return rc;
    v->desc = "";
    v->address = "dir";
    v->signature = "dir";
    ev->nvols = 1;
    return DOF_OK;
}

/*
 * The partitions of an opened image: one filesystem at -o SECTORS, or
 * every partition of the table (or the whole image); only o->volume's
 * when it is set.
 */
static int
open_partitions(dof_evidence *ev, const dof_evidence_opts *o)
{
    int rc;

    ev->want = o->volume;
    if (o->offset_sectors >= 0) {
        uint64_t off = (uint64_t)o->offset_sectors * DOF_EV_SECTOR;
        ev->vs_type = "none";
        if ((uint64_t)o->offset_sectors > UINT64_MAX / DOF_EV_SECTOR ||
            off >= ev->size)
            return dof_set_error(ev->ctx, DOF_ERR_ARG,
                                 "offset %lld sectors is beyond the end of "
                                 "%s (%llu bytes)",
                                 (long long)o->offset_sectors, ev->path,
                                 (unsigned long long)ev->size);
        rc = dof_evidence_part_add(ev, off, ev->size - off, "", "0");
    }
    else {
        rc = dof_evidence_vs_list(ev);
    }
    if (rc == DOF_OK)
        rc = dof_evidence_lvm_list(ev);
    if (rc == DOF_OK && ev->want != NULL && ev->nvols == 0) {
        char have[512] = "none";
        size_t k = 0;
        for (size_t i = 0; i < ev->nskipped && k < sizeof(have) - 1; i++) {
            int w = snprintf(have + k, sizeof(have) - k, "%s%s", i ? ", " : "",
                             ev->skipped[i]);
            if (w < 0)
                break;
            k += (size_t)w;
        }
        rc = dof_set_error(ev->ctx, DOF_ERR_ARG,
                           "%s has no partition %s (it has: %s)", ev->path,
                           ev->want, have);
    }
    return rc;
}

void
dof_evidence_opts_init(dof_evidence_opts *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof(*o));
    o->offset_sectors = -1;
}

int
dof_evidence_open(dof_ctx *ctx, const char *path, int64_t offset_sectors,
                  dof_evidence **out)
{
    dof_evidence_opts o;

    dof_evidence_opts_init(&o);
    o.offset_sectors = offset_sectors;
    return dof_evidence_open_opts(ctx, path, &o, out);
}

int
dof_evidence_open_opts(dof_ctx *ctx, const char *path,
                       const dof_evidence_opts *opts, dof_evidence **out)
{
    dof_evidence_opts o;
    dof_evidence *ev = NULL;
    unsigned char head[512];
    struct stat sb;
    size_t n;
    FILE *f;
    int rc;

    if (out == NULL)
        return DOF_ERR_ARG;
    *out = NULL;
    if (opts != NULL)
        o = *opts;
    else
        dof_evidence_opts_init(&o);
    if (path == NULL || *path == '\0')
        return dof_set_error(ctx, DOF_ERR_ARG, "no evidence path given");
    if (stat(path, &sb) != 0)
        return dof_set_error(ctx, DOF_ERR_EVIDENCE, "cannot open %s: %s", path,
                             strerror(errno));
    ev = calloc(1, sizeof(*ev));
    if (ev == NULL || (ev->arena = dof_arena_new()) == NULL)
        goto nomem;
    ev->ctx = ctx;
    ev->path = dof_arena_strdup(ev->arena, path);
    if (ev->path == NULL)
        goto nomem;
    if (S_ISDIR(sb.st_mode)) {
        if (o.volume != NULL && strcmp(o.volume, "dir") != 0) {
            rc = dof_set_error(ctx, DOF_ERR_ARG,
                               "%s is a directory: its only volume is "
                               "\"dir\", not %s",
                               path, o.volume);
            goto fail;
        }
        if (o.backing != NULL || o.snapshot != NULL) {
            rc = dof_set_error(ctx, DOF_ERR_ARG,
                               "%s is a directory: --%s applies to qcow2 "
                               "images only",
                               path, o.backing ? "backing" : "snapshot");
            goto fail;
        }
        if ((rc = open_dir(ev)) != DOF_OK)
            goto fail;
        *out = ev;
        return DOF_OK;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = dof_set_error(ctx, DOF_ERR_EVIDENCE, "cannot open %s: %s", path,
                           strerror(errno));
        goto fail;
    }
    n = fread(head, 1, sizeof(head), f);
    fclose(f);
    if (n == 0) {
        rc = dof_set_error(ctx, DOF_ERR_EVIDENCE,
                           "%s is empty or "
                           "unreadable",
                           path);
        goto fail;
    }
    ev->img =
        dof_evidence_img_open(ctx, path, head, n, (uint64_t)sb.st_size, &o,
                              ev->arena, &ev->format, &ev->md5, &ev->sha1);
    if (ev->img == NULL) {
        rc = dof_errcode(ctx);
        goto fail;
    }
    ev->size = ev->img->size > 0 ? (uint64_t)ev->img->size : 0;
    if (ev->size >= DOF_EV_SECTOR) {
        /* a missing or cut segment shows at the end of the media */
        unsigned char last[DOF_EV_SECTOR];
        if (dof_evidence_img_read(ev->img, ev->size - DOF_EV_SECTOR, last,
                                  sizeof(last)) != 0) {
            dof_warn(ctx, DOF_ERR_IO, path,
                     "cannot read the end of the image (byte %llu of %llu): "
                     "a segment is missing, truncated or damaged",
                     (unsigned long long)(ev->size - DOF_EV_SECTOR),
                     (unsigned long long)ev->size);
            tsk_error_reset();
        }
    }
    if ((rc = open_partitions(ev, &o)) != DOF_OK)
        goto fail;
    *out = ev;
    return DOF_OK;

nomem:
    rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
fail:
    dof_evidence_close(ev);
    return rc;
}

int
dof_evidence_open_img(dof_ctx *ctx, const char *name, const char *fmt,
                      TSK_IMG_INFO *img, int64_t offset_sectors,
                      dof_evidence **out)
{
    dof_evidence *ev = calloc(1, sizeof(*ev));
    dof_evidence_opts o;
    int rc;

    *out = NULL;
    if (ev == NULL || (ev->arena = dof_arena_new()) == NULL) {
        free(ev);
        tsk_img_close(img);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    ev->ctx = ctx;
    ev->img = img;
    ev->format = fmt;
    ev->size = img->size > 0 ? (uint64_t)img->size : 0;
    if ((ev->path = dof_arena_strdup(ev->arena, name)) == NULL) {
        rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    dof_evidence_opts_init(&o);
    o.offset_sectors = offset_sectors;
    if ((rc = open_partitions(ev, &o)) != DOF_OK)
        goto fail;
    *out = ev;
    return DOF_OK;
fail:
    dof_evidence_close(ev);
    return rc;
}

int
dof_evidence_open_fs(dof_ctx *ctx, const char *name, dof_fs *fs,
                     dof_evidence **out)
{
    dof_evidence *ev = calloc(1, sizeof(*ev));

    *out = NULL;
    if (ev == NULL || (ev->arena = dof_arena_new()) == NULL ||
        (ev->vols = calloc(1, sizeof(*ev->vols))) == NULL ||
        (ev->path = dof_arena_strdup(ev->arena, name)) == NULL) {
        dof_fs_close(fs);
        dof_evidence_close(ev);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    ev->ctx = ctx;
    ev->format = "dir";
    ev->vs_type = "dir";
    ev->capvols = 1;
    ev->nvols = 1;
    ev->vols[0].fs = fs;
    ev->vols[0].desc = "";
    ev->vols[0].address = "dir";
    ev->vols[0].signature = "dir";
    *out = ev;
    return DOF_OK;
}

void
dof_evidence_close(dof_evidence *ev)
{
    if (ev == NULL)
        return;
    for (size_t i = 0; i < ev->nvols; i++)
        dof_fs_close(ev->vols[i].fs);
    free(ev->vols);
    dof_evidence_lvm_free(ev); /* the LVs' byte sources read ev->img */
    if (ev->img)
        tsk_img_close(ev->img);
    dof_arena_free(ev->arena);
    free(ev);
}

DOF_GETTER(const char *, dof_evidence_path, dof_evidence, path, NULL)
DOF_GETTER(const char *, dof_evidence_format, dof_evidence, format, NULL)
DOF_GETTER(const char *, dof_evidence_vs_type, dof_evidence, vs_type, NULL)
DOF_GETTER(uint64_t, dof_evidence_size, dof_evidence, size, 0)
DOF_GETTER(size_t, dof_evidence_partition_count, dof_evidence, nvols, 0)

const dof_partition *
dof_evidence_partition(const dof_evidence *ev, size_t i)
{
    if (ev == NULL || i >= ev->nvols)
        return NULL;
    return &ev->vols[i];
}

const dof_partition *
dof_evidence_partition_find(const dof_evidence *ev, const char *address)
{
    if (ev == NULL || address == NULL)
        return NULL;
    for (size_t i = 0; i < ev->nvols; i++)
        if (ev->vols[i].address && strcmp(ev->vols[i].address, address) == 0)
            return &ev->vols[i];
    return NULL;
}

DOF_GETTER(const char *, dof_evidence_stored_md5, dof_evidence, md5, NULL)
DOF_GETTER(const char *, dof_evidence_stored_sha1, dof_evidence, sha1, NULL)
