/*
 * evidence_qcow2_read.c - qcow2 guest reads (evidence_qcow2.h): L1/L2
 * lookup through a small L2 table cache, standard clusters (contiguous
 * runs in one read), v3 zero clusters, deflate-compressed clusters (the
 * last one kept inflated), extended L2 entries (32 subclusters each),
 * unallocated ranges from the backing image or as zeros, and the cluster
 * counts status shows.  The header, extensions and snapshot table are in
 * evidence_qcow2.c.
 */
#include "evidence/evidence_qcow2.h"

#include <stdlib.h>
#include <zlib.h>

/* ---- clusters ---- */

static int
inflate_into(z_stream *zs, const unsigned char *src, size_t n,
             unsigned char *out, size_t out_len)
{
    int ret;

    zs->next_in = (unsigned char *)(uintptr_t)src;
    zs->avail_in = (uInt)n;
    zs->next_out = out;
    zs->avail_out = (uInt)out_len;
    ret = inflate(zs, Z_FINISH);
    /* QEMU pads the stream to a sector: output full is success */
    return (ret == Z_STREAM_END || ret == Z_OK || ret == Z_BUF_ERROR) &&
                   zs->avail_out == 0
               ? 0
               : -1;
}

int
dof_qcow2_inflate(const unsigned char *src, size_t n, unsigned char *out,
                  size_t out_len)
{
    z_stream zs;
    int rc;

    memset(&zs, 0, sizeof(zs));
    if (n > (1u << 30) || out_len > (1u << 30) ||
        inflateInit2(&zs, -15) != Z_OK)
        return -1;
    rc = inflate_into(&zs, src, n, out, out_len);
    inflateEnd(&zs);
    return rc;
}

/* The L2 table at off, through the cache; NULL (warned) if unreadable. */
static const unsigned char *
l2_table(dof_qcow2 *q, uint64_t off, uint64_t guest)
{
    l2_slot *s = NULL;

    for (unsigned i = 0; i < L2_CACHE; i++)
        if (q->l2[i].off == off && q->l2[i].tab) {
            q->l2[i].used = ++q->clock;
            return q->l2[i].bad ? NULL : q->l2[i].tab;
        }
    for (unsigned i = 0; i < L2_CACHE; i++)
        if (s == NULL || q->l2[i].used < s->used)
            s = &q->l2[i];
    if (s->tab == NULL && (s->tab = malloc((size_t)q->cs)) == NULL)
        return NULL;
    s->off = off;
    s->used = ++q->clock;
    s->bad =
        off % q->cs != 0 || dof_qcow2_read_exact(q, off, s->tab, q->cs) != 0;
    if (s->bad && q->last_bad_table != off) {
        q->last_bad_table = off;
        dof_qcow2_warn(
            q, guest,
            "its L2 table at byte %llu is %s (the %llu guest bytes it "
            "maps read as zeros)",
            (unsigned long long)off,
            off % q->cs ? "not cluster aligned" : "past the end of the file",
            (unsigned long long)(q->cs * q->l2n));
    }
    return s->bad ? NULL : s->tab;
}

/* Unallocated bytes: the backing image's, zeros past its end. */
static int
read_backing(dof_qcow2 *q, uint64_t off, unsigned char *buf, size_t len)
{
    size_t n = 0;

    if (q->bfn != NULL && off < q->bsize) {
        n = q->bsize - off < len ? (size_t)(q->bsize - off) : len;
        if (q->bfn(q->barg, off, buf, n) != 0)
            return -1;
    }
    memset(buf + n, 0, len - n);
    return 0;
}

/* Host bytes of an allocated cluster; past the end of the file: zeros
 * and a warning. */
static void
read_host(dof_qcow2 *q, uint64_t host, uint64_t guest, unsigned char *buf,
          size_t len)
{
    ssize_t n = -1;

    if (host < q->file_size) {
        size_t want =
            q->file_size - host < len ? (size_t)(q->file_size - host) : len;
        n = q->rd(q->rdarg, host, buf, want);
    }
    if (n < 0)
        n = 0;
    if ((size_t)n == len)
        return;
    memset(buf + n, 0, len - (size_t)n);
    if (host + (uint64_t)n < q->file_size)
        dof_qcow2_warn(q, guest, "its data at file byte %llu cannot be read",
                       (unsigned long long)(host + (uint64_t)n));
    else if (!q->told_cut) { /* a cut file: said once, not per cluster */
        q->told_cut = 1;
        dof_warn(q->ctx, DOF_ERR_FORMAT, q->name,
                 "qcow2: the file is cut short (%llu bytes): data stored past "
                 "its end reads as zeros (first at guest byte %llu, file "
                 "byte %llu)",
                 (unsigned long long)q->file_size, (unsigned long long)guest,
                 (unsigned long long)(host + (uint64_t)n));
    }
}

/* Decompress the cluster of descriptor e into q->zout; -1 (warned). */
static int
load_compressed(dof_qcow2 *q, uint64_t e, uint64_t guest)
{
    unsigned shift = 62 - (q->h.cluster_bits - 8);
    uint64_t coff = e & ((1ull << shift) - 1);
    uint64_t nsect = ((e & ~L2E_COMPRESSED & ~(1ull << 63)) >> shift) + 1;
    uint64_t csize = nsect * 512 - (coff & 511);
    size_t have;

    if (q->zdesc == e)
        return 0;
    q->zdesc = 0;
    if (csize > 2 * q->cs)
        csize = 2 * q->cs;
    if (coff >= q->file_size) {
        dof_qcow2_warn(q, guest,
                       "its compressed data at file byte %llu lies past the "
                       "end of the file",
                       (unsigned long long)coff);
        return -1;
    }
    have = q->file_size - coff < csize ? (size_t)(q->file_size - coff)
                                       : (size_t)csize;
    if (dof_qcow2_read_exact(q, coff, q->zin, have) != 0) {
        dof_qcow2_warn(q, guest,
                       "its compressed data at file byte %llu cannot be read",
                       (unsigned long long)coff);
        return -1;
    }
    if (!q->zinit) {
        memset(&q->zs, 0, sizeof(q->zs));
        if (inflateInit2(&q->zs, -15) != Z_OK) {
            dof_qcow2_warn(q, guest, "zlib cannot be initialised");
            return -1;
        }
        q->zinit = 1;
    }
    else if (inflateReset(&q->zs) != Z_OK) {
        return -1;
    }
    if (inflate_into(&q->zs, q->zin, have, q->zout, (size_t)q->cs) != 0) {
        dof_qcow2_warn(q, guest,
                       "its compressed data at file byte %llu (%zu bytes) "
                       "is not a valid deflate stream of one cluster",
                       (unsigned long long)coff, have);
        return -1;
    }
    q->zdesc = e;
    return 0;
}

/* Bytes [o, o+n) of a cluster with an extended L2 entry e / bitmap bm
 * (host cluster at host, 0 if none). */
static int
read_subclusters(dof_qcow2 *q, uint64_t guest0, uint64_t host, uint64_t bm,
                 uint64_t o, unsigned char *buf, size_t n)
{
    uint64_t sc = q->cs / SUBCLUSTERS;

    while (n > 0) {
        unsigned i = (unsigned)(o / sc);
        uint64_t in = o % sc;
        size_t k = sc - in < n ? (size_t)(sc - in) : n;
        int alloc = (bm >> i) & 1, zero = (bm >> (32 + i)) & 1;
        /* the following subclusters of the same kind: one read */
        for (unsigned j = i + 1; j < SUBCLUSTERS && k < n; j++) {
            if ((int)((bm >> j) & 1) != alloc ||
                (int)((bm >> (32 + j)) & 1) != zero)
                break;
            k += sc < n - k ? (size_t)sc : n - k;
        }
        if (alloc && !zero && host != 0 && host % q->cs == 0)
            read_host(q, host + o, guest0 + o, buf, k);
        else if (zero || alloc) /* alloc without a host cluster: damaged */
            memset(buf, 0, k);
        else if (read_backing(q, guest0 + o, buf, k) != 0)
            return -1;
        if (alloc && !zero && (host == 0 || host % q->cs != 0))
            dof_qcow2_warn(q, guest0 + o,
                           "a subcluster is marked allocated but the entry "
                           "has no valid host cluster (%llu)",
                           (unsigned long long)host);
        buf += k;
        o += k;
        n -= k;
    }
    return 0;
}

int
dof_qcow2_read(dof_qcow2 *q, uint64_t off, void *vbuf, size_t len)
{
    unsigned char *buf = vbuf;

    if (off > q->size || len > q->size - off)
        return -1;
    while (len > 0) {
        uint64_t ci = off >> q->h.cluster_bits, o = off & (q->cs - 1);
        uint64_t l1i = ci / q->l2n, l2i = ci % q->l2n, l2off, e, bm = 0;
        size_t n = q->cs - o < len ? (size_t)(q->cs - o) : len;
        const unsigned char *tab;

        l2off = l1i < q->l1n ? q->l1[l1i] & L1E_OFFSET : 0;
        if (l2off == 0) { /* no L2 table: the whole span is unallocated */
            uint64_t end = (l1i + 1) * q->l2n * q->cs;
            n = end - off < len ? (size_t)(end - off) : len;
            if (read_backing(q, off, buf, n) != 0)
                return -1;
            goto next;
        }
        if ((tab = l2_table(q, l2off, off)) == NULL) {
            memset(buf, 0, n);
            goto next;
        }
        e = dof_be64(tab + l2i * q->eb);
        if (q->extl2)
            bm = dof_be64(tab + l2i * q->eb + 8);
        if (e & L2E_COMPRESSED) {
            if (load_compressed(q, e, off - o) == 0)
                memcpy(buf, q->zout + o, n);
            else
                memset(buf, 0, n);
        }
        else if (q->extl2) {
            if (read_subclusters(q, off - o, e & L2E_OFFSET, bm, o, buf, n) !=
                0)
                return -1;
        }
        else if ((e & L2E_ZERO) && q->h.version >= 3) {
            memset(buf, 0, n);
        }
        else if ((e & L2E_OFFSET) == 0) {
            if (read_backing(q, off, buf, n) != 0)
                return -1;
        }
        else if ((e & L2E_OFFSET) % q->cs != 0) {
            memset(buf, 0, n);
            dof_qcow2_warn(q, off - o,
                           "its host offset %llu is not cluster aligned",
                           (unsigned long long)(e & L2E_OFFSET));
        }
        else {
            /* a run of clusters contiguous in the file: one read */
            uint64_t host = (e & L2E_OFFSET) + o;
            size_t run = n;
            for (uint64_t j = l2i + 1; j < q->l2n && run < len; j++) {
                uint64_t f = dof_be64(tab + j * q->eb);
                if ((f & (L2E_COMPRESSED | L2E_ZERO)) != 0 ||
                    (f & L2E_OFFSET) != host - o + (j - l2i) * q->cs)
                    break;
                run += q->cs < len - run ? (size_t)q->cs : len - run;
            }
            n = run;
            read_host(q, host, off, buf, n);
        }
    next:
        buf += n;
        off += n;
        len -= n;
    }
    return 0;
}

int
dof_qcow2_count(dof_qcow2 *q, dof_qcow2_counts *c)
{
    uint64_t nclusters = (q->size + q->cs - 1) / q->cs, read = 0;

    memset(c, 0, sizeof(*c));
    for (uint64_t l1i = 0; l1i * q->l2n < nclusters; l1i++) {
        uint64_t first = l1i * q->l2n;
        uint64_t cnt = nclusters - first < q->l2n ? nclusters - first : q->l2n;
        uint64_t l2off = l1i < q->l1n ? q->l1[l1i] & L1E_OFFSET : 0;
        const unsigned char *tab;
        if (l1i >= q->l1n) { /* past the L1 table: the rest is unallocated */
            c->unallocated += nclusters - first;
            break;
        }
        if (l2off == 0) {
            c->unallocated += cnt;
            continue;
        }
        if ((read += q->cs) > COUNT_MAX_L2_BYTES ||
            (tab = l2_table(q, l2off, first * q->cs)) == NULL)
            return -1;
        for (uint64_t j = 0; j < cnt; j++) {
            uint64_t e = dof_be64(tab + j * q->eb);
            uint64_t bm = q->extl2 ? dof_be64(tab + j * q->eb + 8) : 0;
            if (e & L2E_COMPRESSED)
                c->compressed++;
            else if (q->extl2 ? (bm & 0xffffffffu) != 0
                              : (e & L2E_OFFSET) != 0 &&
                                    !((e & L2E_ZERO) && q->h.version >= 3))
                c->allocated++;
            else if (q->extl2 ? (bm >> 32) == 0xffffffffu
                              : (e & L2E_ZERO) && q->h.version >= 3)
                c->zero++;
            else
                c->unallocated++;
        }
    }
    return 0;
}
