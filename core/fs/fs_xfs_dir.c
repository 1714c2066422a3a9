/*
 * fs_xfs_dir.c - XFS directories in every form.
 *
 * Shortform directories live in the inode's data fork.  All other forms
 * (block, leaf, node, B+tree) keep their entries in data blocks below
 * the 32 GiB "leaf offset" of the directory's address space; the leaf,
 * node and free-index blocks above it only speed up lookups.  So one
 * walk over the data blocks that the fork maps reads every form alike.
 */
#include "fs/fs_xfs.h"

#include <stdlib.h>

#define XD2B 0x58443242u /* v4 single block */
#define XD2D 0x58443244u /* v4 data block */
#define XDB3 0x58444233u /* v5 single block */
#define XDD3 0x58444433u /* v5 data block */
#define DIR_V4_HDR 16u
#define DIR_V5_HDR 64u
#define DIR_LEAF_OFFSET (32ull << 30)
/* damaged or unreadable blocks of one directory before dof gives up */
#define DIR_BAD_BLOCKS_MAX 64u

dof_ftype
dof_xfs_ftype(unsigned ftype)
{
    switch (ftype) {
    case 1: return DOF_FT_REG;
    case 2: return DOF_FT_DIR;
    case 3: return DOF_FT_CHR;
    case 4: return DOF_FT_BLK;
    case 5: return DOF_FT_FIFO;
    case 6: return DOF_FT_SOCK;
    case 7: return DOF_FT_LNK;
    default: return DOF_FT_UNKNOWN;
    }
}

static uint64_t
ino_at(const unsigned char *p, int i8)
{
    return i8 ? dof_be64(p) : dof_be32(p);
}

int
dof_xfs_dir_sf_parse(const dof_xfs_sb *sb, const unsigned char *p, size_t len,
                     uint64_t self, dof_xfs_dirent_fn fn, void *arg)
{
    char name[DOF_XFS_NAME_MAX + 1];
    unsigned count;
    int i8;
    size_t pos, isz;

    if (p == NULL || len < 6)
        return DOF_ERR_FORMAT;
    count = p[0];
    i8 = p[1] != 0;
    isz = i8 ? 8 : 4;
    pos = 2 + isz;
    if (pos > len)
        return DOF_ERR_FORMAT;
    if (fn(arg, ".", 1, self, 2))
        return 1;
    if (fn(arg, "..", 2, ino_at(p + 2, i8), 2))
        return 1;
    for (unsigned i = 0; i < count; i++) {
        size_t nl, need;
        unsigned ft = 0;
        if (pos + 3 > len)
            return DOF_ERR_FORMAT;
        nl = p[pos];
        need = 3 + nl + (sb->ftype ? 1 : 0) + isz;
        if (nl == 0 || need > len - pos)
            return DOF_ERR_FORMAT;
        memcpy(name, p + pos + 3, nl);
        name[nl] = '\0';
        if (sb->ftype)
            ft = p[pos + 3 + nl];
        if (fn(arg, name, nl,
               ino_at(p + pos + 3 + nl + (sb->ftype ? 1 : 0), i8), ft))
            return 1;
        pos += need;
    }
    return DOF_OK;
}

int
dof_xfs_dir_block_parse(const dof_xfs_sb *sb, const unsigned char *p,
                        size_t len, dof_xfs_dirent_fn fn, void *arg)
{
    char name[DOF_XFS_NAME_MAX + 1];
    size_t hdr = sb->crc ? DIR_V5_HDR : DIR_V4_HDR, pos, end = len;
    uint32_t magic;

    if (p == NULL || len < hdr + 8)
        return DOF_ERR_FORMAT;
    magic = dof_be32(p);
    if (magic == (sb->crc ? XDB3 : XD2B)) {
        uint64_t count = dof_be32(p + len - 8);
        if (count > (len - hdr - 8) / 8)
            return DOF_ERR_FORMAT;
        end = len - 8 - (size_t)count * 8;
    }
    else if (magic != (sb->crc ? XDD3 : XD2D)) {
        return DOF_ERR_FORMAT;
    }
    pos = hdr;
    while (pos + 8 <= end) {
        size_t nl, esz;
        unsigned ft = 0;
        if (dof_xfs_be16(p + pos) == 0xffffu) { /* unused space */
            size_t ul = dof_xfs_be16(p + pos + 2);
            if (ul < 8 || (ul & 7) != 0 || ul > end - pos)
                return DOF_ERR_FORMAT;
            pos += ul;
            continue;
        }
        if (pos + 9 > end)
            return DOF_ERR_FORMAT;
        nl = p[pos + 8];
        esz = (8 + 1 + nl + (sb->ftype ? 1 : 0) + 2 + 7) & ~(size_t)7;
        if (nl == 0 || esz > end - pos)
            return DOF_ERR_FORMAT;
        memcpy(name, p + pos + 9, nl);
        name[nl] = '\0';
        if (sb->ftype)
            ft = p[pos + 9 + nl];
        if (fn(arg, name, nl, dof_be64(p + pos), ft))
            return 1;
        pos += esz;
    }
    return DOF_OK;
}

/* ---- readdir ---- */

typedef struct rd_state {
    dof_fs *fs;
    dof_fs_dirent_fn fn;
    void *arg;
    size_t count;
    int capped;
} rd_state;

static int
rd_cb(void *arg, const char *name, size_t len, uint64_t ino, unsigned ftype)
{
    rd_state *s = arg;
    dof_dirent de;

    if (s->count >= DOF_CAP_DIR_ENTRIES) {
        s->capped = 1;
        return 1;
    }
    s->count++;
    de.name = name;
    de.name_len = len;
    de.node = ino;
    de.type = dof_xfs_ftype(ftype);
    de.deleted = 0;
    return s->fn(s->arg, &de);
}

int
dof_xfs_readdir(dof_fs *fs, dof_node dir, unsigned flags, dof_fs_dirent_fn fn,
                void *arg)
{
    xfs_impl *x = XFS_IMPL(fs);
    rd_state s = {fs, fn, arg, 0, 0};
    dof_xfs_ext *ext = NULL;
    unsigned char *blk = NULL;
    size_t n = 0;
    uint64_t bs = x->sb.block_size, fpd = 1ull << x->sb.dirblk_log;
    uint64_t leaf_blk = DIR_LEAF_OFFSET / bs, end;
    unsigned bad = 0;
    int rc;

    (void)flags; /* deleted XFS entries are not listed */
    if ((rc = dof_xfs_inode_get(fs, dir)) != DOF_OK)
        return rc;
    if ((x->in.mode & 0170000u) != 0040000u)
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                             "inode %llu is not a directory",
                             (unsigned long long)dir);
    if (x->in.format == DOF_XFS_FMT_LOCAL) {
        /* a copy: the callback may read other inodes into x->ibuf */
        unsigned char fork[2048];
        size_t fl = x->in.dfork_len;
        memcpy(fork, x->in.dfork, fl);
        rc = dof_xfs_dir_sf_parse(&x->sb, fork, fl, dir, rd_cb, &s);
        if (rc < 0)
            dof_warn(fs->ctx, rc, NULL,
                     "directory inode %llu: damaged shortform directory",
                     (unsigned long long)dir);
        goto done;
    }
    /* the data blocks end at the directory's size (the leaf, node and
     * free blocks above the leaf offset are not counted in it) */
    end = x->in.size / bs + (x->in.size % bs != 0);
    if (end > leaf_blk)
        end = leaf_blk;
    rc = dof_xfs_fork_extents(fs, dir, &x->in, 0, &ext, &n);
    if (rc != DOF_OK)
        return rc;
    if ((blk = malloc(x->sb.dir_block_size)) == NULL) {
        free(ext);
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t b = (ext[i].off + fpd - 1) & ~(fpd - 1);
        for (; b < ext[i].off + ext[i].len && b < end; b += fpd) {
            if (bad >= DIR_BAD_BLOCKS_MAX) {
                dof_warn(fs->ctx, DOF_ERR_FORMAT, NULL,
                         "directory inode %llu: %u damaged blocks, the "
                         "rest is not read",
                         (unsigned long long)dir, bad);
                goto done;
            }
            rc = dof_xfs_fork_read(fs, ext, n, b * bs, blk,
                                   x->sb.dir_block_size);
            if (rc != DOF_OK) {
                bad++;
                dof_warn(fs->ctx, rc, NULL,
                         "directory inode %llu: block %llu unreadable",
                         (unsigned long long)dir, (unsigned long long)b);
                dof_clear_error(fs->ctx);
                continue;
            }
            rc = dof_xfs_dir_block_parse(&x->sb, blk, x->sb.dir_block_size,
                                         rd_cb, &s);
            if (rc == 1)
                goto done;
            if (rc < 0) {
                bad++;
                dof_warn(fs->ctx, rc, NULL,
                         "directory inode %llu: damaged directory block "
                         "%llu",
                         (unsigned long long)dir, (unsigned long long)b);
            }
        }
    }
done:
    if (s.capped)
        dof_warn(fs->ctx, DOF_ERR_LIMIT, NULL,
                 "directory inode %llu has more than %u entries; only the "
                 "first are read",
                 (unsigned long long)dir, DOF_CAP_DIR_ENTRIES);
    free(ext);
    free(blk);
    return DOF_OK;
}
