/*
 * fs_xfs_bmap.c - XFS data and attribute forks: the extent list in the
 * inode, the bmap B+tree (root in the inode, long-format blocks below),
 * and reading a byte range through the extent map.
 *
 * A fork's extents are gathered once into a sorted array; reads look
 * them up by binary search.  Holes and unwritten extents read as zeros.
 */
#include "fs/fs_xfs.h"

#include <stdlib.h>

#define BMAP_MAGIC 0x424d4150u  /* "BMAP" v4 */
#define BMAP3_MAGIC 0x424d4133u /* "BMA3" v5 */
#define BMAP_HDR 24u
#define BMAP3_HDR 72u
#define BMAP_MAX_LEVEL 9u
/* Extents of one fork dof gathers (64 MiB of them): XFS allows 2^31
 * (2^48 with nrext64); a bigger claim is refused, not allocated. */
#define XFS_EXTENTS_CAP (1u << 21)

void
dof_xfs_ext_decode(const unsigned char *p, dof_xfs_ext *e)
{
    uint64_t l0 = dof_be64(p), l1 = dof_be64(p + 8);

    e->unwritten = (int)(l0 >> 63);
    e->off = (l0 & 0x7fffffffffffffffull) >> 9;
    e->blk = ((l0 & 0x1ffull) << 43) | (l1 >> 21);
    e->len = l1 & 0x1fffffull;
}

int
dof_xfs_bmroot_parse(const unsigned char *fork, size_t len, unsigned *level,
                     uint64_t *ptrs, size_t max, size_t *n)
{
    size_t maxrecs, nrecs;

    if (fork == NULL || len < 4 + 16)
        return DOF_ERR_FORMAT;
    *level = dof_xfs_be16(fork);
    nrecs = dof_xfs_be16(fork + 2);
    maxrecs = (len - 4) / 16;
    if (*level == 0 || *level > BMAP_MAX_LEVEL || nrecs == 0 ||
        nrecs > maxrecs || nrecs > max)
        return DOF_ERR_FORMAT;
    for (size_t i = 0; i < nrecs; i++)
        ptrs[i] = dof_be64(fork + 4 + maxrecs * 8 + i * 8);
    *n = nrecs;
    return DOF_OK;
}

int
dof_xfs_bmblock_parse(const dof_xfs_sb *sb, const unsigned char *b, size_t len,
                      unsigned *level, const unsigned char **recs,
                      uint64_t *ptrs, size_t max, size_t *n, uint64_t *right)
{
    size_t hdr = sb->crc ? BMAP3_HDR : BMAP_HDR, nrecs;
    uint32_t magic;

    if (b == NULL || len < hdr + 16)
        return DOF_ERR_FORMAT;
    magic = dof_be32(b);
    if (magic != (sb->crc ? BMAP3_MAGIC : BMAP_MAGIC))
        return DOF_ERR_FORMAT;
    *level = dof_xfs_be16(b + 4);
    nrecs = dof_xfs_be16(b + 6);
    *right = dof_be64(b + 16);
    if (*level > BMAP_MAX_LEVEL)
        return DOF_ERR_FORMAT;
    if (*level == 0) {
        /* only the root may be empty, and it lives in the inode */
        if (nrecs == 0 || nrecs * 16 > len - hdr)
            return DOF_ERR_FORMAT;
        *recs = b + hdr;
        *n = nrecs;
        return DOF_OK;
    }
    {
        size_t maxrecs = (len - hdr) / 16;
        if (nrecs == 0 || nrecs > maxrecs || nrecs > max)
            return DOF_ERR_FORMAT;
        for (size_t i = 0; i < nrecs; i++)
            ptrs[i] = dof_be64(b + hdr + maxrecs * 8 + i * 8);
        *n = nrecs;
        *recs = NULL;
    }
    return DOF_OK;
}

/* ---- gathering a fork's extents ---- */

typedef struct gather {
    dof_fs *fs;
    uint64_t ino;
    dof_xfs_ext *ext;
    size_t n, cap, limit;
    size_t blocks_left; /* btree blocks we may still read */
    unsigned bad;
} gather;

static int
add_rec(gather *g, const unsigned char *p)
{
    const dof_xfs_sb *sb = &XFS_IMPL(g->fs)->sb;
    dof_xfs_ext e;
    uint64_t agbno;

    dof_xfs_ext_decode(p, &e);
    agbno = e.blk & ((1ull << sb->agblk_log) - 1);
    if (e.len == 0 || (e.blk >> sb->agblk_log) >= sb->ag_count ||
        agbno + e.len > sb->ag_blocks) {
        g->bad++;
        return DOF_OK;
    }
    if (g->n >= g->limit)
        return DOF_ERR_LIMIT;
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 16;
        dof_xfs_ext *ne = realloc(g->ext, nc * sizeof(*ne));
        if (ne == NULL)
            return DOF_ERR_NOMEM;
        g->ext = ne;
        g->cap = nc;
    }
    g->ext[g->n++] = e;
    return DOF_OK;
}

static int
walk_block(gather *g, uint64_t fsb, unsigned want_level)
{
    xfs_impl *x = XFS_IMPL(g->fs);
    size_t bs = x->sb.block_size, max = bs / 16, n = 0;
    unsigned char *b;
    uint64_t *ptrs, off, right;
    const unsigned char *recs = NULL;
    unsigned level;
    int rc;

    if (g->blocks_left == 0)
        return DOF_ERR_LIMIT;
    g->blocks_left--;
    if (dof_xfs_fsb_offset(&x->sb, fsb, &off) != DOF_OK) {
        g->bad++;
        return DOF_OK;
    }
    b = malloc(bs);
    ptrs = malloc(max * sizeof(*ptrs));
    if (b == NULL || ptrs == NULL) {
        rc = DOF_ERR_NOMEM;
        goto out;
    }
    if ((rc = dof_xfs_read(g->fs, off, b, bs)) != DOF_OK)
        goto out;
    if (dof_xfs_bmblock_parse(&x->sb, b, bs, &level, &recs, ptrs, max, &n,
                              &right) != DOF_OK ||
        level != want_level) {
        g->bad++;
        rc = DOF_OK;
        goto out;
    }
    if (level == 0) {
        for (size_t i = 0; i < n && rc == DOF_OK; i++)
            rc = add_rec(g, recs + i * 16);
    }
    else {
        for (size_t i = 0; i < n && rc == DOF_OK; i++)
            rc = walk_block(g, ptrs[i], level - 1);
    }
out:
    free(b);
    free(ptrs);
    return rc;
}

static int
ext_cmp(const void *a, const void *b)
{
    const dof_xfs_ext *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

int
dof_xfs_fork_extents(dof_fs *fs, uint64_t ino, const dof_xfs_inode *in,
                     int attr, dof_xfs_ext **out, size_t *nout)
{
    const unsigned char *fork = attr ? in->afork : in->dfork;
    size_t flen = attr ? in->afork_len : in->dfork_len;
    unsigned fmt = attr ? in->aformat : in->format;
    uint64_t declared = attr ? in->anextents : in->nextents;
    gather g;
    int rc = DOF_OK;

    *out = NULL;
    *nout = 0;
    memset(&g, 0, sizeof(g));
    g.fs = fs;
    g.ino = ino;
    if (declared > XFS_EXTENTS_CAP)
        return dof_set_error(fs->ctx, DOF_ERR_LIMIT,
                             "inode %llu: %llu extents, more than dof reads",
                             (unsigned long long)ino,
                             (unsigned long long)declared);
    g.limit = (size_t)declared;
    g.blocks_left = (size_t)declared + 64;
    if (fork == NULL || flen == 0)
        return DOF_OK;
    if (fmt == DOF_XFS_FMT_EXTENTS) {
        if (declared * 16 > flen)
            return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                                 "inode %llu: %llu extents do not fit in "
                                 "the %s fork",
                                 (unsigned long long)ino,
                                 (unsigned long long)declared,
                                 attr ? "attr" : "data");
        for (size_t i = 0; i < declared && rc == DOF_OK; i++)
            rc = add_rec(&g, fork + i * 16);
    }
    else if (fmt == DOF_XFS_FMT_BTREE) {
        uint64_t ptrs[64];
        size_t n = 0;
        unsigned level;
        if (dof_xfs_bmroot_parse(fork, flen, &level, ptrs, 64, &n) != DOF_OK)
            return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                                 "inode %llu: damaged bmap btree root in "
                                 "the %s fork",
                                 (unsigned long long)ino,
                                 attr ? "attr" : "data");
        for (size_t i = 0; i < n && rc == DOF_OK; i++)
            rc = walk_block(&g, ptrs[i], level - 1);
    }
    else {
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "inode %llu: %s fork of format %u has no "
                             "extents",
                             (unsigned long long)ino, attr ? "attr" : "data",
                             fmt);
    }
    if (rc == DOF_ERR_NOMEM) {
        free(g.ext);
        return dof_set_error(fs->ctx, rc, "out of memory");
    }
    if (rc != DOF_OK)
        dof_warn(fs->ctx, rc, NULL,
                 "inode %llu: the %s fork holds more extents than its "
                 "inode says (%llu): the rest is not read",
                 (unsigned long long)ino, attr ? "attr" : "data",
                 (unsigned long long)declared);
    if (rc == DOF_ERR_IO) {
        free(g.ext);
        return rc;
    }
    if (g.bad)
        dof_warn(fs->ctx, DOF_ERR_FORMAT, NULL,
                 "inode %llu: %u damaged extent records or bmap blocks in "
                 "the %s fork skipped",
                 (unsigned long long)ino, g.bad, attr ? "attr" : "data");
    if (g.n > 1)
        qsort(g.ext, g.n, sizeof(*g.ext), ext_cmp);
    /* overlapping extents: keep the first */
    {
        size_t k = 0;
        for (size_t i = 0; i < g.n; i++) {
            if (k > 0 && g.ext[i].off < g.ext[k - 1].off + g.ext[k - 1].len)
                continue;
            g.ext[k++] = g.ext[i];
        }
        g.n = k;
    }
    *out = g.ext;
    *nout = g.n;
    return DOF_OK;
}

/* Index of the last extent starting at or before block b, or n. */
static size_t
ext_find(const dof_xfs_ext *ext, size_t n, uint64_t b)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ext[mid].off <= b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? n : lo - 1;
}

int
dof_xfs_fork_read(dof_fs *fs, const dof_xfs_ext *ext, size_t n, uint64_t off,
                  void *buf, size_t len)
{
    const dof_xfs_sb *sb = &XFS_IMPL(fs)->sb;
    unsigned char *out = buf;
    uint64_t bs = sb->block_size;

    while (len > 0) {
        uint64_t b = off / bs, run;
        size_t i = ext_find(ext, n, b);

        if (i < n && b < ext[i].off + ext[i].len) {
            uint64_t end = (ext[i].off + ext[i].len) * bs, phys;
            int rc;
            run = end - off < len ? end - off : len;
            if (ext[i].unwritten) {
                memset(out, 0, (size_t)run);
            }
            else {
                if (dof_xfs_fsb_offset(sb, ext[i].blk, &phys) != DOF_OK)
                    return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                                         "extent outside the filesystem");
                phys += off - ext[i].off * bs;
                if ((rc = dof_xfs_read(fs, phys, out, (size_t)run)) != DOF_OK)
                    return rc;
            }
        }
        else {
            /* a hole up to the next extent */
            size_t j = i < n ? i + 1 : 0;
            uint64_t next = j < n ? ext[j].off * bs : UINT64_MAX;
            run = next - off < len ? next - off : len;
            memset(out, 0, (size_t)run);
        }
        out += run;
        off += run;
        len -= (size_t)run;
    }
    return DOF_OK;
}
