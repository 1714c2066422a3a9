/*
 * fs_xfs_attr.c - XFS extended attributes: shortform in the inode's
 * attribute fork, leaf blocks, node (da btree) form, remote values.
 *
 * The entry flags name the namespace: ROOT is trusted., SECURE is
 * security., neither is user.  Incomplete entries (a set that never
 * finished) and parent pointers are not attributes and are skipped.
 */
#include "fs/fs_xfs.h"

#include <stdlib.h>

#define ATTR_LOCAL 0x01u
#define ATTR_ROOT 0x02u
#define ATTR_SECURE 0x04u
#define ATTR_PARENT 0x08u
#define ATTR_INCOMPLETE 0x80u
#define ATTR_LEAF_MAGIC 0xfbeeu
#define ATTR3_LEAF_MAGIC 0x3beeu
#define DA_NODE_MAGIC 0xfebeu
#define DA3_NODE_MAGIC 0x3ebeu
#define ATTR_LEAF_HDR 32u
#define ATTR3_LEAF_HDR 80u
#define DA_NODE_HDR 16u
#define DA3_NODE_HDR 64u
#define ATTR3_RMT_HDR 56u
#define ATTR3_RMT_MAGIC 0x5841524du /* "XARM" */
#define XATTR_VALUE_MAX 65536u
#define DA_MAX_DEPTH 8
/* attr leaf blocks of one inode dof follows (256 MiB of 4 KiB leaves) */
#define ATTR_LEAVES_MAX 65536u

/* Emit one entry with its namespace prefix; 1 if the callback stopped. */
static int
emit(unsigned flags, const unsigned char *name, size_t nl,
     const unsigned char *value, uint32_t vlen, uint32_t rblk,
     dof_xfs_attr_fn fn, void *arg)
{
    char full[16 + DOF_XFS_NAME_MAX + 1];
    const char *pre;
    size_t pl;

    if (flags & (ATTR_INCOMPLETE | ATTR_PARENT))
        return 0;
    if (nl == 0 || memchr(name, 0, nl) != NULL)
        return DOF_ERR_FORMAT;
    pre = (flags & ATTR_ROOT)     ? "trusted."
          : (flags & ATTR_SECURE) ? "security."
                                  : "user.";
    pl = strlen(pre);
    memcpy(full, pre, pl);
    memcpy(full + pl, name, nl);
    full[pl + nl] = '\0';
    return fn(arg, full, pl + nl, value, vlen, rblk) ? 1 : 0;
}

int
dof_xfs_attr_sf_parse(const unsigned char *p, size_t len, dof_xfs_attr_fn fn,
                      void *arg)
{
    size_t tot, pos = 4;
    unsigned count;

    if (p == NULL || len < 4)
        return DOF_ERR_FORMAT;
    tot = dof_xfs_be16(p);
    count = p[2];
    if (tot < 4 || tot > len)
        return DOF_ERR_FORMAT;
    for (unsigned i = 0; i < count; i++) {
        size_t nl, vl;
        int rc;
        if (pos + 3 > tot)
            return DOF_ERR_FORMAT;
        nl = p[pos];
        vl = p[pos + 1];
        if (3 + nl + vl > tot - pos)
            return DOF_ERR_FORMAT;
        rc = emit(p[pos + 2], p + pos + 3, nl, p + pos + 3 + nl, (uint32_t)vl,
                  0, fn, arg);
        if (rc != 0)
            return rc;
        pos += 3 + nl + vl;
    }
    return DOF_OK;
}

int
dof_xfs_attr_is_leaf(const dof_xfs_sb *sb, const unsigned char *p, size_t len)
{
    return p != NULL && len >= 12 &&
           dof_xfs_be16(p + 8) ==
               (sb->crc ? ATTR3_LEAF_MAGIC : ATTR_LEAF_MAGIC);
}

int
dof_xfs_attr_leaf_parse(const dof_xfs_sb *sb, const unsigned char *p,
                        size_t len, dof_xfs_attr_fn fn, void *arg,
                        uint32_t *forw)
{
    size_t hdr = sb->crc ? ATTR3_LEAF_HDR : ATTR_LEAF_HDR, count;

    *forw = 0;
    if (len < hdr || !dof_xfs_attr_is_leaf(sb, p, len))
        return DOF_ERR_FORMAT;
    *forw = dof_be32(p);
    count = dof_xfs_be16(p + (sb->crc ? 56 : 12));
    if (count > (len - hdr) / 8)
        return DOF_ERR_FORMAT;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *e = p + hdr + i * 8;
        size_t idx = dof_xfs_be16(e + 4), nl;
        unsigned flags = e[6];
        int rc;
        if (idx < hdr || idx >= len)
            return DOF_ERR_FORMAT;
        if (flags & ATTR_LOCAL) {
            size_t vl;
            if (idx + 3 > len)
                return DOF_ERR_FORMAT;
            vl = dof_xfs_be16(p + idx);
            nl = p[idx + 2];
            if (3 + nl + vl > len - idx)
                return DOF_ERR_FORMAT;
            rc = emit(flags, p + idx + 3, nl, p + idx + 3 + nl, (uint32_t)vl,
                      0, fn, arg);
        }
        else {
            uint32_t rblk, vl;
            if (idx + 9 > len)
                return DOF_ERR_FORMAT;
            rblk = dof_be32(p + idx);
            vl = dof_be32(p + idx + 4);
            nl = p[idx + 8];
            if (9 + nl > len - idx)
                return DOF_ERR_FORMAT;
            rc = emit(flags, p + idx + 9, nl, NULL, vl, rblk, fn, arg);
        }
        if (rc != 0)
            return rc;
    }
    return DOF_OK;
}

int
dof_xfs_da_node_parse(const dof_xfs_sb *sb, const unsigned char *p, size_t len,
                      unsigned *level, uint32_t *first)
{
    size_t hdr = sb->crc ? DA3_NODE_HDR : DA_NODE_HDR, count;

    if (p == NULL || len < hdr + 8 ||
        dof_xfs_be16(p + 8) != (sb->crc ? DA3_NODE_MAGIC : DA_NODE_MAGIC))
        return DOF_ERR_FORMAT;
    count = dof_xfs_be16(p + (sb->crc ? 56 : 12));
    *level = dof_xfs_be16(p + (sb->crc ? 58 : 14));
    if (count == 0 || count > (len - hdr) / 8 || *level == 0 ||
        *level > DA_MAX_DEPTH)
        return DOF_ERR_FORMAT;
    *first = dof_be32(p + hdr + 4);
    return DOF_OK;
}

#define ACL_USER 0x02u
#define ACL_GROUP 0x08u
#define ACL_XATTR_VERSION 2u
#define ACL_MAX_ENTRIES 8191u

int
dof_xfs_acl_to_xattr(const unsigned char *p, size_t len, unsigned char **out,
                     size_t *outlen)
{
    uint32_t cnt;
    unsigned char *o;

    *out = NULL;
    *outlen = 0;
    if (p == NULL || len < 4)
        return DOF_ERR_FORMAT;
    cnt = dof_be32(p);
    if (cnt > ACL_MAX_ENTRIES || cnt > (len - 4) / 12)
        return DOF_ERR_FORMAT;
    if ((o = malloc(4 + (size_t)cnt * 8)) == NULL)
        return DOF_ERR_NOMEM;
    o[0] = ACL_XATTR_VERSION; /* le32 a_version */
    o[1] = o[2] = o[3] = 0;
    for (uint32_t i = 0; i < cnt; i++) {
        const unsigned char *e = p + 4 + (size_t)i * 12;
        unsigned char *d = o + 4 + (size_t)i * 8;
        uint32_t tag = dof_be32(e), id = dof_be32(e + 4);
        uint16_t perm = dof_xfs_be16(e + 8);
        if (tag != ACL_USER && tag != ACL_GROUP)
            id = 0xffffffffu;      /* ACL_UNDEFINED_ID */
        d[0] = (unsigned char)tag; /* le16 e_tag, le16 e_perm, le32 e_id */
        d[1] = (unsigned char)(tag >> 8);
        d[2] = (unsigned char)perm;
        d[3] = (unsigned char)(perm >> 8);
        d[4] = (unsigned char)id;
        d[5] = (unsigned char)(id >> 8);
        d[6] = (unsigned char)(id >> 16);
        d[7] = (unsigned char)(id >> 24);
    }
    *out = o;
    *outlen = 4 + (size_t)cnt * 8;
    return DOF_OK;
}

/* ---- listxattr ---- */

typedef struct xa_state {
    dof_fs *fs;
    uint64_t ino;
    const dof_xfs_ext *ext;
    size_t n;
    dof_fs_xattr_fn fn;
    void *arg;
    int stopped;
} xa_state;

/* A remote value: v5 blocks carry an XARM header each, v4 are raw. */
static int
remote_value(xa_state *s, uint32_t rblk, uint32_t vlen, unsigned char **out)
{
    const dof_xfs_sb *sb = &XFS_IMPL(s->fs)->sb;
    uint32_t bs = sb->block_size;
    uint32_t per = sb->crc ? bs - ATTR3_RMT_HDR : bs;
    unsigned char *v, *b = NULL;
    uint32_t have = 0;
    int rc = DOF_OK;

    *out = NULL;
    if (vlen > XATTR_VALUE_MAX)
        return DOF_ERR_LIMIT;
    if ((v = malloc(vlen + 1)) == NULL || (b = malloc(bs)) == NULL) {
        free(v);
        return DOF_ERR_NOMEM;
    }
    for (uint64_t bi = rblk; have < vlen; bi++) {
        uint32_t want = vlen - have < per ? vlen - have : per;
        rc = dof_xfs_fork_read(s->fs, s->ext, s->n, bi * bs, b, bs);
        if (rc != DOF_OK)
            break;
        if (sb->crc) {
            if (dof_be32(b) != ATTR3_RMT_MAGIC) {
                rc = DOF_ERR_FORMAT;
                break;
            }
            memcpy(v + have, b + ATTR3_RMT_HDR, want);
        }
        else {
            memcpy(v + have, b, want);
        }
        have += want;
    }
    free(b);
    if (rc != DOF_OK) {
        free(v);
        return rc;
    }
    *out = v;
    return DOF_OK;
}

static int
xa_cb(void *arg, const char *name, size_t name_len, const unsigned char *value,
      uint32_t vlen, uint32_t rblk)
{
    xa_state *s = arg;
    unsigned char *v = NULL;
    int stop;

    (void)name_len;
    if (value == NULL && vlen > 0) {
        int rc = remote_value(s, rblk, vlen, &v);
        if (rc != DOF_OK) {
            dof_warn(s->fs->ctx, rc, NULL,
                     "inode %llu: xattr %s: remote value of %u bytes "
                     "unreadable (%s)",
                     (unsigned long long)s->ino, name, vlen,
                     dof_status_name(rc));
            dof_clear_error(s->fs->ctx);
            return 0;
        }
        value = v;
    }
    stop = s->fn(s->arg, name, value ? (const void *)value : "", vlen);
    /* the kernel shows POSIX ACLs as system.posix_acl_* too */
    if (!stop && (strcmp(name, "trusted.SGI_ACL_FILE") == 0 ||
                  strcmp(name, "trusted.SGI_ACL_DEFAULT") == 0)) {
        unsigned char *acl = NULL;
        size_t alen = 0;
        if (dof_xfs_acl_to_xattr(value, vlen, &acl, &alen) == DOF_OK)
            stop = s->fn(s->arg,
                         name[16] == 'F' ? "system.posix_acl_access"
                                         : "system.posix_acl_default",
                         acl, alen);
        else
            dof_warn(s->fs->ctx, DOF_ERR_FORMAT, NULL,
                     "inode %llu: damaged POSIX ACL in %s",
                     (unsigned long long)s->ino, name);
        free(acl);
    }
    free(v);
    if (stop)
        s->stopped = 1;
    return stop;
}

static void
xa_damaged(dof_fs *fs, uint64_t ino, const char *what)
{
    dof_warn(fs->ctx, DOF_ERR_FORMAT, NULL, "inode %llu: damaged %s",
             (unsigned long long)ino, what);
}

int
dof_xfs_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn, void *arg)
{
    xfs_impl *x = XFS_IMPL(fs);
    xa_state s = {fs, node, NULL, 0, fn, arg, 0};
    dof_xfs_ext *ext = NULL;
    unsigned char *b = NULL;
    uint64_t nblocks = 0;
    uint32_t blk = 0;
    int rc;

    if ((rc = dof_xfs_inode_get(fs, node)) != DOF_OK)
        return rc;
    if (x->in.afork_len == 0)
        return DOF_OK;
    if (x->in.aformat == DOF_XFS_FMT_LOCAL) {
        unsigned char fork[2048];
        size_t fl = x->in.afork_len;
        memcpy(fork, x->in.afork, fl);
        rc = dof_xfs_attr_sf_parse(fork, fl, xa_cb, &s);
        if (rc < 0)
            xa_damaged(fs, node, "shortform attributes");
        return DOF_OK;
    }
    if (x->in.anextents == 0)
        return DOF_OK;
    rc = dof_xfs_fork_extents(fs, node, &x->in, 1, &ext, &s.n);
    if (rc != DOF_OK)
        return rc;
    s.ext = ext;
    for (size_t i = 0; i < s.n; i++)
        nblocks += ext[i].len;
    if ((b = malloc(x->sb.block_size)) == NULL) {
        free(ext);
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    }
    /* down the leftmost path of a node tree to the first leaf */
    for (int depth = 0;; depth++) {
        unsigned level;
        uint32_t first;
        rc = dof_xfs_fork_read(fs, ext, s.n, (uint64_t)blk * x->sb.block_size,
                               b, x->sb.block_size);
        if (rc != DOF_OK)
            goto out;
        if (dof_xfs_attr_is_leaf(&x->sb, b, x->sb.block_size))
            break;
        if (depth > DA_MAX_DEPTH ||
            dof_xfs_da_node_parse(&x->sb, b, x->sb.block_size, &level,
                                  &first) != DOF_OK) {
            xa_damaged(fs, node, "attribute tree");
            goto out;
        }
        blk = first;
    }
    /* along the leaves */
    for (uint64_t seen = 0;; seen++) {
        uint32_t forw = 0;
        if (seen > nblocks || seen > ATTR_LEAVES_MAX) {
            xa_damaged(fs, node, "attribute leaf chain (a loop)");
            break;
        }
        rc = dof_xfs_attr_leaf_parse(&x->sb, b, x->sb.block_size, xa_cb, &s,
                                     &forw);
        if (rc < 0)
            xa_damaged(fs, node, "attribute leaf block");
        if (rc != DOF_OK || s.stopped || forw == 0)
            break;
        rc = dof_xfs_fork_read(fs, ext, s.n, (uint64_t)forw * x->sb.block_size,
                               b, x->sb.block_size);
        if (rc != DOF_OK)
            goto out;
    }
    rc = DOF_OK;
out:
    free(b);
    free(ext);
    return rc;
}
