/*
 * fs_ext.c - the ext2/3/4 backend over The Sleuth Kit, plus our raw inode
 * reader (fs_extraw.c) for what TSK 4.11 lacks: device numbers, xattrs.
 *
 * Everything works by inode (tsk_fs_file_open_meta, tsk_fs_dir_open_meta);
 * nothing opens by path.  The last opened file is kept open so that a
 * dof_fs_read() loop over a big file does not reopen it on every call.
 */
#include "fs/fs_private.h"

#include <stdlib.h>

#define EXT_XATTR_VALUE_CAP (1u * 1024u * 1024u)

typedef struct ext_impl {
    TSK_FS_INFO *tfs;
    dof_ext_sb sb;
    TSK_FS_FILE *file; /* one cached open file */
    TSK_INUM_T file_ino;
    unsigned char *ibuf; /* one raw inode */
    dof_node ibuf_ino;   /* the inode in ibuf, 0 if none */
    uint64_t gd_group;   /* the last group descriptor read ... */
    uint64_t gd_table;   /* ... its inode table's byte offset (0: none) */
    unsigned char *bbuf; /* one block */
} ext_impl;

#define IMPL(fs) ((ext_impl *)(fs)->impl)

static int ext_raw_inode(dof_fs *fs, dof_node node);

/* Checked on the raw inode before TSK opens it: TSK 4.11 sizes its work
 * by i_size before it looks further, so a damaged inode claiming a huge
 * directory or symlink costs seconds to minutes (istat hangs on them
 * too).  ext directories are never sparse (one block of slack for
 * inline data) and no filesystem larger; a symlink target is at most
 * PATH_MAX.  Regular files may be sparse and are not judged. */
static int
raw_sane(dof_fs *fs, dof_node node)
{
    ext_impl *x = IMPL(fs);
    uint64_t size, alloc, fsbytes;
    unsigned type;

    if (ext_raw_inode(fs, node) != DOF_OK)
        return DOF_OK; /* TSK's own open says what is wrong */
    type = dof_le16(x->ibuf) & 0xf000u;
    size = dof_le32(x->ibuf + 0x04) | (uint64_t)dof_le32(x->ibuf + 0x6c) << 32;
    fsbytes = (uint64_t)x->tfs->block_count * x->tfs->block_size;
    alloc = dof_ext_inode_alloc_bytes(x->ibuf, x->sb.inode_size, &x->sb);
    if (type == 0x4000u && (size > fsbytes || size > alloc + x->sb.block_size))
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "inode %llu: directory size %llu is more than "
                             "the %llu bytes allocated to it (damaged "
                             "inode)",
                             (unsigned long long)node,
                             (unsigned long long)size,
                             (unsigned long long)alloc);
    if (type == 0xa000u && size > 4096)
        return dof_set_error(fs->ctx, DOF_ERR_FORMAT,
                             "inode %llu: symlink of %llu bytes, more than "
                             "PATH_MAX (damaged inode)",
                             (unsigned long long)node,
                             (unsigned long long)size);
    return DOF_OK;
}

static int
ext_file(dof_fs *fs, dof_node node, TSK_FS_FILE **out)
{
    ext_impl *x = IMPL(fs);
    TSK_FS_FILE *f;
    int rc;

    if (x->file != NULL && x->file_ino == node) {
        *out = x->file;
        return DOF_OK;
    }
    if (node < x->tfs->first_inum || node > x->tfs->last_inum ||
        node == TSK_FS_ORPHANDIR_INUM(x->tfs)) {
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                             "inode %llu out of range",
                             (unsigned long long)node);
    }
    if ((rc = raw_sane(fs, node)) != DOF_OK)
        return rc;
    f = tsk_fs_file_open_meta(x->tfs, NULL, (TSK_INUM_T)node);
    if (f == NULL || f->meta == NULL) {
        tsk_fs_file_close(f);
        char what[64];
        snprintf(what, sizeof(what), "cannot open inode %llu",
                 (unsigned long long)node);
        return dof_set_tsk_error(fs->ctx, DOF_ERR_FORMAT, what);
    }
    tsk_fs_file_close(x->file);
    x->file = f;
    x->file_ino = node;
    *out = f;
    return DOF_OK;
}

static int
ext_rd(void *arg, uint64_t off, void *buf, size_t len)
{
    dof_fs *fs = arg;
    ssize_t n;

    n = tsk_fs_read(IMPL(fs)->tfs, (TSK_OFF_T)off, buf, len);
    if (n < 0 || (size_t)n != len) {
        tsk_error_reset();
        return dof_set_error(fs->ctx, DOF_ERR_IO,
                             "cannot read %zu bytes at byte %llu of the "
                             "filesystem",
                             len, (unsigned long long)off);
    }
    return DOF_OK;
}

/* The raw inode into x->ibuf.  It is read for every inode dof opens
 * (raw_sane), so the inode held and the last group's inode table are
 * remembered: a walk stays in one group for long runs. */
static int
ext_raw_inode(dof_fs *fs, dof_node node)
{
    ext_impl *x = IMPL(fs);
    uint64_t off, group, index;
    int rc;

    if (node != 0 && node == x->ibuf_ino)
        return DOF_OK;
    x->ibuf_ino = 0;
    group = node ? (node - 1) / x->sb.inodes_per_group : 0;
    index = node ? (node - 1) % x->sb.inodes_per_group : 0;
    if (node != 0 && node <= x->sb.inodes_count && x->gd_table != 0 &&
        group == x->gd_group)
        off = x->gd_table + index * x->sb.inode_size;
    else {
        rc = dof_ext_inode_offset(&x->sb, node, ext_rd, fs, &off);
        if (rc == DOF_ERR_NOTFOUND || rc == DOF_ERR_FORMAT)
            return dof_set_error(fs->ctx, rc,
                                 "no raw inode %llu (bad number or group "
                                 "descriptor)",
                                 (unsigned long long)node);
        if (rc != DOF_OK)
            return rc;
        x->gd_group = group;
        x->gd_table = off - index * x->sb.inode_size;
    }
    if ((rc = ext_rd(fs, off, x->ibuf, x->sb.inode_size)) != DOF_OK)
        return rc;
    x->ibuf_ino = node;
    return DOF_OK;
}

static dof_ftype
meta_type(TSK_FS_META_TYPE_ENUM t)
{
    switch (t) {
    case TSK_FS_META_TYPE_REG: return DOF_FT_REG;
    case TSK_FS_META_TYPE_DIR: return DOF_FT_DIR;
    case TSK_FS_META_TYPE_LNK: return DOF_FT_LNK;
    case TSK_FS_META_TYPE_CHR: return DOF_FT_CHR;
    case TSK_FS_META_TYPE_BLK: return DOF_FT_BLK;
    case TSK_FS_META_TYPE_FIFO: return DOF_FT_FIFO;
    case TSK_FS_META_TYPE_SOCK: return DOF_FT_SOCK;
    default: return DOF_FT_UNKNOWN;
    }
}

static dof_ftype
name_type(TSK_FS_NAME_TYPE_ENUM t)
{
    switch (t) {
    case TSK_FS_NAME_TYPE_REG: return DOF_FT_REG;
    case TSK_FS_NAME_TYPE_DIR: return DOF_FT_DIR;
    case TSK_FS_NAME_TYPE_LNK: return DOF_FT_LNK;
    case TSK_FS_NAME_TYPE_CHR: return DOF_FT_CHR;
    case TSK_FS_NAME_TYPE_BLK: return DOF_FT_BLK;
    case TSK_FS_NAME_TYPE_FIFO: return DOF_FT_FIFO;
    case TSK_FS_NAME_TYPE_SOCK: return DOF_FT_SOCK;
    default: return DOF_FT_UNKNOWN;
    }
}

static int64_t
ns_of(time_t s, uint32_t nano)
{
    return (int64_t)s * 1000000000LL + (int64_t)nano;
}

static int
ext_stat(dof_fs *fs, dof_node node, dof_stat *st)
{
    TSK_FS_FILE *f;
    TSK_FS_META *m;
    int rc;

    if ((rc = ext_file(fs, node, &f)) != DOF_OK)
        return rc;
    m = f->meta;
    st->ino = m->addr;
    st->type = meta_type(m->type);
    st->mode = (uint32_t)m->mode & 07777u;
    st->uid = m->uid;
    st->gid = m->gid;
    st->size = m->size > 0 ? (uint64_t)m->size : 0;
    st->nlink = (uint32_t)m->nlink;
    st->atime = ns_of(m->atime, m->atime_nano);
    st->mtime = ns_of(m->mtime, m->mtime_nano);
    st->ctime = ns_of(m->ctime, m->ctime_nano);
    st->crtime = (m->crtime == 0 && m->crtime_nano == 0)
                     ? DOF_TIME_NONE
                     : ns_of(m->crtime, m->crtime_nano);
    st->allocated = (m->flags & TSK_FS_META_FLAG_ALLOC) ? 1 : 0;
    st->rdev_major = st->rdev_minor = 0;
    if (st->type == DOF_FT_CHR || st->type == DOF_FT_BLK) {
        rc = ext_raw_inode(fs, node);
        if (rc != DOF_OK)
            return rc;
        dof_ext_rdev_parse(IMPL(fs)->ibuf, IMPL(fs)->sb.inode_size,
                           &st->rdev_major, &st->rdev_minor);
    }
    return DOF_OK;
}

static int
ext_readdir(dof_fs *fs, dof_node dir, unsigned flags, dof_fs_dirent_fn fn,
            void *arg)
{
    ext_impl *x = IMPL(fs);
    TSK_FS_DIR *d;
    size_t n;
    int rc = DOF_OK;

    if (dir < x->tfs->first_inum || dir > x->tfs->last_inum ||
        dir == TSK_FS_ORPHANDIR_INUM(x->tfs))
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                             "inode %llu out of range",
                             (unsigned long long)dir);
    if (ext_raw_inode(fs, dir) == DOF_OK &&
        (dof_le16(x->ibuf) & 0xf000) != 0x4000)
        /* TSK opens the whole inode before it looks at the type: a
         * garbage inode behind a damaged entry can take it minutes */
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                             "inode %llu is not a directory (mode %#o)",
                             (unsigned long long)dir,
                             (unsigned)dof_le16(x->ibuf));
    if ((rc = raw_sane(fs, dir)) != DOF_OK)
        return rc;
    d = tsk_fs_dir_open_meta(x->tfs, (TSK_INUM_T)dir);
    if (d == NULL) {
        char what[80];
        snprintf(what, sizeof(what), "inode %llu is not a readable directory",
                 (unsigned long long)dir);
        return dof_set_tsk_error(fs->ctx, DOF_ERR_NOTFOUND, what);
    }
    n = tsk_fs_dir_getsize(d);
    if (n > DOF_CAP_DIR_ENTRIES) {
        dof_warn(fs->ctx, DOF_ERR_LIMIT, NULL,
                 "directory inode %llu has %zu entries; only the first %u "
                 "are read",
                 (unsigned long long)dir, n, DOF_CAP_DIR_ENTRIES);
        n = DOF_CAP_DIR_ENTRIES;
    }
    for (size_t i = 0; i < n; i++) {
        const TSK_FS_NAME *nm = tsk_fs_dir_get_name(d, i);
        dof_dirent de;
        size_t len;

        if (nm == NULL || nm->name == NULL)
            continue;
        if (nm->type == TSK_FS_NAME_TYPE_VIRT ||
            nm->type == TSK_FS_NAME_TYPE_VIRT_DIR ||
            nm->meta_addr == TSK_FS_ORPHANDIR_INUM(x->tfs))
            continue; /* TSK's $OrphanFiles and the like */
        de.deleted = (nm->flags & TSK_FS_NAME_FLAG_UNALLOC) ? 1 : 0;
        if (de.deleted && !(flags & DOF_FS_READDIR_DELETED))
            continue;
        len = strnlen(nm->name, nm->name_size);
        if (len == 0 || len > DOF_CAP_NAME_BYTES)
            continue;
        de.name = nm->name;
        de.name_len = len;
        de.node = nm->meta_addr;
        de.type = name_type(nm->type);
        if (fn(arg, &de))
            break;
    }
    tsk_fs_dir_close(d);
    return rc;
}

static int
ext_read(dof_fs *fs, dof_node node, uint64_t off, void *buf, size_t len,
         size_t *got)
{
    TSK_FS_FILE *f;
    ssize_t n;
    uint64_t size;
    int rc;

    if ((rc = ext_file(fs, node, &f)) != DOF_OK)
        return rc;
    size = f->meta->size > 0 ? (uint64_t)f->meta->size : 0;
    if (off >= size)
        return DOF_OK; /* EOF */
    if (len > size - off)
        len = (size_t)(size - off);
    n = tsk_fs_file_read(f, (TSK_OFF_T)off, buf, len,
                         TSK_FS_FILE_READ_FLAG_NONE);
    if (n < 0) {
        char what[80];
        snprintf(what, sizeof(what), "cannot read inode %llu at %llu",
                 (unsigned long long)node, (unsigned long long)off);
        return dof_set_tsk_error(fs->ctx, DOF_ERR_IO, what);
    }
    *got = (size_t)n;
    return DOF_OK;
}

static int
ext_readlink(dof_fs *fs, dof_node node, char **out)
{
    TSK_FS_FILE *f;
    uint64_t size;
    char *t;
    size_t have = 0;
    int rc;

    if ((rc = ext_file(fs, node, &f)) != DOF_OK)
        return rc;
    if (f->meta->type != TSK_FS_META_TYPE_LNK)
        return dof_set_error(fs->ctx, DOF_ERR_ARG,
                             "inode %llu is not a symlink",
                             (unsigned long long)node);
    if (f->meta->link != NULL && f->meta->link[0] != '\0') {
        t = strdup(f->meta->link);
        if (t == NULL)
            return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
        *out = t;
        return DOF_OK;
    }
    /* long target: in the file's data blocks */
    size = f->meta->size > 0 ? (uint64_t)f->meta->size : 0;
    if (size > DOF_CAP_PATH_BYTES)
        return dof_set_error(fs->ctx, DOF_ERR_LIMIT,
                             "symlink target of %llu bytes over the cap",
                             (unsigned long long)size);
    t = malloc((size_t)size + 1);
    if (t == NULL)
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    while (have < size) {
        size_t got = 0;
        rc = ext_read(fs, node, have, t + have, (size_t)size - have, &got);
        if (rc != DOF_OK) {
            free(t);
            return rc;
        }
        if (got == 0)
            break;
        have += got;
    }
    t[have] = '\0';
    *out = t;
    return DOF_OK;
}

/* ---- xattrs ---- */

typedef struct ext_xa {
    dof_fs *fs;
    dof_node node;
    dof_fs_xattr_fn fn;
    void *arg;
    int stopped;
} ext_xa;

/* Value stored in its own inode (ext4 ea_inode feature). */
static int
ext_xattr_inum_value(dof_fs *fs, uint32_t inum, uint32_t size, char **out)
{
    ext_impl *x = IMPL(fs);
    TSK_FS_FILE *f;
    char *v;
    ssize_t n = 0;

    *out = NULL;
    if (size > EXT_XATTR_VALUE_CAP)
        return DOF_ERR_LIMIT;
    if (inum < x->tfs->first_inum || inum > x->tfs->last_inum)
        return DOF_ERR_FORMAT;
    v = malloc((size_t)size + 1);
    if (v == NULL)
        return DOF_ERR_NOMEM;
    f = tsk_fs_file_open_meta(x->tfs, NULL, inum);
    if (f != NULL && size > 0)
        n = tsk_fs_file_read(f, 0, v, size, TSK_FS_FILE_READ_FLAG_NONE);
    tsk_fs_file_close(f);
    if (f == NULL || n != (ssize_t)size) {
        tsk_error_reset();
        free(v);
        return DOF_ERR_IO;
    }
    *out = v;
    return DOF_OK;
}

static int
ext_xa_cb(void *arg, const char *name, size_t name_len,
          const unsigned char *value, uint32_t value_size, uint32_t value_inum)
{
    ext_xa *a = arg;
    char *v = NULL;
    int stop;

    (void)name_len;
    if (value_inum != 0) {
        int rc = ext_xattr_inum_value(a->fs, value_inum, value_size, &v);
        if (rc != DOF_OK) {
            dof_warn(a->fs->ctx, rc, NULL,
                     "inode %llu: xattr %s: value in inode %u unreadable "
                     "(%s)",
                     (unsigned long long)a->node, name, value_inum,
                     dof_status_name(rc));
            return 0;
        }
        stop = a->fn(a->arg, name, v, value_size);
        free(v);
    }
    else {
        stop =
            a->fn(a->arg, name, value ? (const void *)value : "", value_size);
    }
    if (stop)
        a->stopped = 1;
    return stop;
}

static int
ext_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn, void *arg)
{
    ext_impl *x = IMPL(fs);
    ext_xa a = {fs, node, fn, arg, 0};
    uint64_t acl;
    int rc;

    if ((rc = ext_raw_inode(fs, node)) != DOF_OK)
        return rc;
    acl = dof_ext_inode_file_acl(x->ibuf, x->sb.inode_size, &x->sb);
    rc = dof_ext_xattr_parse_ibody(x->ibuf, x->sb.inode_size, ext_xa_cb, &a);
    if (rc < 0)
        dof_warn(fs->ctx, rc, NULL, "inode %llu: damaged in-inode xattr area",
                 (unsigned long long)node);
    if (a.stopped || acl == 0)
        return DOF_OK;
    if (acl >= x->sb.blocks_count) {
        dof_warn(fs->ctx, DOF_ERR_FORMAT, NULL,
                 "inode %llu: xattr block %llu out of range",
                 (unsigned long long)node, (unsigned long long)acl);
        return DOF_OK;
    }
    if ((rc = ext_rd(fs, acl * x->sb.block_size, x->bbuf, x->sb.block_size)) !=
        DOF_OK)
        return rc;
    rc = dof_ext_xattr_parse_block(x->bbuf, x->sb.block_size, ext_xa_cb, &a);
    if (rc < 0)
        dof_warn(fs->ctx, rc, NULL, "inode %llu: damaged xattr block %llu",
                 (unsigned long long)node, (unsigned long long)acl);
    return DOF_OK;
}

static void
ext_close(dof_fs *fs)
{
    ext_impl *x = IMPL(fs);
    tsk_fs_file_close(x->file);
    tsk_fs_close(x->tfs);
    free(x->ibuf);
    free(x->bbuf);
    free(x);
}

static const dof_fs_ops ext_ops = {
    ext_stat,      ext_readdir, ext_read,  ext_readlink,
    ext_listxattr, NULL,        ext_close,
};

int
dof_fs_ext_open(dof_ctx *ctx, TSK_IMG_INFO *img, uint64_t offset, dof_fs **out)
{
    ext_impl *x = NULL;
    dof_fs *fs = NULL;
    unsigned char sbuf[1024];
    char what[96];

    *out = NULL;
    x = calloc(1, sizeof(*x));
    if (x == NULL)
        goto nomem;
    x->tfs = tsk_fs_open_img(img, (TSK_OFF_T)offset, TSK_FS_TYPE_EXT_DETECT);
    if (x->tfs == NULL) {
        snprintf(what, sizeof(what),
                 "cannot open the ext filesystem at byte %llu",
                 (unsigned long long)offset);
        dof_set_tsk_error(ctx, DOF_ERR_FORMAT, what);
        goto fail;
    }
    if (tsk_fs_read(x->tfs, 1024, (char *)sbuf, sizeof(sbuf)) !=
            (ssize_t)sizeof(sbuf) ||
        dof_ext_sb_parse(sbuf, sizeof(sbuf), &x->sb) != DOF_OK) {
        tsk_error_reset();
        dof_set_error(ctx, DOF_ERR_FORMAT,
                      "ext superblock at byte %llu is unreadable or "
                      "damaged",
                      (unsigned long long)offset + 1024);
        goto fail;
    }
    x->ibuf = malloc(x->sb.inode_size);
    x->bbuf = malloc(x->sb.block_size);
    if (x->ibuf == NULL || x->bbuf == NULL)
        goto nomem;
    fs = dof_fs_new(ctx, &ext_ops, x);
    if (fs == NULL)
        goto nomem;
    snprintf(fs->type_name, sizeof(fs->type_name), "%s",
             dof_ext_sb_version(&x->sb));
    fs->root = x->tfs->root_inum;
    fs->size_bytes = (uint64_t)x->tfs->block_count * x->tfs->block_size;
    fs->offset = offset;
    fs->needs_recovery =
        (x->sb.feature_incompat & DOF_EXT_INCOMPAT_RECOVER) ? 1 : 0;
    fs->trusted_xattrs = 1;
    *out = fs;
    return DOF_OK;

nomem:
    dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
fail:
    if (x) {
        if (x->tfs)
            tsk_fs_close(x->tfs);
        free(x->ibuf);
        free(x->bbuf);
        free(x);
    }
    free(fs);
    return dof_errcode(ctx);
}
