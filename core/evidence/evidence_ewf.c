/*
 * evidence_ewf.c - E01/Ex01 opened by dof with libewf (read-only) and
 * served to TSK through tsk_img_open_external: dof_evidence_ewf_open.
 *
 * libewf hands out zeros for a chunk that fails its checksum (or whose
 * data is missing from a cut segment) and says so only in its list of
 * checksum errors.  Every read checks that list for the chunks it just
 * read as zeros, and each newly damaged range becomes one warning naming
 * the E01 and the bytes, so the examiner knows which bytes not to trust.
 */
#include "evidence/evidence_private.h"

#include <libewf.h>
#include <stdlib.h>

#define EWF_MAX_WARNINGS 32u /* damaged ranges named one by one */

typedef struct ewf_range {
    uint64_t first, end; /* sectors, end exclusive */
} ewf_range;

/* TSK's external image: TSK_IMG_INFO first, then our fields. */
typedef struct ewf_img {
    TSK_IMG_INFO info;
    libewf_handle_t *h;
    dof_ctx *ctx;
    char *path;     /* the E01 as given: named in warnings */
    uint64_t size;  /* media bytes */
    uint32_t bps;   /* bytes per sector */
    uint64_t chunk; /* bytes per chunk */
    ewf_range told[EWF_MAX_WARNINGS];
    unsigned ntold;
    int capped; /* the cap was reached: no more checking */
} ewf_img;

static void
ewf_errstr(libewf_error_t **err, char *msg, size_t len)
{
    msg[0] = '\0';
    if (err && *err) {
        if (libewf_error_sprint(*err, msg, len) < 0)
            msg[0] = '\0';
        libewf_error_free(err);
    }
    if (msg[0] == '\0')
        snprintf(msg, len, "unknown libewf error");
}

static int
all_zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

/* The part of libewf's damaged range [first, end) around sector s that no
 * warning has named yet; 0 if s is already covered. */
static int
untold_part(const ewf_img *e, uint64_t s, ewf_range *r)
{
    for (unsigned i = 0; i < e->ntold; i++) {
        const ewf_range *t = &e->told[i];
        if (s >= t->first && s < t->end)
            return 0;
        if (t->end <= s && t->end > r->first)
            r->first = t->end;
        if (t->first > s && t->first < r->end)
            r->end = t->first;
    }
    return 1;
}

/* Sector s read as zeros: warn if libewf lists it as damaged. */
static void
ewf_check_sector(ewf_img *e, uint64_t s, uint32_t nerr)
{
    ewf_range r = {0, 0};
    int many;

    for (uint32_t i = 0; i < nerr; i++) {
        uint64_t first, count;
        if (libewf_handle_get_checksum_error(e->h, i, &first, &count, NULL) !=
            1)
            return;
        if (s >= first && s - first < count) {
            r.first = first;
            r.end = first + count;
            break;
        }
    }
    if (r.end == 0 || !untold_part(e, s, &r))
        return; /* really zeros, or already named */
    if (e->ntold == EWF_MAX_WARNINGS) {
        dof_warn(e->ctx, DOF_ERR_IO, e->path,
                 "more E01 chunks fail their checksum (first new one at "
                 "sector %llu) and read as zeros: not listed one by one "
                 "after %u ranges; ewfverify lists them all",
                 (unsigned long long)s, EWF_MAX_WARNINGS);
        e->capped = 1;
        return;
    }
    e->told[e->ntold++] = r;
    many = r.end - r.first > e->chunk / e->bps;
    dof_warn(e->ctx, DOF_ERR_IO, e->path,
             "E01 %s at bytes %llu..%llu (sectors %llu-%llu) %s: dof reads "
             "%s as zeros",
             many ? "chunks" : "chunk", (unsigned long long)(r.first * e->bps),
             (unsigned long long)(r.end * e->bps - 1),
             (unsigned long long)r.first, (unsigned long long)(r.end - 1),
             many ? "fail their checksums" : "fails its checksum",
             many ? "them" : "it");
}

/* After a read of buf[0..n) at off: the chunks in it that read as zeros
 * are looked up in libewf's checksum errors. */
static void
ewf_check_read(ewf_img *e, uint64_t off, const unsigned char *buf, size_t n)
{
    uint32_t nerr = 0;

    if (e->capped || n == 0 ||
        libewf_handle_get_number_of_checksum_errors(e->h, &nerr, NULL) != 1 ||
        nerr == 0)
        return;
    for (uint64_t c = off / e->chunk; c * e->chunk < off + n && !e->capped;
         c++) {
        uint64_t a = c * e->chunk > off ? c * e->chunk : off;
        uint64_t b =
            (c + 1) * e->chunk < off + n ? (c + 1) * e->chunk : off + n;
        if (all_zero(buf + (a - off), (size_t)(b - a)))
            ewf_check_sector(e, a / e->bps, nerr);
    }
}

static ssize_t
ewf_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
    ewf_img *e = (ewf_img *)img;
    libewf_error_t *err = NULL;
    char msg[512];
    ssize_t n;

    if (off < 0 || (uint64_t)off > e->size) {
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
        tsk_error_set_errstr("E01 %s: offset %lld beyond the media", e->path,
                             (long long)off);
        return -1;
    }
    if (len > e->size - (uint64_t)off)
        len = (size_t)(e->size - (uint64_t)off);
    if (len == 0)
        return 0;
    n = libewf_handle_read_random(e->h, buf, len, (off64_t)off, &err);
    if (n < 0) {
        ewf_errstr(&err, msg, sizeof(msg));
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ);
        tsk_error_set_errstr("E01 %s: cannot read %zu bytes at byte %lld "
                             "(missing or damaged segment?): %s",
                             e->path, len, (long long)off, msg);
        return -1;
    }
    ewf_check_read(e, (uint64_t)off, (const unsigned char *)buf, (size_t)n);
    return n;
}

static void
ewf_close(TSK_IMG_INFO *img)
{
    ewf_img *e = (ewf_img *)img;

    libewf_handle_close(e->h, NULL);
    libewf_handle_free(&e->h, NULL);
    free(e->path);
    free(e); /* tsk_img_close has released the cache lock */
}

/* The stored MD5/SHA-1 (optional) and the corrupted-segments flag. */
static void
ewf_hashes(ewf_img *e, dof_arena *arena, const char **md5, const char **sha1)
{
    char v[64];

    if (libewf_handle_get_utf8_hash_value_md5(e->h, (uint8_t *)v, sizeof(v),
                                              NULL) == 1)
        *md5 = dof_arena_strdup(arena, v);
    if (libewf_handle_get_utf8_hash_value_sha1(e->h, (uint8_t *)v, sizeof(v),
                                               NULL) == 1)
        *sha1 = dof_arena_strdup(arena, v);
    /* libewf reads around a cut segment (missing chunks read as zeros):
     * say so rather than let the examiner trust those bytes */
    if (libewf_handle_segment_files_corrupted(e->h, NULL) == 1)
        dof_warn(e->ctx, DOF_ERR_IO, e->path,
                 "the E01 segment files are corrupted or truncated: data in "
                 "the damaged chunks reads as zeros (check with ewfverify)");
}

static int
ewf_open_handle(ewf_img *e, const char *path, char *msg, size_t len)
{
    libewf_error_t *err = NULL;
    char **names = NULL;
    int nnames = 0, ok = 0;
    size64_t size = 0;
    uint32_t bps = 0, chunk = 0;

    if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &names, &nnames,
                    &err) != 1 ||
        libewf_handle_initialize(&e->h, &err) != 1 ||
        libewf_handle_open(e->h, names, nnames, LIBEWF_OPEN_READ, &err) != 1)
        goto done;
    if (libewf_handle_get_media_size(e->h, &size, &err) != 1 ||
        libewf_handle_get_bytes_per_sector(e->h, &bps, &err) != 1 ||
        libewf_handle_get_chunk_size(e->h, &chunk, &err) != 1 ||
        libewf_handle_set_read_zero_chunk_on_error(e->h, 1, &err) != 1)
        goto done;
    if (size == 0 || size > (size64_t)INT64_MAX || bps == 0 || chunk == 0 ||
        chunk % bps != 0) {
        snprintf(msg, len,
                 "implausible media values (size %llu, %u bytes per "
                 "sector, %u per chunk)",
                 (unsigned long long)size, bps, chunk);
        goto done;
    }
    e->size = size;
    e->bps = bps;
    e->chunk = chunk;
    ok = 1;
done:
    if (!ok && msg[0] == '\0')
        ewf_errstr(&err, msg, len);
    if (err)
        libewf_error_free(&err);
    if (names)
        libewf_glob_free(names, nnames, NULL);
    return ok;
}

/*
 * Open the E01 at path (first segment; libewf finds the others) as a TSK
 * image.  Stored hashes go to *md5 and *sha1 (in arena, NULL if none).  NULL
 * on failure with the error set on ctx.  Warnings about damaged data go
 * to ctx while the image is read: ctx must outlive the image.
 */
TSK_IMG_INFO *
dof_evidence_ewf_open(dof_ctx *ctx, const char *path, dof_arena *arena,
                      const char **md5, const char **sha1)
{
    ewf_img *e = calloc(1, sizeof(*e));
    TSK_IMG_INFO *img;
    char msg[512] = "";

    if (e == NULL || (e->path = strdup(path)) == NULL) {
        free(e);
        dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    e->ctx = ctx;
    if (!ewf_open_handle(e, path, msg, sizeof(msg))) {
        dof_set_error(ctx, DOF_ERR_EVIDENCE, "%s: cannot open the E01: %s",
                      path, msg);
        goto fail;
    }
    ewf_hashes(e, arena, md5, sha1);
    /* TSK takes multiples of 512 only; sectors here are libewf's */
    img = tsk_img_open_external(e, (TSK_OFF_T)e->size,
                                e->bps % 512 == 0 ? e->bps : 512, ewf_read,
                                ewf_close, dof_evidence_imgstat);
    if (img == NULL) {
        dof_evidence_img_fail(ctx, path);
        goto fail;
    }
    return img;
fail:
    if (e->h) {
        libewf_handle_close(e->h, NULL);
        libewf_handle_free(&e->h, NULL);
    }
    free(e->path);
    free(e);
    return NULL;
}
