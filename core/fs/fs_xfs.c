/*
 * fs_xfs.c - a read-only XFS reader of dof's own behind the dof_fs
 * vtable: the superblock, AG geometry, inode location and decoding,
 * file data, symlinks; the vtable and the open function.
 *
 * Inodes are located by arithmetic on their number (AG, block in AG,
 * index in block), so sparse inode chunks need no inode btree walk.
 * Directories are in fs_xfs_dir.c, extended attributes in
 * fs_xfs_attr.c, extent lists and the bmap btree in fs_xfs_bmap.c, the
 * log's clean test in fs_xfs_log.c.
 */
#include "fs/fs_xfs.h"

#include <stdlib.h>

#define XFS_SB_MAGIC 0x58465342u /* "XFSB" */
#define XFS_DINODE_MAGIC 0x494eu /* "IN" */
#define XFS_V3_CORE 176u
#define XFS_V2_CORE 100u
#define XFS_SYMLINK_MAXLEN 1024u
#define XFS_SYMLINK_HDR 56u
#define XFS_SYMLINK_MAGIC 0x58534c4du /* "XSLM" */
#define XFS_DIFLAG_REALTIME 0x1u
#define XFS_DIFLAG2_BIGTIME 0x8u
#define XFS_DIFLAG2_NREXT64 0x10u
#define XFS_BIGTIME_EPOCH_NS (2147483648LL * 1000000000LL)

/* ---- pure decoders ---- */

static int
log2_exact(uint64_t v, unsigned *out)
{
    unsigned l = 0;
    if (v == 0 || (v & (v - 1)) != 0)
        return 0;
    while ((1ull << l) < v)
        l++;
    *out = l;
    return 1;
}

int
dof_xfs_sb_parse(const unsigned char *b, size_t len, dof_xfs_sb *sb)
{
    dof_xfs_sb s;
    unsigned l;
    uint16_t vnum;
    uint32_t features2;

    if (b == NULL || sb == NULL || len < 512 || dof_be32(b) != XFS_SB_MAGIC)
        return DOF_ERR_FORMAT;
    memset(&s, 0, sizeof(s));
    s.block_size = dof_be32(b + 4);
    s.dblocks = dof_be64(b + 8);
    s.log_start = dof_be64(b + 48);
    s.root_ino = dof_be64(b + 56);
    s.ag_blocks = dof_be32(b + 84);
    s.ag_count = dof_be32(b + 88);
    s.log_blocks = dof_be32(b + 96);
    vnum = dof_xfs_be16(b + 100);
    s.sect_size = dof_xfs_be16(b + 102);
    s.inode_size = dof_xfs_be16(b + 104);
    s.block_log = b[120];
    s.inode_log = b[122];
    s.inopb_log = b[123];
    s.agblk_log = b[124];
    s.dirblk_log = b[192];
    features2 = dof_be32(b + 200);
    s.version = vnum & 0xf;
    if (s.version != 4 && s.version != 5)
        return DOF_ERR_FORMAT;
    if (s.block_log < 9 || s.block_log > 16 ||
        s.block_size != (1u << s.block_log))
        return DOF_ERR_FORMAT;
    if (!log2_exact(s.sect_size, &l) || l < 9 || l > 15)
        return DOF_ERR_FORMAT;
    if (s.inode_log < 8 || s.inode_log > 11 ||
        s.inode_size != (1u << s.inode_log) || s.inode_size > s.block_size)
        return DOF_ERR_FORMAT;
    if (s.inopb_log != s.block_log - s.inode_log)
        return DOF_ERR_FORMAT;
    if (s.ag_blocks == 0 || s.ag_count == 0 || s.agblk_log > 31 ||
        (1ull << s.agblk_log) < s.ag_blocks ||
        (s.agblk_log > 0 && (1ull << (s.agblk_log - 1)) >= s.ag_blocks))
        return DOF_ERR_FORMAT;
    if (s.dblocks == 0 || s.dblocks > (uint64_t)s.ag_blocks * s.ag_count)
        return DOF_ERR_FORMAT;
    if (s.dirblk_log > 16 - s.block_log)
        return DOF_ERR_FORMAT;
    s.dir_block_size = s.block_size << s.dirblk_log;
    if (s.version == 5) {
        s.crc = 1;
        s.incompat = dof_be32(b + 216);
        s.ftype = (s.incompat & DOF_XFS_INCOMPAT_FTYPE) ? 1 : 0;
        s.nrext64 = (s.incompat & DOF_XFS_INCOMPAT_NREXT64) ? 1 : 0;
        if (s.inode_size < 512)
            return DOF_ERR_FORMAT;
    }
    else if (vnum & 0x8000u) { /* MOREBITS: features2 holds ftype */
        s.ftype = (features2 & 0x200u) ? 1 : 0;
    }
    if (s.root_ino == 0 || s.log_blocks > s.dblocks ||
        s.log_start >= ((uint64_t)s.ag_count << s.agblk_log))
        return DOF_ERR_FORMAT;
    *sb = s;
    return DOF_OK;
}

int
dof_xfs_ino_offset(const dof_xfs_sb *sb, uint64_t ino, uint64_t *off)
{
    unsigned shift = sb->agblk_log + sb->inopb_log;
    uint64_t agno, agbno, idx;

    if (shift >= 64)
        return DOF_ERR_NOTFOUND;
    agno = ino >> shift;
    agbno = (ino >> sb->inopb_log) & ((1ull << sb->agblk_log) - 1);
    idx = ino & ((1ull << sb->inopb_log) - 1);
    if (ino == 0 || agno >= sb->ag_count || agbno >= sb->ag_blocks)
        return DOF_ERR_NOTFOUND;
    if (agno * sb->ag_blocks + agbno >= sb->dblocks)
        return DOF_ERR_NOTFOUND;
    *off =
        (agno * sb->ag_blocks + agbno) * sb->block_size + idx * sb->inode_size;
    return DOF_OK;
}

int
dof_xfs_fsb_offset(const dof_xfs_sb *sb, uint64_t fsb, uint64_t *off)
{
    uint64_t agno = sb->agblk_log < 64 ? fsb >> sb->agblk_log : 0;
    uint64_t agbno = fsb & ((1ull << sb->agblk_log) - 1);

    if (agno >= sb->ag_count || agbno >= sb->ag_blocks ||
        agno * sb->ag_blocks + agbno >= sb->dblocks)
        return DOF_ERR_FORMAT;
    *off = (agno * sb->ag_blocks + agbno) * sb->block_size;
    return DOF_OK;
}

static int64_t
xfs_time(const unsigned char *p, int bigtime)
{
    if (bigtime)
        return (int64_t)(dof_be64(p) - (uint64_t)XFS_BIGTIME_EPOCH_NS);
    return (int64_t)(int32_t)dof_be32(p) * 1000000000LL +
           (int64_t)dof_be32(p + 4);
}

int
dof_xfs_inode_parse(const dof_xfs_sb *sb, const unsigned char *b, size_t len,
                    dof_xfs_inode *in)
{
    size_t core, lit;
    unsigned forkoff;
    uint64_t flags2 = 0;
    int bigtime;

    if (b == NULL || in == NULL || len < sb->inode_size ||
        dof_xfs_be16(b) != XFS_DINODE_MAGIC)
        return DOF_ERR_FORMAT;
    memset(in, 0, sizeof(*in));
    in->mode = dof_xfs_be16(b + 2);
    in->version = b[4];
    in->format = b[5];
    if (in->version < 1 || in->version > 3 ||
        (in->version == 3) != (sb->version == 5))
        return DOF_ERR_FORMAT;
    core = in->version == 3 ? XFS_V3_CORE : XFS_V2_CORE;
    if (sb->inode_size <= core)
        return DOF_ERR_FORMAT;
    lit = sb->inode_size - core;
    in->uid = dof_be32(b + 8);
    in->gid = dof_be32(b + 12);
    in->nlink = in->version == 1 ? dof_xfs_be16(b + 6) : dof_be32(b + 16);
    if (in->version == 3)
        flags2 = dof_be64(b + 120);
    bigtime = (flags2 & XFS_DIFLAG2_BIGTIME) != 0;
    in->atime = xfs_time(b + 32, bigtime);
    in->mtime = xfs_time(b + 40, bigtime);
    in->ctime = xfs_time(b + 48, bigtime);
    in->crtime = in->version == 3 ? xfs_time(b + 144, bigtime) : DOF_TIME_NONE;
    in->size = dof_be64(b + 56);
    in->nblocks = dof_be64(b + 64);
    if (flags2 & XFS_DIFLAG2_NREXT64) {
        in->nextents = dof_be64(b + 24);
        in->anextents = dof_be32(b + 76);
    }
    else {
        in->nextents = dof_be32(b + 76);
        in->anextents = dof_xfs_be16(b + 80);
    }
    forkoff = b[82];
    in->aformat = b[83];
    in->flags = dof_xfs_be16(b + 90);
    if (in->version == 3)
        in->ino = dof_be64(b + 152);
    if (in->format > DOF_XFS_FMT_BTREE || (size_t)forkoff * 8 >= lit)
        return DOF_ERR_FORMAT;
    in->dfork = b + core;
    in->dfork_len = forkoff ? (size_t)forkoff * 8 : lit;
    if (forkoff) {
        if (in->aformat < DOF_XFS_FMT_LOCAL || in->aformat > DOF_XFS_FMT_BTREE)
            return DOF_ERR_FORMAT;
        in->afork = b + core + (size_t)forkoff * 8;
        in->afork_len = lit - (size_t)forkoff * 8;
    }
    return DOF_OK;
}

void
dof_xfs_rdev_parse(const unsigned char *fork, size_t len, uint32_t *major,
                   uint32_t *minor)
{
    uint32_t d;

    *major = *minor = 0;
    if (fork == NULL || len < 4)
        return;
    d = dof_be32(fork); /* major in the top 14 bits, minor in 18 */
    *major = (d >> 18) & 0x3fffu;
    *minor = d & 0x3ffffu;
}

/* ---- I/O ---- */

int
dof_xfs_read(dof_fs *fs, uint64_t off, void *buf, size_t len)
{
    xfs_impl *x = XFS_IMPL(fs);
    ssize_t n;

    if (off > UINT64_MAX - x->offset - len)
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "read beyond the end of the volume");
    n = tsk_img_read(x->img, (TSK_OFF_T)(x->offset + off), buf, len);
    if (n < 0 || (size_t)n != len) {
        tsk_error_reset();
        return dof_set_error(fs->ctx, DOF_ERR_IO,
                             "cannot read %zu bytes at byte %llu of the XFS "
                             "volume",
                             len, (unsigned long long)off);
    }
    return DOF_OK;
}

static int
rd_cb(void *arg, uint64_t off, void *buf, size_t len)
{
    return dof_xfs_read(arg, off, buf, len);
}

int
dof_xfs_inode_get(dof_fs *fs, uint64_t ino)
{
    xfs_impl *x = XFS_IMPL(fs);
    uint64_t off;
    int rc;

    if (ino != 0 && ino == x->ibuf_ino)
        return DOF_OK;
    x->ibuf_ino = 0;
    if (dof_xfs_ino_offset(&x->sb, ino, &off) != DOF_OK)
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                             "inode %llu out of range",
                             (unsigned long long)ino);
    if ((rc = dof_xfs_read(fs, off, x->ibuf, x->sb.inode_size)) != DOF_OK)
        return rc;
    if (dof_xfs_inode_parse(&x->sb, x->ibuf, x->sb.inode_size, &x->in) !=
        DOF_OK)
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "inode %llu: damaged inode core",
                             (unsigned long long)ino);
    if (x->in.version == 3 && x->in.ino != ino)
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "inode %llu: the inode says it is %llu "
                             "(damaged or not an inode)",
                             (unsigned long long)ino,
                             (unsigned long long)x->in.ino);
    if (x->in.mode == 0)
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                             "inode %llu is not allocated",
                             (unsigned long long)ino);
    x->ibuf_ino = ino;
    return DOF_OK;
}

/* The data fork's extents of the current inode, cached per inode. */
static int
data_extents(dof_fs *fs, uint64_t ino)
{
    xfs_impl *x = XFS_IMPL(fs);
    int rc;

    if (x->ext_ino == ino && ino != 0)
        return DOF_OK;
    free(x->ext);
    x->ext = NULL;
    x->next = 0;
    x->ext_ino = 0;
    rc = dof_xfs_fork_extents(fs, ino, &x->in, 0, &x->ext, &x->next);
    if (rc != DOF_OK)
        return rc;
    x->ext_ino = ino;
    return DOF_OK;
}

/* ---- vtable ---- */

static dof_ftype
mode_type(uint16_t mode)
{
    switch (mode & 0170000u) {
    case 0100000u: return DOF_FT_REG;
    case 0040000u: return DOF_FT_DIR;
    case 0120000u: return DOF_FT_LNK;
    case 0020000u: return DOF_FT_CHR;
    case 0060000u: return DOF_FT_BLK;
    case 0010000u: return DOF_FT_FIFO;
    case 0140000u: return DOF_FT_SOCK;
    default: return DOF_FT_UNKNOWN;
    }
}

static int
xfs_stat(dof_fs *fs, dof_node node, dof_stat *st)
{
    xfs_impl *x = XFS_IMPL(fs);
    const dof_xfs_inode *in = &x->in;
    int rc;

    if ((rc = dof_xfs_inode_get(fs, node)) != DOF_OK)
        return rc;
    st->ino = node;
    st->type = mode_type(in->mode);
    st->mode = in->mode & 07777u;
    st->uid = in->uid;
    st->gid = in->gid;
    st->size = in->size;
    st->nlink = in->nlink;
    st->atime = in->atime;
    st->mtime = in->mtime;
    st->ctime = in->ctime;
    st->crtime = in->crtime;
    st->allocated = 1;
    st->rdev_major = st->rdev_minor = 0;
    if ((st->type == DOF_FT_CHR || st->type == DOF_FT_BLK) &&
        in->format == DOF_XFS_FMT_DEV)
        dof_xfs_rdev_parse(in->dfork, in->dfork_len, &st->rdev_major,
                           &st->rdev_minor);
    return DOF_OK;
}

static int
xfs_read_data(dof_fs *fs, dof_node node, uint64_t off, void *buf, size_t len,
              size_t *got)
{
    xfs_impl *x = XFS_IMPL(fs);
    int rc;

    if ((rc = dof_xfs_inode_get(fs, node)) != DOF_OK)
        return rc;
    if (off >= x->in.size)
        return DOF_OK;
    if (len > x->in.size - off)
        len = (size_t)(x->in.size - off);
    if (x->in.format == DOF_XFS_FMT_LOCAL) {
        if (x->in.size > x->in.dfork_len)
            return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                                 "inode %llu: inline data of %llu bytes in "
                                 "a fork of %zu (damaged inode)",
                                 (unsigned long long)node,
                                 (unsigned long long)x->in.size,
                                 x->in.dfork_len);
        memcpy(buf, x->in.dfork + off, len);
        *got = len;
        return DOF_OK;
    }
    if (x->in.format != DOF_XFS_FMT_EXTENTS &&
        x->in.format != DOF_XFS_FMT_BTREE)
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "inode %llu: no data fork (format %u)",
                             (unsigned long long)node, x->in.format);
    if (x->in.flags & XFS_DIFLAG_REALTIME)
        return dof_set_error(fs->ctx, DOF_ERR_UNSUPPORTED,
                             "inode %llu: data on the realtime device, not "
                             "read",
                             (unsigned long long)node);
    if ((rc = data_extents(fs, node)) != DOF_OK)
        return rc;
    rc = dof_xfs_fork_read(fs, x->ext, x->next, off, buf, len);
    if (rc != DOF_OK)
        return rc;
    *got = len;
    return DOF_OK;
}

static int
xfs_readlink(dof_fs *fs, dof_node node, char **out)
{
    xfs_impl *x = XFS_IMPL(fs);
    uint64_t size;
    char *t;
    int rc;

    if ((rc = dof_xfs_inode_get(fs, node)) != DOF_OK)
        return rc;
    if (mode_type(x->in.mode) != DOF_FT_LNK)
        return dof_set_error(fs->ctx, DOF_ERR_ARG,
                             "inode %llu is not a symlink",
                             (unsigned long long)node);
    size = x->in.size;
    if (size > XFS_SYMLINK_MAXLEN)
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "inode %llu: symlink of %llu bytes, more than "
                             "XFS allows (damaged inode)",
                             (unsigned long long)node,
                             (unsigned long long)size);
    if ((t = malloc((size_t)size + 1)) == NULL)
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    if (x->in.format == DOF_XFS_FMT_LOCAL) {
        if (size > x->in.dfork_len) {
            free(t);
            return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                                 "inode %llu: inline symlink larger than "
                                 "its fork",
                                 (unsigned long long)node);
        }
        memcpy(t, x->in.dfork, (size_t)size);
    }
    else if (!x->sb.crc) {
        size_t got = 0;
        rc = xfs_read_data(fs, node, 0, t, (size_t)size, &got);
        if (rc != DOF_OK) {
            free(t);
            return rc;
        }
        size = got;
    }
    else {
        /* v5: each block starts with an XSLM header */
        uint32_t per = x->sb.block_size - XFS_SYMLINK_HDR;
        size_t have = 0;
        if ((rc = data_extents(fs, node)) != DOF_OK) {
            free(t);
            return rc;
        }
        for (uint64_t bi = 0; have < size; bi++) {
            size_t want = size - have < per ? size - have : per;
            rc = dof_xfs_fork_read(fs, x->ext, x->next, bi * x->sb.block_size,
                                   x->blk, x->sb.block_size);
            if (rc != DOF_OK) {
                free(t);
                return rc;
            }
            if (dof_be32(x->blk) != XFS_SYMLINK_MAGIC) {
                free(t);
                return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                                     "inode %llu: symlink block %llu has "
                                     "no XSLM header",
                                     (unsigned long long)node,
                                     (unsigned long long)bi);
            }
            memcpy(t + have, x->blk + XFS_SYMLINK_HDR, want);
            have += want;
        }
    }
    t[size] = '\0';
    *out = t;
    return DOF_OK;
}

static void
xfs_close(dof_fs *fs)
{
    xfs_impl *x = XFS_IMPL(fs);
    free(x->ibuf);
    free(x->blk);
    free(x->ext);
    free(x);
}

static const dof_fs_ops xfs_ops = {
    xfs_stat, dof_xfs_readdir, xfs_read_data, xfs_readlink, dof_xfs_listxattr,
    NULL,     xfs_close,
};

int
dof_fs_xfs_open(dof_ctx *ctx, TSK_IMG_INFO *img, uint64_t offset, dof_fs **out)
{
    xfs_impl *x = NULL;
    dof_fs *fs = NULL;
    unsigned char sb[512];
    ssize_t n;
    int clean;

    *out = NULL;
    n = tsk_img_read(img, (TSK_OFF_T)offset, (char *)sb, sizeof(sb));
    if (n != (ssize_t)sizeof(sb)) {
        tsk_error_reset();
        return dof_set_error(ctx, DOF_ERR_IO,
                             "cannot read the XFS superblock at byte %llu",
                             (unsigned long long)offset);
    }
    if ((x = calloc(1, sizeof(*x))) == NULL)
        goto nomem;
    if (dof_xfs_sb_parse(sb, sizeof(sb), &x->sb) != DOF_OK) {
        dof_set_error(ctx, DOF_ERR_FORMAT,
                      "XFS superblock at byte %llu is damaged or of an "
                      "unknown version",
                      (unsigned long long)offset);
        goto fail;
    }
    x->img = img;
    x->offset = offset;
    x->ibuf = malloc(x->sb.inode_size);
    x->blk =
        malloc(x->sb.dir_block_size > x->sb.block_size ? x->sb.dir_block_size
                                                       : x->sb.block_size);
    if (x->ibuf == NULL || x->blk == NULL)
        goto nomem;
    if ((fs = dof_fs_new(ctx, &xfs_ops, x)) == NULL)
        goto nomem;
    snprintf(fs->type_name, sizeof(fs->type_name), "xfs");
    fs->root = x->sb.root_ino;
    fs->size_bytes = x->sb.dblocks * x->sb.block_size;
    fs->offset = offset;
    fs->trusted_xattrs = 1;
    clean = dof_xfs_log_clean(&x->sb, rd_cb, fs);
    if (clean == 0)
        fs->needs_recovery = 1;
    else if (clean < 0) {
        dof_warn(ctx, DOF_ERR_FORMAT, NULL,
                 "XFS volume at byte %llu: the log cannot be read, its "
                 "state is unknown",
                 (unsigned long long)offset);
        dof_clear_error(ctx);
    }
    if (dof_xfs_inode_get(fs, fs->root) != DOF_OK) {
        dof_set_error(ctx, DOF_ERR_FORMAT,
                      "XFS at byte %llu: root inode %llu is unreadable",
                      (unsigned long long)offset,
                      (unsigned long long)fs->root);
        dof_fs_close(fs);
        return DOF_ERR_FORMAT;
    }
    *out = fs;
    return DOF_OK;

nomem:
    dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
fail:
    if (x) {
        free(x->ibuf);
        free(x->blk);
        free(x);
    }
    free(fs);
    return dof_errcode(ctx);
}
