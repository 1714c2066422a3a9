/*
 * evidence_qcow2.c - the qcow2 format, read-only (evidence_qcow2.h):
 * header v2/v3 and its extensions, incompatible features refused by name,
 * the snapshot table, the L1 table of the state read, open and close.
 * Guest reads are evidence_qcow2_read.c.  Refcounts are never read: a
 * dirty image reads as well as a clean one.
 */
#include "evidence/evidence_qcow2.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- warnings ---- */

void
dof_qcow2_warn(dof_qcow2 *q, uint64_t guest, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (q->nwarn > MAX_WARNINGS)
        return;
    if (q->nwarn++ == MAX_WARNINGS) {
        dof_warn(q->ctx, DOF_ERR_FORMAT, q->name,
                 "qcow2: more damaged clusters (next at guest byte %llu) "
                 "read as zeros: not listed one by one after %u",
                 (unsigned long long)guest, MAX_WARNINGS);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    dof_warn(q->ctx, DOF_ERR_FORMAT, q->name,
             "qcow2: guest bytes from %llu read as zeros: %s",
             (unsigned long long)guest, msg);
}

/* ---- header ---- */

static const char *
incompat_name(unsigned bit)
{
    switch (bit) {
    case INCOMPAT_DIRTY: return "dirty";
    case INCOMPAT_CORRUPT: return "corrupt";
    case INCOMPAT_DATA_FILE: return "external data file";
    case INCOMPAT_COMPRESSION: return "compression type";
    case INCOMPAT_EXTL2: return "extended L2 entries";
    default: return NULL;
    }
}

int
dof_qcow2_header_parse(const unsigned char *b, size_t n, dof_qcow2_header *h,
                       char *why, size_t whylen)
{
    memset(h, 0, sizeof(*h));
    if (n < 72 || memcmp(b, DOF_QCOW2_MAGIC, 4) != 0) {
        snprintf(why, whylen, "not a qcow2 header");
        return DOF_ERR_FORMAT;
    }
    h->version = dof_be32(b + 4);
    h->backing_offset = dof_be64(b + 8);
    h->backing_size = dof_be32(b + 16);
    h->cluster_bits = dof_be32(b + 20);
    h->size = dof_be64(b + 24);
    h->crypt_method = dof_be32(b + 32);
    h->l1_size = dof_be32(b + 36);
    h->l1_offset = dof_be64(b + 40);
    h->nb_snapshots = dof_be32(b + 60);
    h->snapshots_offset = dof_be64(b + 64);
    h->header_length = 72;
    h->refcount_order = 4;
    if (h->version != 2 && h->version != 3) {
        snprintf(why, whylen,
                 "qcow2 version %u is not supported (only 2 and 3)",
                 h->version);
        return DOF_ERR_UNSUPPORTED;
    }
    if (h->version == 3) {
        if (n < 104) {
            snprintf(why, whylen, "the qcow2 v3 header is cut short");
            return DOF_ERR_FORMAT;
        }
        h->incompatible = dof_be64(b + 72);
        h->compatible = dof_be64(b + 80);
        h->autoclear = dof_be64(b + 88);
        h->refcount_order = dof_be32(b + 96);
        h->header_length = dof_be32(b + 100);
        if (h->header_length < 104 || h->header_length % 8 != 0) {
            snprintf(why, whylen, "implausible qcow2 header length %u",
                     h->header_length);
            return DOF_ERR_FORMAT;
        }
        if (h->header_length > 104 && n > 104)
            h->compression_type = b[104];
    }
    if (h->cluster_bits < DOF_QCOW2_MIN_CLUSTER_BITS ||
        h->cluster_bits > DOF_QCOW2_MAX_CLUSTER_BITS) {
        snprintf(why, whylen, "qcow2 cluster_bits %u is out of range (%u..%u)",
                 h->cluster_bits, DOF_QCOW2_MIN_CLUSTER_BITS,
                 DOF_QCOW2_MAX_CLUSTER_BITS);
        return DOF_ERR_FORMAT;
    }
    if (h->header_length > (1u << h->cluster_bits)) {
        snprintf(why, whylen, "the qcow2 header (%u bytes) exceeds a cluster",
                 h->header_length);
        return DOF_ERR_FORMAT;
    }
    if (h->crypt_method != 0) {
        snprintf(why, whylen,
                 "the qcow2 image is encrypted (%s): encrypted images are "
                 "not supported",
                 h->crypt_method == 1   ? "AES, crypt_method 1"
                 : h->crypt_method == 2 ? "LUKS, crypt_method 2"
                                        : "unknown crypt_method");
        return DOF_ERR_UNSUPPORTED;
    }
    if (h->size > (1ull << 56)) {
        snprintf(why, whylen, "implausible qcow2 virtual size %llu bytes",
                 (unsigned long long)h->size);
        return DOF_ERR_FORMAT;
    }
    if ((uint64_t)h->l1_size * 8 > DOF_QCOW2_MAX_L1_BYTES) {
        snprintf(why, whylen, "the qcow2 L1 table (%u entries) is too large",
                 h->l1_size);
        return DOF_ERR_FORMAT;
    }
    if (h->backing_size > DOF_QCOW2_MAX_BACKING_NAME ||
        (h->backing_size > 0 &&
         (h->backing_offset >= (1ull << h->cluster_bits) ||
          h->backing_offset + h->backing_size > (1ull << h->cluster_bits)))) {
        snprintf(why, whylen,
                 "implausible qcow2 backing file name (%u bytes at %llu)",
                 h->backing_size, (unsigned long long)h->backing_offset);
        return DOF_ERR_FORMAT;
    }
    return DOF_OK;
}

/* The name of incompatible feature bit `bit` from the image's own
 * feature name table (first cluster), or NULL. */
static const char *
feature_table_name(const unsigned char *tab, size_t len, unsigned bit,
                   char *out, size_t outlen)
{
    for (size_t i = 0; i + 48 <= len; i += 48)
        if (tab[i] == 0 && tab[i + 1] == bit) {
            size_t k = 0;
            while (k < 46 && k + 1 < outlen && tab[i + 2 + k] != 0) {
                unsigned char c = tab[i + 2 + k];
                out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
            }
            out[k] = '\0';
            return k ? out : NULL;
        }
    return NULL;
}

/* Header extensions in the first cluster: backing format, external data
 * file, the feature name table.  Damaged ones end the walk. */
static int
read_extensions(dof_qcow2 *q, const unsigned char *c, size_t n,
                const unsigned char **ftab, size_t *ftablen)
{
    size_t pos = q->h.header_length;

    *ftab = NULL;
    *ftablen = 0;
    while (pos + 8 <= n && pos < DOF_QCOW2_MAX_HEADER_EXT_BYTES) {
        uint32_t type = dof_be32(c + pos), len = dof_be32(c + pos + 4);
        const unsigned char *d = c + pos + 8;
        if (type == EXT_END)
            break;
        if (len > n - pos - 8) {
            dof_warn(q->ctx, DOF_ERR_FORMAT, q->name,
                     "qcow2: header extension 0x%08x at byte %zu runs past "
                     "the first cluster: the extensions after it are "
                     "ignored",
                     type, pos);
            break;
        }
        if (type == EXT_BACKING_FORMAT && len > 0 && len < 64) {
            free(q->backing_format);
            q->backing_format = malloc(len + 1);
            if (q->backing_format == NULL)
                return DOF_ERR_NOMEM;
            memcpy(q->backing_format, d, len);
            q->backing_format[len] = '\0';
        }
        else if (type == EXT_FEATURE_NAMES) {
            *ftab = d;
            *ftablen = len;
        }
        else if (type == EXT_DATA_FILE) {
            q->h.incompatible |= 1ull << INCOMPAT_DATA_FILE;
        }
        pos += 8 + (((size_t)len + 7) & ~(size_t)7);
    }
    return DOF_OK;
}

/* Refuse incompatible features dof cannot honour, by name. */
static int
check_features(dof_qcow2 *q, const unsigned char *ftab, size_t ftablen)
{
    uint64_t inc = q->h.incompatible;
    char nm[64];

    if (inc & (1ull << INCOMPAT_DATA_FILE))
        return dof_set_error(q->ctx, DOF_ERR_UNSUPPORTED,
                             "%s: the qcow2 image keeps its data in an "
                             "external data file (incompatible feature "
                             "\"external data file\"): not supported",
                             q->name);
    if ((inc & (1ull << INCOMPAT_COMPRESSION)) && q->h.compression_type != 0)
        return dof_set_error(
            q->ctx, DOF_ERR_UNSUPPORTED,
            "%s: the qcow2 image's clusters are compressed with %s "
            "(compression type %u): only zlib (deflate) is supported",
            q->name, q->h.compression_type == 1 ? "zstd" : "an unknown method",
            q->h.compression_type);
    for (unsigned bit = 0; bit < 64; bit++) {
        const char *name;
        if (!(inc & (1ull << bit)) || bit <= INCOMPAT_EXTL2)
            continue;
        name = feature_table_name(ftab, ftablen, bit, nm, sizeof(nm));
        return dof_set_error(q->ctx, DOF_ERR_UNSUPPORTED,
                             "%s: the qcow2 image uses incompatible feature "
                             "bit %u (\"%s\"), which dof does not know: not "
                             "supported",
                             q->name, bit, name ? name : "unnamed");
    }
    if (inc & (1ull << INCOMPAT_CORRUPT))
        dof_warn(q->ctx, DOF_ERR_FORMAT, q->name,
                 "qcow2: QEMU marked the image corrupt (incompatible feature "
                 "\"%s\"): its metadata may be inconsistent; dof reads it "
                 "as it is",
                 incompat_name(INCOMPAT_CORRUPT));
    q->extl2 = (inc & (1ull << INCOMPAT_EXTL2)) != 0;
    if (q->extl2 && q->h.cluster_bits < 14)
        return dof_set_error(q->ctx, DOF_ERR_FORMAT,
                             "%s: qcow2 extended L2 entries with %llu-byte "
                             "clusters (at least 16384 needed)",
                             q->name, (unsigned long long)q->cs);
    return DOF_OK;
}

/* ---- file reads ---- */

/* Exactly len bytes at off, or -1. */
int
dof_qcow2_read_exact(dof_qcow2 *q, uint64_t off, void *buf, size_t len)
{
    ssize_t n;

    if (off > q->file_size || len > q->file_size - off)
        return -1;
    n = q->rd(q->rdarg, off, buf, len);
    return n >= 0 && (size_t)n == len ? 0 : -1;
}

static int
load_l1(dof_qcow2 *q, uint64_t off, uint32_t n, uint64_t **out)
{
    unsigned char *raw;
    uint64_t *t;

    *out = NULL;
    if (n == 0)
        return DOF_OK;
    if (off % q->cs != 0)
        return dof_set_error(q->ctx, DOF_ERR_FORMAT,
                             "%s: the qcow2 L1 table offset %llu is not "
                             "cluster aligned",
                             q->name, (unsigned long long)off);
    if (off > q->file_size || (uint64_t)n * 8 > q->file_size - off)
        return dof_set_error(q->ctx, DOF_ERR_FORMAT,
                             "%s: the qcow2 L1 table (%u entries at byte "
                             "%llu) lies past the end of the file "
                             "(%llu bytes): truncated image?",
                             q->name, n, (unsigned long long)off,
                             (unsigned long long)q->file_size);
    raw = malloc((size_t)n * 8);
    t = malloc((size_t)n * sizeof(*t));
    if (raw == NULL || t == NULL) {
        free(raw);
        free(t);
        return dof_set_error(q->ctx, DOF_ERR_NOMEM, "out of memory");
    }
    if (dof_qcow2_read_exact(q, off, raw, (size_t)n * 8) != 0) {
        free(raw);
        free(t);
        return dof_set_error(q->ctx, DOF_ERR_FORMAT,
                             "%s: the qcow2 L1 table (%u entries at byte "
                             "%llu) lies past the end of the file "
                             "(%llu bytes): truncated image?",
                             q->name, n, (unsigned long long)off,
                             (unsigned long long)q->file_size);
    }
    for (uint32_t i = 0; i < n; i++)
        t[i] = dof_be64(raw + (size_t)i * 8);
    free(raw);
    *out = t;
    return DOF_OK;
}

/* ---- snapshots ---- */

static void
free_snaps(dof_qcow2 *q)
{
    for (size_t i = 0; i < q->nsnaps; i++) {
        free(q->snaps[i].id);
        free(q->snaps[i].name);
    }
    free(q->snaps);
    q->snaps = NULL;
    q->nsnaps = 0;
}

static char *
read_string(dof_qcow2 *q, uint64_t off, size_t len)
{
    char *s = malloc(len + 1);

    if (s == NULL)
        return NULL;
    if (len > 0 && dof_qcow2_read_exact(q, off, s, len) != 0) {
        free(s);
        return NULL;
    }
    s[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0')
            s[i] = '?'; /* a name is one C string */
    return s;
}

/* The snapshot table; a damaged one is a warning (the active state is
 * still read) and lists the snapshots read before the damage. */
static int
read_snapshots(dof_qcow2 *q)
{
    uint64_t off = q->h.snapshots_offset, start = off;
    uint32_t n = q->h.nb_snapshots;
    const char *bad = NULL;

    if (n == 0)
        return DOF_OK;
    if (n > DOF_QCOW2_MAX_SNAPSHOTS || off % 8 != 0) {
        dof_warn(q->ctx, DOF_ERR_FORMAT, q->name,
                 "qcow2: implausible snapshot table (%u entries at byte "
                 "%llu): no snapshots listed",
                 n, (unsigned long long)off);
        return DOF_OK;
    }
    q->snaps = calloc(n, sizeof(*q->snaps));
    if (q->snaps == NULL)
        return dof_set_error(q->ctx, DOF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        unsigned char e[SNAP_FIXED];
        dof_qcow2_snap *s = &q->snaps[q->nsnaps];
        uint32_t extra, idlen, namelen;
        unsigned char x[24];
        if (off - start > SNAP_MAX_TABLE) {
            bad = "it is larger than 64 MiB";
            break;
        }
        if (dof_qcow2_read_exact(q, off, e, sizeof(e)) != 0) {
            bad = "it runs past the end of the file";
            break;
        }
        s->l1_offset = dof_be64(e);
        s->l1_size = dof_be32(e + 8);
        idlen = (uint32_t)e[12] << 8 | e[13];
        namelen = (uint32_t)e[14] << 8 | e[15];
        s->date_ns = (int64_t)dof_be32(e + 16) * 1000000000 +
                     (int64_t)(dof_be32(e + 20) % 1000000000u);
        s->vm_clock_ns = dof_be64(e + 24);
        s->vm_state_size = dof_be32(e + 32);
        extra = dof_be32(e + 36);
        if (extra > SNAP_MAX_EXTRA) {
            bad = "an entry's extra data is implausibly large";
            break;
        }
        memset(x, 0, sizeof(x));
        if (extra > 0 && dof_qcow2_read_exact(q, off + SNAP_FIXED, x,
                                              extra < 24 ? extra : 24) != 0) {
            bad = "it runs past the end of the file";
            break;
        }
        if (extra >= 8 && dof_be64(x) > s->vm_state_size)
            s->vm_state_size = dof_be64(x);
        if (extra >= 16)
            s->disk_size = dof_be64(x + 8);
        off += SNAP_FIXED + extra;
        s->id = read_string(q, off, idlen);
        s->name = read_string(q, off + idlen, namelen);
        if (s->id == NULL || s->name == NULL) {
            free(s->id);
            free(s->name);
            s->id = s->name = NULL;
            bad = "a name runs past the end of the file";
            break;
        }
        off += idlen + namelen;
        off = (off + 7) & ~7ull;
        q->nsnaps++;
    }
    if (bad)
        dof_warn(q->ctx, DOF_ERR_FORMAT, q->name,
                 "qcow2: the snapshot table at byte %llu is damaged (%s): "
                 "%zu of %u snapshots listed",
                 (unsigned long long)start, bad, q->nsnaps, n);
    return DOF_OK;
}

/* Choose the snapshot called want (name first, then id). */
static int
pick_snapshot(dof_qcow2 *q, const char *want)
{
    char have[512] = "none";
    size_t k = 0;
    long hit = -1;

    for (size_t i = 0; i < q->nsnaps && hit < 0; i++)
        if (strcmp(q->snaps[i].name, want) == 0)
            hit = (long)i;
    for (size_t i = 0; i < q->nsnaps && hit < 0; i++)
        if (strcmp(q->snaps[i].id, want) == 0)
            hit = (long)i;
    if (hit >= 0) {
        const dof_qcow2_snap *s = &q->snaps[hit];
        int rc;
        if ((uint64_t)s->l1_size * 8 > DOF_QCOW2_MAX_L1_BYTES)
            return dof_set_error(q->ctx, DOF_ERR_FORMAT,
                                 "%s: snapshot %s: implausible L1 size %u",
                                 q->name, want, s->l1_size);
        free(q->l1);
        q->l1 = NULL;
        if ((rc = load_l1(q, s->l1_offset, s->l1_size, &q->l1)) != DOF_OK)
            return rc;
        q->l1n = s->l1_size;
        if (s->disk_size > 0 && s->disk_size <= (1ull << 56))
            q->size = s->disk_size;
        q->snap_read = hit;
        return DOF_OK;
    }
    for (size_t i = 0; i < q->nsnaps && k < sizeof(have) - 1; i++) {
        int w = snprintf(have + k, sizeof(have) - k, "%s%s (id %s)",
                         i ? ", " : "", q->snaps[i].name, q->snaps[i].id);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    return dof_set_error(q->ctx, DOF_ERR_ARG,
                         "%s has no qcow2 snapshot %s (it has: %s)", q->name,
                         want, have);
}

/* ---- open / close ---- */

int
dof_qcow2_open(dof_ctx *ctx, const char *name, dof_qcow2_read_fn fn, void *arg,
               uint64_t file_size, const char *snapshot, dof_qcow2 **out)
{
    dof_qcow2 *q = calloc(1, sizeof(*q));
    const unsigned char *ftab;
    unsigned char *c = NULL;
    size_t ftablen, clen;
    char why[256];
    ssize_t got;
    int rc;

    *out = NULL;
    if (q == NULL || (q->name = strdup(name ? name : "qcow2")) == NULL) {
        free(q);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    q->ctx = ctx;
    q->rd = fn;
    q->rdarg = arg;
    q->file_size = file_size;
    q->snap_read = -1;
    /* the first cluster: header, extensions, backing file name */
    clen = (size_t)(file_size < (1u << DOF_QCOW2_MAX_CLUSTER_BITS)
                        ? file_size
                        : (1u << DOF_QCOW2_MAX_CLUSTER_BITS));
    if (clen < 72 || (c = malloc(clen)) == NULL ||
        (got = fn(arg, 0, c, clen)) < 72) {
        rc = c == NULL && clen >= 72
                 ? dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory")
                 : dof_set_error(ctx, DOF_ERR_FORMAT,
                                 "%s: the qcow2 header is cut short", name);
        goto fail;
    }
    rc = dof_qcow2_header_parse(c, (size_t)got, &q->h, why, sizeof(why));
    if (rc != DOF_OK) {
        dof_set_error(ctx, rc, "%s: %s", name, why);
        goto fail;
    }
    q->cs = 1ull << q->h.cluster_bits;
    if ((size_t)got > q->cs)
        got = (ssize_t)q->cs;
    if ((rc = read_extensions(q, c, (size_t)got, &ftab, &ftablen)) != DOF_OK ||
        (rc = check_features(q, ftab, ftablen)) != DOF_OK)
        goto fail;
    q->eb = q->extl2 ? 16 : 8;
    q->l2n = q->cs / q->eb;
    q->size = q->h.size;
    if (q->h.backing_size > 0) {
        if (q->h.backing_offset + q->h.backing_size > (uint64_t)got) {
            rc = dof_set_error(ctx, DOF_ERR_FORMAT,
                               "%s: the qcow2 backing file name lies past "
                               "the end of the file",
                               name);
            goto fail;
        }
        q->backing_name = malloc(q->h.backing_size + 1);
        if (q->backing_name == NULL)
            goto nomem;
        memcpy(q->backing_name, c + q->h.backing_offset, q->h.backing_size);
        q->backing_name[q->h.backing_size] = '\0';
        if (strlen(q->backing_name) != q->h.backing_size) {
            rc = dof_set_error(ctx, DOF_ERR_FORMAT,
                               "%s: the qcow2 backing file name holds a NUL "
                               "byte",
                               name);
            goto fail;
        }
    }
    free(c);
    c = NULL;
    if ((rc = read_snapshots(q)) != DOF_OK)
        goto fail;
    if (snapshot != NULL) {
        if ((rc = pick_snapshot(q, snapshot)) != DOF_OK)
            goto fail;
    }
    else {
        if ((rc = load_l1(q, q->h.l1_offset, q->h.l1_size, &q->l1)) != DOF_OK)
            goto fail;
        q->l1n = q->h.l1_size;
    }
    {
        uint64_t span = q->cs * q->l2n; /* guest bytes per L1 entry */
        uint64_t need = (q->size + span - 1) / span;
        if (need > q->l1n)
            dof_warn(ctx, DOF_ERR_FORMAT, name,
                     "qcow2: the L1 table has %u entries, the %llu-byte disk "
                     "needs %llu: guest bytes past %llu read as unallocated",
                     q->l1n, (unsigned long long)q->size,
                     (unsigned long long)need,
                     (unsigned long long)(q->l1n * span));
    }
    q->zin = malloc((size_t)q->cs * 2);
    q->zout = malloc((size_t)q->cs);
    if (q->zin == NULL || q->zout == NULL)
        goto nomem;
    *out = q;
    return DOF_OK;
nomem:
    rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
fail:
    free(c);
    dof_qcow2_close(q);
    return rc;
}

void
dof_qcow2_close(dof_qcow2 *q)
{
    if (q == NULL)
        return;
    for (unsigned i = 0; i < L2_CACHE; i++)
        free(q->l2[i].tab);
    if (q->zinit)
        inflateEnd(&q->zs);
    free_snaps(q);
    free(q->l1);
    free(q->zin);
    free(q->zout);
    free(q->backing_name);
    free(q->backing_format);
    free(q->name);
    free(q);
}

const dof_qcow2_header *
dof_qcow2_hdr(const dof_qcow2 *q)
{
    return &q->h;
}

uint64_t
dof_qcow2_size(const dof_qcow2 *q)
{
    return q->size;
}

const char *
dof_qcow2_backing_name(const dof_qcow2 *q)
{
    return q->backing_name;
}

const char *
dof_qcow2_backing_format(const dof_qcow2 *q)
{
    return q->backing_format;
}

void
dof_qcow2_set_backing(dof_qcow2 *q, dof_qcow2_backing_fn fn, void *arg,
                      uint64_t backing_size)
{
    q->bfn = fn;
    q->barg = arg;
    q->bsize = backing_size;
}

size_t
dof_qcow2_snapshot_count(const dof_qcow2 *q)
{
    return q->nsnaps;
}

const dof_qcow2_snap *
dof_qcow2_snap_at(const dof_qcow2 *q, size_t i)
{
    return i < q->nsnaps ? &q->snaps[i] : NULL;
}

const dof_qcow2_snap *
dof_qcow2_snapshot_read(const dof_qcow2 *q)
{
    return q->snap_read >= 0 ? &q->snaps[q->snap_read] : NULL;
}
